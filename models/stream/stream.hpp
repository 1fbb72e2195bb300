// The live stream's timeline: segment k of rendition r (its size, deterministic per
// (seed, channel, r, k)), when it becomes available at the CDN, and the live edge at a time.
// Media time equals simulated time: segment k holds media [k*D, (k+1)*D). Never stores
// per-segment state: everything is computed on demand.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "models/base/time.hpp"
#include "models/stream/stream_params.hpp"

namespace p2pcdn::models {

using SegmentIndex = std::int64_t;
// "No segment": not -1, because the stream was live before t = 0 and indices can be negative.
inline constexpr SegmentIndex kNoSegment = std::numeric_limits<SegmentIndex>::min();

// Floor division for possibly negative numerators (d > 0).
constexpr std::int64_t floor_div(std::int64_t n, std::int64_t d) {
  return n >= 0 ? n / d : -((-n + d - 1) / d);
}

// Timing of a live stream reduced to integers: shared by the Stream and the players.
struct StreamTiming {
  TimeUs segment_duration_us = 0;
  TimeUs availability_delay_us = 0;

  // Segment k's last frame is encoded at (k+1)*D; the CDN can serve it availability_delay later.
  constexpr TimeUs availability_us(SegmentIndex k) const {
    return (k + 1) * segment_duration_us + availability_delay_us;
  }
  // The newest segment available at `now`. The stream was live before t = 0: indices before
  // the scenario's start are negative (segment -1 ends at media time 0).
  constexpr SegmentIndex live_edge_segment(TimeUs now) const {
    const SegmentIndex k = floor_div(now - availability_delay_us, segment_duration_us) - 1;
    return k;
  }
  // Media time at the end of the newest available segment: floor((now - delay) / D) * D.
  // Can be <= 0 before the first segment; the playlist's "live edge" position.
  constexpr TimeUs live_edge_media_us(TimeUs now) const {
    return floor_div(now - availability_delay_us, segment_duration_us) * segment_duration_us;
  }
};

class Stream {
 public:
  // Throws std::invalid_argument on an empty ladder, more than 255 renditions, non-positive
  // bitrates or segment duration, a negative delay or CV, a channel id >= 2^24.
  Stream(const StreamParams& params, std::uint64_t seed, std::uint32_t channel = 0);

  const StreamTiming& timing() const { return timing_; }
  std::size_t rendition_count() const { return bitrate_bps_.size(); }
  double bitrate_bps(std::size_t r) const { return bitrate_bps_[r]; }
  std::vector<double> ladder_kbps() const;
  // Nominal size: bitrate x segment duration / 8.
  double nominal_size_bytes(std::size_t r) const { return nominal_bytes_[r]; }
  // Size of segment k of rendition r: nominal x a lognormal factor with mean 1 and the
  // configured CV, drawn from RandomStream(seed, entity(channel, r, k), kSegmentSizes).
  // Same (seed, channel, r, k) -> same size. At least 1 byte.
  std::uint64_t segment_size_bytes(std::size_t r, SegmentIndex k) const;

  TimeUs availability_us(SegmentIndex k) const { return timing_.availability_us(k); }
  SegmentIndex live_edge_segment(TimeUs now) const { return timing_.live_edge_segment(now); }

 private:
  StreamTiming timing_;
  std::uint64_t seed_;
  std::uint32_t channel_;
  double log_sigma_;  // sigma of log(size factor)
  double log_mu_;     // mu = -sigma^2 / 2 so the mean factor is 1
  std::vector<double> bitrate_bps_;
  std::vector<double> nominal_bytes_;
};

}  // namespace p2pcdn::models
