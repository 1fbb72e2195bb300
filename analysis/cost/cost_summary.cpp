// Cost summary: hybrid cost vs the CDN-only baseline under the same price model.
#include "analysis/cost/cost_summary.hpp"

#include <stdexcept>

namespace p2pcdn::analysis {

CostSummary cost_summary(const CostInputs& inputs, const CostModel& model) {
  if (!(inputs.cdn_bytes >= 0.0) || !(inputs.turn_bytes >= 0.0) ||
      !(inputs.baseline_cdn_bytes >= 0.0)) {
    throw std::invalid_argument("cost summary: byte counts must be >= 0");
  }
  CostSummary s;
  const TieredCost cdn = tiered_cost(inputs.cdn_bytes, model.cdn);
  s.cdn_gb = cdn.gb;
  s.cdn_usd = cdn.usd;
  s.turn_usd = turn_cost_usd(inputs.turn_bytes, model.turn_usd_per_gb, model.cdn.bytes_per_gb);
  s.total_usd = s.cdn_usd + s.turn_usd;
  s.baseline_usd = tiered_cost(inputs.baseline_cdn_bytes, model.cdn).usd;
  s.saving_usd = s.baseline_usd - s.total_usd;
  s.saving_fraction = s.baseline_usd > 0 ? s.saving_usd / s.baseline_usd : 0.0;
  if (model.cdn_usd_per_mbps > 0) {
    const auto hybrid =
        percentile_cost(inputs.cdn_samples_bps, model.cdn_usd_per_mbps, model.billing_percentile);
    const auto baseline = percentile_cost(inputs.baseline_samples_bps, model.cdn_usd_per_mbps,
                                          model.billing_percentile);
    s.cdn_billed_bps = hybrid.billed_bps;
    s.cdn_percentile_usd = hybrid.usd;
    s.baseline_billed_bps = baseline.billed_bps;
    s.baseline_percentile_usd = baseline.usd;
    s.percentile_saving_usd = baseline.usd - hybrid.usd;
  }
  return s;
}

}  // namespace p2pcdn::analysis
