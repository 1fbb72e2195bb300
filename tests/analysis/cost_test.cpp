// Cost arithmetic against hand-computed cases: tier boundaries, the §7.3 worked example,
// the "drop the top 5 %" percentile rule, and the saving against the CDN-only baseline.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "analysis/cost/cost_summary.hpp"
#include "analysis/cost/pricing.hpp"

namespace p2pcdn::analysis {
namespace {

constexpr double kTbGb = 1024.0;  // the CloudFront preset's GB per TB

double gb(double n) { return n * kBytesPerGb; }

TEST(TieredCost, FlatMatchesParametersWorkedExample) {
  // parameters.md §7.3: one hour at 10 Tbps = 4.5 PB -> $90 k at $0.02/GB.
  const double bytes = 10e12 / 8 * 3600;
  EXPECT_NEAR(tiered_cost(bytes, TieredPrice::flat(kDefaultCdnUsdPerGb)).usd, 90000.0, 1e-6);
  EXPECT_EQ(tiered_cost(0, TieredPrice::flat(0.02)).usd, 0.0);
}

TEST(TieredCost, CloudFrontTierBoundaries) {
  const auto price = TieredPrice::cloudfront();
  ASSERT_EQ(price.tiers.size(), 7u);
  // Exactly on the first boundary: all at $0.085.
  auto c = tiered_cost(gb(10 * kTbGb), price);
  EXPECT_NEAR(c.usd, 10240 * 0.085, 1e-9);
  EXPECT_NEAR(c.gb_per_tier[0], 10240, 1e-9);
  EXPECT_EQ(c.gb_per_tier[1], 0.0);
  // One GB past it: that GB at $0.080.
  c = tiered_cost(gb(10 * kTbGb + 1), price);
  EXPECT_NEAR(c.usd, 10240 * 0.085 + 0.080, 1e-9);
  EXPECT_NEAR(c.gb_per_tier[1], 1.0, 1e-9);
  // 60 TB = 10 + 40 + 10.
  EXPECT_NEAR(tiered_cost(gb(60 * kTbGb), price).usd, 870.4 + 3276.8 + 614.4, 1e-6);
  // 6 PB: all finite tiers (5 PB) = 145 582.08, plus 1 PB at $0.020 = 20 971.52.
  EXPECT_NEAR(tiered_cost(gb(6 * 1024 * kTbGb), price).usd, 145582.08 + 20971.52, 1e-5);
  // Regions differ only in prices.
  EXPECT_NEAR(tiered_cost(gb(1000), TieredPrice::cloudfront(CloudFrontRegion::kIndia)).usd, 109.0,
              1e-9);
  EXPECT_NEAR(tiered_cost(gb(1000), TieredPrice::cloudfront(CloudFrontRegion::kJapan)).usd, 114.0,
              1e-9);
}

TEST(TieredCost, CustomTiersAndErrors) {
  TieredPrice p;
  p.tiers = {{100, 1.0}, {50, 0.5}, {0, 0.1}};
  EXPECT_NEAR(tiered_cost(gb(100), p).usd, 100.0, 1e-12);
  EXPECT_NEAR(tiered_cost(gb(150), p).usd, 125.0, 1e-12);
  EXPECT_NEAR(tiered_cost(gb(1150), p).usd, 225.0, 1e-9);  // last tier unbounded
  p.bytes_per_gb = 1 << 30;                                // GiB billing
  EXPECT_NEAR(tiered_cost(double(1 << 30) * 10, p).usd, 10.0, 1e-12);
  EXPECT_THROW((void)tiered_cost(-1, p), std::invalid_argument);
  EXPECT_THROW((void)tiered_cost(1, TieredPrice{}), std::invalid_argument);
  p.tiers[0].width_gb = 0;
  EXPECT_THROW((void)tiered_cost(1, p), std::invalid_argument);
}

TEST(PercentileBilling, DropsTopFivePercent) {
  std::vector<double> s(100);
  std::iota(s.begin(), s.end(), 1.0);          // 1..100
  std::reverse(s.begin(), s.end());            // order must not matter
  EXPECT_EQ(billing_percentile_bps(s), 95.0);  // top 5 dropped
  std::vector<double> twenty(20);
  std::iota(twenty.begin(), twenty.end(), 1.0);
  EXPECT_EQ(billing_percentile_bps(twenty), 19.0);  // floor(1) dropped
  std::vector<double> ten(10);
  std::iota(ten.begin(), ten.end(), 1.0);
  EXPECT_EQ(billing_percentile_bps(ten), 10.0);  // floor(0.5) = 0 dropped
  // A 30-day month of 5-minute samples: 8640 samples, the top 432 are free.
  std::vector<double> month(8640);
  std::iota(month.begin(), month.end(), 1.0);
  EXPECT_EQ(billing_percentile_bps(month), 8208.0);
  EXPECT_EQ(billing_percentile_bps(month, 100.0), 8640.0);
  EXPECT_EQ(billing_percentile_bps(std::vector<double>{}), 0.0);
  EXPECT_THROW((void)billing_percentile_bps(s, 0.0), std::invalid_argument);
  EXPECT_THROW((void)billing_percentile_bps(std::vector<double>{-1.0}), std::invalid_argument);

  // 20 samples where a single spike is free under p95.
  std::vector<double> spiky(20, 400e6);
  spiky[7] = 2e9;
  const auto c = percentile_cost(spiky, 0.5);
  EXPECT_EQ(c.billed_bps, 400e6);
  EXPECT_NEAR(c.usd, 200.0, 1e-9);
  // Bytes per 5 minutes -> bits/s.
  const auto r = egress_samples_bps(std::vector<double>{375e6, 0});
  EXPECT_DOUBLE_EQ(r[0], 10e6);
  EXPECT_EQ(r[1], 0.0);
}

TEST(CostSummary, SavingAgainstCdnOnlyBaseline) {
  CostModel model;  // flat $0.02/GB, TURN $0.085/GB
  CostInputs in;
  in.cdn_bytes = gb(4000);
  in.turn_bytes = gb(100);
  in.baseline_cdn_bytes = gb(10000);
  std::vector<double> hybrid{100e6, 200e6, 150e6}, baseline{400e6, 500e6, 450e6};
  in.cdn_samples_bps = hybrid;
  in.baseline_samples_bps = baseline;
  auto s = cost_summary(in, model);
  EXPECT_NEAR(s.cdn_gb, 4000, 1e-9);
  EXPECT_NEAR(s.cdn_usd, 80.0, 1e-9);
  EXPECT_NEAR(s.turn_usd, 8.5, 1e-9);
  EXPECT_NEAR(s.total_usd, 88.5, 1e-9);
  EXPECT_NEAR(s.baseline_usd, 200.0, 1e-9);
  EXPECT_NEAR(s.saving_usd, 111.5, 1e-9);
  EXPECT_NEAR(s.saving_fraction, 111.5 / 200.0, 1e-12);
  EXPECT_EQ(s.cdn_percentile_usd, 0.0);  // no $/Mbps given
  model.cdn_usd_per_mbps = 1.0;
  s = cost_summary(in, model);
  EXPECT_EQ(s.cdn_billed_bps, 200e6);  // 3 samples: nothing dropped
  EXPECT_NEAR(s.cdn_percentile_usd, 200.0, 1e-9);
  EXPECT_NEAR(s.baseline_percentile_usd, 500.0, 1e-9);
  EXPECT_NEAR(s.percentile_saving_usd, 300.0, 1e-9);
  in.turn_bytes = -1;
  EXPECT_THROW((void)cost_summary(in, model), std::invalid_argument);
  EXPECT_NEAR(turn_cost_usd(gb(10), 0.4), 4.0, 1e-12);
}

}  // namespace
}  // namespace p2pcdn::analysis
