// DDSketch implementation: logarithmic buckets of ratio gamma = (1 + a) / (1 - a); bucket i
// holds magnitudes in (gamma^(i-1), gamma^i] and answers 2 gamma^i / (gamma + 1), which is
// within relative a of every magnitude in the bucket.
#include "analysis/sketch/ddsketch.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace p2pcdn::analysis {

DdSketch::DdSketch(double relative_accuracy, double min_indexable)
    : alpha_(relative_accuracy), min_indexable_(min_indexable) {
  // Below 1e-6 the bucket index of large doubles would not fit 32 bits.
  if (!(relative_accuracy >= 1e-6 && relative_accuracy < 1.0)) {
    throw std::invalid_argument("DdSketch: relative_accuracy must be in [1e-6, 1), got " +
                                std::to_string(relative_accuracy));
  }
  if (!(min_indexable > 0.0) || !std::isfinite(min_indexable)) {
    throw std::invalid_argument("DdSketch: min_indexable must be a positive finite number");
  }
  gamma_ = (1.0 + alpha_) / (1.0 - alpha_);
  inv_log_gamma_ = 1.0 / std::log(gamma_);
}

std::int32_t DdSketch::index_of(double magnitude) const {
  return static_cast<std::int32_t>(std::ceil(std::log(magnitude) * inv_log_gamma_));
}

double DdSketch::value_of(std::int32_t index) const {
  return 2.0 * std::pow(gamma_, index) / (gamma_ + 1.0);
}

void DdSketch::Store::add(std::int32_t index, std::uint64_t count) {
  if (counts.empty()) {
    offset = index;
    counts.assign(1, 0);
  } else if (index < offset) {
    counts.insert(counts.begin(), static_cast<std::size_t>(offset - index), 0);
    offset = index;
  } else if (index >= offset + static_cast<std::int32_t>(counts.size())) {
    counts.resize(static_cast<std::size_t>(index - offset) + 1, 0);
  }
  counts[static_cast<std::size_t>(index - offset)] += count;
  total += count;
}

void DdSketch::Store::merge(const Store& other) {
  if (other.counts.empty()) return;
  // Grow once to cover both ranges, then add counters.
  add(other.offset, 0);
  add(other.offset + static_cast<std::int32_t>(other.counts.size()) - 1, 0);
  const auto shift = static_cast<std::size_t>(other.offset - offset);
  for (std::size_t i = 0; i < other.counts.size(); ++i) counts[shift + i] += other.counts[i];
  total += other.total;
}

void DdSketch::add(double value, std::uint64_t count) {
  if (!std::isfinite(value)) {
    throw std::invalid_argument("DdSketch::add: value must be finite");
  }
  if (count == 0) return;
  if (count_ == 0) {
    min_ = value;
    max_ = value;
  } else {
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
  }
  count_ += count;
  sum_ += value * static_cast<double>(count);
  const double magnitude = std::fabs(value);
  if (magnitude < min_indexable_) {
    zero_count_ += count;
  } else if (value > 0) {
    positive_.add(index_of(magnitude), count);
  } else {
    negative_.add(index_of(magnitude), count);
  }
}

void DdSketch::merge(const DdSketch& other) {
  if (other.alpha_ != alpha_ || other.min_indexable_ != min_indexable_) {
    throw std::invalid_argument("DdSketch::merge: sketches have different parameters");
  }
  if (other.count_ == 0) return;
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ += other.sum_;
  zero_count_ += other.zero_count_;
  positive_.merge(other.positive_);
  negative_.merge(other.negative_);
}

double DdSketch::min() const { return count_ == 0 ? 0.0 : min_; }
double DdSketch::max() const { return count_ == 0 ? 0.0 : max_; }
double DdSketch::mean() const { return count_ == 0 ? 0.0 : sum_ / static_cast<double>(count_); }

double DdSketch::quantile(double q) const {
  if (!(q >= 0.0 && q <= 1.0)) {
    throw std::invalid_argument("DdSketch::quantile: q must be in [0, 1]");
  }
  if (count_ == 0) return 0.0;
  if (q == 0.0) return min_;
  if (q == 1.0) return max_;
  const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
  double estimate = 0.0;
  std::uint64_t seen = 0;
  bool found = false;
  // Ascending order: negatives by decreasing magnitude, zeros, positives.
  for (std::size_t k = negative_.counts.size(); k-- > 0 && !found;) {
    seen += negative_.counts[k];
    if (seen > rank) {
      estimate = -value_of(negative_.offset + static_cast<std::int32_t>(k));
      found = true;
    }
  }
  if (!found) {
    seen += zero_count_;
    if (seen > rank) found = true;  // estimate stays 0
  }
  for (std::size_t k = 0; k < positive_.counts.size() && !found; ++k) {
    seen += positive_.counts[k];
    if (seen > rank) {
      estimate = value_of(positive_.offset + static_cast<std::int32_t>(k));
      found = true;
    }
  }
  // Clamping to the exact extremes only moves the estimate towards the true value.
  return std::clamp(estimate, min_, max_);
}

std::vector<DdSketch::CdfPoint> DdSketch::cdf_points(std::size_t n) const {
  std::vector<CdfPoint> points;
  if (n == 0 || count_ == 0) return points;
  points.reserve(n);
  if (n == 1) {
    points.push_back({quantile(0.5), 0.5});
    return points;
  }
  for (std::size_t i = 0; i < n; ++i) {
    const double q = static_cast<double>(i) / static_cast<double>(n - 1);
    points.push_back({quantile(q), q});
  }
  return points;
}

}  // namespace p2pcdn::analysis
