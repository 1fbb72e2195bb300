#include "models/player/startup_time.hpp"

#include <cmath>
#include <stdexcept>

namespace p2pcdn::models {

TimeUs session_setup_us(const StartupParams& p, TimeUs rtt_us, TimeUs server_us,
                        std::uint64_t down_bps) {
  if (rtt_us < 0 || server_us < 0) throw std::invalid_argument("startup: negative latency");
  if (!(p.player_init_s >= 0.0) || !(p.dns_s >= 0.0) || !(p.playlist_bytes >= 0.0) ||
      !std::isfinite(p.player_init_s + p.dns_s + p.playlist_bytes)) {
    throw std::invalid_argument("startup: times and bytes must be finite and >= 0");
  }
  if (p.connection_rtts < 0 || p.playlist_fetches < 0) {
    throw std::invalid_argument("startup: round trips and fetches must be >= 0");
  }
  TimeUs playlist_us = 0;
  if (p.playlist_fetches > 0 && p.playlist_bytes > 0.0) {
    if (down_bps == 0) throw std::invalid_argument("startup: a playlist to fetch over no downlink");
    playlist_us = from_seconds(p.playlist_bytes * 8.0 / static_cast<double>(down_bps));
  }
  return from_seconds(p.player_init_s) + from_seconds(p.dns_s) + p.connection_rtts * rtt_us +
         p.playlist_fetches * (rtt_us + server_us + playlist_us);
}

}  // namespace p2pcdn::models
