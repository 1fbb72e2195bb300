// The agent's neighbour table: one heap block holding, for capacity c, the peers' `have`
// bitmasks, then their ids, then their records (structure of arrays, so a lookup by id or a
// scan for holders touches a few cache lines). Order = insertion order; never decides.
#pragma once
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "p2pcdn/scheduler/config.hpp"
#include "p2pcdn/scheduler/ids.hpp"

namespace p2pcdn::sched::agent_detail {

struct Peer {
  // Peer-local times in milliseconds since the agent was created (wraps after 49 days, far
  // beyond a viewing session).
  std::uint32_t tokens_at_ms = 0;
  std::uint32_t busy_until_ms = 0;
  std::uint32_t uplink_kbps = 0;
  float throughput_kbps = 0;
  float score = 0;
  float tokens = 0;
  std::uint8_t downloads = 0;    // ours from it
  std::uint8_t uploads = 0;      // ours to it
  std::uint8_t strikes : 7 = 0;  // p2p_error_retries <= 100 (AgentConfig validation)
  // busy_until_ms is only the spread after its Have / Unchoke (announce_spread_us), not a
  // reject: policies that wait honour it, those that go HTTP when a holder is busy do not.
  std::uint8_t spread : 1 = 0;
  bool choked = false;
};
static_assert(sizeof(Peer) == 28);
static_assert(std::is_trivially_copyable_v<Peer>);

inline constexpr std::size_t kNoPeer = std::numeric_limits<std::size_t>::max();

// Sections, for capacity c: ids[c] | renditions[c] | (pad to 8) | haves[c] | records[c]. The
// first two are what a lookup and an announcement touch (adjacent lines); a holder scan reads
// haves; only decisions about one peer read its record.
class PeerTable {
 public:
  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return cap_; }
  [[nodiscard]] std::size_t heap_bytes() const { return bytes_for(cap_); }

  [[nodiscard]] PeerId id(std::size_t j) const { return ids()[j]; }
  // Rendition of its last map/have, and bit (index % window size) for the window
  // segments it holds; both written only by Core::set_have once the peer is in the table.
  [[nodiscard]] std::uint16_t rendition(std::size_t j) const { return rends()[j]; }
  [[nodiscard]] std::uint64_t have(std::size_t j) const { return haves()[j]; }
  void set_have(std::size_t j, std::uint64_t h, std::uint16_t r) {
    haves()[j] = h;
    rends()[j] = r;
  }
  // ANDs every peer's `have` with `mask` (a window position leaving the ring); renditions
  // stay. One pass over the contiguous masks.
  void clear_have_bit(std::uint64_t mask) {
    std::uint64_t* h = haves();
    for (std::size_t j = 0; j < size_; ++j) h[j] &= mask;
  }
  Peer& operator[](std::size_t j) { return recs()[j]; }
  const Peer& operator[](std::size_t j) const { return recs()[j]; }

  // Starts loading the renditions and `have` masks: a Have touches the ids (the lookup),
  // then one rendition and one mask, which without this miss one after the other.
  // Straight-line (GCC drops prefetch-only loops): the masks of up to 16 peers, the usual
  // neighbourhood.
  void prefetch_announce_state() const {
    if (cap_ == 0) return;
    __builtin_prefetch(rends());
    __builtin_prefetch(haves());
    if (cap_ > 8) __builtin_prefetch(haves() + 8);
  }

  // Starts loading the ids (what find() scans) and the announcement state.
  void prefetch() const {
    if (cap_ == 0) return;
    __builtin_prefetch(ids());
    if (cap_ > 16) __builtin_prefetch(ids() + 16);
    prefetch_announce_state();
  }

  [[nodiscard]] std::size_t find(PeerId id) const {
    const PeerId* p = ids();
    std::size_t j = 0;
#if defined(__SSE2__)
    // Four ids per compare where the CPU has SSE2 (every x86-64): a lookup is on every peer
    // message, over ~10-20 ids. The first match, as the plain scan below (ids are unique
    // anyway). peer_table_test checks both against a reference scan.
    const __m128i want = _mm_set1_epi32(static_cast<int>(static_cast<std::uint32_t>(id)));
    for (; j + 4 <= size_; j += 4) {
      const __m128i got = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + j));
      const int hits = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(got, want)));
      if (hits != 0)
        return j + static_cast<std::size_t>(std::countr_zero(static_cast<unsigned>(hits)));
    }
#endif
    for (; j < size_; ++j) {
      if (p[j] == id) return j;
    }
    return kNoPeer;
  }

  void push_back(PeerId id, std::uint16_t r, std::uint64_t have, const Peer& rec) {
    // Exact growth (a connection is rare next to messages; the slack of growing by 4 cost
    // ~30 B per viewer in live-1h).
    if (size_ == cap_) regrow(size_ + 1U);
    ids()[size_] = id;
    rends()[size_] = r;
    haves()[size_] = have;
    recs()[size_] = rec;
    ++size_;
  }

  void erase(std::size_t j) {
    const std::size_t tail = size_ - j - 1;
    std::memmove(ids() + j, ids() + j + 1, tail * sizeof(PeerId));
    std::memmove(rends() + j, rends() + j + 1, tail * sizeof(std::uint16_t));
    std::memmove(haves() + j, haves() + j + 1, tail * sizeof(std::uint64_t));
    std::memmove(recs() + j, recs() + j + 1, tail * sizeof(Peer));
    --size_;
  }

  void shrink_to_fit() {
    if (cap_ != size_) regrow(size_);
  }

 private:
  static constexpr std::size_t rends_at(std::size_t cap) { return cap * sizeof(PeerId); }
  static constexpr std::size_t haves_at(std::size_t cap) {
    return (rends_at(cap) + cap * sizeof(std::uint16_t) + 7) / 8 * 8;
  }
  static constexpr std::size_t recs_at(std::size_t cap) {
    return haves_at(cap) + cap * sizeof(std::uint64_t);
  }
  static constexpr std::size_t bytes_for(std::size_t cap) {
    return recs_at(cap) + cap * sizeof(Peer);
  }

  void regrow(std::size_t cap) {
    // new std::byte[] is aligned for any fundamental type and implicitly creates the
    // trivially copyable objects the sections hold.
    std::unique_ptr<std::byte[]> next(cap == 0 ? nullptr : new std::byte[bytes_for(cap)]);
    if (size_ != 0) {
      std::memcpy(next.get(), ids(), size_ * sizeof(PeerId));
      std::memcpy(next.get() + rends_at(cap), rends(), size_ * sizeof(std::uint16_t));
      std::memcpy(next.get() + haves_at(cap), haves(), size_ * sizeof(std::uint64_t));
      std::memcpy(next.get() + recs_at(cap), recs(), size_ * sizeof(Peer));
    }
    buf_ = std::move(next);
    cap_ = static_cast<std::uint8_t>(cap);
  }
  [[nodiscard]] PeerId* ids() const { return reinterpret_cast<PeerId*>(buf_.get()); }
  [[nodiscard]] std::uint16_t* rends() const {
    return reinterpret_cast<std::uint16_t*>(buf_.get() + rends_at(cap_));
  }
  [[nodiscard]] std::uint64_t* haves() const {
    return reinterpret_cast<std::uint64_t*>(buf_.get() + haves_at(cap_));
  }
  [[nodiscard]] Peer* recs() const { return reinterpret_cast<Peer*>(buf_.get() + recs_at(cap_)); }

  std::unique_ptr<std::byte[]> buf_;
  std::uint8_t size_ = 0;
  std::uint8_t cap_ = 0;
};
static_assert(kPeersMax + 4 <= 255, "PeerTable counts fit a byte");

}  // namespace p2pcdn::sched::agent_detail
