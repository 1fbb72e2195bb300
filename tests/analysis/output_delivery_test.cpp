// Delivering outputs when the destination fails after the pre-flight check: the outputs reach
// a rescue directory whole, the destination keeps its previous outputs, nothing is left half
// written. The failures are injected (a writer that fails, a hook that removes the directory
// or takes its permissions) so these run everywhere; a real full tmpfs where it can be mounted.
#include "analysis/io/output_delivery.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <stdexcept>
#include <string>

#include "analysis/io/atomic_file.hpp"
#include "analysis/io/output_destination.hpp"
#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::quoted;
using p2pcdn::testing::read_text;
using p2pcdn::testing::ScratchDir;
using p2pcdn::testing::write_text;

const std::string kNewSummary = "{\"new\": true}";
const std::string kNewSeries(100'000, 's');  // larger than the small tmpfs has left

OutputSet new_outputs() {
  return {{"timeseries.csv", "summary.json"}, [](const fs::path& dir) {
            write_file_atomic(dir / "timeseries.csv", kNewSeries);
            write_file_atomic(dir / "summary.json", kNewSummary);
          }};
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

// A destination holding a previous run's outputs, and a place for rescues.
struct Places {
  ScratchDir scratch;
  fs::path destination = scratch / "out";
  fs::path rescue_parent = scratch / "cwd";
  DeliveryOptions options;

  Places() {
    fs::create_directories(destination);
    fs::create_directories(rescue_parent);
    write_text(destination / "summary.json", "old summary");
    write_text(destination / "timeseries.csv", "old series");
    options.rescue_parents = {rescue_parent};
    options.rescue_name = "rescue";
  }

  void expect_rescued(const Delivery& delivery, const std::string& reason) const {
    EXPECT_TRUE(delivery.rescued);
    EXPECT_EQ(delivery.dir, rescue_parent / "rescue");
    EXPECT_EQ(read_text(delivery.dir / "summary.json"), kNewSummary);
    EXPECT_EQ(read_text(delivery.dir / "timeseries.csv"), kNewSeries);
    EXPECT_EQ(names_in(delivery.dir),
              (std::set<std::string>{"outputs.json", "summary.json", "timeseries.csv"}));
    ASSERT_FALSE(delivery.failures.empty());
    EXPECT_NE(delivery.failures[0].find(quoted(destination)), std::string::npos);
    EXPECT_NE(delivery.failures[0].find(reason), std::string::npos) << delivery.failures[0];
    EXPECT_FALSE(delivery.destination_partly_replaced);
  }

  // The previous outputs as they were, and no staging or temp file beside them.
  void expect_destination_untouched() const {
    EXPECT_EQ(read_text(destination / "summary.json"), "old summary");
    EXPECT_EQ(read_text(destination / "timeseries.csv"), "old series");
    EXPECT_EQ(names_in(destination), (std::set<std::string>{"summary.json", "timeseries.csv"}));
  }
};

TEST(OutputDelivery, ReplacesThePreviousOutputsAndLeavesNothingElse) {
  Places places;
  const Delivery delivery = deliver_outputs(places.destination, new_outputs(), places.options);
  EXPECT_FALSE(delivery.rescued);
  EXPECT_EQ(delivery.dir, places.destination);
  EXPECT_TRUE(delivery.failures.empty());
  EXPECT_EQ(read_text(places.destination / "summary.json"), kNewSummary);
  EXPECT_EQ(read_text(places.destination / "timeseries.csv"), kNewSeries);
  EXPECT_EQ(names_in(places.destination),
            (std::set<std::string>{"outputs.json", "summary.json", "timeseries.csv"}));
  EXPECT_FALSE(fs::exists(places.rescue_parent / "rescue"));
}

// The seam: a writer that fails in the destination only (as a full disk would, after the
// first file), deterministic on any machine.
TEST(OutputDelivery, AWriteFailureInTheDestinationGoesToTheRescueDirectory) {
  Places places;
  OutputSet outputs = new_outputs();
  outputs.write = [&](const fs::path& dir) {
    write_file_atomic(dir / "timeseries.csv", kNewSeries);
    if (dir.parent_path() == places.destination)
      throw std::runtime_error("cannot write 'summary.json': No space left on device");
    write_file_atomic(dir / "summary.json", kNewSummary);
  };
  const Delivery delivery = deliver_outputs(places.destination, outputs, places.options);
  places.expect_rescued(delivery, "No space left on device");
  places.expect_destination_untouched();
}

TEST(OutputDelivery, TheDirectoryRemovedDuringTheRunIsNotRecreated) {
  Places places;
  places.options.before_write = [&] { fs::remove_all(places.destination); };
  const Delivery delivery = deliver_outputs(places.destination, new_outputs(), places.options);
  places.expect_rescued(delivery, "no longer there");
  EXPECT_FALSE(fs::exists(places.destination));
}

TEST(OutputDelivery, TheDirectoryReplacedByAFileDuringTheRunIsLeftAlone) {
  Places places;
  places.options.before_write = [&] {
    fs::remove_all(places.destination);
    write_text(places.destination, "someone else's file");
  };
  const Delivery delivery = deliver_outputs(places.destination, new_outputs(), places.options);
  places.expect_rescued(delivery, "no longer a directory");
  EXPECT_EQ(read_text(places.destination), "someone else's file");
}

TEST(OutputDelivery, TheNextRescuePlaceIsTriedWhenOneFails) {
  Places places;
  const fs::path second = places.scratch / "tmp";
  fs::create_directories(second);
  places.options.rescue_parents = {places.scratch / "missing", second};
  places.options.before_write = [&] { fs::remove_all(places.destination); };
  const Delivery delivery = deliver_outputs(places.destination, new_outputs(), places.options);
  EXPECT_TRUE(delivery.rescued);
  EXPECT_EQ(delivery.dir, second / "rescue");
  EXPECT_EQ(read_text(delivery.dir / "summary.json"), kNewSummary);
  ASSERT_EQ(delivery.failures.size(), 2U);
  EXPECT_NE(delivery.failures[1].find((places.scratch / "missing" / "rescue").string()),
            std::string::npos);
}

TEST(OutputDelivery, NowhereToWriteThrowsEveryReasonAndKeepsThePreviousOutputs) {
  Places places;
  places.options.rescue_parents = {places.scratch / "missing"};
  OutputSet outputs = new_outputs();
  outputs.write = [](const fs::path&) { throw std::runtime_error("disk on fire"); };
  try {
    deliver_outputs(places.destination, outputs, places.options);
    FAIL() << "must throw when no place takes the outputs";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(quoted(places.destination) + ": disk on fire"), std::string::npos) << what;
    EXPECT_NE(what.find((places.scratch / "missing" / "rescue").string()), std::string::npos);
  }
  places.expect_destination_untouched();
}

TEST(OutputDelivery, AWriterThatSkipsAFileIsAFailureNotASilentGap) {
  Places places;
  OutputSet outputs = new_outputs();
  outputs.write = [&](const fs::path& dir) {
    write_file_atomic(dir / "summary.json", kNewSummary);
    if (dir.parent_path() != places.destination)
      write_file_atomic(dir / "timeseries.csv", kNewSeries);
  };
  const Delivery delivery = deliver_outputs(places.destination, outputs, places.options);
  places.expect_rescued(delivery, "timeseries.csv' was not written");
  places.expect_destination_untouched();
}

// A real full filesystem: the pre-flight check passed, then something filled the disk.
TEST(OutputDelivery, AFilesystemThatFillsDuringTheRunLosesNothing) {
  Places places;
  const fs::path mount = places.scratch / "small";
  if (auto why = places.scratch.mount_tmpfs("small", "256k")) GTEST_SKIP() << *why;
  places.destination = mount / "out";
  fs::create_directories(places.destination);
  write_text(places.destination / "summary.json", "old summary");
  write_text(places.destination / "timeseries.csv", "old series");
  ASSERT_EQ(destination_problem(places.destination, kNewSeries.size()), std::nullopt);
  places.options.before_write = [&] { p2pcdn::testing::fill_filesystem(mount); };
  const Delivery delivery = deliver_outputs(places.destination, new_outputs(), places.options);
  places.expect_rescued(delivery, "No space left on device");
  places.expect_destination_untouched();
}

// Permissions taken away mid-run, as a non-root user (root would pass the bits).
TEST(OutputDelivery, PermissionsTakenAwayDuringTheRunGoToTheRescueDirectory) {
  Places places;
  ::chown(places.destination.c_str(), p2pcdn::testing::kNobody, p2pcdn::testing::kNogroup);
  ::chmod(places.rescue_parent.c_str(), 0777);
  places.options.before_write = [&] { ::chmod(places.destination.c_str(), 0555); };
  const auto as_nobody = p2pcdn::testing::run_as_unprivileged([&]() -> std::string {
    try {
      const Delivery delivery = deliver_outputs(places.destination, new_outputs(), places.options);
      if (!delivery.rescued) return "not rescued";
      if (delivery.failures.empty() ||
          delivery.failures[0].find("Permission denied") == std::string::npos)
        return "unexpected failure: " + (delivery.failures.empty() ? "" : delivery.failures[0]);
      return "rescued to " + delivery.dir.string();
    } catch (const std::exception& e) {
      return std::string("threw: ") + e.what();
    }
  });
  if (as_nobody.impossible) GTEST_SKIP() << *as_nobody.impossible;
  EXPECT_EQ(as_nobody.text, "rescued to " + (places.rescue_parent / "rescue").string());
  EXPECT_EQ(read_text(places.rescue_parent / "rescue" / "summary.json"), kNewSummary);
  places.expect_destination_untouched();
}

TEST(OutputDelivery, TheDefaultRescueNameIsStampedAndUnique) {
  const std::string name = default_rescue_name();
  EXPECT_EQ(name.rfind("p2pcdn-sim-rescue-", 0), 0U) << name;
  EXPECT_NE(name.find("-" + std::to_string(::getpid())), std::string::npos) << name;
}

}  // namespace
}  // namespace p2pcdn::analysis::io
