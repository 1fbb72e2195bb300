// The low-memory stop: /proc/meminfo and cgroup texts parsed into headroom, the floor, the
// watchdog thread (stops when the headroom falls under the floor, relays Ctrl-C, never acts
// otherwise), and whole runs through run_once: a run that fits is untouched, one that runs
// low ends partial with the reason in summary.json, a replication refuses partial statistics.
#include "sim/study/memory_watchdog.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>

#include "analysis/report/summary_json.hpp"
#include "sim/run.hpp"
#include "sim/study/replications.hpp"
#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

using namespace std::chrono_literals;

constexpr const char* kMeminfo =
    "MemTotal:       24576000 kB\n"
    "MemFree:         1000000 kB\n"
    "MemAvailable:    2000000 kB\n"
    "Buffers:            1000 kB\n"
    "SwapTotal:       1000000 kB\n"
    "SwapFree:         500000 kB\n";

TEST(MemoryHeadroom, MeminfoIsAvailablePlusFreeSwap) {
  EXPECT_EQ(meminfo_headroom(kMeminfo), std::uint64_t{2500000} * 1024);
  EXPECT_EQ(meminfo_headroom(kMeminfo, false), std::uint64_t{2000000} * 1024);
  EXPECT_EQ(meminfo_total(kMeminfo), std::uint64_t{24576000} * 1024);
  EXPECT_EQ(meminfo_headroom("MemTotal: 100 kB\nMemAvailable: 40 kB\n"), std::uint64_t{40} * 1024);
  EXPECT_EQ(meminfo_headroom("MemTotal: 100 kB\n"), std::nullopt);  // old kernels: no estimate
  EXPECT_EQ(meminfo_headroom(""), std::nullopt);
  EXPECT_EQ(meminfo_headroom("MemAvailable: lots kB\n"), std::nullopt);
  EXPECT_EQ(meminfo_headroom("MemAvailable: 12 MB\n"), std::nullopt);  // unknown unit
}

TEST(MemoryHeadroom, CgroupLimitMinusChargedMemory) {
  // v2: limit 8 GiB, 6 GiB charged of which 1 GiB is inactive file cache.
  const std::uint64_t gib = std::uint64_t{1} << 30;
  EXPECT_EQ(cgroup_headroom("8589934592\n", "6442450944\n", "anon 1\ninactive_file 1073741824\n"),
            3 * gib);
  // v1 names the hierarchy total.
  EXPECT_EQ(cgroup_headroom("8589934592", "6442450944", "total_inactive_file 2147483648\n"),
            4 * gib);
  EXPECT_EQ(cgroup_headroom("1073741824", "2147483648", ""), 0u);  // over the limit: none left
  EXPECT_EQ(cgroup_headroom("max\n", "6442450944\n", ""), std::nullopt);
  EXPECT_EQ(cgroup_headroom("9223372036854771712\n", "5101187072\n", ""), std::nullopt);
  EXPECT_EQ(cgroup_headroom("8589934592", "", ""), std::nullopt);
}

TEST(MemoryHeadroom, OwnCgroupPaths) {
  const CgroupPaths v1 = own_cgroups(
      "9:name=systemd:/\n5:devices:/\n4:memory:/process_api/841b\n1:cpu,cpuacct:/x\n0::/\n");
  EXPECT_EQ(v1.v1, "/process_api/841b");
  EXPECT_EQ(v1.v2, "/");
  const CgroupPaths v2 = own_cgroups("0::/user.slice/user-1000.slice/session-2.scope\n");
  EXPECT_EQ(v2.v2, "/user.slice/user-1000.slice/session-2.scope");
  EXPECT_EQ(v2.v1, "");
  const CgroupPaths mixed = own_cgroups("3:cpu,memory,pids:/a/b\ngarbage\n:\n");
  EXPECT_EQ(mixed.v1, "/a/b");
  EXPECT_EQ(own_cgroups("").v2, "");
}

TEST(MemoryHeadroom, FloorIsHalfAPercentWithAMinimum) {
  EXPECT_EQ(memory_floor_bytes(std::uint64_t{100} << 30), (std::uint64_t{100} << 30) / 200);
  EXPECT_EQ(memory_floor_bytes(std::uint64_t{24} << 30), std::uint64_t{160} << 20);
  EXPECT_EQ(memory_floor_bytes(std::nullopt), std::uint64_t{160} << 20);
}

TEST(MemoryHeadroom, ThisMachineReportsSomeOrNothingWithoutProc) {
  const std::optional<std::uint64_t> headroom = memory_headroom_bytes();
  if (!std::ifstream("/proc/meminfo")) {  // a chroot without /proc: no figure, and no error
    EXPECT_EQ(machine_memory_bytes(), std::nullopt);
    return;
  }
  ASSERT_TRUE(headroom.has_value());
  EXPECT_GT(*headroom, 0u);
  EXPECT_GT(machine_memory_bytes().value_or(0), 0u);
}

MemoryWatchdog::Config fake(std::function<std::optional<std::uint64_t>()> reader) {
  MemoryWatchdog::Config c;
  c.headroom = std::move(reader);
  c.floor_bytes = 1000;
  c.period = 1ms;
  return c;
}

TEST(MemoryWatchdog, StopsOnlyWhenHeadroomFallsUnderTheFloor) {
  std::atomic<int> reads{0};
  MemoryWatchdog::Config config = fake([&]() -> std::optional<std::uint64_t> {
    return ++reads < 5 ? std::uint64_t{5} << 30 : std::uint64_t{100} << 20;
  });
  config.floor_bytes = std::uint64_t{160} << 20;
  MemoryWatchdog dog(nullptr, config);
  for (int i = 0; i < 2000 && !dog.stop().load(); ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(dog.stop().load());
  EXPECT_GE(reads.load(), 5);
  dog.finish();
  const std::string why = dog.reason();
  EXPECT_TRUE(why.starts_with(kLowMemoryStop)) << why;
  EXPECT_NE(why.find("100 MB of memory left"), std::string::npos) << why;
  EXPECT_NE(why.find("160 MB kept free"), std::string::npos) << why;
}

TEST(MemoryWatchdog, NeverActsWithHeadroomOrWithoutAReading) {
  for (const std::optional<std::uint64_t> value :
       {std::optional<std::uint64_t>{1000}, std::optional<std::uint64_t>{}}) {
    std::atomic<int> reads{0};
    MemoryWatchdog dog(nullptr, fake([&] {
                         ++reads;
                         return value;
                       }));
    while (reads.load() < 20) std::this_thread::sleep_for(1ms);
    dog.finish();
    EXPECT_FALSE(dog.stop().load());
    EXPECT_EQ(dog.reason(), "");
  }
}

TEST(MemoryWatchdog, RelaysTheUsersStop) {
  std::atomic<bool> user{false};
  MemoryWatchdog dog(&user, fake([] { return std::optional<std::uint64_t>{1u << 30}; }));
  std::this_thread::sleep_for(5ms);
  EXPECT_FALSE(dog.stop().load());
  user.store(true);
  for (int i = 0; i < 2000 && !dog.stop().load(); ++i) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(dog.stop().load());
  dog.finish();
  EXPECT_EQ(dog.reason(), "interrupted");
}

TEST(MemoryWatchdog, AStopAlreadyRequestedHoldsAtOnce) {
  std::atomic<bool> user{true};
  MemoryWatchdog dog(&user, fake([] { return std::optional<std::uint64_t>{1u << 30}; }));
  EXPECT_TRUE(dog.stop().load());  // no waiting for the thread
  dog.finish();
  EXPECT_EQ(dog.reason(), "interrupted");
}

TEST(MemoryWatchdog, FinishIsPromptAndIdempotent) {
  MemoryWatchdog::Config slow = fake([] { return std::optional<std::uint64_t>{1u << 30}; });
  slow.period = std::chrono::hours(1);
  const auto start = std::chrono::steady_clock::now();
  MemoryWatchdog dog(nullptr, slow);
  dog.finish();
  dog.finish();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(dog.stop().load());
}

RunRequest request_with(std::function<std::optional<std::uint64_t>()> reader) {
  RunRequest request;
  request.scenario_path = "scenarios/smoke.yaml";
  request.seed = 7;
  request.watchdog.headroom = std::move(reader);
  request.watchdog.floor_bytes = 1000;
  request.watchdog.period = 1ms;
  return request;
}

std::string summary_text(const RunOutcome& outcome) {
  analysis::io::Json json = analysis::summary_to_json(outcome.result.summary, outcome.info);
  std::erase_if(json.as_object(), [](const auto& kv) { return kv.first == "run"; });
  return analysis::io::dump(json);
}

TEST(MemoryWatchdogRun, PlentyOfMemoryChangesNothing) {
  const models::Scenario scenario = testing::load("smoke.yaml", testing::small());
  const RunOutcome watched =
      run_once(scenario, request_with([] { return std::optional<std::uint64_t>{1ull << 40}; }));
  RunRequest unwatched = request_with(nullptr);
  unwatched.memory_watchdog = false;
  const RunOutcome plain = run_once(scenario, unwatched);
  EXPECT_FALSE(watched.result.partial);
  EXPECT_EQ(watched.info.run.stopped_by, "");
  EXPECT_EQ(summary_text(watched), summary_text(plain));
}

TEST(MemoryWatchdogRun, LowMemoryEndsThePartialRunWithItsReason) {
  const models::Scenario scenario = testing::load("smoke.yaml", testing::small());
  std::atomic<int> reads{0};
  // Plenty at first, then nearly none: the run stops part-way, like Ctrl-C.
  const RunOutcome outcome = run_once(scenario, request_with([&]() -> std::optional<std::uint64_t> {
                                        return ++reads < 3 ? 1ull << 40 : 10;
                                      }));
  ASSERT_TRUE(outcome.result.partial);
  EXPECT_LT(outcome.result.simulated_s, scenario.run.duration_s);
  EXPECT_TRUE(outcome.result.violations.empty()) << testing::violations_text(outcome.result);
  EXPECT_TRUE(outcome.info.run.stopped_by.starts_with(kLowMemoryStop))
      << outcome.info.run.stopped_by;
  const analysis::io::Json json = analysis::summary_to_json(outcome.result.summary, outcome.info);
  EXPECT_TRUE(json.at("partial").as_bool());
  EXPECT_EQ(json.at("run").at("stopped_by").as_string(), outcome.info.run.stopped_by);
  EXPECT_TRUE(analysis::check_summary_json(json).empty());
}

TEST(MemoryWatchdogRun, AnInterruptedRunSaysSo) {
  const models::Scenario scenario = testing::load("smoke.yaml", testing::small());
  std::atomic<bool> stop{true};
  RunRequest request = request_with([] { return std::optional<std::uint64_t>{1ull << 40}; });
  request.stop = &stop;
  const RunOutcome outcome = run_once(scenario, request);
  ASSERT_TRUE(outcome.result.partial);
  EXPECT_EQ(outcome.info.run.stopped_by, "interrupted");
  // A whole run writes no stopped_by at all.
  const RunOutcome whole =
      run_once(scenario, request_with([] { return std::optional<std::uint64_t>{1ull << 40}; }));
  const analysis::io::Json json = analysis::summary_to_json(whole.result.summary, whole.info);
  EXPECT_EQ(json.at("run").find("stopped_by"), nullptr);
}

TEST(MemoryWatchdogRun, AReplicationCutShortByMemoryIsAnError) {
  const models::Scenario scenario = testing::load("smoke.yaml", testing::small());
  study::ReplicationOptions options;
  options.scenario_path = "scenarios/smoke.yaml";
  options.replications = 2;
  options.threads = 1;
  options.watchdog = request_with([] { return std::optional<std::uint64_t>{10}; }).watchdog;
  try {
    (void)study::run_replications(scenario, options);
    FAIL() << "partial replications entered the statistics";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("replication with seed 1"), std::string::npos) << what;
    EXPECT_NE(what.find(kLowMemoryStop), std::string::npos) << what;
  }
  // With room to spare the same study runs whole.
  options.watchdog->headroom = [] { return std::optional<std::uint64_t>{1ull << 40}; };
  const study::ReplicationSet set = study::run_replications(scenario, options);
  ASSERT_EQ(set.runs.size(), 2u);
  for (const auto& r : set.runs) EXPECT_FALSE(r.partial);
}

}  // namespace
}  // namespace p2pcdn::sim
