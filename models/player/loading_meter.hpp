// What a player running p2p-media-loader 2.x believes its download bandwidth is. The hls.js
// integration reports every segment the core loads as loaded at the core's bandwidth estimate
// (FragmentLoaderBase: stats.loading is rebuilt from response.bandwidth, plus 10 ms), and the
// core's estimate (HybridLoader.getBandwidth over BandwidthCalculator) is the AGGREGATE rate of
// all its downloads, HTTP and P2P in parallel, over loading time only: not the duration of the
// one transfer that carried the segment. Pure bookkeeping, bounded memory; never touches time
// it is not given.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>

#include "models/base/time.hpp"

namespace p2pcdn::models {

class LoadingMeter {
 public:
  // Completed downloads remembered. p2p-media-loader forgets data older than 10 s of loading
  // time (clearThresholdMs); a viewer completes a handful of downloads in that span.
  static constexpr std::size_t kEntries = 8;
  static constexpr TimeUs kForgetAfterLoadingUs = 10'000'000;
  static constexpr TimeUs kReportedLatencyUs = 10'000;  // DEFAULT_DOWNLOAD_LATENCY = 10 ms

  // `origin`: the viewer's join time; times are kept in ms from it (49 days of range).
  LoadingMeter() = default;
  explicit LoadingMeter(TimeUs origin) : origin_(origin), idle_since_us_(origin) {}

  // A download of this viewer began / ended (completed, failed or cancelled): the loading
  // clock runs while at least one is in progress. start_loading returns the loading-clock
  // stamp the host passes back to add_download when it completes.
  TimeUs start_loading(TimeUs now);
  void stop_loading(TimeUs now);
  // A completed download (call before its stop_loading): `bytes` arrived uniformly over
  // loading time [loading_start, loading clock now] (wall time: the same span ending now).
  void add_download(TimeUs loading_start, TimeUs now, std::uint64_t bytes, bool http);
  // The player switched level at `now` (hlsLevelSwitching: levelChangedTimestamp).
  void level_changed(TimeUs now) { level_changed_ms_ = to_ms(now); }

  // HybridLoader.getBandwidth at `now` for the active level's bitrate, in bit/s; 0 without
  // data. Deviations: the queue-download-ratio shortcut is not modelled (the host cannot see
  // the core's queue) and the HTTP-only rate uses the shared loading clock.
  [[nodiscard]] double bandwidth_bps(TimeUs now, double active_level_bps) const;
  // The download time the player is told for a segment of `bytes` (bandwidth and 10 ms);
  // `actual_us` when the meter has no estimate yet.
  [[nodiscard]] TimeUs reported_download_us(TimeUs now, double active_level_bps,
                                            std::uint64_t bytes, TimeUs actual_us) const;

  // BandwidthCalculator.getBandwidthLoadingOnly(seconds): bytes that arrived in the last
  // `window_us` of loading time, per loading second (http_only: HTTP downloads only).
  [[nodiscard]] double loading_only_bps(TimeUs window_us, bool http_only) const;
  // BandwidthCalculator.getBandwidth(seconds, ignoreThreshold): per wall-clock second, idle
  // time included, over the last `window_us` and not before the last level change.
  [[nodiscard]] double wall_bps(TimeUs now, TimeUs window_us) const;

  [[nodiscard]] std::size_t size() const { return count_; }

 private:
  // 16 B: the loading clock runs at wall speed while a download is in progress, so a
  // download's wall-clock span is [wall_end - (loading_end - loading_begin), wall_end].
  struct Entry {
    std::uint32_t loading_begin_ms = 0, loading_end_ms = 0;  // loading clock
    std::uint32_t wall_end_ms = 0;                           // ms since origin
    std::uint32_t bytes : 31 = 0;
    std::uint32_t http : 1 = 0;
    [[nodiscard]] std::uint32_t wall_begin_ms() const {
      const std::uint32_t span = loading_end_ms - loading_begin_ms;
      return wall_end_ms > span ? wall_end_ms - span : 0;
    }
  };
  static_assert(sizeof(Entry) == 16);
  [[nodiscard]] std::uint32_t to_ms(TimeUs t) const;
  [[nodiscard]] TimeUs loading_clock(TimeUs now) const;
  [[nodiscard]] const Entry& entry(std::size_t i) const {  // i = 0: oldest
    return entries_[(next_ + kEntries - count_ + i) % kEntries];
  }

  TimeUs origin_ = 0;
  TimeUs idle_total_us_ = 0;  // time with no download in progress (noLoadingsTotalTime)
  TimeUs idle_since_us_ = 0;  // allLoadingsStoppedTimestamp
  std::uint32_t level_changed_ms_ = 0;
  std::uint16_t loading_ = 0;  // downloads in progress
  std::uint8_t count_ = 0, next_ = 0;
  std::array<Entry, kEntries> entries_{};
};

}  // namespace p2pcdn::models
