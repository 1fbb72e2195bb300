// The peer protocol codec: [version u8][type u8][fields, little-endian].
// decode() trusts nothing it reads and allocates nothing; encode() refuses any message
// that decode() would reject, so every encoding it produces round-trips.
#include <type_traits>

#include "p2pcdn/scheduler/wire.hpp"
#include "wire/byte_io.hpp"

namespace p2pcdn::sched::wire {
namespace {

using detail::ByteReader;
using detail::ByteWriter;

// Decoding writes into a stack Result: no member may own heap memory.
static_assert(std::is_trivially_copyable_v<Message>);
static_assert(kSegmentMapBitsMax % 64 == 0);
// The largest message (a full segment map) must fit the documented buffer size.
static_assert(2 + 2 + 4 + 2 + kSegmentMapBitsMax / 8 <= kMaxMessageBytes);

constexpr std::size_t bitmap_bytes(std::uint16_t count) { return (count + 7U) / 8U; }

std::uint8_t bitmap_byte(const SegmentMap& map, std::size_t j) {
  return static_cast<std::uint8_t>(map.bits[j / 8] >> (8U * (j % 8)));
}

bool any_bit_at_or_beyond(const SegmentMap& map, std::uint16_t count) {
  for (std::size_t w = 0; w < map.bits.size(); ++w) {
    const std::size_t first_bit = w * 64;
    if (first_bit + 64 <= count) {
      continue;
    }
    const std::uint64_t keep =
        first_bit >= count ? 0 : ((std::uint64_t{1} << (count - first_bit)) - 1);
    if ((map.bits[w] & ~keep) != 0) {
      return true;
    }
  }
  return false;
}

// A map whose last segment index would not fit in 32 bits names nothing real.
bool index_range_overflows(std::uint32_t first_index, std::uint16_t count) {
  return count > 0 && static_cast<std::uint64_t>(first_index) + count - 1 > 0xFFFFFFFFULL;
}

bool valid_reason(std::uint8_t reason) {
  return reason >= static_cast<std::uint8_t>(RejectReason::kBusy) &&
         reason <= static_cast<std::uint8_t>(RejectReason::kChoked);
}

MessageType type_of(const Message& message) {
  // Index order of the variant matches MessageType values 1..8.
  return static_cast<MessageType>(message.index() + 1);
}

bool put_fields(ByteWriter& w, const Hello& m) {
  w.put_u16(m.region);
  w.put_u16(m.isp);
  w.put_u32(m.uplink_kbps);
  return true;
}
bool put_fields(ByteWriter& w, const SegmentMap& m) {
  if (m.count > kSegmentMapBitsMax || any_bit_at_or_beyond(m, m.count) ||
      index_range_overflows(m.first_index, m.count)) {
    return false;
  }
  w.put_u16(m.rendition);
  w.put_u32(m.first_index);
  w.put_u16(m.count);
  for (std::size_t j = 0; j < bitmap_bytes(m.count); ++j) {
    w.put_u8(bitmap_byte(m, j));
  }
  return true;
}
bool put_fields(ByteWriter& w, const Have& m) {
  w.put_u16(m.rendition);
  w.put_u32(m.index);
  return true;
}
bool put_fields(ByteWriter& w, const Request& m) {
  w.put_u32(m.request_id);
  w.put_u16(m.rendition);
  w.put_u32(m.index);
  return true;
}
bool put_fields(ByteWriter& w, const Cancel& m) {
  w.put_u32(m.request_id);
  return true;
}
bool put_fields(ByteWriter& w, const Reject& m) {
  const auto reason = static_cast<std::uint8_t>(m.reason);
  if (!valid_reason(reason)) {
    return false;
  }
  w.put_u32(m.request_id);
  w.put_u8(reason);
  return true;
}
bool put_fields(ByteWriter& /*w*/, const Choke& /*m*/) { return true; }
bool put_fields(ByteWriter& /*w*/, const Unchoke& /*m*/) { return true; }

Status truncated(const char* field) { return Status(Errc::kTruncated, field); }

// Every parser ends here: a complete message must use the input exactly.
template <class T>
Result<Message> finish(const ByteReader& r, const T& m) {
  if (r.remaining() != 0) {
    return Status(Errc::kTrailingBytes, "message (bytes after the last field)");
  }
  return Message(m);
}

Result<Message> get_hello(ByteReader& r) {
  Hello m;
  if (!r.read_u16(m.region)) return truncated("hello.region");
  if (!r.read_u16(m.isp)) return truncated("hello.isp");
  if (!r.read_u32(m.uplink_kbps)) return truncated("hello.uplink_kbps");
  return finish(r, m);
}
Result<Message> get_segment_map(ByteReader& r) {
  SegmentMap m;
  if (!r.read_u16(m.rendition)) return truncated("segment_map.rendition");
  if (!r.read_u32(m.first_index)) return truncated("segment_map.first_index");
  if (!r.read_u16(m.count)) return truncated("segment_map.count");
  if (m.count > kSegmentMapBitsMax) {
    return Status(Errc::kBadLength, "segment_map.count");
  }
  if (index_range_overflows(m.first_index, m.count)) {
    return Status(Errc::kOutOfRange, "segment_map.first_index");
  }
  const std::size_t n = bitmap_bytes(m.count);
  if (r.remaining() < n) {
    return truncated("segment_map.bits");
  }
  for (std::size_t j = 0; j < n; ++j) {
    std::uint8_t byte = 0;
    (void)r.read_u8(byte);  // cannot fail: remaining() was checked above
    m.bits[j / 8] |= static_cast<std::uint64_t>(byte) << (8U * (j % 8));
  }
  if (any_bit_at_or_beyond(m, m.count)) {
    return Status(Errc::kOutOfRange, "segment_map.bits");
  }
  return finish(r, m);
}
Result<Message> get_have(ByteReader& r) {
  Have m;
  if (!r.read_u16(m.rendition)) return truncated("have.rendition");
  if (!r.read_u32(m.index)) return truncated("have.index");
  return finish(r, m);
}
Result<Message> get_request(ByteReader& r) {
  Request m;
  if (!r.read_u32(m.request_id)) return truncated("request.request_id");
  if (!r.read_u16(m.rendition)) return truncated("request.rendition");
  if (!r.read_u32(m.index)) return truncated("request.index");
  return finish(r, m);
}
Result<Message> get_cancel(ByteReader& r) {
  Cancel m;
  if (!r.read_u32(m.request_id)) return truncated("cancel.request_id");
  return finish(r, m);
}
Result<Message> get_reject(ByteReader& r) {
  Reject m;
  std::uint8_t reason = 0;
  if (!r.read_u32(m.request_id)) return truncated("reject.request_id");
  if (!r.read_u8(reason)) return truncated("reject.reason");
  if (!valid_reason(reason)) {
    return Status(Errc::kOutOfRange, "reject.reason");
  }
  m.reason = static_cast<RejectReason>(reason);
  return finish(r, m);
}

}  // namespace

std::size_t encode(const Message& message, std::span<std::byte> out) {
  ByteWriter w(out);
  w.put_u8(kProtocolVersion);
  w.put_u8(static_cast<std::uint8_t>(type_of(message)));
  const bool valid = std::visit([&w](const auto& m) { return put_fields(w, m); }, message);
  if (!valid || w.overflowed()) {
    return 0;
  }
  return w.size();
}

std::size_t encode_have(const Have& have, std::span<std::byte> out) {
  // The layout ByteWriter gives (little-endian fields), written with one size check instead
  // of one per byte.
  constexpr std::size_t kBytes = 8;
  if (out.size() < kBytes) return 0;
  out[0] = std::byte{kProtocolVersion};
  out[1] = static_cast<std::byte>(MessageType::kHave);
  out[2] = static_cast<std::byte>(have.rendition & 0xFFU);
  out[3] = static_cast<std::byte>(have.rendition >> 8U);
  for (unsigned i = 0; i < 4; ++i) out[4 + i] = static_cast<std::byte>(have.index >> (8U * i));
  return kBytes;
}

Result<Message> decode(std::span<const std::byte> bytes) {
  ByteReader r(bytes);
  std::uint8_t version = 0;
  std::uint8_t type = 0;
  if (!r.read_u8(version)) {
    return Status(Errc::kTruncated, "version (empty message)");
  }
  if (version != kProtocolVersion) {
    return Status(Errc::kBadVersion, "version");
  }
  if (!r.read_u8(type)) {
    return truncated("type");
  }
  switch (static_cast<MessageType>(type)) {
    case MessageType::kHello:
      return get_hello(r);
    case MessageType::kSegmentMap:
      return get_segment_map(r);
    case MessageType::kHave:
      return get_have(r);
    case MessageType::kRequest:
      return get_request(r);
    case MessageType::kCancel:
      return get_cancel(r);
    case MessageType::kReject:
      return get_reject(r);
    case MessageType::kChoke:
      return finish(r, Choke{});
    case MessageType::kUnchoke:
      return finish(r, Unchoke{});
  }
  return Status(Errc::kUnknownType, "type");
}

}  // namespace p2pcdn::sched::wire
