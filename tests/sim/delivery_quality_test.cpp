// Issue 17: the scheduler delivers what the network allows. On the open-NAT swarm of
// bench/policy/swarm-open.yaml (bound ~1 - 1/N: every viewer can be fed by peers) a policy's
// offload is its delivery quality alone. Checked here on a smaller copy (150 viewers, 120 s):
// no policy beats the bound, no HTTP download is abandoned while no fault is injected,
// deadline-aware gets most of the bound with few rejected requests, and buffer-threshold uses
// peers (it got exactly 0 when it asked at publication). Full grid: bench/policy/run.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/run.hpp"
#include "sim/study/bounds.hpp"
#include "sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

models::Scenario open_swarm(std::vector<std::string> more) {
  std::vector<std::string> o = {"audience.concurrency.peak_viewers=150", "run.duration_s=120"};
  o.insert(o.end(), more.begin(), more.end());
  const models::LoadResult loaded =
      models::load_scenario(std::string(P2PCDN_SOURCE_DIR) + "/bench/policy/swarm-open.yaml", o);
  std::string errors;
  for (const auto& e : loaded.errors) errors += models::format_error(e) + "\n";
  if (!loaded.scenario) throw std::runtime_error("swarm-open.yaml did not load:\n" + errors);
  return *loaded.scenario;
}

struct Quality {
  double offload = 0, bound = 0, store_forward = 0, rejected = 0;
  std::uint64_t http_failures = 0;
  double stalled = 0;
  analysis::SchedulerTotals totals;
};

Quality measure(const std::string& policy, std::vector<std::string> more = {}) {
  more.push_back("p2p.policy=" + policy);
  const models::Scenario sc = open_swarm(more);
  sim::RunRequest req;
  req.seed = sc.run.seed;
  const sim::RunOutcome run = sim::run_once(sc, req);
  EXPECT_TRUE(run.result.violations.empty()) << testing::violations_text(run.result);
  const study::RunBounds b = study::compute_bounds(run.result);
  const analysis::Summary& s = run.result.summary;
  Quality q;
  q.offload = b.figures.achieved_offload;
  q.bound = b.figures.max_flow_offload;
  q.store_forward = b.figures.store_forward_offload;
  q.rejected = s.scheduler.requests_sent == 0 ? 0.0
                                              : static_cast<double>(s.scheduler.requests_rejected) /
                                                    static_cast<double>(s.scheduler.requests_sent);
  q.http_failures = s.scheduler.http_failures;
  q.stalled = s.stalled_share;
  q.totals = s.scheduler;
  std::printf("%s %s: offload %.3f of %.3f, rejected %.3f, http failures %llu, stalled %.3f\n",
              policy.c_str(), more.size() > 1 ? more.front().c_str() : "", q.offload, q.bound,
              q.rejected, static_cast<unsigned long long>(q.http_failures), q.stalled);
  return q;
}

TEST(DeliveryQuality, NoPolicyBeatsTheBoundAndNoDownloadIsAbandonedWithoutAFault) {
  for (const char* policy : {"windowed", "buffer-threshold", "deadline-aware", "reference"}) {
    const Quality q = measure(policy);
    EXPECT_GT(q.bound, 0.99) << policy;  // 1 - 1/150
    EXPECT_LE(q.offload, q.bound + 1e-9) << policy;
    EXPECT_LE(q.offload, q.store_forward + 1e-9) << policy;
    EXPECT_GT(q.store_forward, 0.99) << policy;  // 28-32 s of slack: no deadline binds
    EXPECT_EQ(q.http_failures, 0U) << policy;
    EXPECT_EQ(q.stalled, 0.0) << policy;
  }
}

// Measured (seed 11, 150 viewers): offload ~0.85 of 0.997 at live_sync 8, 13.7 % of requests
// rejected (busy, past the upload queue). Before issue 17 (300 viewers): 0.48, 89 % rejected.
TEST(DeliveryQuality, DeadlineAwareGetsMostOfTheBoundWithFewRejections) {
  const Quality q = measure("deadline-aware");
  EXPECT_GT(q.offload, 0.75 * q.bound);
  EXPECT_LT(q.rejected, 0.20);
}

// Issue 17's second step: with 8 s of live delay (live_sync 2 x 4 s segments) a segment has
// ~5 s to cross the mesh; seeding by slack (many seeds when it is short) and one upload slot
// per holder took deadline-aware from 0.6 % to ~60 % of the 99.7 % bound here (300 viewers);
// 150 viewers, 120 s: ~0.55.
TEST(DeliveryQuality, DeadlineAwareUsesPeersAtAShortLiveDelay) {
  const Quality q = measure("deadline-aware", {"player.live_sync_segments=2"});
  EXPECT_GT(q.offload, 0.35 * q.bound);
  EXPECT_LT(q.rejected, 0.10);
  EXPECT_EQ(q.stalled, 0.0);
  // Every HTTP fetch of deadline-aware has its reason, and all three of its reasons occur
  // here; none is the vendors' rule. (The core's own moves are peer fallbacks.)
  const analysis::SchedulerTotals& t = q.totals;
  EXPECT_GT(t.http_seed, 0U);
  EXPECT_GT(t.http_deadline, 0U);
  EXPECT_EQ(t.http_rule, 0U);
  EXPECT_EQ(
      t.http_seed + t.http_deadline + t.http_no_holder + t.p2p_to_http_fallbacks + t.http_failures,
      t.http_segments + t.http_failures)
      << "fetches started = completed + failed (no retry or cancel of an HTTP fetch here)";
}

// The store-and-forward bound's closed form: at live_sync 2 a viewer plays a segment 4-8 s
// after it is published (uniform: it joined at a random phase of a segment), a copy takes
// 4 s x 3 Mbit/s / 6 Mbit/s = 2 s, so the viewers due before 8 s allow 3 doublings and those
// due before 6 s allow 2, with half of them due by then: the CDN sends at least
// max(0.5 / 4, 1 / 8) of the copies, 87.5 % at most from peers (start-up adds a little
// slack). At live_sync 3 (8-12 s, 4 doublings before 10 s) it is ~97 %.
TEST(DeliveryQuality, StoreForwardBoundIsTheClosedForm) {
  const Quality ls2 = measure("deadline-aware", {"player.live_sync_segments=2"});
  EXPECT_NEAR(ls2.store_forward, 0.875, 0.02);
  EXPECT_LE(ls2.offload, ls2.store_forward);
  const Quality ls3 = measure("deadline-aware", {"player.live_sync_segments=3"});
  EXPECT_NEAR(ls3.store_forward, 0.965, 0.015);
  EXPECT_LE(ls3.offload, ls3.store_forward);
}

// Buffer-threshold asks when the player would (buffer below 30 s), so a viewer whose buffer
// runs lower than its neighbours' finds holders: it got 0.0 % when every neighbour asked at
// publication. The open swarm joins at t = 0 (all in phase), so it is checked on smoke's
// spread arrivals.
TEST(DeliveryQuality, BufferThresholdUsesPeersWhenItsRuleSaysSo) {
  const testing::Run r =
      testing::run(testing::load("smoke.yaml", testing::small({"p2p.policy=buffer-threshold"})));
  EXPECT_TRUE(r.result.violations.empty()) << testing::violations_text(r.result);
  std::printf("buffer-threshold on smoke: offload %.3f\n", r.result.summary.offload);
  EXPECT_GT(r.result.summary.offload, 0.05);
}

}  // namespace
}  // namespace p2pcdn::sim
