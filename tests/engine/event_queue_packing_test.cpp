// EventQueue stores events as 24-byte records (the kind in the target's top bits, one word for
// the generation or the payload) and falls back to a side table for the others. Every field
// must come back exactly, in the reference queue's order, whichever way an event was stored;
// events the simulator's host makes never use the side table; memory is ~24 bytes an event.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/event.hpp"
#include "sim/event_queue.hpp"
#include "sim/event_queue_reference.hpp"

namespace p2pcdn::sim {
namespace {

void expect_same(const Event& a, const Event& b) {
  ASSERT_EQ(a.at, b.at);
  ASSERT_EQ(a.seq, b.seq);
  ASSERT_EQ(a.target, b.target);
  ASSERT_EQ(a.generation, b.generation);
  ASSERT_EQ(a.kind, b.kind);
  ASSERT_EQ(a.payload, b.payload);
}

// One of the storage cases, chosen at random: generation only, payload only, neither, both
// (side table), a target above 26 bits (side table), a kind above 15 (side table).
Event random_event(rng::RandomStream& rs, Time at, std::uint64_t seq) {
  Event e{at,
          seq,
          static_cast<std::uint32_t>(rs.next_below(1u << 26)),
          0,
          static_cast<EventKind>(rs.next_below(12)),
          0};
  const auto word = [&] { return static_cast<std::uint32_t>(1 + rs.next_below(0xFFFFFFFEu)); };
  switch (rs.next_below(6)) {
    case 0:
      e.generation = word();
      break;
    case 1:
      e.payload = word();
      break;
    case 2:
      break;
    case 3:
      e.generation = word();
      e.payload = word();
      break;
    case 4:
      e.target = static_cast<std::uint32_t>((1u << 26) + rs.next_below(0xFFFFFFFFu - (1u << 26)));
      e.generation = word();
      break;
    default:
      e.kind = static_cast<EventKind>(16 + rs.next_below(240));
      e.payload = word();
      break;
  }
  return e;
}

TEST(EventQueuePacking, EveryFieldComesBackInTheReferenceOrder) {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    rng::RandomStream rs(seed, 9, rng::Purpose::kTest);
    EventQueue fast;
    NaiveEventQueue naive;
    std::uint64_t seq = 0;
    Time now = 0;
    for (int step = 0; step < 40000; ++step) {
      if (fast.empty() || rs.next_below(100) < 55) {
        // Coarse times: many equal times, ordered by seq.
        const Time at = now + static_cast<Time>(rs.next_below(50)) * 1000;
        const Event e = random_event(rs, at, seq++);
        fast.push(e);
        naive.push(e);
      } else {
        ASSERT_EQ(fast.top_time(), naive.top_time());
        const Event top = fast.top();
        expect_same(top, naive.top());
        const Event a = fast.pop();
        const Event b = naive.pop();
        expect_same(a, b);
        expect_same(a, top);
        now = a.at;
      }
      ASSERT_EQ(fast.size(), naive.size());
    }
    while (!fast.empty()) expect_same(fast.pop(), naive.pop());
    EXPECT_EQ(fast.wide_events(), 0u);  // side-table entries are recycled on pop
  }
}

TEST(EventQueuePacking, HostEventsStayIn24Bytes) {
  EventQueue q;
  rng::RandomStream rs(3, 9, rng::Purpose::kTest);
  constexpr std::size_t kEvents = 200'000;
  for (std::uint64_t seq = 0; seq < kEvents; ++seq) {
    // What the host schedules: a target and a generation (viewer timers), or a target and a
    // payload with no generation (segment publication), or a target alone (a message slot).
    const auto target = static_cast<std::uint32_t>(rs.next_below(10'000'000));
    const auto word = static_cast<std::uint32_t>(rs.next_below(1'000'000));
    const Time at = static_cast<Time>(rs.next_below(3'600'000'000));
    switch (seq % 3) {
      case 0:
        q.push(Event{at, seq, target, word, EventKind::kAgentWake, 0});
        break;
      case 1:
        q.push(Event{at, seq, target, 0, EventKind::kSegmentPublished, word});
        break;
      default:
        q.push(Event{at, seq, target, 0, EventKind::kMessageArrive, 0});
        break;
    }
  }
  EXPECT_EQ(q.wide_events(), 0u);
  // 24 bytes an event, plus at most one partly used 1024-event block per bucket.
  EXPECT_LE(q.heap_bytes(), kEvents * 24 + 129 * 1024 * 24 + 65536);
  Event last = q.pop();
  while (!q.empty()) {
    const Event e = q.pop();
    ASSERT_TRUE(fires_before(last, e));
    last = e;
  }
}

TEST(EventQueuePacking, DuplicateKeysInARedistributedBucketAllPop) {
  // Identical (at, seq) pairs pop in an unspecified order, but every one of them pops, with its
  // own fields, including when the bucket holding them is redistributed around one of them.
  EventQueue q;
  q.push(Event{5, 1, 1, 0, EventKind::kNote, 0});
  for (std::uint32_t k = 0; k < 3; ++k) q.push(Event{1000, 7, 10 + k, k, EventKind::kNote, k});
  q.push(Event{2000, 8, 20, 0, EventKind::kNote, 0});
  EXPECT_EQ(q.pop().target, 1u);
  std::vector<std::uint32_t> targets;
  for (int k = 0; k < 3; ++k) {
    const Event e = q.pop();
    EXPECT_EQ(e.at, 1000);
    EXPECT_EQ(e.seq, 7u);
    EXPECT_EQ(e.generation, e.target - 10);
    EXPECT_EQ(e.payload, e.target - 10);
    targets.push_back(e.target);
  }
  std::sort(targets.begin(), targets.end());
  EXPECT_EQ(targets, (std::vector<std::uint32_t>{10, 11, 12}));
  EXPECT_EQ(q.pop().target, 20u);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.wide_events(), 0u);
}

}  // namespace
}  // namespace p2pcdn::sim
