// A per-viewer live video player driven by the host with integer µs time: start-up, live
// sync position, buffer, stalls and recovery, ABR choice of the next segment, and exact
// time accounting (startup_us + play_us + stall_us == time since the play attempt, to the µs).
// Lazy: advance_to(now) computes the state at `now` from the last update; there are no
// per-frame ticks. Compact (one per viewer, millions of them): never add containers here.
//
// Live sync. On join the playhead is placed live_sync_segments x D (or live_delay_s) behind
// the live edge, i.e. the media end of the newest segment available at the CDN. A stalled
// player falls further behind the edge. With live_skip_ahead_enabled, as soon as the edge is
// more than live_max_latency_s ahead of the playhead (checked at the exact µs it happens; the
// host learns it from next_event_time()), the player jumps to the live sync position: it keeps
// the buffered media beyond the new position, or drops the buffer and rebuffers from the new
// segment (counted as a stall if it was playing). Off by default (hls.js: never skip).
#pragma once
#include <cstddef>
#include <cstdint>

#include "models/abr/abr.hpp"
#include "models/base/time.hpp"
#include "models/player/player_params.hpp"
#include "models/stream/stream.hpp"

namespace p2pcdn::models {

// Per-channel constants shared by all its players (µs, validated).
class PlayerConfig {
 public:
  // Throws std::invalid_argument on non-positive start-up/resume/target buffers, a negative
  // sync, or a skip-ahead threshold below live sync delay + one segment (it would re-trigger
  // on every segment), and on the Abr's own errors. Start-up and resume thresholds above the
  // buffer target are clamped to it (the host stops fetching at the target).
  // `offered`: the renditions (ladder indices, increasing) this channel's master playlist
  // lists; the ABR chooses among them only. Empty = the whole ladder. Throws on an index off
  // the ladder or an unsorted list.
  PlayerConfig(const PlayerParams& player, const AbrParams& abr, const Stream& stream,
               const std::vector<std::size_t>& offered = {});

  StreamTiming stream;
  TimeUs startup_buffer_us = 0;
  TimeUs buffer_target_us = 0;
  TimeUs rebuffer_resume_us = 0;
  TimeUs live_sync_delay_us = 0;      // playhead position behind the live edge at join and skip
  TimeUs max_latency_us = kNever;     // kNever = skip-ahead off
  TimeUs first_frame_delay_us = 0;    // start-up buffer reached -> first frame (player.startup)
  std::vector<std::uint8_t> offered;  // ladder index of each rung the ABR sees
  Abr abr;                            // over the offered rungs (indices into `offered`)
  std::vector<double> ladder_kbps;    // the whole ladder (indexed by rendition)
};

enum class PlayerState : std::uint8_t { kIdle, kStartup, kPlaying, kStalled, kEnded };

struct NeededSegment {
  SegmentIndex segment = kNoSegment;
  std::uint8_t rendition = 0;
  // When the playhead reaches the segment's start (buffer runs dry). If not playing
  // (start-up, stalled), the time of the last update: it is needed now.
  TimeUs deadline_us = kNever;
};

class Player {
 public:
  static constexpr std::uint8_t kNoRendition = 0xFF;

  // The viewer tries to play at `now` (its join): the player is created, idle, and fetches
  // its playlists; join() follows when it has them.
  void begin_attempt(TimeUs now) {
    *this = Player{};
    last_us_ = now;
  }
  // Starts the session at `now`, when the player has its media playlist: playhead at the live
  // sync position (negative media time is allowed: the stream was live before t = 0), start-up
  // state. The play attempt began at `attempt_us` <= now (the viewer's join): the time before
  // `now` (player init, DNS, handshakes, playlists) counts as start-up. max_rendition caps the
  // ABR (e.g. mobile cap); 255 = none. Throws std::invalid_argument if attempt_us > now.
  void join(TimeUs now, const PlayerConfig& cfg, std::uint8_t max_rendition = 0xFF,
            TimeUs attempt_us = kNever);
  // Brings the state to `now` (no-op if now <= last update or not joined).
  void advance_to(TimeUs now, const PlayerConfig& cfg);
  // Segment `segment` of `rendition` finished downloading at `now` (bytes in download_us).
  // Updates the throughput estimate (unless abr_sample is false: a download the ABR must not
  // learn from), then appends the segment if it is next_needed().segment (returns true), else
  // ignores it (returns false: stale after a skip, or out of order — the host must deliver in
  // order). Throws std::invalid_argument on a rendition off the ladder.
  bool on_segment_delivered(TimeUs now, SegmentIndex segment, std::size_t rendition,
                            std::uint64_t bytes, TimeUs download_us, const PlayerConfig& cfg,
                            bool abr_sample = true);
  // Ends the session at `now` (accounts the time up to now).
  //
  // Ties: the buffer runs dry at the µs the playhead reaches its end, so a segment delivered
  // exactly then ends a 0 µs stall (counted in stall_count); events at one instant apply in
  // the order skip, dry, delivery.
  void leave(TimeUs now, const PlayerConfig& cfg);

  // What to fetch next (ABR decision with the buffer at the last update: call advance_to(now)
  // first).
  NeededSegment next_needed(const PlayerConfig& cfg) const;
  // The next time the state changes by itself (first frame, buffer runs dry, or a live
  // skip); kNever if none. The host schedules a wake-up and calls advance_to() then.
  TimeUs next_event_time(const PlayerConfig& cfg) const;
  // The earliest time >= last update at which the buffer is below the target (when to
  // request the next segment); kNever if not joined or never.
  TimeUs next_request_time_us(const PlayerConfig& cfg) const;

  PlayerState state() const { return static_cast<PlayerState>(state_); }
  bool active() const {
    return state() == PlayerState::kStartup || state() == PlayerState::kPlaying ||
           state() == PlayerState::kStalled;
  }
  TimeUs last_update_us() const { return last_us_; }
  TimeUs playhead_us() const { return playhead_us_; }      // media time
  TimeUs buffer_end_us() const { return buffer_end_us_; }  // media time
  TimeUs buffer_us() const { return buffer_end_us_ - playhead_us_; }
  SegmentIndex next_segment() const { return next_segment_; }
  // Glass-to-glass latency at the last update: wall time minus the media time played.
  TimeUs latency_us() const { return last_us_ - playhead_us_; }

  // Play attempt -> first frame (or -> now/leave). The first frame comes first_frame_delay_us
  // after the start-up buffer is reached.
  TimeUs startup_us() const { return startup_us_; }
  // When the play attempt began (begin_attempt, or the join without one): the accounting
  // covers every µs from then to the last update.
  TimeUs attempt_us() const { return last_us_ - startup_us_ - play_us_ - stall_us_; }
  // The start-up buffer is reached and the first frame is being decoded.
  bool first_frame_pending() const { return first_frame_at_us_ != kNever; }
  TimeUs play_us() const { return play_us_; }
  TimeUs stall_us() const { return stall_us_; }
  std::uint32_t stall_count() const { return stall_count_; }
  std::uint32_t switch_count() const { return switch_count_; }
  // Switch magnitude sum(|R_k - R_k-1|) over appended segments, kbps (QoE §6 [MPC15]).
  double switch_magnitude_kbps() const { return static_cast<double>(switch_magnitude_kbps_); }
  std::uint32_t skip_count() const { return skip_count_; }
  bool started() const { return started_ != 0; }
  int last_rendition() const { return last_rendition_ == kNoRendition ? -1 : last_rendition_; }
  const AbrState& abr_state() const { return abr_; }
  // Mean bitrate of the delivered media weighted by media duration (each appended segment
  // weighs its duration; media dropped by a skip or still buffered counts too). 0 if none.
  double avg_bitrate_kbps() const {
    return media_appended_us_ > 0 ? kbps_media_us_ / static_cast<double>(media_appended_us_) : 0.0;
  }
  TimeUs media_appended_us() const { return media_appended_us_; }

 private:
  TimeUs skip_time(const PlayerConfig& cfg) const;
  void do_skip(const PlayerConfig& cfg);
  void accrue(TimeUs dt);

  TimeUs last_us_ = 0;
  TimeUs playhead_us_ = 0;
  TimeUs buffer_end_us_ = 0;
  TimeUs startup_us_ = 0;
  TimeUs play_us_ = 0;
  TimeUs stall_us_ = 0;
  TimeUs media_appended_us_ = 0;
  TimeUs first_frame_at_us_ = kNever;  // kNever unless first_frame_pending()
  double kbps_media_us_ = 0.0;
  SegmentIndex next_segment_ = 0;
  AbrState abr_{};
  float switch_magnitude_kbps_ = 0.0f;
  std::uint32_t stall_count_ = 0;
  std::uint16_t switch_count_ = 0;
  std::uint16_t skip_count_ = 0;
  std::uint8_t state_ = static_cast<std::uint8_t>(PlayerState::kIdle);
  std::uint8_t last_rendition_ = kNoRendition;
  std::uint8_t max_rendition_ = 0xFF;
  std::uint8_t started_ = 0;
};

}  // namespace p2pcdn::models
