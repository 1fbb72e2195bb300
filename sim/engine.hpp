// The discrete-event loop: one EventQueue of plain events plus the flow
// network's completions, merged in a fixed, documented order. Must never hold
// model logic (the dispatcher decides what an event means) nor read a clock.
#pragma once
#include <atomic>
#include <concepts>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/event.hpp"
#include "sim/event_queue.hpp"
#include "sim/time.hpp"

namespace p2pcdn::sim {

// What the engine needs from a flow network (any type, e.g. sim/flow/'s):
// the time of its next internal change (kNever if none) and a way to advance
// to it, appending the transfers that completed.
template <class N>
concept EngineNetwork = requires(N& network, const N& cnetwork, Time now,
                                 std::vector<typename N::Done>& done) {
  typename N::Done;
  { cnetwork.next_completion() } -> std::convertible_to<Time>;
  network.advance_to(now, done);
};

enum class RunStatus : std::uint8_t {
  kReachedEnd,  // everything due at or before `end` was dispatched; more is pending
  kDrained,     // nothing pending anywhere (queue empty, network idle)
  kStopped,     // request_stop() was called; returned early, now() is the last dispatch time
};

// Order of dispatch (the tie rule), fixed so that runs are bit-for-bit reproducible:
//  1. earlier time first;
//  2. at equal times, network completions come before queued events: a transfer
//     that ends at t has been delivered by t, so an event at t (a player tick, a
//     deadline, a sample) must already see it;
//  3. completions reported by one advance_to() call are dispatched in the order
//     the network lists them;
//  4. queued events at equal times go by seq, which schedule() stamps in call
//     order: FIFO among events scheduled for the same instant.
template <EngineNetwork Network>
class Engine {
 public:
  using Done = typename Network::Done;

  explicit Engine(Network& network) : network_(network) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  [[nodiscard]] Time now() const { return now_; }
  // Queued events dispatched so far (stale ones included: the dispatcher filters them).
  [[nodiscard]] std::uint64_t events_processed() const { return events_processed_; }
  // Network completions dispatched so far.
  [[nodiscard]] std::uint64_t completions_processed() const { return completions_processed_; }
  [[nodiscard]] std::size_t pending_events() const { return queue_.size(); }
  [[nodiscard]] const EventQueue& queue() const { return queue_; }
  void reserve(std::size_t events) { queue_.reserve(events); }
  // Heap bytes of the queue and the completion buffer (not the network's).
  [[nodiscard]] std::size_t heap_bytes() const {
    return queue_.heap_bytes() + done_.capacity() * sizeof(Done);
  }

  // Schedules an event; throws std::invalid_argument if at < now() (an event in
  // the past would break causality). Returns the seq stamped on it.
  std::uint64_t schedule(Time at, EventKind kind, std::uint32_t target,
                         std::uint32_t generation = 0, std::uint32_t payload = 0) {
    if (at < now_) throw_in_past(at);
    const std::uint64_t seq = next_seq_++;
    queue_.push(Event{at, seq, target, generation, kind, payload});
    return seq;
  }

  // Takes the next seq without queuing anything. An event queued later with it by
  // schedule_reserved() sorts exactly where schedule() would have put it if called now: a
  // lazily re-armed timer (sim/host/lazy_timer.hpp) fires at the position a cancel-and-set
  // timer would, although its event enters the queue later.
  [[nodiscard]] std::uint64_t reserve_seq() { return next_seq_++; }

  // Queues an event under a seq from reserve_seq(). Throws std::invalid_argument if at < now(),
  // if seq was never reserved, or if (at, seq) sorts before the last dispatched event (the
  // queue is monotone: at > now() is always accepted; at == now() needs a seq above the
  // event being dispatched). Reusing a seq that is already queued is the caller's bug.
  void schedule_reserved(Time at, std::uint64_t seq, EventKind kind, std::uint32_t target,
                         std::uint32_t generation = 0, std::uint32_t payload = 0) {
    if (at < now_) throw_in_past(at);
    if (seq >= next_seq_) {
      throw std::invalid_argument("Engine: seq " + std::to_string(seq) +
                                  " was not reserved (next seq is " + std::to_string(next_seq_) +
                                  ")");
    }
    queue_.push(Event{at, seq, target, generation, kind, payload});
  }

  // Asks the running loop to return after the current dispatch. Safe to call
  // from a signal handler (lock-free atomic store) or from the dispatcher.
  // Sticky: run_until() returns kStopped at once until clear_stop().
  void request_stop() { stop_.store(true, std::memory_order_relaxed); }
  void clear_stop() { stop_.store(false, std::memory_order_relaxed); }
  [[nodiscard]] bool stop_requested() const { return stop_.load(std::memory_order_relaxed); }

  // Dispatches, in the tie-rule order above, every event and completion due at
  // or before `end`. Dispatch must be callable as dispatch(const Event&) and
  // dispatch(const Done&); it may schedule() and request_stop(). Unless stopped,
  // now() is `end` afterwards (when end != kNever), so the next run continues from there.
  template <class Dispatch>
  requires std::invocable<Dispatch&, const Event&> && std::invocable<Dispatch&, const Done&>
      RunStatus run_until(Time end, Dispatch&& dispatch) {
    if (end < now_) throw_in_past(end);
    for (;;) {
      if (stop_requested()) return RunStatus::kStopped;
      const Time network_at = network_.next_completion();
      const Time queue_at = queue_.top_time();
      const Time next_at = network_at <= queue_at ? network_at : queue_at;
      if (next_at == kNever || next_at > end) {
        if (end != kNever) now_ = end;
        return next_at == kNever ? RunStatus::kDrained : RunStatus::kReachedEnd;
      }
      if (next_at < now_) throw_network_in_past(next_at);
      now_ = next_at;
      if (network_at <= queue_at) {  // completions first on ties
        dispatch_completions(network_at, dispatch);
      } else {
        const Event event = queue_.pop();
        ++events_processed_;
        dispatch(event);
      }
    }
  }

 private:
  template <class Dispatch>
  void dispatch_completions(Time at, Dispatch& dispatch) {
    done_.clear();
    network_.advance_to(at, done_);
    if (done_.empty() && network_.next_completion() <= at) {
      // Nothing completed and the network still reports a change due now: the
      // loop would spin forever. Fail loudly instead of hanging.
      throw std::logic_error("Engine: network made no progress at t=" + std::to_string(at) +
                             " us (next_completion() did not move past advance_to())");
    }
    // Every flow of the batch has already left the network (its id may be reused by a flow
    // started while dispatching): a dispatcher that can act on another flow while handling one
    // completion learns about the whole batch first.
    if constexpr (requires { dispatch.completions_reported(std::span<const Done>(done_)); }) {
      dispatch.completions_reported(std::span<const Done>(done_));
    }
    // Index loop: dispatch may call into the network, but never into done_.
    for (std::size_t i = 0; i < done_.size(); ++i) {
      ++completions_processed_;
      dispatch(static_cast<const Done&>(done_[i]));
    }
  }

  [[noreturn]] void throw_in_past(Time at) const {
    throw std::invalid_argument("Engine: time " + std::to_string(at) +
                                " us is before now = " + std::to_string(now_) + " us");
  }
  [[noreturn]] void throw_network_in_past(Time at) const {
    throw std::logic_error("Engine: network reported a completion at " + std::to_string(at) +
                           " us, before now = " + std::to_string(now_) + " us");
  }

  Network& network_;
  EventQueue queue_;
  std::vector<Done> done_;
  Time now_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t events_processed_ = 0;
  std::uint64_t completions_processed_ = 0;
  std::atomic<bool> stop_{false};
};

}  // namespace p2pcdn::sim
