// Student-t CDF and quantile. The CDF uses I_{df/(df+t^2)}(df/2, 1/2); the quantile brackets
// the root and refines with Newton steps that fall back to bisection when they leave the bracket.
#include "analysis/stats/student_t.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace p2pcdn::analysis {
namespace {

// Continued fraction for I_x(a, b) (Numerical Recipes' betacf form, modified Lentz).
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 10000;
  constexpr double kEpsilon = 1e-16;
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1.0, qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1.0) < kEpsilon) break;
  }
  return h;
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (!(a > 0.0) || !(b > 0.0) || !(x >= 0.0 && x <= 1.0)) {
    throw std::invalid_argument("regularized_incomplete_beta: need a > 0, b > 0, x in [0, 1]");
  }
  if (x == 0.0) return 0.0;
  if (x == 1.0) return 1.0;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use symmetry otherwise.
  if (x < (a + 1.0) / (a + b + 2.0)) return front * beta_continued_fraction(a, b, x) / a;
  return 1.0 - front * beta_continued_fraction(b, a, 1.0 - x) / b;
}

double student_t_cdf(double t, double df) {
  if (!(df > 0.0)) throw std::invalid_argument("student_t_cdf: df must be > 0");
  if (std::isnan(t)) throw std::invalid_argument("student_t_cdf: t is NaN");
  if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
  const double x = df / (df + t * t);
  const double tail = 0.5 * regularized_incomplete_beta(df / 2.0, 0.5, x);  // P(T > |t|)
  return t > 0 ? 1.0 - tail : tail;
}

namespace {

double t_density(double t, double df) {
  const double log_c =
      std::lgamma((df + 1.0) / 2.0) - std::lgamma(df / 2.0) - 0.5 * std::log(df * std::numbers::pi);
  return std::exp(log_c - (df + 1.0) / 2.0 * std::log1p(t * t / df));
}

}  // namespace

double student_t_quantile(double p, double df) {
  if (!(p > 0.0 && p < 1.0)) {
    throw std::invalid_argument("student_t_quantile: p must be in (0, 1), got " +
                                std::to_string(p));
  }
  if (!(df > 0.0)) throw std::invalid_argument("student_t_quantile: df must be > 0");
  if (p == 0.5) return 0.0;
  // Solve for the upper half and mirror: better precision in the tail.
  const bool lower = p < 0.5;
  const double target = lower ? 1.0 - p : p;
  double lo = 0.0, hi = 1.0;
  while (student_t_cdf(hi, df) < target) {
    lo = hi;
    hi *= 2.0;
    if (hi > 1e300) break;
  }
  double t = 0.5 * (lo + hi);
  for (int i = 0; i < 200; ++i) {
    const double f = student_t_cdf(t, df) - target;
    if (f == 0.0) break;
    if (f < 0) {
      lo = t;
    } else {
      hi = t;
    }
    const double density = t_density(t, df);
    double next = density > 0 ? t - f / density : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - t) <= 1e-14 * std::max(1.0, std::fabs(t))) {
      t = next;
      break;
    }
    t = next;
  }
  return lower ? -t : t;
}

double normal_quantile(double p) {
  if (!(p > 0.0 && p < 1.0)) throw std::invalid_argument("normal_quantile: p must be in (0, 1)");
  // Solve Phi(z) = p with Phi from erfc, by the same safeguarded Newton iteration.
  const auto phi = [](double z) { return 0.5 * std::erfc(-z / std::numbers::sqrt2); };
  double lo = -40.0, hi = 40.0, z = 0.0;
  for (int i = 0; i < 200; ++i) {
    const double f = phi(z) - p;
    if (f == 0.0) break;
    if (f < 0) {
      lo = z;
    } else {
      hi = z;
    }
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
    double next = density > 0 ? z - f / density : 0.5 * (lo + hi);
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - z) <= 1e-14 * std::max(1.0, std::fabs(z))) {
      z = next;
      break;
    }
    z = next;
  }
  return z;
}

}  // namespace p2pcdn::analysis
