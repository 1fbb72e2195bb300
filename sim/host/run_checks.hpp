// What a run needs of a scenario beyond the scenario's own rules (models/scenario/check.cpp):
// a scheduler configuration the agent and the tracker accept, and a world the models can
// build. The one home of these checks: `validate` and every verb that loads a scenario run
// them through the loader (so they get file:line:key), and the Host runs the same code before
// it starts, so the two cannot disagree.
#pragma once
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"
#include "models/scenario/scenario.hpp"
#include "p2pcdn/scheduler/config.hpp"
#include "p2pcdn/scheduler/tracker.hpp"
#include "sim/host/agent_config.hpp"

namespace p2pcdn::sim {

struct SchedulerSetup {
  sched::AgentConfig agent;
  sched::TrackerConfig tracker;
};

// The agent and tracker configuration a run uses (knobs applied, peers_max raised to
// p2p.neighbours, window sized to the stream). Every problem is appended to `problems` by
// the key that causes it: a knob the agent refuses is found by trying each knob alone.
SchedulerSetup scheduler_setup(const models::Scenario& scenario,
                               std::vector<ConfigProblem>& problems);

// Same; throws std::invalid_argument listing every "key: problem" when there is any.
SchedulerSetup scheduler_setup_or_throw(const models::Scenario& scenario);

// Every check a run makes of the scenario before it starts; empty = it can start.
std::vector<ConfigProblem> check_runnable(const models::Scenario& scenario);

// check_runnable as the loader's extra check:
// models::load_scenario(path, sets, sim::runnable_check()).
models::ScenarioCheck runnable_check();

}  // namespace p2pcdn::sim
