// Segment sizes and live timing of one stream.
#include "models/stream/stream.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "models/base/distributions.hpp"
#include "models/base/random_stream.hpp"

namespace p2pcdn::models {

Stream::Stream(const StreamParams& params, std::uint64_t seed, std::uint32_t channel)
    : seed_(seed), channel_(channel) {
  if (channel >= (1u << 24)) throw std::invalid_argument("stream: channel id must be < 2^24");
  if (params.renditions.empty()) throw std::invalid_argument("stream: no renditions");
  if (params.renditions.size() > 255) {
    throw std::invalid_argument("stream: at most 255 renditions");
  }
  if (!(params.segment_duration_s > 0.0) || !std::isfinite(params.segment_duration_s)) {
    throw std::invalid_argument("stream: segment_duration_s must be > 0");
  }
  if (!(params.availability_delay_s >= 0.0) || !std::isfinite(params.availability_delay_s)) {
    throw std::invalid_argument("stream: availability_delay_s must be >= 0");
  }
  if (!(params.segment_size_cv >= 0.0) || !std::isfinite(params.segment_size_cv)) {
    throw std::invalid_argument("stream: segment_size_cv must be >= 0");
  }
  timing_.segment_duration_us = from_seconds(params.segment_duration_s);
  timing_.availability_delay_us = from_seconds(params.availability_delay_s);
  if (timing_.segment_duration_us <= 0) {
    throw std::invalid_argument("stream: segment_duration_s rounds to 0 us");
  }
  // Lognormal with mean 1 and CV c: sigma^2 = ln(1 + c^2), mu = -sigma^2 / 2.
  const double var = std::log1p(params.segment_size_cv * params.segment_size_cv);
  log_sigma_ = std::sqrt(var);
  log_mu_ = -0.5 * var;
  for (const Rendition& r : params.renditions) {
    if (!(r.bitrate_kbps > 0.0) || !std::isfinite(r.bitrate_kbps)) {
      throw std::invalid_argument("stream: rendition '" + r.name + "' bitrate_kbps must be > 0");
    }
    bitrate_bps_.push_back(r.bitrate_kbps * 1000.0);
    nominal_bytes_.push_back(r.bitrate_kbps * 1000.0 / 8.0 *
                             to_seconds(timing_.segment_duration_us));
  }
}

std::vector<double> Stream::ladder_kbps() const {
  std::vector<double> out;
  out.reserve(bitrate_bps_.size());
  for (double b : bitrate_bps_) out.push_back(b / 1000.0);
  return out;
}

std::uint64_t Stream::segment_size_bytes(std::size_t r, SegmentIndex k) const {
  // One stream per (channel, rendition, segment): random access by k without replaying draws.
  // Bit fields (channel 24 bits, rendition 8, segment 32: 136 years of 1 s segments) keep
  // distinct triples distinct.
  const std::uint64_t entity = (std::uint64_t{channel_} << 40) | (std::uint64_t{r} << 32) |
                               (static_cast<std::uint64_t>(k) & 0xFFFFFFFFull);
  rng::RandomStream rs(seed_, entity, rng::Purpose::kSegmentSizes);
  const double factor = log_sigma_ > 0.0 ? rng::lognormal(rs, log_mu_, log_sigma_) : 1.0;
  const double bytes = std::round(nominal_bytes_[r] * factor);
  return bytes < 1.0 ? 1 : static_cast<std::uint64_t>(bytes);
}

}  // namespace p2pcdn::models
