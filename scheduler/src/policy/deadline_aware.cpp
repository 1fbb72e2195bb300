// deadline-aware (ours): earliest-deadline-first with HTTP as the last resort. Walking the
// queue in deadline order it keeps the HTTP backlog: the HTTP time of every segment not yet
// held, shared over the HTTP slots. A segment goes HTTP only when its deadline minus that
// backlog and the margin has come (EDF feasibility: waiting longer would make this or an
// earlier segment late even if every HTTP slot worked for it), or when this agent is its
// designated seed; until then it waits for, and takes from, the idle unchoked neighbour with
// the earliest expected delivery. No fixed high-demand window: slack is what decides
// (issue 17: the 15 s window turned every segment of a player 12 s behind live into HTTP).
// Seeding is deliberate: rank = hash(seed, segment)*(N+1)/scale; rank r self-seeds floor(r)
// seed_wait periods after publication if no neighbour has it by then (~scale seeds per
// neighbourhood at once, more only where none appeared).
// First requests for a segment are spread over request_jitter_us after its publication
// (hash of (seed, segment)): neighbours hearing the same Have at the same instant would
// otherwise all ask the same holder, which can serve only upload_slots of them.
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
    const auto slots =
        static_cast<TimeUs>(std::max<std::uint8_t>(cfg.simultaneous_http_downloads, 1));
    // HTTP work of the segments so far that are not held (doubled below: the estimate is a
    // mean, and a segment that waited for peers must not stall on one slow fetch).
    // Every download in flight shares the downlink now, whatever segment it is for: its HTTP
    // time counts against every deadline, not only those after it.
    TimeUs backlog_us = 0;
    for (std::size_t i = 0, n = ctx.queue_size(); i < n; ++i) {
      const QueueItem q = ctx.queue(i);
      if (q.phase == Phase::kNotYet) break;
      if (q.phase == Phase::kHttp || q.phase == Phase::kP2p)
        backlog_us += ctx.http_estimate_us(q.size_bytes);
    }
    // An earlier segment in flight close to its deadline: it has the downlink to itself.
    bool protect_earlier = false;
    for (std::size_t i = 0, n = ctx.queue_size(); i < n; ++i) {
      const QueueItem q = ctx.queue(i);
      if (q.phase == Phase::kNotYet) break;
      if (q.phase == Phase::kStored || q.phase == Phase::kVerifying) continue;
      const TimeUs http_us = ctx.http_estimate_us(q.size_bytes);
      if (q.phase == Phase::kMissing) backlog_us += http_us;
      // Out of slack, or so close to playing that an estimate's error would stall the player.
      // The window grows with this viewer's own HTTP time: on a slow link an estimate's error
      // is seconds, not the fraction of a second it is on fibre.
      const TimeUs urgent_us = std::max(cfg.urgent_window_us, 3 * http_us);
      if (q.phase != Phase::kMissing) {  // in flight (the core's net covers P2P)
        // A later download started now would split the downlink with it, on a slow link
        // long enough to stall the player (issue 17: most of ci.yaml's stalls were a
        // rescue sharing its viewer's cellular link with two later segments).
        if (!protect_earlier && ctx.ahead_below(q, urgent_us)) protect_earlier = true;
        continue;
      }
      const TimeUs latest_http =
          q.deadline_us == kNever ? kNever
                                  : q.deadline_us - 2 * backlog_us / slots - cfg.fallback_margin_us;
      const bool out_of_slack = latest_http <= now || ctx.ahead_below(q, urgent_us);
      if (!out_of_slack) ctx.horizon(latest_http);
      if (out_of_slack) {
        ctx.fetch_http(q.index, /*preempt=*/true, HttpReason::kDeadline);
        continue;
      }
      if (protect_earlier) {  // its completion re-plans; until then only deadlines start
        ctx.wake_at(latest_http);
        continue;
      }
      // Nobody to wait for (yet: a joining viewer's peers connect within ~1 s): within the
      // high-demand window fetch as the CDN-only player would, beyond it wait for slack.
      if (peers == 0 && ctx.ahead_below(q, cfg.high_demand_window_us)) {
        ctx.fetch_http(q.index, false, HttpReason::kNoHolder);
        continue;
      }
      if (peers == 0 || !ctx.ahead_below(q, cfg.p2p_download_window_us)) {
        ctx.wake_at(latest_http);
        break;
      }
      if (ctx.holders(q.index) > 0) {
        const TimeUs ask_at =
            q.p2p_attempts > 0
                ? now
                : q.available_at_us +
                      static_cast<TimeUs>(hash_fraction(ctx.seed(), q.index, 0x717) *
                                          static_cast<double>(cfg.request_jitter_us));
        if (ask_at > now) {
          ctx.wake_at(std::min(ask_at, latest_http));
          continue;
        }
        // One peer download at a time: concurrent ones split this viewer's downlink, and on
        // a slow link the next segment (and its HTTP rescue) starved beside later ones
        // (issue 17: ci.yaml's stalled share halved, offload unchanged, rejections ~0).
        if (ctx.p2p_free() > 0 && ctx.p2p_in_flight() == 0 && try_peer(ctx, q, latest_http))
          continue;
        ctx.wake_at(latest_http);  // a holder may free up (Unchoke wakes us); else HTTP
        continue;
      }
      // Nobody around has it: self-seed at our rank's turn, else wait for a neighbour. A
      // viewer that never uploads is no seed: its early CDN copy would serve nobody else.
      if (cfg.upload_disabled) {
        ctx.wake_at(latest_http);
        continue;
      }
      const double rank =
          hash_fraction(ctx.seed(), q.index, 0x5EED) / seed_fraction(ctx, q, latest_http, peers);
      const double turns = std::floor(std::min(rank, 1e6));
      const TimeUs seed_at =
          q.available_at_us + static_cast<TimeUs>(turns * static_cast<double>(cfg.seed_wait_us));
      if (seed_at > now) ctx.horizon(seed_at);
      if (seed_at <= now && ctx.ahead_below(q, cfg.http_download_window_us) &&
          ctx.http_free() > 0 && q.http_attempts < cfg.http_error_retries) {
        ctx.fetch_http(q.index, false, HttpReason::kSeed);
        continue;
      }
      ctx.wake_at(std::min(seed_at, latest_http));
    }
  }
  [[nodiscard]] std::size_t heap_bytes() const override { return sizeof(*this); }
  // One copy at a time at the whole uplink: a segment reaches 2^(t/c) viewers in t when each
  // copy takes c, against k^(t/(k c)) with k copies sharing the uplink (reference.yaml with 16
  // slots: 33 % of the bound; 1 slot: 93 %).
  [[nodiscard]] std::size_t upload_slots_max() const override { return 1; }
  // The ABR learns from HTTP downloads only: the rate the deadline fallback would get (ci.yaml:
  // bitrate switches per viewer 3.2 -> 1.1, CDN-only 1.0; stalled 0.41 -> 0.26 %).
  [[nodiscard]] bool abr_learns_from_peers() const override { return false; }

 private:
  // The share of viewers that seed a segment at its publication. Its holders double about
  // once per 1.5 copy times (a copy: the segment at a holder's uplink over one slot; the half
  // for the announce, the spread, the request and queueing), so with S of slack after
  // publication 2^-(S / 1.5 copy) of the swarm must take it from the CDN for the rest to get
  // it from peers in time (issue 17: 1/(N+1) was far too few with 12 s of slack, too many
  // with 30 s; 1.5 fitted the open swarm's live delays of 8-40 s better than 1.25 or 2).
  // Never below 1/16 of one per neighbourhood: somebody must bring it in, and later seeding
  // turns add seeds where none appeared. With no uplink known, one per neighbourhood.
  static double seed_fraction(const PlanContext& ctx, const QueueItem& q, TimeUs latest_http,
                              std::size_t peers) {
    const AgentConfig& cfg = ctx.config();
    const double floor_share = 0.0625 / static_cast<double>(peers + 1);
    double share = floor_share;
    double weight = 1.0;
    if (latest_http != kNever && latest_http > q.available_at_us) {
      double uplink_kbps = 0;  // mean of the neighbours that announced one (0: unknown)
      std::size_t known = 0;
      for (std::size_t j = 0; j < peers; ++j) {
        const std::uint32_t hint = ctx.peer(j).uplink_kbps_hint;
        uplink_kbps += hint;
        known += hint > 0 ? 1U : 0U;
      }
      if (known == 0) return std::clamp(16 * share * cfg.seed_fraction_scale, 1e-9, 1.0);
      uplink_kbps /= static_cast<double>(known);
      // A fast uploader seeds more readily, a slow one less: its first copies set how fast
      // the segment doubles. Weighted around 1, the number of seeds stays about the same.
      if (const std::uint32_t self = ctx.self_uplink_kbps(); self > 0)
        weight = std::clamp(static_cast<double>(self) / uplink_kbps, 0.25, 4.0);
      const double copy_s = static_cast<double>(q.size_bytes) * 8e-3 / uplink_kbps;  // 1 slot
      const double slack_s = static_cast<double>(latest_http - q.available_at_us) * 1e-6;
      share = std::max(share, std::exp2(-slack_s / (1.5 * copy_s)));
    }
    return std::clamp(share * weight * cfg.seed_fraction_scale, 1e-9, 1.0);
  }

  // The idle holder with the earliest expected delivery (penalised by a negative score) that
  // still leaves time for an HTTP fallback.
  static bool try_peer(PlanContext& ctx, const QueueItem& q, TimeUs latest_http) {
    std::size_t best = ctx.peer_count();
    TimeUs best_us = kNever;
    TimeUs best_rank = kNever;
    for (std::size_t j = 0; j < ctx.peer_count(); ++j) {
      if (!ctx.peer_has(j, q.index)) continue;  // first: it reads no peer record
      const PeerInfo p = ctx.peer(j);
      if (p.free_at_us != 0) ctx.wake_at(std::min(p.free_at_us, latest_http));  // retry then
      if (p.choked || p.free_at_us != 0 || p.downloads != 0) continue;
      TimeUs est = ctx.p2p_estimate_us(j, q.size_bytes);
      if (p.score < 0) est += static_cast<TimeUs>(static_cast<double>(est) * -0.5 * p.score);
      // Requesters hearing the same Have rank the holders alike: a per-requester draw spreads
      // them over the holders instead of herding on the fastest.
      const double draw =
          1.0 + hash_fraction(ctx.seed(), q.index, 0xD15 + static_cast<std::uint64_t>(p.id));
      const auto ranked = static_cast<TimeUs>(static_cast<double>(est) * draw);
      if (ranked < best_rank) {
        best_rank = ranked;
        best_us = est;
        best = j;
      }
    }
    if (best == ctx.peer_count()) return false;
    // Twice the estimate: a holder's rate is a guess (its uplink is shared by its other
    // uploads and its queue), and a download that turns out slow must still leave HTTP time.
    const TimeUs need_us = best_us;
    if (latest_http != kNever) {
      if (ctx.now() + need_us > latest_http) return false;
      ctx.horizon(latest_http - need_us + 1);  // from then on too late for this holder
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
