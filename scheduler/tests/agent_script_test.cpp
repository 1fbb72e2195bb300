// Runs every scripted scenario in tests/scripts/*.txt through the harness (format:
// harness/script.hpp) and checks the harness itself rejects a wrong expectation.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness/script.hpp"

namespace p2pcdn::sched::test {
namespace {

std::vector<std::string> script_files() {
  std::vector<std::string> out;
  const std::filesystem::path dir = std::filesystem::path(P2PCDN_SCHEDULER_TEST_DIR) / "scripts";
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".txt") out.push_back(e.path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

class AgentScript : public ::testing::TestWithParam<std::string> {};

TEST_P(AgentScript, Passes) {
  const std::filesystem::path p =
      std::filesystem::path(P2PCDN_SCHEDULER_TEST_DIR) / "scripts" / GetParam();
  std::ifstream in(p);
  ASSERT_TRUE(in) << p;
  std::stringstream text;
  text << in.rdbuf();
  const ScriptOutcome r = run_script(text.str());
  EXPECT_TRUE(r.ok) << GetParam() << ": " << r.message;
}

INSTANTIATE_TEST_SUITE_P(Scripts, AgentScript, ::testing::ValuesIn(script_files()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(0, info.param.size() - 4);
                           for (char& c : n)
                             c = std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
                           return n;
                         });

TEST(AgentScriptHarness, FailsOnAWrongExpectation) {
  const ScriptOutcome r = run_script(
      "config policy=cdn-only\n"
      "t=0 publish r0/1 size=1000 dur=4s\n"
      "t=0 player need=r0/1 deadline=+4s\n"
      "expect request p1 r0/1\n");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("line 4"), std::string::npos) << r.message;
}

TEST(AgentScriptHarness, RejectsUnknownCommands) {
  EXPECT_FALSE(run_script("config policy=windowed\nt=0 frobnicate\n").ok);
  EXPECT_FALSE(run_script("config policy=no-such-policy\n").ok);
}

}  // namespace
}  // namespace p2pcdn::sched::test
