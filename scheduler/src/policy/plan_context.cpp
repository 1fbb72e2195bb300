// PlanContext: the read-only planning view and decision sink the core hands to a policy.
// Translates queue positions and peer slots to core operations; holds no state of its own.
#include <algorithm>
#include <limits>

#include "agent/core.hpp"
#include "policy/policy.hpp"

namespace p2pcdn::sched::policy {

using agent_detail::Kind;

PlanContext::PlanContext(agent_detail::Core& core) : core_(core), now_ms_(core.now_ms()) {}

TimeUs PlanContext::now() const { return core_.now; }
const AgentConfig& PlanContext::config() const { return core_.config; }
std::uint64_t PlanContext::seed() const { return core_.seed; }
util::Prng& PlanContext::prng() { return core_.prng; }

std::size_t PlanContext::queue_size() const {
  const auto& c = core_;
  if (!c.have_player || !c.window_valid || c.player.next_needed.rendition != c.rendition) return 0;
  const std::uint32_t need = c.player.next_needed.index;
  const std::uint32_t end = c.queue_end();
  return (c.in_window(need) && need < end) ? end - need : 0;
}

TimeUs PlanContext::buffer_us() const {
  // Time-aware: the buffer left now, not when the player last reported.
  const auto& v = core_.player;
  if (v.next_deadline_us == kNever) return std::max<TimeUs>(v.buffer_end_us - v.playhead_us, 0);
  return std::max<TimeUs>(v.next_deadline_us - core_.now, 0);
}

QueueItem PlanContext::queue(std::size_t i) const {
  const auto& c = core_;
  const std::uint32_t need = c.player.next_needed.index;
  // Deadline and media offset of item i, walking durations from item 0 (or the cached item).
  std::size_t k = 0;
  TimeUs deadline =
      c.player.next_deadline_us == kNever ? kNever : std::max(c.player.next_deadline_us, c.now);
  TimeUs ahead = buffer_us();
  if (cached_ && cached_i_ <= i) {
    k = cached_i_;
    deadline = cached_deadline_us_;
    ahead = cached_ahead_us_;
  }
  for (; k < i; ++k) {
    const TimeUs d = c.slot_duration_us(need + static_cast<std::uint32_t>(k));
    if (deadline != kNever) deadline += d;
    ahead += d;
  }
  cached_ = true;
  cached_i_ = i;
  cached_deadline_us_ = deadline;
  cached_ahead_us_ = ahead;

  const std::uint32_t index = need + static_cast<std::uint32_t>(i);
  const agent_detail::Slot& s = c.slot(index);
  if (deadline != kNever) ahead = deadline - c.now;  // media time from the playhead, now
  QueueItem q;
  q.index = index;
  q.size_bytes = s.size_bytes;
  q.available_at_us = s.available_at_us;
  q.deadline_us = deadline;
  q.ahead_us = ahead;
  q.phase = s.phase;
  q.http_attempts = agent_detail::http_attempts(s);
  q.p2p_attempts = agent_detail::p2p_attempts(s);
  q.holders = static_cast<std::uint8_t>(c.holders(index));  // <= kPeersMax < 255
  return q;
}

std::size_t PlanContext::peer_count() const { return core_.peers.size(); }

PeerInfo PlanContext::peer(std::size_t j) const {
  const auto& p = core_.peers[j];
  PeerInfo info;
  info.id = core_.peers.id(j);
  info.throughput_kbps = p.throughput_kbps;
  info.score = p.score;
  info.uplink_kbps_hint = p.uplink_kbps;
  info.downloads = p.downloads;
  info.choked = p.choked || p.busy_until_ms > now_ms_;
  return info;
}

bool PlanContext::peer_has(std::size_t j, std::uint32_t index) const {
  return j < core_.peers.size() && core_.peer_has(j, index);
}

std::size_t PlanContext::http_free() const {
  const std::size_t cap =
      std::min<std::size_t>(core_.config.simultaneous_http_downloads, kHttpDownloadsMax);
  const std::size_t used = core_.count(Kind::kHttp);
  return used >= cap ? 0 : cap - used;
}

std::size_t PlanContext::p2p_free() const {
  if (!core_.p2p_on()) return 0;
  const std::size_t cap =
      std::min<std::size_t>(core_.config.simultaneous_p2p_downloads, kP2pDownloadsMax);
  const std::size_t used = core_.count(Kind::kP2p);
  return used >= cap ? 0 : cap - used;
}

TimeUs PlanContext::http_estimate_us(std::uint32_t size_bytes) const {
  return core_.http_estimate_us(size_bytes);
}

TimeUs PlanContext::p2p_estimate_us(std::size_t j, std::uint32_t size_bytes) const {
  return core_.p2p_estimate_us(core_.peers[j], size_bytes);
}

bool PlanContext::fetch_http(std::uint32_t index, bool preempt) {
  return core_.start_http(index, preempt);
}

bool PlanContext::fetch_peer(std::uint32_t index, std::size_t j) {
  if (j >= core_.peers.size()) return false;
  const auto& p = core_.peers[j];
  if (p.choked || p.busy_until_ms > now_ms_) return false;
  return core_.start_p2p(index, j);
}

bool PlanContext::switch_to_http(std::uint32_t index) { return core_.switch_to_http(index); }

void PlanContext::wake_at(TimeUs when) {
  if (when > core_.now) core_.policy_wake_us = std::min(core_.policy_wake_us, when);
}

std::size_t pick_peer_weighted(PlanContext& ctx, std::uint32_t index) {
  // p2p-media-loader 2.3 (#520): weighted random by measured throughput; unproven peers
  // (<= 10 % of the best, or unmeasured) share a base weight capped at half the mass.
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  const auto& c = ctx.core_;
  static_assert(kPeersMax <= 256, "candidate indices fit a byte");
  std::array<std::uint8_t, kPeersMax> cand{};  // peer indices (small: cheap to clear)
  std::size_t n = 0;
  double best = 0;
  if (c.holders(index) == 0) return kNone;  // no candidate: same answer, no draw
  const std::uint64_t bit = std::uint64_t{1} << (index % kWindowSegmentsMax);
  for (std::size_t j = 0; j < c.peers.size() && n < cand.size(); ++j) {
    // Same test as peer(j) + peer_has(j, index), cheapest first.
    if ((c.peers.have(j) & bit) == 0 || c.peers.rendition(j) != c.rendition) continue;
    const auto& p = c.peers[j];
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
