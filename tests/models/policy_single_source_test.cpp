// "A policy is one file" (issue 24, item 5): outside the scheduler's registry, no source of the
// simulator names a policy in code, so adding one to the library (its file + one registry line)
// needs no change in models/, sim/ or analysis/. The CDN-only baseline is the exception: the
// simulator runs it by name for --baseline and p2p.enabled: false.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "p2pcdn/scheduler/policies.hpp"

namespace p2pcdn::models {
namespace {

namespace fs = std::filesystem;

TEST(PolicySingleSource, NoSimulatorSourceNamesAPolicyInCode) {
  std::vector<std::string> hits;
  std::size_t files = 0;
  for (const char* folder : {"models", "sim", "analysis"}) {
    for (const auto& entry :
         fs::recursive_directory_iterator(fs::path(P2PCDN_SOURCE_DIR) / folder)) {
      const std::string ext = entry.path().extension().string();
      if (ext != ".cpp" && ext != ".hpp") continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int number = 1; std::getline(in, line); ++number) {
        for (const std::string_view name : sched::policy_names()) {
          if (name == "cdn-only") continue;
          std::string quoted = "\"";  // appended piece by piece: GCC 12's false -Wrestrict
          quoted.append(name).append("\"");
          const auto at = line.find(quoted);
          if (at == std::string::npos) continue;
          const auto comment = line.find("//");
          if (comment != std::string::npos && comment < at) continue;  // prose, not code
          hits.push_back(entry.path().string() + ":" + std::to_string(number) + ": " + line);
        }
      }
    }
  }
  EXPECT_GT(files, 100u) << "the scan found the sources";
  for (const auto& hit : hits) ADD_FAILURE() << "a policy named outside the registry: " << hit;
}

}  // namespace
}  // namespace p2pcdn::models
