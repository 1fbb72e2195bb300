// Bounds-checked little-endian byte reader and writer for the wire codec.
// Never reads or writes outside the span it was given; never allocates.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace p2pcdn::sched::wire::detail {

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::byte> bytes) : bytes_(bytes) {}
  [[nodiscard]] std::size_t remaining() const { return bytes_.size() - pos_; }

  // Each read returns false (and leaves `value` untouched) if too few bytes remain.
  bool read_u8(std::uint8_t& value) {
    if (remaining() < 1) {
      return false;
    }
    value = static_cast<std::uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool read_u16(std::uint16_t& value) {
    if (remaining() < 2) {
      return false;
    }
    value = static_cast<std::uint16_t>(static_cast<unsigned>(bytes_[pos_]) |
                                       (static_cast<unsigned>(bytes_[pos_ + 1]) << 8U));
    pos_ += 2;
    return true;
  }
  bool read_u32(std::uint32_t& value) {
    if (remaining() < 4) {
      return false;
    }
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
      v |= static_cast<std::uint32_t>(bytes_[pos_ + i]) << (8U * i);
    }
    value = v;
    pos_ += 4;
    return true;
  }

 private:
  std::span<const std::byte> bytes_;
  std::size_t pos_ = 0;
};

class ByteWriter {
 public:
  explicit ByteWriter(std::span<std::byte> out) : out_(out) {}
  [[nodiscard]] std::size_t size() const { return pos_; }
  [[nodiscard]] bool overflowed() const { return overflowed_; }

  // Writes past the end set overflowed() instead of touching memory.
  void put_u8(std::uint8_t value) {
    if (pos_ >= out_.size()) {
      overflowed_ = true;
      return;
    }
    out_[pos_++] = static_cast<std::byte>(value);
  }
  void put_u16(std::uint16_t value) {
    put_u8(static_cast<std::uint8_t>(value));
    put_u8(static_cast<std::uint8_t>(value >> 8U));
  }
  void put_u32(std::uint32_t value) {
    for (unsigned i = 0; i < 4; ++i) {
      put_u8(static_cast<std::uint8_t>(value >> (8U * i)));
    }
  }

 private:
  std::span<std::byte> out_;
  std::size_t pos_ = 0;
  bool overflowed_ = false;
};

}  // namespace p2pcdn::sched::wire::detail
