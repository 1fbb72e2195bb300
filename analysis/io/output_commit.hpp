// The last step of a delivery: the files of a complete staging directory renamed into the
// destination, then their manifest. The destination's previous manifest is withdrawn before
// the first rename, so no reader takes the half-moved set for a complete one; a rename that
// fails is undone from hard links of the files it replaced, so the destination is left with
// its previous set, manifest included.
#pragma once
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace p2pcdn::analysis::io {

using RenameFunction =
    std::function<int(const std::filesystem::path&, const std::filesystem::path&)>;

struct CommitOutcome {
  std::optional<std::string> failure;  // why the set is not in; nullopt when it is
  // The failure could not be undone: some files are the new ones, and no manifest is there.
  bool partly_replaced = false;
};

// Moves `files` and the manifest from `staging` (a directory inside `destination`, holding
// them all) into `destination`. `rename` empty: ::rename.
CommitOutcome commit_set(const std::filesystem::path& staging,
                         const std::filesystem::path& destination,
                         const std::vector<std::string>& files, const RenameFunction& rename);

}  // namespace p2pcdn::analysis::io
