// Peer messages in flight between agents: the bytes are copied out of the sender's outbox
// (only borrowed until its next call) into a slot that lives until delivery. One slot can
// carry the same message to several receivers that get it at the same instant (a multicast:
// one event instead of one per receiver). Slots and their receiver lists are recycled: no
// allocation per message in steady state; the slots live in a ChunkPool, so the pool shrinks
// back after a burst. Must not decide delivery (the host does).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "p2pcdn/scheduler/wire.hpp"
#include "sim/host/chunk_pool.hpp"

namespace p2pcdn::sim {

struct MessageReceiver {
  std::uint32_t peer = 0;        // viewer slot
  std::uint32_t generation = 0;  // stale if the receiver left meanwhile
  std::uint32_t epoch = 0;       // the receiver's connection epoch when sent
};

struct MessageInFlight {
  std::uint32_t sender = 0;             // viewer slot
  std::uint32_t sender_generation = 0;  // stale if the sender left meanwhile
  std::uint16_t length = 0;
  std::array<std::byte, sched::wire::kMaxMessageBytes> bytes{};
  std::vector<MessageReceiver> receivers;  // delivery order

  [[nodiscard]] std::span<const std::byte> message() const { return {bytes.data(), length}; }
};

class MessagePool {
 public:
  // Copies `bytes` (longer than kMaxMessageBytes is a host bug: the caller checks); the
  // receiver list starts empty.
  std::uint32_t put(std::uint32_t sender, std::uint32_t sender_generation,
                    std::span<const std::byte> bytes) {
    const std::uint32_t index = slots_.acquire();
    MessageInFlight& m = slots_[index];
    m.sender = sender;
    m.sender_generation = sender_generation;
    m.length = static_cast<std::uint16_t>(bytes.size());
    std::memcpy(m.bytes.data(), bytes.data(), bytes.size());
    m.receivers.clear();  // keeps its capacity
    return index;
  }
  void add_receiver(std::uint32_t index, const MessageReceiver& r) {
    slots_[index].receivers.push_back(r);
  }
  // Valid until release(index) (chunks never move).
  [[nodiscard]] const MessageInFlight& get(std::uint32_t index) const { return slots_[index]; }
  void release(std::uint32_t index) { slots_.release(index); }
  [[nodiscard]] std::size_t in_flight() const { return slots_.size(); }
  [[nodiscard]] std::size_t heap_bytes() const {
    std::size_t bytes = slots_.heap_bytes();
    slots_.for_each_allocated([&](const MessageInFlight& m) {
      bytes += m.receivers.capacity() * sizeof(MessageReceiver);
    });
    return bytes;
  }

 private:
  ChunkPool<MessageInFlight, 6> slots_;
};

}  // namespace p2pcdn::sim
