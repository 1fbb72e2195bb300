// OLS through a Householder QR of the design: the same R gives (X^T X)^-1 = R^-1 R^-T
// without forming X^T X, whose condition number is the square of X's.
#include "analysis/stats/regression.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "analysis/stats/student_t.hpp"

namespace p2pcdn::analysis {

OlsFit ols(const Eigen::MatrixXd& design, const Eigen::VectorXd& y) {
  const auto n = static_cast<std::size_t>(design.rows());
  const auto p = static_cast<std::size_t>(design.cols());
  if (static_cast<std::size_t>(y.size()) != n) {
    throw std::invalid_argument("ols: design has " + std::to_string(n) + " rows but y has " +
                                std::to_string(y.size()));
  }
  if (p == 0 || n <= p) {
    throw std::invalid_argument("ols: need more observations (" + std::to_string(n) +
                                ") than coefficients (" + std::to_string(p) + ")");
  }
  if (!design.allFinite() || !y.allFinite()) throw std::invalid_argument("ols: non-finite input");

  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(design);
  const Eigen::MatrixXd r =
      qr.matrixQR().topRows(static_cast<Eigen::Index>(p)).triangularView<Eigen::Upper>();
  const double scale = r.diagonal().cwiseAbs().maxCoeff();
  for (Eigen::Index i = 0; i < r.rows(); ++i) {
    if (!(std::fabs(r(i, i)) > 1e-12 * scale)) {
      throw std::invalid_argument("ols: design is rank-deficient (e.g. all x equal)");
    }
  }
  OlsFit fit;
  fit.n = n;
  fit.dof = n - p;
  fit.coefficients = qr.solve(y);
  const Eigen::VectorXd residuals = y - design * fit.coefficients;
  const double sse = residuals.squaredNorm();
  const double sst = (y.array() - y.mean()).square().sum();
  fit.r_squared = sst > 0 ? 1.0 - sse / sst : (sse == 0 ? 1.0 : 0.0);
  const double s2 = sse / static_cast<double>(fit.dof);
  fit.residual_stddev = std::sqrt(s2);
  const Eigen::MatrixXd r_inv = r.triangularView<Eigen::Upper>().solve(
      Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p)));
  fit.covariance = s2 * r_inv * r_inv.transpose();
  fit.standard_errors = fit.covariance.diagonal().cwiseSqrt();
  return fit;
}

LineFit fit_line(std::span<const double> x, std::span<const double> y, Scale scale) {
  if (x.size() != y.size()) throw std::invalid_argument("fit_line: x and y differ in length");
  if (x.size() < 3) throw std::invalid_argument("fit_line: need at least 3 points");
  const auto n = static_cast<Eigen::Index>(x.size());
  Eigen::MatrixXd design(n, 2);
  Eigen::VectorXd response(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    double xi = x[static_cast<std::size_t>(i)], yi = y[static_cast<std::size_t>(i)];
    if (scale == Scale::kLogLog) {
      if (!(xi > 0.0) || !(yi > 0.0)) {
        throw std::invalid_argument("fit_line: log-log fit needs x > 0 and y > 0");
      }
      xi = std::log(xi);
      yi = std::log(yi);
    }
    design(i, 0) = 1.0;
    design(i, 1) = xi;
    response(i) = yi;
  }
  const OlsFit o = ols(design, response);
  LineFit fit;
  fit.intercept = o.coefficients(0);
  fit.slope = o.coefficients(1);
  fit.intercept_se = o.standard_errors(0);
  fit.slope_se = o.standard_errors(1);
  fit.covariance = o.covariance(0, 1);
  fit.r_squared = o.r_squared;
  fit.residual_stddev = o.residual_stddev;
  fit.n = o.n;
  fit.scale = scale;
  return fit;
}

Prediction predict(const LineFit& fit, double x, double level) {
  if (!(level > 0.0 && level < 1.0)) throw std::invalid_argument("predict: level not in (0, 1)");
  if (fit.n < 3) throw std::invalid_argument("predict: fit has fewer than 3 points");
  double u = x;
  if (fit.scale == Scale::kLogLog) {
    if (!(x > 0.0)) throw std::invalid_argument("predict: log-log fit needs x > 0");
    u = std::log(x);
  }
  const double fitted = fit.intercept + fit.slope * u;
  // Var(a + b u) = var(a) + u^2 var(b) + 2 u cov(a, b).
  const double var_mean = fit.intercept_se * fit.intercept_se +
                          u * u * fit.slope_se * fit.slope_se + 2.0 * u * fit.covariance;
  const double s2 = fit.residual_stddev * fit.residual_stddev;
  const double t = student_t_quantile(0.5 + level / 2.0, static_cast<double>(fit.n - 2));
  const double half_mean = t * std::sqrt(std::max(0.0, var_mean));
  const double half_new = t * std::sqrt(std::max(0.0, var_mean + s2));
  Prediction p;
  p.level = level;
  p.value = fitted;
  p.low = fitted - half_new;
  p.high = fitted + half_new;
  p.mean_low = fitted - half_mean;
  p.mean_high = fitted + half_mean;
  if (fit.scale == Scale::kLogLog) {
    p.value = std::exp(p.value);
    p.low = std::exp(p.low);
    p.high = std::exp(p.high);
    p.mean_low = std::exp(p.mean_low);
    p.mean_high = std::exp(p.mean_high);
  }
  return p;
}

}  // namespace p2pcdn::analysis
