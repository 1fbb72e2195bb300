// Shared arithmetic of the flow solvers: unit conversion and the completion-time rounding rule,
// so the reference and the fast solver round identically. Never holds state.
#pragma once
#include <cmath>
#include <cstdint>

#include "sim/flow/flow_network.hpp"

namespace p2pcdn::sim::flow_math {

// Internal rates are bytes per µs (double): bps / 8e6.
inline double bytes_per_us(std::uint64_t bps) { return static_cast<double>(bps) / 8e6; }
inline std::uint64_t to_bps(double bytes_per_us) {
  return static_cast<std::uint64_t>(std::llround(bytes_per_us * 8e6));
}

// Remaining work below this many bytes counts as delivered (absorbs floating-point residue).
inline constexpr double kByteEpsilon = 1e-6;

// First integer µs at which `remaining` bytes at `rate` (bytes/µs) from `from` are delivered.
inline Time finish_time(Time from, double remaining, double rate) {
  if (remaining <= kByteEpsilon) return from;
  if (!(rate > 0.0)) return kNever;
  const double dt = remaining / rate;
  if (dt > 9e15) return kNever;
  // Subtract a tiny relative slack so that an exact integer finish does not round up by 1 µs.
  return from + static_cast<Time>(std::ceil(dt * (1.0 - 1e-12) - 1e-9));
}

}  // namespace p2pcdn::sim::flow_math
