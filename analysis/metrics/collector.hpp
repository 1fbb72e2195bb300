// MetricsCollector: what the simulator host reports while a run goes on, kept in
// bounded memory (O(intervals x PoPs) counters plus fixed-size sketches; nothing
// per viewer is kept), turned into a Summary by finish(). O(1) per call except
// the interval crossings of add_bytes_spread and of the time integrals. Partitioned runs
// keep a small time-ordered log so merge() can rebuild one run's collector from K parts.
// Must never include sim/ and never look at a clock: time comes in as `now`.
#pragma once
#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "analysis/metrics/summary.hpp"
#include "analysis/sketch/ddsketch.hpp"
#include "models/base/time.hpp"

namespace p2pcdn::analysis {

enum class Source : std::uint8_t { kCdn, kPeer, kTurn };

// Index meaning "not applicable / unknown" for any dimension (e.g. the PoP of peer bytes).
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

struct MetricsConfig {
  TimeUs interval_us = seconds(10);
  TimeUs duration_us = 0;  // planned run length (sizes the series; the run may end earlier)
  std::vector<std::string> pops, renditions, devices, nats, regions;
  // Partitioned runs set it so merge() can replay joins, leaves, stalls and samples in time
  // order (peaks, per-interval peaks and sampled shares are not additive across parts).
  // Costs 8 bytes per join/leave/stall call and 40 per sample; off: no log, no cost. With it,
  // those calls throw std::invalid_argument for times >= 2^62 us, and a call that throws is
  // not logged (so a merge never replays a rejected call).
  bool keep_concurrency_log = false;
};

// One viewer's session, reported once when it leaves (or at the end of the run for
// viewers still present).
struct ViewerOutcome {
  std::uint32_t device = kNone, nat = kNone, region = kNone;
  std::uint32_t rendition = kNone;  // the viewer's rendition for the breakdown (the host
                                    // chooses: the simulator reports the last one played)
  TimeUs play_us = 0;               // time spent playing
  TimeUs stall_us = 0;              // time spent rebuffering after the first frame
  TimeUs startup_us = -1;           // join -> first frame; -1 if it never started
  std::uint32_t stalls = 0;         // rebuffering events after the first frame
  std::uint32_t bitrate_switches = 0;
  double avg_bitrate_kbps = 0;                                 // time-weighted over played video
  std::uint64_t bytes_cdn = 0, bytes_p2p = 0, bytes_turn = 0;  // video bytes it received
  TimeUs watch_us = 0;                                         // join -> leave
};

class MetricsCollector {
 public:
  // Throws std::invalid_argument if interval_us <= 0 or duration_us < 0.
  explicit MetricsCollector(MetricsConfig config);

  // Times may run past duration_us (a drain phase) by up to 100 000 intervals; a later
  // time (e.g. kNever) throws std::invalid_argument.
  // Bytes delivered at `now`, attributed to the interval containing now ([k*I, (k+1)*I)).
  // pop: the PoP for kCdn (kNone otherwise or if unknown). Any index may be kNone;
  // an index out of range throws std::out_of_range (a host bug).
  void add_bytes(TimeUs now, Source source, std::uint32_t pop, std::uint32_t rendition,
                 std::uint32_t device, std::uint32_t nat, std::uint32_t region,
                 std::uint64_t bytes);
  // The same bytes spread uniformly over [start, end) (exact integer split: the parts
  // sum to `bytes`), so per-interval rates stay right for transfers longer than an
  // interval. end <= start counts everything at end. Cost: O(intervals spanned).
  void add_bytes_spread(TimeUs start, TimeUs end, Source source, std::uint32_t pop,
                        std::uint32_t rendition, std::uint32_t device, std::uint32_t nat,
                        std::uint32_t region, std::uint64_t bytes);

  // Concurrency. `now` must not decrease across these, stall_* and sample() calls
  // (std::invalid_argument otherwise); leaving with no viewer present throws std::logic_error.
  void viewer_joined(TimeUs now);
  void viewer_left(TimeUs now);

  // Rebuffering in progress (for the share of viewers stalling per interval). A viewer
  // that leaves while stalling must get stall_ended first.
  void stall_started(TimeUs now);
  void stall_ended(TimeUs now);

  // Optional periodic sample: viewers stalling now (used for the stalling share only if
  // stall_started/ended are never called) and the mean bitrate of the viewers playing now
  // (NaN if none: the sample is then ignored for the bitrate).
  // In log mode a finite mean is logged as (sum = mean, n = 1) and a non-finite one as "no
  // bitrate" (merge() then ignores it for the bitrate unless another part has one).
  void sample(TimeUs now, std::uint64_t viewers_stalling, double mean_bitrate_kbps);
  // Exactly sample(now, viewers_stalling, bitrate_viewers > 0 ? bitrate_sum_kbps /
  // bitrate_viewers : 0.0) (0.0, not NaN, when no viewer has a bitrate), but in log mode the
  // parts are logged so merge() combines partitions' samples at one instant as
  // (sum of sums) / (sum of n) over the whole audience.
  void sample_parts(TimeUs now, std::uint64_t viewers_stalling, double bitrate_sum_kbps,
                    std::uint64_t bitrate_viewers);

  // A P2P connection attempt between a viewer of NAT type nat_a (initiator) and nat_b.
  // success: the connection was established, directly or through TURN; relayed: through TURN.
  void connection_attempt(std::uint32_t nat_a, std::uint32_t nat_b, bool success, bool relayed);
  // One session's scheduler counters (call once per session: at departure or at the end).
  void add_scheduler(const SchedulerTotals& session);
  // Bytes a transfer had moved when it stopped without completing (already given to
  // add_bytes*): the waste of cancelled, timed-out and failed transfers.
  void add_wasted(Source source, std::uint64_t bytes) {
    wasted_[static_cast<std::size_t>(source)] += bytes;
  }

  void viewer_outcome(const ViewerOutcome& outcome);

  // Closes the integrals at `end` and computes everything. Bytes attributed at or after
  // `end` count in the last interval. Can be called more than once (for a partial run).
  Summary finish(TimeUs end);

  // One collector for the whole run from the collectors of its partitions, in a fixed part
  // order (the result depends only on that order, not on which thread filled which part).
  // Additive state (bytes, groups, NAT matrices, scheduler totals, outcomes, sketches) is
  // summed / merged in part order. Concurrency, stalls and samples are replayed from the
  // parts' logs through the result's own viewer_joined/viewer_left/stall_*/sample_parts in
  // time order; at equal times: part 0's join/leave/stall records in log order, then part
  // 1's, ..., then one combined sample if any part sampled at that instant (stalling = sum,
  // bitrate = sum of sums / sum of n, 0.0 if n = 0 unless every part's sample came from
  // sample() with no bitrate: then none). So a sample sees every change at its instant, even
  // one its part logged after it. If a part sampled r times at one instant, its r-th
  // sample joins the r-th combined sample. The result has keep_concurrency_log = true (it can
  // be merged again; merge is associative: merge({merge({a, b}), c}) == merge({a, b, c})).
  // A std::vector<MetricsCollector*> converts to the span. Throws std::invalid_argument if
  // parts is empty, holds a null pointer, a part was built without keep_concurrency_log, or
  // the configs differ (the message names the field and the part). Cost: O(R + T x K + I x K)
  // for R log records, T distinct logged instants, K parts, I intervals; no allocation per
  // record (the result's logs are reserved once).
  static MetricsCollector merge(std::span<const MetricsCollector* const> parts);

  const MetricsConfig& config() const { return config_; }
  std::uint64_t concurrency() const { return viewers_now_; }
  std::uint64_t stalling() const { return stalling_now_; }

 private:
  struct IntervalCounters {
    std::uint64_t cdn = 0, p2p = 0, turn = 0;
    std::int64_t viewer_us = 0;  // integral of concurrency over the interval
    std::int64_t stall_us = 0;   // integral of stalling viewers
    std::uint64_t viewers_peak = 0;
    std::uint32_t samples = 0, bitrate_samples = 0;
    double sample_stalling_share_sum = 0, bitrate_sum_kbps = 0;
  };
  struct GroupCounters {
    std::uint64_t cdn = 0, p2p = 0, turn = 0;
    std::uint64_t viewers = 0, started = 0, stalled = 0, rebuffer_n = 0, bitrate_n = 0;
    double rebuffer_sum = 0, startup_s_sum = 0, bitrate_sum = 0;
  };

  std::size_t interval_of(TimeUs t) const;
  IntervalCounters& interval(std::size_t k);  // grows the series as needed
  void advance(TimeUs now);                   // integrates concurrency/stalls up to now
  void count_bytes(std::size_t k, Source source, std::uint32_t pop, std::uint32_t rendition,
                   std::uint32_t device, std::uint32_t nat, std::uint32_t region,
                   std::uint64_t bytes);
  void check_indices(std::uint32_t pop, std::uint32_t rendition, std::uint32_t device,
                     std::uint32_t nat, std::uint32_t region) const;
  void sample_mean(TimeUs now, std::uint64_t viewers_stalling, double mean_bitrate_kbps);

  // Concurrency log (keep_concurrency_log only). A join/leave/stall record is one word:
  // time << 2 | kind, so logged times must be below 2^62 us (~146 000 years).
  enum class LogKind : std::uint8_t { kJoin, kLeave, kStallStart, kStallEnd };
  static constexpr TimeUs kMaxLoggedTime = (TimeUs{1} << 62) - 1;
  struct SampleRecord {
    TimeUs t = 0;
    std::uint64_t viewers_stalling = 0;
    double bitrate_sum_kbps = 0;        // sample_parts' sum, or sample()'s finite mean
    std::uint64_t bitrate_viewers = 0;  // sample_parts' n, or 1 for sample()'s finite mean
    bool has_bitrate = true;            // false: sample() with a non-finite mean
  };
  void check_loggable(TimeUs now) const;
  void log_event(TimeUs now, LogKind kind);
  void sample_logged(const SampleRecord& r);

  // Intervals allowed beyond the planned duration before a time is treated as a host bug.
  static constexpr std::size_t kMaxExtraIntervals = 100'000;

  MetricsConfig config_;
  std::size_t planned_intervals_ = 1;
  std::vector<IntervalCounters> intervals_;
  std::vector<std::uint64_t> cdn_by_pop_;  // interval-major: [k * pops + pop]
  std::vector<GroupCounters> by_device_, by_nat_, by_region_, by_rendition_;
  std::vector<std::uint64_t> nat_attempts_, nat_successes_, nat_relayed_;  // [a * nats + b]
  SchedulerTotals scheduler_;
  std::array<std::uint64_t, 3> wasted_{};  // by Source

  TimeUs last_t_ = 0;
  std::uint64_t viewers_now_ = 0, stalling_now_ = 0, peak_concurrency_ = 0;
  bool stall_events_used_ = false;
  std::vector<std::uint64_t> event_log_;  // time-ordered join/leave/stall records
  std::vector<SampleRecord> sample_log_;  // time-ordered samples

  std::uint64_t viewers_ = 0, started_ = 0, stalled_ = 0;
  DdSketch rebuffering_, stalls_per_hour_, startup_s_, bitrate_kbps_, switches_, watch_s_,
      viewer_offload_;
};

}  // namespace p2pcdn::analysis
