// Every viewer's open peer connections in rows of a fixed stride (the agent's peer cap),
// rows allocated 1024 slots at a time: no heap block per viewer, no doubling slack, and a
// lookup scans one short contiguous run of ids.
// Must keep exactly the order of an append / swap-with-last-remove list: the host walks the
// list in that order (departures, tracker exclusions), so the outputs depend on it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <vector>

#include "sim/host/grow_gently.hpp"

namespace p2pcdn::sim {

struct ConnectionFlags {
  bool relayed = false;    // through a TURN relay
  bool initiated = false;  // this side asked the tracker for the peer
};

class ConnectionTable {
 public:
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;

  // `stride`: the most connections one slot can hold (the host refuses more).
  explicit ConnectionTable(std::uint32_t stride) : stride_(stride == 0 ? 1 : stride) {
    if (stride_ > 255) throw std::invalid_argument("ConnectionTable: stride above 255");
  }

  // Makes `slot` addressable (slots are dense and reused).
  void ensure_slot(std::uint32_t slot) {
    if (slot < count_.size()) return;
    const std::size_t slots = static_cast<std::size_t>(slot) + 1;
    reserve_gently(count_, slots);
    reserve_gently(epoch_, slots);
    count_.resize(slots, 0);
    epoch_.resize(slots, 0);
    while (chunks_.size() * kChunkSlots < slots) {
      chunks_.push_back(std::make_unique<std::uint32_t[]>(kChunkSlots * row_words()));
    }
  }

  [[nodiscard]] std::uint32_t stride() const { return stride_; }
  [[nodiscard]] std::uint32_t size(std::uint32_t slot) const {
    return slot < count_.size() ? count_[slot] : 0;
  }
  // The peers of `slot`, in list order.
  [[nodiscard]] std::span<const std::uint32_t> peers(std::uint32_t slot) const {
    if (slot >= count_.size()) return {};
    return {row_peers(slot), count_[slot]};
  }
  [[nodiscard]] ConnectionFlags flags(std::uint32_t slot, std::uint32_t i) const {
    const std::uint8_t f = row_flags(slot)[i];
    return ConnectionFlags{(f & kRelayed) != 0, (f & kInitiated) != 0};
  }

  // Changes whenever a connection of `slot` is removed: a connection seen at some epoch is
  // still there while the epoch has not moved (lets a receiver skip the lookup).
  [[nodiscard]] std::uint32_t epoch(std::uint32_t slot) const {
    return slot < epoch_.size() ? epoch_[slot] : 0;
  }

  // A pure cache hint: starts loading the row of `slot` (its count and its peer ids).
  void prefetch(std::uint32_t slot) const {
    if (slot >= count_.size()) return;
    __builtin_prefetch(&count_[slot]);
    const std::uint32_t* row = row_peers(slot);
    __builtin_prefetch(row);
    __builtin_prefetch(row + row_words() - 1);
  }

  // Position of `peer` in the list of `slot`, kNone if not connected.
  [[nodiscard]] std::uint32_t find(std::uint32_t slot, std::uint32_t peer) const {
    if (slot >= count_.size()) return kNone;
    const std::uint32_t n = count_[slot];
    const std::uint32_t* p = row_peers(slot);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (p[i] == peer) return i;
    }
    return kNone;
  }

  // find() starting its scan at position `from` (wrapping round): the same answer, since a
  // row holds each peer once, but a caller walking the row in order (an announcement sent to
  // neighbours in turn) finds each at the first look.
  [[nodiscard]] std::uint32_t find_from(std::uint32_t slot, std::uint32_t peer,
                                        std::uint32_t from) const {
    if (slot >= count_.size()) return kNone;
    const std::uint32_t n = count_[slot];
    if (from >= n) from = 0;
    const std::uint32_t* p = row_peers(slot);
    for (std::uint32_t i = from; i < n; ++i) {
      if (p[i] == peer) return i;
    }
    for (std::uint32_t i = 0; i < from; ++i) {
      if (p[i] == peer) return i;
    }
    return kNone;
  }

  // Appends; throws std::logic_error when the slot is full (the host checks the cap first).
  void add(std::uint32_t slot, std::uint32_t peer, ConnectionFlags f) {
    ensure_slot(slot);
    std::uint8_t& n = count_[slot];
    if (n >= stride_) throw std::logic_error("ConnectionTable: slot over its cap");
    row_peers(slot)[n] = peer;
    row_flags(slot)[n] =
        static_cast<std::uint8_t>((f.relayed ? kRelayed : 0) | (f.initiated ? kInitiated : 0));
    ++n;
  }

  // Removes `peer` from the list of `slot` (the last entry takes its place); false if absent.
  bool remove(std::uint32_t slot, std::uint32_t peer) {
    const std::uint32_t i = find(slot, peer);
    if (i == kNone) return false;
    const std::uint32_t last = --count_[slot];  // i < count: no underflow
    ++epoch_[slot];
    std::uint32_t* p = row_peers(slot);
    std::uint8_t* f = row_flags(slot);
    p[i] = p[last];
    f[i] = f[last];
    return true;
  }

  void clear(std::uint32_t slot) {
    if (slot >= count_.size()) return;
    count_[slot] = 0;
    ++epoch_[slot];
  }

  [[nodiscard]] std::size_t heap_bytes() const {
    return count_.capacity() + epoch_.capacity() * sizeof(std::uint32_t) +
           chunks_.size() * kChunkSlots * row_words() * sizeof(std::uint32_t) +
           chunks_.capacity() * sizeof(chunks_[0]);
  }

 private:
  static constexpr std::uint8_t kRelayed = 1;
  static constexpr std::uint8_t kInitiated = 2;
  static constexpr std::size_t kChunkSlots = 1024;
  // A row: `stride` peer ids, then `stride` flag bytes rounded up to whole words.
  [[nodiscard]] std::size_t row_words() const { return stride_ + (stride_ + 3) / 4; }
  [[nodiscard]] std::uint32_t* row_peers(std::uint32_t slot) const {
    return chunks_[slot / kChunkSlots].get() + (slot % kChunkSlots) * row_words();
  }
  [[nodiscard]] std::uint8_t* row_flags(std::uint32_t slot) const {
    return reinterpret_cast<std::uint8_t*>(row_peers(slot) + stride_);  // byte view: allowed
  }

  std::uint32_t stride_;
  std::vector<std::uint8_t> count_;  // stride <= 255
  std::vector<std::uint32_t> epoch_;
  std::vector<std::unique_ptr<std::uint32_t[]>> chunks_;  // kChunkSlots rows each
};

}  // namespace p2pcdn::sim
