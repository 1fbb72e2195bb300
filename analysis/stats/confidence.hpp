// Confidence intervals over replications (Student-t), paired differences for A/B runs on the
// same viewers (common random numbers), and the sequential stopping rule of
// `--replications auto`. Must never draw random numbers or run the simulator itself.
#pragma once
#include <cstddef>
#include <span>

namespace p2pcdn::analysis {

struct ConfidenceInterval {
  double mean = 0.0;
  double stddev = 0.0;      // sample standard deviation (divisor n - 1); 0 if n < 2
  double half_width = 0.0;  // t_{(1+level)/2, n-1} * stddev / sqrt(n); +infinity if n < 2
  double low = 0.0;         // mean - half_width
  double high = 0.0;        // mean + half_width
  std::size_t n = 0;
  double level = 0.95;
};

// Student-t interval for the mean of independent samples (one per replication).
// Throws std::invalid_argument if samples is empty, holds a non-finite value, or
// level is not in (0, 1). With one sample: stddev 0, half_width +inf, low -inf, high +inf.
ConfidenceInterval mean_ci(std::span<const double> samples, double level = 0.95);

// Interval for the mean of the paired differences current[i] - baseline[i] (B minus A, run on
// the same seeds). Throws std::invalid_argument if the sizes differ (or as mean_ci).
ConfidenceInterval paired_ci(std::span<const double> baseline, std::span<const double> current,
                             double level = 0.95);

// Difference of means current - baseline for two independent sets of runs (no pairing), with
// Welch's unequal-variance interval and Welch-Satterthwaite degrees of freedom (fractional).
// n is min of the two sizes; stddev is the standard error of the difference. Each side needs at
// least 2 samples (throws std::invalid_argument otherwise, or as mean_ci).
struct WelchInterval {
  ConfidenceInterval ci;  // of the difference; ci.stddev is its standard error
  double dof = 0.0;       // Welch-Satterthwaite degrees of freedom
};
WelchInterval welch_ci(std::span<const double> baseline, std::span<const double> current,
                       double level = 0.95);

// The sequential stopping rule of `--replications auto`.
struct StoppingRule {
  double target_half_width = 0.0;  // absolute, or a fraction of |mean| when relative
  bool relative = false;
  std::size_t min_replications = 5;    // never stop before (a CI on 2-3 samples is unreliable)
  std::size_t max_replications = 100;  // cap: stop here even if not precise
  double level = 0.95;
};

enum class StopDecision {
  kContinue,   // run another replication
  kPrecise,    // half-width <= target with at least min_replications
  kCapReached  // max_replications reached without the target precision
};

// Throws std::invalid_argument if the rule is invalid (target < 0, min < 2, max < min, level).
StopDecision stopping_decision(std::span<const double> samples, const StoppingRule& rule);

// True when the loop should stop (precise enough, or the cap is reached).
bool precise_enough(std::span<const double> samples, double target_half_width,
                    bool relative = false, std::size_t min_replications = 5,
                    std::size_t max_replications = 100, double level = 0.95);

}  // namespace p2pcdn::analysis
