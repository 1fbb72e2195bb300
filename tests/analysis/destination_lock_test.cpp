// One writer per output directory (issue 25): a second lock on the same directory fails at
// once naming the directory and the holder's pid; the kernel releases the lock of a process
// that dies, so the file a crash leaves blocks nobody.
#include "analysis/io/destination_lock.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string>

#include "tests/support/scratch_fs.hpp"

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;
using p2pcdn::testing::quoted;
using p2pcdn::testing::read_text;
using p2pcdn::testing::ScratchDir;
using p2pcdn::testing::write_text;

// Why acquiring `dir` failed, or "" when it succeeded (the lock released at once).
std::string refusal(const fs::path& dir) {
  try {
    DestinationLock::acquire(dir);
    return "";
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
}

TEST(DestinationLock, ASecondLockOnTheSameDirectoryFailsNamingItAndTheHolder) {
  ScratchDir scratch;
  const DestinationLock held = DestinationLock::acquire(scratch.path());
  ASSERT_TRUE(held.held());
  const fs::path lock_file = scratch.path() / std::string(kLockName);
  EXPECT_EQ(read_text(lock_file), std::to_string(::getpid()) + "\n");
  const std::string why = refusal(scratch.path());
  EXPECT_NE(why.find(quoted(scratch.path()) + " is being written by another run (pid " +
                     std::to_string(::getpid()) + ", holding " + quoted(lock_file) + ")"),
            std::string::npos)
      << why;
}

TEST(DestinationLock, ReleasingRemovesTheLockFileAndFreesTheDirectory) {
  ScratchDir scratch;
  {
    const DestinationLock held = DestinationLock::acquire(scratch.path());
    EXPECT_NE(refusal(scratch.path()), "");
  }
  EXPECT_FALSE(fs::exists(scratch.path() / std::string(kLockName)));
  EXPECT_EQ(refusal(scratch.path()), "");
}

TEST(DestinationLock, AMovedLockStaysHeld) {
  ScratchDir scratch;
  DestinationLock moved;
  {
    DestinationLock held = DestinationLock::acquire(scratch.path());
    moved = std::move(held);
  }
  EXPECT_TRUE(moved.held());
  EXPECT_NE(refusal(scratch.path()), "");
}

TEST(DestinationLock, ALockFileLeftByACrashBlocksNobody) {
  ScratchDir scratch;
  write_text(scratch.path() / std::string(kLockName), "999999\n");
  EXPECT_EQ(refusal(scratch.path()), "");
}

// Another process holds it, then is killed as a crash would kill it.
TEST(DestinationLock, AnotherProcessHoldsItUntilItDies) {
  ScratchDir scratch;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    try {
      const DestinationLock held = DestinationLock::acquire(scratch.path());
      if (::write(ready[1], "x", 1) != 1) std::_Exit(2);
      ::pause();
    } catch (...) {
      std::_Exit(1);
    }
    std::_Exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the child could not take the lock";
  ::close(ready[0]);
  const std::string why = refusal(scratch.path());
  EXPECT_NE(why.find("(pid " + std::to_string(child) + ","), std::string::npos) << why;
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  EXPECT_TRUE(fs::exists(scratch.path() / std::string(kLockName))) << "left by the crash";
  EXPECT_EQ(refusal(scratch.path()), "");
}

}  // namespace
}  // namespace p2pcdn::analysis::io
