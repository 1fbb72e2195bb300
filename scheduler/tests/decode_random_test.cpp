// Seeded random-bytes driver for the decoder (the CI stand-in for libFuzzer): random and
// mutated inputs must decode or fail cleanly, and whatever decodes must re-encode to the
// same bytes. Run under ASan, each input is a heap buffer of its exact size, so any
// overread is caught.
#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "p2pcdn/scheduler/wire.hpp"
#include "util/prng.hpp"

#ifndef P2PCDN_DECODE_ITERATIONS
#define P2PCDN_DECODE_ITERATIONS 200000
#endif

namespace p2pcdn::sched::wire {
namespace {

// Valid seeds to mutate: one of each type, several map sizes.
std::vector<std::vector<std::byte>> seed_corpus() {
  std::vector<Message> messages = {Hello{3, 4, 5000},
                                   Have{1, 99},
                                   Request{7, 2, 1000},
                                   Cancel{7},
                                   Reject{7, RejectReason::kBusy},
                                   Choke{},
                                   Unchoke{}};
  for (int count : {0, 5, 64, 200, 256}) {
    SegmentMap m;
    m.count = static_cast<std::uint16_t>(count);
    m.first_index = 500;
    for (int i = 0; i < count; i += 3) m.bits[i / 64] |= std::uint64_t{1} << (i % 64);
    messages.emplace_back(m);
  }
  std::vector<std::vector<std::byte>> out;
  for (const auto& m : messages) {
    std::array<std::byte, kMaxMessageBytes> buf{};
    const std::size_t n = encode(m, buf);
    out.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
  }
  return out;
}

struct Tally {
  std::size_t ok = 0;
  std::array<std::size_t, 16> by_code{};
};

void check_one(const std::vector<std::byte>& input, Tally& tally) {
  const auto r = decode(input);
  if (!r.ok()) {
    ASSERT_NE(r.status().code(), Errc::kOk);
    ASSERT_NE(r.status().detail(), nullptr);
    ++tally.by_code[static_cast<std::size_t>(r.status().code()) % 16];
    return;
  }
  ++tally.ok;
  // Canonical encoding: a decoded message re-encodes to exactly the input.
  std::array<std::byte, kMaxMessageBytes> buf{};
  const std::size_t n = encode(r.value(), buf);
  ASSERT_EQ(n, input.size());
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(buf[i], input[i]);
}

TEST(DecodeRandom, RandomAndMutatedInputsNeverCrashAndDecodedOnesReencodeExactly) {
  // CI runs 200k inputs; for millions, rebuild with -DP2PCDN_DECODE_ITERATIONS=5000000
  // (a compile-time knob: the scheduler tree never reads the environment).
  constexpr std::size_t iterations = P2PCDN_DECODE_ITERATIONS;
  constexpr std::uint64_t kSeed = 20261125;
  util::Prng prng(kSeed);
  const auto corpus = seed_corpus();
  Tally tally;
  std::vector<std::byte> input;
  for (std::size_t it = 0; it < iterations; ++it) {
    input.clear();
    if (prng.next_below(4) == 0) {
      // Pure random bytes, short lengths favoured; first bytes often valid so that the
      // field parsers are reached.
      const std::uint32_t len = prng.next_below(prng.next_below(2) ? 12 : 70);
      for (std::uint32_t i = 0; i < len; ++i) {
        input.push_back(static_cast<std::byte>(prng.next_u64()));
      }
      if (len > 0 && prng.next_below(2)) input[0] = std::byte{kProtocolVersion};
      if (len > 1 && prng.next_below(2)) input[1] = static_cast<std::byte>(1 + prng.next_below(8));
    } else {
      input = corpus[prng.next_below(static_cast<std::uint32_t>(corpus.size()))];
      const std::uint32_t mutations = 1 + prng.next_below(3);
      for (std::uint32_t k = 0; k < mutations; ++k) {
        switch (prng.next_below(5)) {
          case 0:  // flip a bit
            if (!input.empty()) {
              input[prng.next_below(static_cast<std::uint32_t>(input.size()))] ^=
                  static_cast<std::byte>(1U << prng.next_below(8));
            }
            break;
          case 1:  // truncate
            input.resize(prng.next_below(static_cast<std::uint32_t>(input.size()) + 1));
            break;
          case 2:  // append
            input.push_back(static_cast<std::byte>(prng.next_u64()));
            break;
          case 3:  // overwrite a byte
            if (!input.empty()) {
              input[prng.next_below(static_cast<std::uint32_t>(input.size()))] =
                  static_cast<std::byte>(prng.next_u64());
            }
            break;
          default:  // set the count field of a segment map to something odd
            if (input.size() >= 10) {
              input[8] = static_cast<std::byte>(prng.next_u64());
              input[9] = static_cast<std::byte>(prng.next_below(3));
            }
            break;
        }
      }
    }
    // Exact-size heap copy: ASan catches a read one past the end.
    const std::vector<std::byte> exact(input.begin(), input.end());
    check_one(exact, tally);
    if (testing::Test::HasFatalFailure()) {
      FAIL() << "--seed=" << kSeed << " iteration " << it;
    }
  }
  // The driver must exercise both outcomes and every decoder error class.
  EXPECT_GT(tally.ok, iterations / 20);
  for (Errc code : {Errc::kTruncated, Errc::kBadVersion, Errc::kUnknownType, Errc::kBadLength,
                    Errc::kOutOfRange, Errc::kTrailingBytes}) {
    EXPECT_GT(tally.by_code[static_cast<std::size_t>(code)], 0U) << errc_name(code);
  }
}

// The agent reads the common message without decode(): any 8 bytes starting with the version
// and the Have type. That is only exact if decode() accepts every such input as the Have with
// those little-endian fields, and nothing else of 8 bytes is a Have.
TEST(DecodeRandom, EveryEightByteHaveHeaderDecodesToThatHave) {
  util::Prng rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::vector<std::byte> b(8);
    for (auto& x : b) x = static_cast<std::byte>(rng.next_below(256));
    if (i % 2 == 0) {
      b[0] = std::byte{kProtocolVersion};
      b[1] = std::byte{static_cast<std::uint8_t>(MessageType::kHave)};
    }
    const bool header = b[0] == std::byte{kProtocolVersion} &&
                        b[1] == std::byte{static_cast<std::uint8_t>(MessageType::kHave)};
    const auto r = decode(b);
    const Have* have = r.ok() ? std::get_if<Have>(&r.value()) : nullptr;
    ASSERT_EQ(have != nullptr, header) << i;
    if (have == nullptr) continue;
    auto byte = [&](std::size_t k) { return static_cast<std::uint32_t>(b[k]); };
    EXPECT_EQ(have->rendition, byte(2) | byte(3) << 8U);
    EXPECT_EQ(have->index, byte(4) | byte(5) << 8U | byte(6) << 16U | byte(7) << 24U);
  }
  // And a Have encodes to exactly those 8 bytes.
  std::array<std::byte, kMaxMessageBytes> buf{};
  EXPECT_EQ(encode(Have{0xABCD, 0x01020304}, buf), 8U);
}

}  // namespace
}  // namespace p2pcdn::sched::wire
