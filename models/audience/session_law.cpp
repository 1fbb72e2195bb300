#include "models/audience/session_law.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "models/base/distributions.hpp"

namespace p2pcdn::models {

namespace {

// Gamma(shape >= 1, scale 1) by Marsaglia & Tsang (2000): used for the length-biased Weibull.
double gamma_shape_ge1(rng::RandomStream& rs, double shape) {
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    const double x = rng::standard_normal(rs);
    double v = 1.0 + c * x;
    if (v <= 0.0) continue;
    v = v * v * v;
    const double u = rs.next_open01();
    if (std::log(u) < 0.5 * x * x + d - d * v + d * std::log(v)) return d * v;
  }
}

TimeUs to_us_at_least_1(double s) { return std::max<TimeUs>(1, from_seconds(s)); }

}  // namespace

SessionLaw::SessionLaw(const SessionSpec& spec) : spec_(spec) {
  const double z = spec_.zapper_fraction;
  mean_s_ = (1.0 - z) * body_mean() + z * spec_.zapper_mean_s;
}

double SessionLaw::body_mean() const {
  switch (spec_.law) {
    case SessionLawKind::kLognormal:
      return spec_.median_s * std::exp(0.5 * spec_.sigma * spec_.sigma);
    case SessionLawKind::kWeibull:
      return spec_.weibull_scale_s * std::tgamma(1.0 + 1.0 / spec_.weibull_shape);
    case SessionLawKind::kExponential:
      return spec_.mean_s;
  }
  return 0.0;
}

double SessionLaw::body_survival(double u) const {
  if (u <= 0.0) return 1.0;
  switch (spec_.law) {
    case SessionLawKind::kLognormal:
      if (spec_.sigma <= 0.0) return u < spec_.median_s ? 1.0 : 0.0;
      return 0.5 * std::erfc(std::log(u / spec_.median_s) / (spec_.sigma * std::numbers::sqrt2));
    case SessionLawKind::kWeibull:
      return std::exp(-std::pow(u / spec_.weibull_scale_s, spec_.weibull_shape));
    case SessionLawKind::kExponential:
      return std::exp(-u / spec_.mean_s);
  }
  return 0.0;
}

double SessionLaw::survival(double u_s) const {
  if (u_s <= 0.0) return 1.0;
  const double z = spec_.zapper_fraction;
  return (1.0 - z) * body_survival(u_s) + z * std::exp(-u_s / spec_.zapper_mean_s);
}

double SessionLaw::integrated_survival(double from_s, double to_s, int substeps) const {
  if (to_s <= from_s) return 0.0;
  const int n = std::max(2, substeps + (substeps % 2));
  const double h = (to_s - from_s) / n;
  double sum = survival(from_s) + survival(to_s);
  for (int i = 1; i < n; ++i) sum += survival(from_s + i * h) * (i % 2 == 1 ? 4.0 : 2.0);
  return sum * h / 3.0;
}

double SessionLaw::sample_s(rng::RandomStream& rs) const {
  if (rs.next_double() < spec_.zapper_fraction) {
    return rng::exponential_mean(rs, spec_.zapper_mean_s);
  }
  switch (spec_.law) {
    case SessionLawKind::kLognormal:
      return rng::lognormal_median(rs, spec_.median_s, spec_.sigma);
    case SessionLawKind::kWeibull:
      return rng::weibull(rs, spec_.weibull_shape, spec_.weibull_scale_s);
    case SessionLawKind::kExponential:
      return rng::exponential_mean(rs, spec_.mean_s);
  }
  return 0.0;
}

// The residual of a mixture is the mixture of the components' residuals with weights
// w_i * mean_i / mean. A component's residual is U x (its length-biased length):
// exponential -> the same exponential (memoryless); lognormal(mu, s) -> U x lognormal(mu + s^2, s);
// Weibull(k, l) -> U x l * Gamma(1 + 1/k)^(1/k).
double SessionLaw::sample_residual_s(rng::RandomStream& rs) const {
  const double z = spec_.zapper_fraction;
  const double zapper_weight = z * spec_.zapper_mean_s / mean_s_;
  if (rs.next_double() < zapper_weight) return rng::exponential_mean(rs, spec_.zapper_mean_s);
  switch (spec_.law) {
    case SessionLawKind::kLognormal: {
      const double biased = rng::lognormal_median(
          rs, spec_.median_s * std::exp(spec_.sigma * spec_.sigma), spec_.sigma);
      return rs.next_double() * biased;
    }
    case SessionLawKind::kWeibull: {
      const double y = gamma_shape_ge1(rs, 1.0 + 1.0 / spec_.weibull_shape);
      const double biased = spec_.weibull_scale_s * std::pow(y, 1.0 / spec_.weibull_shape);
      return rs.next_double() * biased;
    }
    case SessionLawKind::kExponential:
      return rng::exponential_mean(rs, spec_.mean_s);
  }
  return 0.0;
}

TimeUs SessionLaw::session_length_us(std::uint64_t seed, std::uint64_t viewer_id) const {
  rng::RandomStream rs(seed, viewer_id, rng::Purpose::kSessionLength);
  return to_us_at_least_1(sample_s(rs));
}

TimeUs SessionLaw::residual_session_length_us(std::uint64_t seed, std::uint64_t viewer_id) const {
  rng::RandomStream rs(seed, viewer_id, rng::Purpose::kSessionLength);
  return to_us_at_least_1(sample_residual_s(rs));
}

}  // namespace p2pcdn::models
