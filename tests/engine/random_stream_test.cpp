// RandomStream: Philox known answers, committed stream values (stability),
// independence of (seed, entity, purpose) streams, unbiased next_below, ranges.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "models/base/random_stream.hpp"

namespace p2pcdn::rng {
namespace {

// Chi-square critical value at significance alpha = 0.001 by the Wilson-Hilferty
// approximation (accurate to a few tenths of a percent for df >= 1).
double chi_square_critical_001(int df) {
  const double z = 3.090232306167813;  // standard normal quantile at 0.999
  const double k = 2.0 / (9.0 * df);
  return df * std::pow(1.0 - k + z * std::sqrt(k), 3);
}

double chi_square(const std::vector<std::uint64_t>& counts, const std::vector<double>& expected) {
  double sum = 0.0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double d = static_cast<double>(counts[i]) - expected[i];
    sum += d * d / expected[i];
  }
  return sum;
}

TEST(Philox4x32, KnownAnswersFromRandom123) {
  // kat_vectors of Random123 (philox4x32, 10 rounds).
  using Block = Philox4x32::Block;
  EXPECT_EQ(Philox4x32::generate({0, 0, 0, 0}, {0, 0}),
            (Block{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}));
  EXPECT_EQ(Philox4x32::generate({0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                                 {0xffffffffu, 0xffffffffu}),
            (Block{0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}));
  EXPECT_EQ(Philox4x32::generate({0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
                                 {0xa4093822u, 0x299f31d0u}),
            (Block{0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}));
}

// If this test fails, bit-for-bit reproducibility of every past run broke:
// the same (seed, entity, purpose) no longer gives the same draws. Do not
// "update the literals" unless that break is intended and announced.
TEST(RandomStream, CommittedValuesAreStable) {
  RandomStream viewer(42, 123456, Purpose::kViewerAttributes);
  const std::array<std::uint64_t, 6> expected = {0xb895c6597b6114f3ull, 0x87806a497139b057ull,
                                                 0x10730bf2a06a465cull, 0xcf25f51fc80581dcull,
                                                 0x3a96b5c8494f0cd3ull, 0x7bff810a3247246bull};
  for (std::uint64_t value : expected) EXPECT_EQ(viewer.next_u64(), value);
  RandomStream test(1, 0, Purpose::kTest);
  EXPECT_EQ(test.next_u64(), 0x9939ed5e85c49045ull);
  EXPECT_EQ(test.next_u64(), 0x6799ab384b2eedbcull);
  EXPECT_EQ(test.next_u64(), 0x330aaff95cc085bcull);
}

TEST(RandomStream, SameKeySameSequenceWhateverTheConstructionOrder) {
  std::vector<std::uint64_t> first, second;
  {
    RandomStream a(9, 1, Purpose::kSessionLength);
    RandomStream b(9, 2, Purpose::kSessionLength);
    for (int i = 0; i < 100; ++i) {
      first.push_back(a.next_u64());
      (void)b.next_u64();  // interleaved draws of another stream do not matter
    }
  }
  {
    RandomStream b(9, 2, Purpose::kSessionLength);
    for (int i = 0; i < 37; ++i) (void)b.next_u64();
    RandomStream a(9, 1, Purpose::kSessionLength);
    for (int i = 0; i < 100; ++i) second.push_back(a.next_u64());
  }
  EXPECT_EQ(first, second);
  RandomStream copy_source(9, 1, Purpose::kSessionLength);
  (void)copy_source.next_u64();
  RandomStream copy = copy_source;  // a copy continues identically
  EXPECT_EQ(copy.next_u64(), copy_source.next_u64());
  EXPECT_EQ(copy.next_u64(), first[2]);
}

TEST(RandomStream, DifferentKeysGiveDifferentSequences) {
  // Neighbouring seeds, entities (low and high 32 bits) and purposes.
  const std::vector<RandomStream> streams = {RandomStream(1, 1, Purpose::kArrivals),
                                             RandomStream(2, 1, Purpose::kArrivals),
                                             RandomStream(1, 2, Purpose::kArrivals),
                                             RandomStream(1, 1, Purpose::kBandwidth),
                                             RandomStream(1, 1ull << 32, Purpose::kArrivals),
                                             RandomStream(1, (1ull << 32) + 1, Purpose::kArrivals),
                                             RandomStream(0, 0, Purpose::kArrivals),
                                             RandomStream(0, 0, Purpose::kViewerAttributes)};
  std::set<std::vector<std::uint64_t>> prefixes;
  std::set<std::uint64_t> all_values;
  for (RandomStream s : streams) {
    std::vector<std::uint64_t> prefix;
    for (int i = 0; i < 8; ++i) prefix.push_back(s.next_u64());
    prefixes.insert(prefix);
    all_values.insert(prefix.begin(), prefix.end());
  }
  EXPECT_EQ(prefixes.size(), streams.size());
  EXPECT_EQ(all_values.size(), streams.size() * 8);  // no shared 64-bit value at all

  // First draws of 100 000 consecutive entities are all distinct.
  std::vector<std::uint64_t> firsts;
  for (std::uint64_t entity = 0; entity < 100000; ++entity) {
    firsts.push_back(RandomStream(7, entity, Purpose::kScheduler).next_u64());
  }
  std::sort(firsts.begin(), firsts.end());
  EXPECT_EQ(std::adjacent_find(firsts.begin(), firsts.end()), firsts.end());
}

TEST(RandomStream, NeighbouringStreamsAreUncorrelated) {
  constexpr int kN = 100000;
  RandomStream a(5, 1000, Purpose::kPlayer);
  RandomStream b(5, 1001, Purpose::kPlayer);
  RandomStream c(6, 1000, Purpose::kPlayer);
  double sab = 0, sac = 0, sa = 0, sb = 0, sc = 0, saa = 0, sbb = 0, scc = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = a.next_double(), y = b.next_double(), z = c.next_double();
    sab += x * y, sac += x * z, sa += x, sb += y, sc += z, saa += x * x, sbb += y * y, scc += z * z;
  }
  auto corr = [&](double sxy, double sx, double sy, double sxx, double syy) {
    const double cov = sxy / kN - (sx / kN) * (sy / kN);
    return cov / std::sqrt((sxx / kN - (sx / kN) * (sx / kN)) * (syy / kN - (sy / kN) * (sy / kN)));
  };
  // Under independence r ~ N(0, 1/n): |r| < 4.5/sqrt(n) with overwhelming probability.
  EXPECT_LT(std::abs(corr(sab, sa, sb, saa, sbb)), 4.5 / std::sqrt(kN));
  EXPECT_LT(std::abs(corr(sac, sa, sc, saa, scc)), 4.5 / std::sqrt(kN));
}

TEST(RandomStream, NextBelowIsUniformChiSquare) {
  RandomStream rs(11, 0, Purpose::kTest);
  for (std::uint64_t bound : {2ull, 6ull, 10ull, 97ull, 1000ull}) {
    const std::uint64_t draws = 2000 * bound;
    std::vector<std::uint64_t> counts(bound, 0);
    for (std::uint64_t i = 0; i < draws; ++i) {
      const std::uint64_t v = rs.next_below(bound);
      ASSERT_LT(v, bound);
      ++counts[v];
    }
    const std::vector<double> expected(bound,
                                       static_cast<double>(draws) / static_cast<double>(bound));
    EXPECT_LT(chi_square(counts, expected), chi_square_critical_001(static_cast<int>(bound) - 1))
        << "bound " << bound;
  }
  EXPECT_EQ(rs.next_below(0), 0u);
  EXPECT_EQ(rs.next_below(1), 0u);
}

TEST(RandomStream, NextBelowHasNoBiasForHugeBounds) {
  // bound ~ 2/3 * 2^64: plain multiply-shift (or modulo) without rejection maps
  // two inputs to every even output and one to every odd output, so the parity
  // would be 2/3 : 1/3. Lemire's rejection makes it 1/2 : 1/2.
  const std::uint64_t bound = 0xAAAAAAAAAAAAAAABull;
  RandomStream rs(12, 0, Purpose::kTest);
  constexpr int kDraws = 100000;
  std::vector<std::uint64_t> parity(2, 0);
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t v = rs.next_below(bound);
    ASSERT_LT(v, bound);
    ++parity[v & 1];
  }
  EXPECT_LT(chi_square(parity, {kDraws / 2.0, kDraws / 2.0}), chi_square_critical_001(1));
  // Top decile of the range is hit with its share too (no truncation at 2^63).
  RandomStream rs2(13, 0, Purpose::kTest);
  int top = 0;
  for (int i = 0; i < kDraws; ++i) top += rs2.next_below(bound) >= bound / 10 * 9;
  EXPECT_NEAR(top / static_cast<double>(kDraws), 0.1, 0.005);
}

TEST(RandomStream, DoublesStayInTheirIntervals) {
  RandomStream rs(3, 3, Purpose::kTest);
  double lo = 1.0, hi = 0.0, open_lo = 1.0, open_hi = 0.0, sum = 0.0;
  constexpr int kN = 1000000;
  for (int i = 0; i < kN; ++i) {
    const double d = rs.next_double();
    const double o = rs.next_open01();
    ASSERT_GE(d, 0.0);
    ASSERT_LT(d, 1.0);
    ASSERT_GT(o, 0.0);
    ASSERT_LT(o, 1.0);
    lo = std::min(lo, d), hi = std::max(hi, d), open_lo = std::min(open_lo, o),
    open_hi = std::max(open_hi, o), sum += d;
  }
  EXPECT_LT(lo, 1e-5);
  EXPECT_GT(hi, 1 - 1e-5);
  EXPECT_LT(open_lo, 1e-5);
  EXPECT_GT(open_hi, 1 - 1e-5);
  EXPECT_NEAR(sum / kN, 0.5, 0.002);
}

}  // namespace
}  // namespace p2pcdn::rng
