// Streaming quantile sketch (DDSketch, Masson et al., VLDB 2019) for metrics over millions
// of viewers: relative-accuracy quantiles without keeping the values. Mergeable across
// replications/threads, deterministic (no randomness, no clocks). Must never keep raw values.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace p2pcdn::analysis {

// Error bound (documented guarantee, tested in tests/analysis/sketch_test.cpp):
// for q in [0, 1] let x = the exact lower q-quantile of all added values, i.e. the value at
// 0-based rank floor(q * (count - 1)) in sorted order. quantile(q) returns v with
//   |v - x| <= relative_accuracy * |x|           if |x| >= min_indexable,
//   |v| < min_indexable (v is 0)                 if |x| <  min_indexable.
// quantile(0) and quantile(1) are exactly min() and max(). The bound holds for any
// distribution and after any merges. Memory: one 8-byte counter per bucket between the
// smallest and largest magnitude seen, ln(max/min) / ln((1+a)/(1-a)) ~ ln(max/min) / (2a)
// buckets per sign: with a = 1 %, ~350 buckets for a 1000:1 range (e.g. startup times from
// 0.1 s to 100 s), ~36 k at most over the whole double range above min_indexable = 1e-9.
class DdSketch {
 public:
  static constexpr double kDefaultRelativeAccuracy = 0.01;
  static constexpr double kDefaultMinIndexable = 1e-9;

  // Throws std::invalid_argument unless 0 < relative_accuracy < 1 and min_indexable > 0.
  explicit DdSketch(double relative_accuracy = kDefaultRelativeAccuracy,
                    double min_indexable = kDefaultMinIndexable);

  // Adds `count` copies of value. Throws std::invalid_argument if value is NaN or infinite.
  // Values with |value| < min_indexable are counted as exact zeros (e.g. rebuffering 0).
  void add(double value, std::uint64_t count = 1);
  // Adds every value of other. Throws std::invalid_argument if the parameters differ.
  // Result is identical to adding all values to one sketch (bucket counts are exact).
  void merge(const DdSketch& other);

  // q in [0, 1] (throws std::invalid_argument otherwise); 0 if the sketch is empty.
  double quantile(double q) const;
  std::uint64_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  double min() const;                  // 0 if empty
  double max() const;                  // 0 if empty
  double sum() const { return sum_; }  // exact up to floating-point summation
  double mean() const;                 // 0 if empty

  struct CdfPoint {
    double value;
    double probability;  // share of values <= value (by the sketch's rank)
  };
  // n points at q = i / (n - 1), i = 0..n-1 (n >= 2; n = 1 gives the median), for plotting.
  std::vector<CdfPoint> cdf_points(std::size_t n) const;

  double relative_accuracy() const { return alpha_; }
  double min_indexable() const { return min_indexable_; }
  // Number of counters currently held (memory is about 8 bytes each).
  std::size_t bucket_count() const { return positive_.counts.size() + negative_.counts.size(); }

 private:
  // Dense run of bucket counters from index `offset` upwards; grows at either end.
  struct Store {
    std::int32_t offset = 0;
    std::vector<std::uint64_t> counts;
    std::uint64_t total = 0;
    void add(std::int32_t index, std::uint64_t count);
    void merge(const Store& other);
  };

  std::int32_t index_of(double magnitude) const;  // magnitude >= min_indexable
  double value_of(std::int32_t index) const;      // bucket's representative magnitude

  double alpha_;
  double min_indexable_;
  double gamma_;
  double inv_log_gamma_;
  Store positive_;
  Store negative_;  // by magnitude
  std::uint64_t zero_count_ = 0;
  std::uint64_t count_ = 0;
  double sum_ = 0.0;
  double min_ = 0.0;
  double max_ = 0.0;
};

}  // namespace p2pcdn::analysis
