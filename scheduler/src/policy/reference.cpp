// reference: issue 7's reference scenario. Each segment is wanted U[0, reference_wait_max)
// after it becomes available (drawn per (seed, segment)); it is then taken from the least-busy
// neighbour that has it, else from the CDN. A failed peer attempt goes to the CDN.
#include <limits>

#include <new>

#include "policy/plan_context_inl.hpp"
#include "policy/policy.hpp"

namespace p2pcdn::sched::policy {
namespace {

class Reference final : public Policy {
 public:
  void plan(PlanContext& ctx) override {
    const AgentConfig& cfg = ctx.config();
    const TimeUs now = ctx.now();
    for (std::size_t i = 0, n = ctx.queue_size(); i < n; ++i) {
      const QueueItem q = ctx.queue(i);
      if (q.phase == Phase::kNotYet) break;
      if (q.phase != Phase::kMissing) continue;
      const TimeUs wait = static_cast<TimeUs>(hash_fraction(ctx.seed(), q.index, 0x7EF) *
                                              static_cast<double>(cfg.reference_wait_max_us));
      const TimeUs wanted_at = q.available_at_us + wait;
      if (wanted_at > now) {  // the definition has no exception for the first item
        ctx.wake_at(wanted_at);
        continue;
      }
      std::size_t best = std::numeric_limits<std::size_t>::max();
      unsigned best_load = ~0U;
      if (q.p2p_attempts == 0 && ctx.p2p_free() > 0) {
        for (std::size_t j = 0; j < ctx.peer_count(); ++j) {
          if (!ctx.peer_has(j, q.index)) continue;  // first: it reads no peer record
          const PeerInfo p = ctx.peer(j);
          if (p.choked) continue;
          if (p.downloads < best_load) {
            best_load = p.downloads;
            best = j;
          }
        }
      }
      if (best != std::numeric_limits<std::size_t>::max() && ctx.fetch_peer(q.index, best))
        continue;
      ctx.fetch_http(q.index);
    }
  }
  [[nodiscard]] std::size_t heap_bytes() const override { return sizeof(*this); }
};

}  // namespace

Policy* make_reference(const AgentConfig& /*config*/, void* storage) {
  static_assert(sizeof(Reference) <= kPolicyBytesMax && alignof(Reference) <= 8);
  return new (storage) Reference();
}

}  // namespace p2pcdn::sched::policy
