// The planner's target concurrency C(t) of the whole audience (all channels), evaluated from
// a ConcurrencySpec: piecewise-linear points, or baseline + logistic ramp + spikes + decay
// scaled to peak_viewers. Pure function of time: it must never draw random numbers.
#pragma once
#include "models/scenario/scenario.hpp"

namespace p2pcdn::models {

class ConcurrencyCurve {
 public:
  // duration_s bounds the search for the maximum used to scale the parametric form.
  ConcurrencyCurve(const ConcurrencySpec& spec, double duration_s);

  // Target concurrent viewers at t_s (>= 0).
  [[nodiscard]] double viewers_at(double t_s) const;
  // Maximum of the curve over [0, duration_s] (sampled every second and at the corners).
  [[nodiscard]] double peak_viewers() const { return peak_; }

 private:
  [[nodiscard]] double raw_at(double t_s) const;
  ConcurrencySpec spec_;
  double scale_ = 1.0;
  double peak_ = 0.0;
};

}  // namespace p2pcdn::models
