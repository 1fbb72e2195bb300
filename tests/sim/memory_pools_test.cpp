// The host's memory-saving stores against simple exact references: ChunkPool (records in
// chunks freed when empty, lowest free index first) checked against a std::map under random
// put/release, and its memory after a burst drains.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/host/chunk_pool.hpp"

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

}  // namespace
}  // namespace p2pcdn::sim
