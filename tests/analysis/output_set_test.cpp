// The manifest that commits a set of outputs, and the reader that never takes a mix of two
// sets, a partial set or a file changed since for a complete one.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <variant>

#include "analysis/io/output_manifest.hpp"
#include "analysis/io/output_set_reader.hpp"
#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::ScratchDir;
using p2pcdn::testing::write_text;

std::string problem_of(const std::variant<CommittedSet, std::string>& read) {
  const auto* problem = std::get_if<std::string>(&read);
  return problem == nullptr ? "" : *problem;
}

std::string problem_of(const std::variant<Manifest, std::string>& parsed) {
  const auto* problem = std::get_if<std::string>(&parsed);
  return problem == nullptr ? "" : *problem;
}

// A directory holding two files and the manifest that vouches for them.
struct CommittedDir {
  ScratchDir scratch;
  fs::path dir = scratch.path();

  CommittedDir() {
    write_text(dir / "timeseries.csv", "t,offload\n0,0.5\n");
    write_text(dir / "summary.json", "{\"offload\": 0.5}");
    const Manifest manifest{
        "run-1", {describe_file(dir, "timeseries.csv"), describe_file(dir, "summary.json")}};
    write_text(dir / std::string(kManifestName), manifest_json(manifest));
  }
};

TEST(OutputManifest, TheChecksumIsFnv1a64) {
  // Reference values of the FNV-1a 64-bit hash.
  EXPECT_EQ(fnv1a64_hex(""), "cbf29ce484222325");
  EXPECT_EQ(fnv1a64_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(fnv1a64_hex("foobar"), "85944171f73967e8");
}

TEST(OutputManifest, RoundTripsThroughItsJson) {
  const Manifest manifest{
      "20261207-120000-42-0",
      {{"timeseries.csv", 1234, fnv1a64_hex("x")}, {"summary.json", 0, fnv1a64_hex("")}}};
  const auto parsed = parse_manifest(manifest_json(manifest));
  ASSERT_EQ(problem_of(parsed), "");
  EXPECT_EQ(std::get<Manifest>(parsed), manifest);
}

TEST(OutputManifest, RejectsNamesThatLeaveTheDirectoryAndMalformedEntries) {
  const auto with_file = [](const std::string& name, const std::string& bytes,
                            const std::string& sum) {
    return "{\"schema\": \"p2pcdn-sim/outputs/1\", \"run_id\": \"r\", \"files\": [{\"name\": \"" +
           name + "\", \"bytes\": " + bytes + ", \"fnv1a64\": \"" + sum + "\"}]}";
  };
  const std::string sum = fnv1a64_hex("");
  EXPECT_EQ(problem_of(parse_manifest(with_file("summary.json", "0", sum))), "");
  EXPECT_NE(problem_of(parse_manifest(with_file("../summary.json", "0", sum))), "");
  EXPECT_NE(problem_of(parse_manifest(with_file("..", "0", sum))), "");
  EXPECT_NE(problem_of(parse_manifest(with_file("", "0", sum))), "");
  EXPECT_NE(problem_of(parse_manifest(with_file("a", "-1", sum))), "");
  EXPECT_NE(problem_of(parse_manifest(with_file("a", "0", "CBF29CE484222325"))), "");
  EXPECT_NE(problem_of(parse_manifest(with_file("a", "0", "cbf2"))), "");
  EXPECT_NE(problem_of(parse_manifest("{\"schema\": \"other\", \"run_id\": \"r\", \"files\": []}")),
            "");
  EXPECT_NE(problem_of(parse_manifest("{\"schema\": ")), "");
}

TEST(OutputManifest, RunIdsDifferFromOneSetToTheNext) { EXPECT_NE(new_run_id(), new_run_id()); }

TEST(OutputSetReader, ReadsEveryListedFileOfACompleteSet) {
  CommittedDir committed;
  write_text(committed.dir / "replications.csv", "left by an earlier set");
  const auto read = read_committed_set(committed.dir);
  ASSERT_EQ(problem_of(read), "");
  const CommittedSet& set = std::get<CommittedSet>(read);
  EXPECT_EQ(set.run_id, "run-1");
  ASSERT_EQ(set.files.size(), 2U) << "a file the manifest does not list is not of the set";
  EXPECT_EQ(set.files[0].first, "timeseries.csv");
  EXPECT_EQ(set.files[0].second, "t,offload\n0,0.5\n");
  EXPECT_EQ(set.files[1].first, "summary.json");
}

TEST(OutputSetReader, NoManifestIsNoCompleteSet) {
  CommittedDir committed;
  fs::remove(committed.dir / std::string(kManifestName));
  EXPECT_NE(problem_of(read_committed_set(committed.dir)).find("no complete set"),
            std::string::npos);
}

// As a reader sees it when a newer set is renamed in after it read the manifest: same size
// (a size check alone would pass), other content.
TEST(OutputSetReader, AFileReplacedSinceTheManifestIsRefused) {
  CommittedDir committed;
  write_text(committed.dir / "summary.json", "{\"offload\": 0.7}");
  const std::string problem = problem_of(read_committed_set(committed.dir));
  EXPECT_NE(problem.find("summary.json' is not the file of set run-1"), std::string::npos)
      << problem;
}

TEST(OutputSetReader, AMissingListedFileIsRefused) {
  CommittedDir committed;
  fs::remove(committed.dir / "timeseries.csv");
  EXPECT_NE(problem_of(read_committed_set(committed.dir)).find("timeseries.csv"),
            std::string::npos);
}

}  // namespace
}  // namespace p2pcdn::analysis::io
