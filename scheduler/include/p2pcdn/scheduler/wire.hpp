// Peer protocol messages and their compact, versioned binary encoding (what a
// real client sends over a WebRTC data channel). The decoder trusts no length
// and allocates nothing: any byte sequence yields a Message or an error.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "p2pcdn/scheduler/status.hpp"

namespace p2pcdn::sched::wire {

inline constexpr std::uint8_t kProtocolVersion = 1;
inline constexpr std::size_t kMaxMessageBytes = 64;       // every encoded message fits
inline constexpr std::uint16_t kSegmentMapBitsMax = 256;  // segments in one map message

enum class MessageType : std::uint8_t {
  kHello = 1,
  kSegmentMap = 2,
  kHave = 3,
  kRequest = 4,
  kCancel = 5,
  kReject = 6,
  kChoke = 7,
  kUnchoke = 8,
};
enum class RejectReason : std::uint8_t { kBusy = 1, kNotFound = 2, kRateLimited = 3, kChoked = 4 };

// First message on a new connection: who I am (hints for scoring/selection).
struct Hello {
  std::uint16_t region = 0;
  std::uint16_t isp = 0;
  std::uint32_t uplink_kbps = 0;
};
// Which segments of `rendition` I hold: bit i set = segment first_index + i (i < count).
struct SegmentMap {
  std::uint16_t rendition = 0;
  std::uint32_t first_index = 0;
  std::uint16_t count = 0;  // <= kSegmentMapBitsMax
  std::array<std::uint64_t, kSegmentMapBitsMax / 64> bits{};
};
// I now hold one more segment (incremental announcement).
struct Have {
  std::uint16_t rendition = 0;
  std::uint32_t index = 0;
};
// Please upload segment (rendition, index); `request_id` is echoed in replies.
struct Request {
  std::uint32_t request_id = 0;
  std::uint16_t rendition = 0;
  std::uint32_t index = 0;
};
struct Cancel {
  std::uint32_t request_id = 0;
};
struct Reject {
  std::uint32_t request_id = 0;
  RejectReason reason = RejectReason::kBusy;
};
struct Choke {};  // I will not serve you until Unchoke
struct Unchoke {};

using Message = std::variant<Hello, SegmentMap, Have, Request, Cancel, Reject, Choke, Unchoke>;

// Writes `message` into `out` (needs kMaxMessageBytes) and returns the bytes used,
// or 0 if `out` is too small or the message is invalid (e.g. count > kSegmentMapBitsMax).
std::size_t encode(const Message& message, std::span<std::byte> out);
// The same bytes as encode(Message{have}) without the variant: the agent announces every
// segment it completes to each neighbour, so this is its most frequent message.
std::size_t encode_have(const Have& have, std::span<std::byte> out);

// Parses exactly one message; every malformed input is an error, never a crash.
Result<Message> decode(std::span<const std::byte> bytes);

}  // namespace p2pcdn::sched::wire
