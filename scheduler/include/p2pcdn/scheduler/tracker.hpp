// Sans-IO tracker: swarms keyed by (stream, rendition) and neighbour matching for peers.
// It never reads a clock, touches a socket, starts a thread or draws entropy: all
// randomness comes from the seed given to create(), so the same calls give the same answers.
// neighbours_for() costs O(max_count) expected, never O(swarm size).
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "p2pcdn/scheduler/ids.hpp"
#include "p2pcdn/scheduler/status.hpp"

namespace p2pcdn::sched {

enum class NatClass : std::uint8_t {
  kOpen,
  kFullCone,
  kRestricted,
  kPortRestricted,
  kSymmetric,
  kUdpBlocked,
  kCount
};
inline constexpr std::size_t kNatClassCount = static_cast<std::size_t>(NatClass::kCount);

struct PeerProfile {
  std::uint32_t stream = 0;
  std::uint16_t rendition = 0;
  std::uint16_t region = 0;
  std::uint16_t isp = 0;  // matched within a region: "same ISP" means same (region, isp)
  NatClass nat = NatClass::kOpen;
  bool uploads = true;  // false: never a useful source (e.g. upload disabled on cellular)
  std::uint32_t upload_kbps = 0;
};

using NatMatrix = std::array<std::array<bool, kNatClassCount>, kNatClassCount>;

// Direct connectivity with STUN only (parameters.md §4.3): symmetric–symmetric,
// symmetric–port-restricted and anything with UDP-blocked need TURN, so they are false.
constexpr NatMatrix stun_only_nat_matrix() {
  NatMatrix m{};
  for (std::size_t a = 0; a < kNatClassCount; ++a) {
    for (std::size_t b = 0; b < kNatClassCount; ++b) {
      const auto na = static_cast<NatClass>(a);
      const auto nb = static_cast<NatClass>(b);
      const bool blocked = na == NatClass::kUdpBlocked || nb == NatClass::kUdpBlocked;
      const bool sym_a = na == NatClass::kSymmetric;
      const bool sym_b = nb == NatClass::kSymmetric;
      const bool hard = (sym_a && (sym_b || nb == NatClass::kPortRestricted)) ||
                        (sym_b && na == NatClass::kPortRestricted);
      m[a][b] = !blocked && !hard;
    }
  }
  return m;
}

struct TrackerConfig {
  // Most neighbours one neighbours_for() call returns, whatever max_count asks
  // (wt-tracker hands out at most 20 offers per announce, field-anchors §1.6).
  std::uint16_t neighbours_max = 20;
  // Hub limit: a peer is handed out as a neighbour at most this many times at once
  // (until release()); spreads upload load so that no peer becomes a hub.
  std::uint16_t inbound_max = 40;
  // Host-provided: which NAT pairings can ever connect directly. Must be symmetric.
  NatMatrix can_connect = stun_only_nat_matrix();
  // Prefer neighbours of the same (region, isp) before the same region: keeps traffic
  // inside the ISP (cheaper transit, lower RTT).
  bool prefer_same_isp = true;
  // Named cap on joined peers (style §7.1 rule 4). 50 M covers the largest audience in
  // parameters.md §1.1 (59 M is a platform-wide peak, not one tracker) at ~80 B per peer.
  std::uint32_t peers_max = 50'000'000;
};

class Tracker {
 public:
  // kInvalidArgument if neighbours_max, inbound_max or peers_max is 0 (or peers_max is
  // 0xFFFFFFFF, a reserved index) or can_connect is not symmetric.
  [[nodiscard]] static Result<Tracker> create(const TrackerConfig& config, std::uint64_t seed);

  // Adds `peer` to the swarm (profile.stream, profile.rendition). A peer already known is
  // re-joined with the new profile (its inbound count is kept). kInvalidArgument for the
  // reserved id 0xFFFFFFFF or a nat outside NatClass; kCapacityExceeded at peers_max.
  [[nodiscard]] Status handle_join(TimeUs now, PeerId peer, const PeerProfile& profile);
  // Forgets `peer`; unknown peers are ignored. The tracker does not remember which
  // neighbours `peer` was given: the host calls release(peer, b) for each of them.
  void handle_leave(TimeUs now, PeerId peer);
  // Moves `peer` to the swarm (stream, rendition). kUnknownPeer if not joined.
  [[nodiscard]] Status handle_switch_rendition(TimeUs now, PeerId peer, std::uint16_t rendition);

  // Up to min(max_count, neighbours_max) distinct peers of who's swarm: never `who`, never
  // one in `exclude`, never a NAT pairing that cannot connect, never one at inbound_max.
  // Prefers the same (region, isp), then the same region, then anyone; takes peers that do
  // not upload only when too few uploaders were found. Each peer returned counts against
  // its inbound_max until release(who, it). Empty if `who` is unknown.
  // The span points into an internal buffer, valid until the next non-const call.
  [[nodiscard]] std::span<const PeerId> neighbours_for(TimeUs now, PeerId who,
                                                       std::size_t max_count,
                                                       std::span<const PeerId> exclude = {});
  // `a` stopped using `b` as a neighbour: frees one of b's inbound slots. Unknown b ignored.
  void release(PeerId a, PeerId b);

  [[nodiscard]] std::size_t swarm_size(std::uint32_t stream, std::uint16_t rendition) const;
  [[nodiscard]] std::size_t peer_count() const;
  // Current inbound count of `peer` (0 if unknown); for tests and metrics.
  [[nodiscard]] std::uint16_t inbound_count(PeerId peer) const;
  [[nodiscard]] std::size_t heap_bytes() const;

  Tracker(Tracker&&) noexcept;
  Tracker& operator=(Tracker&&) noexcept;
  ~Tracker();

  // Opaque internal state (src/tracker/tracker_state.hpp); public only so the
  // implementation's free helper functions can name it.
  struct State;

 private:
  explicit Tracker(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace p2pcdn::sched
