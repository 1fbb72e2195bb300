// The theoretical offload bounds of one run from its per-interval swarm samples: the fluid
// bound and the connectivity-aware max-flow bound (analysis/bounds), beside the achieved
// offload. Viewers without WebRTC (class 6) take their whole demand from the CDN in both.
// Reads a finished SimulationResult only: never runs the simulator.
#pragma once
#include <vector>

#include "analysis/report/summary_json.hpp"
#include "sim/host/simulation.hpp"

namespace p2pcdn::study {

struct IntervalBounds {
  double t_s = 0;
  double demand_bps = 0;
  double fluid_offload = 0;
  double max_flow_offload = 0;
};

struct RunBounds {
  analysis::BoundsFigures figures;
  std::vector<IntervalBounds> intervals;
};

// Whether a peer of NAT class `from` can upload to one of class `to` in that run (classes 0-5:
// models::NatType; 6: no WebRTC, connects to nothing). A WebRTC data channel is two-way once
// set up, so either direction of the matrix suffices; with TURN every WebRTC pair connects.
bool bound_classes_connect(const sim::SimulationResult& result, std::uint32_t from,
                           std::uint32_t to);

RunBounds compute_bounds(const sim::SimulationResult& result);

}  // namespace p2pcdn::study
