// Output directory pre-flight check (POSIX: stat, open, statvfs).
#include "analysis/io/output_destination.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <variant>

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;

// Files the outputs need at most at once (each output and its temp, the staging directory).
constexpr unsigned long long kInodesNeeded = 16;

// Appended piece by piece: "'" + string + "'" trips a GCC 12 -Wrestrict false positive.
std::string quoted(const fs::path& path) {
  std::string text = "'";
  text += path.string();
  text += '\'';
  return text;
}

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int unit = 0;
  while (bytes >= 1000 && unit < 4) {
    bytes /= 1000;
    ++unit;
  }
  char text[32];
  std::snprintf(text, sizeof text, unit == 0 ? "%.0f %s" : "%.1f %s", bytes, units[unit]);
  return text;
}

fs::path parent_or_dot(const fs::path& path) {
  fs::path parent = path.parent_path();
  return parent.empty() ? fs::path(".") : parent;
}

struct Existing {
  fs::path path;  // the nearest existing ancestor of the destination (or itself)
  struct stat info {};
};

// Walks up from `dir` to the first path that exists. An error other than "absent" (a
// component that is a file, a directory that cannot be searched) is the answer.
std::variant<Existing, std::string> nearest_existing(const fs::path& dir) {
  fs::path at = dir.empty() ? fs::path(".") : dir;
  for (;;) {
    Existing found{at, {}};
    if (::stat(at.c_str(), &found.info) == 0) return found;
    const int err = errno;
    if (err != ENOENT && err != ENOTDIR)
      return "cannot reach " + quoted(at) + ": " + std::strerror(err);
    const fs::path up = parent_or_dot(at);
    if (up == at) return "cannot reach " + quoted(at) + ": " + std::strerror(err);
    at = up;
  }
}

// Creating a file is what the outputs (and their parents, if missing) will do: try it. Root
// passes any permission bits, but not a read-only mount; a non-root user meets the bits.
std::optional<std::string> probe_writable(const fs::path& dir) {
  const fs::path probe = dir / (".p2pcdn-sim-probe." + std::to_string(::getpid()));
  ::unlink(probe.c_str());  // a leftover of a killed run that had this pid
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return std::string(std::strerror(errno));
  ::close(fd);
  ::unlink(probe.c_str());
  return std::nullopt;
}

bool same_place(const fs::path& a, const fs::path& b) {
  return (a / "").lexically_normal() == (b / "").lexically_normal();
}

}  // namespace

std::optional<std::uint64_t> free_bytes(const fs::path& path) {
  struct statvfs info {};
  if (::statvfs(path.c_str(), &info) != 0) return std::nullopt;
  return static_cast<std::uint64_t>(info.f_bavail) * info.f_frsize;
}

std::optional<std::string> destination_problem(const fs::path& dir, std::uint64_t expected_bytes) {
  if (dir.empty()) return std::string("the path is empty (give a directory, e.g. --out out/run)");
  const auto found = nearest_existing(dir);
  if (const auto* problem = std::get_if<std::string>(&found)) return *problem;
  const Existing& existing = std::get<Existing>(found);
  const bool is_destination = same_place(existing.path, dir);
  if (!S_ISDIR(existing.info.st_mode)) {
    if (is_destination) return quoted(dir) + " exists and is not a directory";
    return "cannot create " + quoted(dir) + ": " + quoted(existing.path) +
           " is a file, not a directory";
  }
  if (const auto error = probe_writable(existing.path)) {
    std::string problem = "cannot write in " + quoted(existing.path) + ": " + *error;
    if (!is_destination) problem += " (needed to create " + quoted(dir) + ")";
    return problem;
  }
  struct statvfs info {};
  if (::statvfs(existing.path.c_str(), &info) == 0) {
    const double free = static_cast<double>(info.f_bavail) * static_cast<double>(info.f_frsize);
    const double needed = static_cast<double>(expected_bytes + kDestinationSlackBytes);
    if (free < needed) {
      return "not enough room in " + quoted(existing.path) + ": " + human_bytes(free) +
             " free, the outputs need about " + human_bytes(needed);
    }
    // f_files is 0 where the filesystem has no inode limit.
    if (info.f_files > 0 && info.f_favail < kInodesNeeded)
      return "no free inodes left in " + quoted(existing.path);
  }
  return std::nullopt;
}

void prepare_destination(const fs::path& dir, std::uint64_t expected_bytes,
                         const std::string& what) {
  if (const auto problem = destination_problem(dir, expected_bytes))
    throw std::invalid_argument(what + ": " + *problem);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    throw std::invalid_argument(what + ": cannot create " + quoted(dir) + ": " + ec.message());
}

}  // namespace p2pcdn::analysis::io
