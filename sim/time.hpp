// Simulated time for the engine: the project's integer microseconds re-exported
// under p2pcdn::sim so engine code reads `sim::Time`. Must never introduce a
// floating-point clock or a second definition of the time type.
#pragma once
#include "models/base/time.hpp"

namespace p2pcdn::sim {

using Time = p2pcdn::TimeUs;
using p2pcdn::from_seconds;
using p2pcdn::kNever;
using p2pcdn::ms;
using p2pcdn::seconds;
using p2pcdn::to_seconds;
using p2pcdn::us;

}  // namespace p2pcdn::sim
