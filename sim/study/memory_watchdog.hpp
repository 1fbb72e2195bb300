// Stops a run cleanly, the way Ctrl-C does (what was measured so far is written, marked
// partial), when the machine is about to run out of memory: a run too big for the machine then
// ends with its results so far and a clear reason, instead of being killed by the kernel with
// nothing written. Never changes what a run that finishes computes.
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace p2pcdn::sim {

// Memory this process may still take before the kernel kills something, from the text of
// /proc/meminfo: MemAvailable (+ SwapFree with count_swap; nullopt without MemAvailable).
std::optional<std::uint64_t> meminfo_headroom(std::string_view meminfo, bool count_swap = true);
// MemTotal of /proc/meminfo, bytes (nullopt when absent).
std::optional<std::uint64_t> meminfo_total(std::string_view meminfo);
// What a memory cgroup still allows: limit - (usage - inactive file cache, which the kernel
// reclaims first). nullopt when there is no limit ("max", or v1's "unlimited" 2^63 - 4096) or a
// text does not parse. `stat` is memory.stat; its key is inactive_file (v2) or
// total_inactive_file (v1).
std::optional<std::uint64_t> cgroup_headroom(std::string_view limit, std::string_view usage,
                                             std::string_view stat);
// This process's memory cgroup, from the text of /proc/self/cgroup: the v2 path (line "0::/p")
// and the v1 path (the line whose controllers include "memory"), "" when absent.
struct CgroupPaths {
  std::string v2;
  std::string v1;
};
CgroupPaths own_cgroups(std::string_view proc_self_cgroup);
// The smaller of the machine's headroom and that of this process's cgroup and each of its
// ancestors (a limit may sit on a parent slice); nullopt where none can be read (not Linux).
// Without count_swap, the memory a run can have without swapping (the check before a run).
std::optional<std::uint64_t> memory_headroom_bytes(bool count_swap = true);
// Below this headroom a run stops: max(160 MiB, 0.5 % of the machine's memory), room for the
// run's outputs to be built and written after the stop. Low on purpose: MemAvailable sits at a
// few hundred MB for minutes while the kernel reclaims page cache under a run that fits (10 M
// viewers on this 24.6 GB machine dipped to 190 MB and went on).
std::uint64_t memory_floor_bytes(std::optional<std::uint64_t> total_bytes);
std::optional<std::uint64_t> machine_memory_bytes();  // MemTotal, read now

// How reason() starts when the watchdog stopped the run for memory.
inline constexpr std::string_view kLowMemoryStop = "low memory";

// A thread that, while it lives, sets stop() when `user_stop` is set (Ctrl-C) or when the
// headroom read every `period` falls under `floor_bytes`. The simulation watches stop().
class MemoryWatchdog {
 public:
  using Reader = std::function<std::optional<std::uint64_t>()>;
  struct Config {
    Reader headroom = [] { return memory_headroom_bytes(); };
    std::uint64_t floor_bytes = 0;
    std::chrono::milliseconds period{250};
  };
  MemoryWatchdog(const std::atomic<bool>* user_stop, Config config);
  ~MemoryWatchdog();
  MemoryWatchdog(const MemoryWatchdog&) = delete;
  MemoryWatchdog& operator=(const MemoryWatchdog&) = delete;

  [[nodiscard]] const std::atomic<bool>& stop() const { return stop_; }
  // Ends the thread (idempotent); reason() is final afterwards.
  void finish();
  // Why stop() was set: "" (it was not), "interrupted", or the memory figures.
  [[nodiscard]] std::string reason() const;

 private:
  void watch();

  const std::atomic<bool>* user_stop_;
  Config config_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::string reason_;
  std::thread thread_;
};

}  // namespace p2pcdn::sim
