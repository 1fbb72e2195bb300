// A vector of trivially copyable elements in 16 bytes (pointer, 16-bit size and capacity,
// 4 spare bytes its owner may use) instead of std::vector's 24, for the agent's per-viewer
// lists. Only the operations the agent uses; capacity changes only when asked. Never decides.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <type_traits>

namespace p2pcdn::sched::util {

template <class T>
class TightVec {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

 public:
  using SizeT = std::uint16_t;
  static constexpr std::size_t kMax = std::numeric_limits<SizeT>::max();

  TightVec() = default;
  TightVec(const TightVec&) = delete;
  TightVec& operator=(const TightVec&) = delete;
  ~TightVec() { release(); }

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return cap_; }
  [[nodiscard]] bool empty() const { return size_ == 0; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  [[nodiscard]] const T* begin() const { return data_; }
  [[nodiscard]] const T* end() const { return data_ + size_; }

  // n <= kMax (the agent's lists are bounded far below it by the kXxxMax caps).
  void reserve(std::size_t n) {
    if (n > cap_) regrow(n);
  }
  void shrink_to_fit() {
    if (cap_ != size_) regrow(size_);
  }
  void clear() { size_ = 0; }
  // Growth by doubling (at least 1) when full, like std::vector.
  T& emplace_back() {
    if (size_ == cap_) regrow(cap_ == 0 ? 1 : 2 * std::size_t{cap_});
    T* slot = new (data_ + size_) T{};
    ++size_;
    return *slot;
  }
  void push_back(const T& v) { emplace_back() = v; }
  void erase_at(std::size_t i) {
    std::memmove(static_cast<void*>(data_ + i), data_ + i + 1, (size_ - i - 1) * sizeof(T));
    --size_;
  }

 private:
  void regrow(std::size_t n) {
    T* next = n == 0 ? nullptr : std::allocator<T>().allocate(n);
    if (next != nullptr && size_ != 0) {  // n >= size_ always
      std::memcpy(static_cast<void*>(next), data_, size_ * sizeof(T));
    }
    release();
    data_ = next;
    cap_ = static_cast<SizeT>(n);
  }
  void release() {
    if (data_ != nullptr) std::allocator<T>().deallocate(data_, cap_);
    data_ = nullptr;
  }

  T* data_ = nullptr;
  SizeT size_ = 0;
  SizeT cap_ = 0;

 public:
  // The 4 bytes after the counts (padding otherwise), for the owner: the agent keeps its
  // action queue's read position here.
  std::uint32_t spare = 0;
};

}  // namespace p2pcdn::sched::util
