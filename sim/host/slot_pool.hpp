// Dense slots with generations: ids stay small (arrays indexed by them) and a
// stale reference (an event for a departed viewer, a finished transfer) is
// detected by its generation instead of by a search. Reuse order is LIFO and
// deterministic.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/host/grow_gently.hpp"

namespace p2pcdn::sim {

class SlotPool {
 public:
  // Returns a free slot (reusing the most recently freed one).
  std::uint32_t acquire() {
    if (!free_.empty()) {
      const std::uint32_t slot = free_.back();
      free_.pop_back();
      live_[slot] = 1;
      return slot;
    }
    reserve_gently(generation_, generation_.size() + 1);
    reserve_gently(live_, live_.size() + 1);
    generation_.push_back(1);
    live_.push_back(1);
    return static_cast<std::uint32_t>(generation_.size() - 1);
  }
  // Frees `slot`; every reference carrying its old generation becomes stale.
  void release(std::uint32_t slot) {
    ++generation_[slot];
    live_[slot] = 0;
    free_.push_back(slot);
  }
  [[nodiscard]] std::uint32_t generation(std::uint32_t slot) const { return generation_[slot]; }
  [[nodiscard]] bool is_current(std::uint32_t slot, std::uint32_t generation) const {
    return slot < generation_.size() && live_[slot] && generation_[slot] == generation;
  }
  [[nodiscard]] bool is_live(std::uint32_t slot) const { return live_[slot] != 0; }
  [[nodiscard]] std::size_t capacity() const { return generation_.size(); }
  [[nodiscard]] std::size_t live_count() const { return generation_.size() - free_.size(); }
  [[nodiscard]] std::size_t heap_bytes() const {
    return generation_.capacity() * sizeof(std::uint32_t) + live_.capacity() +
           free_.capacity() * sizeof(std::uint32_t);
  }

 private:
  std::vector<std::uint32_t> generation_;
  std::vector<std::uint8_t> live_;
  std::vector<std::uint32_t> free_;
};

}  // namespace p2pcdn::sim
