// flock(2) on the output directory's lock file, with the holder's pid written inside.
#include "analysis/io/destination_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& path) {
  std::string text = "'";
  text += path.string();
  text += '\'';
  return text;
}

// The pid the holder wrote, or "" (it may not have written it yet).
std::string holder_pid(int fd) {
  char text[32] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string pid(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) return "";
  return pid;
}

// Whether `fd` is still the file at `path`: a holder removes the file before it unlocks, so a
// lock won on a removed file is no lock at all.
bool still_at(int fd, const fs::path& path) {
  struct stat opened {
  }, named{};
  return ::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 &&
         opened.st_dev == named.st_dev && opened.st_ino == named.st_ino;
}

}  // namespace

DestinationLock DestinationLock::acquire(const fs::path& dir) {
  const fs::path path = dir / kLockName;
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    // Another user's lock file in a shared directory: flock needs no write access.
    if (fd < 0 && errno == EACCES) fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      throw std::invalid_argument("cannot open the lock file " + quoted(path) + ": " +
                                  std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string pid = err == EWOULDBLOCK ? holder_pid(fd) : "";
      ::close(fd);
      if (err != EWOULDBLOCK)
        throw std::invalid_argument("cannot lock " + quoted(path) + ": " + std::strerror(err));
      throw std::invalid_argument(quoted(dir) + " is being written by another run (" +
                                  (pid.empty() ? std::string("pid not known yet") : "pid " + pid) +
                                  ", holding " + quoted(path) +
                                  "); wait for it to end or give another --out");
    }
    if (!still_at(fd, path)) {  // its holder removed it between our open and our lock
      ::close(fd);
      continue;
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, pid.data(), pid.size(), 0);
    return DestinationLock(fd, path);
  }
  throw std::invalid_argument("cannot lock " + quoted(path) + ": it keeps being replaced");
}

DestinationLock::DestinationLock(DestinationLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

DestinationLock& DestinationLock::operator=(DestinationLock&& other) noexcept {
  if (this != &other) {
    release();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

DestinationLock::~DestinationLock() { release(); }

void DestinationLock::release() noexcept {
  if (fd_ < 0) return;
  // Removed while still locked, so whoever opened it meanwhile sees it gone and starts over.
  if (still_at(fd_, path_)) ::unlink(path_.c_str());
  ::close(fd_);
  fd_ = -1;
}

}  // namespace p2pcdn::analysis::io
