// Student-t confidence intervals and the sequential stopping rule.
#include "analysis/stats/confidence.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/stats/running_stats.hpp"
#include "analysis/stats/student_t.hpp"

namespace p2pcdn::analysis {

ConfidenceInterval mean_ci(std::span<const double> samples, double level) {
  if (samples.empty()) throw std::invalid_argument("mean_ci: no samples");
  if (!(level > 0.0 && level < 1.0)) {
    throw std::invalid_argument("mean_ci: level must be in (0, 1), got " + std::to_string(level));
  }
  RunningStats stats;
  for (double x : samples) {
    if (!std::isfinite(x)) throw std::invalid_argument("mean_ci: non-finite sample");
    stats.add(x);
  }
  ConfidenceInterval ci;
  ci.n = samples.size();
  ci.level = level;
  ci.mean = stats.mean();
  if (ci.n < 2) {
    ci.stddev = 0.0;
    ci.half_width = std::numeric_limits<double>::infinity();
  } else {
    ci.stddev = stats.stddev();
    const double t = student_t_quantile(0.5 + level / 2.0, static_cast<double>(ci.n - 1));
    ci.half_width = t * ci.stddev / std::sqrt(static_cast<double>(ci.n));
  }
  ci.low = ci.mean - ci.half_width;
  ci.high = ci.mean + ci.half_width;
  return ci;
}

ConfidenceInterval paired_ci(std::span<const double> baseline, std::span<const double> current,
                             double level) {
  if (baseline.size() != current.size()) {
    throw std::invalid_argument("paired_ci: " + std::to_string(baseline.size()) +
                                " baseline samples but " + std::to_string(current.size()) +
                                " current samples");
  }
  std::vector<double> diff(baseline.size());
  for (std::size_t i = 0; i < diff.size(); ++i) diff[i] = current[i] - baseline[i];
  return mean_ci(diff, level);
}

WelchInterval welch_ci(std::span<const double> baseline, std::span<const double> current,
                       double level) {
  if (baseline.size() < 2 || current.size() < 2) {
    throw std::invalid_argument("welch_ci: each side needs at least 2 samples");
  }
  const ConfidenceInterval a = mean_ci(baseline, level);
  const ConfidenceInterval b = mean_ci(current, level);
  const double va = a.stddev * a.stddev / static_cast<double>(a.n);
  const double vb = b.stddev * b.stddev / static_cast<double>(b.n);
  WelchInterval w;
  w.ci.level = level;
  w.ci.n = std::min(a.n, b.n);
  w.ci.mean = b.mean - a.mean;
  w.ci.stddev = std::sqrt(va + vb);
  if (va + vb > 0) {
    w.dof = (va + vb) * (va + vb) /
            (va * va / static_cast<double>(a.n - 1) + vb * vb / static_cast<double>(b.n - 1));
    w.ci.half_width = student_t_quantile(0.5 + level / 2.0, w.dof) * w.ci.stddev;
  } else {
    w.dof = static_cast<double>(a.n + b.n - 2);  // no spread at all: the difference is exact
    w.ci.half_width = 0.0;
  }
  w.ci.low = w.ci.mean - w.ci.half_width;
  w.ci.high = w.ci.mean + w.ci.half_width;
  return w;
}

StopDecision stopping_decision(std::span<const double> samples, const StoppingRule& rule) {
  if (!(rule.target_half_width >= 0.0) || rule.min_replications < 2 ||
      rule.max_replications < rule.min_replications || !(rule.level > 0.0 && rule.level < 1.0)) {
    throw std::invalid_argument(
        "stopping rule: need target_half_width >= 0, min_replications >= 2, "
        "max_replications >= min_replications, level in (0, 1)");
  }
  if (samples.size() < rule.min_replications) return StopDecision::kContinue;
  const ConfidenceInterval ci = mean_ci(samples, rule.level);
  const double target =
      rule.relative ? rule.target_half_width * std::fabs(ci.mean) : rule.target_half_width;
  if (ci.half_width <= target) return StopDecision::kPrecise;
  if (samples.size() >= rule.max_replications) return StopDecision::kCapReached;
  return StopDecision::kContinue;
}

bool precise_enough(std::span<const double> samples, double target_half_width, bool relative,
                    std::size_t min_replications, std::size_t max_replications, double level) {
  const StoppingRule rule{target_half_width, relative, min_replications, max_replications, level};
  return stopping_decision(samples, rule) != StopDecision::kContinue;
}

}  // namespace p2pcdn::analysis
