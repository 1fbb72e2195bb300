// Parameters of the simulated video player (start-up, buffer, live sync, stalls)
// and of its ABR rule (parameters.md §5.4-5.5). Plain data only: no behaviour,
// no validation (the scenario loader validates ranges).
#pragma once
#include <cstdint>

namespace p2pcdn::models {

enum class AbrPeerSamples : std::uint8_t { kPolicy, kAll, kHttpOnly };

// What happens between the play attempt (the viewer's join) and the first segment request, and
// between the first segment's arrival and the first frame: the video start time (Conviva VST,
// attempt -> first frame, parameters.md §6) beyond the first segment's own download. Sources
// in scenarios/README.md (player.startup). Not modelled: page and player script loading, DRM
// licences, pre-roll ads, TCP slow start of the first segment, retries.
struct StartupParams {
  // Creating the player and its MediaSource (hls.js attachMedia -> sourceopen) (U).
  double player_init_s = 0.1;
  // Resolving the CDN's host name at the viewer's resolver: 15-40 ms typical, < 100 ms
  // acceptable (S: resolver measurements; a cache miss adds the authoritative round trips).
  double dns_s = 0.03;
  // Round trips to the PoP before the first request: TCP (RFC 9293) 1 + TLS 1.3 (RFC 8446) 1;
  // TLS 1.2 makes it 3, QUIC (RFC 9000/9001) 1, a resumed session 0 (V).
  int connection_rtts = 2;
  // Playlists fetched one after the other before the first segment: the multivariant (master)
  // playlist, then the chosen rendition's media playlist (RFC 8216 §6.3); 3 with an fMP4
  // init segment (EXT-X-MAP) (V). Each costs a round trip, the server's time and its bytes.
  int playlist_fetches = 2;
  // Bytes of each playlist: ~70 B a segment line, a 20-segment live window plus headers (D).
  double playlist_bytes = 1500.0;
  // First segment appended -> first frame: MSE append, decoder start, first render (S: a
  // tuned hls.js page reaches its first frame 65 ms after play with every byte inlined).
  double first_frame_s = 0.05;
};

struct PlayerParams {
  // Buffered media needed before the first frame. hls.js/dash.js start as soon as the first
  // fragment is appended (§5.4 [HLSJS], no threshold key): 2 s means "one segment" for any
  // segment of 2 s or more (D).
  double startup_buffer_s = 2.0;
  // Stop requesting segments when this much media is buffered ahead of the playhead:
  // hls.js maxBufferLength 30 s, §5.4 [HLSJS] (V).
  double buffer_target_s = 30.0;
  // Join this many segments behind the live edge: hls.js liveSyncDurationCount 3,
  // §5.3/§5.4 [HLSJS] (V).
  int live_sync_segments = 3;
  // If > 0, overrides live_sync_segments with a delay in seconds behind the live edge
  // (dash.js liveDelay, NaN = unset by default, §5.4 [DASHJS] (V)).
  double live_delay_s = 0.0;
  // After a stall, resume once this much media is buffered. dash.js stallThreshold is 0.3 s
  // (§5.4 [DASHJS] V); whole segments arrive at once, so any value <= one segment means
  // "resume on the next segment" (D).
  double rebuffer_resume_s = 2.0;
  // Live catch-up by skipping: when the playhead falls more than live_max_latency_s behind
  // the live edge, jump forward to the live sync position (hls.js liveMaxLatencyDurationCount,
  // default Infinity = never: §5.4 [HLSJS] V). Off by default.
  bool live_skip_ahead_enabled = false;
  double live_max_latency_s = 60.0;
  // What a viewer running p2p-media-loader tells its ABR a segment's download took. false:
  // the transfer's own time (request to last byte), as a plain player measures. true: the
  // core's aggregate bandwidth estimate (HybridLoader.getBandwidth: all downloads, HTTP and
  // P2P in parallel, over loading time), which the hls.js integration reports for every
  // segment it loads (models/player/loading_meter.hpp). Off by default until it is validated:
  // it lowers bitrate switches with P2P (smoke: 3.5 -> 2.0 per viewer). With an undersized CDN
  // seed 42 doubled rebuffering (0.056 -> 0.12), but over 8 seeds the means do not differ
  // (0.19 vs 0.21, 95 % CIs [0.11, 0.27] and [0.15, 0.27]): that regime is chaotic (U).
  bool report_core_bandwidth = false;
  // Whether the ABR learns from segments that peers delivered. kPolicy: as the viewer's
  // scheduler says (Agent::abr_learns_from_peers: deadline-aware no, the vendor policies yes).
  // kAll: every transfer's own time, as a plain player under a loader that reports each one: a
  // peer transfer, paced by the sender's uplink and started long before the segment is due,
  // enters the estimate as if it were the viewer's link. kHttpOnly: only HTTP downloads, the
  // rate the CDN fallback would get. ci.yaml, deadline-aware, 5 paired seeds, all -> HTTP only:
  // switches per viewer 3.18 -> 1.07 (CDN-only 1.04), stalled 0.41 -> 0.26 % (U: no vendor
  // documents what its loader reports).
  AbrPeerSamples abr_peer_samples = AbrPeerSamples::kPolicy;
  StartupParams startup;
};

// Which ABR rule a player runs (per scenario).
enum class AbrRule : std::uint8_t { kThroughput, kBufferBased, kBola };

struct AbrParams {
  // hls.js-like throughput rule is the default player in §8 (`player: {type: hlsjs}`).
  AbrRule rule = AbrRule::kThroughput;
  // hls.js two EWMAs of per-segment throughput, estimate = min(fast, slow); live half-lives
  // 3 s / 9 s, §5.5 [HLSJS][HLSEW] (V).
  double ewma_fast_half_life_s = 3.0;
  double ewma_slow_half_life_s = 9.0;
  // Estimate before any sample: hls.js abrEwmaDefaultEstimate 500 kbps, §5.5 [HLSJS] (V).
  double default_estimate_kbps = 500.0;
  // Shorter downloads count as this long (hls.js minDelayMs): min sample 50 ms, §5.5 [HLSJS] (V).
  double min_sample_duration_s = 0.05;
  // Safety factors: keep or down-switch to a level <= estimate x 0.95, up-switch only to a
  // level <= estimate x 0.7 (hls.js abrBandWidthFactor / abrBandWidthUpFactor, §5.5 [HLSJS] V).
  double bandwidth_safety_factor = 0.95;
  double bandwidth_up_safety_factor = 0.7;
  // BBA-0: lowest rate below the reservoir, highest above reservoir + cushion, linear in
  // between; research re-implementation r = 5 s, c = 10 s, §5.5 [PEN][BBA14] (V).
  double bba_reservoir_s = 5.0;
  double bba_cushion_s = 10.0;
  // BOLA-BASIC: gamma and V derived from these (dash.js MINIMUM_BUFFER 10 s, BUFFER_TARGET 30 s,
  // §5.5 [BOLA][BOLAJS] (V)): gp = (u_max - 1) / (target/min - 1), V = min / gp, with the
  // utilities u_m = ln(S_m / S_0) + 1.
  double bola_min_buffer_s = 10.0;
  double bola_buffer_target_s = 30.0;
};

}  // namespace p2pcdn::models
