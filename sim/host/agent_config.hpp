// Builds the scheduler's AgentConfig from a scenario's p2p section: the policy
// by name and the knob overrides (p2p.scheduler_knobs) by their field names.
// Unknown knobs and out-of-range values are errors naming the key.
#pragma once
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "p2pcdn/scheduler/config.hpp"

namespace p2pcdn::sim {

// Scheduler policy registry name of a scenario policy ("windowed", "cdn-only", ...).
const char* policy_name(models::P2pPolicy policy);

// Throws std::invalid_argument("p2p.scheduler_knobs.<name>: ...") on an unknown knob or a
// value its field cannot hold.
sched::AgentConfig make_agent_config(const models::P2pSpec& p2p);

// Names of every knob accepted in p2p.scheduler_knobs (for help and errors).
std::vector<std::string> agent_knob_names();

}  // namespace p2pcdn::sim
