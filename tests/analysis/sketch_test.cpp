// DdSketch against exact quantiles of sorted vectors: the documented relative error bound
// must hold at every q for several distributions, and merging must equal adding all values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "analysis/sketch/ddsketch.hpp"
#include "models/base/distributions.hpp"
#include "models/base/random_stream.hpp"

namespace p2pcdn::analysis {
namespace {

double exact_quantile(const std::vector<double>& sorted, double q) {
  const auto rank =
      static_cast<std::size_t>(std::floor(q * static_cast<double>(sorted.size() - 1)));
  return sorted[rank];
}

// Worst relative error over a fine grid of q; asserts the documented bound at each q.
double check_bound(const DdSketch& sketch, std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const double alpha = sketch.relative_accuracy();
  double worst = 0.0;
  for (int i = 0; i <= 1000; ++i) {
    const double q = i / 1000.0;
    const double exact = exact_quantile(values, q);
    const double estimate = sketch.quantile(q);
    if (std::fabs(exact) < sketch.min_indexable()) {
      EXPECT_LT(std::fabs(estimate), sketch.min_indexable()) << "q=" << q;
      continue;
    }
    const double rel = std::fabs(estimate - exact) / std::fabs(exact);
    worst = std::max(worst, rel);
    // 1e-12 slack for the rounding of log() at exact bucket boundaries.
    EXPECT_LE(rel, alpha * (1 + 1e-9) + 1e-12)
        << "q=" << q << " exact=" << exact << " estimate=" << estimate;
  }
  EXPECT_EQ(sketch.quantile(0.0), values.front());
  EXPECT_EQ(sketch.quantile(1.0), values.back());
  EXPECT_EQ(sketch.min(), values.front());
  EXPECT_EQ(sketch.max(), values.back());
  EXPECT_EQ(sketch.count(), values.size());
  std::printf("  worst relative error %.6g (bound %.6g)\n", worst, alpha);
  return worst;
}

template <typename Draw>
std::vector<double> draw(std::size_t n, std::uint64_t entity, Draw&& f) {
  rng::RandomStream rs(42, entity, rng::Purpose::kTest);
  std::vector<double> v(n);
  for (auto& x : v) x = f(rs);
  return v;
}

void fill(DdSketch& s, const std::vector<double>& v) {
  for (double x : v) s.add(x);
}

TEST(DdSketch, UniformWithinBound) {
  const auto v = draw(100000, 1, [](rng::RandomStream& rs) { return rng::uniform(rs, 0.5, 8.0); });
  DdSketch s(0.01);
  fill(s, v);
  const double worst = check_bound(s, v);
  EXPECT_GT(worst, 0.0);  // the sketch is not storing values
  EXPECT_LT(s.bucket_count(), 200u);
}

TEST(DdSketch, LognormalWithinBound) {
  const auto v =
      draw(100000, 2, [](rng::RandomStream& rs) { return rng::lognormal(rs, 1.0, 2.0); });
  DdSketch s(0.01);
  fill(s, v);
  check_bound(s, v);
  double sum = 0;
  for (double x : v) sum += x;
  EXPECT_NEAR(s.sum(), sum, 1e-9 * sum);
  EXPECT_NEAR(s.mean(), sum / v.size(), 1e-9 * sum / v.size());
}

TEST(DdSketch, HeavyTailParetoWithinBound) {
  const auto v = draw(100000, 3, [](rng::RandomStream& rs) { return rng::pareto(rs, 1.0, 0.8); });
  DdSketch s(0.02);
  fill(s, v);
  check_bound(s, v);
}

TEST(DdSketch, MostlyZerosLikeRebufferingRatio) {
  // 93 % of viewers never stall: quantiles up to 0.93 must be exactly 0.
  const auto v = draw(50000, 4, [](rng::RandomStream& rs) {
    return rs.next_double() < 0.93 ? 0.0 : rng::exponential_mean(rs, 0.02);
  });
  DdSketch s(0.01);
  fill(s, v);
  check_bound(s, v);
  EXPECT_EQ(s.quantile(0.5), 0.0);
  EXPECT_EQ(s.quantile(0.9), 0.0);
  EXPECT_GT(s.quantile(0.99), 0.0);
}

TEST(DdSketch, NegativeAndPositiveValues) {
  const auto v = draw(20000, 5, [](rng::RandomStream& rs) { return rng::normal(rs, 0.5, 3.0); });
  DdSketch s(0.01);
  fill(s, v);
  check_bound(s, v);
}

TEST(DdSketch, WeightedAddEqualsRepeatedAdd) {
  DdSketch a, b;
  a.add(3.0, 5);
  a.add(0.0, 2);
  a.add(100.0, 1);
  for (int i = 0; i < 5; ++i) b.add(3.0);
  b.add(0.0);
  b.add(0.0);
  b.add(100.0);
  for (double q : {0.0, 0.1, 0.3, 0.5, 0.8, 0.9, 1.0}) EXPECT_EQ(a.quantile(q), b.quantile(q));
  EXPECT_EQ(a.count(), 8u);
  EXPECT_DOUBLE_EQ(a.sum(), 115.0);
  EXPECT_EQ(a.quantile(0.1), 0.0);          // rank floor(0.7)=0 -> a zero
  EXPECT_NEAR(a.quantile(0.5), 3.0, 0.03);  // rank 3 -> 3.0
}

TEST(DdSketch, MergeEqualsAddingAll) {
  const auto v = draw(30000, 6, [](rng::RandomStream& rs) {
    return rs.next_double() < 0.3 ? 0.0 : rng::lognormal(rs, 0.0, 3.0) - 0.2;
  });
  DdSketch all, parts[3];
  for (std::size_t i = 0; i < v.size(); ++i) {
    all.add(v[i]);
    parts[i % 3].add(v[i]);
  }
  DdSketch merged;
  for (const auto& p : parts) merged.merge(p);
  EXPECT_EQ(merged.count(), all.count());
  EXPECT_EQ(merged.min(), all.min());
  EXPECT_EQ(merged.max(), all.max());
  EXPECT_NEAR(merged.sum(), all.sum(), 1e-9 * std::fabs(all.sum()) + 1e-9);
  for (int i = 0; i <= 200; ++i) {
    EXPECT_EQ(merged.quantile(i / 200.0), all.quantile(i / 200.0)) << i;
  }
  check_bound(merged, v);
}

TEST(DdSketch, EmptyAndErrors) {
  DdSketch s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_EQ(s.quantile(0.5), 0.0);
  EXPECT_EQ(s.mean(), 0.0);
  EXPECT_TRUE(s.cdf_points(10).empty());
  EXPECT_THROW(s.add(std::nan("")), std::invalid_argument);
  EXPECT_THROW(s.add(INFINITY), std::invalid_argument);
  EXPECT_THROW((void)s.quantile(1.5), std::invalid_argument);
  EXPECT_THROW(DdSketch(0.0), std::invalid_argument);
  EXPECT_THROW(DdSketch(1.0), std::invalid_argument);
  EXPECT_THROW(DdSketch(0.01, 0.0), std::invalid_argument);
  DdSketch other(0.02);
  EXPECT_THROW(s.merge(other), std::invalid_argument);
}

TEST(DdSketch, CdfPointsAreMonotone) {
  const auto v = draw(10000, 7, [](rng::RandomStream& rs) { return rng::lognormal(rs, 0.0, 1.0); });
  DdSketch s;
  fill(s, v);
  const auto pts = s.cdf_points(51);
  ASSERT_EQ(pts.size(), 51u);
  EXPECT_EQ(pts.front().probability, 0.0);
  EXPECT_EQ(pts.back().probability, 1.0);
  EXPECT_EQ(pts.front().value, s.min());
  EXPECT_EQ(pts.back().value, s.max());
  for (std::size_t i = 1; i < pts.size(); ++i) {
    EXPECT_GE(pts[i].value, pts[i - 1].value);
    EXPECT_GT(pts[i].probability, pts[i - 1].probability);
  }
}

TEST(DdSketch, DeterministicAcrossRuns) {
  const auto v = draw(5000, 8, [](rng::RandomStream& rs) { return rng::lognormal(rs, 0.0, 1.0); });
  DdSketch a, b;
  fill(a, v);
  fill(b, v);
  for (int i = 0; i <= 100; ++i) EXPECT_EQ(a.quantile(i / 100.0), b.quantile(i / 100.0));
}

}  // namespace
}  // namespace p2pcdn::analysis
