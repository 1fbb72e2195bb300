#include "models/base/distributions.hpp"

#include <algorithm>

namespace p2pcdn::rng {

EmpiricalCdf::EmpiricalCdf(std::vector<Point> points) : points_(std::move(points)) {
  if (points_.size() < 2) throw std::invalid_argument("EmpiricalCdf: needs at least two points");
  if (points_.front().cumulative != 0.0 || points_.back().cumulative != 1.0)
    throw std::invalid_argument("EmpiricalCdf: cumulative must start at 0 and end at 1");
  for (std::size_t i = 1; i < points_.size(); ++i) {
    if (!(points_[i].value >= points_[i - 1].value) ||
        !(points_[i].cumulative >= points_[i - 1].cumulative))
      throw std::invalid_argument("EmpiricalCdf: points must be non-decreasing");
  }
}

double EmpiricalCdf::quantile(double p) const {
  p = std::clamp(p, 0.0, 1.0);
  const auto it = std::lower_bound(points_.begin(), points_.end(), p,
                                   [](const Point& pt, double q) { return pt.cumulative < q; });
  if (it == points_.begin()) return points_.front().value;
  if (it == points_.end()) return points_.back().value;
  const Point& hi = *it;
  const Point& lo = *(it - 1);
  const double span = hi.cumulative - lo.cumulative;
  if (span <= 0.0) return hi.value;
  return lo.value + (hi.value - lo.value) * (p - lo.cumulative) / span;
}

double EmpiricalCdf::cdf(double x) const {
  if (x <= points_.front().value) return 0.0;
  if (x >= points_.back().value) return 1.0;
  const auto it = std::upper_bound(points_.begin(), points_.end(), x,
                                   [](double v, const Point& pt) { return v < pt.value; });
  const Point& hi = *it;
  const Point& lo = *(it - 1);
  const double span = hi.value - lo.value;
  if (span <= 0.0) return hi.cumulative;
  return lo.cumulative + (hi.cumulative - lo.cumulative) * (x - lo.value) / span;
}

AliasTable::AliasTable(std::span<const double> weights) {
  const std::size_t n = weights.size();
  if (n == 0) throw std::invalid_argument("AliasTable: no weights");
  double total = 0.0;
  for (double w : weights) {
    if (!std::isfinite(w) || w < 0.0) throw std::invalid_argument("AliasTable: bad weight");
    total += w;
  }
  if (total <= 0.0) throw std::invalid_argument("AliasTable: all weights are zero");
  probability_.assign(n, 0.0);
  alias_.assign(n, 0);
  share_.resize(n);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    share_[i] = weights[i] / total;
    scaled[i] = share_[i] * static_cast<double>(n);
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    large.pop_back();
    probability_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    (scaled[l] < 1.0 ? small : large).push_back(l);
  }
  for (std::uint32_t i : large) probability_[i] = 1.0, alias_[i] = i;
  for (std::uint32_t i : small) probability_[i] = 1.0, alias_[i] = i;  // rounding leftovers
}

std::uint32_t AliasTable::sample(RandomStream& rs) const {
  const auto column = static_cast<std::uint32_t>(rs.next_below(probability_.size()));
  return rs.next_double() < probability_[column] ? column : alias_[column];
}

}  // namespace p2pcdn::rng
