// CDN and relay pricing: tiered per-GB egress (as CDNs bill monthly volume), 95th-percentile
// bandwidth billing from 5-minute samples, TURN relay per GB. Defaults cite parameters.md §7.3.
// Pure arithmetic on totals the caller provides: must never read simulator state.
#pragma once
#include <span>
#include <vector>

namespace p2pcdn::analysis {

// parameters.md §7.3 default `cost.cdn_usd_per_gb = 0.02` (CloudFront list, over 5 PB).
inline constexpr double kDefaultCdnUsdPerGb = 0.02;
// Not in parameters.md: a TURN relay's traffic leaves a cloud VM and is billed as cloud egress;
// we take CloudFront's first US/EU tier, $0.085/GB (§7.3), as the list price (D). Override it.
inline constexpr double kDefaultTurnUsdPerGb = 0.085;
// Decimal gigabyte, as in §7.3's worked example (10 Tbps for 1 h = 4.5 PB -> $90 k at $0.02).
inline constexpr double kBytesPerGb = 1e9;

struct PriceTier {
  double width_gb = 0.0;  // size of this tier; the last tier is unbounded whatever its width
  double usd_per_gb = 0.0;
};

enum class CloudFrontRegion { kUsEurope, kSouthAmericaMiddleEastAfrica, kJapan, kIndia };

struct TieredPrice {
  std::vector<PriceTier> tiers;  // in billing order; must not be empty
  double bytes_per_gb = kBytesPerGb;

  static TieredPrice flat(double usd_per_gb);
  // CloudFront on-demand monthly tiers of §7.3: first 10 TB, next 40, 100, 350, 524 TB, next
  // 4 PB, over 5 PB. The table adds up in binary units (10+40+100+350+524 = 1024 TB = 1 PB;
  // +4 PB = 5 PB), so the preset takes 1 TB = 1024 GB and 1 PB = 1024 TB.
  static TieredPrice cloudfront(CloudFrontRegion region = CloudFrontRegion::kUsEurope);
};

struct TieredCost {
  double gb = 0.0;
  double usd = 0.0;
  std::vector<double> gb_per_tier;  // how much of the volume fell in each tier
};

// Cost of `bytes` of egress in one billing period. Throws std::invalid_argument if bytes < 0,
// there are no tiers, a width is <= 0 (except the last) or a price is negative.
TieredCost tiered_cost(double bytes, const TieredPrice& price);

// The billed rate under percentile billing: sort the samples (e.g. one per 5 minutes), drop the
// top (100 - percentile) % of them (floor(n * (100 - percentile) / 100) samples) and take the
// highest remaining one. 0 for no samples. Throws std::invalid_argument if percentile is not in
// (0, 100] or a sample is negative or non-finite.
double billing_percentile_bps(std::span<const double> samples_bps, double percentile = 95.0);

// Converts per-interval egress byte counts into average rates (bits/s) over interval_s.
std::vector<double> egress_samples_bps(std::span<const double> bytes_per_interval,
                                       double interval_s = 300.0);

struct PercentileCost {
  double billed_bps = 0.0;
  double usd = 0.0;  // billed Mbps * usd_per_mbps
};
PercentileCost percentile_cost(std::span<const double> samples_bps, double usd_per_mbps,
                               double percentile = 95.0);

// TURN relay cost of relay_bytes (relayed bytes leave the relay once).
double turn_cost_usd(double relay_bytes, double usd_per_gb = kDefaultTurnUsdPerGb,
                     double bytes_per_gb = kBytesPerGb);

}  // namespace p2pcdn::analysis
