// PeerTable::find (vectorised where the CPU allows) against a plain scan of the ids, after
// random insertions and removals: every id present is found at its position, absent ids are
// not found, at every table size from empty to past several vector widths.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "agent/peer_table.hpp"

namespace p2pcdn::sched::agent_detail {
namespace {

std::size_t reference_find(const std::vector<std::uint32_t>& ids, std::uint32_t id) {
  for (std::size_t j = 0; j < ids.size(); ++j) {
    if (ids[j] == id) return j;
  }
  return kNoPeer;
}

TEST(PeerTable, FindEqualsAPlainScan) {
  PeerTable table;
  std::vector<std::uint32_t> ids;  // the table's ids, in its order
  std::uint64_t x = 0x2545F4914F6CDD1DULL;
  auto next = [&] {
    x ^= x << 13U;
    x ^= x >> 7U;
    x ^= x << 17U;
    return x;
  };
  for (int step = 0; step < 20000; ++step) {
    const auto id = static_cast<std::uint32_t>(next() % 64);  // small range: many hits
    const bool present = reference_find(ids, id) != kNoPeer;
    if ((next() % 3 != 0 || ids.empty()) && !present && ids.size() < 40) {
      table.push_back(PeerId{id}, 0, 0, Peer{});
      ids.push_back(id);
    } else if (present) {
      const std::size_t j = reference_find(ids, id);
      table.erase(j);
      ids.erase(ids.begin() + static_cast<std::ptrdiff_t>(j));
    }
    ASSERT_EQ(table.size(), ids.size());
    for (std::uint32_t probe = 0; probe < 64; ++probe)
      ASSERT_EQ(table.find(PeerId{probe}), reference_find(ids, probe))
          << "probe " << probe << " size " << ids.size();
    EXPECT_EQ(table.find(PeerId{0xFFFFFFFFU}), kNoPeer);
  }
}

}  // namespace
}  // namespace p2pcdn::sched::agent_detail
