// PlanContext: the read-only planning view and decision sink the core hands to a policy.
// Translates queue positions and peer slots to core operations; holds no state of its own.
#include <algorithm>
#include <limits>

#include "agent/core.hpp"
#include "policy/plan_context_inl.hpp"
#include "policy/policy.hpp"

namespace p2pcdn::sched::policy {

PlanContext::PlanContext(agent_detail::Core& core) : core_(core), now_ms_(core.now_ms()) {}

std::size_t pick_peer_weighted(PlanContext& ctx, std::uint32_t index) {
  // p2p-media-loader 2.3 (#520): weighted random by measured throughput; unproven peers
  // (<= 10 % of the best, or unmeasured) share a base weight capped at half the mass.
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  auto& c = ctx.core_;  // non-const: records what it reads (idle-epoch skipping)
  static_assert(kPeersMax <= 256, "candidate indices fit a byte");
  std::array<std::uint8_t, kPeersMax> cand{};  // peer indices (small: cheap to clear)
  std::size_t n = 0;
  double best = 0;
  c.mark_read(index);
  if (c.holders(index) == 0) return kNone;  // no candidate: same answer, no draw
  const std::uint64_t bit = c.ring_bit(index);
  for (std::size_t j = 0; j < c.peers.size() && n < cand.size(); ++j) {
    // Same test as peer(j) + peer_has(j, index), cheapest first.
    if ((c.peers.have(j) & bit) == 0 || c.peers.rendition(j) != c.rendition) continue;
    const auto& p = c.peers[j];
    // A holder busy for a while (a reject, the spread after its Have): try again then.
    if (p.busy_until_ms > ctx.now_ms_) ctx.wake_at(c.created_us + TimeUs{p.busy_until_ms} * 1000);
    if (p.downloads != 0 || p.choked || p.busy_until_ms > ctx.now_ms_) {
      continue;
    }
    cand[n++] = static_cast<std::uint8_t>(j);
    best = std::max(best, static_cast<double>(p.throughput_kbps));
  }
  if (n == 0) return kNone;
  if (best <= 0) return cand[ctx.prng().next_below(static_cast<std::uint32_t>(n))];
  double proven_sum = 0;
  std::size_t unproven = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double w = c.peers[cand[k]].throughput_kbps;
    if (w > 0.1 * best) {
      proven_sum += w;
    } else {
      ++unproven;
    }
  }
  double base_w = std::max(1e-3, 0.1 * best);
  if (static_cast<double>(unproven) * base_w > proven_sum)
    base_w = proven_sum / static_cast<double>(unproven);
  auto weight = [&](std::size_t k) {
    const double w = c.peers[cand[k]].throughput_kbps;
    return w > 0.1 * best ? w : base_w;
  };
  double total = 0;
  for (std::size_t k = 0; k < n; ++k) total += weight(k);
  double r = ctx.prng().next_double() * total;
  for (std::size_t k = 0; k < n; ++k) {
    r -= weight(k);
    if (r < 0) return cand[k];
  }
  return cand[n - 1];
}

double hash_fraction(std::uint64_t seed, std::uint32_t index, std::uint64_t salt) {
  std::uint64_t z = seed ^ (std::uint64_t{index} * 0x9E3779B97F4A7C15ULL) ^ (salt << 32);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-53;
}

}  // namespace p2pcdn::sched::policy
