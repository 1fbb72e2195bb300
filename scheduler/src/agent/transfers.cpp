// Transfers the agent started or serves: HTTP fetches, peer downloads, uploads; their
// timeouts, completions and integrity results. Decides nothing about which source to use.
#include <algorithm>

#include "agent/core.hpp"

namespace p2pcdn::sched::agent_detail {

namespace {
// Microseconds to move size_bytes at rate_kbps (kbit/s).
TimeUs transfer_us(std::uint32_t size_bytes, double rate_kbps) {
  const double rate = std::max(rate_kbps, 1.0);
  return static_cast<TimeUs>(static_cast<double>(size_bytes) * 8000.0 / rate);
}
}  // namespace

Transfer* Core::find_transfer(std::uint32_t id) {
  for (auto& t : transfers) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::uint32_t Core::new_transfer_id() {
  // Ids are never 0 and never reused while a transfer with the same id is alive.
  for (;;) {
    const std::uint32_t id = next_transfer_id++;
    if (next_transfer_id == 0) next_transfer_id = 1;
    if (id != 0 && find_transfer(id) == nullptr) return id;
  }
}

std::size_t Core::count_scan(Kind kind) const {
  std::size_t n = 0;
  for (const auto& t : transfers) n += (t.kind == kind && !t.verifying) ? 1U : 0U;
  return n;
}

void Core::add_transfer(const Transfer& t) {
  // Exact growth, released when the last transfer ends (erase_transfer): in live-1h an agent
  // has 0.58 transfers on average but held capacity for 5.3 (212 B) when growing by 4.
  if (transfers.size() == transfers.capacity()) transfers.reserve(transfers.size() + 1);
  transfers.push_back(t);
  if (!t.verifying) ++active[static_cast<std::size_t>(t.kind)];
  // A new time trigger (its timeout) for idle-epoch skipping.
  quiet_until_us = std::min(quiet_until_us, t.timeout_us);
}

void Core::mark_verifying(Transfer& t) {
  if (!t.verifying) --active[static_cast<std::size_t>(t.kind)];
  t.verifying = true;
}

TimeUs Core::http_estimate_us(std::uint32_t size_bytes) const {
  const double rate = http_kbps > 0 ? static_cast<double>(http_kbps)
                                    : static_cast<double>(config().http_rate_guess_kbps);
  return config().http_rtt_guess_us + transfer_us(size_bytes, rate);
}

TimeUs Core::p2p_estimate_us(const Peer& p, std::uint32_t size_bytes) const {
  double rate = p.throughput_kbps;
  if (rate <= 0) rate = p.uplink_kbps > 0 ? p.uplink_kbps * 0.5 : config().p2p_min_rate_kbps;
  return config().http_rtt_guess_us + transfer_us(size_bytes, rate);
}

TimeUs Core::deadline_of(std::uint32_t index) const {
  if (!have_player || index < player.next_needed.index) return now;
  TimeUs d = player.next_deadline_us;
  if (d == kNever) return kNever;
  d = std::max(d, now);
  for (std::uint32_t i = player.next_needed.index; i < index; ++i) d += slot_duration_us(i);
  return d;
}

TimeUs Core::fallback_at(const Transfer& t) const {
  const TimeUs d = deadline_of(t.index);
  if (d == kNever) return kNever;
  // The margin grows with the segment's whole slack, availability to deadline (a sixth of it,
  // between 1 and 3 times the knob): a rescue must absorb its request's start and the HTTP
  // estimate's error, and a long live delay can afford to rescue earlier; a short one cannot.
  const TimeUs margin = config().fallback_margin_us;
  const TimeUs available = available_at(slot(t.index));
  const TimeUs slack = available == kNever || available > d ? 0 : d - available;
  const TimeUs scaled = std::clamp(slack / 6, margin, 3 * margin);
  return d - http_estimate_us(t.size_bytes) - scaled;
}

void Core::erase_transfer(std::size_t ti) {
  ++mutations;
  const Transfer t = transfers[ti];
  if (const std::size_t j = t.kind == Kind::kHttp ? kNoPeer : find_peer(t.peer); j != kNoPeer) {
    Peer* p = &peers[j];
    if (t.kind == Kind::kP2p && !t.verifying && p->downloads > 0) --p->downloads;
    if (t.kind == Kind::kUpload && p->uploads > 0) --p->uploads;
  }
  if (!t.verifying) --active[static_cast<std::size_t>(t.kind)];
  transfers.erase_at(ti);
  // No element is left to reference: releasing the block invalidates nothing a caller holds.
  if (transfers.empty()) transfers.shrink_to_fit();
}

bool Core::start_http(std::uint32_t index, bool preempt) {
  if (!in_window(index)) return false;
  Slot& s = slot(index);
  if (s.phase != Phase::kMissing) return false;
  if (now < http_retry_at_us) return false;  // backing off after HTTP failures
  const std::size_t cap =
      std::min<std::size_t>(config().simultaneous_http_downloads, kHttpDownloadsMax);
  if (count(Kind::kHttp) >= cap) {
    if (!preempt) return false;
    // PML: abort a later-queued HTTP download to free a slot for a more urgent one.
    std::size_t victim = transfers.size();
    for (std::size_t ti = 0; ti < transfers.size(); ++ti) {
      const Transfer& t = transfers[ti];
      if (t.kind == Kind::kHttp && t.index > index &&
          (victim == transfers.size() || t.index > transfers[victim].index)) {
        victim = ti;
      }
    }
    if (victim == transfers.size()) return false;
    cancel_transfer(victim, false);
  }
  Transfer t;
  t.kind = Kind::kHttp;
  t.id = new_transfer_id();
  t.index = index;
  t.rendition = rendition;
  t.size_bytes = s.size_bytes;
  t.started_us = now;
  t.timeout_us = now + std::max(config().http_no_bytes_timeout_us,
                                transfer_us(s.size_bytes, config().http_min_rate_kbps));
  add_transfer(t);
  set_phase(s, Phase::kHttp);
  push(Pending{ActionKind::kHttpFetch, Msg::kNone, 0, PeerId{}, TransferId{t.id},
               SegmentKey{index, rendition}, 0});
  return true;
}

bool Core::start_p2p(std::uint32_t index, std::size_t j) {
  Peer& p = peers[j];
  if (!p2p_on() || !in_window(index) || !peer_has(j, index) || p.downloads != 0) return false;
  Slot& s = slot(index);
  if (s.phase != Phase::kMissing) return false;
  if (count(Kind::kP2p) >=
      std::min<std::size_t>(config().simultaneous_p2p_downloads, kP2pDownloadsMax)) {
    return false;
  }
  Transfer t;
  t.kind = Kind::kP2p;
  t.id = new_transfer_id();
  t.index = index;
  t.rendition = rendition;
  t.peer = peers.id(j);
  t.size_bytes = s.size_bytes;
  t.started_us = now;
  t.timeout_us = now + std::max(config().p2p_no_bytes_timeout_us,
                                transfer_us(s.size_bytes, config().p2p_min_rate_kbps));
  add_transfer(t);
  ++p.downloads;
  set_phase(s, Phase::kP2p);
  ++stats.requests_sent;
  send(t.peer, Msg::kRequest, SegmentKey{index, rendition}, t.id);
  return true;
}

bool Core::switch_to_http(std::uint32_t index) {
  const std::size_t cap =
      std::min<std::size_t>(config().simultaneous_http_downloads, kHttpDownloadsMax);
  if (count(Kind::kHttp) >= cap) return false;
  // Backing off after HTTP failures: start_http would refuse, and the peer download must not
  // be cancelled for nothing (it was, then re-requested, at every epoch of a PoP outage).
  if (now < http_retry_at_us) return false;
  for (std::size_t ti = 0; ti < transfers.size(); ++ti) {
    const Transfer& t = transfers[ti];
    if (t.kind == Kind::kP2p && !t.verifying && t.index == index && t.rendition == rendition) {
      cancel_transfer(ti, true);
      ++stats.p2p_to_http_fallbacks;
      return start_http(index, false);
    }
  }
  return false;
}

void Core::cancel_transfer(std::size_t ti, bool tell_peer) {
  const Transfer t = transfers[ti];
  push(Pending{ActionKind::kCancelTransfer, Msg::kNone, 0, t.peer, TransferId{t.id},
               SegmentKey{t.index, t.rendition}, t.request_id});
  if (t.kind == Kind::kP2p && tell_peer) {
    send(t.peer, Msg::kCancel, SegmentKey{t.index, t.rendition}, t.id);
  }
  if (t.kind != Kind::kUpload && t.rendition == rendition && in_window(t.index)) {
    Slot& s = slot(t.index);
    if (s.phase == Phase::kHttp || s.phase == Phase::kP2p) set_phase(s, Phase::kMissing);
  }
  erase_transfer(ti);
}

void Core::on_stored(std::uint32_t index) {
  set_phase(slot(index), Phase::kStored);
  announce_have(index);
  enforce_cache();
}

void Core::transfer_done(std::uint32_t id, Outcome outcome) {
  std::size_t ti = 0;
  while (ti < transfers.size() && transfers[ti].id != id) ++ti;
  if (ti == transfers.size()) return;  // unknown or already cancelled: ignore
  const Transfer t = transfers[ti];    // a copy: erase_transfer() invalidates references
  const bool current = t.rendition == rendition && in_window(t.index);
  const TimeUs elapsed = std::max<TimeUs>(now - t.started_us, 1);
  const double kbps = static_cast<double>(t.size_bytes) * 8000.0 / static_cast<double>(elapsed);
  const float alpha = static_cast<float>(config().score_ewma_alpha);
  switch (t.kind) {
    case Kind::kUpload:
      if (outcome == Outcome::kCompleted) {
        ++stats.uploads_served;
        stats.upload_bytes += t.size_bytes;
      }
      erase_transfer(ti);
      return;
    case Kind::kHttp:
      if (outcome == Outcome::kCompleted) {
        ++stats.http_segments;
        stats.http_bytes += t.size_bytes;
        http_failure_streak = 0;
        http_kbps = http_kbps <= 0 ? static_cast<float>(kbps)
                                   : (1 - alpha) * http_kbps + alpha * static_cast<float>(kbps);
        erase_transfer(ti);
        if (current && slot(t.index).phase == Phase::kHttp) on_stored(t.index);
        return;
      }
      if (current) {
        Slot& s = slot(t.index);
        if (s.phase == Phase::kHttp) set_phase(s, Phase::kMissing);
        if (outcome == Outcome::kFailed) bump_http(s);
      }
      if (outcome == Outcome::kFailed) {
        ++stats.http_failures;
        if (http_failure_streak < 16) ++http_failure_streak;
        TimeUs delay = config().http_retry_delay_us;
        for (std::uint8_t i = 1;
             i < http_failure_streak && delay < config().http_retry_delay_max_us; ++i) {
          delay *= 2;
        }
        http_retry_at_us = now + std::min(delay, config().http_retry_delay_max_us);
      }
      erase_transfer(ti);
      return;
    case Kind::kP2p: {
      if (t.verifying) return;  // duplicate completion
      if (outcome == Outcome::kCompleted) {
        if (const std::size_t j = find_peer(t.peer); j != kNoPeer) {
          Peer* p = &peers[j];
          p->throughput_kbps = p->throughput_kbps <= 0 ? static_cast<float>(kbps)
                                                       : (1 - alpha) * p->throughput_kbps +
                                                             alpha * static_cast<float>(kbps);
          p->score += 1.0F;
          p->strikes = 0;
          if (p->downloads > 0) --p->downloads;
        }
        mark_verifying(transfers[ti]);  // stays until handle_integrity
        // The host calls handle_integrity at once; if it never does, refetch after a while
        // rather than wait forever on a segment we cannot deliver.
        transfers[ti].timeout_us = now + kIntegrityWaitUs;
        if (current && slot(t.index).phase == Phase::kP2p)
          set_phase(slot(t.index), Phase::kVerifying);
        return;
      }
      ++stats.requests_failed;
      if (current) {
        Slot& s = slot(t.index);
        if (s.phase == Phase::kP2p) set_phase(s, Phase::kMissing);
        bump_p2p(s);
      }
      const PeerId peer = t.peer;
      erase_transfer(ti);
      if (outcome == Outcome::kFailed) {
        if (const std::size_t j = find_peer(peer); j != kNoPeer) peer_failure(j);
      }
      return;
    }
  }
}

void Core::integrity(SegmentKey key, bool passed) {
  for (std::size_t ti = 0; ti < transfers.size(); ++ti) {
    const Transfer t = transfers[ti];
    if (t.kind != Kind::kP2p || !t.verifying || t.index != key.index ||
        t.rendition != key.rendition) {
      continue;
    }
    erase_transfer(ti);
    const bool current = t.rendition == rendition && in_window(t.index);
    if (passed) {
      ++stats.p2p_segments;
      stats.p2p_bytes += t.size_bytes;
      if (current && slot(t.index).phase == Phase::kVerifying) on_stored(t.index);
      return;
    }
    ++stats.integrity_failures;
    if (current) {
      Slot& s = slot(t.index);
      if (s.phase == Phase::kVerifying) set_phase(s, Phase::kMissing);
      bump_p2p(s);
    }
    drop_peer(t.peer);
    return;
  }
}

void Core::expire_transfers() {
  // Restart the scan after each expiry: dropping a peer may remove other transfers.
  for (;;) {
    std::size_t ti = 0;
    while (ti < transfers.size() && transfers[ti].timeout_us > now) ++ti;
    if (ti == transfers.size()) return;
    const Transfer t = transfers[ti];
    if (t.kind == Kind::kUpload) {
      if (t.verifying) {  // waited its whole slot timeout in the queue: tell the requester
        erase_transfer(ti);
        ++stats.uploads_rejected;
        send(t.peer, Msg::kReject, SegmentKey{}, t.request_id,
             static_cast<std::uint8_t>(wire::RejectReason::kBusy));
      } else {
        cancel_transfer(ti, false);
      }
      continue;
    }
    if (t.verifying) {  // no integrity verdict: the data cannot be trusted, fetch it again
      erase_transfer(ti);
      if (t.rendition == rendition && in_window(t.index) &&
          slot(t.index).phase == Phase::kVerifying) {
        set_phase(slot(t.index), Phase::kMissing);
      }
      continue;
    }
    cancel_transfer(ti, true);
    if (t.rendition == rendition && in_window(t.index)) {
      Slot& s = slot(t.index);
      if (t.kind == Kind::kHttp) {
        bump_http(s);
      } else {
        bump_p2p(s);
      }
    }
    if (t.kind == Kind::kHttp) {
      ++stats.http_failures;
    } else {
      ++stats.requests_timed_out;
      if (const std::size_t j = find_peer(t.peer); j != kNoPeer) peer_failure(j);
    }
  }
}

}  // namespace p2pcdn::sched::agent_detail
