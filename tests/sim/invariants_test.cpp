// End-to-end invariants (issue 5): on several scenarios, policies and seeds, every invariant
// the host checks holds (bytes sent = received per source, every segment handed to a player
// was downloaded by it, no transfer outlives its viewer, one outcome per session), and the
// per-viewer outcomes add up to the summary (conservation).
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

using testing::load;
using testing::run;
using testing::small;
using testing::violations_text;

struct Case {
  const char* name;
  std::vector<std::string> overrides;
  std::uint64_t seed;
  const char* file = "smoke.yaml";  // scaled down by small(): 120 s, 300 peak viewers
};

// Checks everything that must hold of any complete run.
void expect_consistent(const testing::Run& r, const models::Scenario& scenario) {
  const SimulationResult& res = r.result;
  const analysis::Summary& s = res.summary;
  EXPECT_TRUE(res.violations.empty()) << violations_text(res);
  EXPECT_FALSE(res.partial);
  EXPECT_DOUBLE_EQ(res.simulated_s, scenario.run.duration_s);

  // One outcome per session, and the summary counts them all.
  ASSERT_EQ(r.outcomes.size(), res.host.viewers_total);
  EXPECT_EQ(s.viewers, r.outcomes.size());
  EXPECT_GT(s.viewers, 0u);

  // Bytes by source in the summary equal the sum over viewers.
  std::uint64_t cdn = 0, p2p = 0, turn = 0;
  std::uint64_t started = 0;
  for (const auto& o : r.outcomes) {
    cdn += o.bytes_cdn;
    p2p += o.bytes_p2p;
    turn += o.bytes_turn;
    // Time accounting of each viewer: start-up + play + stall = time watched, to the µs.
    if (o.startup_us >= 0) {
      ++started;
      EXPECT_EQ(o.startup_us + o.play_us + o.stall_us, o.watch_us);
    } else {
      EXPECT_EQ(o.play_us, 0);
      EXPECT_EQ(o.stall_us, 0);
    }
    EXPECT_GE(o.watch_us, 0);
    EXPECT_LE(o.watch_us, from_seconds(scenario.run.duration_s));
    if (o.stalls == 0) {
      EXPECT_EQ(o.stall_us, 0);
    }
  }
  EXPECT_EQ(s.viewers_started, started);
  EXPECT_EQ(s.bytes_cdn, cdn);
  EXPECT_EQ(s.bytes_p2p, p2p);
  EXPECT_EQ(s.bytes_turn, turn);
  // ... and each breakdown partitions the same bytes.
  for (const auto* groups : {&s.by_device, &s.by_nat, &s.by_region}) {
    std::uint64_t gc = 0, gp = 0, gt = 0;
    for (const auto& g : *groups) {
      gc += g.bytes_cdn;
      gp += g.bytes_p2p;
      gt += g.bytes_turn;
    }
    EXPECT_EQ(gc, cdn);
    EXPECT_EQ(gp, p2p);
    EXPECT_EQ(gt, turn);
  }
  std::uint64_t by_pop = 0;
  for (const auto& pop : s.cdn_by_pop) by_pop += pop.bytes;
  EXPECT_EQ(by_pop, cdn);

  // Offload = p2p / (cdn + p2p + turn).
  const double total = static_cast<double>(cdn + p2p + turn);
  ASSERT_GT(total, 0);
  EXPECT_DOUBLE_EQ(s.offload, static_cast<double>(p2p) / total);
  EXPECT_GE(s.offload, 0.0);
  EXPECT_LE(s.offload, 1.0);

  // The time series covers the run, concurrency is never negative and never above the peak.
  ASSERT_FALSE(s.timeseries.empty());
  EXPECT_DOUBLE_EQ(s.timeseries.front().t_start_s, 0.0);
  EXPECT_NEAR(s.timeseries.back().t_end_s, scenario.run.duration_s, 1e-9);
  double series_bytes = 0;
  for (const auto& row : s.timeseries) {
    EXPECT_GE(row.viewers, 0.0);
    EXPECT_LE(row.viewers, static_cast<double>(s.peak_concurrency) + 1e-9);
    EXPECT_LE(row.viewers_peak, s.peak_concurrency);
    EXPECT_GE(row.cdn_gbps, 0.0);
    EXPECT_GE(row.p2p_gbps, 0.0);
    EXPECT_GE(row.turn_gbps, 0.0);
    series_bytes +=
        (row.cdn_gbps + row.p2p_gbps + row.turn_gbps) * 1e9 / 8 * (row.t_end_s - row.t_start_s);
  }
  EXPECT_NEAR(series_bytes, total, total * 1e-6);
  EXPECT_EQ(s.peak_concurrency, res.host.peak_viewers);

  // Connection counts by NAT pair add up.
  std::uint64_t attempts = 0, successes = 0, relayed = 0;
  for (const auto& pair : s.connections_by_nat) {
    attempts += pair.attempts;
    successes += pair.successes;
    relayed += pair.relayed;
    EXPECT_LE(pair.successes, pair.attempts);
    EXPECT_LE(pair.relayed, pair.successes);
  }
  EXPECT_EQ(attempts, s.connection_attempts);
  EXPECT_EQ(successes, s.connection_successes);
  EXPECT_EQ(relayed, s.connection_relayed);
  if (!scenario.turn.enabled) {
    EXPECT_EQ(s.bytes_turn, 0u);
  }
  EXPECT_EQ(res.host.malformed_messages, 0u);
}

class InvariantsTest : public ::testing::TestWithParam<Case> {};

TEST_P(InvariantsTest, HoldAndAddUp) {
  const Case& c = GetParam();
  const models::Scenario scenario = load(c.file, small(c.overrides));
  const testing::Run r = run(scenario, c.seed);
  expect_consistent(r, scenario);
}

const Case kCases[] = {
    {"windowed", {}, 42},
    {"windowed_seed7", {}, 7},
    {"windowed_seed8", {"audience.concurrency.peak_viewers=200"}, 8},
    {"cdn_only_policy", {"p2p.policy=cdn-only"}, 42},
    {"p2p_disabled", {"p2p.enabled=false"}, 42},
    {"buffer_threshold", {"p2p.policy=buffer-threshold"}, 42},
    {"deadline_aware", {"p2p.policy=deadline-aware"}, 42},
    {"reference", {"p2p.policy=reference"}, 42},
    // Churn-heavy: most sessions last seconds, so departures cut transfers and connections.
    {"churn",
     {"audience.session.median_s=20", "audience.session.zapper_fraction=0.6",
      "audience.session.zapper_mean_s=8"},
     3},
    {"churn_deadline_aware",
     {"p2p.policy=deadline-aware", "audience.session.median_s=15",
      "audience.session.zapper_fraction=0.5", "audience.session.zapper_mean_s=5"},
     4},
    // The only PoP fails for 10 s: every HTTP transfer it serves is cut, then requests fail.
    {"outage_single_pop", {"cdn.outages=[{pop: iad, at_s: 40, until_s: 50}]"}, 42},
    // Two PoPs: the failed one's viewers go to the other.
    {"outage_failover",
     {"cdn.pops=[{name: iad, region: us-east, egress_gbps: 100}, {name: bos, region: us-east, "
      "egress_gbps: 100, hub_latency_ms: 5}]",
      "cdn.outages=[{pop: iad, at_s: 30, until_s: 90}]"},
     5},
    {"turn", {"turn.enabled=true"}, 42},
    {"turn_small_relay", {"turn.enabled=true", "turn.capacity_gbps=0.05"}, 6},
    {"exact_network", {"network.model=exact", "audience.concurrency.peak_viewers=150"}, 42},
    {"bola_skip_ahead",
     {"player.abr.rule=bola", "player.live_skip_ahead_enabled=true",
      "player.live_max_latency_s=45"},
     9},
    {"small_cdn", {"cdn.pops[0].egress_gbps=0.2"}, 10},
    {"few_neighbours", {"p2p.neighbours=2", "p2p.policy=reference"}, 11},
    // The shipped scenarios, scaled down: 3 regions/PoPs and 4 renditions (default), the
    // CDN-only baseline, 3 feeds / 6 PoPs / BOLA (olympics), 5 feeds and a mobile cap (cricket).
    {"default_yaml", {}, 1, "default.yaml"},
    {"default_yaml_partitioned", {"run.partition=region"}, 1, "default.yaml"},
    {"default_yaml_partitioned_turn",
     {"run.partition=region", "turn.enabled=true"},
     5,
     "default.yaml"},
    {"cdn_only_yaml", {}, 1, "cdn-only.yaml"},
    {"olympics_yaml", {"run.warmup_s=0"}, 2, "olympics-opening.yaml"},
    {"cricket_yaml", {"run.warmup_s=0"}, 3, "cricket-final.yaml"},
};

INSTANTIATE_TEST_SUITE_P(Scenarios, InvariantsTest, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& param) {
                           return param.param.name;
                         });

// The audience follows its target: the peak concurrency is within the tested audience
// tolerance (scenarios/README.md: 4 sqrt(C) + 1 % of the peak) of the scenario's peak.
TEST(Conservation, PeakConcurrencyFollowsTheCurve) {
  for (int peak : {300, 1000}) {
    const models::Scenario scenario =
        load("smoke.yaml",
             {"run.duration_s=150", "audience.concurrency.peak_viewers=" + std::to_string(peak),
              "p2p.enabled=false"});
    const testing::Run r = run(scenario);
    const double tolerance = 4 * std::sqrt(peak) + 0.01 * peak;
    EXPECT_NEAR(static_cast<double>(r.result.summary.peak_concurrency), peak, tolerance)
        << "peak " << peak;
  }
}

// The fast sender-shared network model against the exact max-min model on the same audience:
// with downlinks far above the stream rates they must tell the same story (measured, seed 42:
// offload 0.300 vs 0.295, mean bitrate 2823 vs 2813 kbit/s, no stalls in either).
TEST(NetworkModels, SenderSharedAgreesWithExact) {
  const testing::Run fast = run(load("smoke.yaml", small({"network.model=sender-shared"})), 42);
  const testing::Run exact = run(load("smoke.yaml", small({"network.model=exact"})), 42);
  const analysis::Summary& a = fast.result.summary;
  const analysis::Summary& b = exact.result.summary;
  EXPECT_TRUE(exact.result.violations.empty()) << violations_text(exact.result);
  EXPECT_EQ(a.viewers, b.viewers);  // same audience
  EXPECT_NEAR(a.offload, b.offload, 0.03);
  EXPECT_NEAR(a.avg_bitrate_kbps.mean, b.avg_bitrate_kbps.mean, 0.03 * b.avg_bitrate_kbps.mean);
  EXPECT_NEAR(a.rebuffering_ratio.mean, b.rebuffering_ratio.mean, 0.002);
  EXPECT_NEAR(a.startup_s.p50, b.startup_s.p50, 0.2 * b.startup_s.p50);
}

}  // namespace
}  // namespace p2pcdn::sim
