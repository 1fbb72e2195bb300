// Whole runs as the CLI does them (run_once): determinism of summary.json (everything but
// its "run" object is identical for the same scenario and seed, and a different seed gives
// a different run), and a run stopped early (Ctrl-C) reports partial=true and a summary
// covering [0, end) that still satisfies the invariants.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "analysis/report/summary_json.hpp"
#include "sim/run.hpp"
#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

using testing::load;
using testing::small;
using testing::violations_text;

// summary.json of one run_once, without its "run" object (wall time, memory, host).
std::string summary_without_run(const models::Scenario& scenario, std::uint64_t seed) {
  RunRequest request;
  request.scenario_path = "scenarios/smoke.yaml";
  request.seed = seed;
  const RunOutcome outcome = run_once(scenario, request);
  EXPECT_TRUE(outcome.result.violations.empty()) << violations_text(outcome.result);
  analysis::io::Json json = analysis::summary_to_json(outcome.result.summary, outcome.info);
  auto& fields = json.as_object();
  const auto before = fields.size();
  std::erase_if(fields, [](const auto& kv) { return kv.first == "run"; });
  EXPECT_EQ(fields.size(), before - 1) << "summary.json has no run object";
  return analysis::io::dump(json);
}

TEST(Determinism, SameSeedSameSummaryDifferentSeedDifferent) {
  // The default mix, and a run through every host path at once (TURN, churn, outage, skips).
  const std::vector<std::vector<std::string>> variants = {
      {},
      {"turn.enabled=true", "audience.session.median_s=30", "audience.session.zapper_fraction=0.5",
       "cdn.outages=[{pop: iad, at_s: 50, until_s: 54}]", "player.live_skip_ahead_enabled=true",
       "player.live_max_latency_s=45", "p2p.policy=deadline-aware"}};
  for (const auto& overrides : variants) {
    const models::Scenario scenario = load("smoke.yaml", small(overrides));
    const std::string a = summary_without_run(scenario, 42);
    const std::string b = summary_without_run(scenario, 42);
    const std::string c = summary_without_run(scenario, 43);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(a.find("\"seed\": 42"), std::string::npos);
    EXPECT_NE(c.find("\"seed\": 43"), std::string::npos);
  }
}

TEST(Partial, StopFlagGivesPartialSummaryCoveringZeroToEnd) {
  const models::Scenario scenario = load("smoke.yaml", small());
  std::atomic<bool> stop{false};
  int calls = 0;
  double last_progress_s = 0;
  const testing::Run r =
      testing::run(scenario, scenario.run.seed, &stop, [&](double t, std::uint64_t, std::uint64_t) {
        last_progress_s = t;
        if (++calls == 1) stop.store(true);  // the first slice (smoke small: ~40 k events)
      });
  const SimulationResult& res = r.result;
  const analysis::Summary& s = res.summary;
  ASSERT_TRUE(res.partial);
  EXPECT_EQ(calls, 1);  // no slice runs after the stop was seen
  EXPECT_GT(res.simulated_s, 0.0);
  EXPECT_LT(res.simulated_s, scenario.run.duration_s);
  EXPECT_GE(res.simulated_s, last_progress_s);
  EXPECT_EQ(s.end_us, from_seconds(res.simulated_s));
  EXPECT_TRUE(res.violations.empty()) << violations_text(res);

  // The series covers [0, end) with contiguous rows and no row beyond the end.
  ASSERT_FALSE(s.timeseries.empty());
  EXPECT_DOUBLE_EQ(s.timeseries.front().t_start_s, 0.0);
  for (std::size_t i = 1; i < s.timeseries.size(); ++i) {
    EXPECT_DOUBLE_EQ(s.timeseries[i].t_start_s, s.timeseries[i - 1].t_end_s);
  }
  EXPECT_NEAR(s.timeseries.back().t_end_s, res.simulated_s, 1e-6);

  // Every session so far has an outcome, none longer than the measured span, and the bytes
  // add up as in a complete run.
  EXPECT_EQ(r.outcomes.size(), res.host.viewers_total);
  std::uint64_t bytes = 0;
  for (const auto& o : r.outcomes) {
    EXPECT_LE(o.watch_us, s.end_us);
    bytes += o.bytes_cdn + o.bytes_p2p + o.bytes_turn;
  }
  EXPECT_EQ(bytes, s.bytes_cdn + s.bytes_p2p + s.bytes_turn);
  EXPECT_GT(bytes, 0u);

  // summary.json marks it partial.
  analysis::RunInfo info;
  info.partial = res.partial;
  const analysis::io::Json json = analysis::summary_to_json(s, info);
  EXPECT_TRUE(json.at("partial").as_bool());
  EXPECT_TRUE(analysis::check_summary_json(json).empty());
}

TEST(Partial, StopBeforeStartGivesAnEmptyButValidRun) {
  const models::Scenario scenario = load("smoke.yaml", small());
  std::atomic<bool> stop{true};
  const testing::Run r = testing::run(scenario, scenario.run.seed, &stop);
  EXPECT_TRUE(r.result.partial);
  EXPECT_LT(r.result.simulated_s, scenario.run.duration_s);
  EXPECT_TRUE(r.result.violations.empty()) << violations_text(r.result);
  EXPECT_EQ(r.outcomes.size(), r.result.host.viewers_total);
}

}  // namespace
}  // namespace p2pcdn::sim
