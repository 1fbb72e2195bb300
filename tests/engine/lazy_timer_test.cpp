// LazyTimer (sim/host/lazy_timer.hpp) on a real Engine against an exact cancel-and-set
// reference (a std::set of (at, seq) with real erasure): identical dispatch sequences for
// random arm/disarm/advance scripts, and the bound on queued events. Also the engine's
// reserve_seq()/schedule_reserved() contract.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "models/base/distributions.hpp"
#include "models/base/random_stream.hpp"
#include "sim/engine.hpp"
#include "sim/host/lazy_timer.hpp"

namespace p2pcdn::sim {
namespace {

struct IdleNetwork {
  struct Done {};
  [[nodiscard]] Time next_completion() const { return kNever; }
  void advance_to(Time, std::vector<Done>&) {}
};

using Key = std::pair<Time, std::uint64_t>;  // (at, seq) of one dispatch

TEST(EngineReservedSeq, SortsWhereScheduleWouldHave) {
  IdleNetwork network;
  Engine<IdleNetwork> engine(network);
  const std::uint64_t reserved = engine.reserve_seq();                    // taken first...
  const std::uint64_t later = engine.schedule(100, EventKind::kNote, 2);  // ...queued first
  engine.schedule_reserved(100, reserved, EventKind::kNote, 1);
  std::vector<std::uint32_t> order;
  engine.run_until(kNever, [&](const auto& e) {
    if constexpr (std::is_same_v<std::decay_t<decltype(e)>, Event>) order.push_back(e.target);
  });
  EXPECT_LT(reserved, later);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 2}));  // FIFO by the reserved seq
}

TEST(EngineReservedSeq, RejectsThePastUnreservedSeqsAndNonMonotoneKeys) {
  IdleNetwork network;
  Engine<IdleNetwork> engine(network);
  const std::uint64_t early = engine.reserve_seq();
  EXPECT_THROW(engine.schedule_reserved(10, early + 1, EventKind::kNote, 0),
               std::invalid_argument);  // never reserved
  engine.schedule(50, EventKind::kNote, 0);
  const std::uint64_t reserved_late = engine.reserve_seq();
  int calls = 0;
  engine.run_until(kNever, [&](const auto& e) {
    if constexpr (std::is_same_v<std::decay_t<decltype(e)>, Event>) {
      if (++calls > 1) return;
      EXPECT_THROW(engine.schedule_reserved(49, reserved_late, EventKind::kNote, 0),
                   std::invalid_argument);  // in the past
      // At now = 50 a seq below the event being dispatched would break the queue's order.
      EXPECT_THROW(engine.schedule_reserved(50, early, EventKind::kNote, 0), std::invalid_argument);
      // A later time accepts an old seq (monotone on (at, seq)); now with a newer seq too.
      engine.schedule_reserved(60, early, EventKind::kNote, 0);
      engine.schedule_reserved(50, reserved_late, EventKind::kNote, 0);
    }
  });
  EXPECT_EQ(calls, 3);
}

// The exact reference: each timer's pending key is in a std::set, erased on re-arm.
struct Reference {
  std::set<std::pair<Key, int>> pending;  // ((at, seq), timer)
  std::vector<Key> armed;                 // per timer; at == kNever when disarmed
};

// Drives `timers` timers through one random script, on a real Engine (lazy) and on the
// reference, and compares the dispatches. Times are drawn from a small range so that re-arms
// to an equal time, to the queued time and to a superseded event's time are frequent.
void run_script(std::uint64_t seed, int timers, int steps) {
  rng::RandomStream random(seed, 0, rng::Purpose::kTest);
  IdleNetwork network;
  Engine<IdleNetwork> engine(network);
  std::vector<LazyTimer> lazy(static_cast<std::size_t>(timers));
  Reference ref;
  ref.armed.assign(static_cast<std::size_t>(timers), Key{kNever, 0});
  std::vector<std::pair<Key, int>> fired_lazy, fired_ref;
  std::size_t earlier_moves = 0;  // re-arms to before the live queued event
  // Events in the queue that are no timer's live one (left by earlier-moves, not yet popped).
  std::size_t stale_queued = 0;

  // The same re-arm applied to both sides; returns nothing, checks the bound.
  auto arm = [&](int timer, Time at) {
    LazyTimer& t = lazy[static_cast<std::size_t>(timer)];
    if (at == t.armed_at()) return;  // the host keeps the timer's place then (and so does ref)
    const std::uint64_t seq = at == kNever ? 0 : engine.reserve_seq();
    if (t.queued_at() != kNever && at < t.queued_at()) {
      ++earlier_moves;
      ++stale_queued;  // the old live event stays queued
    }
    if (t.arm(at, seq)) engine.schedule_reserved(at, seq, EventKind::kNote, std::uint32_t(timer));
    Key& r = ref.armed[static_cast<std::size_t>(timer)];
    if (r.first != kNever) ref.pending.erase({r, timer});
    r = Key{at, seq};
    if (at != kNever) ref.pending.insert({r, timer});
  };

  auto random_rearm = [&](int timer, Time now) {
    const double u = rng::uniform(random, 0.0, 1.0);
    if (u < 0.15) {
      arm(timer, kNever);
    } else if (u < 0.25) {
      arm(timer, now);  // now: same-instant FIFO by seq
    } else {
      arm(timer, now + static_cast<Time>(rng::uniform(random, 0.0, 8.0)));
    }
  };

  int step = 0;
  // The lazy side's dispatcher; a due timer is checked against the reference's first key,
  // then may re-arm itself or another timer (as the host's handlers do).
  auto dispatch = [&](const auto& e) {
    if constexpr (std::is_same_v<std::decay_t<decltype(e)>, Event>) {
      const int id = static_cast<int>(e.target);
      LazyTimer& t = lazy[e.target];
      if (e.at != t.queued_at() || e.seq != t.queued_seq()) {
        ASSERT_GT(stale_queued, 0u);
        --stale_queued;
      }
      switch (t.popped(e.at, e.seq)) {
        case LazyTimer::Popped::kStale:
          return;
        case LazyTimer::Popped::kRequeue:
          engine.schedule_reserved(t.queued_at(), t.queued_seq(), e.kind, e.target);
          return;
        case LazyTimer::Popped::kDue:
          break;
      }
      fired_lazy.push_back({Key{e.at, e.seq}, id});
      ASSERT_FALSE(ref.pending.empty()) << "seed " << seed << " step " << step;
      const auto first = *ref.pending.begin();
      ASSERT_EQ(first, (std::pair<Key, int>{Key{e.at, e.seq}, id}))
          << "seed " << seed << " step " << step;
      ref.pending.erase(ref.pending.begin());
      ref.armed[e.target] = Key{kNever, 0};
      fired_ref.push_back(first);
      if (rng::uniform(random, 0.0, 1.0) < 0.5) random_rearm(id, e.at);
      if (rng::uniform(random, 0.0, 1.0) < 0.3) {
        random_rearm(static_cast<int>(rng::uniform(random, 0.0, timers)) % timers, e.at);
      }
    }
  };
  auto check_bound = [&] {
    std::size_t live = 0;
    for (const LazyTimer& t : lazy) live += t.queued_at() != kNever ? 1 : 0;
    // Exactly: one event per timer with a live queued event, plus the stale ones; and every
    // stale one came from an earlier-move.
    ASSERT_EQ(engine.pending_events(), live + stale_queued) << "seed " << seed << " step " << step;
    ASSERT_LE(stale_queued, earlier_moves);
  };

  Time now = 0;
  for (step = 0; step < steps; ++step) {
    const double u = rng::uniform(random, 0.0, 1.0);
    const int timer = static_cast<int>(rng::uniform(random, 0.0, timers)) % timers;
    if (u < 0.6) {
      random_rearm(timer, now);
    } else {
      const Time end = now + static_cast<Time>(rng::uniform(random, 0.0, 6.0));
      engine.run_until(end, dispatch);
      if (::testing::Test::HasFatalFailure()) return;
      // Nothing the reference holds was due by `end` without the lazy side firing it.
      if (!ref.pending.empty()) {
        ASSERT_GT(ref.pending.begin()->first.first, end) << "seed " << seed << " step " << step;
      }
      now = end;
    }
    check_bound();
    if (::testing::Test::HasFatalFailure()) return;
  }
  // The rest: no more re-arms from outside.
  engine.run_until(kNever, dispatch);
  EXPECT_TRUE(ref.pending.empty());
  EXPECT_EQ(fired_lazy, fired_ref) << "seed " << seed;
  EXPECT_EQ(engine.pending_events(), 0u);
  EXPECT_EQ(stale_queued, 0u);
}

TEST(LazyTimer, MatchesCancelAndSetReferenceOnRandomScripts) {
  for (std::uint64_t seed = 1; seed <= 300; ++seed) {
    run_script(seed, 1 + static_cast<int>(seed % 5), 400);
    if (HasFatalFailure()) return;
  }
}

TEST(LazyTimer, SingleTimerHoldsOneEventUnlessMovedEarlier) {
  for (std::uint64_t seed = 1000; seed < 1200; ++seed) {
    run_script(seed, 1, 300);
    if (HasFatalFailure()) return;
  }
}

// The old host's quirk, now gone: a superseded event at T fired again at its OLD seq when
// the timer was re-armed to exactly T later. Cancel-and-set fires at the NEW seq (after an
// event scheduled in between for T).
TEST(LazyTimer, RearmToASupersededTimeFiresAtTheNewSeq) {
  IdleNetwork network;
  Engine<IdleNetwork> engine(network);
  LazyTimer timer;
  const std::uint64_t s1 = engine.reserve_seq();
  ASSERT_TRUE(timer.arm(10, s1));
  engine.schedule_reserved(10, s1, EventKind::kNote, 0);
  EXPECT_FALSE(timer.arm(20, engine.reserve_seq()));  // later: recorded only
  const std::uint64_t other = engine.schedule(10, EventKind::kNote, 1);
  const std::uint64_t s3 = engine.reserve_seq();
  EXPECT_FALSE(timer.arm(10, s3));  // back to 10: the queued event serves
  std::vector<Key> order;
  engine.run_until(kNever, [&](const auto& e) {
    if constexpr (std::is_same_v<std::decay_t<decltype(e)>, Event>) {
      if (e.target == 1) {
        order.push_back({e.at, e.seq});
        return;
      }
      const LazyTimer::Popped p = timer.popped(e.at, e.seq);
      if (p == LazyTimer::Popped::kRequeue)
        engine.schedule_reserved(timer.queued_at(), timer.queued_seq(), e.kind, e.target);
      if (p == LazyTimer::Popped::kDue) order.push_back({e.at, e.seq});
    }
  });
  EXPECT_EQ(order, (std::vector<Key>{{10, other}, {10, s3}}));
  EXPECT_EQ(timer.armed_at(), kNever);
  EXPECT_EQ(timer.queued_at(), kNever);
}

TEST(LazyTimer, DisarmDropsTheQueuedEvent) {
  LazyTimer timer;
  ASSERT_TRUE(timer.arm(5, 7));
  EXPECT_FALSE(timer.arm(kNever, 0));
  EXPECT_EQ(timer.popped(5, 7), LazyTimer::Popped::kStale);
  EXPECT_EQ(timer.queued_at(), kNever);
  EXPECT_TRUE(timer.arm(9, 8));  // nothing queued any more: queue a new one
  EXPECT_EQ(timer.popped(9, 8), LazyTimer::Popped::kDue);
}

TEST(LazyTimer, EarlierMoveLeavesOneStaleEvent) {
  LazyTimer timer;
  ASSERT_TRUE(timer.arm(50, 1));
  EXPECT_TRUE(timer.arm(30, 2));  // earlier: a new event; (50, 1) is stale
  EXPECT_EQ(timer.popped(30, 2), LazyTimer::Popped::kDue);
  EXPECT_EQ(timer.popped(50, 1), LazyTimer::Popped::kStale);
}

}  // namespace
}  // namespace p2pcdn::sim
