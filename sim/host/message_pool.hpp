// Peer messages in flight between two agents: the bytes are copied out of the
// sender's outbox (which is only borrowed until its next call) into a slot that
// lives until delivery. Fixed-size slots, no allocation per message.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "p2pcdn/scheduler/wire.hpp"

namespace p2pcdn::sim {

struct MessageInFlight {
  std::uint32_t sender = 0;             // viewer slot
  std::uint32_t sender_generation = 0;  // stale if the sender left meanwhile
  std::uint32_t receiver_epoch = 0;     // the receiver's connection epoch when sent
  std::uint16_t length = 0;
  std::array<std::byte, sched::wire::kMaxMessageBytes> bytes{};
};

class MessagePool {
 public:
  // Copies `bytes` (truncated messages are a host bug: caller checks the length).
  std::uint32_t put(std::uint32_t sender, std::uint32_t sender_generation,
                    std::uint32_t receiver_epoch, std::span<const std::byte> bytes) {
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(slots_.size());
      slots_.emplace_back();
    }
    MessageInFlight& m = slots_[index];
    m.sender = sender;
    m.sender_generation = sender_generation;
    m.receiver_epoch = receiver_epoch;
    m.length = static_cast<std::uint16_t>(bytes.size());
    std::memcpy(m.bytes.data(), bytes.data(), bytes.size());
    ++in_flight_;
    return index;
  }
  [[nodiscard]] const MessageInFlight& get(std::uint32_t index) const { return slots_[index]; }
  void release(std::uint32_t index) {
    free_.push_back(index);
    --in_flight_;
  }
  [[nodiscard]] std::size_t in_flight() const { return in_flight_; }
  [[nodiscard]] std::size_t heap_bytes() const {
    return slots_.capacity() * sizeof(MessageInFlight) + free_.capacity() * sizeof(std::uint32_t);
  }

 private:
  std::vector<MessageInFlight> slots_;
  std::vector<std::uint32_t> free_;
  std::size_t in_flight_ = 0;
};

}  // namespace p2pcdn::sim
