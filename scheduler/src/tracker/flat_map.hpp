// Compact open-addressing hash map from an unsigned integer key to a uint32 value
// (linear probing, backward-shift deletion): 8 or 16 bytes per slot, no node allocations.
// The key value ~0 is reserved as the empty marker and must never be inserted.
#pragma once
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace p2pcdn::sched::tracker_detail {

template <class Key>
class FlatMap {
 public:
  static constexpr Key kEmpty = std::numeric_limits<Key>::max();
  static constexpr std::uint32_t kMissing = std::numeric_limits<std::uint32_t>::max();

  [[nodiscard]] std::uint32_t find(Key key) const {
    if (slots_.empty()) {
      return kMissing;
    }
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      if (slots_[i].key == key) {
        return slots_[i].value;
      }
      if (slots_[i].key == kEmpty) {
        return kMissing;
      }
    }
  }

  // Inserts or overwrites.
  void put(Key key, std::uint32_t value) {
    assert(key != kEmpty);
    if ((size_ + 1) * 4 > slots_.size() * 3) {
      grow();
    }
    std::size_t i = home(key);
    while (slots_[i].key != kEmpty && slots_[i].key != key) {
      i = (i + 1) & mask();
    }
    if (slots_[i].key == kEmpty) {
      ++size_;
    }
    slots_[i] = Slot{key, value};
  }

  // Returns whether the key was present.
  bool erase(Key key) {
    if (slots_.empty()) {
      return false;
    }
    std::size_t i = home(key);
    while (slots_[i].key != key) {
      if (slots_[i].key == kEmpty) {
        return false;
      }
      i = (i + 1) & mask();
    }
    // Backward-shift: pull later entries of the probe run into the hole so that lookups
    // never need tombstones.
    std::size_t hole = i;
    for (std::size_t j = (hole + 1) & mask(); slots_[j].key != kEmpty; j = (j + 1) & mask()) {
      const std::size_t h = home(slots_[j].key);
      // Entry j may move to `hole` only if its home is not in (hole, j] cyclically.
      const bool home_after_hole = ((j - h) & mask()) < ((j - hole) & mask());
      if (!home_after_hole) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole].key = kEmpty;
    --size_;
    return true;
  }

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t heap_bytes() const { return slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    Key key = kEmpty;
    std::uint32_t value = 0;
  };

  [[nodiscard]] std::size_t mask() const { return slots_.size() - 1; }
  [[nodiscard]] std::size_t home(Key key) const {
    // SplitMix64 finaliser: host ids are often sequential, which linear probing hates.
    std::uint64_t z = static_cast<std::uint64_t>(key) + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return static_cast<std::size_t>(z ^ (z >> 31)) & mask();
  }
  void grow() {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
    size_ = 0;
    for (const Slot& s : old) {
      if (s.key != kEmpty) {
        put(s.key, s.value);
      }
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace p2pcdn::sched::tracker_detail
