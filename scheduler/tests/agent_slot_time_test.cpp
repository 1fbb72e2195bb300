// Slot availability times are stored as 32-bit offsets from a movable anchor, falling back to
// exact 64-bit times: checked here against a plain array of the times written (any mismatch
// would change decisions). Test-only; reaches into the core through Agent::State.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "agent/core.hpp"
#include "util/prng.hpp"

namespace p2pcdn::sched {
namespace {

using agent_detail::Core;

std::unique_ptr<Agent::State> make_state(std::uint16_t window, TimeUs now) {
  AgentConfig cfg;
  cfg.window_segments = window;
  auto shared = std::make_shared<const AgentConfig>(cfg);
  return Agent::State::make(shared, PeerTraits{}, 1, now, "deadline-aware");
}

// Writes `count` times drawn by `draw` into random slots, comparing every slot with the
// reference after each write. Returns whether the core fell back to wide times.
template <class Draw>
bool run(Core& c, util::Prng& rng, int count, Draw draw) {
  std::vector<TimeUs> ref(c.window_size, kNever);
  for (std::size_t i = 0; i < c.window_size; ++i) ref[i] = c.available_at(c.slots()[i]);
  for (int k = 0; k < count; ++k) {
    const std::uint32_t pos = rng.next_below(c.window_size);
    const TimeUs t = draw();
    c.set_available_at(c.slots()[pos], t);
    ref[pos] = t;
    for (std::size_t i = 0; i < c.window_size; ++i) {
      if (c.available_at(c.slots()[i]) != ref[i]) {
        ADD_FAILURE() << "write " << k << " slot " << i << ": " << c.available_at(c.slots()[i])
                      << " != " << ref[i];
        return c.wide_times != nullptr;
      }
    }
  }
  return c.wide_times != nullptr;
}

TEST(AgentSlotTime, LiveStreamTimesStayCompactAndExact) {
  // Hours of a live stream: times near a moving "now", re-anchoring as it goes.
  for (std::uint16_t w : {8, 16, 32, 64}) {
    auto s = make_state(w, 5'000'000);
    util::Prng rng(w);
    TimeUs now = 5'000'000;
    const bool wide = run(*s, rng, 20000, [&] {
      now += rng.next_below(1'000'000);  // ~5.5 h over the run
      if (rng.next_below(16) == 0) return kNever;
      return now - TimeUs{rng.next_below(200'000'000)} + 20'000'000;
    });
    EXPECT_FALSE(wide) << w;
    EXPECT_NE(s->slot_anchor_us, 5'000'000) << "the anchor moved";
  }
}

TEST(AgentSlotTime, AnyTimesExactIncludingWideFallback) {
  // Times far apart (beyond 31 bits around any anchor) and the int64 extremes: the core
  // must switch to wide times and stay exact before and after.
  auto s = make_state(16, -7);
  util::Prng rng(99);
  const TimeUs lo = std::numeric_limits<TimeUs>::min();
  const bool wide = run(*s, rng, 5000, [&]() -> TimeUs {
    switch (rng.next_below(6)) {
      case 0:
        return kNever;
      case 1:
        return lo + rng.next_below(3);
      case 2:
        return kNever - 1 - rng.next_below(3);
      case 3:
        return static_cast<TimeUs>(rng.next_u64());
      default:
        return TimeUs{rng.next_below(4'000'000'000U)} - 2'000'000'000;
    }
  });
  EXPECT_TRUE(wide);
  EXPECT_GE(s->heap_bytes(), sizeof(Core) + 16 * sizeof(TimeUs));
}

TEST(AgentSlotTime, OffsetLimitsAreExact) {
  // Right at the 31-bit limits around the anchor: -(2^31 - 1) .. 2^31 - 1 fit one anchor;
  // -2^31 is the "never" code, so a time there must not use it: with anchor + 2^31 - 1 held
  // elsewhere no anchor fits both (a 2^32 span), and the core goes wide, exactly.
  auto s = make_state(8, 1'000);
  Core& c = *s;
  const TimeUs anchor = c.slot_anchor_us;
  const TimeUs hi = std::numeric_limits<std::int32_t>::max();
  c.set_available_at(c.slots()[0], anchor + hi);
  c.set_available_at(c.slots()[1], anchor - hi);
  EXPECT_EQ(c.available_at(c.slots()[0]), anchor + hi);
  EXPECT_EQ(c.available_at(c.slots()[1]), anchor - hi);
  EXPECT_EQ(c.slot_anchor_us, anchor);
  EXPECT_EQ(c.wide_times, nullptr);
  c.set_available_at(c.slots()[1], anchor - hi - 1);
  EXPECT_EQ(c.available_at(c.slots()[0]), anchor + hi);
  EXPECT_EQ(c.available_at(c.slots()[1]), anchor - hi - 1);
  EXPECT_NE(c.wide_times, nullptr);
  for (std::size_t i = 2; i < 8; ++i) EXPECT_EQ(c.available_at(c.slots()[i]), kNever);
  // Alone, the same time re-anchors instead.
  auto s2 = make_state(8, 1'000);
  s2->set_available_at(s2->slots()[3], anchor - hi - 1);
  EXPECT_EQ(s2->available_at(s2->slots()[3]), anchor - hi - 1);
  EXPECT_EQ(s2->slot_anchor_us, anchor - hi - 1);
  EXPECT_EQ(s2->wide_times, nullptr);
}

}  // namespace
}  // namespace p2pcdn::sched
