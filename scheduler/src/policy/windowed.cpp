// windowed: p2p-media-loader-core 2.x (field-anchors §1.3-1.4) with its defaults: the
// high-demand window goes HTTP-first (P2P only if HTTP slots are full), later segments go P2P
// only, and a random HTTP timer (period U[1, 1+N) s, probability ~k/(N+1)) seeds the swarm.
// Deviation: peers announce only held segments (no "http-loading" announcements).
#include <algorithm>
#include <array>
#include <limits>

#include <new>

#include "policy/plan_context_inl.hpp"
#include "policy/policy.hpp"

namespace p2pcdn::sched::policy {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

class Windowed final : public Policy {
 public:
  void plan(PlanContext& ctx) override {
    const AgentConfig& cfg = ctx.config();
    const TimeUs now = ctx.now();
    if (next_random_us_ == kNotStarted) {
      created_us_ = now;
      next_random_us_ = now + random_period(ctx);
    }
    const bool http_allowed = now >= created_us_ + cfg.http_initial_delay_us;
    if (!http_allowed) ctx.horizon(created_us_ + cfg.http_initial_delay_us);
    bool woke = false;  // a wake-up after now was registered by this loop
    for (std::size_t i = 0, n = ctx.queue_size(); i < n; ++i) {
      const QueueItem q = ctx.queue(i);
      if (q.phase == Phase::kNotYet) break;
      if (ctx.ahead_below(q, cfg.high_demand_window_us)) {
        if (q.phase == Phase::kP2p && http_allowed && ctx.http_free() > 0) {
          ctx.switch_to_http(q.index);  // step 3: high demand and loading by P2P -> HTTP
          continue;
        }
        if (q.phase != Phase::kMissing) continue;
        const bool retry_ok = i == 0 || q.http_attempts < cfg.http_error_retries;
        if (http_allowed && retry_ok && ctx.fetch_http(q.index, /*preempt=*/true)) continue;
        if (ctx.p2p_free() > 0) {
          if (const std::size_t j = pick_peer_weighted(ctx, q.index); j != kNone)
            ctx.fetch_peer(q.index, j);
        }
        continue;
      }
      // Re-plan when this segment enters the high-demand window (HTTP-first from then on).
      if (q.phase != Phase::kStored && q.deadline_us != kNever) {
        const TimeUs when = q.deadline_us - cfg.high_demand_window_us;
        ctx.wake_at(when);
        woke = woke || when > now;
      }
      if (!ctx.ahead_below(q, cfg.p2p_download_window_us)) break;
      if (ctx.p2p_free() == 0) {  // step 5: P2P only, no pre-emption
        // Shortcut, same decisions: with no P2P slot free nothing below acts on a later item
        // (all are past the high-demand window: ahead grows with i) except wake_at, and the
        // later items' wake-ups come later (deadlines grow with i), so once one is registered
        // (or none can be: no deadline) the rest of the scan changes nothing.
        if (woke || q.deadline_us == kNever) break;
        continue;
      }
      if (q.phase == Phase::kMissing && ctx.holders(q.index) > 0) {
        if (const std::size_t j = pick_peer_weighted(ctx, q.index); j != kNone)
          ctx.fetch_peer(q.index, j);
      }
    }
    if (cfg.random_http_enabled && now >= next_random_us_) {
      next_random_us_ = now + random_period(ctx);
      if (http_allowed) {
        if (cfg.http_download_probability > 0) {
          random_http_v06(ctx);
        } else {
          random_http(ctx);
        }
      }
    }
    if (cfg.random_http_enabled) ctx.wake_at(next_random_us_);
  }

  [[nodiscard]] bool deadline_fallback() const override { return false; }  // PML has none
  [[nodiscard]] std::size_t heap_bytes() const override { return sizeof(*this); }

 private:
  // PEER_UPDATE_LATENCY * U[1, 1 + N), N = connected peers (0.6 rule: fixed period).
  static TimeUs random_period(PlanContext& ctx) {
    if (ctx.config().http_download_probability > 0) return ctx.config().random_http_period_us;
    const double n = static_cast<double>(ctx.peer_count());
    const double f = 1.0 + n * ctx.prng().next_double();
    return static_cast<TimeUs>(static_cast<double>(ctx.config().random_http_period_us) * f);
  }

  // loadRandomThroughHttp: candidates nobody around has; k = min(c, 2(N+1)) of them at random;
  // p = k/(N+1); load while p > 0 (first one certainly if p >= 1, else with probability p).
  static void random_http(PlanContext& ctx) {
    const std::size_t peers = ctx.peer_count();
    if (peers == 0 || ctx.http_free() == 0) return;
    std::array<std::uint32_t, kWindowSegmentsMax> cand{};
    const std::size_t c = candidates(ctx, cand);
    if (c == 0) return;
    const std::size_t k = std::min(c, 2 * (peers + 1));
    double p = static_cast<double>(k) / static_cast<double>(peers + 1);
    for (std::size_t taken = 0; taken < k && p > 0 && ctx.http_free() > 0; ++taken) {
      // Partial Fisher-Yates: a uniformly random candidate not taken yet.
      const std::size_t r = taken + ctx.prng().next_below(static_cast<std::uint32_t>(c - taken));
      std::swap(cand[taken], cand[r]);
      if (p >= 1 || ctx.prng().next_double() <= p) ctx.fetch_http(cand[taken]);
      p -= 1;
    }
  }

  // Unseen candidates (nobody around holds them) within the HTTP window, in queue order.
  static std::size_t candidates(PlanContext& ctx,
                                std::array<std::uint32_t, kWindowSegmentsMax>& cand) {
    std::size_t c = 0;
    for (std::size_t i = 0, n = ctx.queue_size(); i < n && c < cand.size(); ++i) {
      const QueueItem q = ctx.queue(i);
      if (q.phase == Phase::kNotYet || !ctx.ahead_below(q, ctx.config().http_download_window_us))
        break;
      if (q.phase == Phase::kMissing && ctx.holders(q.index) == 0 &&
          q.http_attempts < ctx.config().http_error_retries) {
        cand[c++] = q.index;
      }
    }
    return c;
  }

  // p2p-media-loader 0.6: P = min(1, httpDownloadProbability x pending), one picked uniformly.
  static void random_http_v06(PlanContext& ctx) {
    if (ctx.http_free() == 0) return;
    if (ctx.peer_count() == 0 && ctx.config().http_download_probability_skip_if_no_peers) return;
    std::array<std::uint32_t, kWindowSegmentsMax> cand{};
    const std::size_t c = candidates(ctx, cand);
    if (c == 0) return;
    const double p = std::min(1.0, ctx.config().http_download_probability * static_cast<double>(c));
    if (ctx.prng().next_double() < p) {
      ctx.fetch_http(cand[ctx.prng().next_below(static_cast<std::uint32_t>(c))]);
    }
  }

  // Before the first plan next_random_us_ is kNotStarted, a value it never takes after it:
  // now + random_period() > INT64_MIN as the period is >= 1 (create() rejects
  // random_http_period_us <= 0). So no `started` flag (it made the object 32 B).
  static constexpr TimeUs kNotStarted = std::numeric_limits<TimeUs>::min();
  TimeUs created_us_ = 0;
  TimeUs next_random_us_ = kNotStarted;
};

}  // namespace

Policy* make_windowed(const AgentConfig& /*config*/, void* storage) {
  static_assert(sizeof(Windowed) <= kPolicyBytesMax && alignof(Windowed) <= 8);
  return new (storage) Windowed();
}

}  // namespace p2pcdn::sched::policy
