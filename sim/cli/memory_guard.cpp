#include "sim/cli/memory_guard.hpp"

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "sim/study/memory_estimate.hpp"
#include "sim/study/memory_watchdog.hpp"

namespace p2pcdn::cli {

unsigned runs_at_once(int threads, std::size_t runs) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const unsigned pool = threads > 0 ? static_cast<unsigned>(threads) : cores;
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(pool, runs)));
}

std::optional<std::uint64_t> available_memory_bytes() {
  return sim::memory_headroom_bytes(/*count_swap=*/false);
}

void check_memory(const std::string& scenario_path, const models::Scenario& scenario,
                  unsigned concurrent_runs, bool enabled, bool quiet) {
  const std::optional<std::uint64_t> available = available_memory_bytes();
  if (!available) return;
  const sim::MemoryEstimate estimate = sim::estimate_memory(scenario, concurrent_runs);
  if (enabled) {
    if (auto refusal = sim::memory_refusal(estimate, *available, scenario_path, scenario))
      throw std::invalid_argument(*refusal);
  }
  // Worth a line once the run takes a good share of the machine: a planner sizing a big run
  // sees how close it is before waiting for it.
  if (!quiet && estimate.bytes > 0.25 * static_cast<double>(*available)) {
    std::fprintf(stderr, "memory: %s expected, %.1f GB available\n",
                 sim::describe(estimate).c_str(), static_cast<double>(*available) / 1e9);
  }
}

}  // namespace p2pcdn::cli
