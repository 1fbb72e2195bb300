#include "sim/host/run_checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "p2pcdn/scheduler/agent.hpp"
#include "sim/host/audience_source.hpp"
#include "sim/host/world.hpp"

namespace p2pcdn::sim {
namespace {

// The scheduler names its caps (kPeersMax, ...); a scenario author needs their values.
std::string with_cap_values(std::string message) {
  const std::pair<std::string_view, std::size_t> caps[] = {
      {"kHttpDownloadsMax", sched::kHttpDownloadsMax},
      {"kP2pDownloadsMax", sched::kP2pDownloadsMax},
      {"kUploadsMax", sched::kUploadsMax},
      {"kUploadQueueMax", sched::kUploadQueueMax},
      {"kPeersMax", sched::kPeersMax},
      {"kWindowSegmentsMax", sched::kWindowSegmentsMax},
  };
  for (const auto& [name, value] : caps) {
    if (const auto at = message.find(name); at != std::string::npos)
      message.replace(at, name.size(), std::to_string(value));
  }
  return message;
}

// The agent configuration of `scenario` as the Host uses it: knobs, then peers_max raised to
// the tracker's neighbour count (the host keeps a connection to every neighbour it is given).
sched::AgentConfig run_agent_config(const models::Scenario& scenario,
                                    std::vector<ConfigProblem>& problems) {
  sched::AgentConfig config = make_agent_config(scenario, problems);
  if (config.peers_max < scenario.p2p.neighbours) {
    config.peers_max = static_cast<std::uint8_t>(
        std::min<int>(scenario.p2p.neighbours, static_cast<int>(sched::kPeersMax)));
  }
  return config;
}

// The agent refuses its configuration with the first problem it finds and no key: try each
// knob alone on the defaults to find the ones it refuses.
void attribute_agent_refusal(const models::Scenario& scenario, const std::string& refusal,
                             std::vector<ConfigProblem>& problems) {
  bool found = false;
  for (const auto& [name, value] : scenario.p2p.scheduler_knobs) {
    models::Scenario alone = scenario;
    alone.p2p.scheduler_knobs = {{name, value}};
    std::vector<ConfigProblem> ignored;  // reported already, from the whole configuration
    const sched::AgentConfig config = run_agent_config(alone, ignored);
    if (!ignored.empty()) continue;
    const auto probe = sched::Agent::create(config, 0, 0);
    if (probe.ok()) continue;
    problems.push_back(
        {"p2p.scheduler_knobs." + name, fmt::format("the scheduler refuses {}: {}", value,
                                                    with_cap_values(probe.status().detail()))});
    found = true;
  }
  if (!found) {
    // Knobs that are fine alone but not together (e.g. the retry delays), or the scenario's
    // own fields (neighbours, the stream's window).
    const std::string key = scenario.p2p.scheduler_knobs.empty() ? "p2p" : "p2p.scheduler_knobs";
    problems.push_back(
        {key, "the scheduler refuses this configuration: " + with_cap_values(refusal)});
  }
}

sched::TrackerConfig run_tracker_config(const models::Scenario& scenario) {
  sched::TrackerConfig tracker;
  tracker.neighbours_max = static_cast<std::uint16_t>(std::max(1, scenario.p2p.neighbours));
  tracker.inbound_max = static_cast<std::uint16_t>(2 * tracker.neighbours_max);
  for (std::size_t a = 0; a < models::kNatTypeCount; ++a)
    for (std::size_t b = 0; b < models::kNatTypeCount; ++b)
      tracker.can_connect[a][b] = scenario.nat.direct_possible[a][b] || scenario.turn.enabled;
  return tracker;
}

// The section key of a model builder's message ("stream: at most 255 renditions").
std::pair<std::string, std::string> section_of(const std::string& what) {
  static const std::pair<std::string_view, std::string_view> prefixes[] = {
      {"topology: ", "topology"}, {"cdn: ", "cdn"},        {"stream: ", "stream"},
      {"player: ", "player"},     {"abr: ", "player.abr"}, {"audience: ", "audience"},
  };
  for (const auto& [prefix, key] : prefixes) {
    if (what.starts_with(prefix)) return {std::string(key), what.substr(prefix.size())};
  }
  return {"", what};
}

}  // namespace

SchedulerSetup scheduler_setup(const models::Scenario& scenario,
                               std::vector<ConfigProblem>& problems) {
  SchedulerSetup setup;
  // Knobs that cannot be set are reported and left at their defaults; the agent then judges
  // the others, so that one unknown knob does not hide a refused value.
  setup.agent = run_agent_config(scenario, problems);
  const auto probe = sched::Agent::create(setup.agent, 0, 0);
  if (!probe.ok()) attribute_agent_refusal(scenario, probe.status().detail(), problems);
  setup.tracker = run_tracker_config(scenario);
  if (!sched::Tracker::create(setup.tracker, 0).ok()) {
    bool symmetric = true;
    for (std::size_t a = 0; a < models::kNatTypeCount; ++a)
      for (std::size_t b = 0; b < models::kNatTypeCount; ++b)
        symmetric = symmetric && setup.tracker.can_connect[a][b] == setup.tracker.can_connect[b][a];
    if (!symmetric) {
      problems.push_back({"nat",
                          "the tracker needs direct connectivity to be symmetric "
                          "(A can reach B exactly when B can reach A)"});
    } else {
      problems.push_back({"p2p.neighbours", fmt::format("the tracker refuses {} neighbours",
                                                        scenario.p2p.neighbours)});
    }
  }
  return setup;
}

SchedulerSetup scheduler_setup_or_throw(const models::Scenario& scenario) {
  std::vector<ConfigProblem> problems;
  SchedulerSetup setup = scheduler_setup(scenario, problems);
  if (!problems.empty()) {
    std::string message;
    for (const ConfigProblem& p : problems)
      message += (message.empty() ? "" : "; ") + p.key_path + ": " + p.message;
    throw std::invalid_argument(message);
  }
  return setup;
}

std::vector<ConfigProblem> check_runnable(const models::Scenario& scenario) {
  std::vector<ConfigProblem> problems;
  (void)scheduler_setup(scenario, problems);
  // What the Host builds before its first event; their messages name the problem.
  try {
    (void)World::build(scenario, 0);
    (void)AudienceSource(scenario, 0);
  } catch (const std::exception& e) {
    auto [key, message] = section_of(e.what());
    problems.push_back({std::move(key), std::move(message)});
  }
  return problems;
}

models::ScenarioCheck runnable_check() {
  return [](const models::Scenario& scenario, const models::ReportProblem& report) {
    for (ConfigProblem& p : check_runnable(scenario)) report(p.key_path, std::move(p.message));
  };
}

}  // namespace p2pcdn::sim
