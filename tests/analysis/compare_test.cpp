// Regression gate: each direction (offload drop, rebuffering / CDN peak rise, event count
// change either way), tolerance overrides, missing and new metrics, and the table.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "analysis/compare/regression_gate.hpp"

namespace p2pcdn::analysis {
namespace {

const CompareRow& row(const CompareResult& r, const std::string& name) {
  for (const auto& x : r.rows) {
    if (x.metric == name) return x;
  }
  throw std::runtime_error("no row " + name);
}

TEST(RegressionGate, OffloadDropIsAbsolutePoints) {
  const MetricMap base{{"offload", 0.80}};
  EXPECT_TRUE(compare_metrics(base, MetricMap{{"offload", 0.795}}).passed());  // -0.5 point
  auto r = compare_metrics(base, MetricMap{{"offload", 0.785}});               // -1.5 points
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(row(r, "offload").verdict, Verdict::kRegressed);
  EXPECT_NEAR(row(r, "offload").delta, -0.015, 1e-12);
  r = compare_metrics(base, MetricMap{{"offload", 0.83}});
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(row(r, "offload").verdict, Verdict::kImproved);
  EXPECT_EQ(r.improved, 1u);
}

TEST(RegressionGate, RebufferingAndCdnPeakRiseIsRelative) {
  const MetricMap base{{"qoe.rebuffering_ratio", 0.010}, {"cdn.peak_bps", 7.0e12}};
  // +4 % and +4.3 %: within 5 %.
  auto r =
      compare_metrics(base, MetricMap{{"qoe.rebuffering_ratio", 0.0104}, {"cdn.peak_bps", 7.3e12}});
  EXPECT_TRUE(r.passed());
  // +10 % rebuffering: regression; CDN peak down 10 %: improvement.
  r = compare_metrics(base, MetricMap{{"qoe.rebuffering_ratio", 0.011}, {"cdn.peak_bps", 6.3e12}});
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(row(r, "qoe.rebuffering_ratio").verdict, Verdict::kRegressed);
  EXPECT_NEAR(row(r, "qoe.rebuffering_ratio").relative_delta, 0.1, 1e-12);
  EXPECT_EQ(row(r, "cdn.peak_bps").verdict, Verdict::kImproved);
  EXPECT_EQ(r.regressed, 1u);
}

TEST(RegressionGate, RebufferingFromZeroUsesAbsoluteFloor) {
  const MetricMap base{{"rebuffering_ratio", 0.0}};
  auto r = compare_metrics(base, MetricMap{{"rebuffering_ratio", 5e-5}});
  EXPECT_TRUE(r.passed());
  EXPECT_TRUE(std::isinf(row(r, "rebuffering_ratio").relative_delta));
  r = compare_metrics(base, MetricMap{{"rebuffering_ratio", 0.002}});
  EXPECT_EQ(row(r, "rebuffering_ratio").verdict, Verdict::kRegressed);
}

TEST(RegressionGate, EventCountMovesEitherWay) {
  const MetricMap base{{"events", 1000000}};
  EXPECT_TRUE(compare_metrics(base, MetricMap{{"events", 1005000}}).passed());
  EXPECT_FALSE(compare_metrics(base, MetricMap{{"events", 1020000}}).passed());
  const auto r = compare_metrics(base, MetricMap{{"events", 980000}});
  EXPECT_EQ(row(r, "events").verdict, Verdict::kRegressed);  // fewer events is a change too
}

TEST(RegressionGate, MissingAndNewMetrics) {
  const MetricMap base{{"offload", 0.8}, {"events", 10}};
  const MetricMap cur{{"offload", 0.8}, {"startup_time_s.p95", 2.5}};
  const auto r = compare_metrics(base, cur);
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.missing, 1u);
  EXPECT_EQ(row(r, "events").verdict, Verdict::kMissing);
  EXPECT_EQ(row(r, "startup_time_s.p95").verdict, Verdict::kNew);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_EQ(r.rows[0].metric, "events");  // sorted
  // NaN (JSON null) counts as missing.
  const auto n = compare_metrics(base, MetricMap{{"offload", NAN}, {"events", 10}});
  EXPECT_EQ(row(n, "offload").verdict, Verdict::kMissing);
}

TEST(RegressionGate, InformationalNeverFails) {
  const auto r = compare_metrics(MetricMap{{"viewers.peak", 100}}, MetricMap{{"viewers.peak", 1}});
  EXPECT_TRUE(r.passed());
  EXPECT_EQ(row(r, "viewers.peak").rule.direction, Direction::kInformational);
  // A vanished informational metric is shown as missing but does not fail the gate.
  const auto gone = compare_metrics(MetricMap{{"viewers.peak", 100}}, MetricMap{});
  EXPECT_EQ(row(gone, "viewers.peak").verdict, Verdict::kMissing);
  EXPECT_TRUE(gone.passed());
}

TEST(RegressionGate, ToleranceOverridesAndRules) {
  const MetricMap base{{"offload", 0.80}, {"cdn.peak_bps", 100.0}};
  const MetricMap cur{{"offload", 0.785}, {"cdn.peak_bps", 108.0}};
  EXPECT_FALSE(compare_metrics(base, cur).passed());
  CompareOptions opt;
  opt.add(parse_tolerance("offload=0.02"));
  opt.add(parse_tolerance("cdn.peak_bps=10%"));
  EXPECT_TRUE(compare_metrics(base, cur, opt).passed());
  EXPECT_DOUBLE_EQ(opt.tolerances["cdn.peak_bps"], 0.10);
  // An explicit rule replaces the default one.
  opt.rules["offload"] = {Direction::kInformational, ToleranceKind::kAbsolute, 0, 0};
  opt.tolerances.clear();
  const auto r = compare_metrics(base, cur, opt);
  EXPECT_EQ(row(r, "offload").verdict, Verdict::kOk);
  EXPECT_EQ(row(r, "cdn.peak_bps").verdict, Verdict::kRegressed);

  EXPECT_THROW((void)parse_tolerance("offload"), std::invalid_argument);
  EXPECT_THROW((void)parse_tolerance("=0.1"), std::invalid_argument);
  EXPECT_THROW((void)parse_tolerance("offload=abc"), std::invalid_argument);
  EXPECT_THROW((void)parse_tolerance("offload=-1"), std::invalid_argument);
  EXPECT_THROW((void)parse_tolerance("offload=0.1x"), std::invalid_argument);
}

TEST(RegressionGate, DefaultRules) {
  EXPECT_EQ(default_rule("summary.Offload").direction, Direction::kHigherIsBetter);
  EXPECT_EQ(default_rule("summary.Offload").kind, ToleranceKind::kAbsolute);
  EXPECT_EQ(default_rule("stall_count.mean").direction, Direction::kLowerIsBetter);
  EXPECT_EQ(default_rule("cdn.egress_p95_bps").direction, Direction::kLowerIsBetter);
  EXPECT_EQ(default_rule("cdn.bytes").direction, Direction::kInformational);
  EXPECT_EQ(default_rule("event_count").direction, Direction::kUnchanged);
}

TEST(RegressionGate, PreferredDirectionAndChangeQuality) {
  EXPECT_EQ(preferred_direction("offload"), Direction::kHigherIsBetter);
  EXPECT_EQ(preferred_direction("stalled_share"), Direction::kLowerIsBetter);
  EXPECT_EQ(preferred_direction("avg_bitrate_kbps.mean"), Direction::kHigherIsBetter);
  EXPECT_EQ(preferred_direction("startup_s.p90"), Direction::kLowerIsBetter);
  EXPECT_EQ(preferred_direction("bitrate_switches.mean"), Direction::kLowerIsBetter);
  EXPECT_EQ(preferred_direction("never_started_share"), Direction::kLowerIsBetter);
  EXPECT_EQ(preferred_direction("cost.saving_fraction"), Direction::kHigherIsBetter);
  EXPECT_EQ(preferred_direction("cost.total_usd"), Direction::kLowerIsBetter);
  EXPECT_EQ(preferred_direction("cost.baseline_usd"), Direction::kInformational);
  EXPECT_EQ(preferred_direction("connections.success_rate"), Direction::kHigherIsBetter);
  EXPECT_EQ(preferred_direction("bounds.max_flow_offload"), Direction::kInformational);
  EXPECT_EQ(preferred_direction("events"), Direction::kInformational);
  EXPECT_EQ(preferred_direction("viewers"), Direction::kInformational);
  EXPECT_EQ(change_quality("stalled_share", 0.03), -1);
  EXPECT_EQ(change_quality("stalled_share", -0.03), 1);
  EXPECT_EQ(change_quality("offload", -0.1), -1);
  EXPECT_EQ(change_quality("offload", 0.0), 0);
  EXPECT_EQ(change_quality("events", 5), 0);
  EXPECT_EQ(change_quality("offload", NAN), 0);
}

TEST(RegressionGate, FormatTable) {
  const auto r = compare_metrics(MetricMap{{"offload", 0.8}, {"events", 100}},
                                 MetricMap{{"offload", 0.7}, {"events", 100}});
  const std::string t = format_table(r);
  EXPECT_NE(t.find("metric"), std::string::npos);
  EXPECT_NE(t.find("REGRESSED"), std::string::npos);
  EXPECT_NE(t.find("-0.1"), std::string::npos);
  EXPECT_NE(t.find("FAIL: 1 regressed"), std::string::npos);
  const auto ok = format_table(compare_metrics(MetricMap{{"events", 1}}, MetricMap{{"events", 1}}));
  EXPECT_NE(ok.find("PASS"), std::string::npos);
}

}  // namespace
}  // namespace p2pcdn::analysis
