// The memory estimate made before a run (sim/study/memory_estimate.hpp): its arithmetic, what
// moves it, and the refusal message when the machine is too small.
#include "sim/study/memory_estimate.hpp"

#include <gtest/gtest.h>

#include "sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

models::Scenario ramp_scenario(double peak, double baseline_fraction) {
  models::Scenario s = testing::load("ci.yaml", {});
  s.audience.concurrency = models::ConcurrencySpec{};  // baseline + logistic ramp, no spikes
  s.audience.concurrency.peak_viewers = peak;
  s.audience.concurrency.baseline_fraction = baseline_fraction;
  s.audience.concurrency.ramp.t50_s = 300;  // the ramp has barely begun at t = 0
  s.audience.concurrency.ramp.tau_s = 30;
  return s;
}

TEST(MemoryEstimate, RampedAudienceCostsTheSteadyBytesPerPeakViewer) {
  const models::Scenario s = ramp_scenario(1e6, 0.2);
  const MemoryEstimate e = estimate_memory(s, 1);
  EXPECT_NEAR(e.peak_viewers, 1e6, 1.0);
  EXPECT_GE(e.burst_viewers, 2e5);
  EXPECT_LT(e.burst_viewers, 2.01e5);
  const double steady = kStateBytesPerViewer + kListBytesPerViewerAt32 * s.p2p.neighbours / 32.0;
  EXPECT_DOUBLE_EQ(e.bytes_per_viewer, steady);
  EXPECT_NEAR(e.bytes, kFixedBytes + e.peak_viewers * steady, 1.0);
}

TEST(MemoryEstimate, ACrowdJoiningAtOnceCostsTheBurstBytes) {
  const MemoryEstimate e = estimate_memory(ramp_scenario(1e6, 1.0), 1);
  EXPECT_NEAR(e.burst_viewers, e.peak_viewers, 1.0);
  EXPECT_DOUBLE_EQ(e.bytes_per_viewer, kBurstBytesPerViewer);
}

TEST(MemoryEstimate, NeighboursAndP2pMoveTheListShare) {
  models::Scenario s = ramp_scenario(1e6, 0.2);
  s.p2p.neighbours = 32;
  const double at32 = estimate_memory(s, 1).bytes_per_viewer;
  s.p2p.neighbours = 8;
  const double at8 = estimate_memory(s, 1).bytes_per_viewer;
  EXPECT_DOUBLE_EQ(at32 - at8, kListBytesPerViewerAt32 * 24.0 / 32.0);
  s.p2p.enabled = false;
  EXPECT_DOUBLE_EQ(estimate_memory(s, 1).bytes_per_viewer, kStateBytesPerViewer);
}

TEST(MemoryEstimate, ConcurrentRunsMultiplyTheWhole) {
  const models::Scenario s = ramp_scenario(5e5, 0.2);
  const MemoryEstimate one = estimate_memory(s, 1);
  const MemoryEstimate three = estimate_memory(s, 3);
  EXPECT_EQ(three.concurrent_runs, 3U);
  EXPECT_DOUBLE_EQ(three.bytes, 3 * one.bytes);
  EXPECT_EQ(estimate_memory(s, 0).concurrent_runs, 1U);  // "none" still holds one run
}

TEST(MemoryEstimate, RefusesOnlyWhatDoesNotFitAndSaysWhatToChange) {
  const models::Scenario s = ramp_scenario(1e7, 0.5);
  const MemoryEstimate e = estimate_memory(s, 1);
  const auto fits = static_cast<std::uint64_t>(e.bytes) + 1;
  EXPECT_FALSE(memory_refusal(e, fits, "big.yaml", s).has_value());
  const auto refusal = memory_refusal(e, fits / 2, "big.yaml", s);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("big.yaml: audience.concurrency.peak_viewers:"), std::string::npos)
      << *refusal;
  EXPECT_NE(refusal->find("10,000,000 peak concurrent viewers"), std::string::npos) << *refusal;
  EXPECT_NE(refusal->find("--no-memory-check"), std::string::npos) << *refusal;
  EXPECT_EQ(refusal->find("simulations held at once"), std::string::npos) << *refusal;
  const auto twice = memory_refusal(estimate_memory(s, 2), fits, "big.yaml", s);
  ASSERT_TRUE(twice.has_value());
  EXPECT_NE(twice->find("2 simulations held at once"), std::string::npos) << *twice;
}

TEST(MemoryEstimate, PointsCurvesNameThePointsKey) {
  models::Scenario s = testing::load("ci.yaml", {});
  s.audience.concurrency = models::ConcurrencySpec{};
  s.audience.concurrency.points = {{0.0, 0.0}, {60.0, 2e7}};
  const MemoryEstimate e = estimate_memory(s, 1);
  EXPECT_NEAR(e.peak_viewers, 2e7, 1.0);
  EXPECT_DOUBLE_EQ(e.burst_viewers, 0.0);
  const auto refusal = memory_refusal(e, 1'000'000'000, "p.yaml", s);
  ASSERT_TRUE(refusal.has_value());
  EXPECT_NE(refusal->find("p.yaml: audience.concurrency.points:"), std::string::npos) << *refusal;
}

TEST(MemoryEstimate, ScenariosOfTheTestsAndTheDemoFitASmallMachine) {
  // The scenarios the tests, bench/ci and the demo (with --baseline: 2 runs) run must pass the
  // check on a small machine (4 GB). olympics-opening.yaml (2.5 M viewers) needs ~6.8 GB.
  for (const char* name : {"ci.yaml", "smoke.yaml", "default.yaml"}) {
    const models::Scenario s = testing::load(name, {});
    const MemoryEstimate e = estimate_memory(s, 2);
    EXPECT_FALSE(memory_refusal(e, 4'000'000'000ULL, name, s).has_value())
        << name << ": " << describe(e);
  }
}

}  // namespace
}  // namespace p2pcdn::sim
