// sweep.html / compare.html / bounds and cost sections: self-contained, with the curves, bands
// and tables they promise; summary.json's optional bounds and cost objects.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/io/json.hpp"
#include "analysis/report/study_report.hpp"
#include "analysis/report/summary_json.hpp"

namespace p2pcdn::analysis {
namespace {

ConfidenceInterval ci(double mean, double hw, std::size_t n = 3) {
  return {mean, hw, hw, mean - hw, mean + hw, n, 0.95};
}

void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  for (const char* bad : {"<script", "http://", "https://", "<img", "<link", "@import"})
    EXPECT_EQ(html.find(bad), std::string::npos) << bad;
}

std::size_t count(const std::string& s, const std::string& what) {
  std::size_t n = 0;
  for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

SweepReportData sweep_data(bool two_keys) {
  SweepReportData d;
  d.scenario_name = "smoke <&>";
  d.scenario_path = "scenarios/smoke.yaml";
  d.keys = {"audience.concurrency.peak_viewers"};
  if (two_keys) d.keys.push_back("p2p.policy");
  d.replications = 3;
  for (const char* n : {"1000", "10000", "100000"}) {
    for (const char* pol : {"windowed", "deadline-aware"}) {
      if (!two_keys && std::string(pol) != "windowed") continue;
      SweepReportPoint p;
      p.values = {n};
      if (two_keys) p.values.push_back(pol);
      p.metrics = {{"offload", ci(0.3 + std::log10(std::stod(n)) / 100, 0.01)},
                   {"cdn.peak_gbps", ci(std::stod(n) / 1000, 0.1)}};
      d.points.push_back(p);
    }
  }
  d.notes = {"CDN peak vs audience: fit note"};
  return d;
}

TEST(StudyReport, SweepPageHasCurvesBandsAndTable) {
  const std::string h = sweep_html(sweep_data(false));
  expect_self_contained(h);
  EXPECT_NE(h.find("smoke &lt;&amp;&gt;"), std::string::npos);  // escaped
  EXPECT_EQ(count(h, "<svg"), 2u);                              // offload and cdn.peak_gbps
  EXPECT_NE(h.find("log10(audience.concurrency.peak_viewers)"), std::string::npos);
  EXPECT_NE(h.find("95 % CI low"), std::string::npos);
  EXPECT_NE(h.find("CDN peak vs audience: fit note"), std::string::npos);
  // Table: one row per point, estimate with its half-width.
  EXPECT_NE(h.find("<td>100000</td>"), std::string::npos);
  EXPECT_NE(h.find("100 ± 0.1"), std::string::npos);
}

// Issue 24: confidence bands of shares went below 0. A share's band is clipped to [0, 1].
TEST(StudyReport, ShareBandsStayInTheirDomain) {
  SweepReportData d = sweep_data(false);
  for (auto& p : d.points) p.metrics = {{"stalled_share", ci(0.01, 0.05)}};
  const std::string h = sweep_html(d);
  const auto begin = h.find("<svg");
  ASSERT_NE(begin, std::string::npos);
  const std::string chart = h.substr(begin, h.find("</svg>", begin) - begin);
  EXPECT_EQ(chart.find(">-"), std::string::npos) << chart;  // no negative tick
  EXPECT_EQ(chart.find(">−"), std::string::npos) << chart;
  EXPECT_NE(chart.find("clipped to [0, 100 %]"), std::string::npos);
}

// Issue 24: the sweep page plots CDN peak against the audience on log-log axes, with the
// samples, the fit and its band, extended to the extrapolation.
TEST(StudyReport, AudienceFitIsDrawnOnLogLogAxesWithItsSamples) {
  AudienceFitChart a;
  std::vector<double> ln_x, ln_y;
  for (const double v : {1000.0, 10000.0, 100000.0}) {
    for (const double wobble : {0.98, 1.0, 1.02}) {
      a.viewers.push_back(v);
      a.values.push_back(2.0 * std::pow(v / 1000, 0.8) * wobble);
    }
  }
  a.fit = fit_line(a.viewers, a.values, Scale::kLogLog);
  a.extrapolate_to = 1e6;
  SweepReportData d = sweep_data(false);
  d.audience_fits = {a};
  const std::string h = sweep_html(d);
  expect_self_contained(h);
  EXPECT_NE(h.find("CDN peak against the audience"), std::string::npos);
  const auto begin = h.find("<svg");
  const std::string chart = h.substr(begin, h.find("</svg>", begin) - begin);
  EXPECT_EQ(count(chart, "<circle"), 9u);  // one dot per replication
  EXPECT_NE(chart.find("viewers^0.800"), std::string::npos) << chart;
  EXPECT_NE(chart.find("95 % prediction interval"), std::string::npos);
  EXPECT_NE(chart.find("no gain with the audience"), std::string::npos);
  // Ticks name the quantities, not their logarithms: 1000 and 1M viewers are on the x axis.
  EXPECT_NE(chart.find(">1000<"), std::string::npos) << chart;
  EXPECT_NE(chart.find(">1.00M<"), std::string::npos) << chart;
  EXPECT_NE(chart.find("extended to 1e+06 viewers"), std::string::npos) << chart;
  // The reading beside it: an exponent of 0.8 with a tight interval is a CDN peak growing slower
  // than the audience; an exponent of 1 is proportional.
  EXPECT_NE(h.find("grows slower than the audience"), std::string::npos);
  a.values.clear();
  for (std::size_t i = 0; i < a.viewers.size(); ++i)
    a.values.push_back(a.viewers[i] / 500 * (i % 3 == 0 ? 0.98 : i % 3 == 1 ? 1.0 : 1.02));
  a.fit = fit_line(a.viewers, a.values, Scale::kLogLog);
  d.audience_fits = {a};
  EXPECT_NE(sweep_html(d).find("grows in proportion to the audience"), std::string::npos);
}

TEST(StudyReport, SweepPageDrawsOneLinePerSecondKeyValue) {
  const std::string h = sweep_html(sweep_data(true));
  expect_self_contained(h);
  EXPECT_NE(h.find("p2p.policy=windowed"), std::string::npos);
  EXPECT_NE(h.find("p2p.policy=deadline-aware 95 % CI high"), std::string::npos);
}

TEST(StudyReport, ComparePageShowsBothAndTheDifference) {
  CompareReportData d;
  d.label_a = "windowed";
  d.label_b = "deadline-aware";
  d.scenario_a = d.scenario_b = "smoke.yaml";
  d.seeds = {42, 43, 44};
  d.rows = {{"offload", ci(0.30, 0.01), ci(0.34, 0.01), ci(0.04, 0.005)},
            {"cdn.peak_gbps", ci(3, 0.2), ci(3, 0.2), ci(0, 0.1)}};
  const std::string h = compare_html(d);
  expect_self_contained(h);
  EXPECT_NE(h.find("A = windowed, B = deadline-aware"), std::string::npos);
  EXPECT_NE(h.find("<td class=\"better\">0.04 ± 0.005</td>"), std::string::npos);  // significant
  EXPECT_NE(h.find("<td>0 ± 0.1</td>"), std::string::npos);                        // not
  EXPECT_NE(h.find("3 paired replications"), std::string::npos);
  EXPECT_EQ(count(h, "<svg"), 1u);  // side-by-side bars
}

// Issue 24: stalled share 0.03 % -> 3.2 % was shown green because it rose. The colour follows
// the metric's better direction, not the sign.
TEST(StudyReport, ComparePageColoursByBetterOrWorse) {
  CompareReportData d;
  d.label_a = "cdn-only";
  d.label_b = "deadline-aware";
  d.seeds = {1, 2, 3};
  d.rows = {{"stalled_share", ci(0.0003, 0.0001), ci(0.032, 0.002), ci(0.0317, 0.002)},
            {"offload", ci(0.30, 0.01), ci(0.20, 0.01), ci(-0.10, 0.01)},
            {"cdn.peak_gbps", ci(3, 0.1), ci(2, 0.1), ci(-1, 0.1)},
            {"avg_bitrate_kbps.mean", ci(3560, 10), ci(2520, 10), ci(-1040, 10)},
            {"startup_s.p90", ci(2, 0.1), ci(1, 0.1), ci(-1, 0.1)},
            {"bounds.max_flow_offload", ci(0.5, 0.01), ci(0.6, 0.01), ci(0.1, 0.01)}};
  const std::string h = compare_html(d);
  EXPECT_NE(h.find("<td class=\"worse\">0.0317 ± 0.002</td>"), std::string::npos);  // stalls up
  EXPECT_NE(h.find("<td class=\"worse\">-0.1 ± 0.01</td>"), std::string::npos);     // offload down
  EXPECT_NE(h.find("<td class=\"better\">-1 ± 0.1</td>"), std::string::npos);       // peak down
  EXPECT_NE(h.find("<td class=\"worse\">-1040 ± 10</td>"), std::string::npos);      // bitrate down
  EXPECT_NE(h.find("<td class=\"changed\">0.1 ± 0.01</td>"), std::string::npos);    // a bound
  EXPECT_EQ(count(h, "class=\"better\""), 2u);  // the CDN peak and the start-up time
}

TEST(StudyReport, EstimateFormatting) {
  EXPECT_EQ(format_estimate(ci(0.5123, 0.0041)), "0.5123 ± 0.0041");
  ConfidenceInterval one = ci(2, 0, 1);
  one.half_width = INFINITY;
  EXPECT_EQ(format_estimate(one), "2 (n = 1)");
  EXPECT_EQ(format_estimate(ci(NAN, 0)), "–");
}

TEST(StudyReport, BoundsAndCostSections) {
  BoundsFigures b;
  b.achieved_offload = 0.3;
  b.max_flow_offload = 0.4;
  b.fluid_offload = 0.5;
  b.max_flow_efficiency = 0.75;
  b.fluid_efficiency = 0.6;
  CostFigures c;
  c.baseline = "counterfactual: all delivered bytes from the CDN";
  c.total_usd = 12.5;
  c.saving_usd = 4;
  const auto sections = bounds_cost_sections(&b, &c);
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_NE(sections[0].html.find("75.00 %"), std::string::npos);
  EXPECT_NE(sections[0].html.find("40.00 %"), std::string::npos);
  EXPECT_NE(sections[1].html.find("$12.50"), std::string::npos);
  EXPECT_NE(sections[1].html.find("counterfactual"), std::string::npos);
  EXPECT_TRUE(bounds_cost_sections(nullptr, nullptr).empty());
}

TEST(StudyReport, SummaryJsonExtrasAreOptionalAndBeforeRun) {
  Summary s;
  RunInfo info;
  const io::Json plain = summary_to_json(s, info);
  EXPECT_EQ(plain.find("bounds"), nullptr);
  EXPECT_EQ(plain.find("cost"), nullptr);
  SummaryExtras extras;
  extras.bounds = BoundsFigures{};
  extras.bounds->max_flow_offload = 0.4;
  extras.cost = CostFigures{};
  extras.cost->saving_usd = 3;
  const io::Json full = summary_to_json(s, info, extras);
  EXPECT_EQ(full.at("bounds").at("max_flow_offload").as_double(), 0.4);
  EXPECT_EQ(full.at("cost").at("saving_usd").as_double(), 3.0);
  const auto& keys = full.as_object();
  EXPECT_EQ(keys.back().first, "run");
  EXPECT_EQ(keys[keys.size() - 3].first, "bounds");
  EXPECT_TRUE(check_summary_json(full).empty());
}

}  // namespace
}  // namespace p2pcdn::analysis
