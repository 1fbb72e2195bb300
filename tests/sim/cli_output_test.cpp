// The CLI's output directory end to end (issue 23): every verb that writes refuses an unusable
// --out before its first event (on default.yaml, minutes of simulation, these must return in
// seconds), and a destination that fails during the run loses nothing: the outputs go to a
// rescue directory in the working directory, exit status 4 says so. Two runs on one --out: the
// second is refused before its first event (issue 25).
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "analysis/io/json.hpp"
#include "analysis/io/output_set_reader.hpp"
#include "tests/support/cli_process.hpp"
#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::sim {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::ProcessResult;
using p2pcdn::testing::quoted;
using p2pcdn::testing::read_text;
using p2pcdn::testing::ScratchDir;
using p2pcdn::testing::write_text;

// Far below the minutes default.yaml takes to simulate: the refusal came before the run.
constexpr double kRefusalSeconds = 30;

std::string scenario(const std::string& name) {
  return std::string(P2PCDN_SOURCE_DIR) + "/scenarios/" + name;
}

// `timeout` keeps a regression (a verb that simulates before checking) from hanging the suite.
ProcessResult cli(const ScratchDir& scratch, std::vector<std::string> args,
                  const std::function<void()>& while_running = {},
                  const std::vector<std::string>& prefix = {}) {
  std::vector<std::string> argv = {"timeout", "300"};
  argv.insert(argv.end(), prefix.begin(), prefix.end());
  argv.push_back(P2PCDN_SIM_BINARY);
  argv.insert(argv.end(), args.begin(), args.end());
  const fs::path cwd = scratch / "cwd";
  fs::create_directories(cwd);
  return p2pcdn::testing::run_process(argv, cwd, scratch.path(), while_running);
}

void expect_refused(const ProcessResult& r, const std::string& reason) {
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find(reason), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, kRefusalSeconds) << "the verb simulated before checking its output";
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

const std::set<std::string> kRunFiles = {"outputs.json", "report.html", "summary.json",
                                         "timeseries.csv", "timeseries_pops.csv"};

// The rescue directory the CLI made in its working directory (exactly one).
fs::path rescue_dir(const ScratchDir& scratch) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(scratch / "cwd"))
    if (entry.path().filename().string().rfind("p2pcdn-sim-rescue-", 0) == 0)
      found.push_back(entry.path());
  EXPECT_EQ(found.size(), 1U);
  return found.empty() ? fs::path() : found[0];
}

// Polls until `path` exists: the CLI creates --out in its pre-flight check, before the run.
bool wait_for(const fs::path& path) {
  for (int i = 0; i < 60'000; ++i) {
    if (fs::exists(path)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// Polls until the run holds its lock on `out`: the lock file exists from the run's open(O_CREAT),
// but the run owns it only once it has written its pid there. Removing the directory between the
// two is a failure of the pre-flight check (exit 1, "cannot open the lock file"), not of the run.
bool wait_for_lock(const fs::path& out) {
  const fs::path lock = out / ".p2pcdn-sim.lock";
  for (int i = 0; i < 60'000; ++i) {
    std::error_code ec;
    if (fs::exists(lock, ec) && fs::file_size(lock, ec) > 0 && !ec) {
      const std::string pid = read_text(lock);
      if (!pid.empty() && pid.back() == '\n') return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

TEST(CliOutput, AFileInTheWayStopsEveryWritingVerbBeforeItsFirstEvent) {
  ScratchDir scratch;
  const fs::path file = scratch / "file";
  write_text(file, "precious");
  const std::string in_the_way = quoted(file) + " exists and is not a directory";
  const std::string big = scenario("default.yaml");
  expect_refused(cli(scratch, {"run", big, "--out", file.string()}), in_the_way);
  expect_refused(cli(scratch, {"run", big, "--replications", "3", "--out", file.string()}),
                 in_the_way);
  expect_refused(
      cli(scratch, {"sweep", big, "--vary", "p2p.neighbours=16,32", "--out", file.string()}),
      in_the_way);
  expect_refused(cli(scratch, {"compare", big, "--policy-a", "windowed", "--policy-b",
                               "deadline-aware", "--out", file.string()}),
                 in_the_way);
  expect_refused(cli(scratch, {"run", big, "--out", (file / "sub").string()}),
                 quoted(file) + " is a file, not a directory");
  EXPECT_EQ(read_text(file), "precious");
}

TEST(CliOutput, VerbsThatWriteNothingRefuseOut) {
  ScratchDir scratch;
  const auto r = cli(scratch, {"bound", scenario("default.yaml"), "--out", "x"});
  expect_refused(r, "--out: 'bound' writes no files");
  EXPECT_FALSE(fs::exists(scratch / "cwd" / "x"));
}

TEST(CliOutput, AReadOnlyDirectoryIsRefusedForANonRootUser) {
  ScratchDir scratch;
  const fs::path read_only = scratch / "read-only";
  fs::create_directories(read_only);
  ::chmod(read_only.c_str(), 0555);
  std::vector<std::string> as_nobody;
  if (::geteuid() == 0) {
    if (!p2pcdn::testing::in_path("setpriv"))
      GTEST_SKIP() << "running as root without setpriv: cannot run the CLI as another user";
    as_nobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"};
  }
  fs::create_directories(scratch / "cwd");
  ::chmod((scratch / "cwd").c_str(), 0777);
  const auto r =
      cli(scratch, {"run", scenario("default.yaml"), "--out", (read_only / "out").string()}, {},
          as_nobody);
  if (r.status == 127 || r.err.find("setpriv:") != std::string::npos)
    GTEST_SKIP() << "setpriv could not switch to nobody: " << r.err;
  expect_refused(r, "cannot write in '" + read_only.string() + "': Permission denied");
  EXPECT_TRUE(fs::is_empty(read_only));
}

TEST(CliOutput, AFilesystemTooSmallForTheOutputsIsRefused) {
  ScratchDir scratch;
  if (auto why = scratch.mount_tmpfs("small", "32k")) GTEST_SKIP() << *why;
  const auto r = cli(
      scratch, {"run", scenario("default.yaml"), "--out", (scratch / "small" / "out").string()});
  expect_refused(r, "not enough room in '" + (scratch / "small").string() + "'");
  EXPECT_FALSE(fs::exists(scratch / "small" / "out"));
}

TEST(CliOutput, AWholeRunLeavesExactlyItsFilesInTheDestination) {
  ScratchDir scratch;
  const fs::path out = scratch / "out";
  const auto r = cli(scratch, {"run", scenario("smoke.yaml"), "--quiet", "--out", out.string()});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(names_in(out), kRunFiles);
  EXPECT_NE(r.out.find(out.string() + "/{summary.json"), std::string::npos) << r.out;
  EXPECT_TRUE(fs::is_empty(scratch / "cwd"));
  const auto set = analysis::io::read_committed_set(out);
  ASSERT_TRUE(std::holds_alternative<analysis::io::CommittedSet>(set))
      << std::get<std::string>(set);
  std::set<std::string> listed;
  for (const auto& [name, content] : std::get<analysis::io::CommittedSet>(set).files)
    listed.insert(name);
  EXPECT_EQ(listed, (std::set<std::string>{"report.html", "summary.json", "timeseries.csv",
                                           "timeseries_pops.csv"}));
}

// A second run on the --out of a run in progress stops before its first event, naming the
// directory and the first run's pid; the first run goes on and delivers its outputs.
TEST(CliOutput, ASecondRunOnTheSameDestinationIsRefusedAtOnce) {
  ScratchDir scratch;
  const fs::path out = scratch / "out";
  const fs::path lock_file = out / ".p2pcdn-sim.lock";
  std::string holder;
  ProcessResult second;
  const auto first =
      cli(scratch, {"run", scenario("default.yaml"), "--quiet", "--out", out.string()}, [&] {
        ASSERT_TRUE(wait_for(lock_file));
        for (int i = 0; i < 10'000 && holder.empty(); ++i) {
          holder = read_text(lock_file);
          std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        while (!holder.empty() && holder.back() == '\n') holder.pop_back();
        second = cli(scratch, {"run", scenario("default.yaml"), "--out", out.string()});
        // Ctrl-C for the first run (the sim itself, whose pid the lock file holds): it stops
        // early and writes its partial outputs.
        if (!holder.empty()) ::kill(std::stoi(holder), SIGINT);
      });
  ASSERT_FALSE(holder.empty()) << "the first run wrote no pid into its lock file";
  expect_refused(second, quoted(out) + " is being written by another run (pid " + holder + ",");
  EXPECT_EQ(first.status, 130) << first.err;
  EXPECT_TRUE(
      std::holds_alternative<analysis::io::CommittedSet>(analysis::io::read_committed_set(out)));
  EXPECT_FALSE(fs::exists(lock_file)) << "released when the first run ended";
}

// The directory removed mid-run (as a cleanup script or an unmounted share would): not
// re-created, the outputs in a rescue directory, bit for bit those of a normal run.
TEST(CliOutput, TheDirectoryRemovedDuringTheRunIsRescuedWithTheSameResults) {
  ScratchDir scratch;
  const fs::path out = scratch / "out";
  const auto r =
      cli(scratch, {"run", scenario("smoke.yaml"), "--quiet", "--out", out.string()}, [&] {
        // The lock held, not the directory made: the run creates the directory, then its lock
        // file, then locks it and writes its pid; removing the directory before that is a
        // different failure (the lock's, exit 1).
        ASSERT_TRUE(wait_for_lock(out));
        fs::remove_all(out);
      });
  EXPECT_EQ(r.status, 4) << r.err;
  EXPECT_FALSE(fs::exists(out));
  const fs::path rescue = rescue_dir(scratch);
  ASSERT_FALSE(rescue.empty());
  EXPECT_EQ(names_in(rescue), kRunFiles);
  EXPECT_NE(r.err.find("the outputs are in '" + rescue.string() + "'"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find(rescue.string() + "/{summary.json"), std::string::npos) << r.out;

  // The same run into a working destination: the same summary but for its "run" object.
  const fs::path normal = scratch / "normal";
  ASSERT_EQ(
      cli(scratch, {"run", scenario("smoke.yaml"), "--quiet", "--out", normal.string()}).status, 0);
  const auto without_run = [](const fs::path& file) {
    analysis::io::Json json = analysis::io::parse_json(read_text(file));
    std::erase_if(json.as_object(), [](const auto& kv) { return kv.first == "run"; });
    return analysis::io::dump(json);
  };
  EXPECT_EQ(without_run(rescue / "summary.json"), without_run(normal / "summary.json"));
  EXPECT_EQ(read_text(rescue / "timeseries.csv"), read_text(normal / "timeseries.csv"));
}

TEST(CliOutput, ADiskThatFillsDuringTheRunLeavesNothingHalfWritten) {
  ScratchDir scratch;
  if (auto why = scratch.mount_tmpfs("small", "1m")) GTEST_SKIP() << *why;
  const fs::path out = scratch / "small" / "out";
  const auto r =
      cli(scratch, {"run", scenario("smoke.yaml"), "--quiet", "--out", out.string()}, [&] {
        ASSERT_TRUE(wait_for_lock(out));
        p2pcdn::testing::fill_filesystem(scratch / "small");
      });
  EXPECT_EQ(r.status, 4) << r.err;
  EXPECT_NE(r.err.find("No space left on device"), std::string::npos) << r.err;
  EXPECT_TRUE(fs::is_empty(out)) << "no staging or temp file left in the destination";
  const fs::path rescue = rescue_dir(scratch);
  ASSERT_FALSE(rescue.empty());
  EXPECT_EQ(names_in(rescue), kRunFiles);
  EXPECT_NE(read_text(rescue / "summary.json").find("\"schema\""), std::string::npos);
}

}  // namespace
}  // namespace p2pcdn::sim
