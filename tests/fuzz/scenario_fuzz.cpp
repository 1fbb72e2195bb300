// libFuzzer target for the scenario loader and validator (models/scenario): any text is a
// scenario or a list of errors, never a crash, a hang, an exception or an error without a
// place. Input: the YAML text, optionally followed by "\n#--set " lines that become
// overrides (so the override parser and the patching of the tree are fuzzed too). Built only
// with clang and -DP2PCDN_FUZZ=ON (tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <vector>

#include "models/scenario/loader.hpp"

namespace {

void fail(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "scenario_fuzz: %s %s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  const std::string marker = "\n#--set ";
  for (std::size_t at = text.find(marker); at != std::string::npos; at = text.find(marker)) {
    std::string rest = text.substr(at + marker.size());
    text.resize(at);
    const std::size_t nl = rest.find('\n');
    overrides.push_back(rest.substr(0, nl));
    if (nl != std::string::npos) text += rest.substr(nl);
  }
  // A directory that does not exist: a relative `extends:` fails instead of reading files.
  const std::string file = "/nonexistent-p2pcdn-fuzz/fuzz.yaml";
  p2pcdn::models::LoadResult r;
  try {
    r = p2pcdn::models::load_scenario_text(text, file, overrides);
  } catch (const std::exception& e) {
    fail("the loader threw:", e.what());
  } catch (...) {
    fail("the loader threw a non-exception");
  }
  if (r.scenario.has_value() == !r.errors.empty()) fail("scenario and errors disagree");
  for (const auto& e : r.errors) {
    if (e.file.empty() || e.message.empty()) fail("an error without a file or message");
    // Errors of the text and of overrides have a position; only an unreadable extended file
    // has none, and it is reported at the `extends:` line of this text.
    if (e.line < 1 || e.column < 1) fail("an error without a line:", format_error(e));
  }
  (void)p2pcdn::models::format_errors(r.errors);
  return 0;
}
