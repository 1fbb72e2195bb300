// STUN-only connectivity between two NAT types (parameters.md §4.3).
#include "models/network/nat.hpp"

#include <algorithm>
#include <cmath>

#include "models/base/distributions.hpp"

namespace p2pcdn::models {

namespace {
std::size_t idx(NatType t) { return static_cast<std::size_t>(t); }
bool is_cone_open(NatType t) { return t == NatType::kOpen || t == NatType::kFullCone; }
}  // namespace

double direct_success_probability(NatType a, NatType b, const NatParams& params) {
  if (idx(a) >= kNatTypeCount || idx(b) >= kNatTypeCount) return 0.0;
  // Read both orientations so an asymmetric user matrix still gives a symmetric answer
  // (a path needs both sides' cooperation).
  if (!params.direct_possible[idx(a)][idx(b)] || !params.direct_possible[idx(b)][idx(a)]) {
    return 0.0;
  }
  // An open or full-cone side accepts the other's packets from anywhere: no punching race.
  if (is_cone_open(a) || is_cone_open(b)) return 1.0;
  return std::clamp(params.hole_punch_success, 0.0, 1.0);
}

bool attempt_succeeds(NatType a, NatType b, const NatParams& params, double uniform_draw) {
  return uniform_draw < direct_success_probability(a, b, params);
}

TimeUs sample_ice_setup_us(const NatParams& params, rng::RandomStream& rs) {
  const double s = rng::lognormal_median(rs, params.ice_setup_median_s, params.ice_setup_sigma);
  return std::max<TimeUs>(1, from_seconds(s));
}

bool turn_relays(const NatParams& params) { return params.turn_enabled; }

ConnectResult attempt_connection(NatType a, NatType b, const NatParams& params,
                                 rng::RandomStream& rs) {
  ConnectResult r;
  const bool direct = attempt_succeeds(a, b, params, rs.next_double());
  r.setup_us = sample_ice_setup_us(params, rs);
  if (direct) {
    r.outcome = ConnectOutcome::kDirect;
  } else if (turn_relays(params)) {
    r.outcome = ConnectOutcome::kRelayed;
    r.setup_us += from_seconds(params.turn_extra_setup_s);
  } else {
    r.outcome = ConnectOutcome::kFailed;
  }
  return r;
}

}  // namespace p2pcdn::models
