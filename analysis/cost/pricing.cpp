// Tiered per-GB and percentile billing arithmetic.
#include "analysis/cost/pricing.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace p2pcdn::analysis {

TieredPrice TieredPrice::flat(double usd_per_gb) {
  TieredPrice price;
  price.tiers.push_back({1.0, usd_per_gb});
  return price;
}

TieredPrice TieredPrice::cloudfront(CloudFrontRegion region) {
  constexpr double kTb = 1024.0;  // GB per TB in the tier table (see header)
  constexpr double kWidthsTb[] = {10, 40, 100, 350, 524, 4096, 1};
  // Columns of §7.3 (CloudFront on-demand, per GB).
  static constexpr double kPrices[4][7] = {
      {0.085, 0.080, 0.060, 0.040, 0.030, 0.025, 0.020},  // US & EU
      {0.110, 0.105, 0.090, 0.080, 0.060, 0.050, 0.040},  // S. America / Middle East / Africa
      {0.114, 0.089, 0.086, 0.084, 0.080, 0.070, 0.060},  // Japan
      {0.109, 0.085, 0.082, 0.080, 0.078, 0.075, 0.072},  // India
  };
  const auto column = static_cast<std::size_t>(region);
  TieredPrice price;
  for (std::size_t i = 0; i < 7; ++i)
    price.tiers.push_back({kWidthsTb[i] * kTb, kPrices[column][i]});
  return price;
}

TieredCost tiered_cost(double bytes, const TieredPrice& price) {
  if (!(bytes >= 0.0) || !std::isfinite(bytes)) {
    throw std::invalid_argument("tiered_cost: bytes must be finite and >= 0");
  }
  if (price.tiers.empty()) throw std::invalid_argument("tiered_cost: no price tiers");
  if (!(price.bytes_per_gb > 0.0)) throw std::invalid_argument("tiered_cost: bytes_per_gb <= 0");
  for (std::size_t i = 0; i < price.tiers.size(); ++i) {
    const PriceTier& t = price.tiers[i];
    if (!(t.usd_per_gb >= 0.0) || (i + 1 < price.tiers.size() && !(t.width_gb > 0.0))) {
      throw std::invalid_argument("tiered_cost: tier " + std::to_string(i) +
                                  " needs a width > 0 and a price >= 0");
    }
  }
  TieredCost cost;
  cost.gb = bytes / price.bytes_per_gb;
  cost.gb_per_tier.assign(price.tiers.size(), 0.0);
  double remaining = cost.gb;
  for (std::size_t i = 0; i < price.tiers.size() && remaining > 0; ++i) {
    const bool last = i + 1 == price.tiers.size();
    const double in_tier = last ? remaining : std::min(remaining, price.tiers[i].width_gb);
    cost.gb_per_tier[i] = in_tier;
    cost.usd += in_tier * price.tiers[i].usd_per_gb;
    remaining -= in_tier;
  }
  return cost;
}

double billing_percentile_bps(std::span<const double> samples_bps, double percentile) {
  if (!(percentile > 0.0 && percentile <= 100.0)) {
    throw std::invalid_argument("billing percentile must be in (0, 100]");
  }
  if (samples_bps.empty()) return 0.0;
  std::vector<double> sorted(samples_bps.begin(), samples_bps.end());
  for (double x : sorted) {
    if (!(x >= 0.0) || !std::isfinite(x)) {
      throw std::invalid_argument("billing samples must be finite and >= 0");
    }
  }
  std::sort(sorted.begin(), sorted.end());
  const auto n = sorted.size();
  // The small epsilon keeps e.g. 20 * 5 / 100 = 1 from flooring to 0 through round-off.
  const auto drop = static_cast<std::size_t>(
      std::floor(static_cast<double>(n) * (100.0 - percentile) / 100.0 + 1e-9));
  return sorted[n - 1 - std::min(drop, n - 1)];
}

std::vector<double> egress_samples_bps(std::span<const double> bytes_per_interval,
                                       double interval_s) {
  if (!(interval_s > 0.0)) throw std::invalid_argument("egress samples: interval_s must be > 0");
  std::vector<double> rates;
  rates.reserve(bytes_per_interval.size());
  for (double b : bytes_per_interval) rates.push_back(b * 8.0 / interval_s);
  return rates;
}

PercentileCost percentile_cost(std::span<const double> samples_bps, double usd_per_mbps,
                               double percentile) {
  if (!(usd_per_mbps >= 0.0)) throw std::invalid_argument("percentile cost: price must be >= 0");
  PercentileCost cost;
  cost.billed_bps = billing_percentile_bps(samples_bps, percentile);
  cost.usd = cost.billed_bps / 1e6 * usd_per_mbps;
  return cost;
}

double turn_cost_usd(double relay_bytes, double usd_per_gb, double bytes_per_gb) {
  if (!(relay_bytes >= 0.0) || !(usd_per_gb >= 0.0) || !(bytes_per_gb > 0.0)) {
    throw std::invalid_argument("turn cost: bytes and price must be >= 0, bytes_per_gb > 0");
  }
  return relay_bytes / bytes_per_gb * usd_per_gb;
}

}  // namespace p2pcdn::analysis
