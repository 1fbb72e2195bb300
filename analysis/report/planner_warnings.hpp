// Warnings a capacity planner needs (issue 24, item 3): PoPs that served nothing (their
// capacity is not really there) and CDN capacity that never came near binding (a scaled-down run
// whose egress_gbps was not scaled with the audience says nothing about capacity), and
// bitrate-switch storms and wake-up storms (a policy that runs far more decision epochs than
// its work needs). Pure: reads
// the summary and the PoPs' capacities only.
#pragma once
#include <string>
#include <vector>

#include "analysis/metrics/summary.hpp"

namespace p2pcdn::analysis {

struct PopCapacity {
  std::string name;
  double egress_gbps = 0;
};

// Capacity "binds" when a PoP's busiest interval reaches this share of its egress_gbps.
inline constexpr double kCapacityBindShare = 0.5;

// A bitrate-switch storm: more switches per hour of watching (mean switches per viewer over mean
// watch time) than this, one a minute (smoke.yaml and ci.yaml: 16-18; ABR players switch a few
// times a session).
inline constexpr double kSwitchStormPerHour = 60;

// A wake-up storm: more policy decision epochs per viewer-second of watching than this. The
// shipped policies run 4-17 (bench/ci's summaries: ci.yaml windowed 6.5; the open swarm
// buffer-threshold 4.7, reference 9, windowed 11, deadline-aware 16): one epoch per segment,
// timer or message that can change a decision. A policy that asks to be woken every few
// milliseconds runs hundreds and spends the run in its own timers.
inline constexpr double kWakeStormEpochsPerViewerSecond = 100;

// `pops` in scenario order, matched to summary.cdn_by_pop by name (nothing if one is missing).
// Nothing when no byte was delivered at all (nothing to say about the CDN).
std::vector<std::string> planner_warnings(const Summary& summary,
                                          const std::vector<PopCapacity>& pops);

}  // namespace p2pcdn::analysis
