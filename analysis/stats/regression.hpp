// Ordinary least squares with Eigen (Householder QR): coefficients, standard errors, R², and a
// prediction interval at a new point; e.g. CDN peak against audience size on a log-log scale,
// to extrapolate to an audience not simulated. Must never hide a singular fit: it throws.
#pragma once
#include <cstddef>
#include <span>

#include <Eigen/Dense>

namespace p2pcdn::analysis {

struct OlsFit {
  Eigen::VectorXd coefficients;     // one per design column
  Eigen::VectorXd standard_errors;  // sqrt of the covariance diagonal
  Eigen::MatrixXd covariance;       // s^2 (X^T X)^-1
  double r_squared = 0.0;           // 1 - SSE/SST (y centred); 1 when SST = 0 and SSE = 0
  double residual_stddev = 0.0;     // s = sqrt(SSE / (n - p))
  std::size_t n = 0;
  std::size_t dof = 0;  // n - p
};

// y on the columns of design (add a column of ones for an intercept). Throws
// std::invalid_argument if rows differ, n <= p, a value is non-finite, or the design is
// rank-deficient.
OlsFit ols(const Eigen::MatrixXd& design, const Eigen::VectorXd& y);

enum class Scale {
  kLinear,  // y = intercept + slope * x
  kLogLog   // ln y = intercept + slope * ln x, i.e. y = e^intercept * x^slope (x, y > 0)
};

struct LineFit {
  double intercept = 0.0;
  double slope = 0.0;
  double intercept_se = 0.0;
  double slope_se = 0.0;
  double covariance = 0.0;  // cov(intercept, slope)
  double r_squared = 0.0;   // of the fitted (possibly log-log) model
  double residual_stddev = 0.0;
  std::size_t n = 0;
  Scale scale = Scale::kLinear;
};

// Straight-line fit (needs n >= 3 and two distinct x). Throws std::invalid_argument on bad
// input, including x <= 0 or y <= 0 for kLogLog.
LineFit fit_line(std::span<const double> x, std::span<const double> y,
                 Scale scale = Scale::kLinear);

struct Prediction {
  double value = 0.0;  // fitted y at x (for kLogLog: exp of the fitted ln y, the median)
  double low = 0.0;    // prediction interval for one new observation at x
  double high = 0.0;
  double mean_low = 0.0;  // confidence interval of the fitted line at x
  double mean_high = 0.0;
  double level = 0.95;
};

// Student-t intervals with n - 2 degrees of freedom; for kLogLog computed on the log scale and
// mapped back with exp (so they are asymmetric). Throws std::invalid_argument if x <= 0 for
// kLogLog or level is not in (0, 1).
Prediction predict(const LineFit& fit, double x, double level = 0.95);

}  // namespace p2pcdn::analysis
