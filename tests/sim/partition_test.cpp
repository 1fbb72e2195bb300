// Partitioned runs (run.partition: region): which regions are grouped, that the thread count
// never changes a result, and that the merged metrics equal the whole run's where partitions
// cannot interact (CDN only, one PoP per region).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "analysis/report/summary_json.hpp"
#include "analysis/report/timeseries_csv.hpp"
#include "sim/host/partition.hpp"
#include "sim/run.hpp"
#include "sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

using testing::load;

// ci.yaml: regions east and west, a PoP in each (iad, lax).
std::vector<std::string> ci_small(std::vector<std::string> more = {}) {
  std::vector<std::string> o = {"run.duration_s=90", "audience.concurrency.peak_viewers=400",
                                "run.partition=region"};
  o.insert(o.end(), more.begin(), more.end());
  return o;
}

std::vector<std::vector<bool>> plan(const std::vector<std::string>& overrides) {
  const models::Scenario s = load("ci.yaml", overrides);
  return plan_partitions(s, *World::build(s, s.run.seed));
}

TEST(PartitionPlan, OneGroupPerRegionWithItsOwnPop) {
  EXPECT_EQ(plan(ci_small()), (std::vector<std::vector<bool>>{{true, false}, {false, true}}));
  EXPECT_EQ(plan(ci_small({"run.partition=none"})), (std::vector<std::vector<bool>>{{true, true}}));
}

TEST(PartitionPlan, RegionsServedByOnePopAreOneGroup) {
  // No PoP in the west: its viewers go to iad.
  EXPECT_EQ(plan(ci_small({"cdn.pops=[{name: iad, region: east, egress_gbps: 200}]"})),
            (std::vector<std::vector<bool>>{{true, true}}));
  // lax fails for a while: the west fails over to iad then.
  EXPECT_EQ(plan(ci_small({"cdn.outages=[{pop: lax, at_s: 30, until_s: 60}]"})),
            (std::vector<std::vector<bool>>{{true, true}}));
  // ... but not if the outage is after the end of the run.
  EXPECT_EQ(plan(ci_small({"cdn.outages=[{pop: lax, at_s: 300, until_s: 400}]"})),
            (std::vector<std::vector<bool>>{{true, false}, {false, true}}));
}

TEST(PartitionPlan, ASharedTurnRelayJoinsRegions) {
  EXPECT_EQ(plan(ci_small({"turn.enabled=true", "turn.regions=[east]"})),
            (std::vector<std::vector<bool>>{{true, true}}));
  EXPECT_EQ(plan(ci_small({"turn.enabled=true"})),
            (std::vector<std::vector<bool>>{{true, false}, {false, true}}));
  // A relay list with no effect when TURN is off.
  EXPECT_EQ(plan(ci_small({"turn.regions=[east]"})),
            (std::vector<std::vector<bool>>{{true, false}, {false, true}}));
}

struct Outputs {
  SimulationResult result;
  std::string summary_json, timeseries;
  std::uint64_t outcomes = 0;
};

Outputs run_with_threads(const models::Scenario& s, unsigned threads) {
  Outputs o;
  SimulationOptions options;
  options.seed = s.run.seed;
  options.threads = threads;
  options.on_viewer_outcome = [&o](const analysis::ViewerOutcome&) { ++o.outcomes; };
  o.result = simulate(s, options);
  o.summary_json = analysis::io::dump(analysis::summary_to_json(o.result.summary, {}));
  o.timeseries = analysis::timeseries_csv(o.result.summary);
  return o;
}

TEST(PartitionedRun, TheThreadCountNeverChangesAResult) {
  const models::Scenario s = load("ci.yaml", ci_small());
  const Outputs one = run_with_threads(s, 1);
  const Outputs two = run_with_threads(s, 2);
  EXPECT_EQ(one.result.partitions, 2U);
  EXPECT_TRUE(one.result.violations.empty()) << testing::violations_text(one.result);
  EXPECT_EQ(one.summary_json, two.summary_json);
  EXPECT_EQ(one.timeseries, two.timeseries);
  EXPECT_EQ(one.result.host.events, two.result.host.events);
  // Every session is reported once, through the (serialised) callback too.
  EXPECT_EQ(one.outcomes, one.result.summary.viewers);
  EXPECT_EQ(two.outcomes, two.result.summary.viewers);
  EXPECT_GT(one.result.summary.offload, 0.05);  // peers do share inside each region
}

TEST(PartitionedRun, EqualsTheWholeRunWhenViewersCannotInteract) {
  // CDN only, one PoP per region: the two regions share nothing, so splitting them must give
  // the whole run's bytes, sessions and concurrency, interval by interval.
  const std::vector<std::string> cdn_only = {"p2p.enabled=false"};
  const models::Scenario split = load("ci.yaml", ci_small(cdn_only));
  auto whole_overrides = ci_small(cdn_only);
  whole_overrides.push_back("run.partition=none");
  const models::Scenario whole = load("ci.yaml", whole_overrides);
  const Outputs a = run_with_threads(split, 2);
  const Outputs b = run_with_threads(whole, 1);
  ASSERT_EQ(a.result.partitions, 2U);
  ASSERT_EQ(b.result.partitions, 1U);
  const analysis::Summary& x = a.result.summary;
  const analysis::Summary& y = b.result.summary;
  EXPECT_EQ(x.bytes_cdn, y.bytes_cdn);
  EXPECT_EQ(x.viewers, y.viewers);
  EXPECT_EQ(x.viewers_started, y.viewers_started);
  EXPECT_EQ(x.peak_concurrency, y.peak_concurrency);
  EXPECT_EQ(a.result.host.peak_viewers, b.result.host.peak_viewers);
  ASSERT_EQ(x.timeseries.size(), y.timeseries.size());
  for (std::size_t k = 0; k < x.timeseries.size(); ++k) {
    EXPECT_EQ(x.timeseries[k].viewers_peak, y.timeseries[k].viewers_peak) << "row " << k;
    EXPECT_DOUBLE_EQ(x.timeseries[k].viewers, y.timeseries[k].viewers) << "row " << k;
    EXPECT_DOUBLE_EQ(x.timeseries[k].cdn_gbps, y.timeseries[k].cdn_gbps) << "row " << k;
    EXPECT_NEAR(x.timeseries[k].stalling_share, y.timeseries[k].stalling_share, 1e-12);
    // The host's running bitrate sum is added in another order: equal up to rounding.
    const double bx = x.timeseries[k].mean_bitrate_kbps, by = y.timeseries[k].mean_bitrate_kbps;
    EXPECT_EQ(std::isnan(bx), std::isnan(by)) << "row " << k;
    if (!std::isnan(bx)) {
      EXPECT_NEAR(bx, by, 1e-6) << "row " << k;
    }
  }
  ASSERT_EQ(x.cdn_by_pop.size(), y.cdn_by_pop.size());
  for (std::size_t p = 0; p < x.cdn_by_pop.size(); ++p)
    EXPECT_EQ(x.cdn_by_pop[p].bytes, y.cdn_by_pop[p].bytes);
  EXPECT_EQ(x.rebuffering_ratio.count, y.rebuffering_ratio.count);
  EXPECT_NEAR(x.rebuffering_ratio.mean, y.rebuffering_ratio.mean, 1e-12);
  EXPECT_EQ(a.result.host.viewers_total, b.result.host.viewers_total);
}

TEST(PartitionedRun, OneGroupIsExactlyTheUnpartitionedRun) {
  const models::Scenario grouped =
      load("ci.yaml", ci_small({"cdn.pops=[{name: iad, region: east, egress_gbps: 200}]"}));
  models::Scenario plain = grouped;
  plain.run.partition = models::RunPartition::kNone;
  const Outputs a = run_with_threads(grouped, 2);
  const Outputs b = run_with_threads(plain, 1);
  EXPECT_EQ(a.result.partitions, 1U);
  EXPECT_EQ(a.summary_json, b.summary_json);
  EXPECT_EQ(a.timeseries, b.timeseries);
}

TEST(PartitionedRun, StopsWhenAskedAndReportsPartial) {
  const models::Scenario s = load("ci.yaml", ci_small({"run.duration_s=1200"}));
  std::atomic<bool> stop{false};
  std::uint64_t calls = 0;
  SimulationOptions options;
  options.seed = s.run.seed;
  options.threads = 2;
  options.stop = &stop;
  options.progress = [&](double t_s, std::uint64_t, std::uint64_t) {
    ++calls;
    if (t_s > 5) stop = true;
  };
  const SimulationResult r = simulate(s, options);
  EXPECT_TRUE(r.partial);
  EXPECT_GT(calls, 0U);
  EXPECT_LT(r.simulated_s, s.run.duration_s);
}

TEST(PartitionedRun, TheRunRecordSaysHowItWasSplit) {
  const models::Scenario s = load("ci.yaml", ci_small({"run.duration_s=20"}));
  RunRequest request;
  request.seed = s.run.seed;
  request.threads = 8;  // more than partitions: only 2 are used
  const RunOutcome outcome = run_once(s, request);
  EXPECT_EQ(outcome.info.run.partitions, 2U);
  EXPECT_EQ(outcome.info.run.threads, 2U);
  const std::string json =
      analysis::io::dump(analysis::summary_to_json(outcome.result.summary, outcome.info));
  EXPECT_NE(json.find("\"partitions\": 2"), std::string::npos) << json.substr(json.size() - 400);
  // How each partition ran: its regions, share, wall time and events, in partition order.
  const auto& parts = outcome.info.run.partition_runs;
  ASSERT_EQ(parts.size(), 2U);
  EXPECT_EQ(parts[0].regions, "east");
  EXPECT_EQ(parts[1].regions, "west");
  EXPECT_NEAR(parts[0].viewer_share + parts[1].viewer_share, 1.0, 1e-9);
  EXPECT_EQ(parts[0].events + parts[1].events, outcome.info.events_processed);
  EXPECT_GT(parts[0].events, 0U);
  EXPECT_GT(parts[1].events, 0U);
  for (const auto& p : parts) {
    EXPECT_GT(p.wall_s, 0.0);
    EXPECT_LE(p.wall_s, outcome.info.run.wall_time_s);
  }
  EXPECT_GT(outcome.info.run.cores_busy(), 0.0);
  EXPECT_LE(outcome.info.run.cores_busy(), 2.0 + 1e-9);
  EXPECT_NE(json.find("\"partition_runs\""), std::string::npos);
  EXPECT_NE(json.find("\"cores_busy\""), std::string::npos);
}

TEST(PartitionedRun, AWholeRunHasNoPartitionTimings) {
  const models::Scenario s =
      load("ci.yaml", {"run.duration_s=20", "audience.concurrency.peak_viewers=100"});
  RunRequest request;
  request.seed = s.run.seed;
  const RunOutcome outcome = run_once(s, request);
  EXPECT_EQ(outcome.info.run.partitions, 1U);
  EXPECT_TRUE(outcome.info.run.partition_runs.empty());
  EXPECT_EQ(outcome.info.run.cores_busy(), 0.0);
  const std::string json =
      analysis::io::dump(analysis::summary_to_json(outcome.result.summary, outcome.info));
  EXPECT_EQ(json.find("\"partition_runs\""), std::string::npos);
}

TEST(PartitionedRun, ABadPartitionValueNamesTheKey) {
  const std::vector<std::string> overrides = {"run.partition=regions"};
  const models::LoadResult loaded =
      models::load_scenario(testing::scenario_path("ci.yaml"), overrides);
  ASSERT_FALSE(loaded.scenario);
  ASSERT_FALSE(loaded.errors.empty());
  EXPECT_NE(models::format_error(loaded.errors.front()).find("run.partition"), std::string::npos);
}

}  // namespace
}  // namespace p2pcdn::sim
