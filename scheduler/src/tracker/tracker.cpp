// Tracker: swarm membership and bounded-cost random neighbour sampling.
#include "p2pcdn/scheduler/tracker.hpp"

#include <algorithm>
#include <cassert>

#include "tracker/tracker_state.hpp"

namespace p2pcdn::sched {

using tracker_detail::kNoSlot;
using tracker_detail::PeerRec;

namespace {

constexpr std::uint32_t kReservedPeerId = 0xFFFFFFFFU;

std::uint64_t swarm_key(std::uint32_t stream, std::uint16_t rendition) {
  return (static_cast<std::uint64_t>(stream) << 16) | rendition;
}

// Appends `slot` to `vec` and returns its position.
std::uint32_t push_member(std::vector<std::uint32_t>& vec, std::uint32_t slot) {
  vec.push_back(slot);
  return static_cast<std::uint32_t>(vec.size() - 1);
}

template <class T>
std::size_t vector_bytes(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

namespace {

// Free functions over State, so the public class stays a thin pimpl.
using State = Tracker::State;

std::uint32_t find_or_add_bucket(tracker_detail::FlatMap<std::uint64_t>& index,
                                 std::vector<std::vector<std::uint32_t>>& buckets,
                                 std::uint64_t key) {
  std::uint32_t b = index.find(key);
  if (b == tracker_detail::FlatMap<std::uint64_t>::kMissing) {
    b = static_cast<std::uint32_t>(buckets.size());
    buckets.emplace_back();
    index.put(key, b);
  }
  return b;
}

void insert_member(State& s, std::uint32_t slot, std::uint32_t stream, std::uint16_t rendition) {
  PeerRec& rec = s.peers_[slot];
  const std::uint64_t key = swarm_key(stream, rendition);
  std::uint32_t swarm = s.swarm_of_.find(key);
  if (swarm == tracker_detail::FlatMap<std::uint64_t>::kMissing) {
    swarm = static_cast<std::uint32_t>(s.swarms_.size());
    s.swarms_.push_back(tracker_detail::Swarm{stream, rendition, {}});
    s.swarm_of_.put(key, swarm);
  }
  rec.swarm = swarm;
  rec.pos_swarm = push_member(s.swarms_[swarm].members, slot);
  rec.region_bucket = find_or_add_bucket(s.region_bucket_of_, s.region_buckets_,
                                         (static_cast<std::uint64_t>(swarm) << 16) | rec.region);
  rec.pos_region = push_member(s.region_buckets_[rec.region_bucket], slot);
  rec.isp_bucket = find_or_add_bucket(s.isp_bucket_of_, s.isp_buckets_,
                                      (static_cast<std::uint64_t>(swarm) << 32) |
                                          (static_cast<std::uint64_t>(rec.region) << 16) | rec.isp);
  rec.pos_isp = push_member(s.isp_buckets_[rec.isp_bucket], slot);
}

// Swap-remove: the last member takes the hole and its stored position is updated.
template <class PosField>
void swap_remove(State& s, std::vector<std::uint32_t>& vec, std::uint32_t pos, PosField field) {
  assert(pos < vec.size());
  const std::uint32_t moved = vec.back();
  vec[pos] = moved;
  s.peers_[moved].*field = pos;
  vec.pop_back();
}

void remove_member(State& s, std::uint32_t slot) {
  const PeerRec rec = s.peers_[slot];
  swap_remove(s, s.swarms_[rec.swarm].members, rec.pos_swarm, &PeerRec::pos_swarm);
  swap_remove(s, s.region_buckets_[rec.region_bucket], rec.pos_region, &PeerRec::pos_region);
  swap_remove(s, s.isp_buckets_[rec.isp_bucket], rec.pos_isp, &PeerRec::pos_isp);
}

void advance_clock(State& s, TimeUs now) {
  assert(now >= s.last_now_ && "now must not decrease");
  s.last_now_ = std::max(s.last_now_, now);
}

std::uint32_t next_epoch(State& s) {
  if (++s.epoch_ == 0) {
    // Wrapped after 2^32 calls: clear every mark once so stale ones cannot match.
    for (PeerRec& rec : s.peers_) {
      rec.mark = 0;
    }
    s.epoch_ = 1;
  }
  return s.epoch_;
}

// Draws candidates from one tier at a time; every examined peer is marked with the
// call's epoch so it is looked at once per call whatever tier it appears in again.
struct Sampler {
  State& s;
  const std::array<bool, kNatClassCount>& nat_ok;
  std::uint32_t epoch;
  std::size_t want;

  // Takes `slot` if eligible; an eligible non-uploader goes to the fallback list.
  void consider(std::uint32_t slot) {
    PeerRec& rec = s.peers_[slot];
    if (rec.mark == epoch) {
      return;  // self, excluded, already taken or already rejected
    }
    rec.mark = epoch;
    if (!nat_ok[rec.nat] || rec.inbound >= s.config_.inbound_max) {
      return;
    }
    if (rec.uploads == 0) {
      if (s.fallback_.size() < want) {
        s.fallback_.push_back(slot);
      }
      return;
    }
    s.out_.push_back(PeerId{rec.id});
  }

  // Bounded work per tier: a full scan (from a random start) if the tier is small,
  // otherwise random draws with replacement; both cost O(want).
  void sample(const std::vector<std::uint32_t>& tier) {
    const std::size_t size = tier.size();
    if (size == 0 || s.out_.size() >= want) {
      return;
    }
    const std::size_t budget = 4 * (want - s.out_.size()) + 32;
    if (size <= budget) {
      const std::size_t start = s.prng_.next_below(static_cast<std::uint32_t>(size));
      for (std::size_t i = 0; i < size && s.out_.size() < want; ++i) {
        consider(tier[(start + i) % size]);
      }
      return;
    }
    for (std::size_t t = 0; t < budget && s.out_.size() < want; ++t) {
      consider(tier[s.prng_.next_below(static_cast<std::uint32_t>(size))]);
    }
  }
};

}  // namespace

Result<Tracker> Tracker::create(const TrackerConfig& config, std::uint64_t seed) {
  if (config.neighbours_max == 0) {
    return Status(Errc::kInvalidArgument, "neighbours_max must be > 0");
  }
  if (config.inbound_max == 0) {
    return Status(Errc::kInvalidArgument, "inbound_max must be > 0");
  }
  if (config.peers_max == 0 || config.peers_max == kNoSlot) {
    return Status(Errc::kInvalidArgument, "peers_max must be in [1, 0xFFFFFFFE]");
  }
  for (std::size_t a = 0; a < kNatClassCount; ++a) {
    for (std::size_t b = 0; b < kNatClassCount; ++b) {
      if (config.can_connect[a][b] != config.can_connect[b][a]) {
        return Status(Errc::kInvalidArgument, "can_connect must be symmetric");
      }
    }
  }
  return Tracker(std::make_unique<State>(config, seed));
}

Tracker::Tracker(std::unique_ptr<State> state) : state_(std::move(state)) {}
Tracker::Tracker(Tracker&&) noexcept = default;
Tracker& Tracker::operator=(Tracker&&) noexcept = default;
Tracker::~Tracker() = default;

Status Tracker::handle_join(TimeUs now, PeerId peer, const PeerProfile& profile) {
  State& s = *state_;
  const auto id = static_cast<std::uint32_t>(peer);
  if (id == kReservedPeerId) {
    return Status(Errc::kInvalidArgument, "peer id 0xFFFFFFFF is reserved");
  }
  if (static_cast<std::size_t>(profile.nat) >= kNatClassCount) {
    return Status(Errc::kInvalidArgument, "profile.nat");
  }
  advance_clock(s, now);
  std::uint32_t slot = s.slot_of_.find(id);
  if (slot == kNoSlot && s.peer_count_ >= s.config_.peers_max) {
    return Status(Errc::kCapacityExceeded, "peers_max");
  }
  if (slot != kNoSlot) {
    remove_member(s, slot);  // re-join: new profile, same slot and inbound count
  } else if (!s.free_slots_.empty()) {
    slot = s.free_slots_.back();
    s.free_slots_.pop_back();
    s.peers_[slot] = PeerRec{};
    s.slot_of_.put(id, slot);
    ++s.peer_count_;
  } else {
    slot = static_cast<std::uint32_t>(s.peers_.size());
    s.peers_.emplace_back();
    s.slot_of_.put(id, slot);
    ++s.peer_count_;
  }
  PeerRec& rec = s.peers_[slot];
  rec.id = id;
  rec.region = profile.region;
  rec.isp = profile.isp;
  rec.nat = static_cast<std::uint8_t>(profile.nat);
  rec.uploads = profile.uploads ? 1 : 0;
  insert_member(s, slot, profile.stream, profile.rendition);
  return Status::ok_status();
}

void Tracker::handle_leave(TimeUs now, PeerId peer) {
  State& s = *state_;
  advance_clock(s, now);
  const auto id = static_cast<std::uint32_t>(peer);
  const std::uint32_t slot = s.slot_of_.find(id);
  if (slot == kNoSlot) {
    return;
  }
  remove_member(s, slot);
  s.slot_of_.erase(id);
  s.peers_[slot] = PeerRec{};
  s.free_slots_.push_back(slot);
  --s.peer_count_;
}

Status Tracker::handle_switch_rendition(TimeUs now, PeerId peer, std::uint16_t rendition) {
  State& s = *state_;
  advance_clock(s, now);
  const std::uint32_t slot = s.slot_of_.find(static_cast<std::uint32_t>(peer));
  if (slot == kNoSlot) {
    return Status(Errc::kUnknownPeer, "peer");
  }
  const std::uint32_t stream = s.swarms_[s.peers_[slot].swarm].stream;
  remove_member(s, slot);
  insert_member(s, slot, stream, rendition);
  return Status::ok_status();
}

std::span<const PeerId> Tracker::neighbours_for(TimeUs now, PeerId who, std::size_t max_count,
                                                std::span<const PeerId> exclude) {
  State& s = *state_;
  advance_clock(s, now);
  s.out_.clear();
  s.fallback_.clear();
  const std::size_t want = std::min<std::size_t>(max_count, s.config_.neighbours_max);
  const std::uint32_t who_slot = s.slot_of_.find(static_cast<std::uint32_t>(who));
  if (who_slot == kNoSlot || want == 0) {
    return {};
  }
  const auto& nat_ok = s.config_.can_connect[s.peers_[who_slot].nat];
  if (std::none_of(nat_ok.begin(), nat_ok.end(), [](bool b) { return b; })) {
    return {};  // e.g. UDP-blocked: nobody can ever connect directly
  }
  const std::uint32_t epoch = next_epoch(s);
  s.peers_[who_slot].mark = epoch;
  for (PeerId ex : exclude) {
    const std::uint32_t slot = s.slot_of_.find(static_cast<std::uint32_t>(ex));
    if (slot != kNoSlot) {
      s.peers_[slot].mark = epoch;
    }
  }
  s.out_.reserve(want);
  Sampler sampler{s, nat_ok, epoch, want};
  const PeerRec& me = s.peers_[who_slot];
  if (s.config_.prefer_same_isp) {
    sampler.sample(s.isp_buckets_[me.isp_bucket]);
  }
  sampler.sample(s.region_buckets_[me.region_bucket]);
  sampler.sample(s.swarms_[me.swarm].members);
  for (std::size_t i = 0; i < s.fallback_.size() && s.out_.size() < want; ++i) {
    s.out_.push_back(PeerId{s.peers_[s.fallback_[i]].id});
  }
  for (PeerId p : s.out_) {
    ++s.peers_[s.slot_of_.find(static_cast<std::uint32_t>(p))].inbound;
  }
  return s.out_;
}

void Tracker::release(PeerId /*a*/, PeerId b) {
  State& s = *state_;
  const std::uint32_t slot = s.slot_of_.find(static_cast<std::uint32_t>(b));
  if (slot != kNoSlot && s.peers_[slot].inbound > 0) {
    --s.peers_[slot].inbound;
  }
}

std::size_t Tracker::swarm_size(std::uint32_t stream, std::uint16_t rendition) const {
  const std::uint32_t swarm = state_->swarm_of_.find(swarm_key(stream, rendition));
  return swarm == kNoSlot ? 0 : state_->swarms_[swarm].members.size();
}

std::size_t Tracker::peer_count() const { return state_->peer_count_; }

std::uint16_t Tracker::inbound_count(PeerId peer) const {
  const std::uint32_t slot = state_->slot_of_.find(static_cast<std::uint32_t>(peer));
  return slot == kNoSlot ? 0 : state_->peers_[slot].inbound;
}

std::size_t Tracker::heap_bytes() const {
  const State& s = *state_;
  std::size_t bytes = sizeof(State) + s.slot_of_.heap_bytes() + vector_bytes(s.peers_) +
                      vector_bytes(s.free_slots_) + s.swarm_of_.heap_bytes() +
                      vector_bytes(s.swarms_) + s.region_bucket_of_.heap_bytes() +
                      s.isp_bucket_of_.heap_bytes() + vector_bytes(s.region_buckets_) +
                      vector_bytes(s.isp_buckets_) + vector_bytes(s.out_) +
                      vector_bytes(s.fallback_);
  for (const auto& swarm : s.swarms_) bytes += vector_bytes(swarm.members);
  for (const auto& b : s.region_buckets_) bytes += vector_bytes(b);
  for (const auto& b : s.isp_buckets_) bytes += vector_bytes(b);
  return bytes;
}

}  // namespace p2pcdn::sched
