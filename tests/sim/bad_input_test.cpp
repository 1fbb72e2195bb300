// Bad scenario input through the CLI (issue 21, item 5): a repeated YAML key, an empty file
// and absurd-but-valid sizes are refused at once with file:line: key: message and exit 1,
// never run with a silently chosen value or simulated for hours.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/cli_process.hpp"
#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::sim {
namespace {

using p2pcdn::testing::ProcessResult;
using p2pcdn::testing::ScratchDir;
using p2pcdn::testing::write_text;

constexpr double kRefusalSeconds = 30;

std::string scenario(const std::string& name) {
  return std::string(P2PCDN_SOURCE_DIR) + "/scenarios/" + name;
}

ProcessResult cli(const ScratchDir& scratch, std::vector<std::string> args) {
  std::vector<std::string> argv = {"timeout", "300", P2PCDN_SIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return p2pcdn::testing::run_process(argv, scratch.path(), scratch.path());
}

void expect_refused(const ProcessResult& r, const std::string& line) {
  EXPECT_EQ(r.status, 1) << r.err;
  EXPECT_NE(r.err.find(line), std::string::npos) << r.err;
  EXPECT_LT(r.seconds, kRefusalSeconds) << "refused only after simulating";
}

TEST(BadInput, DuplicateKeyIsRefusedByValidateAndRun) {
  ScratchDir scratch;
  const auto file = scratch / "dup.yaml";
  write_text(file, "extends: " + scenario("smoke.yaml") + "\nrun:\n  seed: 1\n  seed: 2\n");
  const std::string line = file.string() + ":4:3: run.seed: duplicate key 'seed'";
  expect_refused(cli(scratch, {"validate", file.string()}), line);
  expect_refused(cli(scratch, {"run", file.string(), "--out", (scratch / "out").string()}), line);
}

TEST(BadInput, EmptyScenarioFileIsRefused) {
  ScratchDir scratch;
  const auto file = scratch / "empty.yaml";
  write_text(file, "");
  expect_refused(cli(scratch, {"validate", file.string()}),
                 file.string() + ":1:1: the scenario file is empty");
  expect_refused(cli(scratch, {"run", file.string(), "--out", (scratch / "out").string()}),
                 file.string() + ":1:1: the scenario file is empty");
}

// 10^9 viewers is within the loader's cap, so `run` refuses it before its first event by
// its memory estimate (terabytes), naming the key to change.
TEST(BadInput, ABillionViewersIsRefusedBeforeTheRunNamingTheKey) {
  ScratchDir scratch;
  const ProcessResult r =
      cli(scratch, {"run", scenario("smoke.yaml"), "--set", "audience.concurrency.peak_viewers=1e9",
                    "--out", (scratch / "out").string()});
  expect_refused(r, "audience.concurrency.peak_viewers:");
  EXPECT_NE(r.err.find("1,000,000,000 peak concurrent viewers"), std::string::npos) << r.err;
}

TEST(BadInput, MillisecondSegmentsAreRefusedNamingTheKey) {
  ScratchDir scratch;
  expect_refused(cli(scratch, {"validate", scenario("smoke.yaml"), "--set",
                               "stream.segment_duration_s=0.001"}),
                 "stream.segment_duration_s: must be >= 0.1 (got 0.001)");
}

TEST(BadInput, AMillionRenditionsAreRefusedNamingTheList) {
  ScratchDir scratch;
  const auto file = scratch / "ladder.yaml";
  std::string text = "extends: " + scenario("smoke.yaml") +
                     "\nr: &r {name: x, bitrate_kbps: 1}\nstream:\n  renditions: [*r";
  for (int i = 1; i < 1'000'000; ++i) text += ", *r";
  write_text(file, text + "]\n");
  const ProcessResult r = cli(scratch, {"validate", file.string()});
  expect_refused(r, file.string() + ":");
  EXPECT_NE(r.err.find(": stream.renditions["), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("document too large"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace p2pcdn::sim
