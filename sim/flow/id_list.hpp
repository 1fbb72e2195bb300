// An ordered list of 32-bit ids in 16 bytes: up to two inline (a viewer's access link rarely
// carries more flows at once), on the heap beyond, growing 2x like a std::vector. Replaces
// std::vector<uint32_t> (24 bytes plus a 32-byte heap block from its first element on) for the
// flow network's per-resource flow lists. Same order semantics as the vector operations it
// offers; never reorders on its own.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace p2pcdn::sim {

class IdList {
 public:
  static constexpr std::uint32_t kInline = 2;

  IdList() : inline_{0, 0} {}
  IdList(IdList&& other) noexcept : size_(other.size_), cap_(other.cap_) {
    if (cap_ > kInline) {
      heap_ = other.heap_;
    } else {
      inline_[0] = other.inline_[0];
      inline_[1] = other.inline_[1];
    }
    other.size_ = 0;
    other.cap_ = kInline;
  }
  IdList& operator=(IdList&& other) noexcept {
    if (this != &other) {
      this->~IdList();
      new (this) IdList(std::move(other));
    }
    return *this;
  }
  IdList(const IdList&) = delete;
  IdList& operator=(const IdList&) = delete;
  ~IdList() {
    if (cap_ > kInline) delete[] heap_;
  }

  [[nodiscard]] const std::uint32_t* begin() const { return data(); }
  [[nodiscard]] const std::uint32_t* end() const { return data() + size_; }
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  [[nodiscard]] std::uint32_t operator[](std::size_t i) const { return data()[i]; }
  // Heap bytes held (0 while inline).
  [[nodiscard]] std::size_t heap_bytes() const {
    return cap_ > kInline ? cap_ * sizeof(std::uint32_t) : 0;
  }

  void push_back(std::uint32_t id) {
    if (size_ == cap_) grow();
    data()[size_++] = id;
  }
  // Removes the element at `it` (from begin()..end()), keeping the order of the others.
  void erase(const std::uint32_t* it) {
    std::uint32_t* d = data();
    const auto k = static_cast<std::size_t>(it - d);
    std::copy(d + k + 1, d + size_, d + k);
    --size_;
  }

 private:
  [[nodiscard]] std::uint32_t* data() { return cap_ > kInline ? heap_ : inline_; }
  [[nodiscard]] const std::uint32_t* data() const { return cap_ > kInline ? heap_ : inline_; }
  void grow() {
    const std::uint32_t cap = cap_ * 2;
    auto* heap = new std::uint32_t[cap];
    std::copy(data(), data() + size_, heap);
    if (cap_ > kInline) delete[] heap_;
    heap_ = heap;
    cap_ = cap;
  }

  std::uint32_t size_ = 0;
  std::uint32_t cap_ = kInline;
  union {
    std::uint32_t inline_[kInline];
    std::uint32_t* heap_;
  };
};

}  // namespace p2pcdn::sim
