// LazyTimer: one re-armable timer (a viewer's agent wake-up or player tick) with exact
// cancel-and-set semantics but at most one live event in the engine's queue. Must never
// touch the engine itself (the caller reserves seqs and queues the events) nor read a clock.
#pragma once
#include <cstdint>

#include "models/base/time.hpp"

namespace p2pcdn::sim {

// Semantics: those of a timer that, at every re-arm, cancels its queued event and schedules
// a new one with Engine::schedule(): it fires once, at the last armed time, in the FIFO
// position of the seq reserved when it was armed (Engine::reserve_seq()).
//
// Lazy: re-arming to a time at or after the live queued event only records the armed
// (at, seq); when the queued event pops, popped() says to queue it again at the armed
// (at, seq), which is where the cancel-and-set timer fires (a monotone queue accepts it: it is
// later than the event being dispatched). Only a re-arm to a time before the live queued
// event queues a new event now; the old one stays in the queue as a stale event, recognised
// by its (at, seq) and dropped when it pops. So the queue holds one event per timer plus one
// stale event per earlier-move whose old time has not come yet.
//
// 32 bytes. Seqs are full 64-bit: a run of 10^7 viewers schedules 2^32 events within
// seconds of simulated time, so a 32-bit seq could alias a stale event of the same timer.
class LazyTimer {
 public:
  enum class Popped : std::uint8_t {
    kStale,    // not the timer's live event, or the timer was disarmed: drop it
    kDue,      // the timer fires now (it is disarmed from here on)
    kRequeue,  // re-armed later: queue an event at (queued_at(), queued_seq()), drop this one
  };

  // The armed time, kNever when disarmed (never armed, fired, or disarmed by arm(kNever)).
  [[nodiscard]] TimeUs armed_at() const { return armed_at_; }
  [[nodiscard]] std::uint64_t armed_seq() const { return armed_seq_; }
  // The live queued event's key; queued_at() is kNever when the timer has none in the queue.
  [[nodiscard]] TimeUs queued_at() const { return queued_at_; }
  [[nodiscard]] std::uint64_t queued_seq() const { return queued_seq_; }

  // Re-arms the timer to fire at `at` (kNever disarms it; seq is then ignored) under `seq`,
  // freshly reserved from the engine (above every seq given before). Returns true when the
  // caller must queue an event at (at, seq) now. Precondition: at >= the engine's now().
  bool arm(TimeUs at, std::uint64_t seq) {
    armed_at_ = at;
    armed_seq_ = seq;
    if (at == kNever) return false;
    // A live queued event at or before `at` will pop first and hand over to (at, seq).
    if (queued_at_ != kNever && queued_at_ <= at) return false;
    queued_at_ = at;
    queued_seq_ = seq;
    return true;
  }

  // An event of this timer popped at (at, seq): what to do with it.
  Popped popped(TimeUs at, std::uint64_t seq) {
    if (queued_at_ == kNever || at != queued_at_ || seq != queued_seq_) return Popped::kStale;
    if (armed_at_ == at && armed_seq_ == seq) {
      armed_at_ = kNever;
      queued_at_ = kNever;
      return Popped::kDue;
    }
    if (armed_at_ == kNever) {  // disarmed since this event was queued
      queued_at_ = kNever;
      return Popped::kStale;
    }
    // Armed later (arm() keeps the armed key at or after the queued one): hand over.
    queued_at_ = armed_at_;
    queued_seq_ = armed_seq_;
    return Popped::kRequeue;
  }

 private:
  TimeUs armed_at_ = kNever;
  TimeUs queued_at_ = kNever;
  std::uint64_t armed_seq_ = 0;
  std::uint64_t queued_seq_ = 0;
};

}  // namespace p2pcdn::sim
