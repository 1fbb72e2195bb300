// `check` end to end (issue 24, item 4): it refuses summaries of different scenarios unless
// --allow-different-scenarios, and writes its verdict as JUnit XML and JSON for CI systems.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/io/json.hpp"
#include "analysis/report/summary_json.hpp"
#include "tests/support/cli_process.hpp"
#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::sim {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::ProcessResult;
using p2pcdn::testing::read_text;
using p2pcdn::testing::ScratchDir;
using p2pcdn::testing::write_text;

ProcessResult cli(const ScratchDir& scratch, std::vector<std::string> args) {
  std::vector<std::string> argv = {"timeout", "60", P2PCDN_SIM_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  fs::create_directories(scratch / "cwd");
  return p2pcdn::testing::run_process(argv, scratch / "cwd", scratch.path());
}

// A structurally valid summary.json of `scenario` with the given offload and stalled share.
std::string summary(const ScratchDir& scratch, const std::string& file, const std::string& scenario,
                    double offload, double stalled_share) {
  analysis::Summary s;
  s.offload = offload;
  s.stalled_share = stalled_share;
  analysis::RunInfo info;
  info.scenario_name = scenario;
  info.scenario_path = "scenarios/" + scenario + ".yaml";
  const fs::path path = scratch / file;
  write_text(path, analysis::io::dump(analysis::summary_to_json(s, info)));
  return path.string();
}

TEST(CheckCli, RefusesDifferentScenariosUnlessTold) {
  const ScratchDir scratch;
  const std::string a = summary(scratch, "a.json", "ci", 0.3, 0.01);
  const std::string b = summary(scratch, "b.json", "smoke", 0.3, 0.01);
  const ProcessResult refused = cli(scratch, {"check", a, b});
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("scenario 'ci'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("scenario 'smoke'"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--allow-different-scenarios"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.out.find("PASS"), std::string::npos);  // no verdict printed
  const ProcessResult allowed = cli(scratch, {"check", a, b, "--allow-different-scenarios"});
  EXPECT_EQ(allowed.status, 0) << allowed.err;
  EXPECT_NE(allowed.out.find("PASS"), std::string::npos);
  // The same scenario passes without the flag.
  const std::string a2 = summary(scratch, "a2.json", "ci", 0.3, 0.01);
  EXPECT_EQ(cli(scratch, {"check", a, a2}).status, 0);
  // The flag belongs to check only.
  EXPECT_EQ(cli(scratch, {"validate", "x.yaml", "--allow-different-scenarios"}).status, 1);
}

TEST(CheckCli, WritesJunitAndJson) {
  const ScratchDir scratch;
  const std::string base = summary(scratch, "base.json", "ci", 0.30, 0.01);
  const std::string cur = summary(scratch, "cur.json", "ci", 0.25, 0.01);  // offload -5 points
  const fs::path junit = scratch / "check.xml", json = scratch / "check.json";
  const ProcessResult r =
      cli(scratch, {"check", base, cur, "--junit", junit.string(), "--json", json.string()});
  EXPECT_EQ(r.status, 1) << r.err;
  const std::string xml = read_text(junit);
  EXPECT_EQ(xml.rfind("<?xml", 0), 0u);
  EXPECT_NE(xml.find("<testsuites name=\"p2pcdn-sim check\""), std::string::npos);
  EXPECT_NE(xml.find("failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase classname=\"p2pcdn-sim.check\" name=\"offload\">\n      "
                     "<failure type=\"REGRESSED\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("name=\"stalled_share\">\n      <system-out>ok"), std::string::npos) << xml;
  const analysis::io::Json doc = analysis::io::parse_json(read_text(json));
  EXPECT_EQ(doc.at("schema").as_string(), "p2pcdn-sim/check/1");
  EXPECT_FALSE(doc.at("passed").as_bool());
  EXPECT_EQ(doc.at("regressed").as_int(), 1);
  bool found = false;
  for (const auto& m : doc.at("metrics").as_array()) {
    if (m.at("metric").as_string() != "offload") continue;
    found = true;
    EXPECT_EQ(m.at("verdict").as_string(), "REGRESSED");
    EXPECT_NEAR(m.at("delta").as_double(), -0.05, 1e-12);
    EXPECT_EQ(m.at("direction").as_string(), "higher_is_better");
    EXPECT_TRUE(m.at("fails").as_bool());
  }
  EXPECT_TRUE(found);
  // Only the two reports: no temp file left beside them.
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(scratch.path()))
    if (e.is_regular_file()) ++files;
  EXPECT_EQ(files, 6u);  // base, cur, the two reports, stdout.txt, stderr.txt
}

}  // namespace
}  // namespace p2pcdn::sim
