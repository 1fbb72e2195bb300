// NAT connectivity model: the §4.3 matrix cases, symmetry, TURN fallback, and the §4.2
// calibration figures (relay need for random pairs) recomputed from the model.
#include "models/network/nat.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <vector>

#include "models/base/random_stream.hpp"

namespace p2pcdn::models {
namespace {

constexpr std::array<NatType, kNatTypeCount> kAll = {NatType::kOpen,       NatType::kFullCone,
                                                     NatType::kRestricted, NatType::kPortRestricted,
                                                     NatType::kSymmetric,  NatType::kUdpBlocked};

TEST(Nat, OpenAndFullConeReachEveryoneButUdpBlocked) {
  const NatParams p;
  for (NatType easy : {NatType::kOpen, NatType::kFullCone}) {
    for (NatType other : kAll) {
      const double expected = other == NatType::kUdpBlocked ? 0.0 : 1.0;
      EXPECT_EQ(direct_success_probability(easy, other, p), expected);
      // u is in [0, 1): the largest double below 1 still succeeds when probability is 1.
      EXPECT_EQ(attempt_succeeds(easy, other, p, 0.9999999999), expected == 1.0);
    }
  }
}

TEST(Nat, HolePunchingFactorAppliesBetweenRestrictedTypes) {
  NatParams p;
  p.hole_punch_success = 0.9;
  EXPECT_DOUBLE_EQ(direct_success_probability(NatType::kRestricted, NatType::kRestricted, p), 0.9);
  EXPECT_DOUBLE_EQ(direct_success_probability(NatType::kRestricted, NatType::kPortRestricted, p),
                   0.9);
  EXPECT_DOUBLE_EQ(direct_success_probability(NatType::kRestricted, NatType::kSymmetric, p), 0.9);
  EXPECT_DOUBLE_EQ(
      direct_success_probability(NatType::kPortRestricted, NatType::kPortRestricted, p), 0.9);
  EXPECT_TRUE(attempt_succeeds(NatType::kRestricted, NatType::kRestricted, p, 0.89));
  EXPECT_FALSE(attempt_succeeds(NatType::kRestricted, NatType::kRestricted, p, 0.9));
}

TEST(Nat, SymmetricAndBlockedPairsFailWithoutTurn) {
  const NatParams p;
  EXPECT_EQ(direct_success_probability(NatType::kSymmetric, NatType::kSymmetric, p), 0.0);
  EXPECT_EQ(direct_success_probability(NatType::kSymmetric, NatType::kPortRestricted, p), 0.0);
  for (NatType other : kAll) {
    EXPECT_EQ(direct_success_probability(NatType::kUdpBlocked, other, p), 0.0);
    EXPECT_FALSE(attempt_succeeds(NatType::kUdpBlocked, other, p, 0.0));
  }
}

TEST(Nat, MatrixIsSymmetricEvenIfUserMatrixIsNot) {
  NatParams p;
  for (NatType a : kAll) {
    for (NatType b : kAll) {
      EXPECT_EQ(direct_success_probability(a, b, p), direct_success_probability(b, a, p));
    }
  }
  // A one-sided entry must not make the answer depend on the order.
  p.direct_possible[static_cast<int>(NatType::kSymmetric)][static_cast<int>(NatType::kSymmetric)] =
      true;
  p.direct_possible[static_cast<int>(NatType::kPortRestricted)]
                   [static_cast<int>(NatType::kSymmetric)] = true;
  EXPECT_DOUBLE_EQ(direct_success_probability(NatType::kSymmetric, NatType::kSymmetric, p), 0.9);
  EXPECT_EQ(direct_success_probability(NatType::kPortRestricted, NatType::kSymmetric, p), 0.0);
  EXPECT_EQ(direct_success_probability(NatType::kSymmetric, NatType::kPortRestricted, p), 0.0);
}

TEST(Nat, TurnMakesEveryPairConnectOnlyWhenEnabled) {
  NatParams p;
  for (bool turn : {false, true}) {
    p.turn_enabled = turn;
    EXPECT_EQ(turn_relays(p), turn);
    for (NatType a : kAll) {
      for (NatType b : kAll) {
        rng::RandomStream rs(7, static_cast<std::uint64_t>(a) * 8 + static_cast<std::uint64_t>(b),
                             rng::Purpose::kConnectivity);
        const ConnectResult r = attempt_connection(a, b, p, rs);
        const double pd = direct_success_probability(a, b, p);
        if (pd == 0.0) {
          EXPECT_EQ(r.outcome, turn ? ConnectOutcome::kRelayed : ConnectOutcome::kFailed);
        } else if (pd == 1.0) {
          EXPECT_EQ(r.outcome, ConnectOutcome::kDirect);
        }
        EXPECT_NE(r.outcome, turn ? ConnectOutcome::kFailed : ConnectOutcome::kRelayed);
        EXPECT_GT(r.setup_us, 0);
      }
    }
  }
}

TEST(Nat, RelayedSetupAddsTurnTimeAndOutcomeFrequencyMatchesProbability) {
  NatParams p;
  p.turn_enabled = true;
  int direct = 0;
  constexpr int kN = 20000;
  for (int i = 0; i < kN; ++i) {
    rng::RandomStream rs(11, static_cast<std::uint64_t>(i), rng::Purpose::kConnectivity);
    const ConnectResult r = attempt_connection(NatType::kRestricted, NatType::kSymmetric, p, rs);
    if (r.outcome == ConnectOutcome::kDirect) ++direct;
    // Same stream replayed: the relayed case is the same ICE draw plus turn_extra_setup_s.
    rng::RandomStream replay(11, static_cast<std::uint64_t>(i), rng::Purpose::kConnectivity);
    replay.next_double();
    const TimeUs ice = sample_ice_setup_us(p, replay);
    EXPECT_EQ(
        r.setup_us,
        ice + (r.outcome == ConnectOutcome::kRelayed ? from_seconds(p.turn_extra_setup_s) : 0));
  }
  // Binomial(20000, 0.9): sd = 42; 5 sd = 212.
  EXPECT_NEAR(direct, 0.9 * kN, 212);
}

TEST(Nat, IceSetupMedianMatchesParameter) {
  const NatParams p;  // median 1.0 s, sigma 0.5
  constexpr int kN = 20001;
  std::vector<TimeUs> v;
  rng::RandomStream rs(3, 0, rng::Purpose::kTest);
  for (int i = 0; i < kN; ++i) v.push_back(sample_ice_setup_us(p, rs));
  std::nth_element(v.begin(), v.begin() + kN / 2, v.end());
  // Sample median of a lognormal: sd of log-median ~ 1.2533 sigma / sqrt(n) = 0.0044; 5 sd.
  EXPECT_NEAR(to_seconds(v[kN / 2]), 1.0, 0.025);
}

TEST(Nat, CalibrationFiguresOfParametersSection42) {
  // §4.2: with the default mixes and hole_punch_success 0.9, random pairs need a relay:
  // fixed<->fixed 20.5 %, fixed<->mobile 34 %, mobile<->mobile 53 %.
  const NatParams p;
  const std::array<double, 6> fixed = {0.10, 0.12, 0.20, 0.45, 0.10, 0.03};
  const std::array<double, 6> mobile = {0.00, 0.05, 0.10, 0.50, 0.30, 0.05};
  const auto relay = [&](const auto& x, const auto& y) {
    double ok = 0.0;
    for (std::size_t a = 0; a < 6; ++a) {
      for (std::size_t b = 0; b < 6; ++b) {
        ok += x[a] * y[b] * direct_success_probability(kAll[a], kAll[b], p);
      }
    }
    return 1.0 - ok;
  };
  EXPECT_NEAR(relay(fixed, fixed), 0.20535, 1e-9);
  EXPECT_NEAR(relay(fixed, mobile), 0.3395, 1e-9);
  EXPECT_NEAR(relay(mobile, mobile), 0.5295, 1e-9);
}

}  // namespace
}  // namespace p2pcdn::models
