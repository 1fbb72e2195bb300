// Tiny deterministic PRNG for the scheduler library (xoshiro256** seeded by SplitMix64).
// Randomness in the scheduler comes ONLY from a seed the host passes in: this class
// must never read a clock, an entropy source or any global state.
#pragma once
#include <cstdint>

namespace p2pcdn::sched::util {

class Prng {
 public:
  explicit Prng(std::uint64_t seed) {
    // SplitMix64 expands the seed so that nearby seeds give unrelated streams and the
    // xoshiro state is never all-zero.
    std::uint64_t x = seed;
    for (auto& word : s_) {
      x += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      word = z ^ (z >> 31);
    }
  }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, 1) with 53 random bits.
  double next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

  // Uniform in [0, n) without modulo bias (Lemire's method); returns 0 when n == 0.
  std::uint32_t next_below(std::uint32_t n) {
    if (n == 0) {
      return 0;
    }
    std::uint64_t m = (next_u64() >> 32) * n;
    auto low = static_cast<std::uint32_t>(m);
    if (low < n) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-n) % n;
      while (low < threshold) {
        m = (next_u64() >> 32) * n;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace p2pcdn::sched::util
