// Builds the scheduler's AgentConfig from a scenario's p2p section: the policy
// by name and the knob overrides (p2p.scheduler_knobs) by their field names.
// Unknown knobs and out-of-range values are errors naming the key.
#pragma once
#include <string>
#include <vector>

#include "models/scenario/scenario.hpp"
#include "p2pcdn/scheduler/config.hpp"

namespace p2pcdn::sim {

// The scheduler registry's spelling of the scenario's policy ("cdn-only" when p2p.enabled is
// false), in static storage; empty if the registry has no such policy.
std::string_view policy_name(const models::Scenario& scenario);

// A problem with a scenario found by the simulator, by key path (the loader adds file:line).
struct ConfigProblem {
  std::string key_path;  // e.g. "p2p.scheduler_knobs.peers_max"
  std::string message;
};

// Throws std::invalid_argument("p2p.scheduler_knobs.<name>: ...") on an unknown knob or a
// value its field cannot hold. Unless the scenario sets window_segments, the agent's window is
// sized to the stream: default_window_segments.
sched::AgentConfig make_agent_config(const models::Scenario& scenario);
// Same, but every such problem is appended to `problems` (the knob is then left at its
// default) instead of thrown.
sched::AgentConfig make_agent_config(const models::Scenario& scenario,
                                     std::vector<ConfigProblem>& problems);

// The smallest window ring (16, 32 or 64 segments) whose slots ahead of the player's next
// segment reach the live edge from as far behind it as the player lets itself fall
// (player.live_max_latency_s, or the join distance if larger) plus one segment: the window
// holds what a live viewer can use, so the agent is up to ~800 B smaller than with 64 slots.
// A viewer further behind sees the newest segments only as it advances, as a real client
// with a bounded window (or a live playlist that has dropped them) does. Measured: in a
// 30 %-rebuffering swarm 32 and 64 slots decide identically, 16 (48 s ahead) loses offload.
std::uint16_t default_window_segments(const models::Scenario& scenario,
                                      const sched::AgentConfig& config);

// Names of every knob accepted in p2p.scheduler_knobs (for help and errors).
std::vector<std::string> agent_knob_names();

}  // namespace p2pcdn::sim
