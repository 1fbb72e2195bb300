// util::TightVec (the agent's 16-byte list) against std::vector on random operations.
#include "util/tight_vec.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "util/prng.hpp"

namespace p2pcdn::sched {
namespace {

struct Item {
  std::uint64_t a = 7;
  std::uint32_t b = 0;
};

TEST(TightVec, MatchesStdVectorOnRandomOperations) {
  static_assert(sizeof(util::TightVec<Item>) == 16);
  util::Prng rng(5);
  util::TightVec<Item> v;
  std::vector<Item> ref;
  for (std::uint32_t step = 0; step < 20000; ++step) {
    switch (rng.next_below(7)) {
      case 0:
      case 1: {
        const Item it{rng.next_u64(), step};
        v.push_back(it);
        ref.push_back(it);
        break;
      }
      case 2: {
        Item& it = v.emplace_back();
        EXPECT_EQ(it.a, 7U);  // value-initialised like std::vector's
        it.b = step;
        ref.push_back(Item{7, step});
        break;
      }
      case 3:
        if (!ref.empty()) {
          const std::size_t i = rng.next_below(static_cast<std::uint32_t>(ref.size()));
          v.erase_at(i);
          ref.erase(ref.begin() + static_cast<std::ptrdiff_t>(i));
        }
        break;
      case 4:
        v.reserve(v.size() + rng.next_below(5));
        break;
      case 5:
        v.shrink_to_fit();
        EXPECT_EQ(v.capacity(), v.size());
        break;
      default:
        if (rng.next_below(20) == 0) {
          v.clear();
          ref.clear();
        }
        break;
    }
    ASSERT_EQ(v.size(), ref.size());
    ASSERT_EQ(v.empty(), ref.empty());
    ASSERT_GE(v.capacity(), v.size());
    std::size_t i = 0;
    for (const Item& it : v) {
      ASSERT_EQ(it.a, ref[i].a) << step;
      ASSERT_EQ(it.b, ref[i].b) << step;
      ++i;
    }
  }
  v.spare = 42;  // the owner's bytes survive growth
  v.reserve(v.capacity() + 10);
  EXPECT_EQ(v.spare, 42U);
}

}  // namespace
}  // namespace p2pcdn::sched
