// The part of the video start time that no flow of the simulation carries: from the play
// attempt (the viewer's join) to the first segment request. Player init, a DNS lookup, the
// connection's handshakes and the playlists, each fetched once the one before has arrived.
// A closed form: a playlist (~1.5 kB) fits in TCP's initial window (10 segments, RFC 6928),
// so each costs one round trip, the server's time and its bytes at the viewer's downlink.
#pragma once
#include <cstdint>

#include "models/base/time.hpp"
#include "models/player/player_params.hpp"

namespace p2pcdn::models {

// rtt_us: round trip to the PoP that serves the viewer; server_us: the PoP's time to answer a
// request; down_bps: the viewer's downlink. Throws std::invalid_argument on negative times or
// counts, or a zero downlink with playlist bytes to fetch.
TimeUs session_setup_us(const StartupParams& p, TimeUs rtt_us, TimeUs server_us,
                        std::uint64_t down_bps);

}  // namespace p2pcdn::models
