// MetricsCollector: what the simulator host reports while a run goes on, kept in
// bounded memory (O(intervals x PoPs) counters plus fixed-size sketches; nothing
// per viewer is kept), turned into a Summary by finish(). O(1) per call except
// the interval crossings of add_bytes_spread and of the time integrals.
// Must never include sim/ and never look at a clock: time comes in as `now`.
#pragma once
#include <cstdint>
#include <limits>
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
  void sample(TimeUs now, std::uint64_t viewers_stalling, double mean_bitrate_kbps);

  // A P2P connection attempt between a viewer of NAT type nat_a (initiator) and nat_b.
  // success: the connection was established, directly or through TURN; relayed: through TURN.
  void connection_attempt(std::uint32_t nat_a, std::uint32_t nat_b, bool success, bool relayed);
  // One session's scheduler counters (call once per session: at departure or at the end).
  void add_scheduler(const SchedulerTotals& session);

  void viewer_outcome(const ViewerOutcome& outcome);

  // Closes the integrals at `end` and computes everything. Bytes attributed at or after
  // `end` count in the last interval. Can be called more than once (for a partial run).
  Summary finish(TimeUs end);

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

  // Intervals allowed beyond the planned duration before a time is treated as a host bug.
  static constexpr std::size_t kMaxExtraIntervals = 100'000;

  MetricsConfig config_;
  std::size_t planned_intervals_ = 1;
  std::vector<IntervalCounters> intervals_;
  std::vector<std::uint64_t> cdn_by_pop_;  // interval-major: [k * pops + pop]
  std::vector<GroupCounters> by_device_, by_nat_, by_region_, by_rendition_;
  std::vector<std::uint64_t> nat_attempts_, nat_successes_, nat_relayed_;  // [a * nats + b]
  SchedulerTotals scheduler_;

  TimeUs last_t_ = 0;
  std::uint64_t viewers_now_ = 0, stalling_now_ = 0, peak_concurrency_ = 0;
  bool stall_events_used_ = false;

  std::uint64_t viewers_ = 0, started_ = 0, stalled_ = 0;
  DdSketch rebuffering_, stalls_per_hour_, startup_s_, bitrate_kbps_, switches_, watch_s_,
      viewer_offload_;
};

}  // namespace p2pcdn::analysis
