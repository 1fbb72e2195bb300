#include "sim/study/cost.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/cost/pricing.hpp"

namespace p2pcdn::study {

std::vector<double> window_rates_bps(const analysis::Summary& summary, EgressSource which,
                                     double window_s) {
  std::vector<double> bits;  // per window
  std::vector<double> span;  // seconds covered per window
  for (const auto& row : summary.timeseries) {
    const double len = row.t_end_s - row.t_start_s;
    if (!(len > 0)) continue;
    double gbps = row.cdn_gbps;
    if (which == EgressSource::kAllDelivered) gbps += row.p2p_gbps + row.turn_gbps;
    const auto k = static_cast<std::size_t>(std::max(0.0, std::floor(row.t_start_s / window_s)));
    if (bits.size() <= k) {
      bits.resize(k + 1, 0.0);
      span.resize(k + 1, 0.0);
    }
    bits[k] += gbps * 1e9 * len;
    span[k] += len;
  }
  std::vector<double> rates;
  for (std::size_t k = 0; k < bits.size(); ++k)
    if (span[k] > 0) rates.push_back(bits[k] / span[k]);
  return rates;
}

analysis::CostFigures compute_cost(const analysis::Summary& hybrid,
                                   const analysis::Summary* baseline,
                                   const analysis::CostModel& model) {
  const std::vector<double> cdn_rates = window_rates_bps(hybrid, EgressSource::kCdn);
  const std::vector<double> base_rates =
      baseline != nullptr ? window_rates_bps(*baseline, EgressSource::kCdn)
                          : window_rates_bps(hybrid, EgressSource::kAllDelivered);
  analysis::CostInputs in;
  in.cdn_bytes = static_cast<double>(hybrid.bytes_cdn);
  in.turn_bytes = static_cast<double>(hybrid.bytes_turn);
  in.baseline_cdn_bytes =
      baseline != nullptr
          ? static_cast<double>(baseline->bytes_cdn + baseline->bytes_turn)
          : static_cast<double>(hybrid.bytes_cdn + hybrid.bytes_p2p + hybrid.bytes_turn);
  in.cdn_samples_bps = cdn_rates;
  in.baseline_samples_bps = base_rates;
  const analysis::CostSummary c = analysis::cost_summary(in, model);

  analysis::CostFigures f;
  f.baseline = baseline != nullptr ? kBaselineRun : kBaselineCounterfactual;
  f.cdn_usd_per_gb = model.cdn.tiers.empty() ? 0.0 : model.cdn.tiers.front().usd_per_gb;
  f.turn_usd_per_gb = model.turn_usd_per_gb;
  f.cdn_gb = c.cdn_gb;
  f.cdn_usd = c.cdn_usd;
  f.turn_gb = in.turn_bytes / analysis::kBytesPerGb;
  f.turn_usd = c.turn_usd;
  f.total_usd = c.total_usd;
  f.baseline_gb = in.baseline_cdn_bytes / model.cdn.bytes_per_gb;
  f.baseline_usd = c.baseline_usd;
  f.saving_usd = c.saving_usd;
  f.saving_fraction = c.saving_fraction;
  f.cdn_p95_5min_gbps = analysis::billing_percentile_bps(cdn_rates, model.billing_percentile) / 1e9;
  f.baseline_p95_5min_gbps =
      analysis::billing_percentile_bps(base_rates, model.billing_percentile) / 1e9;
  f.samples_5min = cdn_rates.size();
  return f;
}

}  // namespace p2pcdn::study
