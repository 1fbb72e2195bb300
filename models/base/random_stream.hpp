// Counter-based random streams keyed by (run seed, entity id, purpose).
// Viewer #123456 draws the same values whatever the event order, the scheduler
// variant or the partitioning, because its stream depends on nothing else.
// Must never hold global state or read an entropy source.
#pragma once
#include <array>
#include <cstdint>

namespace p2pcdn::rng {

// Why a stream is drawn. Adding a purpose never changes the draws of the others.
enum class Purpose : std::uint32_t {
  kArrivals = 1,      // audience arrival process of one channel
  kViewerAttributes,  // region, ISP, device, access, NAT of one viewer
  kSessionLength,     // how long one viewer stays
  kBandwidth,         // access capacities of one viewer
  kSegmentSizes,      // variable segment sizes of one rendition
  kScheduler,         // seed handed to one viewer's scheduler agent
  kConnectivity,      // outcome of one connection attempt (entity = pair key)
  kTracker,           // the tracker's own choices
  kPlayer,            // player-side draws of one viewer (e.g. reaction jitter)
  kNetwork,           // latency jitter etc.
  kTest = 0xFFFF,     // tests and benchmarks
};

// Philox4x32-10 (Salmon et al., SC'11): a bijection of a 128-bit counter under
// a 64-bit key. Passes BigCrush; random access by counter; no state but the counter.
class Philox4x32 {
 public:
  using Block = std::array<std::uint32_t, 4>;
  static Block generate(Block counter, std::array<std::uint32_t, 2> key) {
    constexpr std::uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
    constexpr std::uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
    for (int round = 0; round < 10; ++round) {
      const std::uint64_t p0 = std::uint64_t{kMul0} * counter[0];
      const std::uint64_t p1 = std::uint64_t{kMul1} * counter[2];
      counter = {static_cast<std::uint32_t>(p1 >> 32) ^ counter[1] ^ key[0],
                 static_cast<std::uint32_t>(p1),
                 static_cast<std::uint32_t>(p0 >> 32) ^ counter[3] ^ key[1],
                 static_cast<std::uint32_t>(p0)};
      key[0] += kWeyl0;
      key[1] += kWeyl1;
    }
    return counter;
  }
};

// SplitMix64 finaliser: used only to fold (seed, entity, purpose) into a key.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z += 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// One independent stream. Cheap to construct (no warm-up), 32 bytes.
class RandomStream {
 public:
  RandomStream(std::uint64_t seed, std::uint64_t entity, Purpose purpose)
      : RandomStream(seed, entity, static_cast<std::uint32_t>(purpose)) {}
  RandomStream(std::uint64_t seed, std::uint64_t entity, std::uint32_t purpose) {
    const std::uint64_t key = mix64(seed ^ mix64(entity ^ mix64(purpose)));
    key_ = {static_cast<std::uint32_t>(key), static_cast<std::uint32_t>(key >> 32)};
    // The entity also goes into the counter's high words, so two entities can
    // only collide if both key and counter collide.
    entity_lo_ = static_cast<std::uint32_t>(entity);
    entity_hi_ = static_cast<std::uint32_t>(entity >> 32) ^ (purpose << 16);
  }

  // 64 uniformly distributed bits.
  std::uint64_t next_u64() {
    if (buffered_) {
      buffered_ = false;
      return spare_;
    }
    const auto block =
        Philox4x32::generate({static_cast<std::uint32_t>(counter_),
                              static_cast<std::uint32_t>(counter_ >> 32), entity_lo_, entity_hi_},
                             key_);
    ++counter_;
    spare_ = (std::uint64_t{block[3]} << 32) | block[2];
    buffered_ = true;
    return (std::uint64_t{block[1]} << 32) | block[0];
  }

  // Uniform on [0, 1) with 53 random bits.
  double next_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1): safe to take the logarithm of.
  double next_open01() { return (static_cast<double>(next_u64() >> 11) + 0.5) * 0x1.0p-53; }
  // Uniform integer in [0, bound) without modulo bias (Lemire's method).
  std::uint64_t next_below(std::uint64_t bound) {
    if (bound == 0) return 0;
    __uint128_t m = static_cast<__uint128_t>(next_u64()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<__uint128_t>(next_u64()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  std::array<std::uint32_t, 2> key_{};
  std::uint32_t entity_lo_ = 0;
  std::uint32_t entity_hi_ = 0;
  std::uint64_t counter_ = 0;
  std::uint64_t spare_ = 0;
  bool buffered_ = false;
};

}  // namespace p2pcdn::rng
