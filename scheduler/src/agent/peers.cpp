// Neighbour table and everything a peer can send us: bounded, rate-limited, and tolerant of
// garbage (malformed or unsolicited input is ignored and reported as a Status, never trusted).
#include <algorithm>
#include <bit>
#include <limits>

#include "agent/core.hpp"
#include "policy/policy.hpp"
#include "wire/byte_io.hpp"

namespace p2pcdn::sched::agent_detail {

bool Core::is_banned(PeerId id) const {
  for (std::size_t i = 0; i < banned_count; ++i) {
    if ((*banned)[i] == id) return true;  // banned_count > 0: allocated
  }
  return false;
}

std::uint64_t Core::set_have(std::size_t j, std::uint64_t have, std::uint16_t r) {
  const std::uint64_t before = peers.rendition(j) == rendition ? peers.have(j) : 0;
  const std::uint64_t after = r == rendition ? have : 0;
  peers.set_have(j, have, r);
  // +1 at positions gained, -1 at positions lost (usually one bit: a Have).
  std::uint8_t* counts = holder_count();
  for (std::uint64_t m = after & ~before; m != 0; m &= m - 1) ++counts[std::countr_zero(m)];
  for (std::uint64_t m = before & ~after; m != 0; m &= m - 1) --counts[std::countr_zero(m)];
  return before ^ after;
}

std::uint32_t Core::holders_scan(std::uint32_t index) const {
  std::uint32_t n = 0;
  for (std::size_t j = 0; j < peers.size(); ++j) n += peer_has(j, index) ? 1U : 0U;
  return n;
}

void Core::add_peer(PeerId id, const PeerTraits& traits) {
  if (find_peer(id) != kNoPeer) return;
  if (is_banned(id) || peers.size() >= std::min<std::size_t>(config().peers_max, kPeersMax)) {
    push(Pending{ActionKind::kDropPeer, Msg::kNone, 0, id, TransferId{}, SegmentKey{}, 0});
    return;
  }
  // traits.region / isp are not kept: no decision reads them (yet).
  Peer p;
  p.uplink_kbps = traits.uplink_kbps_hint;
  p.tokens = static_cast<float>(config().peer_request_burst);
  p.tokens_at_ms = now_ms();
  peers.push_back(id, rendition, 0, p);
  if (p2p_on()) {
    send(id, Msg::kHello);
    if (upload_on()) send(id, Msg::kMap);
    if (choking) send(id, Msg::kChoke);
  }
}

void Core::remove_peer(PeerId id) {
  const std::size_t j = find_peer(id);
  if (j == kNoPeer) return;
  for (std::size_t ti = transfers.size(); ti-- > 0;) {
    Transfer& t = transfers[ti];
    if (t.peer != id || (t.kind == Kind::kP2p && t.verifying)) continue;
    if (t.kind == Kind::kP2p) {
      ++stats.requests_failed;
      if (t.rendition == rendition && in_window(t.index)) {
        Slot& s = slot(t.index);
        set_phase(s, Phase::kMissing);
        bump_p2p(s);
      }
      erase_transfer(ti);
    } else if (t.kind == Kind::kUpload) {
      erase_transfer(ti);
    }
  }
  set_have(j, 0, peers.rendition(j));  // its announcements leave the holder counts
  peers.erase(j);
  peers.shrink_to_fit();  // exact, as push_back grows it
}

void Core::drop_peer(PeerId id) {
  if (!is_banned(id)) {
    if (!banned) banned = std::make_unique<std::array<PeerId, kBannedMax>>();
    (*banned)[banned_next] = id;
    banned_next = static_cast<std::uint8_t>((banned_next + 1) % kBannedMax);
    banned_count = static_cast<std::uint8_t>(std::min<std::size_t>(banned_count + 1U, kBannedMax));
  }
  ++stats.peers_banned;
  push(Pending{ActionKind::kDropPeer, Msg::kNone, 0, id, TransferId{}, SegmentKey{}, 0});
  remove_peer(id);
}

void Core::start_queued_uploads() {
  for (std::size_t ti = 0; ti < transfers.size() && !uploads_full(); ++ti) {
    Transfer& t = transfers[ti];
    if (t.kind != Kind::kUpload || !t.verifying) continue;
    if (t.rendition != rendition || !in_window(t.index) || slot(t.index).phase != Phase::kStored) {
      const Transfer gone = t;  // evicted while it waited (window moved, rendition switch)
      erase_transfer(ti--);
      ++stats.uploads_rejected;
      send(gone.peer, Msg::kReject, SegmentKey{}, gone.request_id,
           static_cast<std::uint8_t>(wire::RejectReason::kNotFound));
      continue;
    }
    t.verifying = false;
    ++active[static_cast<std::size_t>(Kind::kUpload)];
    t.started_us = now;
    t.timeout_us = now + config().upload_slot_timeout_us;
    quiet_until_us = std::min(quiet_until_us, t.timeout_us);
    push(Pending{ActionKind::kStartUpload, Msg::kNone, 0, t.peer, TransferId{t.id},
                 SegmentKey{t.index, t.rendition}, t.request_id});
  }
}

void Core::advertise_slots() {
  if (!upload_on()) return;
  start_queued_uploads();
  const bool full = uploads_full();
  if (full == choking) return;
  choking = full;
  for (std::size_t j = 0; j < peers.size(); ++j)
    send(peers.id(j), full ? Msg::kChoke : Msg::kUnchoke);
}

void Core::peer_failure(std::size_t j) {
  Peer& p = peers[j];
  p.score -= static_cast<float>(config().failure_penalty);
  p.throughput_kbps = 0;  // PML: throughput history cleared on any error but a plain abort
  if (++p.strikes >= config().p2p_error_retries) drop_peer(peers.id(j));
}

bool Core::on_have(std::size_t j, const wire::Have& have) {
  bool spread = false;  // a holder's wait changed: plans read it (PlanContext::peer)
  if (have.rendition == rendition && in_window(have.index) &&
      slot(have.index).phase == Phase::kMissing) {
    // It told every neighbour at once: spread our request (AgentConfig::announce_spread_us).
    Peer& p = peers[j];
    const double spread_ms = static_cast<double>(config().announce_spread_us) * 1e-3;
    const double draw =
        policy::hash_fraction(seed, have.index, 0x4A7E + static_cast<std::uint64_t>(peers.id(j)));
    const std::uint32_t until = now_ms() + static_cast<std::uint32_t>(draw * spread_ms);
    if (until > p.busy_until_ms) {
      p.busy_until_ms = until;
      p.spread = 1;
    }
    spread = spread_ms > 0;
  }
  std::uint64_t h = have.rendition != peers.rendition(j) ? 0 : peers.have(j);
  if (have.rendition == rendition && in_window(have.index)) h |= ring_bit(have.index);
  const bool unread = (set_have(j, h, have.rendition) & plan_read_mask) == 0;
  return unread && !spread;
}

Status Core::on_message(PeerId from, std::span<const std::byte> bytes, bool& quiet) {
  // Ignored input changes nothing (but a counter): quiet. Have / SegmentMap: quiet unless a
  // holder bit the last plan read changed. Everything else runs an epoch.
  quiet = true;
  peers.prefetch_announce_state();
  const std::size_t j = find_peer(from);
  if (j == kNoPeer) return Status(Errc::kUnknownPeer, "message from unknown peer");
  // The common message, a Have, is exactly 8 bytes (version, type, rendition, index), and
  // wire::decode accepts every such input as that Have (decode_random_test checks it): read
  // it here without building a Message.
  if (bytes.size() == kHaveBytes && bytes[0] == std::byte{wire::kProtocolVersion} &&
      bytes[1] == std::byte{static_cast<std::uint8_t>(wire::MessageType::kHave)}) {
    wire::detail::ByteReader r(bytes.subspan(2));
    wire::Have have;
    (void)r.read_u16(have.rendition);  // cannot fail: the size was checked
    (void)r.read_u32(have.index);
    quiet = on_have(j, have);
    return Status();
  }
  Peer* p = &peers[j];
  Result<wire::Message> decoded = wire::decode(bytes);
  if (!decoded.ok()) {
    ++stats.malformed_messages;
    return decoded.status();
  }
  quiet = false;
  const wire::Message& m = decoded.value();
  // Haves and maps change only holder bits, which next_timeout() does not read: its cached
  // value stays exact. Any other message may touch transfers (a Request starts an upload).
  if (!std::holds_alternative<wire::Have>(m) && !std::holds_alternative<wire::SegmentMap>(m)) {
    invalidate_timeout();
  }
  if (const auto* hello = std::get_if<wire::Hello>(&m)) {
    p->uplink_kbps = hello->uplink_kbps;  // region / isp: not kept, no decision reads them
  } else if (const auto* map = std::get_if<wire::SegmentMap>(&m)) {
    std::uint64_t h = map->rendition != peers.rendition(j) ? 0 : peers.have(j);
    if (map->rendition == rendition) {
      for (std::uint32_t i = 0; i < map->count; ++i) {
        const std::uint32_t idx = map->first_index + i;
        if (idx < map->first_index || !in_window(idx)) continue;  // wrapped or out of window
        const std::uint64_t bit = ring_bit(idx);
        if ((map->bits[i / 64] >> (i % 64)) & 1U) {
          h |= bit;
        } else {
          h &= ~bit;
        }
      }
    }
    quiet = (set_have(j, h, map->rendition) & plan_read_mask) == 0;
  } else if (const auto* have = std::get_if<wire::Have>(&m)) {
    quiet = on_have(j, *have);
  } else if (const auto* req = std::get_if<wire::Request>(&m)) {
    // Serving changes only the upload side (tokens, uploads, the reply), which no plan reads;
    // a new upload's timeout lowers quiet_until_us (add_transfer).
    on_request(j, *req);
    advertise_slots();
    quiet = true;
  } else if (const auto* cancel = std::get_if<wire::Cancel>(&m)) {
    quiet = true;  // likewise: it ends one of our uploads, or nothing
    for (std::size_t ti = 0; ti < transfers.size(); ++ti) {
      const Transfer& t = transfers[ti];
      if (t.kind == Kind::kUpload && t.peer == from && t.request_id == cancel->request_id) {
        if (t.verifying) {
          erase_transfer(ti);  // still queued: the host never started it
        } else {
          cancel_transfer(ti, false);
        }
        advertise_slots();
        return Status();
      }
    }
    // A Cancel for a finished upload is normal (it crossed the completion); ignore quietly.
  } else if (const auto* reject = std::get_if<wire::Reject>(&m)) {
    for (std::size_t ti = 0; ti < transfers.size(); ++ti) {
      Transfer& t = transfers[ti];
      if (t.kind != Kind::kP2p || t.peer != from || t.id != reject->request_id || t.verifying) {
        continue;
      }
      ++stats.requests_rejected;
      switch (reject->reason) {
        case wire::RejectReason::kNotFound:
          ++stats.rejected_not_found;
          break;
        case wire::RejectReason::kRateLimited:
          ++stats.rejected_rate_limited;
          break;
        case wire::RejectReason::kBusy:
        case wire::RejectReason::kChoked:
          ++stats.rejected_busy;
          break;
      }
      if (t.rendition == rendition && in_window(t.index)) {
        Slot& s = slot(t.index);
        set_phase(s, Phase::kMissing);
        bump_p2p(s);
        if (reject->reason == wire::RejectReason::kNotFound) {
          set_have(j, peers.have(j) & ~ring_bit(t.index), peers.rendition(j));
        }
      }
      if (reject->reason != wire::RejectReason::kNotFound) {
        p->busy_until_ms = now_ms() + 1'000;
        p->spread = 0;
        p->score -= static_cast<float>(config().failure_penalty);
        erase_transfer(ti);
        return Status();
      }
      // We asked only because it announced the segment: "not found" is a claim that turned
      // out false. Benign once (it evicted the segment as its window moved), so it is a
      // strike like a timeout: p2p_error_retries in a row without a success between them
      // cost the peer its connection (issue 25: a peer announcing everything and serving
      // nothing was never dropped).
      erase_transfer(ti);
      peer_failure(j);
      return Status();
    }
    // A Reject that crossed our Cancel (or a timeout) is normal; one for an id we never
    // issued is not.
    if (reject->request_id != 0 && reject->request_id < next_transfer_id) return Status();
    ++stats.malformed_messages;
    return Status(Errc::kProtocolViolation, "reject for a request never sent");
  } else if (std::holds_alternative<wire::Choke>(m)) {
    p->choked = true;
  } else if (std::holds_alternative<wire::Unchoke>(m)) {
    p->choked = false;
    // It can serve now, but so it told every neighbour: spread our request.
    const double spread_ms = static_cast<double>(config().announce_spread_us) * 1e-3;
    const double draw = policy::hash_fraction(seed, static_cast<std::uint32_t>(now_ms()),
                                              0xC40C + static_cast<std::uint64_t>(from));
    p->busy_until_ms = now_ms() + static_cast<std::uint32_t>(draw * spread_ms);
    p->spread = 1;
  }
  return Status();
}

void Core::on_request(std::size_t j, const wire::Request& req) {
  Peer& p = peers[j];
  const PeerId id = peers.id(j);
  // Token bucket per peer: refill, then spend one token per request.
  const double refill = static_cast<double>(now_ms() - p.tokens_at_ms) * 1e-3 *
                        static_cast<double>(config().peer_requests_per_s);
  p.tokens = static_cast<float>(
      std::min<double>(config().peer_request_burst, static_cast<double>(p.tokens) + refill));
  p.tokens_at_ms = now_ms();
  auto reject = [&](wire::RejectReason why) {
    ++stats.uploads_rejected;
    send(id, Msg::kReject, SegmentKey{}, req.request_id, static_cast<std::uint8_t>(why));
  };
  if (p.tokens < 1.0F) {
    reject(wire::RejectReason::kRateLimited);
    return;
  }
  p.tokens -= 1.0F;
  const SegmentKey key{req.index, req.rendition};
  if (!upload_on() || req.rendition != rendition || !in_window(req.index) ||
      slot(req.index).phase != Phase::kStored) {
    reject(wire::RejectReason::kNotFound);
    return;
  }
  std::size_t queued = 0;
  for (const auto& t : transfers) {
    if (t.kind != Kind::kUpload) continue;
    queued += t.verifying ? 1U : 0U;
    if (t.peer == id && t.request_id == req.request_id) {  // duplicate of one in flight
      reject(wire::RejectReason::kBusy);
      return;
    }
  }
  const bool full = uploads_full();
  if (p.uploads >= config().uploads_per_peer_max ||
      (full && queued >= std::min<std::size_t>(config().upload_queue_max, kUploadQueueMax))) {
    reject(wire::RejectReason::kBusy);
    return;
  }
  Transfer t;
  t.kind = Kind::kUpload;
  t.id = new_transfer_id();
  t.index = req.index;
  t.rendition = req.rendition;
  t.peer = id;
  t.request_id = req.request_id;
  t.size_bytes = slot(req.index).size_bytes;
  t.started_us = now;
  t.timeout_us = now + config().upload_slot_timeout_us;
  t.verifying = full;  // queued until a slot frees (start_queued_uploads)
  add_transfer(t);
  ++p.uploads;
  if (!full) {
    push(Pending{ActionKind::kStartUpload, Msg::kNone, 0, id, TransferId{t.id}, key,
                 req.request_id});
  }
}

}  // namespace p2pcdn::sched::agent_detail
