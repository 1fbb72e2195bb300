// Tests for analysis/metrics: MetricsCollector against hand-computed small cases.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <gtest/gtest.h>

#include "analysis/metrics/collector.hpp"

namespace p2pcdn::analysis {
namespace {

MetricsConfig small_config(TimeUs duration = seconds(30)) {
  MetricsConfig c;
  c.interval_us = seconds(10);
  c.duration_us = duration;
  c.pops = {"fra", "ams"};
  c.renditions = {"360p", "720p"};
  c.devices = {"mobile", "desktop"};
  c.nats = {"open", "symmetric"};
  c.regions = {"eu"};
  return c;
}

// bytes that make `gbps` over a `len_s`-second interval
std::uint64_t bytes_for(double gbps, double len_s) {
  return static_cast<std::uint64_t>(std::llround(gbps * 1e9 / 8 * len_s));
}

TEST(MetricsCollector, OffloadAndBreakdownsFromBytes) {
  MetricsCollector m(small_config());
  m.add_bytes(seconds(1), Source::kCdn, 0, 0, 0, 0, 0, 600);
  m.add_bytes(seconds(2), Source::kPeer, kNone, 1, 1, 1, 0, 300);
  m.add_bytes(seconds(3), Source::kTurn, kNone, 1, 1, 1, 0, 100);
  const Summary s = m.finish(seconds(30));
  EXPECT_EQ(s.bytes_cdn, 600u);
  EXPECT_EQ(s.bytes_p2p, 300u);
  EXPECT_EQ(s.bytes_turn, 100u);
  EXPECT_DOUBLE_EQ(s.offload, 0.3);
  ASSERT_EQ(s.by_device.size(), 2u);
  EXPECT_DOUBLE_EQ(s.by_device[0].offload, 0.0);
  EXPECT_DOUBLE_EQ(s.by_device[1].offload, 0.75);
  EXPECT_EQ(s.by_nat[1].bytes_p2p, 300u);
  EXPECT_DOUBLE_EQ(s.by_region[0].offload, 0.3);
  EXPECT_DOUBLE_EQ(s.by_rendition[1].offload, 0.75);
  EXPECT_EQ(s.cdn_by_pop[0].bytes, 600u);
  EXPECT_EQ(s.cdn_by_pop[1].bytes, 0u);
  EXPECT_EQ(s.server.bytes, 700u);
}

TEST(MetricsCollector, NothingDeliveredGivesZeroOffload) {
  MetricsCollector m(small_config());
  const Summary s = m.finish(seconds(30));
  EXPECT_EQ(s.offload, 0.0);
  EXPECT_TRUE(std::isnan(s.timeseries[0].offload));
  EXPECT_EQ(s.cdn.peak_gbps, 0.0);
}

TEST(MetricsCollector, IntervalAttributionAtBoundaries) {
  MetricsCollector m(small_config());
  m.add_bytes(seconds(10) - 1, Source::kCdn, 0, 0, 0, 0, 0, 1);      // last µs of interval 0
  m.add_bytes(seconds(10), Source::kCdn, 0, 0, 0, 0, 0, 10);         // first µs of interval 1
  m.add_bytes(seconds(30), Source::kCdn, 0, 0, 0, 0, 0, 100);        // at end: folds into the last
  m.add_bytes(seconds(45), Source::kPeer, kNone, 0, 0, 0, 0, 1000);  // after end: last too
  const Summary s = m.finish(seconds(30));
  ASSERT_EQ(s.timeseries.size(), 3u);
  EXPECT_DOUBLE_EQ(s.timeseries[0].cdn_gbps, 1 * 8 / 10.0 / 1e9);
  EXPECT_DOUBLE_EQ(s.timeseries[1].cdn_gbps, 10 * 8 / 10.0 / 1e9);
  EXPECT_DOUBLE_EQ(s.timeseries[2].cdn_gbps, 100 * 8 / 10.0 / 1e9);
  EXPECT_DOUBLE_EQ(s.timeseries[2].p2p_gbps, 1000 * 8 / 10.0 / 1e9);
  EXPECT_EQ(s.bytes_cdn, 111u);
  EXPECT_EQ(s.timeseries[1].t_start_s, 10.0);
  EXPECT_EQ(s.timeseries[1].t_end_s, 20.0);
}

TEST(MetricsCollector, PartialLastIntervalUsesItsLength) {
  MetricsCollector m(small_config());
  m.add_bytes(seconds(22), Source::kCdn, 1, 0, 0, 0, 0, bytes_for(1.0, 5));
  const Summary s = m.finish(seconds(25));
  ASSERT_EQ(s.timeseries.size(), 3u);
  EXPECT_DOUBLE_EQ(s.timeseries[2].t_end_s, 25.0);
  EXPECT_NEAR(s.timeseries[2].cdn_gbps, 1.0, 1e-12);
  EXPECT_NEAR(s.timeseries[2].cdn_gbps_by_pop[1], 1.0, 1e-12);
  EXPECT_NEAR(s.cdn.peak_gbps, 1.0, 1e-12);
  EXPECT_NEAR(s.cdn_by_pop[1].peak_gbps, 1.0, 1e-12);
  EXPECT_NEAR(s.cdn.mean_gbps, 1.0 * 5 / 25, 1e-12);
}

TEST(MetricsCollector, PeakAndP95OfAKnownSeries) {
  // 100 one-second intervals carrying 1..100 Gbit/s in shuffled order: p95 by
  // nearest rank is 95, the peak 100.
  MetricsConfig c = small_config(seconds(100));
  c.interval_us = seconds(1);
  MetricsCollector m(c);
  std::vector<int> order(100);
  std::iota(order.begin(), order.end(), 1);
  for (std::size_t i = 0; i < order.size(); ++i) std::swap(order[i], order[(i * 37) % 100]);
  for (int k = 0; k < 100; ++k) {
    m.add_bytes(seconds(k) + ms(500), Source::kCdn, 0, 0, 0, 0, 0, bytes_for(order[k], 1));
  }
  const Summary s = m.finish(seconds(100));
  EXPECT_NEAR(s.cdn.p95_gbps, 95.0, 1e-9);
  EXPECT_NEAR(s.cdn.peak_gbps, 100.0, 1e-9);
  EXPECT_NEAR(s.cdn_by_pop[0].p95_gbps, 95.0, 1e-9);
  EXPECT_NEAR(s.cdn.mean_gbps, 50.5, 1e-9);
  EXPECT_NEAR(s.server.p95_gbps, 95.0, 1e-9);
}

TEST(MetricsCollector, P95OfTwentyIntervals) {
  // n = 20: rank ceil(19) = 19 -> the second highest value.
  MetricsConfig c = small_config(seconds(20));
  c.interval_us = seconds(1);
  MetricsCollector m(c);
  for (int k = 0; k < 20; ++k) {
    m.add_bytes(seconds(k), Source::kCdn, 0, 0, 0, 0, 0, bytes_for(k + 1, 1));
  }
  const Summary s = m.finish(seconds(20));
  EXPECT_NEAR(s.cdn.p95_gbps, 19.0, 1e-9);
}

TEST(MetricsCollector, SpreadSplitsExactlyByOverlap) {
  MetricsCollector m(small_config());
  m.add_bytes_spread(seconds(5), seconds(25), Source::kCdn, 0, 0, 0, 0, 0, 1000);
  m.add_bytes_spread(seconds(0), seconds(30), Source::kPeer, kNone, 0, 0, 0, 0, 1001);
  m.add_bytes_spread(seconds(12), seconds(12), Source::kTurn, kNone, 0, 0, 0, 0, 7);
  const Summary s = m.finish(seconds(30));
  const auto b = [&](std::size_t k, double gb) { return std::llround(gb * 10 / 8 * 1e9); };
  EXPECT_EQ(b(0, s.timeseries[0].cdn_gbps), 250);
  EXPECT_EQ(b(1, s.timeseries[1].cdn_gbps), 500);
  EXPECT_EQ(b(2, s.timeseries[2].cdn_gbps), 250);
  EXPECT_EQ(s.bytes_p2p, 1001u);  // floors of cumulative shares: 333, 334, 334
  EXPECT_EQ(b(0, s.timeseries[0].p2p_gbps), 333);
  EXPECT_EQ(b(1, s.timeseries[1].p2p_gbps), 334);
  EXPECT_EQ(b(1, s.timeseries[1].turn_gbps), 7);
}

TEST(MetricsCollector, ConcurrencyIsTimeAveragedPerInterval) {
  MetricsCollector m(small_config(seconds(20)));
  m.viewer_joined(seconds(0));
  m.viewer_joined(seconds(5));
  m.viewer_left(seconds(15));
  const Summary s = m.finish(seconds(20));
  ASSERT_EQ(s.timeseries.size(), 2u);
  EXPECT_DOUBLE_EQ(s.timeseries[0].viewers, 1.5);  // 1 x 5 s + 2 x 5 s over 10 s
  EXPECT_DOUBLE_EQ(s.timeseries[1].viewers, 1.5);
  EXPECT_EQ(s.timeseries[0].viewers_peak, 2u);
  EXPECT_EQ(s.timeseries[1].viewers_peak, 2u);
  EXPECT_EQ(s.peak_concurrency, 2u);
}

TEST(MetricsCollector, StallingShareIsViewerTimeWeighted) {
  MetricsCollector m(small_config(seconds(20)));
  m.viewer_joined(0);
  m.viewer_joined(0);
  m.stall_started(seconds(2));
  m.stall_ended(seconds(7));
  const Summary s = m.finish(seconds(20));
  EXPECT_DOUBLE_EQ(s.timeseries[0].stalling_share, 5.0 / 20.0);
  EXPECT_DOUBLE_EQ(s.timeseries[1].stalling_share, 0.0);
}

TEST(MetricsCollector, SamplesGiveBitrateAndStallingShare) {
  MetricsCollector m(small_config(seconds(20)));
  for (int i = 0; i < 4; ++i) m.viewer_joined(0);
  m.sample(seconds(1), 1, 1000.0);
  m.sample(seconds(6), 3, 3000.0);
  m.sample(seconds(12), 0, std::nan(""));
  const Summary s = m.finish(seconds(20));
  EXPECT_DOUBLE_EQ(s.timeseries[0].stalling_share, (0.25 + 0.75) / 2);
  EXPECT_DOUBLE_EQ(s.timeseries[0].mean_bitrate_kbps, 2000.0);
  EXPECT_DOUBLE_EQ(s.timeseries[1].stalling_share, 0.0);
  EXPECT_TRUE(std::isnan(s.timeseries[1].mean_bitrate_kbps));
}

TEST(MetricsCollector, QoeDistributionsFromOutcomes) {
  MetricsCollector m(small_config());
  ViewerOutcome a;
  a.device = 0;
  a.nat = 0;
  a.region = 0;
  a.play_us = seconds(90);
  a.stall_us = seconds(10);
  a.startup_us = seconds(2);
  a.stalls = 2;
  a.bitrate_switches = 3;
  a.avg_bitrate_kbps = 3000;
  a.bytes_cdn = 100;
  a.bytes_p2p = 300;
  a.watch_us = seconds(102);
  ViewerOutcome b = a;
  b.device = 1;
  b.play_us = seconds(100);
  b.stall_us = 0;
  b.stalls = 0;
  b.startup_us = seconds(4);
  b.avg_bitrate_kbps = 1000;
  b.bitrate_switches = 1;
  ViewerOutcome never;  // left before the first frame
  never.device = 1;
  never.watch_us = seconds(3);
  m.viewer_outcome(a);
  m.viewer_outcome(b);
  m.viewer_outcome(never);
  const Summary s = m.finish(seconds(30));
  EXPECT_EQ(s.viewers, 3u);
  EXPECT_EQ(s.viewers_started, 2u);
  EXPECT_DOUBLE_EQ(s.never_started_share, 1.0 / 3);
  EXPECT_DOUBLE_EQ(s.stalled_share, 0.5);
  EXPECT_EQ(s.rebuffering_ratio.count, 2u);
  EXPECT_DOUBLE_EQ(s.rebuffering_ratio.mean, 0.05);
  EXPECT_NEAR(s.rebuffering_ratio.max, 0.1, 1e-12);
  EXPECT_EQ(s.rebuffering_ratio.min, 0.0);
  EXPECT_DOUBLE_EQ(s.stalls_per_hour.mean, (72.0 + 0.0) / 2);  // 2 stalls in 100 s
  EXPECT_DOUBLE_EQ(s.startup_s.mean, 3.0);
  EXPECT_NEAR(s.startup_s.max, 4.0, 1e-12);
  EXPECT_NEAR(s.startup_s.p50, 2.0, 0.02);  // lower quantile: rank floor(q (n - 1))
  EXPECT_DOUBLE_EQ(s.avg_bitrate_kbps.mean, 2000.0);
  EXPECT_DOUBLE_EQ(s.bitrate_switches.mean, 2.0);
  EXPECT_EQ(s.watch_s.count, 3u);
  EXPECT_DOUBLE_EQ(s.viewer_offload.mean, 0.75);
  EXPECT_EQ(s.rebuffering_ratio.cdf.size(), 101u);
  EXPECT_DOUBLE_EQ(s.rebuffering_ratio.cdf.back().probability, 1.0);
  // Breakdowns by device: a alone in group 0; b and `never` in group 1.
  EXPECT_EQ(s.by_device[0].viewers, 1u);
  EXPECT_DOUBLE_EQ(s.by_device[0].rebuffering_ratio_mean, 0.1);
  EXPECT_DOUBLE_EQ(s.by_device[0].stalled_share, 1.0);
  EXPECT_EQ(s.by_device[1].viewers, 2u);
  EXPECT_DOUBLE_EQ(s.by_device[1].rebuffering_ratio_mean, 0.0);
  EXPECT_DOUBLE_EQ(s.by_device[1].startup_s_mean, 4.0);
  EXPECT_EQ(s.by_nat[0].viewers, 2u);
  EXPECT_EQ(s.by_nat[1].viewers, 0u);
  EXPECT_TRUE(std::isnan(s.by_nat[1].rebuffering_ratio_mean));
}

TEST(MetricsCollector, EmptyDistributionsAreNaN) {
  MetricsCollector m(small_config());
  const Summary s = m.finish(seconds(30));
  EXPECT_EQ(s.rebuffering_ratio.count, 0u);
  EXPECT_TRUE(std::isnan(s.rebuffering_ratio.mean));
  EXPECT_TRUE(std::isnan(s.stalled_share));
  EXPECT_TRUE(s.startup_s.cdf.empty());
}

TEST(MetricsCollector, ConnectionsByNatPair) {
  MetricsCollector m(small_config());
  m.connection_attempt(0, 1, true, false);
  m.connection_attempt(0, 1, false, false);
  m.connection_attempt(1, 1, true, true);
  const Summary s = m.finish(seconds(30));
  EXPECT_EQ(s.connection_attempts, 3u);
  EXPECT_EQ(s.connection_successes, 2u);
  EXPECT_EQ(s.connection_relayed, 1u);
  ASSERT_EQ(s.connections_by_nat.size(), 2u);
  EXPECT_EQ(s.connections_by_nat[0].nat_a, "open");
  EXPECT_EQ(s.connections_by_nat[0].nat_b, "symmetric");
  EXPECT_EQ(s.connections_by_nat[0].attempts, 2u);
  EXPECT_EQ(s.connections_by_nat[0].successes, 1u);
  EXPECT_EQ(s.connections_by_nat[1].relayed, 1u);
}

TEST(MetricsCollector, SchedulerCountersAreSummedOverSessions) {
  MetricsCollector m(small_config());
  SchedulerTotals a;
  a.requests_sent = 10;
  a.requests_rejected = 4;
  a.p2p_segments = 5;
  a.decision_epochs = 100;
  SchedulerTotals b;
  b.requests_sent = 6;
  b.p2p_to_http_fallbacks = 2;
  b.p2p_segments = 3;
  b.epochs_skipped = 7;
  a.epochs_skipped = 5;
  m.add_scheduler(a);
  m.add_scheduler(b);
  const Summary s = m.finish(seconds(30));
  EXPECT_EQ(s.scheduler.requests_sent, 16u);
  EXPECT_EQ(s.scheduler.requests_rejected, 4u);
  EXPECT_EQ(s.scheduler.p2p_segments, 8u);
  EXPECT_EQ(s.scheduler.p2p_to_http_fallbacks, 2u);
  EXPECT_EQ(s.scheduler.decision_epochs, 100u);
  EXPECT_EQ(s.scheduler.epochs_skipped, 12u);
  EXPECT_EQ(s.scheduler.http_segments, 0u);
}

TEST(MetricsCollector, HostBugsAreReported) {
  MetricsCollector m(small_config());
  EXPECT_THROW(m.viewer_left(0), std::logic_error);
  EXPECT_THROW(m.stall_ended(0), std::logic_error);
  EXPECT_THROW(m.stall_started(0), std::logic_error);  // no viewer to stall
  m.viewer_joined(seconds(5));
  EXPECT_THROW(m.viewer_joined(seconds(4)), std::invalid_argument);
  EXPECT_THROW(m.add_bytes(0, Source::kCdn, 2, 0, 0, 0, 0, 1), std::out_of_range);
  EXPECT_THROW(m.add_bytes(-1, Source::kCdn, 0, 0, 0, 0, 0, 1), std::invalid_argument);
  EXPECT_THROW(m.connection_attempt(0, 2, true, false), std::out_of_range);
  EXPECT_THROW(m.add_bytes(kNever, Source::kCdn, 0, 0, 0, 0, 0, 1), std::invalid_argument);
  m.add_bytes(seconds(3600), Source::kCdn, 0, 0, 0, 0, 0, 1);  // a drain phase is fine
  ViewerOutcome o;
  o.region = 1;
  EXPECT_THROW(m.viewer_outcome(o), std::out_of_range);
  MetricsConfig bad = small_config();
  bad.interval_us = 0;
  EXPECT_THROW(MetricsCollector{bad}, std::invalid_argument);
}

TEST(MetricsCollector, FinishTwiceForPartialRuns) {
  MetricsCollector m(small_config());
  m.viewer_joined(0);
  m.add_bytes(seconds(1), Source::kCdn, 0, 0, 0, 0, 0, 10);
  const Summary partial = m.finish(seconds(10));
  EXPECT_EQ(partial.timeseries.size(), 1u);
  m.add_bytes(seconds(15), Source::kCdn, 0, 0, 0, 0, 0, 10);
  const Summary full = m.finish(seconds(30));
  EXPECT_EQ(full.timeseries.size(), 3u);
  EXPECT_EQ(full.bytes_cdn, 20u);
  EXPECT_DOUBLE_EQ(full.timeseries[2].viewers, 1.0);
}

TEST(MetricsCollector, ManyViewersKeepSketchesNotValues) {
  MetricsCollector m(small_config());
  ViewerOutcome o;
  o.play_us = seconds(100);
  o.startup_us = seconds(1);
  o.avg_bitrate_kbps = 2500;
  for (int i = 0; i < 20000; ++i) {
    o.stall_us = ms(i % 1000);
    m.viewer_outcome(o);
  }
  const Summary s = m.finish(seconds(30));
  EXPECT_EQ(s.rebuffering_ratio.count, 20000u);
  // exact median stall 499.5 ms..500 ms of ~100.5 s; the sketch is within 1 %
  EXPECT_NEAR(s.rebuffering_ratio.p50, 0.4995 / 100.4995, 0.01 * 0.005 + 1e-6);
}

}  // namespace
}  // namespace p2pcdn::analysis
