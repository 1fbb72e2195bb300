// NAT types and the STUN-only connectivity model between two peers (parameters.md §4.3):
// whether a direct path can exist, the hole-punching success factor, ICE set-up time and
// TURN fallback. Pure functions of (types, params, a caller's draw): never draws by itself
// from anything but the RandomStream handed in.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "models/base/random_stream.hpp"
#include "models/base/time.hpp"

namespace p2pcdn::models {

// RFC 3489 names. Same order as the scheduler's NatClass: do not reorder.
enum class NatType : std::uint8_t {
  kOpen,
  kFullCone,
  kRestricted,
  kPortRestricted,
  kSymmetric,
  kUdpBlocked,
  kCount
};
inline constexpr std::size_t kNatTypeCount = static_cast<std::size_t>(NatType::kCount);

using NatMatrix = std::array<std::array<bool, kNatTypeCount>, kNatTypeCount>;

// §4.3 direct-connectivity matrix (RFC 4787 mapping/filtering semantics, status U):
// true = a direct UDP path is expected (subject to hole_punch_success), false = needs TURN.
inline constexpr NatMatrix kDefaultDirectMatrix = {{
    //  open   full   restr  port   symm   blocked
    {{true, true, true, true, true, false}},      // open
    {{true, true, true, true, true, false}},      // full cone
    {{true, true, true, true, true, false}},      // restricted
    {{true, true, true, true, false, false}},     // port-restricted
    {{true, true, true, false, false, false}},    // symmetric
    {{false, false, false, false, false, false}}  // UDP blocked
}};

struct NatParams {
  // Which type pairs can connect directly: §4.3 matrix (U). Must be symmetric.
  NatMatrix direct_possible = kDefaultDirectMatrix;
  // Probability that hole punching works for a possible pair unless one side is open or full
  // cone: `hole_punch_success = 0.9`, §4.3 (D; Halkes > 80 % [HALK10], IPFS 70 % [IPFS25]).
  double hole_punch_success = 0.9;
  // ICE set-up delay, lognormal: `ice.setup_delay` median 1.0 s, sigma 0.5, §4.3 (U).
  double ice_setup_median_s = 1.0;
  double ice_setup_sigma = 0.5;
  // Relay through TURN when the direct path fails: `turn.enabled` false for P2P CDN peer
  // links (fallback is HTTP to the CDN), §4.3 (D).
  bool turn_enabled = false;
  // Extra set-up time when falling back to TURN after the direct attempt fails (one more
  // allocation round trip; no source key, U).
  double turn_extra_setup_s = 0.5;
  // A working connection later fails: `ice.failure_after_success_expected` 0.02, §4.3 [TOK] (V).
  double failure_after_success_probability = 0.02;
  // NAT mapping lifetime without keep-alive: `nat.mapping_timeout_s` 30, §4.3 (U).
  double mapping_timeout_s = 30.0;
};

// Probability that a direct (STUN-only) connection between a and b succeeds. Symmetric.
double direct_success_probability(NatType a, NatType b, const NatParams& params);

// Outcome of one attempt given a uniform draw u in [0, 1): direct iff u < probability.
bool attempt_succeeds(NatType a, NatType b, const NatParams& params, double uniform_draw);

enum class ConnectOutcome : std::uint8_t { kDirect, kRelayed, kFailed };

struct ConnectResult {
  ConnectOutcome outcome = ConnectOutcome::kFailed;
  TimeUs setup_us = 0;  // time from the start of ICE until connected or declared failed
};

// ICE set-up time: one lognormal draw (median, sigma from params), rounded to µs, >= 1 µs.
TimeUs sample_ice_setup_us(const NatParams& params, rng::RandomStream& rs);

// Whether TURN carries a pair whose direct attempt failed (turn_enabled; a relay always works,
// including UDP-blocked peers over TURN/TCP/TLS).
bool turn_relays(const NatParams& params);

// One whole attempt from the caller's stream (Purpose::kConnectivity, entity = pair key):
// draws the outcome, then the set-up time (plus turn_extra_setup_s when relayed).
ConnectResult attempt_connection(NatType a, NatType b, const NatParams& params,
                                 rng::RandomStream& rs);

}  // namespace p2pcdn::models
