// The agent's whole state (one allocation: Core then its window arrays, plus the peer table and
// two small vectors) and the core operations
// policies and the public API build on. Bounded by the kXxxMax caps of config.hpp; it never
// reads a clock or draws randomness except from prng (seeded by the host).
#pragma once
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <vector>

#include "agent/peer_table.hpp"
#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/wire.hpp"
#include "policy/policy.hpp"
#include "util/prng.hpp"
#include "util/tight_vec.hpp"

namespace p2pcdn::sched::agent_detail {

using policy::Phase;

// One segment of the current rendition in the sliding window (ring indexed by
// index % window_size). 12 B: its availability time is a 32-bit offset from the core's
// slot_anchor_us (read and written only through Core::available_at / set_available_at, which
// keep it exact: see there).
inline constexpr std::int32_t kOffNever = std::numeric_limits<std::int32_t>::min();
struct Slot {
  std::int32_t available_off = kOffNever;  // kOffNever: not published (yet) = kNever
  std::uint32_t size_bytes = 0;
  std::uint16_t duration_ms = 0;
  Phase phase = Phase::kNotYet;
  std::uint8_t attempts = 0;  // low nibble: HTTP attempts, high nibble: P2P attempts
};
static_assert(sizeof(Slot) == 12);

// The latest published segment of a rendition (to rebuild the window after a switch). 20 B,
// 4-aligned: the time is two 32-bit halves (exact round trip); duration_ms >= 1 once
// publish() filled it (see to_ms).
struct Edge {
  std::uint32_t available_lo = 0;  // low and high halves of available_at_us
  std::uint32_t available_hi = 0;
  std::uint32_t last_index = 0;
  std::uint32_t size_bytes = 0;
  std::uint16_t duration_ms = 0;  // 0: unused entry
  std::uint16_t rendition = 0;
  [[nodiscard]] TimeUs available_at_us() const {
    return static_cast<TimeUs>((std::uint64_t{available_hi} << 32) | available_lo);
  }
  void set_available_at_us(TimeUs t) {
    const auto u = static_cast<std::uint64_t>(t);
    available_lo = static_cast<std::uint32_t>(u);
    available_hi = static_cast<std::uint32_t>(u >> 32);
  }
};
static_assert(sizeof(Edge) == 20);

// What the core keeps of the last PlayerView: playhead and buffer end are only ever read as
// their difference, and the view's rendition is next_needed's (24 B instead of 40).
struct PlayerState {
  SegmentKey next_needed{};
  TimeUs buffer_ahead_us = 0;        // buffer_end_us - playhead_us as the host reported them
  TimeUs next_deadline_us = kNever;  // absolute host time at which the buffer runs dry
};

enum class Kind : std::uint8_t { kHttp, kP2p, kUpload };

struct Transfer {
  TimeUs started_us = 0;
  TimeUs timeout_us = kNever;
  std::uint32_t id = 0;
  std::uint32_t index = 0;
  PeerId peer{};
  std::uint32_t request_id = 0;  // uploads: the requester's id
  std::uint32_t size_bytes = 0;
  std::uint16_t rendition = 0;
  Kind kind = Kind::kHttp;
  // P2P download: complete, waiting for handle_integrity. Upload: queued, waiting for a slot
  // (no kStartUpload yet). Either way not counted in Core::active.
  bool verifying = false;
};

enum class Msg : std::uint8_t {
  kNone,
  kHello,
  kMap,
  kHave,
  kRequest,
  kCancel,
  kReject,
  kChoke,
  kUnchoke
};

// A queued action; messages are encoded at poll time into the one-message outbox.
struct Pending {
  ActionKind kind = ActionKind::kHttpFetch;
  Msg msg = Msg::kNone;
  std::uint8_t reason = 0;
  PeerId peer{};
  TransferId transfer{};
  SegmentKey segment{};
  std::uint32_t request_id = 0;
};

// The largest message this agent encodes is its SegmentMap of the window (header 2, rendition
// 2, first index 4, count 2, one bit per window segment): the outbox needs no more.
// A window of `size` positions moving from first index `from` to `to`: the offsets (from its
// first position) of the positions that leave, in the old window, and of those that enter, in
// the new one, each a range [first, last). Equal to scanning every offset and keeping those
// whose index is outside the other window (window_move_test checks it exhaustively).
struct WindowMove {
  std::uint32_t leave_first, leave_last, enter_first, enter_last;
};
[[nodiscard]] constexpr WindowMove window_move(std::uint32_t from, std::uint32_t to,
                                               std::uint32_t size) {
  if (to >= from) {
    const std::uint32_t d = to - from < size ? to - from : size;
    return {0, d, size - d, size};
  }
  const std::uint32_t d = from - to < size ? from - to : size;
  return {size - d, size, 0, d};
}

inline constexpr std::size_t kOutboxBytes = 2 + 2 + 4 + 2 + kWindowSegmentsMax / 8 + 6;
static_assert(kOutboxBytes <= wire::kMaxMessageBytes);
inline constexpr TimeUs kNoQuiet = std::numeric_limits<TimeUs>::min();
// Recently banned peers, refused on reconnect. 8 is enough, and a larger list would buy
// nothing: ids are the host's (a tracker hands a reconnecting client a new one), so a list of
// any size cannot keep out an attacker who reconnects, and an id that returns after 8 other
// bans costs at most what it cost the first time (one corrupt segment caught by integrity and
// fetched again, or p2p_error_retries false claims) before it is banned again. What bounds
// the damage is that each offence is detected and costs the attacker its connection.
inline constexpr std::size_t kBannedMax = 8;
inline constexpr TimeUs kIntegrityWaitUs = 1'000'000;  // host must call handle_integrity sooner

static_assert(kPeersMax <= 255, "holder_count holds byte counts");

struct Core {
  // Constructs the named policy in place; `policy` stays nullptr for an unknown name.
  Core(std::shared_ptr<const AgentConfig> cfg, const PeerTraits& self_in, std::uint64_t seed_in,
       TimeUs now_in, std::string_view policy_name);
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // ---- state. Hot fields first (read by nearly every input), so that an input to a cold
  // agent touches few cache lines; then the window, then what only some inputs read.
  std::shared_ptr<const AgentConfig> config_owner;  // keeps config() alive (may be shared)
  // Policy name never read after construction. Through the owner (no reference member: 8 B).
  [[nodiscard]] const AgentConfig& config() const { return *config_owner; }
  TimeUs now;
  TimeUs created_us;
  [[nodiscard]] std::uint32_t now_ms() const {
    return static_cast<std::uint32_t>((now - created_us) / 1000);
  }
  bool window_valid = false;
  bool have_player = false;
  bool delivered_valid = false;  // delivered_key was delivered for the current need
  // Transfers per Kind that are not verifying (= count(kind)); kept by add_transfer,
  // erase_transfer and mark_verifying so the hot paths need no scan.
  std::array<std::uint8_t, 3> active{};
  std::uint16_t rendition = 0;
  std::uint32_t base = 0;  // lowest index in the window
  std::uint32_t next_transfer_id = 1;
  PeerTable peers;
  // 16 B each (std::vector: 24); the queue's read position lives in its spare bytes.
  util::TightVec<Transfer> transfers;
  util::TightVec<Pending> pending;
  std::uint32_t& pending_head() { return pending.spare; }  // < pending.size() (<= the cap + a few)
  [[nodiscard]] std::uint32_t pending_head() const { return pending.spare; }
  // The policy object lives here (no heap block, no pointer: its Policy base is at offset 0).
  alignas(8) std::array<std::byte, policy::kPolicyBytesMax> policy_storage{};
  [[nodiscard]] policy::Policy* the_policy() {
    return std::launder(reinterpret_cast<policy::Policy*>(policy_storage.data()));
  }
  // Fixed at construction (config and policy traits never change): !config.p2p_disabled &&
  // policy->uses_peers(); that && !config.upload_disabled; policy->deadline_fallback().
  bool p2p_on_ = false;
  bool upload_on_ = false;
  bool deadline_fallback_ = false;
  bool abr_learns_from_peers_ = true;  // policy->abr_learns_from_peers()
  // min(config.upload_slots, policy->upload_slots_max(), kUploadsMax), fixed at construction.
  std::uint8_t upload_slots_ = 0;
  bool policy_ok = false;  // policy_storage holds the named policy (false: unknown name)
  TimeUs policy_wake_us = kNever;
  TimeUs http_retry_at_us = 0;  // no new HTTP request before this (failure backoff)
  TimeUs peers_asked_at_us = 0;
  PlayerState player{};
  SegmentKey delivered_key{};
  float http_kbps = 0;                   // EWMA of measured HTTP throughput (0 = none yet)
  std::uint8_t http_failure_streak = 0;  // consecutive HTTP failures
  bool peers_asked = false;
  // Every neighbour was told Choke (all upload slots busy); Unchoke when one frees. Requesters
  // then ask only holders that can serve (advertise_slots).
  bool choking = false;
  std::uint8_t banned_count = 0;
  std::uint8_t banned_next = 0;
  AgentStats stats;  // decision_epochs is bumped by every epoch: keep it near the hot fields
  // A window field placed where it fills padding: a copy of edge(rendition)->last_index
  // (edge_known: that edge exists), for queue_end().
  std::uint32_t edge_last_index = 0;
  std::uint8_t edge_count = 0;  // entries in `edges` (below)
  // ---- idle-epoch skipping (AgentConfig::skip_idle_epochs). After an epoch that changed
  // nothing (`mutations`, the prng and the policy's bytes unchanged), the next epoch is
  // provably idle as long as (a) now < quiet_until_us: no time trigger (timeout, availability,
  // fallback, retry, peer request, stall, policy wake or comparison flip) has passed, and
  // (b) the inputs since only changed holder bits outside plan_read_mask. Any other input runs
  // the epoch, which recomputes both. During the plan, quiet_until_us collects the earliest
  // time a comparison of the policy's may flip (horizon()).
  TimeUs quiet_until_us = kNoQuiet;  // kNoQuiet: the last epoch acted (or skipping is off)
  std::uint64_t plan_read_mask = 0;  // ring positions whose holders the last plan read
  std::uint32_t mutations = 0;       // bumped by push, set_phase, erase_transfer, prng use
  bool skip_on_ = false;             // config.skip_idle_epochs
  // Window fields here to fill a hole (see the window ring below).
  std::uint8_t window_size;       // W
  std::uint8_t stored_count = 0;  // slots in kStored; kept by set_phase
  bool edge_known = false;
  // ---- next_timeout() cache. next_timeout() = min{c in C : c > now} over candidate times C
  // that are state, except the deadline fallbacks, which move with now once the player's
  // buffer ran dry (deadline_of). So a value computed earlier stays exact while now is below
  // it (and, with deadline fallbacks, while now <= player.next_deadline_us), as long as no
  // input changed C: every input but a Have/SegmentMap, an ignored message or a skipped epoch
  // invalidates it (invalidate_timeout()). check_invariants() compares it with a recomputation.
  mutable TimeUs timeout_cached_us = kNoQuiet;  // kNoQuiet: stale
  // The window ring: W = config.window_segments positions (a power of two <= 64). Its arrays
  // live in the same allocation, right after this object (see window_bytes): the holder
  // counts (holders per ring position: the number of peers on our rendition whose `have` has
  // that bit; kept by set_have and reset_window, so a decision epoch reads holder counts
  // without touching the peer table), then `slots`. The counts come first so that their
  // address is this + sizeof(Core) whatever W is: Agent::prefetch loads nothing to find them.
  // The fields above and these arrays are the hot part.
  // Both found from `this` (no pointer member): the counts at this + sizeof(Core), the slots
  // [W] right after them (W is a multiple of 8, so they stay 8-aligned).
  [[nodiscard]] std::uint8_t* holder_count() const {
    return reinterpret_cast<std::uint8_t*>(const_cast<Core*>(this)) + sizeof(Core);
  }
  [[nodiscard]] Slot* slots() const {
    return std::launder(reinterpret_cast<Slot*>(holder_count() + window_size));
  }
  [[nodiscard]] std::uint64_t window_bits() const {  // the W low bits set
    return window_size >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << window_size) - 1;
  }
  // Ring positions whose slot is kNotYet (all of them at first); kept by set_phase, so the
  // scans for segments becoming available read only those slots.
  std::uint64_t notyet_mask;
  // Slot times are slot_anchor_us + Slot::available_off (exact). The anchor starts at the
  // creation time and moves (all offsets rewritten) when a time does not fit 31 bits around it
  // (about every 35 min of a live stream); if the window's times cannot all fit around one
  // anchor, they move to wide_times (W exact 64-bit times; never seen in practice).
  TimeUs slot_anchor_us;
  [[nodiscard]] TimeUs available_at(const Slot& s) const {
    if (wide_times) [[unlikely]]
      return wide_times[static_cast<std::size_t>(&s - slots())];
    return s.available_off == kOffNever ? kNever : slot_anchor_us + s.available_off;
  }
  void set_available_at(Slot& s, TimeUs t);  // window.cpp
  // The live edges of the renditions heard of, in the order first heard, at most kEdgesMax
  // (then the oldest is replaced). A heap block of exactly edge_count entries: a stream has a
  // few renditions, and 8 inline entries cost 160 B in every agent.
  std::unique_ptr<Edge[]> edges;         // [edge_count] (declared above, where it fills padding)
  std::unique_ptr<TimeUs[]> wide_times;  // [W] or null (see slot_anchor_us)
  static constexpr std::size_t kEdgesMax = 8;
  [[nodiscard]] std::size_t edge_slot(std::uint16_t r) const {  // index in edges, or kNoEdge
    for (std::size_t i = 0; i < edge_count; ++i) {
      if (edges[i].rendition == r) return i;
    }
    return kNoEdge;
  }
  static constexpr std::size_t kNoEdge = kEdgesMax;

  PeerTraits self;  // what Hello announces (config.self_* or create_shared's `self`)
  util::Prng prng;
  std::uint64_t seed;
  std::array<std::byte, kOutboxBytes> outbox{};
  // Recently banned peers (ring of kBannedMax, banned_count used): allocated by the first ban
  // only, since almost no agent ever bans (8 B instead of 32 in every agent).
  std::unique_ptr<std::array<PeerId, kBannedMax>> banned;

  // Bytes of the window arrays that follow Core in its allocation, for W ring positions.
  static constexpr std::size_t window_bytes(std::uint32_t w) {
    return (w * sizeof(Slot) + w + 7) / 8 * 8;
  }

  // ---- window (window.cpp)
  [[nodiscard]] std::uint32_t ring_pos(std::uint32_t index) const {
    return index & (window_size - 1);
  }
  [[nodiscard]] std::uint64_t ring_bit(std::uint32_t index) const {
    return std::uint64_t{1} << ring_pos(index);
  }
  [[nodiscard]] bool in_window(std::uint32_t index) const {
    return window_valid && index >= base && index - base < window_size;
  }
  Slot& slot(std::uint32_t index) { return slots()[ring_pos(index)]; }
  // Every phase change goes through here (keeps stored_count).
  void set_phase(Slot& s, Phase p) {
    ++mutations;
    const std::uint64_t bit = std::uint64_t{1} << static_cast<std::size_t>(&s - slots());
    if (s.phase == Phase::kStored) --stored_count;
    if (p == Phase::kStored) ++stored_count;
    notyet_mask = p == Phase::kNotYet ? notyet_mask | bit : notyet_mask & ~bit;
    s.phase = p;
  }
  // kNotYet slots among indices [from, to) (to - from <= window_size): bit k set when
  // index from + k is kNotYet.
  [[nodiscard]] std::uint64_t notyet_in(std::uint32_t from, std::uint32_t to) const {
    if (to <= from) return 0;
    const std::uint32_t n = to - from;
    const std::uint32_t r = ring_pos(from);  // rotate right by r within the W-bit ring
    const std::uint64_t rotated =
        r == 0 ? notyet_mask
               : ((notyet_mask >> r) | (notyet_mask << (window_size - r))) & window_bits();
    return n >= 64 ? rotated : rotated & ((std::uint64_t{1} << n) - 1);
  }
  [[nodiscard]] const Slot& slot(std::uint32_t index) const { return slots()[ring_pos(index)]; }
  Edge* edge(std::uint16_t r);
  [[nodiscard]] const Edge* edge(std::uint16_t r) const;
  void publish(const SegmentInfo& info);
  void set_player(const PlayerView& view);
  void reset_window(std::uint16_t r, std::uint32_t new_base);
  void rebase(std::uint32_t new_base);
  void fill_slot_from_edge(std::uint32_t index);
  void enforce_cache();
  [[nodiscard]] std::uint32_t behind_slots() const;
  [[nodiscard]] TimeUs slot_duration_us(std::uint32_t index) const {
    if (in_window(index) && slot(index).duration_ms != 0) {
      return TimeUs{slot(index).duration_ms} * 1000;
    }
    return edge_duration_us();
  }
  [[nodiscard]] TimeUs edge_duration_us() const;   // the current rendition's, else 4 s
  [[nodiscard]] std::uint32_t queue_end() const {  // one past the last known index queued
    if (!window_valid || !edge_known) return base;
    const std::uint64_t last = std::min<std::uint64_t>(std::uint64_t{edge_last_index} + 1,
                                                       std::uint64_t{base} + window_size);
    return static_cast<std::uint32_t>(last);
  }
  void refresh_edge_cache();  // after any change of edges or rendition

  // ---- peers (peers.cpp)
  [[nodiscard]] std::size_t find_peer(PeerId id) const { return peers.find(id); }  // kNoPeer
  void add_peer(PeerId id, const PeerTraits& traits);
  void remove_peer(PeerId id);  // re-plans its downloads, forgets its uploads
  void drop_peer(PeerId id);    // ban + kDropPeer + remove
  [[nodiscard]] bool is_banned(PeerId id) const;
  [[nodiscard]] bool peer_has(std::size_t j, std::uint32_t index) const {
    return in_window(index) && peers.rendition(j) == rendition &&
           ((peers.have(j) >> ring_pos(index)) & 1U) != 0;
  }
  // The only writer of a peer's have bits / rendition once it is in the table.
  // Returns the ring positions whose holder status (peer_has) changed.
  std::uint64_t set_have(std::size_t j, std::uint64_t have, std::uint16_t r);
  [[nodiscard]] std::uint32_t holders(std::uint32_t index) const {  // peers with peer_has
    return in_window(index) ? holder_count()[ring_pos(index)] : 0U;
  }
  [[nodiscard]] std::uint32_t holders_scan(std::uint32_t index) const;  // reference for tests
  // quiet: set to whether the message only changed holder bits outside plan_read_mask (or
  // nothing at all), i.e. cannot make the next epoch act if the last one did not.
  Status on_message(PeerId from, std::span<const std::byte> bytes, bool& quiet);
  // A Have from peer j: sets its bit; returns quiet (as on_message).
  bool on_have(std::size_t j, const wire::Have& have);
  static constexpr std::size_t kHaveBytes = 8;  // version, type, u16 rendition, u32 index
  void on_request(std::size_t j, const wire::Request& req);
  void peer_failure(std::size_t j);
  // Upload-slot advertisement: Choke to every neighbour when the upload slots fill up, Unchoke
  // when one frees (idempotent; called after every change of the uploads).
  void advertise_slots();
  void start_queued_uploads();  // queued uploads into free slots, oldest first
  [[nodiscard]] bool uploads_full() const { return count(Kind::kUpload) >= upload_slots_; }

  // ---- transfers (transfers.cpp)
  Transfer* find_transfer(std::uint32_t id);
  std::uint32_t new_transfer_id();
  [[nodiscard]] std::size_t count(Kind kind) const {
    return active[static_cast<std::size_t>(kind)];
  }
  [[nodiscard]] std::size_t count_scan(Kind kind) const;  // reference for check_invariants
  void add_transfer(const Transfer& t);
  void mark_verifying(Transfer& t);
  bool start_http(std::uint32_t index, bool preempt);
  bool start_p2p(std::uint32_t index, std::size_t j);
  bool switch_to_http(std::uint32_t index);
  void cancel_transfer(std::size_t ti, bool tell_peer);  // removes it
  void transfer_done(std::uint32_t id, Outcome outcome);
  void integrity(SegmentKey key, bool passed);
  void expire_transfers();
  void on_stored(std::uint32_t index);
  void erase_transfer(std::size_t ti);
  [[nodiscard]] TimeUs http_estimate_us(std::uint32_t size_bytes) const;
  [[nodiscard]] TimeUs p2p_estimate_us(const Peer& p, std::uint32_t size_bytes) const;
  [[nodiscard]] TimeUs deadline_of(std::uint32_t index) const;
  [[nodiscard]] TimeUs fallback_at(const Transfer& t) const;

  // ---- epoch (agent.cpp)
  void epoch();
  void deliver_if_ready();
  // Cached (see timeout_cached_us); next_timeout_scratch() always recomputes.
  [[nodiscard]] TimeUs next_timeout() const {
    return timeout_cache_fresh() ? timeout_cached_us : refresh_timeout();
  }
  [[nodiscard]] bool timeout_cache_fresh() const {
    if (now >= timeout_cached_us) return false;  // passed, or kNoQuiet (stale)
    return !(deadline_fallback_ && have_player) || now <= player.next_deadline_us;
  }
  [[nodiscard]] TimeUs refresh_timeout() const {
    timeout_cached_us = next_timeout_scratch();
    return timeout_cached_us;
  }
  [[nodiscard]] TimeUs next_timeout_scratch() const;
  void invalidate_timeout() { timeout_cached_us = kNoQuiet; }
  // Runs the epoch unless it is provably idle (see quiet_until_us); `quiet_input`: the input
  // since the last epoch was quiet (on_message's verdict; true for a timeout).
  void epoch_unless_idle(bool quiet_input);
  // Earliest time after now at which an epoch on the current state may differ from one now.
  [[nodiscard]] TimeUs quiet_horizon() const;
  // Plan bookkeeping for idle-epoch skipping: the plan read holder info of `index`; a
  // comparison it made with the time may flip at `when`.
  void mark_read(std::uint32_t index) { plan_read_mask |= ring_bit(index); }
  void horizon(TimeUs when) {
    if (when > now && when < quiet_until_us) quiet_until_us = when;
  }

  // ---- outbox (outbox.cpp)
  // Inline, so that the caller's Pending need not go through memory: built on the stack and
  // copied by an out-of-line call, it cost a store-forwarding stall per action.
  void push(const Pending& p) {
    ++mutations;  // even if dropped (push_slow): the caller changed state with it
    if (pending_head() == pending.size()) {
      pending.clear();
      pending_head() = 0;
    }
    if (pending.size() != pending.capacity() &&
        pending.size() - pending_head() < kPendingActionsMax) {
      // Field by field: the caller's temporary then lives in registers (one wide copy of it
      // made the compiler build it on the stack and wait for those stores to drain).
      Pending& q = pending.emplace_back();
      q.kind = p.kind;
      q.msg = p.msg;
      q.reason = p.reason;
      q.peer = p.peer;
      q.transfer = p.transfer;
      q.segment = p.segment;
      q.request_id = p.request_id;
      return;
    }
    // A fresh temporary for the out-of-line call: `p`'s own address must not escape, or the
    // compiler keeps it in memory on the fast path too.
    push_slow(Pending{p.kind, p.msg, p.reason, p.peer, p.transfer, p.segment, p.request_id});
  }
  void push_slow(const Pending& p);  // a full block, or over the cap
  void send(PeerId to, Msg msg, SegmentKey seg = {}, std::uint32_t request_id = 0,
            std::uint8_t reason = 0) {
    push(Pending{ActionKind::kSendMessage, msg, reason, to, TransferId{}, seg, request_id});
  }
  void announce_have(std::uint32_t index);
  std::optional<Action> poll();
  [[nodiscard]] bool outbox_empty() const { return pending_head() == pending.size(); }
  [[nodiscard]] bool p2p_on() const { return p2p_on_; }
  [[nodiscard]] bool upload_on() const { return upload_on_; }
  [[nodiscard]] bool deadline_fallback() const { return deadline_fallback_; }
  [[nodiscard]] std::size_t heap_bytes() const;
};

inline std::uint8_t http_attempts(const Slot& s) { return s.attempts & 0x0F; }
inline std::uint8_t p2p_attempts(const Slot& s) {
  return static_cast<std::uint8_t>(s.attempts >> 4);
}
inline void bump_http(Slot& s) {
  if ((s.attempts & 0x0F) != 0x0F) s.attempts = static_cast<std::uint8_t>(s.attempts + 1);
}
inline void bump_p2p(Slot& s) {
  if ((s.attempts >> 4) != 0x0F) s.attempts = static_cast<std::uint8_t>(s.attempts + 0x10);
}

}  // namespace p2pcdn::sched::agent_detail

namespace p2pcdn::sched {
// Core followed by its window arrays in one allocation: always made by State::make.
struct Agent::State final : agent_detail::Core {
  using Core::Core;
  static std::unique_ptr<State> make(std::shared_ptr<const AgentConfig> cfg, const PeerTraits& self,
                                     std::uint64_t seed, TimeUs now, std::string_view policy_name) {
    const std::uint32_t w = cfg->window_segments;
    return std::unique_ptr<State>(new (Extra{window_bytes(w)})
                                      State(std::move(cfg), self, seed, now, policy_name));
  }
  struct Extra {
    std::size_t bytes;
  };
  static void* operator new(std::size_t size, Extra extra) {
    return ::operator new(size + extra.bytes);
  }
  static void operator delete(void* p, Extra /*extra*/) noexcept { ::operator delete(p); }
  static void operator delete(void* p) noexcept { ::operator delete(p); }
};
static_assert(sizeof(Agent::State) == sizeof(agent_detail::Core), "window arrays follow Core");
}  // namespace p2pcdn::sched
