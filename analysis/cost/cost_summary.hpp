// The money view of one run: CDN cost (tiered per GB, and optionally 95th-percentile billing),
// TURN relay cost, and the saving against the CDN-only baseline of the same audience.
// Takes totals and samples from the caller: must never read simulator state.
#pragma once
#include <span>

#include "analysis/cost/pricing.hpp"

namespace p2pcdn::analysis {

struct CostModel {
  TieredPrice cdn = TieredPrice::flat(kDefaultCdnUsdPerGb);
  double turn_usd_per_gb = kDefaultTurnUsdPerGb;
  // Percentile billing is computed only when this is > 0 (no public default: such contracts
  // are negotiated; parameters.md gives none).
  double cdn_usd_per_mbps = 0.0;
  double billing_percentile = 95.0;
};

struct CostInputs {
  double cdn_bytes = 0.0;           // served by the CDN in the hybrid run
  double turn_bytes = 0.0;          // relayed by TURN in the hybrid run
  double baseline_cdn_bytes = 0.0;  // CDN-only: every delivered video byte (P2P + CDN + TURN)
  std::span<const double> cdn_samples_bps;       // optional, e.g. one per 5 minutes
  std::span<const double> baseline_samples_bps;  // optional, the CDN-only egress series
};

struct CostSummary {
  double cdn_gb = 0.0;
  double cdn_usd = 0.0;  // tiered per-GB
  double turn_usd = 0.0;
  double total_usd = 0.0;        // cdn_usd + turn_usd
  double baseline_usd = 0.0;     // CDN-only, same tiers
  double saving_usd = 0.0;       // baseline_usd - total_usd
  double saving_fraction = 0.0;  // saving_usd / baseline_usd (0 if baseline is 0)
  // Percentile billing (zero unless model.cdn_usd_per_mbps > 0 and samples are given).
  double cdn_billed_bps = 0.0;
  double cdn_percentile_usd = 0.0;
  double baseline_billed_bps = 0.0;
  double baseline_percentile_usd = 0.0;
  double percentile_saving_usd = 0.0;
};

// Throws std::invalid_argument on negative byte counts or as the pricing functions.
CostSummary cost_summary(const CostInputs& inputs, const CostModel& model = {});

}  // namespace p2pcdn::analysis
