// The set of outputs is committed together (issue 25): a failure between two files of the
// commit leaves the destination with the complete previous set, and a reader that follows the
// manifest sees, at every step of a commit, the complete previous set or no complete set,
// never a mix. Failures are injected through the delivery's rename seam.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "analysis/io/atomic_file.hpp"
#include "analysis/io/output_delivery.hpp"
#include "analysis/io/output_manifest.hpp"
#include "analysis/io/output_set_reader.hpp"
#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::ScratchDir;
using Contents = std::map<std::string, std::string>;

// A set whose every file carries `tag`, so a mix of two sets shows in the contents.
OutputSet tagged_set(const std::vector<std::string>& files, const std::string& tag) {
  return {files, [files, tag](const fs::path& dir) {
            for (const std::string& file : files) write_file_atomic(dir / file, file + " " + tag);
          }};
}

const std::vector<std::string> kOldFiles = {"timeseries.csv", "summary.json"};
const std::vector<std::string> kNewFiles = {"timeseries.csv", "report.html", "summary.json"};

Contents contents_of(const std::vector<std::string>& files, const std::string& tag) {
  Contents contents;
  for (const std::string& file : files) contents[file] = file + " " + tag;
  return contents;
}

// The committed set as a reader sees it: its contents, or empty with `problem` set.
Contents read_set(const fs::path& dir, std::string* problem = nullptr) {
  const auto read = read_committed_set(dir);
  if (const auto* why = std::get_if<std::string>(&read)) {
    if (problem != nullptr) *problem = *why;
    return {};
  }
  Contents contents;
  for (const auto& [name, content] : std::get<CommittedSet>(read).files) contents[name] = content;
  return contents;
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename());
  return names;
}

// A destination holding a complete old set, and a rescue place.
struct CommittedPlaces {
  ScratchDir scratch;
  fs::path destination = scratch / "out";
  DeliveryOptions options;

  CommittedPlaces() {
    fs::create_directories(destination);
    fs::create_directories(scratch / "cwd");
    options.rescue_parents = {scratch / "cwd"};
    options.rescue_name = "rescue";
    const Delivery old = deliver_outputs(destination, tagged_set(kOldFiles, "old"), options);
    EXPECT_FALSE(old.rescued);
    EXPECT_EQ(read_set(destination), contents_of(kOldFiles, "old"));
  }

  // Fails (errno ENOSPC) the `occurrence`-th rename to each target given; the others are real.
  void fail_renames(std::map<fs::path, int> occurrence) {
    options.rename = [occurrence = std::move(occurrence), seen = std::map<fs::path, int>()](
                         const fs::path& from, const fs::path& to) mutable {
      const auto failing = occurrence.find(to);
      if (failing != occurrence.end() && ++seen[to] == failing->second) {
        errno = ENOSPC;
        return -1;
      }
      return ::rename(from.c_str(), to.c_str());
    };
  }

  void expect_old_set_whole_and_new_one_rescued(const Delivery& delivery) const {
    EXPECT_TRUE(delivery.rescued);
    EXPECT_FALSE(delivery.destination_partly_replaced);
    ASSERT_FALSE(delivery.failures.empty());
    EXPECT_NE(delivery.failures[0].find("undone"), std::string::npos) << delivery.failures[0];
    EXPECT_EQ(read_set(destination), contents_of(kOldFiles, "old"));
    EXPECT_EQ(names_in(destination),
              (std::set<std::string>{"outputs.json", "summary.json", "timeseries.csv"}))
        << "the new report.html removed again, no staging directory left";
    EXPECT_EQ(read_set(delivery.dir), contents_of(kNewFiles, "new"));
  }
};

TEST(OutputCommit, ANewSetReplacesTheOldOneWhole) {
  CommittedPlaces places;
  const Delivery delivery =
      deliver_outputs(places.destination, tagged_set(kNewFiles, "new"), places.options);
  EXPECT_FALSE(delivery.rescued);
  EXPECT_EQ(read_set(places.destination), contents_of(kNewFiles, "new"));
  const auto read = read_committed_set(places.destination);
  ASSERT_TRUE(std::holds_alternative<CommittedSet>(read));
  EXPECT_EQ(std::get<CommittedSet>(read).run_id, delivery.run_id);
}

TEST(OutputCommit, AFailureBetweenTwoFilesLeavesTheCompleteOldSet) {
  CommittedPlaces places;
  places.fail_renames({{places.destination / "report.html", 1}});
  places.expect_old_set_whole_and_new_one_rescued(
      deliver_outputs(places.destination, tagged_set(kNewFiles, "new"), places.options));
}

TEST(OutputCommit, AFailureOfTheManifestLeavesTheCompleteOldSet) {
  CommittedPlaces places;
  places.fail_renames({{places.destination / "outputs.json", 1}});
  places.expect_old_set_whole_and_new_one_rescued(
      deliver_outputs(places.destination, tagged_set(kNewFiles, "new"), places.options));
}

// The destination vanishing mid-commit would fail the undo too: then no manifest vouches for
// the mixed files, and the caller is told.
TEST(OutputCommit, AFailureThatCannotBeUndoneLeavesNoManifest) {
  CommittedPlaces places;
  // report.html fails; undoing the timeseries.csv moved in before it (its second rename) too.
  places.fail_renames(
      {{places.destination / "report.html", 1}, {places.destination / "timeseries.csv", 2}});
  const Delivery delivery =
      deliver_outputs(places.destination, tagged_set(kNewFiles, "new"), places.options);
  EXPECT_TRUE(delivery.rescued);
  EXPECT_TRUE(delivery.destination_partly_replaced);
  EXPECT_NE(delivery.failures[0].find("could not be undone"), std::string::npos)
      << delivery.failures[0];
  std::string problem;
  EXPECT_TRUE(read_set(places.destination, &problem).empty());
  EXPECT_NE(problem.find("no complete set"), std::string::npos) << problem;
  EXPECT_EQ(read_set(delivery.dir), contents_of(kNewFiles, "new"));
}

// A reader at every step of a commit: before each rename and after the last.
TEST(OutputCommit, AReaderDuringTheCommitSeesTheOldSetOrNoneNeverAMix) {
  CommittedPlaces places;
  std::vector<Contents> seen;
  places.options.rename = [&](const fs::path& from, const fs::path& to) {
    seen.push_back(read_set(places.destination));
    return ::rename(from.c_str(), to.c_str());
  };
  deliver_outputs(places.destination, tagged_set(kNewFiles, "new"), places.options);
  seen.push_back(read_set(places.destination));
  ASSERT_EQ(seen.size(), kNewFiles.size() + 2) << "a rename per file and the manifest's";
  for (std::size_t i = 0; i + 1 < seen.size(); ++i)
    EXPECT_TRUE(seen[i].empty()) << "step " << i << ": the old manifest must be withdrawn first";
  EXPECT_EQ(seen.back(), contents_of(kNewFiles, "new"));
}

// Readers racing a writer that commits set after set: every set a reader accepts is one set.
TEST(OutputCommit, ConcurrentReadersNeverAcceptAMixedSet) {
  CommittedPlaces places;
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int generation = 0; generation < 40; ++generation)
      deliver_outputs(places.destination, tagged_set(kNewFiles, "gen" + std::to_string(generation)),
                      places.options);
    done = true;
  });
  int accepted = 0, mixed = 0;
  while (!done) {
    const Contents contents = read_set(places.destination);
    if (contents.empty()) continue;
    ++accepted;
    const std::string tag = contents.begin()->second.substr(contents.begin()->first.size() + 1);
    const bool one_set =
        contents == contents_of(kNewFiles, tag) || contents == contents_of(kOldFiles, tag);
    if (!one_set) ++mixed;
  }
  writer.join();
  EXPECT_EQ(mixed, 0) << "of " << accepted << " sets accepted";
  EXPECT_GT(accepted, 0);
  EXPECT_EQ(read_set(places.destination), contents_of(kNewFiles, "gen39"));
}

}  // namespace
}  // namespace p2pcdn::analysis::io
