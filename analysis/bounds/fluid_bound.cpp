// Fluid offload bound: per swarm max(r, N r - U), summed over swarms and weighted by time.
#include "analysis/bounds/fluid_bound.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace p2pcdn::analysis {

IntervalBound fluid_interval_bound(std::span<const SwarmLoad> swarms) {
  IntervalBound bound;
  for (const SwarmLoad& s : swarms) {
    if (!(s.stream_rate_bps >= 0.0) || !(s.usable_upload_bps >= 0.0) ||
        !std::isfinite(s.stream_rate_bps) || !std::isfinite(s.usable_upload_bps)) {
      throw std::invalid_argument("fluid bound: rates must be finite and >= 0");
    }
    if (s.viewers == 0) continue;  // nobody to serve; its upload is of no use elsewhere
    const double demand = static_cast<double>(s.viewers) * s.stream_rate_bps;
    bound.demand_bps += demand;
    bound.cdn_min_bps += std::max(s.stream_rate_bps, demand - s.usable_upload_bps);
  }
  return bound;
}

FluidBound fluid_bound(std::span<const FluidInterval> intervals) {
  FluidBound result;
  result.intervals.reserve(intervals.size());
  for (const FluidInterval& interval : intervals) {
    if (!(interval.duration_s >= 0.0) || !std::isfinite(interval.duration_s)) {
      throw std::invalid_argument("fluid bound: interval duration must be finite and >= 0");
    }
    const IntervalBound bound = fluid_interval_bound(interval.swarms);
    result.totals.add(interval.duration_s, bound);
    result.intervals.push_back(bound);
  }
  return result;
}

}  // namespace p2pcdn::analysis
