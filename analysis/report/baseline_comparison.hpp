// With and without P2P, side by side (issue 24, item 1): the CDN-only baseline's egress and QoE
// beside the P2P run's, the CDN saving split into bytes peers carried and bytes not delivered
// (the P2P run delivered less: lower bitrate, stalls, viewers who never started), and warnings
// when P2P made quality worse. Arithmetic on two finished summaries: never simulates.
#pragma once
#include <string>
#include <vector>

#include "analysis/io/json.hpp"
#include "analysis/metrics/summary.hpp"
#include "analysis/report/report_html.hpp"

namespace p2pcdn::analysis {

// One side's figures (docs/metrics.md, "baseline").
struct DeliverySide {
  double cdn_peak_gbps = 0, cdn_p95_gbps = 0, cdn_mean_gbps = 0;
  double server_bytes = 0;     // CDN + TURN: what the operator pays for
  double delivered_bytes = 0;  // CDN + P2P + TURN
  double avg_bitrate_kbps_mean = 0;
  double rebuffering_ratio_mean = 0;
  double stalled_share = 0;
  double startup_s_p50 = 0, startup_s_mean = 0;
  double bitrate_switches_mean = 0;
  double never_started_share = 0;
  std::uint64_t viewers_started = 0;
};

DeliverySide delivery_side(const Summary& summary);

struct BaselineComparison {
  DeliverySide with_p2p, without_p2p;
  // without.server_bytes - with.server_bytes = peer_bytes + not_delivered_bytes, exactly.
  double saving_bytes = 0;
  double peer_bytes = 0;  // bytes peers carried (P2P run's minus the baseline's, i.e. 0)
  double not_delivered_bytes =
      0;                       // baseline delivered - P2P run delivered (< 0: P2P delivered more)
  double saving_fraction = 0;  // of the baseline's server bytes (NaN if it has none)
  double peer_fraction = 0, not_delivered_fraction = 0;
  // Quality the P2P run lost (empty: none beyond the thresholds below).
  std::vector<std::string> warnings;
  // The two CDN egress curves (interval start in s, Gbit/s), for the report.
  std::vector<double> t_s, cdn_gbps_with, cdn_gbps_without;
};

// Warnings: average bitrate lower by more than kBitrateDropWarning (relative); stalled share
// higher beyond its 95 % interval (two independent proportions over the started viewers: wider
// than the paired interval, so a warning is never a false alarm of pairing); mean rebuffering
// ratio higher by more than 10 % and 1e-4.
inline constexpr double kBitrateDropWarning = 0.01;
BaselineComparison compare_with_baseline(const Summary& with_p2p, const Summary& without_p2p);

io::Json baseline_to_json(const BaselineComparison& comparison);

// report.html's "With and without P2P" section: the side-by-side table, the saving split, the
// warnings and both CDN egress curves in one chart.
ReportSection baseline_section(const BaselineComparison& comparison);

}  // namespace p2pcdn::analysis
