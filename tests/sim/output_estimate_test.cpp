// The outputs' size estimate against real outputs: never below what is written (a destination
// judged roomy enough must be), and not so far above that a disk with ample room is refused.
#include "sim/study/output_estimate.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "sim/run.hpp"
#include "tests/sim/sim_test_support.hpp"
#include "tests/support/cli_process.hpp"
#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::sim {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::ScratchDir;

std::uint64_t bytes_in(const fs::path& dir) {
  std::uint64_t total = 0;
  for (const auto& entry : fs::directory_iterator(dir)) total += fs::file_size(entry.path());
  return total;
}

void expect_bounds(std::uint64_t estimate, std::uint64_t actual) {
  EXPECT_GE(estimate, actual) << "the estimate must cover the outputs";
  EXPECT_LE(estimate, 4 * actual + 256'000) << "actual " << actual;
}

TEST(OutputEstimate, CoversARunsOutputsWithoutWildExcess) {
  ScratchDir scratch;
  for (const char* name : {"smoke.yaml", "ci.yaml"}) {
    SCOPED_TRACE(name);
    // A longer, finer time series than the file's: rows dominate the CSV and the plots.
    const models::Scenario scenario = testing::load(
        name,
        {"run.duration_s=600", "metrics.interval_s=2", "audience.concurrency.peak_viewers=300"});
    RunRequest request;
    request.seed = 3;
    const RunOutcome outcome = run_once(scenario, request);
    const fs::path out = scratch / scenario.name;
    write_run_outputs(out, scenario, outcome);
    expect_bounds(estimate_run_output_bytes(scenario), bytes_in(out));
  }
}

TEST(OutputEstimate, GrowsWithTheTimeSeries) {
  const models::Scenario short_run = testing::load("smoke.yaml", {});
  const models::Scenario long_run = testing::load("smoke.yaml", {"run.duration_s=36000"});
  EXPECT_GT(estimate_run_output_bytes(long_run), 10 * estimate_run_output_bytes(short_run) / 2);
}

// The studies' files, written by the CLI on smoke.
TEST(OutputEstimate, CoversTheStudiesOutputs) {
  ScratchDir scratch;
  const std::string smoke = std::string(P2PCDN_SOURCE_DIR) + "/scenarios/smoke.yaml";
  const auto cli = [&](std::vector<std::string> args, const fs::path& out) {
    args.insert(args.begin(), P2PCDN_SIM_BINARY);
    for (const char* a : {"--quiet", "--set", "audience.concurrency.peak_viewers=200", "--set",
                          "run.duration_s=120", "--out"})
      args.push_back(a);
    args.push_back(out.string());
    const auto r = p2pcdn::testing::run_process(args, scratch.path(), scratch.path());
    ASSERT_EQ(r.status, 0) << r.err;
  };
  cli({"run", smoke, "--replications", "3"}, scratch / "replications");
  const models::Scenario scenario =
      testing::load("smoke.yaml", {"audience.concurrency.peak_viewers=200", "run.duration_s=120"});
  expect_bounds(estimate_run_output_bytes(scenario) + estimate_replications_output_bytes(3),
                bytes_in(scratch / "replications"));
  cli({"sweep", smoke, "--vary", "p2p.neighbours=8,16,32", "--replications", "2"},
      scratch / "sweep");
  expect_bounds(estimate_sweep_output_bytes(3), bytes_in(scratch / "sweep"));
  cli({"compare", smoke, "--policy-a", "windowed", "--policy-b", "deadline-aware", "--replications",
       "3"},
      scratch / "compare");
  expect_bounds(estimate_compare_output_bytes(3), bytes_in(scratch / "compare"));
}

}  // namespace
}  // namespace p2pcdn::sim
