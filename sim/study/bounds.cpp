#include "sim/study/bounds.hpp"

#include "analysis/bounds/fluid_bound.hpp"
#include "analysis/bounds/max_flow_bound.hpp"
#include "analysis/bounds/store_forward_bound.hpp"

#include <algorithm>

namespace p2pcdn::study {

namespace {
constexpr std::uint32_t kNoWebRtc = 6;
}

bool bound_classes_connect(const sim::SimulationResult& result, std::uint32_t from,
                           std::uint32_t to) {
  if (from >= kNoWebRtc || to >= kNoWebRtc) return false;
  if (result.turn_enabled) return true;
  return result.nat_direct_possible[from][to] || result.nat_direct_possible[to][from];
}

RunBounds compute_bounds(const sim::SimulationResult& result) {
  RunBounds out;
  analysis::BoundTotals fluid_totals, flow_totals;
  double non_webrtc_bytes = 0;
  const analysis::NatConnect connect = [&result](std::uint32_t a, std::uint32_t b) {
    return bound_classes_connect(result, a, b);
  };
  for (const auto& sample : result.bound_samples) {
    std::vector<analysis::SwarmLoad> loads;
    std::vector<analysis::PeerClass> classes;
    double non_webrtc_bps = 0;
    for (std::uint32_t s = 0; s < sample.swarms.size(); ++s) {
      const sim::SwarmSample& swarm = sample.swarms[s];
      const double r = swarm.stream_rate_bps;
      std::uint64_t webrtc_viewers = 0;
      double upload = 0;
      for (std::uint32_t c = 0; c < kNoWebRtc; ++c) {
        webrtc_viewers += swarm.viewers_by_class[c];
        upload += swarm.upload_bps_by_class[c];
      }
      // Peers only serve WebRTC peers; viewers without WebRTC are a swarm of their own that
      // nobody can upload to: their whole demand is CDN minimum (max(r, n r - 0) = n r).
      if (webrtc_viewers > 0) loads.push_back({webrtc_viewers, r, upload});
      const std::uint64_t n6 = swarm.viewers_by_class[kNoWebRtc];
      if (n6 > 0) {
        loads.push_back({n6, r, 0.0});
        non_webrtc_bps += static_cast<double>(n6) * r;
      }
      for (std::uint32_t c = 0; c < sim::kBoundClasses; ++c) {
        const std::uint64_t n = swarm.viewers_by_class[c];
        if (n == 0) continue;
        const double per_peer_upload =
            c < kNoWebRtc ? swarm.upload_bps_by_class[c] / static_cast<double>(n) : 0.0;
        classes.push_back({n, per_peer_upload, r, s, c});
      }
    }
    const analysis::IntervalBound fluid = analysis::fluid_interval_bound(loads);
    const analysis::IntervalBound flow = classes.empty()
                                             ? analysis::IntervalBound{}
                                             : analysis::max_flow_bound_classes(classes, connect);
    fluid_totals.add(sample.duration_s, fluid);
    flow_totals.add(sample.duration_s, flow);
    non_webrtc_bytes += non_webrtc_bps * sample.duration_s / 8.0;
    out.intervals.push_back(
        {sample.t_s, fluid.demand_bps, fluid.offload_bound(), flow.offload_bound()});
  }
  analysis::BoundsFigures& f = out.figures;
  f.achieved_offload = result.summary.offload;
  f.fluid_offload = fluid_totals.offload_bound();
  f.max_flow_offload = flow_totals.offload_bound();
  f.fluid_efficiency = analysis::bound_efficiency(f.achieved_offload, f.fluid_offload);
  f.max_flow_efficiency = analysis::bound_efficiency(f.achieved_offload, f.max_flow_offload);
  f.demand_bytes = fluid_totals.demand_bytes;
  f.fluid_cdn_min_bytes = fluid_totals.cdn_min_bytes;
  f.max_flow_cdn_min_bytes = flow_totals.cdn_min_bytes;
  f.non_webrtc_demand_bytes = non_webrtc_bytes;
  f.intervals = result.bound_samples.size();
  analysis::StoreForwardTotals sf;
  for (const sim::SegmentSlacks& s : result.segment_slacks) {
    analysis::SegmentDeliveries d;
    d.size_bytes = static_cast<double>(s.size_bytes);
    d.webrtc_by_slack_bin = s.webrtc_by_bin;
    d.bin_s = sim::SegmentSlacks::kBinS;
    d.non_webrtc = s.non_webrtc;
    analysis::add_store_forward(sf, d, result.max_usable_up_bps);
  }
  f.store_forward_offload = sf.offload_bound();
  f.store_forward_efficiency =
      analysis::bound_efficiency(f.achieved_offload, f.store_forward_offload);
  f.store_forward_demand_bytes = sf.demand_bytes;
  f.store_forward_cdn_min_bytes = sf.cdn_min_bytes;
  f.max_usable_uplink_bps = result.max_usable_up_bps;
  f.tightest_offload = result.segment_slacks.empty()
                           ? f.max_flow_offload
                           : std::min(f.max_flow_offload, f.store_forward_offload);
  f.tightest_efficiency = analysis::bound_efficiency(f.achieved_offload, f.tightest_offload);
  return out;
}

}  // namespace p2pcdn::study
