#include "sim/study/memory_estimate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

#include "models/audience/concurrency_curve.hpp"

namespace p2pcdn::sim {

MemoryEstimate estimate_memory(const models::Scenario& scenario, unsigned concurrent_runs) {
  MemoryEstimate e;
  const models::ConcurrencyCurve curve(scenario.audience.concurrency, scenario.run.duration_s);
  e.peak_viewers = curve.peak_viewers();
  e.burst_viewers = curve.viewers_at(0.0);
  const double lists =
      scenario.p2p.enabled ? kListBytesPerViewerAt32 * scenario.p2p.neighbours / 32.0 : 0.0;
  const double steady = kStateBytesPerViewer + lists;
  // A t = 0 crowd's transient state is freed as its connections settle, and later viewers
  // reuse that memory: the peak is the larger of the two, not their sum (live-1h at 10^6, half
  // of it at t = 0: 2.58 GB measured in the fifth session, 2.53 GB estimated).
  const double burst_bytes = e.burst_viewers * std::max(steady, kBurstBytesPerViewer);
  const double steady_bytes = e.peak_viewers * steady;
  e.bytes_per_viewer =
      e.peak_viewers > 0 ? std::max(burst_bytes, steady_bytes) / e.peak_viewers : steady;
  e.concurrent_runs = std::max(1U, concurrent_runs);
  e.bytes = e.concurrent_runs * (kFixedBytes + std::max(burst_bytes, steady_bytes));
  return e;
}

namespace {

std::string gigabytes(double bytes) {
  return bytes < 1e9 ? fmt::format("{:.0f} MB", bytes / 1e6)
                     : fmt::format("{:.1f} GB", bytes / 1e9);
}

// 12345678.4 -> "12,345,678".
std::string with_separators(double count) {
  const std::string digits = fmt::format("{:.0f}", count);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

// The key a user edits to make the audience smaller.
std::string audience_key(const models::Scenario& scenario) {
  return scenario.audience.concurrency.points.empty() ? "audience.concurrency.peak_viewers"
                                                      : "audience.concurrency.points";
}

}  // namespace

std::optional<std::string> memory_refusal(const MemoryEstimate& estimate,
                                          std::uint64_t available_bytes,
                                          const std::string& scenario_path,
                                          const models::Scenario& scenario) {
  if (estimate.bytes <= static_cast<double>(available_bytes)) return std::nullopt;
  std::string runs;
  if (estimate.concurrent_runs > 1) {
    runs = fmt::format(
        ", for {} simulations held at once: --baseline or replications on several "
        "threads; --threads 1 runs them one after another",
        estimate.concurrent_runs);
  }
  return fmt::format(
      "{}: {}: this run needs about {} of memory ({} peak concurrent viewers x ~{:.1f} KB{}), "
      "but this machine has {} available. Lower the audience, or pass --no-memory-check to run "
      "anyway (if memory then runs out, it stops with its results so far, marked partial)",
      scenario_path, audience_key(scenario), gigabytes(estimate.bytes),
      with_separators(estimate.peak_viewers), estimate.bytes_per_viewer / 1e3, runs,
      gigabytes(static_cast<double>(available_bytes)));
}

std::string describe(const MemoryEstimate& estimate) {
  std::string text =
      fmt::format("~{} ({} peak viewers x ~{:.1f} KB", gigabytes(estimate.bytes),
                  with_separators(estimate.peak_viewers), estimate.bytes_per_viewer / 1e3);
  if (estimate.concurrent_runs > 1)
    text += fmt::format(", {} runs at once", estimate.concurrent_runs);
  return text + ")";
}

}  // namespace p2pcdn::sim
