// What the study verbs (run --replications, sweep, compare) share on the command line:
// --target parsing, progress lines, the replications table and the partial-run label.
// Printing only.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "sim/study/replications.hpp"

namespace p2pcdn::cli {

// "metric=H" -> (metric, H > 0). Throws std::invalid_argument with the spec.
std::pair<std::string, double> parse_target(const std::string& spec);

// Prints "<what> i/n done" lines to stderr (nothing when quiet).
std::function<void(std::size_t, std::size_t)> progress_printer(bool quiet, std::string what);

// metric, mean, stddev, 95 % CI [low, high], n: one line per metric.
std::string replications_table(const std::vector<study::MetricStats>& stats);

// "" for a whole run; "  [PARTIAL: stopped early: <why>]" for one stopped early.
std::string partial_label(const sim::RunOutcome& outcome);

}  // namespace p2pcdn::cli
