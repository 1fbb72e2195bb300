// The CLI's data for pandas and its identity (issue 24, item 8), end to end: `--version`, and
// `run --replications --keep-replications` writing every replication's time series in one tidy
// table whose rows say which run they are.
#include <gtest/gtest.h>

#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/cli_process.hpp"
#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::sim {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::ProcessResult;
using p2pcdn::testing::read_text;
using p2pcdn::testing::ScratchDir;

ProcessResult cli(const ScratchDir& scratch, std::vector<std::string> args) {
  std::vector<std::string> argv = {"timeout", "120", P2PCDN_SIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  fs::create_directories(scratch / "cwd");
  return p2pcdn::testing::run_process(argv, scratch / "cwd", scratch.path());
}

std::string smoke() { return std::string(P2PCDN_SOURCE_DIR) + "/scenarios/smoke.yaml"; }

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(RunCli, VersionNamesTheSimulatorAndTheScheduler) {
  const ScratchDir scratch;
  for (const char* flag : {"--version", "-V"}) {
    const ProcessResult r = cli(scratch, {flag});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("p2pcdn-sim ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("(scheduler "), std::string::npos) << r.out;
  }
  EXPECT_NE(cli(scratch, {"--help"}).out.find("--version"), std::string::npos);
}

TEST(RunCli, KeepReplicationsWritesEveryTimeSeriesInOneTable) {
  const ScratchDir scratch;
  const fs::path out = scratch / "out";
  const ProcessResult r =
      cli(scratch, {"run", smoke(), "--quiet", "--replications", "2", "--seed", "5",
                    "--keep-replications", "--set", "run.duration_s=40", "--out", out.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  const auto table = lines_of(read_text(out / "replications_timeseries.csv"));
  ASSERT_FALSE(table.empty());
  EXPECT_EQ(table[0].rfind("scenario,seed,policy,t_start_s,t_end_s,", 0), 0u) << table[0];
  // 40 s in 10 s intervals: 4 rows per replication, seeds 5 then 6, one header.
  ASSERT_EQ(table.size(), 1u + 2 * 4);
  std::set<std::string> seeds;
  for (std::size_t i = 1; i < table.size(); ++i) {
    const std::string after_name = table[i].substr(table[i].find(',') + 1);
    seeds.insert(after_name.substr(0, after_name.find(',')));
  }
  EXPECT_EQ(seeds, (std::set<std::string>{"5", "6"}));
  // The first replication's rows are its own timeseries.csv's, identity included.
  const auto first = lines_of(read_text(out / "timeseries.csv"));
  ASSERT_EQ(first.size(), 5u);
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(table[i], first[i]) << i;
  EXPECT_NE(read_text(out / "outputs.json").find("replications_timeseries.csv"), std::string::npos);
  // Without it, no such file; and the flag needs replications.
  const fs::path plain = scratch / "plain";
  ASSERT_EQ(cli(scratch, {"run", smoke(), "--quiet", "--replications", "2", "--set",
                          "run.duration_s=40", "--out", plain.string()})
                .status,
            0);
  EXPECT_FALSE(fs::exists(plain / "replications_timeseries.csv"));
  const ProcessResult alone = cli(scratch, {"run", smoke(), "--keep-replications"});
  EXPECT_EQ(alone.status, 1);
  EXPECT_NE(alone.err.find("--keep-replications only applies with --replications"),
            std::string::npos)
      << alone.err;
}

}  // namespace
}  // namespace p2pcdn::sim
