// buffer-threshold: the published Streamroot/BemTV rule (field-anchors §3.1). Player-driven:
// only the segment the player needs next is fetched, when the player would ask for it (its
// buffer below player_max_buffer_us); buffer < low_buffer_us -> CDN, else ask
// up to max_contributors peers that hold it and elect the best score; a failed or timed-out
// peer attempt -> CDN.
#include <array>

#include <new>

#include "policy/plan_context_inl.hpp"
#include "policy/policy.hpp"

namespace p2pcdn::sched::policy {
namespace {

class BufferThreshold final : public Policy {
 public:
  void plan(PlanContext& ctx) override {
    if (ctx.queue_size() == 0) return;
    const QueueItem q = ctx.queue(0);
    if (q.phase != Phase::kMissing) return;
    const AgentConfig& cfg = ctx.config();
    if (!ctx.buffer_below(cfg.player_max_buffer_us)) {  // the player would not ask yet
      if (q.deadline_us != kNever) ctx.wake_at(q.deadline_us - cfg.player_max_buffer_us);
      return;
    }
    if (ctx.buffer_below(cfg.low_buffer_us) || q.p2p_attempts > 0 || ctx.p2p_free() == 0) {
      ctx.fetch_http(q.index, /*preempt=*/true);
      return;
    }
    // Ask up to max_contributors peers (starting at a random one); those that "contain" it
    // are candidates; elect the highest score, ties broken by the random start.
    const std::size_t n = ctx.peer_count();
    std::size_t best = n;
    float best_score = 0;
    const std::size_t start = n == 0 ? 0 : ctx.prng().next_below(static_cast<std::uint32_t>(n));
    for (std::size_t k = 0; k < n && k < cfg.max_contributors; ++k) {
      const std::size_t j = (start + k) % n;
      if (!ctx.peer_has(j, q.index)) continue;  // first: it reads no peer record
      const PeerInfo p = ctx.peer(j);
      if (p.choked || p.downloads != 0) continue;
      if (best == n || p.score > best_score) {
        best = j;
        best_score = p.score;
      }
    }
    if (best == n || !ctx.fetch_peer(q.index, best)) ctx.fetch_http(q.index, /*preempt=*/true);
  }
  [[nodiscard]] std::size_t heap_bytes() const override { return sizeof(*this); }
};

}  // namespace

Policy* make_buffer_threshold(const AgentConfig& /*config*/, void* storage) {
  static_assert(sizeof(BufferThreshold) <= kPolicyBytesMax && alignof(BufferThreshold) <= 8);
  return new (storage) BufferThreshold();
}

}  // namespace p2pcdn::sched::policy
