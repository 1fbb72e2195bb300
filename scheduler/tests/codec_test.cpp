// Round-trip, malformed-input and exhaustive-truncation tests for the wire codec.
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <vector>

#include "p2pcdn/scheduler/wire.hpp"

namespace p2pcdn::sched::wire {
namespace {

using Bytes = std::vector<std::byte>;

Bytes bytes_of(std::initializer_list<int> values) {
  Bytes out;
  for (int v : values) out.push_back(static_cast<std::byte>(v));
  return out;
}

Bytes encode_to_vector(const Message& m) {
  std::array<std::byte, kMaxMessageBytes> buf{};
  const std::size_t n = encode(m, buf);
  return Bytes(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
}

// Field-wise equality (the message structs have no operator==).
bool same(const Message& a, const Message& b) {
  if (a.index() != b.index()) return false;
  return std::visit(
      [&b](const auto& x) {
        using T = std::decay_t<decltype(x)>;
        const T& y = std::get<T>(b);
        if constexpr (std::is_same_v<T, Hello>) {
          return x.region == y.region && x.isp == y.isp && x.uplink_kbps == y.uplink_kbps;
        } else if constexpr (std::is_same_v<T, SegmentMap>) {
          return x.rendition == y.rendition && x.first_index == y.first_index &&
                 x.count == y.count && x.bits == y.bits;
        } else if constexpr (std::is_same_v<T, Have>) {
          return x.rendition == y.rendition && x.index == y.index;
        } else if constexpr (std::is_same_v<T, Request>) {
          return x.request_id == y.request_id && x.rendition == y.rendition && x.index == y.index;
        } else if constexpr (std::is_same_v<T, Cancel>) {
          return x.request_id == y.request_id;
        } else if constexpr (std::is_same_v<T, Reject>) {
          return x.request_id == y.request_id && x.reason == y.reason;
        } else {
          return true;
        }
      },
      a);
}

SegmentMap map_with(std::uint16_t count, std::uint32_t first, bool all_ones) {
  SegmentMap m;
  m.rendition = 0xBEEF;
  m.first_index = first;
  m.count = count;
  for (std::uint16_t i = 0; i < count; ++i) {
    if (all_ones || (i * 7 + 3) % 5 < 2) m.bits[i / 64] |= std::uint64_t{1} << (i % 64);
  }
  return m;
}

// Every message type with zero, one and maximum field values.
std::vector<Message> edge_messages() {
  std::vector<Message> out;
  out.emplace_back(Hello{});
  out.emplace_back(Hello{1, 2, 3});
  out.emplace_back(Hello{0xFFFF, 0xFFFF, 0xFFFFFFFF});
  for (int c : {0, 1, 7, 8, 9, 63, 64, 65, 255, 256}) {
    const auto count = static_cast<std::uint16_t>(c);
    out.emplace_back(map_with(count, 0, true));
    out.emplace_back(map_with(count, 12345, false));
    out.emplace_back(map_with(count, static_cast<std::uint32_t>(0x100000000ULL - count), true));
  }
  out.emplace_back(Have{});
  out.emplace_back(Have{0xFFFF, 0xFFFFFFFF});
  out.emplace_back(Request{});
  out.emplace_back(Request{0xFFFFFFFF, 0xFFFF, 0xFFFFFFFF});
  out.emplace_back(Cancel{});
  out.emplace_back(Cancel{0xFFFFFFFF});
  for (auto reason : {RejectReason::kBusy, RejectReason::kNotFound, RejectReason::kRateLimited,
                      RejectReason::kChoked}) {
    out.emplace_back(Reject{0xFFFFFFFF, reason});
  }
  out.emplace_back(Choke{});
  out.emplace_back(Unchoke{});
  return out;
}

TEST(Codec, RoundTripsEveryMessageTypeWithEdgeValues) {
  std::array<bool, 8> seen_type{};
  for (const Message& m : edge_messages()) {
    const Bytes b = encode_to_vector(m);
    ASSERT_GE(b.size(), 2U);
    EXPECT_LE(b.size(), kMaxMessageBytes);
    EXPECT_EQ(b[0], std::byte{kProtocolVersion});
    EXPECT_EQ(static_cast<std::size_t>(b[1]), m.index() + 1);
    seen_type[m.index()] = true;
    const auto decoded = decode(b);
    ASSERT_TRUE(decoded.ok()) << "type " << m.index() + 1 << ": " << decoded.status().detail();
    EXPECT_TRUE(same(m, decoded.value())) << "type " << m.index() + 1;
  }
  for (bool s : seen_type) EXPECT_TRUE(s);
}

TEST(Codec, ExactLittleEndianLayout) {
  EXPECT_EQ(encode_to_vector(Hello{0x0102, 0x0304, 0x05060708}),
            bytes_of({1, 1, 0x02, 0x01, 0x04, 0x03, 0x08, 0x07, 0x06, 0x05}));
  EXPECT_EQ(encode_to_vector(Request{0x11223344, 0x5566, 0x778899AA}),
            bytes_of({1, 4, 0x44, 0x33, 0x22, 0x11, 0x66, 0x55, 0xAA, 0x99, 0x88, 0x77}));
  EXPECT_EQ(encode_to_vector(Reject{1, RejectReason::kChoked}), bytes_of({1, 6, 1, 0, 0, 0, 4}));
  EXPECT_EQ(encode_to_vector(Choke{}), bytes_of({1, 7}));
  EXPECT_EQ(encode_to_vector(Unchoke{}), bytes_of({1, 8}));
  // Segment map: only ceil(count/8) bitmap bytes, bit i of byte j = segment 8j+i.
  SegmentMap m;
  m.rendition = 2;
  m.first_index = 10;
  m.count = 10;
  m.bits[0] = 0b10'0000'0101;
  EXPECT_EQ(encode_to_vector(m), bytes_of({1, 2, 2, 0, 10, 0, 0, 0, 10, 0, 0b101, 0b10}));
  EXPECT_EQ(encode_to_vector(map_with(0, 0, true)).size(), 10U);
  EXPECT_EQ(encode_to_vector(map_with(256, 0, true)).size(), 42U);
}

// encode_have is the agent's shortcut for its most frequent message: byte for byte what
// encode(Message{have}) writes, including refusing a buffer too small.
TEST(Codec, EncodeHaveMatchesEncode) {
  std::uint64_t x = 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < 2000; ++i) {
    x ^= x << 13U;
    x ^= x >> 7U;
    x ^= x << 17U;
    const Have have{static_cast<std::uint16_t>(i < 4 ? (i & 1) * 0xFFFF : x >> 48U),
                    static_cast<std::uint32_t>(i < 4 ? (i >> 1) * 0xFFFFFFFFULL : x)};
    std::array<std::byte, kMaxMessageBytes> a{}, b{};
    const std::size_t na = encode(Message{have}, a);
    const std::size_t nb = encode_have(have, b);
    ASSERT_EQ(na, 8U);
    ASSERT_EQ(nb, na);
    ASSERT_EQ(a, b) << i;
  }
  std::array<std::byte, 7> small{};
  EXPECT_EQ(encode_have(Have{1, 2}, small), 0U);
  EXPECT_EQ(encode(Message{Have{1, 2}}, small), 0U);
}

TEST(Codec, EncodeRefusesInvalidMessagesAndSmallBuffers) {
  std::array<std::byte, kMaxMessageBytes> buf{};
  SegmentMap too_many = map_with(256, 0, true);
  too_many.count = kSegmentMapBitsMax + 1;
  EXPECT_EQ(encode(too_many, buf), 0U);
  SegmentMap stray = map_with(10, 0, false);
  stray.bits[0] |= std::uint64_t{1} << 10;  // bit beyond count
  EXPECT_EQ(encode(stray, buf), 0U);
  SegmentMap stray_high = map_with(64, 0, false);
  stray_high.bits[3] = 1;
  EXPECT_EQ(encode(stray_high, buf), 0U);
  EXPECT_EQ(encode(map_with(2, 0xFFFFFFFF, true), buf), 0U);  // index range wraps
  EXPECT_EQ(encode(Reject{1, static_cast<RejectReason>(0)}, buf), 0U);
  EXPECT_EQ(encode(Reject{1, static_cast<RejectReason>(5)}, buf), 0U);
  // Every buffer shorter than the encoding is refused, without writing past it.
  for (const Message& m : edge_messages()) {
    const Bytes full = encode_to_vector(m);
    for (std::size_t n = 0; n < full.size(); ++n) {
      std::array<std::byte, kMaxMessageBytes + 1> guarded{};
      guarded.fill(std::byte{0xEE});
      EXPECT_EQ(encode(m, std::span<std::byte>(guarded.data(), n)), 0U);
      EXPECT_EQ(guarded[n], std::byte{0xEE});
    }
  }
}

void expect_error(const Bytes& b, Errc code, const char* detail_prefix) {
  const auto r = decode(b);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code)
      << errc_name(r.status().code()) << " / " << r.status().detail();
  EXPECT_EQ(std::strncmp(r.status().detail(), detail_prefix, std::strlen(detail_prefix)), 0)
      << r.status().detail();
}

TEST(Codec, RejectsEachMalformedClassWithItsCodeAndField) {
  expect_error({}, Errc::kTruncated, "version");
  expect_error(bytes_of({0, 7}), Errc::kBadVersion, "version");
  expect_error(bytes_of({2, 7}), Errc::kBadVersion, "version");
  expect_error(bytes_of({1}), Errc::kTruncated, "type");
  expect_error(bytes_of({1, 0}), Errc::kUnknownType, "type");
  expect_error(bytes_of({1, 9}), Errc::kUnknownType, "type");
  expect_error(bytes_of({1, 255}), Errc::kUnknownType, "type");
  expect_error(bytes_of({1, 1, 0, 0, 0}), Errc::kTruncated, "hello.isp");
  expect_error(bytes_of({1, 4, 1, 2, 3, 4, 5, 6, 7}), Errc::kTruncated, "request.index");
  // count = 257 > kSegmentMapBitsMax, even with enough bytes following.
  Bytes big = bytes_of({1, 2, 0, 0, 0, 0, 0, 0, 0x01, 0x01});
  big.resize(big.size() + 40, std::byte{0});
  expect_error(big, Errc::kBadLength, "segment_map.count");
  expect_error(bytes_of({1, 2, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}), Errc::kBadLength,
               "segment_map.count");
  // count = 10 needs 2 bitmap bytes.
  expect_error(bytes_of({1, 2, 0, 0, 0, 0, 0, 0, 10, 0, 0xFF}), Errc::kTruncated,
               "segment_map.bits");
  // bit 10 set with count = 10.
  expect_error(bytes_of({1, 2, 0, 0, 0, 0, 0, 0, 10, 0, 0xFF, 0x04}), Errc::kOutOfRange,
               "segment_map.bits");
  // bit 7 set with count = 7.
  expect_error(bytes_of({1, 2, 0, 0, 0, 0, 0, 0, 7, 0, 0x80}), Errc::kOutOfRange,
               "segment_map.bits");
  expect_error(bytes_of({1, 2, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 2, 0, 0}), Errc::kOutOfRange,
               "segment_map.first_index");
  expect_error(bytes_of({1, 6, 1, 0, 0, 0, 0}), Errc::kOutOfRange, "reject.reason");
  expect_error(bytes_of({1, 6, 1, 0, 0, 0, 5}), Errc::kOutOfRange, "reject.reason");
  expect_error(bytes_of({1, 7, 0}), Errc::kTrailingBytes, "message");
  expect_error(bytes_of({1, 5, 1, 2, 3, 4, 5}), Errc::kTrailingBytes, "message");
}

TEST(Codec, EveryStrictPrefixOfEveryValidEncodingIsRejected) {
  std::size_t prefixes = 0;
  for (const Message& m : edge_messages()) {
    const Bytes full = encode_to_vector(m);
    for (std::size_t n = 0; n < full.size(); ++n) {
      // A heap copy of exactly n bytes, so ASan flags any read past the prefix.
      const Bytes prefix(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
      const auto r = decode(prefix);
      ASSERT_FALSE(r.ok()) << "type " << m.index() + 1 << " prefix " << n;
      EXPECT_EQ(r.status().code(), Errc::kTruncated) << r.status().detail();
      ++prefixes;
    }
    // And one extra byte is always trailing garbage.
    Bytes longer = full;
    longer.push_back(std::byte{0});
    const auto r = decode(longer);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Errc::kTrailingBytes);
  }
  EXPECT_GT(prefixes, 500U);
}

TEST(Codec, ErrcNamesAreDistinctAndNeverNull) {
  std::vector<std::string> names;
  for (int c = 0; c <= static_cast<int>(Errc::kRateLimited); ++c) {
    const char* name = errc_name(static_cast<Errc>(c));
    ASSERT_NE(name, nullptr);
    for (const auto& other : names) EXPECT_NE(other, name);
    names.emplace_back(name);
  }
  EXPECT_NE(errc_name(static_cast<Errc>(200)), nullptr);
}

}  // namespace
}  // namespace p2pcdn::sched::wire
