// Probability distributions implemented here, not with std::*_distribution,
// whose output differs between standard libraries (bit-for-bit runs need ours).
// Every sampler takes the caller's RandomStream; none keeps hidden state.
#pragma once
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>
#include <stdexcept>
#include <vector>

#include "models/base/random_stream.hpp"

namespace p2pcdn::rng {

inline double uniform(RandomStream& rs, double low, double high) {
  return low + (high - low) * rs.next_double();
}
// Exponential with the given mean (> 0).
inline double exponential_mean(RandomStream& rs, double mean) {
  return -mean * std::log(rs.next_open01());
}
// Standard normal by Box-Muller (two uniforms per draw, no cached spare: stateless).
inline double standard_normal(RandomStream& rs) {
  const double u1 = rs.next_open01();
  const double u2 = rs.next_double();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}
inline double normal(RandomStream& rs, double mean, double stddev) {
  return mean + stddev * standard_normal(rs);
}
// Lognormal: exp(N(mu, sigma)); mu, sigma are of the underlying normal.
inline double lognormal(RandomStream& rs, double mu, double sigma) {
  return std::exp(normal(rs, mu, sigma));
}
// Lognormal parameterised by its median and the sigma of log (what sources quote).
inline double lognormal_median(RandomStream& rs, double median, double sigma) {
  return median * std::exp(sigma * standard_normal(rs));
}
// Weibull with shape k and scale lambda: F(x) = 1 - exp(-(x/lambda)^k).
inline double weibull(RandomStream& rs, double shape, double scale) {
  return scale * std::pow(-std::log(rs.next_open01()), 1.0 / shape);
}
// Pareto (type I) with minimum x_m and tail index alpha: F(x) = 1 - (x_m/x)^alpha.
inline double pareto(RandomStream& rs, double x_min, double alpha) {
  return x_min / std::pow(rs.next_open01(), 1.0 / alpha);
}

// Piecewise-linear empirical CDF through (value, cumulative probability) points,
// sampled by inverse transform. Points must be increasing in both coordinates,
// the first probability 0 and the last 1.
class EmpiricalCdf {
 public:
  struct Point {
    double value;
    double cumulative;
  };
  explicit EmpiricalCdf(std::vector<Point> points);
  [[nodiscard]] double sample(RandomStream& rs) const { return quantile(rs.next_double()); }
  [[nodiscard]] double quantile(double p) const;
  [[nodiscard]] double cdf(double x) const;
  [[nodiscard]] std::span<const Point> points() const { return points_; }

 private:
  std::vector<Point> points_;
};

// Discrete distribution over 0..n-1 by Walker/Vose alias table: O(1) per draw.
class AliasTable {
 public:
  AliasTable() = default;
  // Weights need not sum to 1; they must be finite, >= 0, and not all zero.
  explicit AliasTable(std::span<const double> weights);
  [[nodiscard]] std::uint32_t sample(RandomStream& rs) const;
  [[nodiscard]] std::size_t size() const { return probability_.size(); }
  [[nodiscard]] double weight_share(std::uint32_t index) const { return share_.at(index); }

 private:
  std::vector<double> probability_;
  std::vector<std::uint32_t> alias_;
  std::vector<double> share_;
};

}  // namespace p2pcdn::rng
