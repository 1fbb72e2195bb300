// Committing a staged set with its manifest last, undoing a commit that fails midway.
#include "analysis/io/output_commit.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "analysis/io/output_manifest.hpp"

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) {
  std::string text = "'";
  text += path.string();
  text += '\'';
  return text;
}

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// What the destination held under one name before the commit, and how to put it back.
enum class Before { kAbsent, kSaved, kUnsaved };

class Commit {
 public:
  Commit(const fs::path& staging, const fs::path& destination, std::vector<std::string> names,
         const RenameFunction& rename)
      : staging_(staging),
        destination_(destination),
        previous_(staging / ".previous"),
        names_(std::move(names)),
        rename_(rename) {}

  CommitOutcome run() {
    if (::mkdir(previous_.c_str(), 0755) != 0)
      return {"cannot create " + quoted(previous_) + ": " + std::strerror(errno), false};
    // A hard link keeps each file about to be replaced, for an undo, at no cost in data.
    for (const std::string& name : names_) {
      if (::link((destination_ / name).c_str(), (previous_ / name).c_str()) == 0)
        before_.push_back(Before::kSaved);
      else
        before_.push_back(errno == ENOENT ? Before::kAbsent : Before::kUnsaved);
    }
    // From here until the new manifest is in, the destination claims no complete set.
    const fs::path manifest = destination_ / kManifestName;
    if (::unlink(manifest.c_str()) != 0 && errno != ENOENT)
      return {"cannot withdraw " + quoted(manifest) + ": " + std::strerror(errno), false};
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (move(staging_ / names_[i], destination_ / names_[i]) != 0) {
        const int err = errno;
        return undone("cannot move " + quoted(staging_ / names_[i]) + " in: " + std::strerror(err),
                      i);
      }
      // The manifest, staged last, goes in after every file (the sync orders it after them).
      if (i + 2 == names_.size()) sync_directory(destination_);
    }
    sync_directory(destination_);
    return {};
  }

 private:
  int move(const fs::path& from, const fs::path& to) const {
    return rename_ ? rename_(from, to) : ::rename(from.c_str(), to.c_str());
  }

  // Puts back what the first `moved` renames replaced, the previous manifest last (it
  // vouches for the previous files only if every one of them is back).
  CommitOutcome undone(std::string failure, std::size_t moved) {
    bool restored = true;
    for (std::size_t j = 0; j < moved; ++j) {
      const fs::path target = destination_ / names_[j];
      if (before_[j] == Before::kSaved)
        restored = move(previous_ / names_[j], target) == 0 && restored;
      else if (before_[j] == Before::kAbsent)
        restored = (::unlink(target.c_str()) == 0 || errno == ENOENT) && restored;
      else
        restored = false;
    }
    const std::size_t manifest = names_.size() - 1;
    if (before_[manifest] == Before::kUnsaved) restored = false;
    if (restored && before_[manifest] == Before::kSaved)
      restored = move(previous_ / names_[manifest], destination_ / names_[manifest]) == 0;
    failure += restored ? " (undone: the previous outputs are back)"
                        : " (could not be undone: the destination holds part of the new outputs"
                          " and no manifest)";
    return {std::move(failure), !restored};
  }

  fs::path staging_, destination_, previous_;
  std::vector<std::string> names_;  // the files, then the manifest
  const RenameFunction& rename_;
  std::vector<Before> before_;
};

}  // namespace

CommitOutcome commit_set(const fs::path& staging, const fs::path& destination,
                         const std::vector<std::string>& files, const RenameFunction& rename) {
  std::vector<std::string> names = files;
  names.emplace_back(kManifestName);
  return Commit(staging, destination, std::move(names), rename).run();
}

}  // namespace p2pcdn::analysis::io
