// One writer per output directory: two runs given the same --out would interleave their
// commits. The lock is flock(2) on `<dir>/.p2pcdn-sim.lock`, taken before the first event and
// held until the outputs are delivered; a second run fails at once (an hour-long run should
// not queue silently) naming the directory and the holder's pid. The kernel drops the lock
// when its holder dies, so a lock file left by a crash blocks nobody.
#pragma once
#include <filesystem>
#include <string_view>
#include <utility>

namespace p2pcdn::analysis::io {

inline constexpr std::string_view kLockName = ".p2pcdn-sim.lock";

class DestinationLock {
 public:
  // Locks `dir` (an existing directory) without waiting. Throws std::invalid_argument naming
  // `dir`, the lock file and the holder's pid when another process holds it, or why the lock
  // file cannot be opened.
  static DestinationLock acquire(const std::filesystem::path& dir);

  DestinationLock() = default;  // holds nothing
  DestinationLock(DestinationLock&& other) noexcept;
  DestinationLock& operator=(DestinationLock&& other) noexcept;
  DestinationLock(const DestinationLock&) = delete;
  DestinationLock& operator=(const DestinationLock&) = delete;
  // Removes the lock file (if it is still ours) and releases the lock.
  ~DestinationLock();

  bool held() const { return fd_ >= 0; }

 private:
  DestinationLock(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
  void release() noexcept;

  int fd_ = -1;
  std::filesystem::path path_;
};

}  // namespace p2pcdn::analysis::io
