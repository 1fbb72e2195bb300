// PoPs that serve nothing; capacity that never binds; bitrate-switch and wake-up storms.
#include "analysis/report/planner_warnings.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace p2pcdn::analysis {
namespace {

std::string gbps(double v) {
  char buf[64];
  if (v >= 1000)
    std::snprintf(buf, sizeof buf, "%.3g Tbit/s", v / 1000);
  else if (v >= 1)
    std::snprintf(buf, sizeof buf, "%.3g Gbit/s", v);
  else
    std::snprintf(buf, sizeof buf, "%.3g Mbit/s", v * 1000);
  return buf;
}

// Bitrate-switch storm (independent of the CDN).
void switch_storm(const Summary& s, std::vector<std::string>& out) {
  const double watch_h = s.watch_s.mean / 3600;
  if (!(watch_h > 0) || !std::isfinite(s.bitrate_switches.mean)) return;
  const double per_hour = s.bitrate_switches.mean / watch_h;
  if (!(per_hour > kSwitchStormPerHour)) return;
  char buf[256];
  std::snprintf(buf, sizeof buf,
                "bitrate-switch storm: %.0f switches per hour of watching (%.3g per viewer, p90 "
                "%.3g; ABR players switch a few times a session): the player's quality "
                "oscillates, read the average bitrate with care",
                per_hour, s.bitrate_switches.mean, s.bitrate_switches.p90);
  out.push_back(buf);
}

// Wake-up storm: decision epochs per viewer-second of watching, the viewer-seconds from the time
// series (time-averaged concurrency x interval length).
void wake_storm(const Summary& s, std::vector<std::string>& out) {
  double viewer_s = 0;
  for (const TimeseriesRow& row : s.timeseries)
    if (std::isfinite(row.viewers)) viewer_s += row.viewers * (row.t_end_s - row.t_start_s);
  if (!(viewer_s > 0)) return;
  const double per_viewer_s = static_cast<double>(s.scheduler.decision_epochs) / viewer_s;
  if (!(per_viewer_s > kWakeStormEpochsPerViewerSecond)) return;
  char buf[320];
  std::snprintf(buf, sizeof buf,
                "wake-up storm: %.0f policy decision epochs per viewer-second (the shipped "
                "policies run 4-17): the policy asks to be woken far more often than segments, "
                "timers and messages need (a short wake_at?); the run is slow and its timing "
                "says little about a real client",
                per_viewer_s);
  out.push_back(buf);
}

}  // namespace

std::vector<std::string> planner_warnings(const Summary& s, const std::vector<PopCapacity>& pops) {
  std::vector<std::string> out;
  switch_storm(s, out);
  wake_storm(s, out);
  if (s.bytes_cdn == 0) return out;
  // The summary's PoP of that name (nullptr: not measured, say nothing about it).
  const auto measured = [&](const std::string& name) -> const EgressSummary* {
    for (const auto& e : s.cdn_by_pop)
      if (e.name == name) return &e;
    return nullptr;
  };
  double total = 0, serving = 0;
  std::vector<std::string> idle;
  double busiest_share = 0;
  std::string busiest;
  for (const PopCapacity& pop : pops) {
    const EgressSummary* e = measured(pop.name);
    if (e == nullptr) return out;
    total += pop.egress_gbps;
    if (e->bytes == 0) {
      idle.push_back(pop.name);
      continue;
    }
    serving += pop.egress_gbps;
    const double share = pop.egress_gbps > 0 ? e->peak_gbps / pop.egress_gbps : 0;
    if (busiest.empty() || share > busiest_share) {
      busiest_share = share;
      busiest = pop.name;
    }
  }
  if (!idle.empty()) {
    std::string names;
    for (const auto& n : idle) names += (names.empty() ? "" : ", ") + n;
    out.push_back(std::to_string(idle.size()) + " of " + std::to_string(pops.size()) +
                  " PoPs served no byte (" + names + "): the CDN capacity viewers could use was " +
                  gbps(serving) + ", not the " + gbps(total) +
                  " the scenario lists (requests go to the lowest-RTT PoP, ties to the first)");
  }
  if (busiest_share < kCapacityBindShare) {
    char share[32];
    std::snprintf(share, sizeof share, "%.1f %%", 100 * busiest_share);
    out.push_back("CDN capacity never binds: the busiest PoP (" + busiest + ") peaked at " + share +
                  " of its egress_gbps (CDN peak " + gbps(s.cdn.peak_gbps) + " for " +
                  gbps(serving) +
                  " of serving capacity), so this run says nothing about capacity; in a "
                  "scaled-down run, scale cdn.pops[].egress_gbps with the audience");
  }
  return out;
}

}  // namespace p2pcdn::analysis
