// The tracker's internal state: dense peer records, per-swarm member vectors and
// per-(swarm, region) and per-(swarm, region, isp) buckets, all with swap-remove and
// stored positions so join/leave are O(1) and sampling never scans a whole swarm.
#pragma once
#include <cstdint>
#include <vector>

#include "p2pcdn/scheduler/tracker.hpp"
#include "tracker/flat_map.hpp"
#include "util/prng.hpp"

namespace p2pcdn::sched {

namespace tracker_detail {

inline constexpr std::uint32_t kNoSlot = 0xFFFFFFFFU;

// One joined peer. 40 bytes: it is the per-peer cost that matters at millions of peers.
struct PeerRec {
  std::uint32_t id = kNoSlot;  // kNoSlot while the record is on the free list
  std::uint32_t swarm = 0;
  std::uint32_t isp_bucket = 0;
  std::uint32_t region_bucket = 0;
  std::uint32_t pos_swarm = 0;   // index in swarms_[swarm].members
  std::uint32_t pos_isp = 0;     // index in isp_buckets_[isp_bucket]
  std::uint32_t pos_region = 0;  // index in region_buckets_[region_bucket]
  std::uint32_t mark = 0;        // == epoch_: already examined in this neighbours_for call
  std::uint16_t region = 0;
  std::uint16_t isp = 0;
  std::uint16_t inbound = 0;  // times currently handed out as a neighbour (hub limit)
  std::uint8_t nat = 0;
  std::uint8_t uploads = 0;
};
static_assert(sizeof(PeerRec) == 40);

struct Swarm {
  std::uint32_t stream = 0;
  std::uint16_t rendition = 0;
  std::vector<std::uint32_t> members;  // peer slots, unordered
};

}  // namespace tracker_detail

struct Tracker::State {
  State(const TrackerConfig& config, std::uint64_t seed) : config_(config), prng_(seed) {}

  TrackerConfig config_;
  util::Prng prng_;
  TimeUs last_now_ = 0;

  tracker_detail::FlatMap<std::uint32_t> slot_of_;  // PeerId -> index in peers_
  std::vector<tracker_detail::PeerRec> peers_;
  std::vector<std::uint32_t> free_slots_;
  std::size_t peer_count_ = 0;

  tracker_detail::FlatMap<std::uint64_t> swarm_of_;  // (stream << 16 | rendition) -> swarm
  std::vector<tracker_detail::Swarm> swarms_;
  // Buckets are never destroyed: their number is bounded by distinct keys seen.
  tracker_detail::FlatMap<std::uint64_t> region_bucket_of_;  // (swarm << 16 | region)
  tracker_detail::FlatMap<std::uint64_t> isp_bucket_of_;     // (swarm << 32 | region << 16 | isp)
  std::vector<std::vector<std::uint32_t>> region_buckets_;
  std::vector<std::vector<std::uint32_t>> isp_buckets_;

  // Per-call scratch, kept to avoid allocating on every neighbours_for.
  std::uint32_t epoch_ = 0;
  std::vector<PeerId> out_;
  std::vector<std::uint32_t> fallback_;  // eligible peers that do not upload
};

}  // namespace p2pcdn::sched
