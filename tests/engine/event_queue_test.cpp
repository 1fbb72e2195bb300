// EventQueue (radix heap) against NaiveEventQueue (std::priority_queue) on random
// push/pop sequences with many ties, plus FIFO ties, monotonicity and lazy cancel.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/event.hpp"
#include "sim/event_queue.hpp"
#include "sim/event_queue_reference.hpp"

namespace p2pcdn::sim {
namespace {

Event make_event(Time at, std::uint64_t seq, std::uint32_t target = 0, std::uint32_t payload = 0) {
  return Event{at, seq, target, static_cast<std::uint32_t>(seq * 7), EventKind::kNote, payload};
}

// base + delta, saturating at kNever (time never wraps around).
Time later(Time base, std::uint64_t delta) {
  const auto d = static_cast<Time>(delta);
  return base >= 0 && d > kNever - base ? kNever : base + d;
}

void expect_same(const Event& a, const Event& b) {
  EXPECT_EQ(a.at, b.at);
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.target, b.target);
  EXPECT_EQ(a.generation, b.generation);
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.payload, b.payload);
}

TEST(EventQueue, EmptyQueue) {
  EventQueue q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.top_time(), kNever);
  EXPECT_THROW(q.pop(), std::logic_error);
  EXPECT_THROW((void)q.top(), std::logic_error);
  NaiveEventQueue n;
  EXPECT_EQ(n.top_time(), kNever);
  EXPECT_THROW(n.pop(), std::logic_error);
}

// Random interleavings of push/pop checked step by step against the reference.
// mode 0: engine-like (seq increasing); mode 1: arbitrary unique seq bits (still
// monotone in (at, seq)); times drawn so that equal times are frequent.
void run_against_reference(std::uint64_t seed, int mode, int operations) {
  rng::RandomStream rs(seed, static_cast<std::uint64_t>(mode), rng::Purpose::kTest);
  EventQueue fast;
  NaiveEventQueue naive;
  Time last_at = std::numeric_limits<Time>::min();
  std::uint64_t last_seq = 0;
  bool popped_any = false;
  std::uint64_t counter = 0;
  std::set<std::uint64_t> used_seqs;
  for (int op = 0; op < operations; ++op) {
    ASSERT_EQ(fast.size(), naive.size());
    ASSERT_EQ(fast.empty(), naive.empty());
    ASSERT_EQ(fast.top_time(), naive.top_time());
    const bool do_pop = !naive.empty() && rs.next_below(100) < 45;
    if (do_pop) {
      const Event a = fast.pop();
      const Event b = naive.pop();
      expect_same(a, b);
      last_at = a.at;
      last_seq = a.seq;
      popped_any = true;
      continue;
    }
    const std::uint64_t burst = 1 + rs.next_below(4);
    for (std::uint64_t k = 0; k < burst; ++k) {
      const Time base = popped_any ? last_at : 0;
      Time at = base;
      switch (rs.next_below(6)) {
        case 0:
          break;  // same time as now
        case 1:
          at = later(base, rs.next_below(3));
          break;  // near ties
        case 2:
          at = later(base, rs.next_below(1000));
          break;
        case 3:
          at = later(base, rs.next_below(1ull << 40));
          break;
        case 4:  // far future, up to kNever itself
          at = (rs.next_below(8) == 0) ? kNever : later(base, rs.next_below(1ull << 62));
          break;
        default:  // before the first pop, negative times are legal too
          at = popped_any ? later(base, 1) : -static_cast<Time>(rs.next_below(1ull << 50));
      }
      std::uint64_t seq = mode == 0 ? ++counter : rng::mix64(++counter);
      if (popped_any && at == last_at && seq <= last_seq) {
        if (mode == 0 || at == kNever) continue;
        seq = last_seq + 1 + rs.next_below(5);
      }
      // (at, seq) pairs must be unique: duplicates pop in an unspecified order.
      if (!used_seqs.insert(seq).second) continue;
      const Event e = make_event(at, seq, static_cast<std::uint32_t>(rs.next_below(1000)),
                                 static_cast<std::uint32_t>(op));
      fast.push(e);
      naive.push(e);
    }
  }
  while (!naive.empty()) {
    ASSERT_EQ(fast.top_time(), naive.top_time());
    expect_same(fast.pop(), naive.pop());
  }
  EXPECT_TRUE(fast.empty());
}

TEST(EventQueue, MatchesReferenceEngineLikeSeq) {
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    SCOPED_TRACE(seed);
    run_against_reference(seed, 0, 3000);
    if (HasFatalFailure()) return;
  }
}

TEST(EventQueue, MatchesReferenceArbitrarySeqBits) {
  for (std::uint64_t seed = 1; seed <= 120; ++seed) {
    SCOPED_TRACE(seed);
    run_against_reference(seed, 1, 3000);
    if (HasFatalFailure()) return;
  }
}

TEST(EventQueue, LargeRandomAgainstReference) { run_against_reference(2026, 0, 200000); }

// Buckets are chains of 1024-event blocks: exercise chains of many blocks, a
// cached minimum inside a non-tail block, and reuse of the pool after clear().
TEST(EventQueue, ManyBlocksPerBucketAndReuse) {
  rng::RandomStream rs(99, 0, rng::Purpose::kTest);
  EventQueue fast;
  for (int round = 0; round < 2; ++round) {
    NaiveEventQueue naive;
    std::uint64_t seq = 0;
    Time now = 0;
    for (int i = 0; i < 20000; ++i) {  // one bulk fill: all in the top bucket
      const Event e = make_event(static_cast<Time>(rs.next_below(1'000'000)), seq++);
      fast.push(e);
      naive.push(e);
    }
    for (int i = 0; i < 30000; ++i) {
      ASSERT_EQ(fast.top_time(), naive.top_time());
      if (i % 3 == 2) {
        const Event e = make_event(later(now, rs.next_below(2'000'000)), seq++);
        fast.push(e);
        naive.push(e);
      } else {
        const Event a = fast.pop();
        expect_same(a, naive.pop());
        now = a.at;
      }
    }
    EXPECT_EQ(fast.size(), naive.size());
    fast.clear();
    EXPECT_TRUE(fast.empty());
  }
}

// A burst's blocks go back to malloc once the queue has drained (a t = 0 join burst must not
// pin its peak for the whole run), and the freed ids are reused in the right order afterwards.
TEST(EventQueue, PoolReleasesABurstOnceDrainedAndReusesIds) {
  rng::RandomStream rs(7, 0, rng::Purpose::kTest);
  EventQueue fast;
  NaiveEventQueue naive;
  std::uint64_t seq = 0;
  Time now = 0;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 150000; ++i) {
      const Event e = make_event(later(now, rs.next_below(5'000'000)), seq++);
      fast.push(e);
      naive.push(e);
    }
    const std::size_t peak = fast.blocks_allocated();
    EXPECT_GE(peak, 150000u / 1024);
    while (fast.size() > 1000) {
      const Event a = fast.pop();
      expect_same(a, naive.pop());
      if (HasFatalFailure()) return;
      now = a.at;
    }
    // 1 000 events occupy at most one partial block per radix bucket (129), and the pool
    // keeps at most twice the blocks in use: far below the burst's ~147 blocks... unless the
    // burst's blocks stayed, which is what this checks.
    const std::size_t in_use = fast.blocks_allocated() - fast.blocks_pooled();
    EXPECT_LE(fast.blocks_pooled(), 2 * std::max<std::size_t>(8, in_use)) << "round " << round;
    EXPECT_LT(fast.blocks_allocated(), peak / 2) << "round " << round;
  }
  while (!fast.empty()) {
    expect_same(fast.pop(), naive.pop());
    if (HasFatalFailure()) return;
  }
  EXPECT_TRUE(naive.empty());
}

TEST(EventQueue, FifoAmongEqualTimes) {
  EventQueue q;
  std::uint64_t seq = 0;
  // Interleave three instants; within each, pops must follow push order.
  for (int i = 0; i < 3000; ++i)
    q.push(make_event(10 * (i % 3) + 5, seq++, 0, static_cast<std::uint32_t>(i)));
  for (int t = 0; t < 3; ++t) {
    std::uint32_t previous = 0;
    for (int k = 0; k < 1000; ++k) {
      const Event e = q.pop();
      EXPECT_EQ(e.at, 10 * t + 5);
      EXPECT_EQ(e.payload % 3, static_cast<std::uint32_t>(t));
      if (k > 0) {
        EXPECT_GT(e.payload, previous);
      }
      previous = e.payload;
    }
  }
  EXPECT_TRUE(q.empty());
}

TEST(EventQueue, EqualTimePushedAfterPopStaysFifo) {
  EventQueue q;
  q.push(make_event(100, 1));
  q.push(make_event(100, 2));
  EXPECT_EQ(q.pop().seq, 1u);
  q.push(make_event(100, 3));  // same instant as the one just popped
  q.push(make_event(100, 4));
  EXPECT_EQ(q.pop().seq, 2u);
  EXPECT_EQ(q.pop().seq, 3u);
  EXPECT_EQ(q.pop().seq, 4u);
}

TEST(EventQueue, PushEarlierThanTopButNotThanLastPopIsAllowed) {
  EventQueue q;
  q.push(make_event(10, 1));
  q.push(make_event(1000, 2));
  EXPECT_EQ(q.pop().at, 10);
  EXPECT_EQ(q.top_time(), 1000);  // caches the minimum
  q.push(make_event(500, 3));     // the engine does this after a network completion
  EXPECT_EQ(q.top_time(), 500);
  q.push(make_event(10, 4));  // equal to the last popped time, later seq
  EXPECT_EQ(q.top_time(), 10);
  EXPECT_EQ(q.pop().seq, 4u);
  EXPECT_EQ(q.pop().seq, 3u);
  EXPECT_EQ(q.pop().seq, 2u);
}

TEST(EventQueue, RejectsKeysBelowLastPopped) {
  EventQueue q;
  q.push(make_event(100, 5));
  q.pop();
  EXPECT_THROW(q.push(make_event(99, 6)), std::invalid_argument);
  EXPECT_THROW(q.push(make_event(100, 4)), std::invalid_argument);
  EXPECT_NO_THROW(q.push(make_event(100, 6)));
  EXPECT_EQ(q.size(), 1u);
  q.clear();  // a fresh run may start earlier again
  EXPECT_TRUE(q.empty());
  EXPECT_NO_THROW(q.push(make_event(0, 0)));
  EXPECT_EQ(q.pop().at, 0);
}

TEST(EventQueue, ReserveKeepsContents) {
  EventQueue q;
  q.push(make_event(3, 1));
  q.reserve(100000);
  q.push(make_event(2, 2));
  EXPECT_EQ(q.pop().at, 2);
  EXPECT_EQ(q.pop().at, 3);
}

}  // namespace
}  // namespace p2pcdn::sim
