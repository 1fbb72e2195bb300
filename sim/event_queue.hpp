// EventQueue: the engine's pending events ordered by (at, seq), as a radix heap
// on the 128-bit key (at, seq). Chosen by measurement over 2/4/8-ary heaps
// (bench/event_queue_bench.cpp). Monotone: never accepts a key below the last popped one.
#pragma once
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/event.hpp"

namespace p2pcdn::sim {

// A radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990) over the key (at, seq):
// bucket b > 0 holds the events whose key first differs from the last popped key
// at bit b-1 (the 64 bits of seq are bits 0..63, those of at bits 64..127), so
// a push is one XOR and one count-leading-zeros, and a pop rescans only the
// lowest non-empty bucket, moving its events to strictly lower buckets. Each
// event moves at most 128 times, in practice a few times, always sequentially
// through memory: at 10^6 pending events this beats binary and d-ary heaps,
// whose every pop walks ~log n random cache lines.
//
// Precondition (monotone queue): push(e) requires (e.at, e.seq) >= the key of
// the last popped event. A discrete-event engine satisfies it because it
// schedules at >= now and stamps increasing seq numbers; a violation throws
// std::invalid_argument rather than corrupting the order.
// Events with an identical (at, seq) pair pop in an unspecified order; the
// Engine never creates them (seq is unique).
class EventQueue {
 public:
  EventQueue() = default;

  void push(const Event& event) {
    const std::uint64_t hi = high_word(event.at);
    if (hi < last_hi_ || (hi == last_hi_ && event.seq < last_lo_)) throw_not_monotone(event);
    const int b = bucket_of(hi, event.seq);
    put(b, event);
    ++size_;
    // Keep the cached minimum of buckets 1.. exact (bucket 0 is always looked at
    // first, so it never needs caching): an earlier event is the new minimum.
    if (b != 0 && min_bucket_ >= 0 && fires_before(event, buckets_[min_bucket_][min_index_])) {
      min_bucket_ = b;
      min_index_ = buckets_[b].size() - 1;
    }
  }

  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] std::size_t size() const { return size_; }

  // Time of the earliest pending event, kNever when empty. Does not change the
  // queue's monotone bound: events earlier than top_time() may still be pushed.
  [[nodiscard]] Time top_time() const { return size_ == 0 ? kNever : top().at; }

  // The earliest event; throws std::logic_error when empty.
  [[nodiscard]] const Event& top() const {
    if (nonempty_[0] & 1u) return buckets_[0].back();
    if (min_bucket_ < 0) locate_min();
    return buckets_[min_bucket_][min_index_];
  }

  // Removes and returns the earliest event; throws std::logic_error when empty.
  Event pop() {
    if (nonempty_[0] & 1u) {  // fast path: an event equal to the last popped key
      Event event = buckets_[0].back();
      buckets_[0].pop_back();
      if (buckets_[0].empty()) nonempty_[0] &= ~std::uint64_t{1};
      --size_;
      return event;
    }
    return pop_from_bucket();
  }

  // Capacity hint kept for API parity with NaiveEventQueue. Buckets grow
  // amortised and keep their capacity once emptied, so a steady-state run stops
  // allocating after warm-up; reserving per bucket would need the (unknown)
  // spread of future times, so this only pre-sizes the bucket of equal keys.
  void reserve(std::size_t n);

  // Drops every event and resets the monotone bound (a fresh run).
  void clear();

 private:
  static constexpr int kBuckets = 129;  // 0 (key == last) and one per bit of the 128-bit key

  // Signed time mapped to an unsigned word with the same order.
  static std::uint64_t high_word(Time at) {
    return static_cast<std::uint64_t>(at) ^ (std::uint64_t{1} << 63);
  }
  [[nodiscard]] int bucket_of(std::uint64_t hi, std::uint64_t lo) const {
    const std::uint64_t x = hi ^ last_hi_;
    if (x != 0) return 128 - std::countl_zero(x);
    const std::uint64_t y = lo ^ last_lo_;
    return y != 0 ? 64 - std::countl_zero(y) : 0;
  }
  void put(int b, const Event& event) {
    buckets_[static_cast<std::size_t>(b)].push_back(event);
    nonempty_[static_cast<std::size_t>(b) >> 6] |= std::uint64_t{1} << (b & 63);
  }
  [[nodiscard]] int lowest_nonempty() const;
  void locate_min() const;
  Event pop_from_bucket();
  [[noreturn]] void throw_not_monotone(const Event& event) const;

  std::array<std::vector<Event>, kBuckets> buckets_;
  std::array<std::uint64_t, 3> nonempty_{};  // bit b set <=> buckets_[b] not empty
  std::uint64_t last_hi_ = 0;                // key of the last popped event
  std::uint64_t last_lo_ = 0;
  std::size_t size_ = 0;
  // Position of the minimum of buckets 1.. (in the lowest non-empty one), found lazily by
  // top() and reused by pop(); -1 when unknown.
  mutable int min_bucket_ = -1;
  mutable std::size_t min_index_ = 0;
};

}  // namespace p2pcdn::sim
