// Test-only helpers for the output-directory tests: a scratch directory that cleans up after
// itself (whatever permissions or mounts a test left in it), a tmpfs of a given size where the
// machine allows mounting one, and running a function as the unprivileged user `nobody` (root
// passes every permission bit, so a read-only directory means nothing to it).
#pragma once
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <grp.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace p2pcdn::testing {

inline constexpr uid_t kNobody = 65534;
inline constexpr gid_t kNogroup = 65534;

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// "'<path>'", as the messages quote paths (built piece by piece: "'" + string + "'" trips a
// GCC 12 -Wrestrict false positive).
inline std::string quoted(const std::filesystem::path& path) {
  std::string text = "'";
  text += path.string();
  text += '\'';
  return text;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A fresh directory under the system temp directory, searchable by everyone (so `nobody` can
// reach what a test puts in it). Removed with everything in it, mounts first.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "p2pcdn-out-test.XXXXXX");
    if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
    ::chmod(path_.c_str(), 0755);
  }
  ~ScratchDir() {
    for (const auto& m : mounts_) ::umount2(m.c_str(), MNT_DETACH);
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(path_, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec)) ::chmod(it->path().c_str(), 0755);
    }
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

  // Mounts a tmpfs of `size` (e.g. "64k") at a new directory `name`; the reason it could not
  // (not root, no CAP_SYS_ADMIN, a container without mount rights) otherwise.
  std::optional<std::string> mount_tmpfs(const std::string& name, const std::string& size,
                                         bool read_only = false) {
    const std::filesystem::path at = path_ / name;
    std::filesystem::create_directories(at);
    const std::string options = "size=" + size + ",mode=0755";
    if (::mount("tmpfs", at.c_str(), "tmpfs", read_only ? MS_RDONLY : 0, options.c_str()) != 0)
      return "cannot mount a tmpfs here (" + std::string(std::strerror(errno)) + ")";
    mounts_.push_back(at);
    return std::nullopt;
  }

 private:
  std::filesystem::path path_;
  std::vector<std::filesystem::path> mounts_;
};

// Fills the filesystem holding `dir` until a write fails (ENOSPC), with a file `name`.
inline void fill_filesystem(const std::filesystem::path& dir, const std::string& name = "filler") {
  const int fd = ::open((dir / name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  const std::string block(4096, 'x');
  while (::write(fd, block.data(), block.size()) > 0) {
  }
  const std::string byte(1, 'x');
  while (::write(fd, byte.data(), 1) > 0) {
  }
  ::close(fd);
}

// Runs `body` in a forked child as `nobody` when this process is root (as itself otherwise)
// and returns the text it returned, or the reason it could not run so (for GTEST_SKIP).
struct AsNobody {
  std::string text;
  std::optional<std::string> impossible;
};

inline AsNobody run_as_unprivileged(const std::function<std::string()>& body) {
  AsNobody result;
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) {
    result.impossible = std::string("pipe failed: ") + std::strerror(errno);
    return result;
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.impossible = std::string("fork failed: ") + std::strerror(errno);
    return result;
  }
  if (pid == 0) {
    ::close(pipe_fds[0]);
    if (::geteuid() == 0) {
      if (::setgroups(0, nullptr) != 0 || ::setgid(kNogroup) != 0 || ::setuid(kNobody) != 0)
        std::_Exit(125);
    }
    const std::string text = body();
    if (::write(pipe_fds[1], text.data(), text.size()) < 0) std::_Exit(124);
    std::_Exit(0);
  }
  ::close(pipe_fds[1]);
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buffer, sizeof buffer)) > 0)
    result.text.append(buffer, static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (!WIFEXITED(wstatus)) {
    result.impossible = "the child did not exit normally";
  } else if (WEXITSTATUS(wstatus) == 125) {
    result.impossible = "cannot switch to the user nobody (setuid refused)";
  }
  return result;
}

}  // namespace p2pcdn::testing
