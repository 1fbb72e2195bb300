// A growable array of records in fixed-size chunks: growth never copies or moves a record
// (references stay valid) and never holds more than one partly used chunk, where a vector
// holds up to twice what it needs after a doubling. Must stay a plain indexed store: no
// ordering or lifetime logic here.
#pragma once
#include <cstddef>
#include <memory>
#include <vector>

namespace p2pcdn::sim {

template <class T, std::size_t kChunkBits = 10>
class ChunkedStore {
 public:
  static constexpr std::size_t kChunk = std::size_t{1} << kChunkBits;

  [[nodiscard]] std::size_t size() const { return size_; }
  // Records allocated (used or not): a multiple of the chunk size.
  [[nodiscard]] std::size_t capacity() const { return chunks_.size() * kChunk; }
  [[nodiscard]] std::size_t heap_bytes() const {
    return capacity() * sizeof(T) + chunks_.capacity() * sizeof(std::unique_ptr<T[]>);
  }

  // Grows to n records (new ones value-initialised); never shrinks.
  void grow_to(std::size_t n) {
    while (capacity() < n) chunks_.push_back(std::make_unique<T[]>(kChunk));
    if (n > size_) size_ = n;
  }

  T& operator[](std::size_t i) { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }
  const T& operator[](std::size_t i) const { return chunks_[i >> kChunkBits][i & (kChunk - 1)]; }

 private:
  std::vector<std::unique_ptr<T[]>> chunks_;
  std::size_t size_ = 0;
};

}  // namespace p2pcdn::sim
