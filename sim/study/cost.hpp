// The money view of one run: CDN cost from bytes (tiered price), the 95th percentile of the
// 5-minute CDN egress, TURN cost, and the saving against the CDN-only baseline (a real
// p2p.enabled=false run when given, otherwise the "all delivered bytes from the CDN"
// counterfactual, labelled so). Arithmetic on finished summaries only: never simulates.
#pragma once
#include <vector>

#include "analysis/cost/cost_summary.hpp"
#include "analysis/metrics/summary.hpp"
#include "analysis/report/summary_json.hpp"

namespace p2pcdn::study {

inline constexpr double kBillingWindowS = 300.0;

// Average rates (bits/s) over consecutive `window_s` windows from the time series; `which`
// picks the source per row (e.g. CDN, or CDN + P2P + TURN for the counterfactual). The last
// window may be shorter (its rate is over its own length).
enum class EgressSource { kCdn, kAllDelivered };
std::vector<double> window_rates_bps(const analysis::Summary& summary, EgressSource which,
                                     double window_s = kBillingWindowS);

inline constexpr const char* kBaselineRun = "cdn-only run (p2p.enabled=false)";
inline constexpr const char* kBaselineCounterfactual =
    "counterfactual: all delivered bytes from the CDN";

// `baseline` = the CDN-only run of the same audience, or nullptr for the counterfactual.
analysis::CostFigures compute_cost(const analysis::Summary& hybrid,
                                   const analysis::Summary* baseline,
                                   const analysis::CostModel& model = {});

}  // namespace p2pcdn::study
