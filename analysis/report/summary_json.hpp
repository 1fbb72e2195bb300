// summary.json: the Summary and RunInfo as one deterministic JSON document (keys
// in a fixed order, documented in docs/metrics.md), written atomically; and the
// structural check used by the `check` verb. Never reads anything but its inputs.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "analysis/io/json.hpp"
#include "analysis/metrics/summary.hpp"
#include "analysis/report/run_info.hpp"

namespace p2pcdn::analysis {

inline constexpr const char* kSummarySchema = "p2pcdn-sim/summary/1";

// The theoretical offload bounds of a run beside the achieved offload (docs/metrics.md,
// "bounds"). Computed by sim/study from the run's per-interval swarm samples.
struct BoundsFigures {
  double achieved_offload = 0;
  double fluid_offload = 0;     // 1 - fluid CDN minimum / demand, over the run
  double max_flow_offload = 0;  // same with who-can-reach-whom (max-flow)
  double fluid_efficiency = 0;  // achieved / fluid (0 if the bound is 0)
  double max_flow_efficiency = 0;
  double demand_bytes = 0;  // sum over intervals of viewers x stream rate x duration / 8
  double fluid_cdn_min_bytes = 0;
  double max_flow_cdn_min_bytes = 0;
  double non_webrtc_demand_bytes = 0;  // demand of viewers that cannot run WebRTC
  std::uint64_t intervals = 0;
  // Whole segments, forwarded by their holders before each viewer plays them
  // (analysis/bounds/store_forward_bound.hpp); over the segments the players received.
  double store_forward_offload = 0;
  double store_forward_efficiency = 0;
  double store_forward_demand_bytes = 0;
  double store_forward_cdn_min_bytes = 0;
  double max_usable_uplink_bps = 0;  // sets the copy time of that bound
  // min(max-flow, store-and-forward): both hold, so the smaller does.
  double tightest_offload = 0;
  double tightest_efficiency = 0;
};

// The money view of a run (docs/metrics.md, "cost").
struct CostFigures {
  std::string baseline;  // "cdn-only run" or "counterfactual: all delivered bytes from the CDN"
  double cdn_usd_per_gb = 0, turn_usd_per_gb = 0;  // the (first tier) prices used
  double cdn_gb = 0, cdn_usd = 0, turn_gb = 0, turn_usd = 0, total_usd = 0;
  double baseline_gb = 0, baseline_usd = 0, saving_usd = 0, saving_fraction = 0;
  double cdn_p95_5min_gbps = 0;       // 95th percentile of the 5-minute CDN egress rates
  double baseline_p95_5min_gbps = 0;  // same for the baseline
  std::uint64_t samples_5min = 0;     // 5-minute samples (the last one may be shorter)
};

// Optional objects appended after the metrics (before `run`), absent when not computed.
struct SummaryExtras {
  std::optional<BoundsFigures> bounds;
  std::optional<CostFigures> cost;
  // With --baseline: the CDN-only run beside this one (analysis/report/baseline_comparison.hpp).
  std::optional<io::Json> baseline;
};

io::Json summary_to_json(const Summary& summary, const RunInfo& info,
                         const SummaryExtras& extras = {});
void write_summary_json(const std::filesystem::path& path, const Summary& summary,
                        const RunInfo& info, const SummaryExtras& extras = {});
io::Json bounds_to_json(const BoundsFigures& bounds);
io::Json cost_to_json(const CostFigures& cost);

// Reads and parses a summary.json (throws std::runtime_error / io::JsonParseError
// with the path and line:col).
io::Json read_summary_json(const std::filesystem::path& path);

// Problems found in a parsed summary.json: missing keys, wrong types, values out of
// range (offload outside [0, 1], negative bytes, bytes not adding up). Empty = valid.
std::vector<std::string> check_summary_json(const io::Json& summary);

}  // namespace p2pcdn::analysis
