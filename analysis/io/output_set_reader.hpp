// Reading a committed set of outputs the way it must be read to never mix two runs: the
// manifest first, then each file it lists, each checked against its size and checksum. No
// manifest: the set is being written, or a write was cut short. A mismatch: a newer set was
// committed while reading; read again.
#pragma once
#include <filesystem>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace p2pcdn::analysis::io {

struct CommittedSet {
  std::string run_id;
  std::vector<std::pair<std::string, std::string>> files;  // name, content, manifest order
};

// The set in `dir` with every file's content, or why there is no complete one.
std::variant<CommittedSet, std::string> read_committed_set(const std::filesystem::path& dir);

}  // namespace p2pcdn::analysis::io
