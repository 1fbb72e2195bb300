// The plug-in point for decision logic: a Policy looks at a PlanContext once per decision
// epoch and issues fetch decisions through it. A policy never sees wire bytes, never owns
// transfers and never draws randomness except from ctx.prng() / ctx.seed().
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "p2pcdn/scheduler/config.hpp"
#include "p2pcdn/scheduler/ids.hpp"
#include "util/prng.hpp"

namespace p2pcdn::sched {
namespace agent_detail {
struct Core;
}

namespace policy {

// Where one segment of the current rendition stands.
enum class Phase : std::uint8_t {
  kNotYet,     // published but not yet available at the CDN, or unknown
  kMissing,    // available, nobody fetching it
  kHttp,       // HTTP fetch in flight
  kP2p,        // peer download in flight
  kVerifying,  // peer download done, integrity result pending
  kStored,     // held (and announced)
};

struct QueueItem {
  std::uint32_t index = 0;
  std::uint32_t size_bytes = 0;
  TimeUs available_at_us = 0;
  TimeUs deadline_us = kNever;  // when the player needs it (absolute host time)
  TimeUs ahead_us = 0;          // media time from the playhead (now) to the segment's start
                                // (= deadline - now while playing)
  Phase phase = Phase::kNotYet;
  std::uint8_t http_attempts = 0;
  std::uint8_t p2p_attempts = 0;
  // (holders: ctx.holders(index), read only where needed: see below)
};

// Why a policy fetches a segment over HTTP (AgentStats counts each reason).
enum class HttpReason : std::uint8_t {
  kRule,      // a vendor policy's own rule (window, buffer threshold, random HTTP, ...)
  kSeed,      // seeding: bringing a segment no neighbour holds yet into the neighbourhood
  kDeadline,  // no slack left for a peer transfer
  kNoHolder,  // no neighbour (or none that can serve it in time)
};

struct PeerInfo {
  PeerId id{};
  float throughput_kbps = 0;  // EWMA of measured download throughput from this peer (0 = none)
  float score = 0;            // +1 per success, -failure_penalty per failure (Streamroot-like)
  std::uint32_t uplink_kbps_hint = 0;
  std::uint8_t downloads = 0;  // our downloads from it in flight
  bool choked = false;         // it choked us or told us it is busy recently (a reject)
  // While it is busy (a reject, or the spread after its Have / Unchoke, which leaves choked
  // false): when it is free again (a policy waiting for it wakes then: wake_at); else 0.
  TimeUs free_at_us = 0;
};

// Read-only planning view plus the decision sink. Built by the agent core per epoch; decisions
// take effect immediately (queue(i).phase changes), so a policy may re-read after deciding.
// Idle-epoch skipping (AgentConfig::skip_idle_epochs) relies on two rules for policies:
//  * holder information is read only through holders() / peer_has() / fetch_peer() /
//    pick_peer_weighted(), which record what was read;
//  * every comparison with the time (now, ahead_us, deadline_us, buffer_us) either goes through
//    ahead_below() / buffer_below() or reports when it flips with wake_at() or horizon().
// A policy breaking them still decides correctly with skipping off, and the twin test
// (agent_epoch_skip_test.cpp) catches it with skipping on.
class PlanContext {
 public:
  explicit PlanContext(agent_detail::Core& core);

  [[nodiscard]] TimeUs now() const;
  [[nodiscard]] const AgentConfig& config() const;
  [[nodiscard]] std::uint64_t seed() const;
  [[nodiscard]] std::uint32_t self_uplink_kbps() const;  // what Hello announces (0: unknown)
  util::Prng& prng();

  // Segments from the player's next_needed forward (queue order = deadline order).
  [[nodiscard]] std::size_t queue_size() const;
  [[nodiscard]] QueueItem queue(std::size_t i) const;
  [[nodiscard]] TimeUs buffer_us() const;  // buffer left now (next deadline - now)
  // q.ahead_us < x / buffer_us() < x, recording when the answer flips as time passes.
  [[nodiscard]] bool ahead_below(const QueueItem& q, TimeUs x) const;
  [[nodiscard]] bool buffer_below(TimeUs x) const;
  [[nodiscard]] std::uint32_t holders(std::uint32_t index) const;  // connected peers with it

  [[nodiscard]] std::size_t peer_count() const;
  [[nodiscard]] PeerInfo peer(std::size_t j) const;
  [[nodiscard]] bool peer_has(std::size_t j, std::uint32_t index) const;

  [[nodiscard]] std::size_t http_free() const;      // free HTTP slots
  [[nodiscard]] std::size_t p2p_free() const;       // free P2P slots
  [[nodiscard]] std::size_t p2p_in_flight() const;  // our peer downloads running
  [[nodiscard]] TimeUs http_estimate_us(std::uint32_t size_bytes) const;
  [[nodiscard]] TimeUs p2p_estimate_us(std::size_t j, std::uint32_t size_bytes) const;

  // Decisions; each returns false (and does nothing) if not allowed right now.
  // preempt: if no HTTP slot is free, abort the latest-queued HTTP download behind `index`.
  bool fetch_http(std::uint32_t index, bool preempt = false, HttpReason why = HttpReason::kRule);
  bool fetch_peer(std::uint32_t index, std::size_t j);  // peer j must have it and be idle
  bool switch_to_http(std::uint32_t index);             // abort the P2P download, fetch HTTP
  void wake_at(TimeUs when);                            // plan again at `when`
  // A time comparison made by the policy may change its answer at `when` (no wake-up).
  void horizon(TimeUs when) const;

 private:
  friend std::size_t pick_peer_weighted(PlanContext& ctx, std::uint32_t index);

  agent_detail::Core& core_;
  std::uint32_t now_ms_;  // core_.now_ms(): time does not move during an epoch
  // queue(i) walks durations from next_needed; cache the last answer for sequential scans.
  mutable std::size_t cached_i_ = 0;
  mutable TimeUs cached_deadline_us_ = 0;
  mutable TimeUs cached_ahead_us_ = 0;
  mutable bool cached_ = false;
};

class Policy {
 public:
  virtual ~Policy() = default;
  // One decision epoch.
  virtual void plan(PlanContext& ctx) = 0;
  // The traits below are read once, when the agent is created: they must be constants.
  // False: the agent neither announces, uploads nor requests from peers (cdn-only).
  [[nodiscard]] virtual bool uses_peers() const { return true; }
  // The core's generic safety net (abort a P2P download when HTTP barely still makes the
  // deadline). Policies that reproduce a published algorithm exactly may turn it off.
  [[nodiscard]] virtual bool deadline_fallback() const { return true; }
  // Uploads this policy serves at once, at most (the agent uses the smaller of this and the
  // upload_slots knob). A policy that schedules against deadlines may prefer serving one copy
  // at the whole uplink: whole-segment store-and-forward spreads fastest that way.
  [[nodiscard]] virtual std::size_t upload_slots_max() const { return kUploadsMax; }
  // Whether the loader lets the player's ABR learn from segments peers delivered (the host
  // asks Agent::abr_learns_from_peers). A peer transfer is paced by the sender's uplink and
  // starts long before its deadline: as a throughput sample it describes the swarm, not this
  // viewer's link. Policies reproducing a vendor keep the plain player's behaviour (true).
  [[nodiscard]] virtual bool abr_learns_from_peers() const { return true; }
  [[nodiscard]] virtual std::size_t heap_bytes() const = 0;
};

// Every policy object fits here: the agent keeps it inside its own state (no heap block).
inline constexpr std::size_t kPolicyBytesMax = 24;

// Constructs the policy in `storage` (kPolicyBytesMax bytes, 8-aligned) and returns it; the
// owner calls ~Policy() (never delete). Each policy's make_<id> static_asserts that it fits.
using PolicyFactory = Policy* (*)(const AgentConfig&, void* storage);

// Registry (src/policy/registry.cpp): nullptr for an unknown name.
Policy* make_policy_at(std::string_view name, const AgentConfig& config, void* storage);

// Helpers shared by policies.
// Index of an idle (no download in flight, not choked) peer holding `index`, chosen by
// weighted random throughput as p2p-media-loader 2.3 does; SIZE_MAX when none.
std::size_t pick_peer_weighted(PlanContext& ctx, std::uint32_t index);
// Deterministic per (seed, index) uniform fraction in [0, 1): the same agent makes the same
// choice for the same segment, different agents differ.
double hash_fraction(std::uint64_t seed, std::uint32_t index, std::uint64_t salt);

}  // namespace policy
}  // namespace p2pcdn::sched
