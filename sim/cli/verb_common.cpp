#include "sim/cli/verb_common.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace p2pcdn::cli {

std::pair<std::string, double> parse_target(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size())
    throw std::invalid_argument("--target: expected metric=half_width, got '" + spec + "'");
  double h = 0;
  try {
    std::size_t used = 0;
    h = std::stod(spec.substr(eq + 1), &used);
    if (used != spec.size() - eq - 1) throw std::invalid_argument("trailing text");
  } catch (const std::exception&) {
    throw std::invalid_argument("--target: '" + spec.substr(eq + 1) + "' is not a number");
  }
  if (!(h > 0) || !std::isfinite(h))
    throw std::invalid_argument("--target: the half-width must be > 0, got '" + spec + "'");
  return {spec.substr(0, eq), h};
}

std::function<void(std::size_t, std::size_t)> progress_printer(bool quiet, std::string what) {
  if (quiet) return {};
  return [what = std::move(what)](std::size_t done, std::size_t planned) {
    if (planned > 0)
      std::fprintf(stderr, "%s %zu/%zu done\n", what.c_str(), done, planned);
    else
      std::fprintf(stderr, "%s %zu done\n", what.c_str(), done);
  };
}

std::string replications_table(const std::vector<study::MetricStats>& stats) {
  std::string out = fmt::format("  {:<28} {:>14} {:>12} {:>28} {:>4}\n", "metric", "mean", "stddev",
                                "95 % CI", "n");
  for (const auto& s : stats) {
    out += fmt::format("  {:<28} {:>14.6g} {:>12.4g}   [{:>11.6g}, {:>11.6g}] {:>4}\n", s.name,
                       s.ci.mean, s.ci.stddev, s.ci.low, s.ci.high, s.ci.n);
  }
  return out;
}

std::string partial_label(const sim::RunOutcome& outcome) {
  if (!outcome.result.partial) return "";
  const std::string& why = outcome.info.run.stopped_by;
  return "  [PARTIAL: stopped early" + (why.empty() ? std::string() : ": " + why) + "]";
}

}  // namespace p2pcdn::cli
