// The fluid upper bound on offload: in each interval and swarm the CDN must send at least
// max(r, N*r - U) (one copy comes from the CDN; peers cannot upload more than U). Ignores who
// can reach whom (see max_flow_bound.hpp for that). Plain inputs only: never includes sim/.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

namespace p2pcdn::analysis {

// One swarm (one channel x rendition: peers only serve peers watching the same stream) in one
// interval. usable_upload_bps is what the swarm's peers can upload to that swarm in total.
struct SwarmLoad {
  std::uint64_t viewers = 0;
  double stream_rate_bps = 0.0;
  double usable_upload_bps = 0.0;
};

struct IntervalBound {
  double demand_bps = 0.0;   // sum of N * r
  double cdn_min_bps = 0.0;  // least the CDN must send
  double offload_bound() const { return demand_bps > 0 ? 1.0 - cdn_min_bps / demand_bps : 0.0; }
};

// Throws std::invalid_argument on negative or non-finite rates.
IntervalBound fluid_interval_bound(std::span<const SwarmLoad> swarms);

// Byte-weighted accumulation of per-interval bounds over a run.
struct BoundTotals {
  double demand_bytes = 0.0;
  double cdn_min_bytes = 0.0;
  void add(double duration_s, const IntervalBound& bound) {
    demand_bytes += bound.demand_bps * duration_s / 8.0;
    cdn_min_bytes += bound.cdn_min_bps * duration_s / 8.0;
  }
  double offload_bound() const {
    return demand_bytes > 0 ? 1.0 - cdn_min_bytes / demand_bytes : 0.0;
  }
};

struct FluidInterval {
  double duration_s = 0.0;
  std::vector<SwarmLoad> swarms;
};

struct FluidBound {
  BoundTotals totals;
  std::vector<IntervalBound> intervals;  // one per input interval
  double offload_bound() const { return totals.offload_bound(); }
};

// Throws std::invalid_argument on a negative duration or as fluid_interval_bound.
FluidBound fluid_bound(std::span<const FluidInterval> intervals);

// The scheduler's efficiency: achieved offload as a share of the bound (0 if the bound is 0).
inline double bound_efficiency(double achieved_offload, double offload_bound) {
  return offload_bound > 0 ? achieved_offload / offload_bound : 0.0;
}

}  // namespace p2pcdn::analysis
