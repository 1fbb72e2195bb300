// One viewer's segment scheduler (sans-IO). It never reads a clock, touches a socket, starts a
// thread or draws entropy: the host passes `now` into every call, drains poll_action() after
// each call, and wakes it at next_timeout(). It never touches payload bytes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "p2pcdn/scheduler/config.hpp"
#include "p2pcdn/scheduler/ids.hpp"
#include "p2pcdn/scheduler/status.hpp"

namespace p2pcdn::sched {

// ---------------------------------------------------------------------------------------------
// Host contract (the simulator's host adapter and a real client follow exactly this):
//
//  * Time: `now` is the host's monotonic clock in microseconds and must never decrease.
//  * After EVERY handle_*() call: `while (auto a = agent.poll_action()) perform(*a);` then re-arm
//    the wake-up timer at next_timeout() (absolute; kNever = none). When it fires call
//    handle_timeout(now); early or repeated calls are harmless.
//  * Manifest: handle_segment_published() for every segment of every rendition as it appears
//    (live edge). The agent keeps a bounded window around the current rendition's playhead and
//    only the latest edge of the others.
//  * Player: handle_player() whenever the player's state changes meaningfully: at start, after
//    each kDeliverSegment was appended, on a rendition switch, on a seek. `next_needed` is the
//    segment the player must append next and `next_deadline_us` the absolute time its buffer
//    runs dry (<= now when already stalled). The agent delivers next_needed as soon as it holds
//    it (exactly once per need) and prefetches ahead within its windows.
//  * HTTP: on kHttpFetch{transfer, segment} the host fetches from the CDN and later calls
//    handle_transfer_done(now, transfer, kCompleted | kFailed | kCancelled). CDN data is
//    trusted: no handle_integrity call is needed (one is accepted and ignored if passed).
//  * Peer download: the agent picks TransferId t and emits kSendMessage{peer, bytes = encoded
//    wire::Request{request_id = uint32(t), rendition, index}}. The uploading agent, on that
//    Request (handle_peer_message), emits either kSendMessage(wire::Reject{request_id}) or
//    kStartUpload{peer = requester, transfer = its own TransferId u, segment, request_id = t}.
//    The host runs the flow, and on completion calls
//      uploader.handle_transfer_done(now, u, kCompleted),
//      requester.handle_transfer_done(now, TransferId{t}, kCompleted), then, at the same
//      instant, requester.handle_integrity(now, segment, passed).
//    A completed peer download is delivered/announced only after handle_integrity(passed=true).
//    passed=false: the agent emits kDropPeer for the uploader (banned) and refetches elsewhere.
//    If the flow fails, the host calls done(kFailed) on both sides (no integrity call).
//    If the UPLOADER emits kCancelTransfer{u} (its upload slot timed out, or the requester's
//    wire Cancel arrived), the host aborts the flow and calls
//    requester.handle_transfer_done(now, TransferId{t}, kFailed) unless the requester itself
//    cancelled t. A P2P download with no integrity verdict within 1 s is refetched.
//    handle_transfer_progress(now, transfer, bytes_done) is optional: it feeds the no-bytes
//    timeout; without it a download is abandoned at start + size/min-rate (config).
//  * kCancelTransfer{transfer}: the host aborts that transfer and does NOT call
//    handle_transfer_done for it on this agent; for a peer download the host also calls
//    uploader.handle_transfer_done(now, u, kCancelled). The agent also sends a wire Cancel to
//    the uploader, which the uploader treats the same way if it arrives first (it then emits
//    kCancelTransfer{u} itself; the host may ignore an abort of a finished transfer).
//  * Peers: handle_peer_connected() when a data channel opens (the agent sends Hello and its
//    SegmentMap, then Have for each new segment it stores); handle_peer_disconnected() when it
//    closes (the agent re-plans that peer's outstanding requests and forgets its uploads; the
//    host need not call done for transfers with that peer). Messages from a peer go to
//    handle_peer_message(); an error Status means malformed input or a protocol violation: the
//    host may drop the peer (the agent already ignored the message).
//  * kDropPeer{peer}: disconnect and forget that peer (do not call handle_peer_disconnected).
//  * kRequestPeers: ask the tracker for more neighbours (emitted when connected peers <
//    peers_min, at most every request_peers_interval_us).
//  * kEvictSegment{segment}: the agent no longer serves or needs `segment`; the host may free
//    its bytes (it may also keep them; the agent will not ask for them again).
//  * Action::bytes borrows the agent's outbox: valid until the next non-const call.
// ---------------------------------------------------------------------------------------------

struct SegmentInfo {
  SegmentKey key{};
  std::uint32_t size_bytes = 0;
  TimeUs duration_us = 0;
  TimeUs available_at_us = 0;  // when the CDN can serve it (<= now when published now)
};

struct PlayerView {
  TimeUs playhead_us = 0;            // media time being played
  TimeUs buffer_end_us = 0;          // media time buffered up to
  SegmentKey next_needed{};          // the segment the player must append next
  TimeUs next_deadline_us = kNever;  // absolute host time at which the buffer runs dry
  std::uint16_t rendition = 0;       // rendition ABR chose (== next_needed.rendition)
};

struct PeerTraits {
  std::uint16_t region = 0;
  std::uint16_t isp = 0;
  std::uint32_t uplink_kbps_hint = 0;  // 0 = unknown
};

enum class Outcome : std::uint8_t { kCompleted, kFailed, kCancelled };

enum class ActionKind : std::uint8_t {
  kHttpFetch,       // fetch `segment` from the CDN as `transfer`
  kCancelTransfer,  // abort `transfer` (HTTP, peer download or upload)
  kSendMessage,     // send `bytes` to `peer` (request, cancel, hello/map/have, reject, choke)
  kStartUpload,     // serve `segment` to `peer` as `transfer`, answering `request_id`
  kDeliverSegment,  // hand `segment` (already stored by the host) to the player
  kDropPeer,        // disconnect and forget `peer` (misbehaving or useless)
  kRequestPeers,    // ask the tracker for more neighbours
  kEvictSegment,    // the host may free `segment`'s bytes
};

struct Action {  // trivially copyable, no ownership
  ActionKind kind = ActionKind::kHttpFetch;
  PeerId peer{};
  TransferId transfer{};
  SegmentKey segment{};
  std::uint32_t request_id = 0;      // kStartUpload: the requester's TransferId
  std::span<const std::byte> bytes;  // kSendMessage: valid until the next non-const call
};

// Counters for hosts, tests and metrics; they never affect decisions.
struct AgentStats {
  std::uint64_t http_bytes = 0;    // downloaded from the CDN (completed fetches)
  std::uint64_t p2p_bytes = 0;     // downloaded from peers (integrity passed)
  std::uint64_t upload_bytes = 0;  // served to peers (completed uploads)
  std::uint32_t http_segments = 0;
  std::uint32_t p2p_segments = 0;
  std::uint32_t http_failures = 0;
  std::uint32_t requests_sent = 0;          // peer requests we sent
  std::uint32_t requests_rejected = 0;      // ... that the peer rejected
  std::uint32_t requests_timed_out = 0;     // ... that we abandoned on timeout
  std::uint32_t requests_failed = 0;        // ... that failed (transfer failed / peer left)
  std::uint32_t p2p_to_http_fallbacks = 0;  // peer download replaced by HTTP for the deadline
  std::uint32_t uploads_served = 0;         // completed uploads
  std::uint32_t uploads_rejected = 0;       // requests we rejected (busy, absent, rate)
  std::uint32_t integrity_failures = 0;
  std::uint32_t peers_banned = 0;        // kDropPeer emitted
  std::uint32_t malformed_messages = 0;  // decode errors and protocol violations
  std::uint32_t segments_delivered = 0;
  std::uint32_t decision_epochs = 0;      // decision epochs run (policy invocations)
  std::uint32_t peer_requests_asked = 0;  // kRequestPeers emitted
  // Inputs after which the epoch was skipped because it provably could not act (see
  // AgentConfig::skip_idle_epochs); decision_epochs + epochs_skipped = epoch-running inputs.
  std::uint32_t epochs_skipped = 0;
  // requests_rejected by the uploader's reason: busy (slots and queue full, or choked), not
  // found (it no longer holds the segment), rate limited (its per-peer token bucket).
  std::uint32_t rejected_busy = 0;
  std::uint32_t rejected_not_found = 0;
  std::uint32_t rejected_rate_limited = 0;
  // HTTP fetches the policy started, by its reason (issue 17): seeding a segment no
  // neighbour holds yet, the deadline leaving no slack for peers, no neighbour able to serve
  // it, or a vendor policy's own rule. Peer downloads the core moved to HTTP are
  // p2p_to_http_fallbacks.
  std::uint32_t http_seed = 0;
  std::uint32_t http_deadline = 0;
  std::uint32_t http_no_holder = 0;
  std::uint32_t http_rule = 0;
};

class Agent {
 public:
  // Fails with kInvalidArgument if a knob is out of range or the policy name is unknown.
  [[nodiscard]] static Result<Agent> create(const AgentConfig& config, std::uint64_t seed,
                                            TimeUs now);
  // The same, sharing one immutable config among many agents: a host running thousands of
  // viewers saves sizeof(AgentConfig) per agent (the shared config is then not counted by
  // heap_bytes()). `self` replaces config->self_region / self_isp / self_uplink_kbps (what
  // Hello announces), the knobs that usually differ per viewer. `config->policy` is only read
  // here. Same decisions as create() with those three knobs set from `self`.
  [[nodiscard]] static Result<Agent> create_shared(std::shared_ptr<const AgentConfig> config,
                                                   const PeerTraits& self, std::uint64_t seed,
                                                   TimeUs now);

  // Inputs. Each may queue actions and move next_timeout().
  void handle_segment_published(TimeUs now, const SegmentInfo& segment);
  void handle_player(TimeUs now, const PlayerView& player);
  void handle_peer_connected(TimeUs now, PeerId peer, const PeerTraits& traits);
  void handle_peer_disconnected(TimeUs now, PeerId peer);
  [[nodiscard]] Status handle_peer_message(TimeUs now, PeerId peer,
                                           std::span<const std::byte> bytes);
  void handle_transfer_progress(TimeUs now, TransferId transfer, std::uint64_t bytes_done);
  void handle_transfer_done(TimeUs now, TransferId transfer, Outcome outcome);
  void handle_integrity(TimeUs now, SegmentKey segment, bool passed);
  void handle_timeout(TimeUs now);

  // Outputs.
  [[nodiscard]] std::optional<Action> poll_action();  // call until empty after every input
  [[nodiscard]] TimeUs next_timeout() const;          // absolute; kNever when nothing pending

  // Performance hint, no effect on behaviour: starts loading the agent's hot state into the
  // CPU cache. A host driving many agents can call it on the agent it will call next (e.g.
  // the next queued event's) so that load overlaps the current agent's work.
  void prefetch() const;
  // The second stage of that hint: starts loading the neighbour table (peer ids and `have`
  // masks, which every peer message looks up). Its address is in the agent's hot state, so
  // call it once prefetch() has had time to bring that in (e.g. on the agent after next).
  void prefetch_peers() const;

  [[nodiscard]] const AgentStats& stats() const;
  // Heap bytes owned by this agent (state, peer table, policy, queues): with sizeof(Agent)
  // the whole memory cost of one viewer.
  [[nodiscard]] std::size_t heap_bytes() const;
  // The part of heap_bytes() that is the neighbour list: every byte whose amount is
  // proportional to the number of peers (the peer table: ids, renditions, `have` masks and
  // per-peer records, at its capacity). 0 with no peer ever connected; <= heap_bytes(). A host
  // reports it apart from the rest (issue 7's budget is 2 KB per viewer plus this).
  [[nodiscard]] std::size_t peer_table_bytes() const;
  [[nodiscard]] std::size_t peer_count() const;
  // What this loader tells the player: whether the player's ABR should take segments that
  // peers delivered as throughput samples (false: HTTP downloads only; a peer transfer's time
  // measures the sender's uplink and the swarm's pacing, not this viewer's link). Fixed by the
  // policy at creation.
  [[nodiscard]] bool abr_learns_from_peers() const;
  // Verifies the internal invariants (every table within its cap, no segment downloaded twice
  // at once, per-peer counters consistent). For tests, fuzzers and debug hosts; O(state).
  [[nodiscard]] Status check_invariants() const;

  Agent(Agent&&) noexcept;
  Agent& operator=(Agent&&) noexcept;
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;
  ~Agent();

  struct State;  // src/agent/agent_state.hpp

 private:
  explicit Agent(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace p2pcdn::sched
