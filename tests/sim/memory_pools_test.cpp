// The host's memory-saving stores against simple exact references: ChunkPool (records in
// chunks freed when empty, lowest free index first) checked against a std::map under random
// put/release, and its memory after a burst drains; MessagePool on top of it; ListPool against one
// std::vector per list doing exactly what the host did with it (same elements in the same order
// after every step).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/host/chunk_pool.hpp"
#include "sim/host/list_pool.hpp"
#include "sim/host/message_pool.hpp"

namespace p2pcdn::sim {
namespace {

struct Record {
  std::uint32_t a = 0;
  std::uint64_t b = 0;
};

TEST(ChunkPool, MatchesAMapUnderRandomPutAndRelease) {
  ChunkPool<Record, 6> pool;  // 64-record chunks: many chunk boundaries
  std::map<std::uint32_t, Record> reference;
  rng::RandomStream rs(7, 1, rng::Purpose::kTest);
  for (int step = 0; step < 40000; ++step) {
    // Phases of growth and shrinkage so chunks fill, empty and come back.
    const bool grow = (step / 5000) % 2 == 0;
    const bool put = reference.empty() || rs.next_double() < (grow ? 0.7 : 0.3);
    if (put) {
      const Record r{static_cast<std::uint32_t>(step), rs.next_u64()};
      const std::uint32_t i = pool.put(r);
      ASSERT_EQ(reference.count(i), 0u) << "index handed out twice: " << i;
      // Lowest free index: every index below it is in use.
      for (std::uint32_t j = 0; j < i; ++j) ASSERT_TRUE(reference.count(j) == 1) << j;
      reference[i] = r;
    } else {
      auto it = reference.begin();
      std::advance(it, static_cast<long>(rs.next_below(reference.size())));
      pool.release(it->first);
      reference.erase(it);
    }
    ASSERT_EQ(pool.size(), reference.size());
    if (step % 997 == 0) {
      std::vector<std::uint32_t> seen;
      pool.for_each([&](std::uint32_t i, const Record& r) {
        seen.push_back(i);
        const auto it = reference.find(i);
        ASSERT_NE(it, reference.end());
        EXPECT_EQ(r.a, it->second.a);
        EXPECT_EQ(r.b, it->second.b);
      });
      ASSERT_EQ(seen.size(), reference.size());  // in index order, each once
      std::size_t k = 0;
      for (const auto& [i, r] : reference) {
        EXPECT_EQ(seen[k++], i);
        EXPECT_TRUE(pool.in_use(i));
        EXPECT_EQ(pool[i].b, r.b);
      }
    }
  }
}

TEST(ChunkPool, GivesChunksBackAfterABurst) {
  ChunkPool<Record, 9> pool;
  std::vector<std::uint32_t> ids;
  for (int k = 0; k < 100000; ++k) ids.push_back(pool.put(Record{}));
  const std::size_t burst = pool.heap_bytes();
  EXPECT_GE(burst, 100000 * sizeof(Record));
  // Keep every 1000th record: they pin at most 100 chunks; the rest must be released.
  for (std::size_t k = 0; k < ids.size(); ++k)
    if (k % 1000 != 0) pool.release(ids[k]);
  EXPECT_EQ(pool.size(), 100u);
  const std::size_t chunk_bytes = 512 * sizeof(Record);
  // 100 pinned chunks, one spare, the chunk table.
  EXPECT_LE(pool.heap_bytes(), 101 * chunk_bytes + burst / 20);
  for (std::size_t k = 0; k < ids.size(); k += 1000) pool.release(ids[k]);
  EXPECT_EQ(pool.size(), 0u);
  EXPECT_LE(pool.heap_bytes(), chunk_bytes + burst / 20);
  // Reuse starts again from the lowest index.
  EXPECT_EQ(pool.put(Record{}), 0u);
  EXPECT_EQ(pool.put(Record{}), 1u);
}

std::vector<std::uint32_t> contents(const ListPool<std::uint32_t>& pool, std::uint32_t head) {
  std::vector<std::uint32_t> out;
  pool.for_each(head, [&](std::uint32_t x) { out.push_back(x); });
  return out;
}

TEST(ListPool, KeepsTheOrderOfTheVectorOperationsItReplaces) {
  constexpr std::size_t kLists = 50;
  ListPool<std::uint32_t> pool;
  std::vector<std::uint32_t> heads(kLists, ListPool<std::uint32_t>::kEmpty);
  std::vector<std::vector<std::uint32_t>> reference(kLists);
  rng::RandomStream rs(11, 2, rng::Purpose::kTest);
  for (int step = 0; step < 60000; ++step) {
    const std::size_t l = rs.next_below(kLists);
    auto& ref = reference[l];
    const auto value = static_cast<std::uint32_t>(rs.next_below(40));  // repeats happen
    switch (rs.next_below(10)) {
      case 0:
      case 1:
      case 2:
      case 3:
        pool.push_back(heads[l], value);
        ref.push_back(value);
        break;
      case 4:
      case 5: {  // the host's erase of a transfer from a viewer's list: swap with the last
        const auto it = std::find(ref.begin(), ref.end(), value);
        const bool present = it != ref.end();
        if (present) {
          *it = ref.back();
          ref.pop_back();
        }
        EXPECT_EQ(pool.erase_swap_last(heads[l], value), present);
        break;
      }
      case 6: {  // find the first match and erase it, keeping the order
        const auto it = std::find_if(ref.begin(), ref.end(),
                                     [&](std::uint32_t x) { return x % 7 == value % 7; });
        const auto taken =
            pool.take_first_if(heads[l], [&](std::uint32_t x) { return x % 7 == value % 7; });
        ASSERT_EQ(taken.has_value(), it != ref.end());
        if (taken) {
          EXPECT_EQ(*taken, *it);
          ref.erase(it);
        }
        break;
      }
      case 7:
      case 8: {
        const auto below = [&](std::uint32_t x) { return x < value / 4; };
        std::erase_if(ref, below);
        pool.erase_if(heads[l], below);
        break;
      }
      default:
        if (rs.next_below(8) == 0) {
          pool.clear(heads[l]);
          ref.clear();
        }
        break;
    }
    ASSERT_EQ(contents(pool, heads[l]), ref) << "step " << step;
    ASSERT_EQ(pool.size(heads[l]), ref.size());
  }
  std::size_t total = 0;
  for (std::size_t l = 0; l < kLists; ++l) {
    EXPECT_EQ(contents(pool, heads[l]), reference[l]);
    total += reference[l].size();
  }
  EXPECT_EQ(pool.nodes(), total);
  for (auto& head : heads) pool.clear(head);
  EXPECT_EQ(pool.nodes(), 0u);
}

TEST(MessagePool, KeepsEachMessageUntilReleasedAndShrinksAfterABurst) {
  MessagePool pool;
  std::vector<std::uint32_t> ids;
  for (std::uint32_t k = 0; k < 5000; ++k) {
    const std::byte payload[3] = {std::byte(k & 0xFF), std::byte(k >> 8), std::byte{7}};
    const std::uint32_t i = pool.put(k, k + 1, payload);
    for (std::uint32_t r = 0; r <= k % 4; ++r) pool.add_receiver(i, MessageReceiver{r, k, r + k});
    ids.push_back(i);
  }
  EXPECT_EQ(pool.in_flight(), 5000u);
  const std::size_t burst = pool.heap_bytes();
  EXPECT_GE(burst, 5000 * sizeof(MessageInFlight));
  for (std::uint32_t k = 0; k < 5000; ++k) {  // every message intact, its receivers in order
    const MessageInFlight& m = pool.get(ids[k]);
    ASSERT_EQ(m.sender, k);
    ASSERT_EQ(m.sender_generation, k + 1);
    ASSERT_EQ(m.message().size(), 3u);
    EXPECT_EQ(m.message()[0], std::byte(k & 0xFF));
    EXPECT_EQ(m.message()[1], std::byte(k >> 8));
    ASSERT_EQ(m.receivers.size(), k % 4 + 1);
    for (std::uint32_t r = 0; r < m.receivers.size(); ++r) EXPECT_EQ(m.receivers[r].epoch, r + k);
  }
  for (std::uint32_t k = 0; k < 5000; ++k)
    if (k != 4999) pool.release(ids[k]);
  EXPECT_EQ(pool.in_flight(), 1u);
  EXPECT_EQ(pool.get(ids[4999]).sender, 4999u);  // untouched by the others' release
  EXPECT_LT(pool.heap_bytes(), burst / 20);
  // A reused slot starts with no receivers.
  const std::byte one[1] = {std::byte{1}};
  const std::uint32_t again = pool.put(1, 1, one);
  EXPECT_TRUE(pool.get(again).receivers.empty());
}

// A pool that empties and refills around one chunk boundary, or around zero, must not give
// a chunk back and allocate it again every time: the lowest empty chunk is kept.
TEST(ChunkPool, KeepsTheLowestEmptyChunkAsSpare) {
  ChunkPool<Record, 6> pool;  // 64 records a chunk
  std::vector<std::uint32_t> ids;
  for (int k = 0; k < 100; ++k) ids.push_back(pool.put(Record{}));  // chunks 0 and 1
  const std::size_t two_chunks = pool.heap_bytes();
  for (std::size_t k = 64; k < 100; ++k) pool.release(ids[k]);  // chunk 1 empties: the spare
  for (std::size_t k = 0; k < 64; ++k) pool.release(ids[k]);    // chunk 0 empties: lower
  EXPECT_LT(pool.heap_bytes(), two_chunks);                     // one of the two went back
  // Chunk 0 is the one kept: puts and releases around zero allocate nothing.
  const std::size_t allocations = pool.chunk_allocations();
  for (int k = 0; k < 100; ++k) {
    const std::uint32_t i = pool.put(Record{});
    EXPECT_EQ(i, 0u);
    pool.release(i);
  }
  EXPECT_EQ(pool.chunk_allocations(), allocations);
}

}  // namespace
}  // namespace p2pcdn::sim
