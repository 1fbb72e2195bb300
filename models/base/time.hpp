// Simulated time: integer microseconds since the scenario's start. No floating
// clock anywhere (doubles only at the edges: parsing and reporting).
#pragma once
#include <cstdint>
#include <limits>

namespace p2pcdn {

using TimeUs = std::int64_t;
inline constexpr TimeUs kNever = std::numeric_limits<TimeUs>::max();

constexpr TimeUs us(std::int64_t v) { return v; }
constexpr TimeUs ms(std::int64_t v) { return v * 1000; }
constexpr TimeUs seconds(std::int64_t v) { return v * 1'000'000; }
// From a double number of seconds (scenario values), rounded to the nearest µs.
constexpr TimeUs from_seconds(double s) {
  return static_cast<TimeUs>(s * 1e6 + (s >= 0 ? 0.5 : -0.5));
}
constexpr double to_seconds(TimeUs t) { return static_cast<double>(t) * 1e-6; }

}  // namespace p2pcdn
