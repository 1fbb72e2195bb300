// The engine's plain event (32 bytes, no pointers, no allocation). Events carry data only: what
// happens is decided by the dispatcher, never by code stored in the event. Lazy cancellation is
// the target's: an event whose generation is not its target's current one is dropped (the host
// keeps one generation per viewer slot).
#pragma once
#include <cstdint>

#include "sim/time.hpp"

namespace p2pcdn::sim {

enum class EventKind : std::uint8_t {
  kViewerArrive,
  kViewerDepart,
  kPlaylistsLoaded,  // a viewer's player has its playlists: it starts asking for segments
  kSegmentPublished,
  kConnectResult,
  kMessageArrive,
  kFlowStart,
  kAgentWake,
  kPlayerTick,
  kSample,
  kPopOutage,  // a PoP goes down or comes back (the outage schedule's next change)
  kNote,       // a note deferred to the same instant: a transfer outcome or a peer disconnect
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

}  // namespace p2pcdn::sim
