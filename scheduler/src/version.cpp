#include "p2pcdn/scheduler/version.hpp"

namespace p2pcdn::sched {
const char* version() { return "0.2.0"; }
}  // namespace p2pcdn::sched
