// The study layer: replications independent of the thread count, CI of a known sample, paired
// compare of a scenario with itself, stable metric names, the regression gate on files, offload
// bounds ordering, and the sweep grid. Small runs of smoke.yaml (200 viewers, 60 s).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "analysis/io/atomic_file.hpp"
#include "analysis/report/summary_json.hpp"
#include "sim/study/bounds.hpp"
#include "sim/study/compare.hpp"
#include "sim/study/cost.hpp"
#include "sim/study/metrics.hpp"
#include "sim/study/replications.hpp"
#include "sim/study/sweep.hpp"

namespace p2pcdn::study {
namespace {

const std::string kSmoke = std::string(P2PCDN_SOURCE_DIR) + "/scenarios/smoke.yaml";

models::Scenario small(std::vector<std::string> extra = {}) {
  std::vector<std::string> sets = {"run.duration_s=60", "audience.concurrency.peak_viewers=200",
                                   "player.live_sync_segments=8"};
  sets.insert(sets.end(), extra.begin(), extra.end());
  return load_with_sets(kSmoke, sets);
}

ReplicationOptions options(std::size_t r, unsigned threads) {
  ReplicationOptions o;
  o.scenario_path = kSmoke;
  o.base_seed = 7;
  o.replications = r;
  o.threads = threads;
  return o;
}

TEST(StudyMetrics, NamesAreStableAndOrdered) {
  std::vector<std::string> names;
  for (const auto& p : metric_paths()) names.push_back(p.name);
  const std::vector<std::string> head = {"offload",
                                         "cdn.peak_gbps",
                                         "cdn.p95_gbps",
                                         "cdn.mean_gbps",
                                         "turn.peak_gbps",
                                         "server.peak_gbps",
                                         "bytes.cdn",
                                         "bytes.p2p",
                                         "bytes.turn",
                                         "bytes.total",
                                         "rebuffering_ratio.mean"};
  ASSERT_GE(names.size(), head.size());
  EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 11), head);
  for (const char* n : {"stalled_share", "startup_s.p50", "startup_s.p90", "avg_bitrate_kbps.mean",
                        "stalls_per_hour.mean", "peak_concurrency", "events",
                        "bounds.max_flow_offload", "cost.saving_usd"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  }
}

TEST(StudyMetrics, FlattenFollowsSummaryJson) {
  analysis::Summary s;
  s.offload = 0.25;
  s.bytes_cdn = 300;
  s.bytes_p2p = 100;
  s.cdn.peak_gbps = 4.5;
  s.rebuffering_ratio.p90 = 0.01;
  s.stalled_share = std::nan("");
  analysis::RunInfo info;
  info.events_processed = 1234;
  const NamedMetrics m = flatten_summary(s, info);
  EXPECT_EQ(metric_value(m, "offload"), 0.25);
  EXPECT_EQ(metric_value(m, "bytes.cdn"), 300);
  EXPECT_EQ(metric_value(m, "bytes.total"), 400);
  EXPECT_EQ(metric_value(m, "cdn.peak_gbps"), 4.5);
  EXPECT_EQ(metric_value(m, "rebuffering_ratio.p90"), 0.01);
  EXPECT_EQ(metric_value(m, "events"), 1234);
  EXPECT_TRUE(std::isnan(metric_value(m, "stalled_share")));
  // No bounds/cost objects: no bounds/cost metrics.
  for (const auto& [name, v] : m) EXPECT_NE(name.rfind("bounds.", 0), 0u) << name;
  EXPECT_EQ(to_metric_map(m).count("stalled_share"), 0u);  // NaN left out of the gate
  analysis::SummaryExtras extras;
  extras.bounds = analysis::BoundsFigures{};
  extras.bounds->max_flow_offload = 0.5;
  EXPECT_EQ(metric_value(flatten_summary(s, info, extras), "bounds.max_flow_offload"), 0.5);
}

TEST(StudyReplications, CiOfAKnownSample) {
  // Values 1..5: mean 3, s = sqrt(2.5), t_{0.975,4} = 2.776445.
  std::vector<ReplicationResult> runs;
  for (int i = 1; i <= 5; ++i) {
    ReplicationResult r;
    r.metrics = {{"offload", i}, {"x", 2.0}};
    runs.push_back(r);
  }
  const auto stats = summarize(runs);
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].name, "offload");
  EXPECT_DOUBLE_EQ(stats[0].ci.mean, 3.0);
  EXPECT_NEAR(stats[0].ci.stddev, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(stats[0].ci.half_width, 2.776445105 * std::sqrt(2.5) / std::sqrt(5.0), 1e-6);
  EXPECT_EQ(stats[0].ci.n, 5u);
  EXPECT_EQ(stats[1].ci.half_width, 0.0);
}

TEST(StudyReplications, ResultsDoNotDependOnThreadCount) {
  const models::Scenario sc = small();
  const ReplicationSet one = run_replications(sc, options(3, 1));
  const ReplicationSet two = run_replications(sc, options(3, 2));
  ASSERT_EQ(one.runs.size(), 3u);
  ASSERT_EQ(two.runs.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(one.runs[i].seed, 7 + i);
    // Identical, NaN included (a metric with no data is NaN in every run: NaN != NaN).
    const auto& a = one.runs[i].metrics;
    const auto& b = two.runs[i].metrics;
    ASSERT_EQ(a.size(), b.size()) << "replication " << i;
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].first, b[k].first) << "replication " << i;
      const bool same =
          a[k].second == b[k].second || (std::isnan(a[k].second) && std::isnan(b[k].second));
      EXPECT_TRUE(same) << a[k].first << ": " << a[k].second << " vs " << b[k].second
                        << " (replication " << i << ")";
    }
  }
  // Different seeds give different runs.
  EXPECT_NE(metric_value(one.runs[0].metrics, "events"),
            metric_value(one.runs[1].metrics, "events"));
  ASSERT_TRUE(one.first.has_value());
  EXPECT_EQ(one.first->info.seed, 7u);
  EXPECT_EQ(replications_csv(one), replications_csv(two));
  // The means read back for `check`.
  const NamedMetrics means = replication_means(
      analysis::io::parse_json(analysis::io::dump(replications_to_json(one, "smoke", kSmoke))));
  EXPECT_DOUBLE_EQ(metric_value(means, "offload"), find_stats(one.stats, "offload")->ci.mean);
}

TEST(StudyReplications, AutoStopsAtTheCapOrTheTarget) {
  const models::Scenario sc = small();
  ReplicationOptions o = options(1, 2);
  o.max_replications = 3;
  o.auto_target = std::make_pair(std::string("offload"), 1e-12);  // unreachable
  const ReplicationSet capped = run_replications(sc, o);
  EXPECT_EQ(capped.runs.size(), 3u);
  EXPECT_FALSE(capped.target_reached);
  o.auto_target = std::make_pair(std::string("offload"), 1.0);  // reached at the minimum
  const ReplicationSet precise = run_replications(sc, o);
  EXPECT_EQ(precise.runs.size(), 3u);
  EXPECT_TRUE(precise.target_reached);
  o.auto_target = std::make_pair(std::string("no.such.metric"), 1.0);
  EXPECT_THROW(run_replications(sc, o), std::invalid_argument);
}

TEST(StudyCompare, ScenarioWithItselfGivesZeroDifferences) {
  const models::Scenario sc = small();
  const analysis::CompareReportData d =
      run_compare({"a", kSmoke, sc}, {"b", kSmoke, sc}, options(2, 2));
  ASSERT_FALSE(d.rows.empty());
  EXPECT_EQ(d.seeds, (std::vector<std::uint64_t>{7, 8}));
  for (const auto& r : d.rows) {
    EXPECT_EQ(r.diff.mean, 0.0) << r.metric;
    EXPECT_EQ(r.diff.half_width, 0.0) << r.metric;
    EXPECT_EQ(r.a.mean, r.b.mean) << r.metric;
  }
}

TEST(StudyCompare, PairedRowsUsePairs) {
  std::vector<ReplicationResult> a(3), b(3);
  const double av[] = {1, 5, 9}, bv[] = {2, 6, 10};  // B = A + 1 exactly
  for (int i = 0; i < 3; ++i) {
    a[static_cast<std::size_t>(i)].metrics = {{"m", av[i]}};
    b[static_cast<std::size_t>(i)].metrics = {{"m", bv[i]}};
  }
  const auto rows = paired_rows(a, b);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].diff.mean, 1.0);
  EXPECT_DOUBLE_EQ(rows[0].diff.half_width, 0.0);  // unpaired CI would be wide
  EXPECT_GT(rows[0].a.half_width, 1.0);
}

TEST(StudyCompare, PairsWithAnInterruptedSideAreLeftOut) {
  std::vector<ReplicationResult> a(3), b(3);
  const double av[] = {1, 5, 9}, bv[] = {2, 6, 100};  // the third pair is off: B cut short
  for (int i = 0; i < 3; ++i) {
    a[static_cast<std::size_t>(i)].metrics = {{"m", av[i]}};
    b[static_cast<std::size_t>(i)].metrics = {{"m", bv[i]}};
  }
  b[2].partial = true;
  const auto rows = paired_rows(a, b);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].diff.mean, 1.0);
  EXPECT_EQ(rows[0].diff.n, 2u);
  EXPECT_DOUBLE_EQ(rows[0].a.mean, 3.0);  // the sides' own figures over the same two pairs
  EXPECT_EQ(rows[0].b.n, 2u);
}

TEST(StudyReplications, InterruptedRunsStayOutOfTheStatistics) {
  const models::Scenario sc = small();
  std::atomic<bool> stop{true};  // Ctrl-C before the first event: every replication is cut
  ReplicationOptions o = options(2, 1);
  o.stop = &stop;
  const ReplicationSet set = run_replications(sc, o);
  ASSERT_EQ(set.runs.size(), 2u);
  for (const auto& r : set.runs) EXPECT_TRUE(r.partial);
  EXPECT_TRUE(whole_runs(set.runs).empty());
  EXPECT_TRUE(set.stats.empty());  // nothing whole to summarize, rather than biased means
  // A sweep drops the point that was interrupted instead of reporting it.
  SweepOptions sweep;
  sweep.scenario_path = kSmoke;
  // (As small() above: long enough that the stop is seen before the end; the engine looks at
  // it every 16 384 events.)
  sweep.base_sets = {"run.duration_s=60", "audience.concurrency.peak_viewers=200"};
  sweep.axes = {parse_vary("p2p.enabled=true,false")};
  sweep.replication = o;
  const SweepResult r = run_sweep(sweep);
  EXPECT_TRUE(r.report.points.empty());
  EXPECT_TRUE(r.runs.empty());
}

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("study_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

TEST(StudyCheck, PassesOnIdenticalAndFailsWhenOffloadDrops) {
  analysis::Summary s;
  s.offload = 0.40;
  s.bytes_cdn = 600;
  s.bytes_p2p = 400;
  s.cdn.peak_gbps = 2.0;
  analysis::RunInfo info;
  info.events_processed = 1000;
  const auto dir = temp_dir();
  analysis::write_summary_json(dir / "base.json", s, info);
  analysis::write_summary_json(dir / "same.json", s, info);
  s.offload = 0.35;  // drops 5 points (> 1 point tolerance)
  analysis::write_summary_json(dir / "worse.json", s, info);
  auto gate = [&](const char* a, const char* b, std::vector<std::string> tol = {}) {
    const NamedMetrics x = flatten_summary_json(analysis::read_summary_json(dir / a));
    const NamedMetrics y = flatten_summary_json(analysis::read_summary_json(dir / b));
    return analysis::compare_metrics(to_metric_map(x), to_metric_map(y), gate_options(tol));
  };
  EXPECT_TRUE(gate("base.json", "same.json").passed());
  const auto worse = gate("base.json", "worse.json");
  EXPECT_FALSE(worse.passed());
  EXPECT_EQ(worse.regressed, 1u);
  EXPECT_TRUE(gate("base.json", "worse.json", {"offload=0.1"}).passed());
  std::filesystem::remove_all(dir);
}

TEST(StudyBounds, FluidAboveMaxFlowAboveAchieved) {
  const models::Scenario sc = small();
  sim::RunRequest req;
  req.seed = 3;
  const sim::RunOutcome run = sim::run_once(sc, req);
  ASSERT_FALSE(run.result.bound_samples.empty());
  const RunBounds b = compute_bounds(run.result);
  EXPECT_GT(b.figures.achieved_offload, 0.0);
  EXPECT_GE(b.figures.fluid_offload + 1e-12, b.figures.max_flow_offload);
  EXPECT_GE(b.figures.max_flow_offload, b.figures.achieved_offload);
  EXPECT_LE(b.figures.fluid_offload, 1.0);
  EXPECT_NEAR(b.figures.max_flow_efficiency,
              b.figures.achieved_offload / b.figures.max_flow_offload, 1e-12);
  for (const auto& i : b.intervals) EXPECT_GE(i.fluid_offload + 1e-12, i.max_flow_offload);
  // Viewers without WebRTC: their demand is CDN minimum in both bounds.
  EXPECT_LE(b.figures.non_webrtc_demand_bytes, b.figures.max_flow_cdn_min_bytes + 1e-3);

  const models::Scenario off = small({"p2p.enabled=false"});
  const RunBounds c = compute_bounds(sim::run_once(off, req).result);
  EXPECT_EQ(c.figures.achieved_offload, 0.0);
  EXPECT_EQ(c.figures.max_flow_efficiency, 0.0);
}

TEST(StudyBounds, ConnectivityFromTheNatMatrix) {
  sim::SimulationResult r;
  r.nat_direct_possible[0][1] = true;
  EXPECT_TRUE(bound_classes_connect(r, 0, 1));
  EXPECT_TRUE(bound_classes_connect(r, 1, 0));  // a data channel is two-way
  EXPECT_FALSE(bound_classes_connect(r, 2, 3));
  EXPECT_FALSE(bound_classes_connect(r, 6, 0));
  r.turn_enabled = true;
  EXPECT_TRUE(bound_classes_connect(r, 2, 3));
  EXPECT_FALSE(bound_classes_connect(r, 0, 6));  // no WebRTC, even with TURN
}

TEST(StudyBounds, SwarmWithUnconnectablePeersIsBoundedByTheCdn) {
  // One swarm: 10 WebRTC peers (class 0, can reach each other, plenty of upload) and 10
  // without WebRTC. Fluid and max-flow: CDN >= one stream for the WebRTC part + 10 streams.
  sim::SimulationResult r;
  r.nat_direct_possible[0][0] = true;
  r.summary.offload = 0.3;
  sim::IntervalSample s;
  s.duration_s = 10;
  sim::SwarmSample sw;
  sw.viewers = 20;
  sw.stream_rate_bps = 1e6;
  sw.viewers_by_class[0] = 10;
  sw.viewers_by_class[6] = 10;
  sw.upload_bps_by_class[0] = 1e9;
  s.swarms.push_back(sw);
  r.bound_samples.push_back(s);
  const RunBounds b = compute_bounds(r);
  EXPECT_NEAR(b.figures.fluid_offload, 9.0 / 20.0, 1e-12);
  EXPECT_NEAR(b.figures.max_flow_offload, 9.0 / 20.0, 1e-9);
  EXPECT_NEAR(b.figures.demand_bytes, 20 * 1e6 * 10 / 8, 1e-6);
  EXPECT_NEAR(b.figures.non_webrtc_demand_bytes, 10 * 1e6 * 10 / 8, 1e-6);
}

TEST(StudyCost, FiveMinuteWindowsAndCounterfactual) {
  analysis::Summary s;
  // 10 minutes of 60 s rows: 1 Gbit/s CDN in the first 5 min, 3 in the next; P2P 1 Gbit/s.
  for (int i = 0; i < 10; ++i) {
    analysis::TimeseriesRow row;
    row.t_start_s = 60.0 * i;
    row.t_end_s = 60.0 * (i + 1);
    row.cdn_gbps = i < 5 ? 1.0 : 3.0;
    row.p2p_gbps = 1.0;
    s.timeseries.push_back(row);
  }
  const auto rates = window_rates_bps(s, EgressSource::kCdn);
  ASSERT_EQ(rates.size(), 2u);
  EXPECT_DOUBLE_EQ(rates[0], 1e9);
  EXPECT_DOUBLE_EQ(rates[1], 3e9);
  s.bytes_cdn = 150'000'000'000;  // 150 GB
  s.bytes_p2p = 75'000'000'000;
  const analysis::CostFigures c = compute_cost(s, nullptr);
  EXPECT_EQ(c.baseline, std::string(kBaselineCounterfactual));
  EXPECT_NEAR(c.cdn_usd, 150 * 0.02, 1e-9);
  EXPECT_NEAR(c.baseline_usd, 225 * 0.02, 1e-9);
  EXPECT_NEAR(c.saving_fraction, 75.0 / 225.0, 1e-12);
  EXPECT_DOUBLE_EQ(c.cdn_p95_5min_gbps, 3.0);  // 2 samples: none dropped
  EXPECT_DOUBLE_EQ(c.baseline_p95_5min_gbps, 4.0);
  analysis::Summary base = s;
  base.bytes_cdn = 300'000'000'000;
  base.bytes_p2p = 0;
  const analysis::CostFigures d = compute_cost(s, &base);
  EXPECT_EQ(d.baseline, std::string(kBaselineRun));
  EXPECT_NEAR(d.baseline_usd, 300 * 0.02, 1e-9);
}

TEST(StudySweep, GridIsTheCartesianProductInOrder) {
  const auto grid = expand_grid({parse_vary("a=1,2,3"), parse_vary("b.c=x,y")});
  ASSERT_EQ(grid.size(), 6u);
  const std::vector<std::vector<std::string>> want = {{"1", "x"}, {"1", "y"}, {"2", "x"},
                                                      {"2", "y"}, {"3", "x"}, {"3", "y"}};
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(grid[i].values, want[i]);
  EXPECT_EQ(grid[3].sets, (std::vector<std::string>{"a=2", "b.c=y"}));
  EXPECT_THROW(expand_grid({}), std::invalid_argument);
  EXPECT_THROW(expand_grid({parse_vary("a=1"), parse_vary("a=2")}), std::invalid_argument);
  EXPECT_THROW(parse_vary("a=1,,2"), std::invalid_argument);
  EXPECT_THROW(parse_vary("=1"), std::invalid_argument);
}

TEST(StudySweep, AudienceFitRecoversAPowerLaw) {
  // cdn.peak_gbps = 0.01 * N^0.9 exactly plus tiny alternating noise.
  const std::vector<VaryAxis> axes = {{kAudienceKey, {"1000", "10000", "100000"}}};
  const auto grid = expand_grid(axes);
  std::vector<std::vector<ReplicationResult>> runs(3);
  for (std::size_t p = 0; p < 3; ++p) {
    const double n = std::stod(grid[p].values[0]);
    for (int r = 0; r < 2; ++r) {
      ReplicationResult rr;
      rr.metrics = {{"cdn.peak_gbps", 0.01 * std::pow(n, 0.9) * (r == 0 ? 1.001 : 0.999)}};
      runs[p].push_back(rr);
    }
  }
  const auto fits = fit_audience(axes, grid, runs);
  ASSERT_EQ(fits.size(), 1u);
  EXPECT_NEAR(fits[0].fit.slope, 0.9, 1e-3);
  EXPECT_EQ(fits[0].extrapolate_to, 1e6);
  EXPECT_NEAR(fits[0].prediction.value, 0.01 * std::pow(1e6, 0.9),
              0.01 * std::pow(1e6, 0.9) * 0.01);
  EXPECT_LT(fits[0].prediction.low, fits[0].prediction.value);
  EXPECT_GT(fits[0].prediction.high, fits[0].prediction.value);
}

TEST(StudySweep, RunsEveryPointAndWritesATidyCsv) {
  SweepOptions o;
  o.scenario_path = kSmoke;
  o.base_sets = {"run.duration_s=30", "audience.concurrency.peak_viewers=100"};
  o.axes = {parse_vary("p2p.enabled=true,false")};
  o.replication = options(2, 2);
  const SweepResult r = run_sweep(o);
  ASSERT_EQ(r.report.points.size(), 2u);
  EXPECT_GT(metric_value(r.runs[0][0].metrics, "offload"), 0.0);
  EXPECT_EQ(metric_value(r.runs[1][0].metrics, "offload"), 0.0);
  const std::string csv = sweep_csv(r);
  EXPECT_EQ(csv.substr(0, csv.find('\n')), "p2p.enabled,metric,mean,stddev,ci_low,ci_high,n");
  EXPECT_NE(csv.find("\nfalse,offload,0,0,0,0,2\n"), std::string::npos);
  o.axes = {parse_vary("p2p.policy=no-such-policy")};
  EXPECT_THROW(run_sweep(o), std::invalid_argument);
}

}  // namespace
}  // namespace p2pcdn::study
