// PlanContext's accessors and decision calls, defined inline: policies call them once per
// queue item and per peer, so they compile into the policy's loop. Include this (not only
// policy.hpp) from every file that calls PlanContext; it must never hold state of its own.
#pragma once
#include <algorithm>

#include "agent/core.hpp"
#include "policy/policy.hpp"

namespace p2pcdn::sched::policy {

inline TimeUs PlanContext::now() const { return core_.now; }
inline const AgentConfig& PlanContext::config() const { return core_.config(); }
inline std::uint64_t PlanContext::seed() const { return core_.seed; }
inline std::uint32_t PlanContext::self_uplink_kbps() const { return core_.self.uplink_kbps_hint; }
inline util::Prng& PlanContext::prng() {
  ++core_.mutations;  // a draw changes the state: this epoch is not idle
  return core_.prng;
}

inline void PlanContext::horizon(TimeUs when) const { core_.horizon(when); }

inline bool PlanContext::ahead_below(const QueueItem& q, TimeUs x) const {
  // ahead = deadline - now (deadline fixed while the buffer lasts: the core bounds that), so
  // "ahead < x" becomes true at deadline - x + 1 and stays true; constant without a deadline.
  if (q.ahead_us < x) return true;
  if (q.deadline_us != kNever) core_.horizon(q.deadline_us - x + 1);
  return false;
}

inline std::uint32_t PlanContext::holders(std::uint32_t index) const {
  core_.mark_read(index);
  return core_.holders(index);
}

inline std::size_t PlanContext::queue_size() const {
  const auto& c = core_;
  if (!c.have_player || !c.window_valid || c.player.next_needed.rendition != c.rendition) return 0;
  const std::uint32_t need = c.player.next_needed.index;
  const std::uint32_t end = c.queue_end();
  return (c.in_window(need) && need < end) ? end - need : 0;
}

inline TimeUs PlanContext::buffer_us() const {
  // Time-aware: the buffer left now, not when the player last reported.
  const auto& v = core_.player;
  if (v.next_deadline_us == kNever) return std::max<TimeUs>(v.buffer_ahead_us, 0);
  return std::max<TimeUs>(v.next_deadline_us - core_.now, 0);
}

inline bool PlanContext::buffer_below(TimeUs x) const {
  if (buffer_us() < x) return true;
  const TimeUs nd = core_.player.next_deadline_us;  // buffer = nd - now: below x from nd - x + 1
  if (nd != kNever) core_.horizon(nd - x + 1);
  return false;
}

inline QueueItem PlanContext::queue(std::size_t i) const {
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
  q.available_at_us = c.available_at(s);
  q.deadline_us = deadline;
  q.ahead_us = ahead;
  q.phase = s.phase;
  q.http_attempts = agent_detail::http_attempts(s);
  q.p2p_attempts = agent_detail::p2p_attempts(s);
  return q;
}

inline std::size_t PlanContext::peer_count() const { return core_.peers.size(); }

inline PeerInfo PlanContext::peer(std::size_t j) const {
  const auto& p = core_.peers[j];
  PeerInfo info;
  info.id = core_.peers.id(j);
  info.throughput_kbps = p.throughput_kbps;
  info.score = p.score;
  info.uplink_kbps_hint = p.uplink_kbps;
  info.downloads = p.downloads;
  info.choked = p.choked || (p.busy_until_ms > now_ms_ && p.spread == 0);
  if (p.busy_until_ms > now_ms_) {
    info.free_at_us = core_.created_us + TimeUs{p.busy_until_ms} * 1000;
    core_.horizon(info.free_at_us);
  }
  return info;
}

inline bool PlanContext::peer_has(std::size_t j, std::uint32_t index) const {
  core_.mark_read(index);
  return j < core_.peers.size() && core_.peer_has(j, index);
}

inline std::size_t PlanContext::http_free() const {
  const std::size_t cap =
      std::min<std::size_t>(core_.config().simultaneous_http_downloads, kHttpDownloadsMax);
  const std::size_t used = core_.count(agent_detail::Kind::kHttp);
  return used >= cap ? 0 : cap - used;
}

inline std::size_t PlanContext::p2p_in_flight() const {
  return core_.count(agent_detail::Kind::kP2p);
}

inline std::size_t PlanContext::p2p_free() const {
  if (!core_.p2p_on()) return 0;
  const std::size_t cap =
      std::min<std::size_t>(core_.config().simultaneous_p2p_downloads, kP2pDownloadsMax);
  const std::size_t used = core_.count(agent_detail::Kind::kP2p);
  return used >= cap ? 0 : cap - used;
}

inline TimeUs PlanContext::http_estimate_us(std::uint32_t size_bytes) const {
  return core_.http_estimate_us(size_bytes);
}

inline TimeUs PlanContext::p2p_estimate_us(std::size_t j, std::uint32_t size_bytes) const {
  return core_.p2p_estimate_us(core_.peers[j], size_bytes);
}

inline bool PlanContext::fetch_http(std::uint32_t index, bool preempt, HttpReason why) {
  if (!core_.start_http(index, preempt)) return false;
  auto& st = core_.stats;
  switch (why) {
    case HttpReason::kSeed:
      ++st.http_seed;
      break;
    case HttpReason::kDeadline:
      ++st.http_deadline;
      break;
    case HttpReason::kNoHolder:
      ++st.http_no_holder;
      break;
    case HttpReason::kRule:
      ++st.http_rule;
      break;
  }
  return true;
}

inline bool PlanContext::fetch_peer(std::uint32_t index, std::size_t j) {
  core_.mark_read(index);  // start_p2p reads the holder bit
  if (j >= core_.peers.size()) return false;
  const auto& p = core_.peers[j];
  // A policy that chose a holder in its spread asks it now (buffer-threshold and reference
  // go HTTP when a holder refuses; deadline-aware and windowed wait out the spread first).
  const bool busy = p.busy_until_ms > now_ms_ && p.spread == 0;
  if (busy) wake_at(core_.created_us + TimeUs{p.busy_until_ms} * 1000);
  if (p.choked || busy) return false;
  return core_.start_p2p(index, j);
}

inline bool PlanContext::switch_to_http(std::uint32_t index) { return core_.switch_to_http(index); }

inline void PlanContext::wake_at(TimeUs when) {
  if (when > core_.now) core_.policy_wake_us = std::min(core_.policy_wake_us, when);
  core_.horizon(when);
}

}  // namespace p2pcdn::sched::policy
