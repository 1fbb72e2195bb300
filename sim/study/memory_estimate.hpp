// How much memory a run will need, estimated from the scenario before it starts, and the
// refusal a run gets when that is more than the machine has: a 10-million-viewer scenario on a
// 24 GB laptop should fail in a second with a message naming the key, not be killed by the
// kernel forty minutes in. Pure: the caller reads the machine's available memory.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "models/scenario/scenario.hpp"

namespace p2pcdn::sim {

// Peak resident bytes per viewer, measured (bench/scale/README.md, "Memory estimate"): ~1.95 KB
// of state plus ~0.55 KB of neighbour lists at the default 32 tracker neighbours once viewers
// have joined over time (2.57 KB at 10^6, 2.41 KB at 5 x 10^6); ~3.8 KB while a crowd that
// joined at the same instant sets up its connections (attempts and events in flight for every
// viewer at once).
inline constexpr double kStateBytesPerViewer = 1950.0;
inline constexpr double kListBytesPerViewerAt32 = 550.0;  // scales with neighbours / 32
inline constexpr double kBurstBytesPerViewer = 3800.0;
inline constexpr double kFixedBytes = 32.0e6;  // binary, world, metrics, buffers

struct MemoryEstimate {
  double peak_viewers = 0;   // maximum of the concurrency curve over the run
  double burst_viewers = 0;  // viewers in the stream at t = 0 (they all join at once)
  double bytes_per_viewer = 0;
  unsigned concurrent_runs = 1;  // simulations held in memory at once (baseline, replications)
  double bytes = 0;              // the estimate, all concurrent runs together
};

// concurrent_runs: how many simulations of this scenario the command holds at once (>= 1).
MemoryEstimate estimate_memory(const models::Scenario& scenario, unsigned concurrent_runs);

// The error for a run whose estimate exceeds available_bytes (nullopt: it fits), naming the
// scenario file and the key that sets the audience size.
std::optional<std::string> memory_refusal(const MemoryEstimate& estimate,
                                          std::uint64_t available_bytes,
                                          const std::string& scenario_path,
                                          const models::Scenario& scenario);

// "~2.7 GB (1,000,000 viewers x ~2.7 KB)" for the CLI.
std::string describe(const MemoryEstimate& estimate);

}  // namespace p2pcdn::sim
