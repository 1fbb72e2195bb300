// window_move (agent/core.hpp), which rebase() walks instead of scanning the whole window:
// against that scan, for every small window size and every move within a few windows, forward
// and backward.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "agent/core.hpp"

namespace p2pcdn::sched::agent_detail {
namespace {

// The scan rebase() did: the offsets of the old window whose index is outside the new one, and
// the offsets of the new window whose index is outside the old one, in increasing order.
struct Scan {
  std::vector<std::uint32_t> leave, enter;
};
Scan scan(std::uint32_t from, std::uint32_t to, std::uint32_t size) {
  Scan s;
  for (std::uint32_t i = 0; i < size; ++i) {
    const std::uint32_t old_idx = from + i;
    if (!(old_idx >= to && old_idx - to < size)) s.leave.push_back(i);
  }
  for (std::uint32_t i = 0; i < size; ++i) {
    const std::uint32_t idx = to + i;
    if (!(idx >= from && idx - from < size)) s.enter.push_back(i);
  }
  return s;
}

std::vector<std::uint32_t> range(std::uint32_t first, std::uint32_t last) {
  std::vector<std::uint32_t> v;
  for (std::uint32_t i = first; i < last; ++i) v.push_back(i);
  return v;
}

TEST(WindowMove, EqualsTheScanOfTheWholeWindow) {
  for (std::uint32_t size : {1U, 2U, 8U, 16U, 32U, 64U}) {
    for (std::uint32_t from : {0U, 1U, 5U, 100U, 1000U}) {
      for (std::uint32_t to = 0; to <= from + 3 * size + 2; ++to) {
        const Scan want = scan(from, to, size);
        const WindowMove got = window_move(from, to, size);
        ASSERT_EQ(range(got.leave_first, got.leave_last), want.leave)
            << "size " << size << " from " << from << " to " << to;
        ASSERT_EQ(range(got.enter_first, got.enter_last), want.enter)
            << "size " << size << " from " << from << " to " << to;
      }
    }
  }
}

TEST(WindowMove, OneStepForwardMovesOnePosition) {
  const WindowMove m = window_move(10, 11, 32);
  EXPECT_EQ(m.leave_first, 0U);
  EXPECT_EQ(m.leave_last, 1U);
  EXPECT_EQ(m.enter_first, 31U);
  EXPECT_EQ(m.enter_last, 32U);
}

}  // namespace
}  // namespace p2pcdn::sched::agent_detail
