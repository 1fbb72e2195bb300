// Welford's running mean and variance (numerically stable, one pass, O(1) memory), with
// Chan et al.'s pairwise merge for combining threads or replications. Must never store samples.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace p2pcdn::analysis {

class RunningStats {
 public:
  void add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
    min_ = n_ == 1 ? x : std::min(min_, x);
    max_ = n_ == 1 ? x : std::max(max_, x);
  }
  void merge(const RunningStats& other) {
    if (other.n_ == 0) return;
    if (n_ == 0) {
      *this = other;
      return;
    }
    const double n_a = static_cast<double>(n_), n_b = static_cast<double>(other.n_);
    const double delta = other.mean_ - mean_;
    const double n = n_a + n_b;
    mean_ += delta * n_b / n;
    m2_ += other.m2_ + delta * delta * n_a * n_b / n;
    n_ += other.n_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }

  std::uint64_t count() const { return n_; }
  double mean() const { return n_ == 0 ? 0.0 : mean_; }
  // Sample variance (divisor n - 1); 0 with fewer than two samples.
  double variance() const { return n_ < 2 ? 0.0 : m2_ / static_cast<double>(n_ - 1); }
  // Population variance (divisor n).
  double population_variance() const { return n_ == 0 ? 0.0 : m2_ / static_cast<double>(n_); }
  double stddev() const { return std::sqrt(variance()); }
  double min() const { return n_ == 0 ? 0.0 : min_; }
  double max() const { return n_ == 0 ? 0.0 : max_; }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0.0;
  double m2_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
};

}  // namespace p2pcdn::analysis
