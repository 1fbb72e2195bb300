// Warnings a planner needs (issue 24, item 3): PoPs that served nothing, capacity that never
// binds; in summary.json and on the report.
#include <gtest/gtest.h>

#include "analysis/report/planner_warnings.hpp"
#include "analysis/report/report_html.hpp"
#include "analysis/report/summary_json.hpp"

namespace p2pcdn::analysis {
namespace {

Summary with_pops(const std::vector<std::pair<std::uint64_t, double>>& bytes_peak) {
  Summary s;
  for (std::size_t i = 0; i < bytes_peak.size(); ++i) {
    EgressSummary e;
    e.name = "pop" + std::to_string(i);
    e.bytes = bytes_peak[i].first;
    e.peak_gbps = bytes_peak[i].second;
    s.bytes_cdn += e.bytes;
    s.cdn.peak_gbps = std::max(s.cdn.peak_gbps, e.peak_gbps);
    s.cdn_by_pop.push_back(e);
  }
  return s;
}

std::vector<PopCapacity> caps(std::size_t n, double gbps) {
  std::vector<PopCapacity> out;
  for (std::size_t i = 0; i < n; ++i) out.push_back({"pop" + std::to_string(i), gbps});
  return out;
}

// olympics-opening at 10 k: 2 of 6 PoPs idle, 32 Gbit/s of peak for 12 Tbit/s of capacity.
TEST(PlannerWarnings, IdlePopsAndCapacityThatNeverBinds) {
  const Summary s = with_pops({{0, 0}, {10, 12}, {0, 0}, {10, 8}, {10, 6}, {10, 6}});
  const auto w = planner_warnings(s, caps(6, 2000));
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("2 of 6 PoPs served no byte (pop0, pop2)"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("was 8 Tbit/s, not the 12 Tbit/s"), std::string::npos) << w[0];
  EXPECT_NE(w[1].find("CDN capacity never binds: the busiest PoP (pop1) peaked at 0.6 %"),
            std::string::npos)
      << w[1];
  EXPECT_NE(w[1].find("scale cdn.pops[].egress_gbps with the audience"), std::string::npos);
}

TEST(PlannerWarnings, NoneWhenEveryPopServesAndOneBinds) {
  const Summary s = with_pops({{10, 900}, {10, 1500}});
  EXPECT_TRUE(planner_warnings(s, caps(2, 2000)).empty());
  // Just under half of the capacity at the busiest PoP: never binds.
  const Summary low = with_pops({{10, 900}, {10, 999}});
  ASSERT_EQ(planner_warnings(low, caps(2, 2000)).size(), 1u);
  // Nothing delivered, or a PoP the summary does not know: nothing to say.
  EXPECT_TRUE(planner_warnings(Summary{}, caps(2, 2000)).empty());
  EXPECT_TRUE(planner_warnings(s, caps(3, 2000)).empty());
}

// olympics-opening at 10 k with P2P: 120 switches per viewer in 40 min of watching (180 an hour);
// smoke.yaml: 1.1 in 3.7 min (18 an hour).
TEST(PlannerWarnings, BitrateSwitchStorm) {
  Summary storm;
  storm.bitrate_switches.mean = 120;
  storm.bitrate_switches.p90 = 392;
  storm.watch_s.mean = 2400;
  const auto w = planner_warnings(storm, {});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("bitrate-switch storm: 180 switches per hour of watching"), std::string::npos)
      << w[0];
  Summary calm;
  calm.bitrate_switches.mean = 1.1;
  calm.watch_s.mean = 221;
  EXPECT_TRUE(planner_warnings(calm, {}).empty());
  EXPECT_TRUE(planner_warnings(Summary{}, {}).empty());  // nobody watched
}

// Issue 24: a policy waking every few milliseconds ran 100x the decision epochs, unnoticed.
TEST(PlannerWarnings, WakeUpStorm) {
  Summary s;
  for (int i = 0; i < 3; ++i) {
    TimeseriesRow row;
    row.t_start_s = 10.0 * i;
    row.t_end_s = row.t_start_s + 10;
    row.viewers = 100;  // 3 000 viewer-seconds in all
    s.timeseries.push_back(row);
  }
  s.scheduler.decision_epochs = 1500000;  // 500 per viewer-second
  const auto w = planner_warnings(s, {});
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("wake-up storm: 500 policy decision epochs per viewer-second"),
            std::string::npos)
      << w[0];
  s.scheduler.decision_epochs = 49000;  // 16 per viewer-second: deadline-aware's normal
  EXPECT_TRUE(planner_warnings(s, {}).empty());
}

TEST(PlannerWarnings, InSummaryJsonAndOnTheReport) {
  RunInfo info;
  info.warnings = {"2 of 6 PoPs served no byte (jfk, atl)"};
  const io::Json doc = summary_to_json(Summary{}, info);
  ASSERT_EQ(doc.at("warnings").as_array().size(), 1u);
  EXPECT_EQ(doc.at("warnings").as_array()[0].as_string(), info.warnings[0]);
  EXPECT_TRUE(summary_to_json(Summary{}, RunInfo{}).at("warnings").as_array().empty());
  const std::string html = report_html(Summary{}, info);
  const auto at = html.find("<p class=\"warning\">⚠ 2 of 6 PoPs served no byte (jfk, atl)</p>");
  ASSERT_NE(at, std::string::npos);
  EXPECT_LT(at, html.find("<h2>Key figures</h2>"));
}

}  // namespace
}  // namespace p2pcdn::analysis
