// How a run is split into partitions that share nothing (scenario key run.partition), so that
// threads can simulate them side by side with results independent of the thread count. Pure
// planning from the static world: never runs a simulation, never looks at a clock.
#pragma once
#include <cstddef>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "sim/host/world.hpp"

namespace p2pcdn::sim {

// TURN relaying: for each region, the region whose relay carries what its viewers send (itself
// when it has a relay; else the relay region with the lowest hub-to-hub RTT, ties to the lower
// index). Every region maps to itself when TURN has no relay anywhere.
std::vector<std::size_t> turn_relay_regions(const models::Scenario& scenario, const World& world);

// The partitions of a run: for each, which regions (by topology index) it simulates. Regions are
// grouped when their viewers can ever meet on one shared server: a PoP that request routing
// sends both to (at t = 0 or after any outage change), or a TURN relay (when TURN is enabled).
// kNone gives one partition holding every region. Partitions are ordered by their lowest
// region index; every region is in exactly one.
std::vector<std::vector<bool>> plan_partitions(const models::Scenario& scenario,
                                               const World& world);

}  // namespace p2pcdn::sim
