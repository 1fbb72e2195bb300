#include "models/player/loading_meter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace p2pcdn::models {

std::uint32_t LoadingMeter::to_ms(TimeUs t) const {
  return static_cast<std::uint32_t>(
      std::clamp<TimeUs>((t - origin_) / 1000, 0, std::numeric_limits<std::uint32_t>::max()));
}

TimeUs LoadingMeter::loading_clock(TimeUs now) const {
  // Runs while something loads; frozen at the moment the last download stopped otherwise.
  const TimeUs at = loading_ > 0 ? now : std::max(idle_since_us_, origin_);
  return std::max<TimeUs>(at - origin_ - idle_total_us_, 0);
}

TimeUs LoadingMeter::start_loading(TimeUs now) {
  if (loading_ == 0) idle_total_us_ += std::max<TimeUs>(now - std::max(idle_since_us_, origin_), 0);
  if (loading_ < std::numeric_limits<std::uint16_t>::max()) ++loading_;
  return loading_clock(now);
}

void LoadingMeter::stop_loading(TimeUs now) {
  if (loading_ == 0) return;
  if (--loading_ == 0) idle_since_us_ = now;
}

void LoadingMeter::add_download(TimeUs loading_start, TimeUs now, std::uint64_t bytes, bool http) {
  Entry e;
  const TimeUs loading_end = loading_clock(now);
  e.loading_end_ms = static_cast<std::uint32_t>(
      std::clamp<TimeUs>(loading_end / 1000, 0, std::numeric_limits<std::uint32_t>::max()));
  e.loading_begin_ms = std::min(
      e.loading_end_ms, static_cast<std::uint32_t>(std::clamp<TimeUs>(
                            loading_start / 1000, 0, std::numeric_limits<std::uint32_t>::max())));
  e.wall_end_ms = to_ms(now);
  e.bytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, 0x7FFF'FFFFu));
  e.http = http ? 1U : 0U;
  entries_[next_] = e;
  next_ = static_cast<std::uint8_t>((next_ + 1) % kEntries);
  count_ = static_cast<std::uint8_t>(std::min<std::size_t>(count_ + 1U, kEntries));
}

namespace {

// Bytes of a download spread uniformly over [begin, end] that fall in [lo, hi]; a download of
// zero duration is a point at `end`. Also lowers `earliest` to where its counted part starts.
double bytes_within(std::uint32_t begin, std::uint32_t end, std::uint32_t bytes, double lo,
                    double hi, double& earliest) {
  const double b = begin;
  const double e = end;
  if (e <= b) {
    if (e < lo || e > hi) return 0;
    earliest = std::min(earliest, e);
    return bytes;
  }
  const double from = std::max(b, lo);
  const double to = std::min(e, hi);
  if (to <= from) return 0;
  earliest = std::min(earliest, from);
  return static_cast<double>(bytes) * (to - from) / (e - b);
}

double rate_bps(double bytes, double span_ms) { return span_ms > 0 ? bytes * 8000.0 / span_ms : 0; }

}  // namespace

double LoadingMeter::loading_only_bps(TimeUs window_us, bool http_only) const {
  bool any = false;
  double last = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const Entry& e = entry(i);
    if (http_only && e.http == 0) continue;
    last = std::max(last, static_cast<double>(e.loading_end_ms));
    any = true;
  }
  if (!any) return 0;
  const double lo = last - static_cast<double>(window_us) / 1000.0;
  double earliest = last;
  double bytes = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const Entry& e = entry(i);
    if (http_only && e.http == 0) continue;
    bytes += bytes_within(e.loading_begin_ms, e.loading_end_ms, e.bytes, lo, last, earliest);
  }
  return rate_bps(bytes, last - earliest);
}

double LoadingMeter::wall_bps(TimeUs now, TimeUs window_us) const {
  if (count_ == 0) return 0;
  double last_loading = 0;
  for (std::size_t i = 0; i < count_; ++i)
    last_loading = std::max(last_loading, static_cast<double>(entry(i).loading_end_ms));
  const double now_ms = to_ms(now);
  const double lo = std::max(now_ms - static_cast<double>(window_us) / 1000.0,
                             static_cast<double>(level_changed_ms_));
  const double forget_ms = static_cast<double>(kForgetAfterLoadingUs) / 1000.0;
  double earliest = now_ms;
  double bytes = 0;
  for (std::size_t i = 0; i < count_; ++i) {
    const Entry& e = entry(i);
    if (static_cast<double>(e.loading_end_ms) < last_loading - forget_ms) continue;  // stale
    bytes += bytes_within(e.wall_begin_ms(), e.wall_end_ms, e.bytes, lo, now_ms, earliest);
  }
  return rate_bps(bytes, now_ms - earliest);
}

double LoadingMeter::bandwidth_bps(TimeUs now, double active_level_bps) const {
  if (count_ == 0) return 0;
  constexpr TimeUs kS = 1'000'000;
  if (!(active_level_bps > 0)) return loading_only_bps(3 * kS, false);
  const double wall =
      std::max({wall_bps(now, 30 * kS), wall_bps(now, 60 * kS), wall_bps(now, 90 * kS)});
  if (wall >= 0.9 * active_level_bps) {
    return std::max({loading_only_bps(1 * kS, false), loading_only_bps(3 * kS, false),
                     loading_only_bps(5 * kS, false)});
  }
  return std::max({wall, loading_only_bps(1 * kS, true), loading_only_bps(3 * kS, true),
                   loading_only_bps(5 * kS, true)});
}

TimeUs LoadingMeter::reported_download_us(TimeUs now, double active_level_bps, std::uint64_t bytes,
                                          TimeUs actual_us) const {
  const double bps = bandwidth_bps(now, active_level_bps);
  if (!(bps > 0) || !std::isfinite(bps)) return actual_us;
  const double us = static_cast<double>(bytes) * 8e6 / bps;
  return static_cast<TimeUs>(std::llround(std::min(us, 3.6e12))) + kReportedLatencyUs;
}

}  // namespace p2pcdn::models
