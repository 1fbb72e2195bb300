// A pool of short-lived records addressed by a small index (an event payload), in fixed-size
// chunks that go back to the allocator when they empty: after a burst (a million joins at
// t = 0, each with ~20 connection attempts in flight) the pool shrinks to what is in use.
// Hands out the lowest free index, so live records stay packed in the low chunks. Must stay a
// plain store: no ordering or lifetime logic beyond "in use".
#pragma once
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

namespace p2pcdn::sim {

template <class T, std::size_t kChunkBits = 9>
class ChunkPool {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << kChunkBits;
  static_assert(kChunk % 64 == 0, "a chunk's occupancy is whole 64-bit words");

  // Stores `value` at the lowest free index and returns that index.
  std::uint32_t put(const T& value) {
    const std::uint32_t i = acquire();
    (*this)[i] = value;
    return i;
  }

  // Marks the lowest free index in use and returns it; the record keeps whatever its last
  // user left in it (default-constructed in a fresh chunk): reusing its own buffers is the
  // caller's choice.
  std::uint32_t acquire() {
    const std::size_t c = first_open_chunk();
    Chunk& chunk = chunks_[c];
    if (!chunk.items) {
      chunk.items.reset(new T[kChunk]);  // default-initialised: no zeroing of 512 records
      ++chunk_allocations_;
    } else if (chunk.count == 0) {
      spare_ = kNoSpare;  // only the spare is allocated and empty
    }
    std::size_t w = 0;
    while (chunk.used[w] == ~std::uint64_t{0}) ++w;  // the chunk is open: a word has a zero
    const auto bit = static_cast<std::size_t>(std::countr_one(chunk.used[w]));
    chunk.used[w] |= std::uint64_t{1} << bit;
    const std::size_t k = w * 64 + bit;
    if (++chunk.count == kChunk) open_[c >> 6] &= ~(std::uint64_t{1} << (c & 63));
    ++size_;
    return static_cast<std::uint32_t>((c << kChunkBits) | k);
  }

  // Frees index i (in use). An emptied chunk is returned to the allocator, except one kept
  // spare (the lowest empty one: puts fill the lowest open chunk first) so that a pool
  // hovering at a chunk boundary, or around zero, does not allocate on every put.
  void release(std::uint32_t i) {
    const std::size_t c = i >> kChunkBits;
    const std::size_t k = i & (kChunk - 1);
    Chunk& chunk = chunks_[c];
    chunk.used[k >> 6] &= ~(std::uint64_t{1} << (k & 63));
    open_[c >> 6] |= std::uint64_t{1} << (c & 63);
    --size_;
    if (--chunk.count != 0) return;
    if (spare_ == kNoSpare) {
      spare_ = c;
    } else if (c < spare_) {
      chunks_[spare_].items.reset();
      spare_ = c;
    } else {
      chunk.items.reset();
    }
  }

  [[nodiscard]] T& operator[](std::uint32_t i) {
    return chunks_[i >> kChunkBits].items[i & (kChunk - 1)];
  }
  [[nodiscard]] const T& operator[](std::uint32_t i) const {
    return chunks_[i >> kChunkBits].items[i & (kChunk - 1)];
  }
  [[nodiscard]] bool in_use(std::uint32_t i) const {
    const std::size_t c = i >> kChunkBits;
    const std::size_t k = i & (kChunk - 1);
    return c < chunks_.size() && ((chunks_[c].used[k >> 6] >> (k & 63)) & 1) != 0;
  }
  // Records in use.
  [[nodiscard]] std::size_t size() const { return size_; }
  // Chunks allocated so far (a churn check for tests).
  [[nodiscard]] std::size_t chunk_allocations() const { return chunk_allocations_; }
  // One past the highest index ever handed out (indices in use are below it).
  [[nodiscard]] std::size_t index_bound() const { return chunks_.size() * kChunk; }
  // Calls fn(index, record) for every record in use, in index order.
  template <class Fn>
  void for_each(Fn&& fn) const {
    for (std::size_t c = 0; c < chunks_.size(); ++c) {
      const Chunk& chunk = chunks_[c];
      for (std::size_t w = 0; w < chunk.used.size(); ++w) {
        for (std::uint64_t bits = chunk.used[w]; bits != 0; bits &= bits - 1) {
          const std::size_t k = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
          fn(static_cast<std::uint32_t>((c << kChunkBits) | k), chunk.items[k]);
        }
      }
    }
  }

  // Calls fn(record) for every record of every allocated chunk, in use or not (what they own
  // on the heap is held either way).
  template <class Fn>
  void for_each_allocated(Fn&& fn) const {
    for (const Chunk& chunk : chunks_) {
      if (!chunk.items) continue;
      for (std::size_t k = 0; k < kChunk; ++k) fn(chunk.items[k]);
    }
  }

  // Heap bytes held: allocated chunks (used or not), the chunk table, the open-chunk bits.
  [[nodiscard]] std::size_t heap_bytes() const {
    std::size_t allocated = 0;
    for (const Chunk& chunk : chunks_) allocated += chunk.items ? 1 : 0;
    return allocated * kChunk * sizeof(T) + chunks_.capacity() * sizeof(Chunk) +
           open_.capacity() * sizeof(std::uint64_t);
  }

 private:
  struct Chunk {
    std::unique_ptr<T[]> items;  // null while the chunk is empty and released
    std::array<std::uint64_t, kChunk / 64> used{};
    std::uint32_t count = 0;
  };

  // The lowest chunk with a free record, appending one when all are full.
  std::size_t first_open_chunk() {
    for (std::size_t w = 0; w < open_.size(); ++w) {
      if (open_[w] != 0) return w * 64 + static_cast<std::size_t>(std::countr_zero(open_[w]));
    }
    const std::size_t c = chunks_.size();
    if ((c + 1) << kChunkBits > std::size_t{0xFFFFFFFFu})
      throw std::length_error("ChunkPool: more than 2^32 records");
    chunks_.emplace_back();
    if ((c >> 6) >= open_.size()) open_.push_back(0);
    open_[c >> 6] |= std::uint64_t{1} << (c & 63);
    return c;
  }

  std::vector<Chunk> chunks_;
  std::vector<std::uint64_t> open_;  // bit c set <=> chunk c has a free record
  static constexpr std::size_t kNoSpare = ~std::size_t{0};
  std::size_t size_ = 0;
  std::size_t chunk_allocations_ = 0;
  std::size_t spare_ = kNoSpare;  // the one chunk with no record in use that keeps its memory
};

}  // namespace p2pcdn::sim
