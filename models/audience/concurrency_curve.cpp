#include "models/audience/concurrency_curve.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace p2pcdn::models {

namespace {

// 0 before at_s, linear up over rise_s, 1 during hold_s, linear down over fall_s, then 0.
double trapezoid(const SpikeSpec& s, double t) {
  const double x = t - s.at_s;
  if (x <= 0.0) return 0.0;
  if (x < s.rise_s) return x / s.rise_s;
  if (x <= s.rise_s + s.hold_s) return 1.0;
  const double y = x - s.rise_s - s.hold_s;
  if (y < s.fall_s) return 1.0 - y / s.fall_s;
  return 0.0;
}

}  // namespace

ConcurrencyCurve::ConcurrencyCurve(const ConcurrencySpec& spec, double duration_s) : spec_(spec) {
  // The maximum is searched every second (at most 10^6 samples, plus every curve corner).
  double raw_peak = 0.0;
  const double span = std::max(duration_s, 1.0);
  const double step = std::max(1.0, span / 1e6);
  for (double t = 0.0; t <= span; t += step) raw_peak = std::max(raw_peak, raw_at(t));
  std::vector<double> corners;
  for (const auto& p : spec_.points) corners.push_back(p.t_s);
  for (const auto& s : spec_.spikes) {
    corners.push_back(s.at_s + s.rise_s);
    corners.push_back(s.at_s + s.rise_s + s.hold_s);
  }
  for (double t : corners) {
    if (t <= span) raw_peak = std::max(raw_peak, raw_at(t));
  }
  if (spec_.points.empty() && raw_peak > 0.0) scale_ = spec_.peak_viewers / raw_peak;
  peak_ = raw_peak * scale_;
}

double ConcurrencyCurve::raw_at(double t) const {
  double base = 0.0;
  if (!spec_.points.empty()) {
    const auto& p = spec_.points;
    if (t <= p.front().t_s) {
      base = p.front().viewers;
    } else if (t >= p.back().t_s) {
      base = p.back().viewers;
    } else {
      const auto it = std::upper_bound(p.begin(), p.end(), t,
                                       [](double v, const CurvePoint& cp) { return v < cp.t_s; });
      const auto& b = *it;
      const auto& a = *(it - 1);
      base = a.viewers + (b.viewers - a.viewers) * (t - a.t_s) / (b.t_s - a.t_s);
    }
  } else {
    const double b = spec_.baseline_fraction;
    const double logistic = 1.0 / (1.0 + std::exp(-(t - spec_.ramp.t50_s) / spec_.ramp.tau_s));
    base = b + (1.0 - b) * logistic;
    if (spec_.event_end_s >= 0.0 && t > spec_.event_end_s) {
      // Continuity at the end: decay from the value the ramp had reached.
      base *= std::exp(-(t - spec_.event_end_s) / spec_.decay_tau_s);
    }
  }
  double factor = 1.0;
  for (const auto& s : spec_.spikes) factor *= 1.0 + s.gain * trapezoid(s, t);
  return std::max(0.0, base * factor);
}

double ConcurrencyCurve::viewers_at(double t_s) const { return raw_at(t_s) * scale_; }

}  // namespace p2pcdn::models
