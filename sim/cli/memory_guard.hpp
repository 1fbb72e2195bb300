// The CLI's memory check before a run: estimates what the scenario needs
// (sim/study/memory_estimate.hpp) and compares it with what this machine has available now.
// Reads /proc/meminfo and the cgroup limits; never changes what a run computes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "models/scenario/scenario.hpp"

namespace p2pcdn::cli {

// Simulations a study holds at once: one per thread (--threads, 0 = all cores), at most `runs`.
unsigned runs_at_once(int threads, std::size_t runs);

// Memory a run can have without swapping: MemAvailable of /proc/meminfo, or less when this
// process's cgroup (or an ancestor) is limited; nullopt where it cannot be read (not Linux).
std::optional<std::uint64_t> available_memory_bytes();

// Throws std::invalid_argument (naming the file and the audience key) when the estimate for
// `concurrent_runs` simulations exceeds the available memory, unless `enabled` is false. Prints
// the estimate to stderr when it is a sizeable share of the machine (unless quiet).
void check_memory(const std::string& scenario_path, const models::Scenario& scenario,
                  unsigned concurrent_runs, bool enabled, bool quiet);

}  // namespace p2pcdn::cli
