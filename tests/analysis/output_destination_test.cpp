// The pre-flight check of an output directory: each way a destination can be unusable is
// found (and named, with the path at fault) before anything runs.
#include "analysis/io/output_destination.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>
#include <string>

#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::quoted;
using p2pcdn::testing::ScratchDir;

std::string problem_of(const fs::path& dir, std::uint64_t bytes = 1000) {
  return destination_problem(dir, bytes).value_or("");
}

TEST(OutputDestination, MissingDirectoryUnderAWritableParentIsFineAndNotCreatedYet) {
  ScratchDir scratch;
  const fs::path out = scratch / "a" / "b" / "out";
  EXPECT_EQ(destination_problem(out, 1000), std::nullopt);
  EXPECT_FALSE(fs::exists(scratch / "a"));  // the check creates nothing
  EXPECT_EQ(destination_problem(scratch.path(), 1000), std::nullopt);
}

TEST(OutputDestination, AnEmptyPathIsRefused) {
  EXPECT_NE(problem_of("").find("the path is empty"), std::string::npos);
}

TEST(OutputDestination, AFileInTheWayIsNamed) {
  ScratchDir scratch;
  const fs::path out = scratch / "out";
  p2pcdn::testing::write_text(out, "not a directory");
  const std::string problem = problem_of(out);
  EXPECT_NE(problem.find(quoted(out) + " exists and is not a directory"), std::string::npos)
      << problem;
  // With a trailing slash the same file is at fault.
  EXPECT_NE(problem_of(out.string() + "/").find("not a directory"), std::string::npos);
  EXPECT_EQ(p2pcdn::testing::read_text(out), "not a directory");
}

TEST(OutputDestination, AFileInTheWayOfAParentIsNamed) {
  ScratchDir scratch;
  p2pcdn::testing::write_text(scratch / "file", "x");
  const fs::path out = scratch / "file" / "sub" / "out";
  const std::string problem = problem_of(out);
  EXPECT_NE(problem.find("cannot create '" + out.string() + "'"), std::string::npos) << problem;
  EXPECT_NE(problem.find(quoted(scratch / "file") + " is a file, not a directory"),
            std::string::npos)
      << problem;
}

TEST(OutputDestination, TooLittleRoomIsRefusedWithTheFigures) {
  ScratchDir scratch;
  const auto free = free_bytes(scratch.path());
  ASSERT_TRUE(free.has_value());
  const std::string problem = problem_of(scratch / "out", *free + 1);
  EXPECT_NE(problem.find("not enough room in '" + scratch.path().string() + "'"), std::string::npos)
      << problem;
  EXPECT_NE(problem.find("free, the outputs need about"), std::string::npos) << problem;
  EXPECT_EQ(destination_problem(scratch / "out", 1000), std::nullopt);
}

TEST(OutputDestination, ASmallTmpfsIsRefusedWhenTheOutputsDoNotFit) {
  ScratchDir scratch;
  if (auto why = scratch.mount_tmpfs("small", "256k")) GTEST_SKIP() << *why;
  const std::string problem = problem_of(scratch / "small" / "out", 1'000'000);
  EXPECT_NE(problem.find("not enough room in '" + (scratch / "small").string() + "'"),
            std::string::npos)
      << problem;
  EXPECT_EQ(destination_problem(scratch / "small" / "out", 4'000), std::nullopt);
}

TEST(OutputDestination, AReadOnlyMountIsRefusedEvenForRoot) {
  ScratchDir scratch;
  if (auto why = scratch.mount_tmpfs("ro", "64k", /*read_only=*/true)) GTEST_SKIP() << *why;
  const std::string problem = problem_of(scratch / "ro");
  EXPECT_NE(problem.find("cannot write in '" + (scratch / "ro").string() + "'"), std::string::npos)
      << problem;
  EXPECT_NE(problem.find("Read-only file system"), std::string::npos) << problem;
}

// Root passes the permission bits, so the read-only directory is tried as `nobody`.
TEST(OutputDestination, AReadOnlyDirectoryIsRefusedForANonRootUser) {
  ScratchDir scratch;
  const fs::path read_only = scratch / "read-only";
  const fs::path writable = scratch / "writable";
  fs::create_directories(read_only);
  fs::create_directories(writable);
  ::chmod(read_only.c_str(), 0555);
  ::chmod(writable.c_str(), 0777);
  const auto as_nobody = p2pcdn::testing::run_as_unprivileged([&] {
    return problem_of(read_only) + "|" + problem_of(read_only / "new" / "out") + "|" +
           problem_of(writable / "out");
  });
  if (as_nobody.impossible) GTEST_SKIP() << *as_nobody.impossible;
  const std::string& text = as_nobody.text;
  const auto first = text.find('|');
  const auto second = text.find('|', first + 1);
  ASSERT_NE(second, std::string::npos) << text;
  const std::string existing = text.substr(0, first);
  const std::string to_create = text.substr(first + 1, second - first - 1);
  EXPECT_NE(existing.find("cannot write in '" + read_only.string() + "': Permission denied"),
            std::string::npos)
      << existing;
  EXPECT_NE(to_create.find("Permission denied (needed to create '" +
                           (read_only / "new" / "out").string() + "')"),
            std::string::npos)
      << to_create;
  EXPECT_EQ(text.substr(second + 1), "") << "a writable directory must pass";
  EXPECT_TRUE(fs::is_empty(read_only));
}

TEST(OutputDestination, PrepareCreatesTheDirectoryOrThrowsTheReason) {
  ScratchDir scratch;
  const fs::path out = scratch / "a" / "out";
  prepare_destination(out, 1000, "output directory");
  EXPECT_TRUE(fs::is_directory(out));
  EXPECT_TRUE(fs::is_empty(out));  // no probe file left behind
  p2pcdn::testing::write_text(scratch / "file", "x");
  try {
    prepare_destination(scratch / "file", 1000, "output directory");
    FAIL() << "a file in the way must throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("output directory: '"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace p2pcdn::analysis::io
