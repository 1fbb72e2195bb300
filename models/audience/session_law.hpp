// Session-length law (§2.1): a zapper fraction with exponential sessions plus a lognormal,
// Weibull or exponential body. Draws only from the viewer's own stream
// (Purpose::kSessionLength, entity = viewer id); it must never keep state between draws.
#pragma once
#include <cstdint>

#include "models/base/random_stream.hpp"
#include "models/base/time.hpp"
#include "models/scenario/scenario.hpp"

namespace p2pcdn::models {

class SessionLaw {
 public:
  explicit SessionLaw(const SessionSpec& spec);

  // P(length > u_s).
  [[nodiscard]] double survival(double u_s) const;
  // E[length] in seconds (closed form).
  [[nodiscard]] double mean_s() const { return mean_s_; }
  // Integral of survival over [0, u_s] (Simpson, `substeps` per call span).
  [[nodiscard]] double integrated_survival(double from_s, double to_s, int substeps = 16) const;

  // A fresh session's length, and the residual (remaining) length of a session found in
  // progress in a stationary population (density survival(u)/mean): used for the viewers
  // already present at t = 0.
  double sample_s(rng::RandomStream& rs) const;
  double sample_residual_s(rng::RandomStream& rs) const;

  // Same from the viewer's own stream; >= 1 µs.
  [[nodiscard]] TimeUs session_length_us(std::uint64_t seed, std::uint64_t viewer_id) const;
  [[nodiscard]] TimeUs residual_session_length_us(std::uint64_t seed,
                                                  std::uint64_t viewer_id) const;

  [[nodiscard]] const SessionSpec& spec() const { return spec_; }

 private:
  [[nodiscard]] double body_survival(double u) const;
  [[nodiscard]] double body_mean() const;
  SessionSpec spec_;
  double mean_s_ = 0.0;
};

}  // namespace p2pcdn::models
