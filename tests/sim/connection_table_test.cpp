// ConnectionTable against the plain per-viewer vector it replaced: same contents in the same
// order after any sequence of adds and swap-with-last removals.
#include "sim/host/connection_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "models/base/random_stream.hpp"

namespace p2pcdn::sim {
namespace {

struct Ref {
  std::uint32_t peer;
  bool relayed, initiated;
};

void remove_ref(std::vector<Ref>& list, std::uint32_t peer) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].peer == peer) {
      list[i] = list.back();
      list.pop_back();
      return;
    }
  }
}

TEST(ConnectionTable, MatchesAVectorListUnderRandomOperations) {
  constexpr std::uint32_t kSlots = 40, kStride = 6;
  ConnectionTable table(kStride);
  std::vector<std::vector<Ref>> ref(kSlots);
  rng::RandomStream rs(7, 1, rng::Purpose::kConnectivity);
  for (int step = 0; step < 20000; ++step) {
    const auto slot = static_cast<std::uint32_t>(rs.next_u64() % kSlots);
    const auto peer = static_cast<std::uint32_t>(rs.next_u64() % 60);
    const std::uint64_t op = rs.next_u64() % 10;
    auto& list = ref[slot];
    bool present = false;
    for (const Ref& r : list) present = present || r.peer == peer;
    if (op < 5) {
      if (!present && list.size() < kStride) {
        const bool relayed = (rs.next_u64() & 1) != 0, initiated = (rs.next_u64() & 1) != 0;
        table.add(slot, peer, ConnectionFlags{relayed, initiated});
        list.push_back(Ref{peer, relayed, initiated});
      }
    } else if (op < 9) {
      EXPECT_EQ(table.remove(slot, peer), present);
      remove_ref(list, peer);
    } else {
      table.clear(slot);
      list.clear();
    }
    ASSERT_EQ(table.size(slot), list.size());
    const auto peers = table.peers(slot);
    for (std::uint32_t i = 0; i < list.size(); ++i) {
      ASSERT_EQ(peers[i], list[i].peer);
      EXPECT_EQ(table.flags(slot, i).relayed, list[i].relayed);
      EXPECT_EQ(table.flags(slot, i).initiated, list[i].initiated);
      EXPECT_EQ(table.find(slot, list[i].peer), i);
      for (std::uint32_t from = 0; from <= kStride; ++from)
        ASSERT_EQ(table.find_from(slot, list[i].peer, from), i) << "from " << from;
    }
    bool now_present = false;
    for (const Ref& r : list) now_present = now_present || r.peer == peer;
    if (!now_present) {
      EXPECT_EQ(table.find(slot, peer), ConnectionTable::kNone);
      for (std::uint32_t from = 0; from <= kStride; ++from)
        EXPECT_EQ(table.find_from(slot, peer, from), ConnectionTable::kNone);
    }
  }
}

TEST(ConnectionTable, RefusesMoreThanItsStrideAndAnswersForUnknownSlots) {
  ConnectionTable table(2);
  EXPECT_EQ(table.size(1000), 0u);
  EXPECT_TRUE(table.peers(1000).empty());
  EXPECT_EQ(table.find(1000, 3), ConnectionTable::kNone);
  EXPECT_FALSE(table.remove(1000, 3));
  table.add(5, 1, {});
  table.add(5, 2, {});
  EXPECT_THROW(table.add(5, 3, {}), std::logic_error);
  EXPECT_EQ(table.size(4), 0u);
  EXPECT_THROW(ConnectionTable(256), std::invalid_argument);
}

}  // namespace
}  // namespace p2pcdn::sim
