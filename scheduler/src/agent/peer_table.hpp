// The agent's neighbour table: one heap block holding, for capacity c, the peers' `have`
// bitmasks, then their ids, then their records (structure of arrays, so a lookup by id or a
// scan for holders touches a few cache lines). Order = insertion order; never decides.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <type_traits>

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
  std::uint16_t rendition = 0;  // rendition of its last map/have
  std::uint8_t downloads = 0;   // ours from it
  std::uint8_t uploads = 0;     // ours to it
  std::uint8_t strikes = 0;
  bool choked = false;
};
static_assert(sizeof(Peer) == 32);
static_assert(std::is_trivially_copyable_v<Peer>);

inline constexpr std::size_t kNoPeer = std::numeric_limits<std::size_t>::max();

class PeerTable {
 public:
  static constexpr std::size_t kBytesPerPeer =
      sizeof(std::uint64_t) + sizeof(PeerId) + sizeof(Peer);

  [[nodiscard]] std::size_t size() const { return size_; }
  [[nodiscard]] std::size_t capacity() const { return cap_; }
  [[nodiscard]] std::size_t heap_bytes() const { return cap_ * kBytesPerPeer; }

  [[nodiscard]] PeerId id(std::size_t j) const { return ids()[j]; }
  // bit (index % kWindowSegmentsMax) for window segments it holds; written by Core::set_have.
  [[nodiscard]] std::uint64_t have(std::size_t j) const { return haves()[j]; }
  void set_have_bits(std::size_t j, std::uint64_t h) { haves()[j] = h; }
  Peer& operator[](std::size_t j) { return recs()[j]; }
  const Peer& operator[](std::size_t j) const { return recs()[j]; }

  [[nodiscard]] std::size_t find(PeerId id) const {
    const PeerId* p = ids();
    for (std::size_t j = 0; j < size_; ++j) {
      if (p[j] == id) return j;
    }
    return kNoPeer;
  }

  void push_back(PeerId id, std::uint64_t have, const Peer& rec) {
    if (size_ == cap_) regrow(size_ + 4);  // grow in small steps
    haves()[size_] = have;
    ids()[size_] = id;
    recs()[size_] = rec;
    ++size_;
  }

  void erase(std::size_t j) {
    const std::size_t tail = size_ - j - 1;
    std::memmove(haves() + j, haves() + j + 1, tail * sizeof(std::uint64_t));
    std::memmove(ids() + j, ids() + j + 1, tail * sizeof(PeerId));
    std::memmove(recs() + j, recs() + j + 1, tail * sizeof(Peer));
    --size_;
  }

  void shrink_to_fit() {
    if (cap_ != size_) regrow(size_);
  }

 private:
  void regrow(std::size_t cap) {
    // new std::byte[] is aligned for any fundamental type and implicitly creates the
    // trivially copyable objects the three sections hold.
    std::unique_ptr<std::byte[]> next(cap == 0 ? nullptr : new std::byte[cap * kBytesPerPeer]);
    if (size_ != 0) {
      std::memcpy(next.get(), haves(), size_ * sizeof(std::uint64_t));
      std::memcpy(next.get() + cap * sizeof(std::uint64_t), ids(), size_ * sizeof(PeerId));
      std::memcpy(next.get() + cap * (sizeof(std::uint64_t) + sizeof(PeerId)), recs(),
                  size_ * sizeof(Peer));
    }
    buf_ = std::move(next);
    cap_ = static_cast<std::uint8_t>(cap);
  }
  [[nodiscard]] std::uint64_t* haves() const {
    return reinterpret_cast<std::uint64_t*>(buf_.get());
  }
  [[nodiscard]] PeerId* ids() const {
    return reinterpret_cast<PeerId*>(buf_.get() + cap_ * sizeof(std::uint64_t));
  }
  [[nodiscard]] Peer* recs() const {
    return reinterpret_cast<Peer*>(buf_.get() + cap_ * (sizeof(std::uint64_t) + sizeof(PeerId)));
  }

  std::unique_ptr<std::byte[]> buf_;
  std::uint8_t size_ = 0;
  std::uint8_t cap_ = 0;
};
static_assert(kPeersMax + 4 <= 255, "PeerTable counts fit a byte");

}  // namespace p2pcdn::sched::agent_detail
