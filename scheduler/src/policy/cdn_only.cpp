// cdn-only: the baseline. Every segment within the high-demand window comes over HTTP, in
// order, within the HTTP slots; the agent never requests, announces or uploads.
#include <new>

#include "policy/plan_context_inl.hpp"
#include "policy/policy.hpp"

namespace p2pcdn::sched::policy {
namespace {

class CdnOnly final : public Policy {
 public:
  void plan(PlanContext& ctx) override {
    const TimeUs window = ctx.config().high_demand_window_us;
    for (std::size_t i = 0, n = ctx.queue_size(); i < n && ctx.http_free() > 0; ++i) {
      const QueueItem q = ctx.queue(i);
      if (i > 0 && !ctx.ahead_below(q, window)) {  // the next segment is always wanted
        if (q.deadline_us != kNever) ctx.wake_at(q.deadline_us - window);
        break;
      }
      if (q.phase == Phase::kNotYet) break;
      if (q.phase == Phase::kMissing) ctx.fetch_http(q.index);
    }
  }
  [[nodiscard]] bool uses_peers() const override { return false; }
  [[nodiscard]] std::size_t heap_bytes() const override { return sizeof(*this); }
};

}  // namespace

Policy* make_cdn_only(const AgentConfig& /*config*/, void* storage) {
  static_assert(sizeof(CdnOnly) <= kPolicyBytesMax && alignof(CdnOnly) <= 8);
  return new (storage) CdnOnly();
}

}  // namespace p2pcdn::sched::policy
