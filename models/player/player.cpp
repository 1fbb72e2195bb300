// Player state machine: lazy advance between host interactions, exact µs accounting.
#include "models/player/player.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace p2pcdn::models {

namespace {
TimeUs positive_us(double s, const char* what) {
  if (!std::isfinite(s) || !(s > 0.0)) {
    throw std::invalid_argument(std::string("player: ") + what + " must be > 0");
  }
  return std::max<TimeUs>(1, from_seconds(s));
}
}  // namespace

namespace {
std::vector<std::uint8_t> offered_rungs(const std::vector<std::size_t>& offered,
                                        std::size_t ladder_size) {
  if (ladder_size > 255) throw std::invalid_argument("player: more than 255 renditions");
  std::vector<std::uint8_t> rungs;
  if (offered.empty()) {
    for (std::size_t r = 0; r < ladder_size; ++r) rungs.push_back(static_cast<std::uint8_t>(r));
    return rungs;
  }
  for (const std::size_t r : offered) {
    if (r >= ladder_size) {
      throw std::invalid_argument("player: offered rendition " + std::to_string(r) +
                                  " is not on the ladder");
    }
    if (!rungs.empty() && r <= rungs.back()) {
      throw std::invalid_argument("player: offered renditions must be increasing");
    }
    rungs.push_back(static_cast<std::uint8_t>(r));
  }
  return rungs;
}

std::vector<double> sub_ladder(const std::vector<double>& ladder,
                               const std::vector<std::uint8_t>& rungs) {
  std::vector<double> out;
  for (const std::uint8_t r : rungs) out.push_back(ladder[r]);
  return out;
}
}  // namespace

PlayerConfig::PlayerConfig(const PlayerParams& player, const AbrParams& abr_params, const Stream& s,
                           const std::vector<std::size_t>& offered_renditions)
    : stream(s.timing()),
      offered(offered_rungs(offered_renditions, s.ladder_kbps().size())),
      abr(abr_params, sub_ladder(s.ladder_kbps(), offered)),
      ladder_kbps(s.ladder_kbps()) {
  buffer_target_us = positive_us(player.buffer_target_s, "buffer_target_s");
  startup_buffer_us =
      std::min(positive_us(player.startup_buffer_s, "startup_buffer_s"), buffer_target_us);
  rebuffer_resume_us =
      std::min(positive_us(player.rebuffer_resume_s, "rebuffer_resume_s"), buffer_target_us);
  const double first_frame_s = player.startup.first_frame_s;
  if (!std::isfinite(first_frame_s) || first_frame_s < 0.0) {
    throw std::invalid_argument("player: startup.first_frame_s must be >= 0");
  }
  first_frame_delay_us = from_seconds(first_frame_s);
  if (player.live_delay_s > 0.0 && std::isfinite(player.live_delay_s)) {
    live_sync_delay_us = from_seconds(player.live_delay_s);
  } else if (player.live_sync_segments >= 0 && player.live_delay_s == 0.0) {
    live_sync_delay_us = player.live_sync_segments * stream.segment_duration_us;
  } else {
    throw std::invalid_argument("player: live_sync_segments and live_delay_s must be >= 0");
  }
  if (player.live_skip_ahead_enabled) {
    if (!std::isfinite(player.live_max_latency_s)) {
      throw std::invalid_argument("player: live_max_latency_s must be finite");
    }
    max_latency_us = from_seconds(player.live_max_latency_s);
    if (max_latency_us < live_sync_delay_us + stream.segment_duration_us) {
      throw std::invalid_argument(
          "player: live_max_latency_s must be >= the live sync delay + one segment");
    }
  }
}

void Player::join(TimeUs now, const PlayerConfig& cfg, std::uint8_t max_rendition,
                  TimeUs attempt_us) {
  if (attempt_us == kNever) attempt_us = now;
  if (attempt_us > now) throw std::invalid_argument("player: play attempt after the join");
  *this = Player{};
  state_ = static_cast<std::uint8_t>(PlayerState::kStartup);
  last_us_ = now;
  startup_us_ = now - attempt_us;
  max_rendition_ = max_rendition;
  // The stream has been live since long before the scenario starts, so the sync position may
  // be negative media time (segments with negative indices): a viewer present at t = 0 gets
  // the same live delay and buffer as anyone joining later.
  const TimeUs pos = cfg.stream.live_edge_media_us(now) - cfg.live_sync_delay_us;
  playhead_us_ = pos;
  buffer_end_us_ = pos;
  next_segment_ = floor_div(pos, cfg.stream.segment_duration_us);
}

void Player::accrue(TimeUs dt) {
  switch (state()) {
    case PlayerState::kStartup:
      startup_us_ += dt;
      break;
    case PlayerState::kPlaying:
      play_us_ += dt;
      playhead_us_ += dt;
      break;
    case PlayerState::kStalled:
      stall_us_ += dt;
      break;
    default:
      break;
  }
}

TimeUs Player::skip_time(const PlayerConfig& cfg) const {
  if (cfg.max_latency_us == kNever || !active()) return kNever;
  const TimeUs d = cfg.stream.segment_duration_us;
  const TimeUs delay = cfg.stream.availability_delay_us;
  if (state() == PlayerState::kPlaying) {
    if (cfg.stream.live_edge_media_us(last_us_) - playhead_us_ > cfg.max_latency_us) {
      return last_us_;
    }
    // While playing, right after each edge step t_j = j*D + delay the latency is
    // j*D - (playhead + t_j - last) = last - delay - playhead: the same at every step.
    if (last_us_ - delay - playhead_us_ > cfg.max_latency_us) {
      return (floor_div(last_us_ - delay, d) + 1) * d + delay;
    }
    return kNever;
  }
  // Playhead fixed: the first t with floor((t - delay) / D) * D > playhead + max.
  const TimeUs m = floor_div(playhead_us_ + cfg.max_latency_us, d) + 1;
  return std::max(last_us_, m * d + delay);
}

void Player::do_skip(const PlayerConfig& cfg) {
  const TimeUs pos = cfg.stream.live_edge_media_us(last_us_) - cfg.live_sync_delay_us;
  if (skip_count_ < UINT16_MAX) ++skip_count_;
  if (pos < buffer_end_us_) {  // the new position is buffered: seek inside the buffer
    playhead_us_ = pos;
    return;
  }
  playhead_us_ = pos;
  buffer_end_us_ = pos;
  next_segment_ = floor_div(pos, cfg.stream.segment_duration_us);
  first_frame_at_us_ = kNever;  // the buffer that reached the start-up threshold is gone
  if (state() == PlayerState::kPlaying) {
    state_ = static_cast<std::uint8_t>(PlayerState::kStalled);
    ++stall_count_;
  }
}

void Player::advance_to(TimeUs now, const PlayerConfig& cfg) {
  if (!active()) return;
  now = std::max(now, last_us_);  // time never runs backwards
  while (now > last_us_ || skip_time(cfg) == last_us_) {
    const TimeUs t_dry =
        state() == PlayerState::kPlaying ? last_us_ + (buffer_end_us_ - playhead_us_) : kNever;
    const TimeUs t_skip = skip_time(cfg);
    const TimeUs t = std::min({t_dry, t_skip, first_frame_at_us_});
    if (t > now) {
      accrue(now - last_us_);
      last_us_ = now;
      return;
    }
    accrue(t - last_us_);
    last_us_ = t;
    if (t == t_skip) {
      do_skip(cfg);
    } else if (t == first_frame_at_us_) {  // the first frame is on screen: playing from t
      first_frame_at_us_ = kNever;
      state_ = static_cast<std::uint8_t>(PlayerState::kPlaying);
      started_ = 1;
    } else {  // the buffer ran dry at t: the stall starts at t
      state_ = static_cast<std::uint8_t>(PlayerState::kStalled);
      ++stall_count_;
    }
  }
}

bool Player::on_segment_delivered(TimeUs now, SegmentIndex segment, std::size_t rendition,
                                  std::uint64_t bytes, TimeUs download_us, const PlayerConfig& cfg,
                                  bool abr_sample) {
  if (rendition >= cfg.ladder_kbps.size()) {
    throw std::invalid_argument("player: rendition " + std::to_string(rendition) +
                                " is not on the ladder");
  }
  advance_to(now, cfg);
  if (!active()) return false;
  if (abr_sample) cfg.abr.on_download(abr_, bytes, download_us);
  if (segment != next_segment_) return false;
  const TimeUs new_end = (segment + 1) * cfg.stream.segment_duration_us;
  const TimeUs added = new_end - buffer_end_us_;
  kbps_media_us_ += cfg.ladder_kbps[rendition] * static_cast<double>(added);
  media_appended_us_ += added;
  if (last_rendition_ != kNoRendition && last_rendition_ != rendition) {
    if (switch_count_ < UINT16_MAX) ++switch_count_;
    switch_magnitude_kbps_ +=
        static_cast<float>(std::abs(cfg.ladder_kbps[rendition] - cfg.ladder_kbps[last_rendition_]));
  }
  last_rendition_ = static_cast<std::uint8_t>(rendition);
  buffer_end_us_ = new_end;
  next_segment_ = segment + 1;
  const TimeUs buffered = buffer_end_us_ - playhead_us_;
  if (state() == PlayerState::kStartup && buffered >= cfg.startup_buffer_us &&
      !first_frame_pending()) {
    if (cfg.first_frame_delay_us > 0) {
      first_frame_at_us_ = now + cfg.first_frame_delay_us;  // decoding: still starting up
    } else {
      state_ = static_cast<std::uint8_t>(PlayerState::kPlaying);
      started_ = 1;
    }
  } else if (state() == PlayerState::kStalled && buffered >= cfg.rebuffer_resume_us) {
    state_ = static_cast<std::uint8_t>(PlayerState::kPlaying);
    started_ = 1;
  }
  return true;
}

void Player::leave(TimeUs now, const PlayerConfig& cfg) {
  advance_to(now, cfg);
  if (active()) state_ = static_cast<std::uint8_t>(PlayerState::kEnded);
}

NeededSegment Player::next_needed(const PlayerConfig& cfg) const {
  NeededSegment n;
  if (!active()) return n;
  n.segment = next_segment_;
  // The ABR works on the offered rungs: translate the previous rendition and the device cap
  // to rung positions and the choice back to a ladder index.
  const auto& rungs = cfg.offered;
  std::size_t cap = 0;
  int previous = -1;
  for (std::size_t k = 0; k < rungs.size(); ++k) {
    if (rungs[k] <= max_rendition_) cap = k;
    if (last_rendition() >= 0 && rungs[k] <= last_rendition()) previous = static_cast<int>(k);
  }
  n.rendition = rungs[cfg.abr.choose(abr_, to_seconds(buffer_us()), previous, cap)];
  if (state() == PlayerState::kPlaying) {
    n.deadline_us = last_us_ + buffer_us();
  } else if (first_frame_pending()) {  // the playhead moves once the first frame is shown
    n.deadline_us = first_frame_at_us_ + buffer_us();
  } else {
    n.deadline_us = last_us_;
  }
  return n;
}

TimeUs Player::next_event_time(const PlayerConfig& cfg) const {
  if (!active()) return kNever;
  const TimeUs t_dry = state() == PlayerState::kPlaying ? last_us_ + buffer_us() : kNever;
  return std::min({t_dry, skip_time(cfg), first_frame_at_us_});
}

TimeUs Player::next_request_time_us(const PlayerConfig& cfg) const {
  if (!active()) return kNever;
  if (buffer_us() < cfg.buffer_target_us) return last_us_;
  if (state() == PlayerState::kPlaying) return last_us_ + (buffer_us() - cfg.buffer_target_us) + 1;
  return kNever;
}

// 112 since the first-frame delay (player.startup.first_frame_s); the host's Viewer record
// dropped its join time for it (Player::attempt_us), so a viewer slot did not grow.
static_assert(sizeof(Player) <= 112, "Player must stay compact: one per viewer");

}  // namespace p2pcdn::models
