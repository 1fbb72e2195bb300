// deadline-aware (ours): works in deadline order; a segment goes HTTP when it is inside the
// high-demand window (as p2p-media-loader: waiting there for slack to run out left viewers
// stalled), when its slack (time left after an HTTP fetch plus margin) is gone, or when this
// agent is its designated seed; otherwise it waits for, and takes from, the neighbour with the
// earliest expected delivery.
// Seeding is deliberate: rank = hash(seed, segment)*(N+1)/scale; rank r self-seeds floor(r)
// seed_wait periods after publication if no neighbour has it by then (~1 seed per neighbourhood).
#include <algorithm>
#include <cmath>

#include <new>

#include "policy/plan_context_inl.hpp"
#include "policy/policy.hpp"

namespace p2pcdn::sched::policy {
namespace {

class DeadlineAware final : public Policy {
 public:
  void plan(PlanContext& ctx) override {
    const AgentConfig& cfg = ctx.config();
    const TimeUs now = ctx.now();
    const std::size_t peers = ctx.peer_count();
    for (std::size_t i = 0, n = ctx.queue_size(); i < n; ++i) {
      const QueueItem q = ctx.queue(i);
      if (q.phase == Phase::kNotYet) break;
      if (q.phase != Phase::kMissing) continue;
      const TimeUs http_us = ctx.http_estimate_us(q.size_bytes);
      const TimeUs latest_http =
          q.deadline_us == kNever ? kNever : q.deadline_us - http_us - cfg.fallback_margin_us;
      const bool out_of_slack = latest_http <= now;
      if (!out_of_slack) ctx.horizon(latest_http);
      if (out_of_slack || ctx.ahead_below(q, cfg.high_demand_window_us)) {
        ctx.fetch_http(q.index, /*preempt=*/true);
        continue;
      }
      // When it goes HTTP at the latest: entering the high-demand window or out of slack.
      const TimeUs http_at = q.deadline_us == kNever
                                 ? kNever
                                 : std::min(latest_http, q.deadline_us - cfg.high_demand_window_us);
      if (peers == 0 || !ctx.ahead_below(q, cfg.p2p_download_window_us)) {
        ctx.wake_at(http_at);
        break;
      }
      if (ctx.holders(q.index) > 0) {
        if (ctx.p2p_free() > 0 && try_peer(ctx, q, latest_http)) continue;
        ctx.wake_at(http_at);  // a holder may free up; else HTTP
        continue;
      }
      // Nobody around has it: self-seed at our rank's turn, else wait for a neighbour.
      const double rank = hash_fraction(ctx.seed(), q.index, 0x5EED) *
                          static_cast<double>(peers + 1) / std::max(cfg.seed_fraction_scale, 1e-9);
      const double turns = std::floor(std::min(rank, 1e6));
      const TimeUs seed_at =
          q.available_at_us + static_cast<TimeUs>(turns * static_cast<double>(cfg.seed_wait_us));
      if (seed_at > now) ctx.horizon(seed_at);
      if (seed_at <= now && ctx.ahead_below(q, cfg.http_download_window_us) &&
          ctx.http_free() > 0 && q.http_attempts < cfg.http_error_retries) {
        ctx.fetch_http(q.index);
        continue;
      }
      ctx.wake_at(std::min(seed_at, http_at));
    }
  }
  [[nodiscard]] std::size_t heap_bytes() const override { return sizeof(*this); }

 private:
  // The idle holder with the earliest expected delivery (penalised by a negative score) that
  // still leaves time for an HTTP fallback.
  static bool try_peer(PlanContext& ctx, const QueueItem& q, TimeUs latest_http) {
    std::size_t best = ctx.peer_count();
    TimeUs best_us = kNever;
    for (std::size_t j = 0; j < ctx.peer_count(); ++j) {
      if (!ctx.peer_has(j, q.index)) continue;  // first: it reads no peer record
      const PeerInfo p = ctx.peer(j);
      if (p.choked || p.downloads != 0) continue;
      TimeUs est = ctx.p2p_estimate_us(j, q.size_bytes);
      if (p.score < 0) est += static_cast<TimeUs>(static_cast<double>(est) * -0.5 * p.score);
      if (est < best_us) {
        best_us = est;
        best = j;
      }
    }
    if (best == ctx.peer_count()) return false;
    if (latest_http != kNever) {
      if (ctx.now() + best_us > latest_http) return false;
      ctx.horizon(latest_http - best_us + 1);  // from then on too late for this holder
    }
    return ctx.fetch_peer(q.index, best);
  }
};

}  // namespace

Policy* make_deadline_aware(const AgentConfig& /*config*/, void* storage) {
  static_assert(sizeof(DeadlineAware) <= kPolicyBytesMax && alignof(DeadlineAware) <= 8);
  return new (storage) DeadlineAware();
}

}  // namespace p2pcdn::sched::policy
