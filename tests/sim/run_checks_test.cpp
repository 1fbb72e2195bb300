// `validate` agrees with `run` (issue 25): every scenario the run refuses before it starts is
// refused by the loader with the run checks (what `validate` and every verb use), with the
// file, line and key of the cause; and the run itself still refuses it (same code).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"
#include "sim/host/run_checks.hpp"
#include "sim/host/simulation.hpp"
#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

namespace fs = std::filesystem;

// smoke.yaml shortened, plus `extra` lines appended (so their line numbers are known).
struct ScenarioFile {
  fs::path path;
  int first_extra_line = 0;
};

ScenarioFile write_scenario(const std::string& name, const std::string& extra) {
  std::ifstream in(testing::scenario_path("smoke.yaml"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  int lines = 0;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  ScenarioFile file;
  file.path = fs::temp_directory_path() / ("p2pcdn_run_checks_" + name + ".yaml");
  file.first_extra_line = lines + 1;
  std::ofstream(file.path) << text << extra;
  return file;
}

std::string listing(const models::LoadResult& r) { return models::format_errors(r.errors); }

struct Case {
  const char* name;
  std::string yaml;      // appended to smoke.yaml
  const char* key_path;  // where the error must be reported
  int line_offset;       // its line, from the first appended line
  const char* message_part;
};

class RunChecks : public ::testing::TestWithParam<Case> {};

TEST_P(RunChecks, ValidateReportsWhatTheRunRefusesAtItsLine) {
  const Case& c = GetParam();
  const ScenarioFile file = write_scenario(c.name, c.yaml);

  // What validate and the verbs do: one error, at the key's file:line.
  const models::LoadResult checked = models::load_scenario(file.path, {}, runnable_check());
  ASSERT_FALSE(checked.scenario.has_value());
  ASSERT_EQ(checked.errors.size(), 1u) << listing(checked);
  const models::ScenarioError& e = checked.errors[0];
  EXPECT_EQ(e.file, file.path.generic_string());
  EXPECT_EQ(e.key_path, c.key_path) << listing(checked);
  EXPECT_EQ(e.line, file.first_extra_line + c.line_offset) << listing(checked);
  EXPECT_NE(e.message.find(c.message_part), std::string::npos) << listing(checked);

  // The run refuses it too, with the same key, when given the scenario without the checks.
  const models::LoadResult unchecked = models::load_scenario(file.path);
  if (unchecked.scenario) {
    SimulationOptions options;
    options.seed = 1;
    try {
      (void)simulate(*unchecked.scenario, options);
      ADD_FAILURE() << "the run accepted what validate refuses";
    } catch (const std::exception& thrown) {
      EXPECT_NE(std::string(thrown.what()).find(c.key_path), std::string::npos) << thrown.what();
    }
  }
  fs::remove(file.path);
}

INSTANTIATE_TEST_SUITE_P(
    Issue25, RunChecks,
    ::testing::Values(
        Case{"unknown_knob", "  scheduler_knobs:\n    peer_max: 10\n",
             "p2p.scheduler_knobs.peer_max", 1, "unknown scheduler knob"},
        Case{"peers_max", "  scheduler_knobs:\n    upload_slots: 2\n    peers_max: 255\n",
             "p2p.scheduler_knobs.peers_max", 2, "peers_max must be in [1, 64]"},
        Case{"window_segments", "  scheduler_knobs:\n    window_segments: 3\n",
             "p2p.scheduler_knobs.window_segments", 1, "window_segments must be 8, 16, 32 or 64"},
        Case{"zero_timeout", "  scheduler_knobs:\n    p2p_no_bytes_timeout_us: 0\n",
             "p2p.scheduler_knobs.p2p_no_bytes_timeout_us", 1, "refuses 0"},
        Case{"zero_upload_timeout", "  scheduler_knobs:\n    upload_slot_timeout_us: 0\n",
             "p2p.scheduler_knobs.upload_slot_timeout_us", 1, "refuses 0"},
        Case{"knob_too_big_for_field", "  scheduler_knobs:\n    peers_max: 300\n",
             "p2p.scheduler_knobs.peers_max", 1, "must be an integer in [0, 255]"},
        // Fine alone, not together: reported at the knobs (the mapping, at its first line).
        Case{"retry_delays",
             "  scheduler_knobs:\n    http_retry_delay_us: 5000000\n"
             "    http_retry_delay_max_us: 1000000\n",
             "p2p.scheduler_knobs", 1, "http_retry_delay_us must be >= 0 and <="},
        Case{"interval_tiny", "metrics:\n  interval_s: 1e-9\n", "metrics.interval_s", 1,
             "must be >= 1e-06"},
        Case{"interval_too_many_samples", "metrics:\n  interval_s: 0.0001\n", "metrics.interval_s",
             1, "3000000 samples, at most 1000000"}),
    [](const ::testing::TestParamInfo<Case>& case_info) {
      return std::string(case_info.param.name);
    });

TEST(RunChecksRenditions, TooManyRenditionsAreOneErrorAtTheList) {
  // In a file extending smoke.yaml: the list (replacing smoke's) is reported where written.
  std::string yaml =
      "extends: " + testing::scenario_path("smoke.yaml") + "\nstream:\n  renditions:\n";
  for (int i = 0; i < 300; ++i)
    yaml +=
        "    - {name: r" + std::to_string(i) + ", bitrate_kbps: " + std::to_string(100 + i) + "}\n";
  const fs::path path = fs::temp_directory_path() / "p2pcdn_run_checks_renditions.yaml";
  std::ofstream(path) << yaml;
  const models::LoadResult r = models::load_scenario(path, {}, runnable_check());
  ASSERT_EQ(r.errors.size(), 1u) << listing(r);
  EXPECT_EQ(r.errors[0].file, path.generic_string());
  EXPECT_EQ(r.errors[0].key_path, "stream.renditions");
  EXPECT_EQ(r.errors[0].line, 4);
  EXPECT_EQ(r.errors[0].message, "at most 255 renditions (got 300)");
  fs::remove(path);
}

TEST(RunChecksShipped, EveryShippedScenarioPassesTheRunChecks) {
  for (const auto& entry : fs::directory_iterator(std::string(P2PCDN_SOURCE_DIR) + "/scenarios")) {
    if (entry.path().extension() != ".yaml") continue;
    const models::LoadResult r = models::load_scenario(entry.path(), {}, runnable_check());
    EXPECT_TRUE(r.errors.empty()) << entry.path() << ":\n" << listing(r);
  }
}

TEST(RunChecksSetup, SchedulerSetupIsWhatTheHostUses) {
  const models::Scenario s = testing::load("smoke.yaml", {"p2p.neighbours=40"});
  std::vector<ConfigProblem> problems;
  const SchedulerSetup setup = scheduler_setup(s, problems);
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(setup.agent.peers_max, 40);  // raised to the neighbour count
  EXPECT_EQ(setup.tracker.neighbours_max, 40);
  EXPECT_EQ(setup.tracker.inbound_max, 80);
  EXPECT_EQ(setup.agent.window_segments, default_window_segments(s, setup.agent));
}

}  // namespace
}  // namespace p2pcdn::sim
