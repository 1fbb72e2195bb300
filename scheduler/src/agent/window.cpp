// The sliding window of the current rendition's segments and the live edge of the others:
// publication, player moves, rendition switches, cache eviction. Never decides fetches.
#include <algorithm>

#include "agent/core.hpp"

namespace p2pcdn::sched::agent_detail {

namespace {
std::uint16_t to_ms(TimeUs us) {
  return static_cast<std::uint16_t>(std::clamp<TimeUs>(us / 1000, 1, 65535));
}
}  // namespace

Edge* Core::edge(std::uint16_t r) {
  const std::size_t i = edge_slot(r);
  return i == kNoEdge ? nullptr : &edges[i];
}
const Edge* Core::edge(std::uint16_t r) const {
  const std::size_t i = edge_slot(r);
  return i == kNoEdge ? nullptr : &edges[i];
}

std::uint32_t Core::behind_slots() const {
  const Edge* e = edge(rendition);
  const TimeUs dur_us = e != nullptr ? TimeUs{e->duration_ms} * 1000 : 4'000'000;
  const TimeUs n = config().cache_behind_us / std::max<TimeUs>(dur_us, 1) + 1;
  return static_cast<std::uint32_t>(std::min<TimeUs>(n, window_size / 2));
}

TimeUs Core::edge_duration_us() const {
  const Edge* e = edge(rendition);
  return e != nullptr ? TimeUs{e->duration_ms} * 1000 : 4'000'000;
}

void Core::fill_slot_from_edge(std::uint32_t index) {
  Slot& s = slot(index);
  set_phase(s, Phase::kNotYet);  // (keeps the counters) then a blank, unpublished slot
  s = Slot{};
  set_available_at(s, kNever);  // (wide_times too)
  const Edge* e = edge(rendition);
  if (e != nullptr && index <= e->last_index) {
    const TimeUs back = TimeUs{e->last_index - index} * TimeUs{e->duration_ms} * 1000;
    set_available_at(s, e->available_at_us() - back);
    s.size_bytes = e->size_bytes;
    s.duration_ms = e->duration_ms;
    set_phase(s, Phase::kNotYet);
  }
  // A peer download of this segment still waiting for its integrity verdict (left behind by
  // a rendition switch or a seek and back within kIntegrityWaitUs) keeps the slot verifying.
  for (const auto& t : transfers) {
    if (t.verifying && t.kind == Kind::kP2p && t.index == index && t.rendition == rendition) {
      set_phase(s, Phase::kVerifying);
    }
  }
}

namespace {
// off = v - anchor when that is exact and a valid offset (not kOffNever).
bool offset_of(TimeUs v, TimeUs anchor, std::int32_t& off) {
  TimeUs d = 0;
  if (__builtin_sub_overflow(v, anchor, &d)) return false;
  if (d <= kOffNever || d > std::numeric_limits<std::int32_t>::max()) return false;
  off = static_cast<std::int32_t>(d);
  return true;
}
}  // namespace

void Core::set_available_at(Slot& s, TimeUs t) {
  const auto pos = static_cast<std::size_t>(&s - slots());
  if (wide_times) {
    wide_times[pos] = t;
    return;
  }
  if (t == kNever) {
    s.available_off = kOffNever;
    return;
  }
  if (offset_of(t, slot_anchor_us, s.available_off)) return;
  // Re-anchor at t if every other slot's time fits around it, else go wide. Both exact.
  s.available_off = kOffNever;  // its old time no longer counts
  Slot* all = slots();
  bool fits = true;
  std::int32_t unused = 0;
  for (std::size_t i = 0; i < window_size && fits; ++i) {
    if (all[i].available_off != kOffNever) {
      fits = offset_of(slot_anchor_us + all[i].available_off, t, unused);
    }
  }
  if (fits) {
    for (std::size_t i = 0; i < window_size; ++i) {
      if (all[i].available_off != kOffNever) {
        offset_of(slot_anchor_us + all[i].available_off, t, all[i].available_off);
      }
    }
    slot_anchor_us = t;
    s.available_off = 0;
    return;
  }
  auto wide = std::make_unique<TimeUs[]>(window_size);
  for (std::size_t i = 0; i < window_size; ++i) wide[i] = available_at(all[i]);
  wide[pos] = t;
  wide_times = std::move(wide);
}

void Core::publish(const SegmentInfo& info) {
  if (info.size_bytes == 0 || info.duration_us <= 0) return;  // nothing to fetch
  Edge* e = edge(info.key.rendition);
  if (e == nullptr) {
    // A new entry at the end while there are fewer than kEdgesMax, else replace the one with
    // the oldest edge, the first such (renditions nobody watches). Entries are never removed,
    // so this is the former fixed table's rule (first unused entry, else the oldest).
    if (edge_count < kEdgesMax) {
      auto grown = std::make_unique<Edge[]>(edge_count + 1U);
      std::copy_n(edges.get(), edge_count, grown.get());
      edges = std::move(grown);
      e = &edges[edge_count++];
    } else {
      e = &edges[0];
      for (std::size_t i = 1; i < kEdgesMax; ++i) {
        if (edges[i].available_at_us() < e->available_at_us()) e = &edges[i];
      }
    }
    *e = Edge{};
    e->rendition = info.key.rendition;
    e->last_index = info.key.index;  // so the branch below fills it
  }
  if (info.key.index >= e->last_index) {
    e->last_index = info.key.index;
    e->set_available_at_us(info.available_at_us);
    e->size_bytes = info.size_bytes;
    e->duration_ms = to_ms(info.duration_us);
  }
  refresh_edge_cache();  // this edge may be ours, or have replaced ours
  if (!window_valid) {
    // No player yet: open a window on the first rendition we hear of, so announcements from
    // early neighbours are kept; the first handle_player() re-centres it.
    const std::uint32_t half = window_size / 2;
    reset_window(info.key.rendition, info.key.index > half ? info.key.index - half : 0);
  }
  if (info.key.rendition == rendition && in_window(info.key.index)) {
    Slot& s = slot(info.key.index);
    set_available_at(s, info.available_at_us);
    s.size_bytes = info.size_bytes;
    s.duration_ms = to_ms(info.duration_us);
  }
}

void Core::reset_window(std::uint16_t r, std::uint32_t new_base) {
  if (window_valid && r == rendition) {
    rebase(new_base);
    return;
  }
  // Rendition switch: abort downloads of the old rendition and drop what we hold of it.
  for (std::size_t ti = transfers.size(); ti-- > 0;) {
    if (transfers[ti].kind != Kind::kUpload && !transfers[ti].verifying) cancel_transfer(ti, true);
  }
  if (window_valid) {
    for (std::uint32_t i = 0; i < window_size; ++i) {
      const std::uint32_t idx = base + i;
      if (slot(idx).phase == Phase::kStored) {
        push(Pending{ActionKind::kEvictSegment, Msg::kNone, 0, PeerId{}, TransferId{},
                     SegmentKey{idx, rendition}, 0});
      }
    }
  }
  rendition = r;
  refresh_edge_cache();
  base = new_base;
  window_valid = true;
  for (std::size_t j = 0; j < peers.size(); ++j) peers.set_have(j, 0, peers.rendition(j));
  std::fill_n(holder_count(), window_size, std::uint8_t{0});
  for (std::uint32_t i = 0; i < window_size; ++i) fill_slot_from_edge(base + i);
  if (upload_on()) {
    for (std::size_t j = 0; j < peers.size(); ++j) send(peers.id(j), Msg::kMap);
  }
}

void Core::rebase(std::uint32_t new_base) {
  // Same rendition: ring positions whose index stays in the window keep their slot and the
  // peers' bits; the others are evicted/cancelled and refilled from the live edge.
  if (new_base == base) return;
  // Only the positions that leave or enter are walked (usually one each), in the order a scan
  // of the whole window meets them.
  const WindowMove move = window_move(base, new_base, window_size);
  for (std::uint32_t i = move.leave_first; i < move.leave_last; ++i) {
    const std::uint32_t old_idx = base + i;
    for (std::size_t ti = transfers.size(); ti-- > 0;) {
      const Transfer& t = transfers[ti];
      if (t.kind != Kind::kUpload && t.index == old_idx && t.rendition == rendition &&
          !t.verifying) {
        cancel_transfer(ti, true);
      }
    }
    if (slot(old_idx).phase == Phase::kStored) {
      push(Pending{ActionKind::kEvictSegment, Msg::kNone, 0, PeerId{}, TransferId{},
                   SegmentKey{old_idx, rendition}, 0});
    }
    // Every peer loses this position's bit, so no peer on our rendition holds it any more:
    // its holder count is 0 (what set_have per peer reached one decrement at a time).
    peers.clear_have_bit(~ring_bit(old_idx));
    holder_count()[ring_pos(old_idx)] = 0;
  }
  base = new_base;
  for (std::uint32_t i = move.enter_first; i < move.enter_last; ++i) fill_slot_from_edge(base + i);
}

void Core::set_player(const PlayerView& view) {
  const SegmentKey need = view.next_needed;
  if (!(have_player && need == player.next_needed)) delivered_valid = false;
  player.next_needed = need;  // authoritative: the view's rendition is need's
  player.buffer_ahead_us = view.buffer_end_us - view.playhead_us;
  player.next_deadline_us = view.next_deadline_us;
  have_player = true;
  const std::uint32_t back = behind_slots();
  const std::uint32_t want_base = need.index > back ? need.index - back : 0;
  if (!window_valid || need.rendition != rendition || need.index < base ||
      need.index - base >= window_size - back) {
    reset_window(need.rendition, want_base);
  } else if (want_base > base) {
    rebase(want_base);
  }
  enforce_cache();
}

void Core::enforce_cache() {
  // Evict segments that ended more than cache_behind_us before the playhead (PML live rule),
  // then the oldest held segments while over cache_segments_max.
  if (!window_valid || !have_player) return;
  TimeUs end_rel = player.buffer_ahead_us;  // end of segment need-1
  std::uint32_t held = stored_count;        // = slots in kStored (the whole ring is the window)
  for (std::uint32_t idx = player.next_needed.index; idx-- > base;) {
    if (end_rel < -config().cache_behind_us && slot(idx).phase == Phase::kStored) {
      set_phase(slot(idx), Phase::kMissing);
      --held;
      push(Pending{ActionKind::kEvictSegment, Msg::kNone, 0, PeerId{}, TransferId{},
                   SegmentKey{idx, rendition}, 0});
    }
    end_rel -= slot_duration_us(idx);
  }
  for (std::uint32_t i = 0; i < window_size && held > config().cache_segments_max; ++i) {
    Slot& s = slot(base + i);
    if (s.phase == Phase::kStored && base + i != player.next_needed.index) {
      set_phase(s, Phase::kMissing);
      --held;
      push(Pending{ActionKind::kEvictSegment, Msg::kNone, 0, PeerId{}, TransferId{},
                   SegmentKey{base + i, rendition}, 0});
    }
  }
}

void Core::refresh_edge_cache() {
  const Edge* e = edge(rendition);
  edge_known = e != nullptr;
  edge_last_index = e != nullptr ? e->last_index : 0;
}

}  // namespace p2pcdn::sched::agent_detail
