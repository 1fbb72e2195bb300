// Statistics against known values: Student-t table, hand-computed confidence intervals,
// Boost.Math over a grid (issue 24), Welford against two-pass, OLS against a hand-solved set and
// Anscombe's quartet I.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "analysis/stats/confidence.hpp"
#include "analysis/stats/regression.hpp"
#include "analysis/stats/running_stats.hpp"
#include "analysis/stats/student_t.hpp"

namespace p2pcdn::analysis {
namespace {

TEST(StudentT, QuantileMatchesTable) {
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706205, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 2), 4.302653, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 5), 2.570582, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 10), 2.228139, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.042272, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.975, 100), 1.983972, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.95, 5), 2.015048, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.995, 10), 3.169273, 1e-6);
  EXPECT_NEAR(student_t_quantile(0.9995, 1), 636.619249, 1e-5);
  EXPECT_NEAR(student_t_quantile(0.025, 10), -2.228139, 1e-6);
  EXPECT_EQ(student_t_quantile(0.5, 7), 0.0);
  // Large df tends to the normal quantile.
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.959964, 1e-5);
  EXPECT_NEAR(normal_quantile(0.975), 1.959963985, 1e-8);
  EXPECT_NEAR(normal_quantile(0.05), -1.644853627, 1e-8);
}

// Issue 24: our Student-t against Boost.Math's over the degrees of freedom and levels the study
// verbs use (2-100 replications, Welch's fractional dof) and the tails.
TEST(StudentT, MatchesBoostMath) {
  for (const double df : {1.0, 1.5, 2.0, 3.0, 4.0, 4.7, 9.0, 29.0, 99.0, 1000.0}) {
    const boost::math::students_t dist(df);
    for (const double p :
         {1e-6, 0.001, 0.025, 0.05, 0.1, 0.3, 0.5, 0.8, 0.95, 0.975, 0.995, 0.9995, 1 - 1e-6}) {
      const double want = boost::math::quantile(dist, p);
      EXPECT_NEAR(student_t_quantile(p, df), want, 1e-9 * std::max(1.0, std::fabs(want)))
          << "df " << df << " p " << p;
    }
    for (const double t : {-50.0, -4.0, -1.0, -0.1, 0.0, 0.7, 2.0, 6.0, 300.0}) {
      EXPECT_NEAR(student_t_cdf(t, df), boost::math::cdf(dist, t), 1e-12)
          << "df " << df << " t " << t;
    }
  }
  const boost::math::normal normal;
  for (const double p : {1e-9, 0.01, 0.2, 0.5, 0.9, 0.999})
    EXPECT_NEAR(normal_quantile(p), boost::math::quantile(normal, p), 1e-8) << p;
}

TEST(StudentT, CdfClosedForms) {
  for (double t : {-3.0, -0.5, 0.0, 1.0, 2.5, 40.0}) {
    // df = 1 is the Cauchy distribution; df = 2 has a closed form too.
    EXPECT_NEAR(student_t_cdf(t, 1), 0.5 + std::atan(t) / M_PI, 1e-12) << t;
    EXPECT_NEAR(student_t_cdf(t, 2), 0.5 + t / (2 * std::sqrt(2 + t * t)), 1e-12) << t;
  }
  for (double p : {0.001, 0.1, 0.6, 0.9, 0.999}) {
    EXPECT_NEAR(student_t_cdf(student_t_quantile(p, 3.5), 3.5), p, 1e-12) << p;
  }
  EXPECT_NEAR(regularized_incomplete_beta(2, 3, 0.5), 11.0 / 16.0, 1e-14);
  EXPECT_NEAR(regularized_incomplete_beta(1, 1, 0.3), 0.3, 1e-14);
  EXPECT_THROW((void)student_t_quantile(1.0, 3), std::invalid_argument);
  EXPECT_THROW((void)student_t_quantile(0.5, 0), std::invalid_argument);
  EXPECT_THROW((void)regularized_incomplete_beta(1, 1, 1.5), std::invalid_argument);
}

TEST(RunningStats, MatchesTwoPassWithLargeOffset) {
  std::vector<double> v;
  for (int i = 0; i < 1000; ++i) v.push_back(1e9 + (i % 7) * 0.5 + i * 1e-3);
  double mean = 0;
  for (double x : v) mean += x;
  mean /= v.size();
  double ss = 0;
  for (double x : v) ss += (x - mean) * (x - mean);
  RunningStats all, a, b;
  for (std::size_t i = 0; i < v.size(); ++i) {
    all.add(v[i]);
    (i < 300 ? a : b).add(v[i]);
  }
  EXPECT_NEAR(all.mean(), mean, 1e-6);
  EXPECT_NEAR(all.variance(), ss / (v.size() - 1), 1e-6);
  a.merge(b);
  EXPECT_EQ(a.count(), 1000u);
  EXPECT_NEAR(a.mean(), mean, 1e-6);
  EXPECT_NEAR(a.variance(), all.variance(), 1e-6);
  EXPECT_EQ(a.min(), *std::min_element(v.begin(), v.end()));
  EXPECT_EQ(a.max(), *std::max_element(v.begin(), v.end()));
  RunningStats one;
  one.add(4.0);
  EXPECT_EQ(one.variance(), 0.0);
}

TEST(ConfidenceInterval, HandComputed) {
  const std::vector<double> s{1, 2, 3, 4, 5};
  const auto ci = mean_ci(s);
  EXPECT_DOUBLE_EQ(ci.mean, 3.0);
  EXPECT_NEAR(ci.stddev, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(ci.half_width, 2.776445 * std::sqrt(2.5) / std::sqrt(5.0), 1e-6);
  EXPECT_NEAR(ci.low, 3.0 - 1.963243, 1e-6);
  EXPECT_NEAR(ci.high, 3.0 + 1.963243, 1e-6);
  EXPECT_EQ(ci.n, 5u);
  const auto ci90 = mean_ci(s, 0.90);  // t_{0.95,4} = 2.131847
  EXPECT_NEAR(ci90.half_width, 2.131847 * std::sqrt(0.5), 1e-6);

  const auto single = mean_ci(std::vector<double>{7.0});
  EXPECT_EQ(single.mean, 7.0);
  EXPECT_TRUE(std::isinf(single.half_width));
  EXPECT_THROW((void)mean_ci(std::vector<double>{}), std::invalid_argument);
  EXPECT_THROW((void)mean_ci(s, 1.0), std::invalid_argument);
  EXPECT_THROW((void)mean_ci(std::vector<double>{1, NAN}), std::invalid_argument);
}

TEST(ConfidenceInterval, PairedDifferences) {
  const std::vector<double> a{1, 2, 3, 4}, b{2, 4, 4, 6};
  const auto ci = paired_ci(a, b);  // d = {1, 2, 1, 2}
  EXPECT_DOUBLE_EQ(ci.mean, 1.5);
  EXPECT_NEAR(ci.stddev, std::sqrt(1.0 / 3.0), 1e-12);
  EXPECT_NEAR(ci.half_width, 3.182446 * std::sqrt(1.0 / 3.0) / 2.0, 1e-6);
  // Pairing removes the between-seed variance: the unpaired interval would be far wider.
  EXPECT_LT(ci.half_width, mean_ci(b).half_width);
  EXPECT_THROW((void)paired_ci(a, std::vector<double>{1, 2}), std::invalid_argument);
}

TEST(ConfidenceInterval, WelchUnpaired) {
  const std::vector<double> a{1, 2, 3, 4, 5}, b{2, 4, 6, 8, 10};
  const auto w = welch_ci(a, b);
  // se^2 = 2.5/5 + 10/5 = 2.5; dof = 2.5^2 / (0.5^2/4 + 2^2/4) = 6.25 / 1.0625.
  EXPECT_DOUBLE_EQ(w.ci.mean, 3.0);
  EXPECT_NEAR(w.ci.stddev, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(w.dof, 6.25 / 1.0625, 1e-12);
  const double t = student_t_quantile(0.975, w.dof);
  EXPECT_GT(t, 2.446912);  // t_{0.975,6}
  EXPECT_LT(t, 2.570582);  // t_{0.975,5}
  EXPECT_NEAR(w.ci.half_width, t * std::sqrt(2.5), 1e-12);
  EXPECT_THROW((void)welch_ci(std::vector<double>{1}, b), std::invalid_argument);
}

TEST(StudentT, FractionalDfCdfMatchesIntegratedDensity) {
  // Independent check of the incomplete-beta CDF: Simpson's rule on the density, df = 5.88.
  const double df = 5.88;
  const double c = std::exp(std::lgamma((df + 1) / 2) - std::lgamma(df / 2)) / std::sqrt(df * M_PI);
  const auto density = [&](double t) { return c * std::pow(1 + t * t / df, -(df + 1) / 2); };
  const double x = 2.5;
  const int steps = 20000;
  const double h = x / steps;
  double integral = density(0) + density(x);
  for (int i = 1; i < steps; ++i) integral += (i % 2 ? 4 : 2) * density(i * h);
  integral *= h / 3;
  EXPECT_NEAR(student_t_cdf(x, df), 0.5 + integral, 1e-10);
}

TEST(Stopping, SequentialRule) {
  StoppingRule rule;
  rule.target_half_width = 0.5;
  rule.min_replications = 3;
  rule.max_replications = 6;
  std::vector<double> v{10, 10};
  EXPECT_EQ(stopping_decision(v, rule), StopDecision::kContinue);  // below the minimum
  v.push_back(10);
  EXPECT_EQ(stopping_decision(v, rule), StopDecision::kPrecise);
  std::vector<double> noisy{0, 10, 0};
  EXPECT_EQ(stopping_decision(noisy, rule), StopDecision::kContinue);
  noisy.insert(noisy.end(), {10, 0, 10});
  EXPECT_EQ(stopping_decision(noisy, rule), StopDecision::kCapReached);
  EXPECT_TRUE(precise_enough(noisy, 0.5, false, 3, 6));
  EXPECT_FALSE(precise_enough(noisy, 0.5, false, 3, 7));
  // Relative: mean 100, half-width of {99,100,101} = 4.302653 * 1 / sqrt(3) = 2.484 -> 2.5 %.
  const std::vector<double> r{99, 100, 101};
  EXPECT_TRUE(precise_enough(r, 0.025, true, 3, 50));
  EXPECT_FALSE(precise_enough(r, 0.024, true, 3, 50));
  rule.min_replications = 1;
  EXPECT_THROW((void)stopping_decision(v, rule), std::invalid_argument);
}

TEST(Regression, HandSolvedLine) {
  const std::vector<double> x{1, 2, 3, 4, 5}, y{2, 4, 5, 4, 5};
  const auto f = fit_line(x, y);
  EXPECT_NEAR(f.slope, 0.6, 1e-12);
  EXPECT_NEAR(f.intercept, 2.2, 1e-12);
  EXPECT_NEAR(f.r_squared, 0.6, 1e-12);
  EXPECT_NEAR(f.residual_stddev, std::sqrt(0.8), 1e-12);
  EXPECT_NEAR(f.slope_se, std::sqrt(0.08), 1e-12);
  EXPECT_NEAR(f.intercept_se, std::sqrt(0.88), 1e-12);
  // At x = 6: 5.8 +- t_{0.975,3} * sqrt(0.8 * (1 + 1/5 + 9/10)).
  const auto p = predict(f, 6.0);
  EXPECT_NEAR(p.value, 5.8, 1e-12);
  EXPECT_NEAR(p.high - p.value, 3.182446 * std::sqrt(1.68), 1e-5);
  EXPECT_NEAR(p.value - p.low, 3.182446 * std::sqrt(1.68), 1e-5);
  EXPECT_NEAR(p.mean_high - p.value, 3.182446 * std::sqrt(0.8 * 1.1), 1e-5);
}

TEST(Regression, AnscombeQuartetOne) {
  const std::vector<double> x{10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5};
  const std::vector<double> y{8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68};
  const auto f = fit_line(x, y);
  EXPECT_NEAR(f.intercept, 3.0001, 1e-4);
  EXPECT_NEAR(f.slope, 0.5001, 1e-4);
  EXPECT_NEAR(f.r_squared, 0.6665, 1e-4);
  EXPECT_NEAR(f.slope_se, 0.1179, 1e-4);
  EXPECT_NEAR(f.intercept_se, 1.1247, 1e-4);
}

TEST(Regression, LogLogPowerLawAndExtrapolation) {
  std::vector<double> x, y;
  for (double n : {1e3, 1e4, 1e5, 1e6}) {
    x.push_back(n);
    y.push_back(3.0 * std::pow(n, 0.8));
  }
  const auto f = fit_line(x, y, Scale::kLogLog);
  EXPECT_NEAR(f.slope, 0.8, 1e-10);
  EXPECT_NEAR(f.intercept, std::log(3.0), 1e-9);
  EXPECT_NEAR(f.r_squared, 1.0, 1e-12);
  const auto p = predict(f, 1e7);
  EXPECT_NEAR(p.value, 3.0 * std::pow(1e7, 0.8), 1e-6 * p.value);
  EXPECT_NEAR(p.low, p.value, 1e-6 * p.value);

  // With noise the log-scale interval maps back asymmetric and contains the value.
  y = {3.1e3, 1.9e4, 1.25e5, 7.4e5};
  const auto g = fit_line(x, y, Scale::kLogLog);
  const auto q = predict(g, 1e7);
  EXPECT_LT(q.low, q.mean_low);
  EXPECT_LT(q.mean_low, q.value);
  EXPECT_LT(q.value, q.mean_high);
  EXPECT_LT(q.mean_high, q.high);
  EXPECT_GT(q.high - q.value, q.value - q.low);
}

TEST(Regression, GeneralOlsAndErrors) {
  // y = 1 + 2 a - b exactly: coefficients recovered, zero standard errors.
  Eigen::MatrixXd X(5, 3);
  Eigen::VectorXd y(5);
  const double a[] = {0, 1, 2, 3, 4}, b[] = {1, 0, 3, 1, 2};
  for (int i = 0; i < 5; ++i) {
    X(i, 0) = 1;
    X(i, 1) = a[i];
    X(i, 2) = b[i];
    y(i) = 1 + 2 * a[i] - b[i];
  }
  const auto f = ols(X, y);
  EXPECT_NEAR(f.coefficients(0), 1, 1e-12);
  EXPECT_NEAR(f.coefficients(1), 2, 1e-12);
  EXPECT_NEAR(f.coefficients(2), -1, 1e-12);
  EXPECT_NEAR(f.standard_errors.maxCoeff(), 0, 1e-6);
  EXPECT_EQ(f.dof, 2u);
  const std::vector<double> same{2, 2, 2}, yy{1, 2, 3};
  EXPECT_THROW((void)fit_line(same, yy), std::invalid_argument);
  EXPECT_THROW((void)fit_line(yy, std::vector<double>{1, 2}), std::invalid_argument);
  EXPECT_THROW((void)fit_line(std::vector<double>{0, 1, 2}, yy, Scale::kLogLog),
               std::invalid_argument);
}

}  // namespace
}  // namespace p2pcdn::analysis
