// The engine's plain event (32 bytes, no pointers, no allocation) and the
// generation table used to cancel events lazily. Events carry data only: what
// happens is decided by the dispatcher, never by code stored in the event.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/time.hpp"

namespace p2pcdn::sim {

enum class EventKind : std::uint8_t {
  kViewerArrive,
  kViewerDepart,
  kSegmentPublished,
  kConnectResult,
  kMessageArrive,
  kFlowStart,
  kAgentWake,
  kPlayerTick,
  kSample,
  kPopOutage,
  kPopRecover,
  kUser,  // spare, for tests and experiments
};

struct Event {
  Time at;                   // when it fires (µs)
  std::uint64_t seq;         // stamped by Engine::schedule: FIFO among equal times
  std::uint32_t target;      // dense id of the viewer / PoP / flow the event is for
  std::uint32_t generation;  // stale if != current generation of target (lazy cancel)
  EventKind kind;
  std::uint32_t payload;  // small index (message slot, segment index, ...)
};
static_assert(sizeof(Event) == 32, "Event must stay 32 bytes: the queue's speed depends on it");

// Strict order of the queue: by time, then by sequence number.
constexpr bool fires_before(const Event& a, const Event& b) {
  return a.at < b.at || (a.at == b.at && a.seq < b.seq);
}

// One generation counter per target. Cancelling every pending event of a target
// is bump(target): O(1), and the stale events are dropped when popped
// (is_current() false) instead of being searched for in the queue.
class GenerationTable {
 public:
  GenerationTable() = default;
  explicit GenerationTable(std::size_t targets) : generation_(targets, 0) {}

  void resize(std::size_t targets) { generation_.resize(targets, 0); }
  [[nodiscard]] std::size_t size() const { return generation_.size(); }

  // The generation to stamp on a new event for this target.
  [[nodiscard]] std::uint32_t current(std::uint32_t target) const { return generation_.at(target); }
  // Invalidates every event already scheduled for target; returns the new generation.
  std::uint32_t bump(std::uint32_t target) { return ++generation_.at(target); }
  [[nodiscard]] bool is_current(const Event& event) const {
    return event.target < generation_.size() && generation_[event.target] == event.generation;
  }

 private:
  std::vector<std::uint32_t> generation_;
};

}  // namespace p2pcdn::sim
