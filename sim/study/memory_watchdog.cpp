#include "sim/study/memory_watchdog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <iterator>
#include <sstream>

namespace p2pcdn::sim {
namespace {

std::optional<std::string> read_text(const char* path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::optional<std::uint64_t> parse_count(std::string_view s) {
  s = trim(s);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return value;
}

// The value of `key` in "key value [unit]" lines (meminfo: "MemAvailable:  123 kB"; memory.stat:
// "inactive_file 123"), times 1024 when the unit is kB.
std::optional<std::uint64_t> field(std::string_view text, std::string_view key) {
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name;
    std::string number;
    std::string unit;
    if (!(words >> name >> number) || name != key) continue;
    const std::optional<std::uint64_t> value = parse_count(number);
    if (!value) return std::nullopt;
    words >> unit;
    if (unit == "kB") return *value * 1024;
    return unit.empty() ? value : std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::uint64_t> meminfo_headroom(std::string_view meminfo, bool count_swap) {
  const std::optional<std::uint64_t> available = field(meminfo, "MemAvailable:");
  if (!available) return std::nullopt;
  return *available + (count_swap ? field(meminfo, "SwapFree:").value_or(0) : 0);
}

std::optional<std::uint64_t> meminfo_total(std::string_view meminfo) {
  return field(meminfo, "MemTotal:");
}

std::optional<std::uint64_t> cgroup_headroom(std::string_view limit, std::string_view usage,
                                             std::string_view stat) {
  const std::optional<std::uint64_t> max = parse_count(limit);  // "max" does not parse: no limit
  const std::optional<std::uint64_t> used = parse_count(usage);
  // cgroup v1 reports "no limit" as the largest page-aligned signed 64-bit number.
  if (!max || !used || *max >= (std::uint64_t{1} << 62)) return std::nullopt;
  std::uint64_t reclaimable = field(stat, "inactive_file").value_or(0);
  if (const auto v1 = field(stat, "total_inactive_file")) reclaimable = *v1;
  const std::uint64_t charged = *used - std::min(*used, reclaimable);
  return *max - std::min(*max, charged);
}

CgroupPaths own_cgroups(std::string_view proc_self_cgroup) {
  CgroupPaths paths;
  std::istringstream lines{std::string(proc_self_cgroup)};
  std::string line;
  while (std::getline(lines, line)) {  // "id:controllers:path"
    const auto first = line.find(':');
    const auto second = first == std::string::npos ? first : line.find(':', first + 1);
    if (second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    const std::string path = line.substr(second + 1);
    if (line.compare(0, first, "0") == 0 && controllers.empty()) {
      paths.v2 = path;
      continue;
    }
    std::istringstream names(controllers);
    std::string name;
    while (std::getline(names, name, ',')) {
      if (name == "memory") paths.v1 = path;
    }
  }
  return paths;
}

namespace {

// The least headroom of the cgroup at `path` (under the mount `root`) and of its ancestors.
std::optional<std::uint64_t> group_headroom(const std::string& root, std::string path,
                                            const char* limit_file, const char* usage_file) {
  std::optional<std::uint64_t> least;
  for (;;) {
    const std::string dir = root + (path == "/" ? "" : path) + "/";
    if (const auto limit = read_text((dir + limit_file).c_str())) {
      const auto headroom =
          cgroup_headroom(*limit, read_text((dir + usage_file).c_str()).value_or(""),
                          read_text((dir + "memory.stat").c_str()).value_or(""));
      if (headroom) least = least ? std::min(*least, *headroom) : *headroom;
    }
    if (path.empty() || path == "/") return least;
    const auto slash = path.rfind('/');
    path = slash == 0 || slash == std::string::npos ? "/" : path.substr(0, slash);
  }
}

}  // namespace

std::optional<std::uint64_t> memory_headroom_bytes(bool count_swap) {
  std::optional<std::uint64_t> headroom;
  if (const auto meminfo = read_text("/proc/meminfo"))
    headroom = meminfo_headroom(*meminfo, count_swap);
  const CgroupPaths own = own_cgroups(read_text("/proc/self/cgroup").value_or(""));
  std::optional<std::uint64_t> group;
  if (!own.v2.empty()) {
    group = group_headroom("/sys/fs/cgroup", own.v2, "memory.max", "memory.current");
  }
  if (!group && !own.v1.empty()) {
    group = group_headroom("/sys/fs/cgroup/memory", own.v1, "memory.limit_in_bytes",
                           "memory.usage_in_bytes");
  }
  if (headroom && group) return std::min(*headroom, *group);
  return headroom ? headroom : group;
}

std::optional<std::uint64_t> machine_memory_bytes() {
  const auto meminfo = read_text("/proc/meminfo");
  return meminfo ? meminfo_total(*meminfo) : std::nullopt;
}

std::uint64_t memory_floor_bytes(std::optional<std::uint64_t> total_bytes) {
  constexpr std::uint64_t kMinimum = std::uint64_t{160} << 20;
  return std::max(kMinimum, total_bytes.value_or(0) / 200);
}

MemoryWatchdog::MemoryWatchdog(const std::atomic<bool>* user_stop, Config config)
    : user_stop_(user_stop), config_(std::move(config)) {
  // A stop already requested holds from the first event, not one relay period later.
  if (user_stop_ != nullptr && user_stop_->load()) {
    reason_ = "interrupted";
    stop_.store(true);
    return;
  }
  thread_ = std::thread([this] { watch(); });
}

MemoryWatchdog::~MemoryWatchdog() { finish(); }

void MemoryWatchdog::finish() {
  {
    const std::lock_guard lock(mutex_);
    done_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string MemoryWatchdog::reason() const {
  const std::lock_guard lock(mutex_);
  return reason_;
}

void MemoryWatchdog::watch() {
  // Ctrl-C is relayed at a finer grain than memory is read: a stop should feel immediate.
  constexpr std::chrono::milliseconds kRelayPeriod{20};
  auto next_read = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!done_) {
    if (user_stop_ != nullptr && user_stop_->load(std::memory_order_relaxed)) {
      reason_ = "interrupted";
      stop_.store(true, std::memory_order_relaxed);
      return;
    }
    if (config_.headroom && std::chrono::steady_clock::now() >= next_read) {
      next_read += config_.period;
      lock.unlock();
      const std::optional<std::uint64_t> headroom = config_.headroom();
      lock.lock();
      if (headroom && *headroom < config_.floor_bytes) {
        reason_ = fmt::format(
            "{}: {} MB of memory left (machine or cgroup), under the {} MB kept free for "
            "writing the results; stopped before the kernel would kill the run",
            kLowMemoryStop, *headroom >> 20, config_.floor_bytes >> 20);
        stop_.store(true, std::memory_order_relaxed);
        return;
      }
    }
    wake_.wait_for(lock, std::min<std::chrono::milliseconds>(kRelayPeriod, config_.period));
  }
}

}  // namespace p2pcdn::sim
