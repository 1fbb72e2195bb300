// Student-t distribution: CDF through the regularized incomplete beta function and its
// inverse by safeguarded Newton/bisection, accurate to ~1e-10. Implemented here (no Boost.Math)
// so results are identical everywhere. Must never be used for random draws.
#pragma once

namespace p2pcdn::analysis {

// Regularized incomplete beta I_x(a, b) for a, b > 0 and x in [0, 1] (continued fraction,
// Lentz's method). Throws std::invalid_argument outside the domain.
double regularized_incomplete_beta(double a, double b, double x);

// P(T <= t) for T ~ Student-t with df > 0 degrees of freedom (df may be fractional, e.g.
// Welch). Throws std::invalid_argument if df <= 0 or t is NaN.
double student_t_cdf(double t, double df);

// The t such that P(T <= t) = p, for p in (0, 1) and df > 0. E.g. student_t_quantile(0.975, 10)
// = 2.228139. Throws std::invalid_argument outside the domain.
double student_t_quantile(double p, double df);

// Standard normal quantile (df -> infinity limit), same accuracy.
double normal_quantile(double p);

}  // namespace p2pcdn::analysis
