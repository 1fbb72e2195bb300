// Agent::check_invariants: the internal consistency rules, checked on demand by tests and
// fuzzers. Reads state only; never changes a decision.
#include "agent/core.hpp"

namespace p2pcdn::sched {

Status Agent::check_invariants() const {
  using agent_detail::Kind;
  const agent_detail::Core& c = *state_;
  auto broken = [](const char* what) { return Status(Errc::kCapacityExceeded, what); };
  if (c.peers.size() > c.config().peers_max || c.peers.size() > kPeersMax)
    return broken("peers over cap");
  if (c.transfers.size() > kTransfersMax) return broken("transfers over kTransfersMax");
  if (c.pending.size() - c.pending_head() > kPendingActionsMax + 8)
    return broken("pending actions over cap");
  for (const Kind k : {Kind::kHttp, Kind::kP2p, Kind::kUpload}) {
    if (c.count(k) != c.count_scan(k)) return broken("transfer counters disagree with the table");
  }
  if (c.count(Kind::kHttp) > c.config().simultaneous_http_downloads)
    return broken("HTTP downloads over cap");
  if (c.count(Kind::kP2p) > c.config().simultaneous_p2p_downloads)
    return broken("P2P downloads over cap");
  if (c.count(Kind::kUpload) > c.upload_slots_) return broken("uploads over slots");
  for (std::size_t a = 0; a < c.transfers.size(); ++a) {
    const auto& t = c.transfers[a];
    if (t.kind == Kind::kUpload) continue;
    for (std::size_t b = a + 1; b < c.transfers.size(); ++b) {
      const auto& u = c.transfers[b];
      if (u.kind != Kind::kUpload && u.index == t.index && u.rendition == t.rendition) {
        return broken("segment downloaded twice at once");
      }
    }
    if (t.rendition == c.rendition && c.in_window(t.index)) {
      const auto phase = c.slot(t.index).phase;
      const bool ok = t.kind == Kind::kHttp ? phase == policy::Phase::kHttp
                      : t.verifying         ? phase == policy::Phase::kVerifying
                                            : phase == policy::Phase::kP2p;
      if (!ok) return broken("slot phase disagrees with its transfer");
    }
  }
  std::size_t stored = 0;
  for (std::uint32_t i = 0; i < c.window_size; ++i)
    stored += c.slots()[i].phase == policy::Phase::kStored ? 1U : 0U;
  if (stored != c.stored_count) return broken("stored slot count stale");
  std::uint64_t notyet = 0;
  for (std::uint32_t i = 0; i < c.window_size; ++i) {
    if (c.slots()[i].phase == policy::Phase::kNotYet) notyet |= std::uint64_t{1} << i;
  }
  if (notyet != c.notyet_mask) return broken("not-yet slot mask stale");
  const auto* e = c.edge(c.rendition);
  if (c.edge_known != (e != nullptr) || (e != nullptr && e->last_index != c.edge_last_index)) {
    return broken("live edge cache stale");
  }
  if (c.window_valid) {
    for (std::uint32_t i = 0; i < c.window_size; ++i) {
      if (c.holders(c.base + i) != c.holders_scan(c.base + i)) return broken("holder counts stale");
    }
  }
  for (std::size_t j = 0; j < c.peers.size(); ++j) {
    const auto& p = c.peers[j];
    std::size_t downloads = 0;
    std::size_t uploads = 0;
    for (const auto& t : c.transfers) {
      if (t.peer != c.peers.id(j)) continue;
      downloads += (t.kind == Kind::kP2p && !t.verifying) ? 1U : 0U;
      uploads += t.kind == Kind::kUpload ? 1U : 0U;
    }
    if (downloads != p.downloads || uploads != p.uploads) return broken("peer counters disagree");
    if (p.downloads > 1) return broken("more than one download from a peer");
    if (p.uploads > c.config().uploads_per_peer_max) return broken("uploads per peer over cap");
  }
  // The cached next_timeout(), when it would be returned now, equals a recomputation.
  if (c.timeout_cache_fresh() && c.timeout_cached_us != c.next_timeout_scratch()) {
    return broken("next_timeout cache stale");
  }
  return Status();
}

}  // namespace p2pcdn::sched
