// The library's version, for hosts that log what they run.
#pragma once

namespace p2pcdn::sched {
// "MAJOR.MINOR.PATCH" of the scheduler library (not of the simulator).
const char* version();
}  // namespace p2pcdn::sched
