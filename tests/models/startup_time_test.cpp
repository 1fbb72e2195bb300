// The set-up part of the video start time (player.startup): a closed form checked by hand.
#include "models/player/startup_time.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace p2pcdn::models {
namespace {

TimeUs ms(double v) { return from_seconds(v / 1000.0); }

TEST(StartupTime, DefaultsAreTcpTlsAndTwoPlaylists) {
  // 40 ms to the PoP, 5 ms of server time, 8 Mbit/s: 1 500 B take 1.5 ms.
  // 100 init + 30 DNS + 2 x 40 handshakes + 2 x (40 + 5 + 1.5) playlists = 303 ms.
  EXPECT_EQ(session_setup_us(StartupParams{}, ms(40), ms(5), 8'000'000), ms(303));
}

TEST(StartupTime, EachRoundTripAndFetchCounts) {
  StartupParams quic;
  quic.connection_rtts = 1;  // QUIC: transport and TLS in one round trip
  const TimeUs tls13 = session_setup_us(StartupParams{}, ms(80), ms(5), 8'000'000);
  EXPECT_EQ(tls13 - session_setup_us(quic, ms(80), ms(5), 8'000'000), ms(80));
  StartupParams fmp4;
  fmp4.playlist_fetches = 3;  // + the init segment
  EXPECT_EQ(session_setup_us(fmp4, ms(80), ms(5), 8'000'000) - tls13, ms(80 + 5 + 1.5));
  StartupParams none;
  none.player_init_s = none.dns_s = 0.0;
  none.connection_rtts = none.playlist_fetches = 0;
  EXPECT_EQ(session_setup_us(none, ms(80), ms(5), 0), 0);
}

TEST(StartupTime, RefusesNonsense) {
  StartupParams p;
  EXPECT_THROW(session_setup_us(p, -1, 0, 1'000'000), std::invalid_argument);
  EXPECT_THROW(session_setup_us(p, ms(10), ms(1), 0), std::invalid_argument);  // bytes, no link
  p.dns_s = -0.1;
  EXPECT_THROW(session_setup_us(p, ms(10), ms(1), 1'000'000), std::invalid_argument);
  p = StartupParams{};
  p.connection_rtts = -1;
  EXPECT_THROW(session_setup_us(p, ms(10), ms(1), 1'000'000), std::invalid_argument);
}

}  // namespace
}  // namespace p2pcdn::models
