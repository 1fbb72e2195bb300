// ABR rules on scripted throughput/buffer traces against hand-computed choices.
// Ladder (Pensieve, parameters.md §5.2): 300, 750, 1200, 1850, 2850, 4300 kbps.
#include "models/abr/abr.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace p2pcdn::models {
namespace {

const std::vector<double> kLadder = {300, 750, 1200, 1850, 2850, 4300};
constexpr std::size_t kNoCap = 255;

TEST(AbrThroughput, DefaultEstimateBeforeAnySample) {
  const Abr abr(AbrParams{}, kLadder);
  const AbrState s;
  // No sample: hls.js default estimate 500 kbps.
  EXPECT_DOUBLE_EQ(abr.estimate_bps(s), 500e3);
  // First choice: every level is an up-switch, 0.7 x 500 = 350 -> 300 kbps (index 0).
  EXPECT_EQ(abr.choose_throughput(s, -1, kNoCap), 0u);
  // From 750 kbps: 0.95 x 500 = 475 < 750, so down to 300 kbps.
  EXPECT_EQ(abr.choose_throughput(s, 1, kNoCap), 0u);
}

TEST(AbrThroughput, TwoEwmasOnScriptedTrace) {
  const Abr abr(AbrParams{}, kLadder);
  AbrState s;
  // Sample 1: 2,000,000 bytes in 4 s = 4 Mbps. A single sample's zero-bias-corrected EWMA is
  // the sample itself: estimate 4000 kbps.
  abr.on_download(s, 2'000'000, seconds(4));
  EXPECT_NEAR(abr.estimate_bps(s), 4e6, 2.0);
  // Up from nothing: 0.7 x 4000 = 2800 -> 1850 (index 3).
  EXPECT_EQ(abr.choose_throughput(s, -1, kNoCap), 3u);
  // Staying at 2850: 0.95 x 4000 = 3800 >= 2850, 4300 is an up-switch needing <= 2800: stay 4.
  EXPECT_EQ(abr.choose_throughput(s, 4, kNoCap), 4u);
  // Cap at index 2 (e.g. mobile cap): 1200.
  EXPECT_EQ(abr.choose_throughput(s, 4, 2), 2u);
  // Sample 2: 250,000 bytes in 2 s = 1 Mbps. With a = 0.5^(1/h), weights 4 then 2:
  //   corrected estimate = [1e6 (1 - a^2) + 4e6 (a^2 - a^6)] / (1 - a^6)
  //   fast (h = 3): a^2 = 0.629961, a^6 = 0.25 -> (370039 + 1519844) / 0.75 = 2,519,842 bps
  //   slow (h = 9): a^2 = 0.857244, a^6 = 0.629961 -> 2,842,642 bps
  //   estimate = min = 2,519,842 bps.
  abr.on_download(s, 250'000, seconds(2));
  EXPECT_NEAR(abr.estimate_bps(s), 2'519'842.0, 5.0);
  // From 1850 (index 3): 2850 and 4300 are up-switches needing <= 0.7 x 2519.8 = 1763.9: no;
  // 1850 <= 0.95 x 2519.8 = 2393.9: stay at 3.
  EXPECT_EQ(abr.choose_throughput(s, 3, kNoCap), 3u);
  // From 2850 (index 4): 2850 > 2393.9 -> down; 1850 <= 2393.9 -> index 3.
  EXPECT_EQ(abr.choose_throughput(s, 4, kNoCap), 3u);
  // Fresh start at this estimate: 1763.9 -> 1200 (index 2).
  EXPECT_EQ(abr.choose_throughput(s, -1, kNoCap), 2u);
  EXPECT_EQ(abr.choose(s, 0.0, -1, kNoCap), 2u);  // the default rule is the throughput rule
}

TEST(AbrThroughput, ShortSamplesAreClampedToFiftyMs) {
  const Abr abr(AbrParams{}, kLadder);
  AbrState s;
  // 1000 bytes in 0 µs counts as 0.05 s: 8000 bits / 0.05 s = 160 kbps.
  abr.on_download(s, 1000, 0);
  EXPECT_NEAR(abr.estimate_bps(s), 160e3, 0.1);
}

TEST(AbrThroughput, SteadyThroughputConvergesAndDropIsSeenFastFirst) {
  const Abr abr(AbrParams{}, kLadder);
  AbrState s;
  for (int i = 0; i < 30; ++i) abr.on_download(s, 3'000'000, seconds(4));  // 6 Mbps
  EXPECT_NEAR(abr.estimate_bps(s), 6e6, 60.0);
  EXPECT_EQ(abr.choose_throughput(s, 5, kNoCap), 5u);  // 4300 <= 0.95 x 6000
  // One slow segment: 1 Mbps over 4 s. fast: 6e6 - 5e6 (1 - 0.5^(4/3)) = 6e6 - 5e6 x 0.60315
  // = 2.984e6; slow: 6e6 - 5e6 (1 - 0.5^(4/9)) = 4.673e6 (bias correction ~1 after 120 s).
  abr.on_download(s, 500'000, seconds(4));
  EXPECT_NEAR(abr.estimate_bps(s), 6e6 - 5e6 * (1 - std::pow(0.5, 4.0 / 3.0)), 500.0);
  // From 4300: 0.95 x 2984 = 2835 < 2850, so 2850 fails too: 1850 (index 3).
  EXPECT_EQ(abr.choose_throughput(s, 5, kNoCap), 3u);
}

TEST(AbrBba, RateMapWithHysteresis) {
  const Abr abr(AbrParams{}, kLadder);  // reservoir 5 s, cushion 10 s
  // f(B) = 300 + (4300 - 300)(B - 5) / 10 = 300 + 400 (B - 5) kbps.
  EXPECT_EQ(abr.choose_bba(4.0, 3, kNoCap), 0u);  // below the reservoir: lowest
  EXPECT_EQ(abr.choose_bba(5.0, 3, kNoCap), 0u);
  EXPECT_EQ(abr.choose_bba(15.0, 0, kNoCap), 5u);  // above reservoir + cushion: highest
  EXPECT_EQ(abr.choose_bba(20.0, 0, kNoCap), 5u);
  // prev 300, B 8: f = 1500 >= R+ = 750 -> highest rate below 1500 = 1200 (index 2).
  EXPECT_EQ(abr.choose_bba(8.0, 0, kNoCap), 2u);
  // prev 1200, B 8.5: f = 1700, between R- = 750 and R+ = 1850: stay.
  EXPECT_EQ(abr.choose_bba(8.5, 2, kNoCap), 2u);
  // prev 1200, B 9: f = 1900 >= 1850 -> highest below 1900 = 1850 (index 3).
  EXPECT_EQ(abr.choose_bba(9.0, 2, kNoCap), 3u);
  // prev 1850, B 6: f = 700 <= R- = 1200 -> lowest rate above 700 = 750 (index 1).
  EXPECT_EQ(abr.choose_bba(6.0, 3, kNoCap), 1u);
  // prev 1850, B 7.5: f = 1300, between 1200 and 2850: stay.
  EXPECT_EQ(abr.choose_bba(7.5, 3, kNoCap), 3u);
  // Capped at index 3 (1850): f = 300 + 155 (B - 5); B 15 -> top of the cap.
  EXPECT_EQ(abr.choose_bba(15.0, 0, 3), 3u);
  // Cap, prev 0, B 12: f = 1385 >= 750 -> highest below 1385 = 1200.
  EXPECT_EQ(abr.choose_bba(12.0, 0, 3), 2u);
}

TEST(AbrBba, StartupUsesThroughputThenBuffer) {
  AbrParams p;
  p.rule = AbrRule::kBufferBased;
  const Abr abr(p, kLadder);
  AbrState s;
  abr.on_download(s, 2'000'000, seconds(4));      // 4 Mbps
  EXPECT_EQ(abr.choose(s, 0.0, -1, kNoCap), 3u);  // first segment: throughput rule (2800 -> 1850)
  EXPECT_EQ(abr.choose(s, 0.0, 3, kNoCap), 0u);   // then buffer: empty -> lowest
}

TEST(AbrBola, HandComputedChoices) {
  AbrParams p;
  p.rule = AbrRule::kBola;
  const Abr abr(p, kLadder);
  // u_m = ln(S_m / 300) + 1 = 1, 1.916291, 2.386294, 2.819158, 3.251292, 3.662588.
  // gp = (3.662588 - 1) / (30 / 10 - 1) = 1.331294; V = 10 / gp = 7.511489.
  EXPECT_NEAR(abr.bola_gamma_p(), 1.331294, 1e-6);
  EXPECT_NEAR(abr.bola_v(), 7.511489, 1e-6);
  // V (u_m + gp) = 17.5115, 24.3942, 27.9246, 31.1761, 34.4220, 37.5115; score = (that - Q) / S:
  //   Q = 10: 0.02504, 0.01919, 0.01494, ... -> 0 (300 kbps)
  //   Q = 15: 0.00837, 0.01253, 0.01077, ... -> 1
  //   Q = 20: -0.0083, 0.00586, 0.00660, 0.00604, ... -> 2
  //   Q = 25: ..., 0.00244, 0.00334, 0.00331, 0.00291 -> 3
  //   Q = 30: ..., 0.00064, 0.00155, 0.00175 -> 5
  const AbrState s;
  EXPECT_EQ(abr.choose(s, 0.0, -1, kNoCap), 0u);
  EXPECT_EQ(abr.choose(s, 10.0, 0, kNoCap), 0u);
  EXPECT_EQ(abr.choose(s, 15.0, 0, kNoCap), 1u);
  EXPECT_EQ(abr.choose(s, 20.0, 0, kNoCap), 2u);
  EXPECT_EQ(abr.choose(s, 25.0, 0, kNoCap), 3u);
  EXPECT_EQ(abr.choose(s, 30.0, 0, kNoCap), 5u);
  // Capped at index 3: at Q = 30 only 1850 has a positive score (0.00064).
  EXPECT_EQ(abr.choose(s, 30.0, 0, 3), 3u);
  // Monotone in the buffer: more buffer never lowers the choice.
  std::size_t prev = 0;
  for (double q = 0.0; q <= 40.0; q += 0.25) {
    const std::size_t c = abr.choose_bola(q, kNoCap);
    EXPECT_GE(c, prev) << q;
    prev = c;
  }
}

TEST(Abr, InvalidParamsAreErrors) {
  EXPECT_THROW(Abr(AbrParams{}, {}), std::invalid_argument);
  EXPECT_THROW(Abr(AbrParams{}, {300, 300}), std::invalid_argument);
  AbrParams p;
  p.bandwidth_safety_factor = 1.5;
  EXPECT_THROW(Abr(p, kLadder), std::invalid_argument);
  p = AbrParams{};
  p.bola_buffer_target_s = 5.0;
  EXPECT_THROW(Abr(p, kLadder), std::invalid_argument);
  p = AbrParams{};
  p.ewma_fast_half_life_s = 0.0;
  EXPECT_THROW(Abr(p, kLadder), std::invalid_argument);
  // A one-rung ladder always gives index 0.
  const Abr one(AbrParams{}, {500});
  EXPECT_EQ(one.choose_bola(12.0, kNoCap), 0u);
  EXPECT_EQ(one.choose_bba(7.0, 0, kNoCap), 0u);
}

}  // namespace
}  // namespace p2pcdn::models
