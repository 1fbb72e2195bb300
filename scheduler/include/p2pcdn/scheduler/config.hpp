// AgentConfig: every knob of the segment scheduler, with its default and the reason for it.
// Plain data, validated by Agent::create; this file must never hold logic or hidden state.
// Defaults reproduce p2p-media-loader-core 2.x (field-anchors §1.2) unless noted.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "p2pcdn/scheduler/ids.hpp"

namespace p2pcdn::sched {

// Hard compile-time caps: every table in the agent is bounded by one of these, whatever
// peers send and whatever the config says (the config values below must not exceed them).
inline constexpr std::size_t kPeersMax = 64;           // tracked neighbours (connected)
inline constexpr std::size_t kWindowSegmentsMax = 64;  // segments tracked around the playhead
inline constexpr std::size_t kRenditionsMax = 16;      // renditions whose live edge we remember
inline constexpr std::size_t kHttpDownloadsMax = 8;    // simultaneous HTTP fetches
inline constexpr std::size_t kP2pDownloadsMax = 16;    // simultaneous peer downloads
inline constexpr std::size_t kUploadsMax = 16;         // simultaneous uploads served
inline constexpr std::size_t kUploadQueueMax = 16;     // requests waiting for an upload slot
inline constexpr std::size_t kTransfersMax =
    kHttpDownloadsMax + kP2pDownloadsMax + kUploadsMax + kUploadQueueMax;
inline constexpr std::size_t kPendingActionsMax = 4 * kPeersMax + 64;  // queued, undrained actions

struct AgentConfig {
  // Decision policy, looked up by name in the registry (policies.hpp: policy_names()):
  // "cdn-only", "windowed", "buffer-threshold", "deadline-aware", "reference" in this build.
  // Only read during create().
  std::string_view policy = "windowed";

  // --- concurrency (p2p-media-loader simultaneousHttpDownloads / simultaneousP2PDownloads)
  std::uint8_t simultaneous_http_downloads = 2;  // PML 2.x default; 2 keeps CDN bursts small
  std::uint8_t simultaneous_p2p_downloads = 3;   // PML 2.x default; at most one per peer

  // --- windows, measured in media time ahead of the playhead
  // PML highDemandTimeWindow: what plays within 15 s is "high demand" and goes HTTP-first.
  TimeUs high_demand_window_us = 15'000'000;
  // PML httpDownloadTimeWindow (3000 s): how far ahead the random HTTP seeder may fetch.
  TimeUs http_download_window_us = 3'000'000'000;
  // PML p2pDownloadTimeWindow (6000 s): how far ahead segments are P2P-prefetched.
  TimeUs p2p_download_window_us = 6'000'000'000;

  // --- live seeding (PML loadRandomThroughHttp): a timer fires every U[1, 1+N) periods
  // (N = connected peers) and loads each unseen candidate with probability ~1/(N+1), so
  // about one member of a neighbourhood seeds each new segment from the CDN.
  bool random_http_enabled = true;           // PML: on for live streams
  TimeUs random_http_period_us = 1'000'000;  // PML PEER_UPDATE_LATENCY = 1000 ms
  TimeUs http_initial_delay_us = 0;          // PML httpDownloadInitialTimeoutMs = 0 (off)
  // PML 0.6 rule instead of the 2.x one when > 0 (0.6 default 0.1): every
  // random_http_period_us (fixed, 0.6 httpDownloadProbabilityInterval = 1000 ms) load one
  // uniformly chosen unseen candidate with probability min(1, p x candidates).
  double http_download_probability = 0;
  bool http_download_probability_skip_if_no_peers = false;  // 0.6 default; 2.x always skips

  // --- timeouts and retries
  // PML p2pNotReceivingBytesTimeoutMs = 2000: abort a peer download with no bytes for 2 s.
  // Hosts that never report progress get the floor below instead.
  TimeUs p2p_no_bytes_timeout_us = 2'000'000;
  // A peer download is also abandoned if slower than this floor (size*8/rate after start):
  // flow-level hosts that report no progress still get a bounded P2P attempt.
  std::uint32_t p2p_min_rate_kbps = 1'000;
  TimeUs http_no_bytes_timeout_us = 3'000'000;  // PML httpNotReceivingBytesTimeoutMs = 3000
  std::uint32_t http_min_rate_kbps = 250;       // same floor for HTTP (CDN rarely slower)
  std::uint8_t http_error_retries = 3;          // PML httpErrorRetries: prefetch attempts/segment
  // After an HTTP failure no new HTTP request starts for a delay that doubles with each
  // consecutive failure, up to the maximum (hls.js fragLoadPolicy.errorRetry: retryDelayMs
  // 1000, maxRetryDelayMs 8000): an unreachable CDN must not be hammered by every viewer.
  TimeUs http_retry_delay_us = 1'000'000;
  TimeUs http_retry_delay_max_us = 8'000'000;
  std::uint8_t p2p_error_retries = 3;  // PML p2pErrorRetries: strikes before dropping a peer
  // Slack kept when falling back from P2P to HTTP: switch when the HTTP estimate plus the
  // margin no longer fits before the deadline (the "P2P segment timeout" of issue 3). The
  // margin is a sixth of the segment's slack (availability to deadline), between 1 and 3 times
  // this: a long live delay rescues earlier (default.yaml at 10 k, deadline-aware: stalled
  // viewers 1.1 -> 0.55 % for 0.2 pt of offload), a short one keeps its peers.
  TimeUs fallback_margin_us = 1'000'000;
  // HTTP throughput assumed before the first measurement (estimates fallback time).
  std::uint32_t http_rate_guess_kbps = 8'000;
  TimeUs http_rtt_guess_us = 100'000;

  // --- cache (PML live: evict segments ending > highDemandTimeWindow behind the playhead;
  // PML 0.6 cachedSegmentsCount = 30). The host stores bytes; kEvictSegment tells it when.
  std::uint16_t cache_segments_max = 30;
  TimeUs cache_behind_us = 15'000'000;
  // Segments tracked around the playhead (the window ring): 8, 16, 32 or 64 (a power of two
  // <= kWindowSegmentsMax). The agent looks window - min(cache_behind_us / duration + 1,
  // window / 2) segments ahead of the player's next need, and each position costs 17 B of
  // agent state. 64 is the historical fixed size; a live viewer rarely has more than ~12
  // segments between its playhead and the live edge, so 16 (4 behind, 12 ahead with 4 s
  // segments) makes the same decisions 816 B cheaper. VOD-like deep prefetch needs 64.
  std::uint16_t window_segments = 64;

  // --- upload side (PML has no cap; Streamroot maxUploadSlots = 10). 1: a holder serves one
  // copy at a time at its whole uplink, so a fresh segment doubles its holders once per copy
  // time, the fastest whole-segment store-and-forward can spread (issue 17: 4 slots
  // quartered each copy's rate and a segment could not cross the mesh within a 12 s live
  // delay; 1 slot instead of 2 raised ci.yaml's offload from 26 % to 38 %); more requests
  // wait in the queue.
  bool p2p_disabled = false;      // PML isP2PDisabled: pure CDN
  bool upload_disabled = false;   // PML isP2PUploadDisabled: leech only, no announcements
  std::uint8_t upload_slots = 1;  // simultaneous uploads served (a policy may cap it lower)
  // A Have or an Unchoke reaches every neighbour at the same instant; each neighbour that
  // wants the segment waits a draw in [0, this) before asking that holder, so the first
  // request's Choke reaches most others before they ask (one-way delays are tens of ms).
  // Issue 17: without it 20-48 % of requests were rejected as busy; with 150 ms 0.5-5 %.
  TimeUs announce_spread_us = 150'000;
  // Requests that arrive while every upload slot is busy wait in a FIFO of this many (served
  // as slots free) instead of being rejected: neighbours that hear the same Have or Unchoke at
  // the same instant race for the slots, and a reject sends the loser to the back of the
  // line (issue 17: 67-89 % of requests were rejected as busy). BitTorrent uploaders queue
  // requests the same way. 0 = reject at once.
  std::uint8_t upload_queue_max = 8;
  std::uint8_t uploads_per_peer_max = 1;  // one upload per requester at a time (PML: one
                                          // download per peer at a time on the other side)
  // Token bucket on incoming requests per peer: beyond it the peer is rejected kRateLimited.
  std::uint16_t peer_requests_per_s = 4;  // a 4 s segment stream needs < 1/s per neighbour
  std::uint16_t peer_request_burst = 8;

  // Upload slot freed if the host never reports the upload's end (Streamroot
  // uploadSlotTimeout is 8 s; 20 s lets a 4 s segment finish on a slow uplink).
  TimeUs upload_slot_timeout_us = 20'000'000;

  // --- neighbours
  // What we tell neighbours in Hello (hints for their scoring); 0 = unknown.
  std::uint16_t self_region = 0;
  std::uint16_t self_isp = 0;
  std::uint32_t self_uplink_kbps = 0;
  std::uint8_t peers_max = 32;                   // tracked neighbours (<= kPeersMax)
  std::uint8_t peers_min = 4;                    // below this, emit kRequestPeers
  TimeUs request_peers_interval_us = 5'000'000;  // rate limit for kRequestPeers
  // Peer scoring: throughput EWMA weight of the newest sample (0..1) and score penalty per
  // failure; PML 2.3 weights by 15 s throughput, Streamroot +1/-1 per success/failure.
  double score_ewma_alpha = 0.3;
  double failure_penalty = 0.5;

  // --- buffer-threshold (Streamroot/BemTV settings.js)
  TimeUs low_buffer_us = 5'000'000;    // lowBufferLength: below it, CDN
  std::uint8_t max_contributors = 10;  // maxContributors: peers asked per segment
  // Player-driven means asked when the player asks: hls.js loads the next fragment once its
  // buffer is below maxBufferLength (30 s). Asking at publication instead (the player's
  // buffer already reaching the live edge) meant every neighbour asked at the same instant,
  // none held it yet, and the rule sent all of them to the CDN (issue 17: 0-3 % offload).
  TimeUs player_max_buffer_us = 30'000'000;

  // --- deadline-aware (ours)
  // Seeds: agent fetches a fresh segment early by HTTP if hash(seed, segment) falls in the
  // lowest share f of the range, or at its later turn (seed_wait_us apart) if no neighbour
  // has it by then. f = seed_fraction_scale x max(2^-(S / 1.5c), 0.0625/(N+1)): S the slack
  // after publication, c the copy time at the neighbours' mean uplink. Holders double about
  // once per 1.5c, so a short live delay needs many seeds and a long one very few (issue 17:
  // 1/(N+1) gave 0.6 % offload at 8 s of live delay, 63 % with this rule; 93 % at 32 s).
  double seed_fraction_scale = 1.0;
  TimeUs seed_wait_us = 1'000'000;  // between successive seeding ranks after publication
  // First peer requests for a segment are spread over this long after its publication, so
  // that neighbours hearing one Have at the same instant do not all ask that one holder.
  TimeUs request_jitter_us = 1'000'000;
  // What plays within this (or within 3x this viewer's HTTP time for the segment, if longer)
  // goes HTTP whatever the slack says: the slack rests on throughput estimates, and close to
  // the deadline their error becomes a stall. 6 s halved the P2P window of a 12 s live delay.
  TimeUs urgent_window_us = 2'000'000;

  // --- reference (issue 7's scenario): each new segment is wanted after U[0, wait_max)
  TimeUs reference_wait_max_us = 1'000'000;

  // --- performance (never changes a decision)
  // Skip the decision epoch after an input that provably cannot change any decision: the
  // previous epoch acted on nothing, no time trigger has passed since, and the input only
  // changed holder bits the policy did not read (typically a neighbour's Have for a segment
  // we already hold or fetch). Off: an epoch after every input (tests compare both).
  bool skip_idle_epochs = true;
};

}  // namespace p2pcdn::sched
