// Tests for MetricsCollector::merge and the concurrency log: partitions merged against one
// reference collector fed every call in the documented merge order, plus edge cases.
// std random is used here only to generate call scripts (the library never uses it).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "analysis/metrics/collector.hpp"

namespace p2pcdn::analysis {
namespace {

MetricsConfig merge_config(bool log = true) {
  MetricsConfig c;
  c.interval_us = seconds(10);
  c.duration_us = seconds(200);
  c.pops = {"fra", "ams", "par"};
  c.renditions = {"360p", "720p", "1080p"};
  c.devices = {"mobile", "desktop"};
  c.nats = {"open", "cone", "symmetric"};
  c.regions = {"eu", "us"};
  c.keep_concurrency_log = log;
  return c;
}

// ---------------------------------------------------------------------------------------------
// Call scripts.

struct Call {
  enum Kind {
    kJoin,
    kLeave,
    kStallStart,
    kStallEnd,
    kBytes,
    kSpread,
    kOutcome,
    kConn,
    kSched,
    kSample
  };
  Kind kind = kJoin;
  TimeUs t = 0;  // the script time (the order key); add_bytes* carry their own times below
  TimeUs t1 = 0, t2 = 0;
  Source source = Source::kCdn;
  std::uint32_t pop = kNone, rendition = kNone, device = kNone, nat = kNone, region = kNone;
  std::uint64_t bytes = 0;
  ViewerOutcome outcome;
  std::uint32_t nat_a = 0, nat_b = 0;
  bool success = false, relayed = false;
  SchedulerTotals sched;
  std::uint64_t stalling = 0;
  double bitrate_sum_kbps = 0;
  std::uint64_t bitrate_n = 0;
};

void apply(MetricsCollector& m, const Call& c) {
  switch (c.kind) {
    case Call::kJoin:
      m.viewer_joined(c.t);
      break;
    case Call::kLeave:
      m.viewer_left(c.t);
      break;
    case Call::kStallStart:
      m.stall_started(c.t);
      break;
    case Call::kStallEnd:
      m.stall_ended(c.t);
      break;
    case Call::kBytes:
      m.add_bytes(c.t1, c.source, c.pop, c.rendition, c.device, c.nat, c.region, c.bytes);
      break;
    case Call::kSpread:
      m.add_bytes_spread(c.t1, c.t2, c.source, c.pop, c.rendition, c.device, c.nat, c.region,
                         c.bytes);
      break;
    case Call::kOutcome:
      m.viewer_outcome(c.outcome);
      break;
    case Call::kConn:
      m.connection_attempt(c.nat_a, c.nat_b, c.success, c.relayed);
      break;
    case Call::kSched:
      m.add_scheduler(c.sched);
      break;
    case Call::kSample:
      m.sample_parts(c.t, c.stalling, c.bitrate_sum_kbps, c.bitrate_n);
      break;
  }
}

struct ScriptOptions {
  bool stall_events = true;  // false: the stalling share comes from the samples
  TimeUs end_us = seconds(200);
  int calls = 3000;
};

// A valid script for one part: times on a 250 ms grid (many ties across parts, within a part
// and on interval boundaries), samples at every multiple of interval_us up to end_us, each
// after the part's other calls at that instant.
std::vector<Call> make_script(std::mt19937_64& rng, const MetricsConfig& cfg,
                              const ScriptOptions& opt) {
  const auto pick = [&](std::uint64_t n) {  // uniform in [0, n)
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
  };
  const auto real = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  const auto index_or_none = [&](std::size_t n) {
    return pick(5) == 0 ? kNone : static_cast<std::uint32_t>(pick(n));
  };
  const TimeUs grid = ms(250);
  // Mean step chosen so the calls fill the whole run.
  const auto max_steps = static_cast<std::uint64_t>(2 * opt.end_us / grid / opt.calls) + 1;

  std::vector<Call> out;
  std::uint64_t viewers = 0, stalling = 0;
  TimeUs t = 0, next_sample = 0;
  const auto emit_samples_before = [&](TimeUs limit) {  // samples at s < limit
    while (next_sample < limit && next_sample <= opt.end_us) {
      Call c;
      c.kind = Call::kSample;
      c.t = next_sample;
      c.stalling = opt.stall_events ? stalling : pick(viewers + 1);
      c.bitrate_n = pick(4) == 0 ? 0 : pick(viewers + 1);
      for (std::uint64_t i = 0; i < c.bitrate_n; ++i) c.bitrate_sum_kbps += real(300, 6000);
      out.push_back(c);
      next_sample += cfg.interval_us;
    }
  };
  for (int step = 0; step < opt.calls; ++step) {
    if (pick(3) != 0) t += grid * static_cast<TimeUs>(pick(max_steps + 1));
    if (t > opt.end_us) break;
    emit_samples_before(t);
    Call c;
    c.t = t;
    const std::uint64_t r = pick(100);
    if (r < 22) {
      c.kind = Call::kJoin;
      ++viewers;
    } else if (r < 38) {
      if (viewers <= stalling) continue;
      c.kind = Call::kLeave;
      --viewers;
    } else if (r < 46) {
      if (!opt.stall_events || stalling >= viewers) continue;
      c.kind = Call::kStallStart;
      ++stalling;
    } else if (r < 53) {
      if (stalling == 0) continue;
      c.kind = Call::kStallEnd;
      --stalling;
    } else if (r < 80) {
      c.kind = r < 68 ? Call::kBytes : Call::kSpread;
      c.source = static_cast<Source>(pick(3));
      c.pop = c.source == Source::kCdn ? index_or_none(cfg.pops.size()) : kNone;
      c.rendition = index_or_none(cfg.renditions.size());
      c.device = index_or_none(cfg.devices.size());
      c.nat = index_or_none(cfg.nats.size());
      c.region = index_or_none(cfg.regions.size());
      c.bytes = pick(3'000'000);
      // Byte times need not be ordered; some land past duration_us (the drain phase).
      c.t1 = std::max<TimeUs>(0, t + ms(static_cast<std::int64_t>(pick(40'000))) - seconds(20));
      c.t2 = std::max<TimeUs>(  // may be <= t1: all counted at t2
          0, c.t1 + ms(static_cast<std::int64_t>(pick(40'000))) - seconds(5));
    } else if (r < 90) {
      c.kind = Call::kOutcome;
      ViewerOutcome& o = c.outcome;
      o.device = index_or_none(cfg.devices.size());
      o.nat = index_or_none(cfg.nats.size());
      o.region = index_or_none(cfg.regions.size());
      o.rendition = index_or_none(cfg.renditions.size());
      o.play_us = pick(5) == 0 ? 0 : ms(static_cast<std::int64_t>(pick(600'000)));
      o.stall_us = pick(2) == 0 ? 0 : ms(static_cast<std::int64_t>(pick(20'000)));
      o.startup_us = pick(8) == 0 ? -1 : ms(static_cast<std::int64_t>(pick(8000)));
      o.stalls = static_cast<std::uint32_t>(pick(6));
      o.bitrate_switches = static_cast<std::uint32_t>(pick(10));
      o.avg_bitrate_kbps = real(300, 6000);
      o.bytes_cdn = pick(1'000'000);
      o.bytes_p2p = pick(3) == 0 ? 0 : pick(1'000'000);
      o.bytes_turn = pick(100'000);
      o.watch_us = o.play_us + o.stall_us + std::max<TimeUs>(o.startup_us, 0);
    } else if (r < 95) {
      c.kind = Call::kConn;
      c.nat_a = static_cast<std::uint32_t>(pick(cfg.nats.size()));
      c.nat_b = static_cast<std::uint32_t>(pick(cfg.nats.size()));
      c.success = pick(3) != 0;
      c.relayed = c.success && pick(4) == 0;
    } else {
      c.kind = Call::kSched;
      SchedulerTotals& s = c.sched;
      for (std::uint64_t* f :
           {&s.http_segments, &s.p2p_segments, &s.http_failures, &s.requests_sent,
            &s.requests_rejected, &s.requests_timed_out, &s.requests_failed,
            &s.p2p_to_http_fallbacks, &s.uploads_served, &s.uploads_rejected, &s.integrity_failures,
            &s.peers_banned, &s.malformed_messages, &s.decision_epochs, &s.epochs_skipped}) {
        *f = pick(50);
      }
    }
    out.push_back(c);
  }
  emit_samples_before(opt.end_us + 1);
  return out;
}

// The reference: every part's calls in one collector, in the order merge() documents: by
// time; at equal times part 0's calls in script order, then part 1's, ...; then one sample
// for the instant with the parts' stalling counts, bitrate sums and counts summed in part order.
MetricsCollector reference_of(const std::vector<std::vector<Call>>& scripts) {
  struct Key {
    TimeUs t;
    bool sample;
    std::size_t part, seq;
  };
  std::vector<Key> keys;
  for (std::size_t p = 0; p < scripts.size(); ++p) {
    for (std::size_t i = 0; i < scripts[p].size(); ++i) {
      keys.push_back({scripts[p][i].t, scripts[p][i].kind == Call::kSample, p, i});
    }
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    if (a.t != b.t) return a.t < b.t;
    if (a.sample != b.sample) return !a.sample;
    if (a.part != b.part) return a.part < b.part;
    return a.seq < b.seq;
  });
  MetricsCollector ref(merge_config(false));
  for (std::size_t i = 0; i < keys.size();) {
    const Call& c = scripts[keys[i].part][keys[i].seq];
    if (!keys[i].sample) {
      apply(ref, c);
      ++i;
      continue;
    }
    Call combined = c;  // this script has one sample per part per instant
    for (++i; i < keys.size() && keys[i].t == c.t; ++i) {
      const Call& more = scripts[keys[i].part][keys[i].seq];
      combined.stalling += more.stalling;
      combined.bitrate_sum_kbps += more.bitrate_sum_kbps;
      combined.bitrate_n += more.bitrate_n;
    }
    apply(ref, combined);
  }
  return ref;
}

MetricsCollector run_part(const std::vector<Call>& script, bool log = true) {
  MetricsCollector m(merge_config(log));
  for (const Call& c : script) apply(m, c);
  return m;
}

Summary finish_copy(const MetricsCollector& m, TimeUs end) {
  MetricsCollector copy = m;  // finish() advances the clock: keep the original mergeable
  return copy.finish(end);
}

// ---------------------------------------------------------------------------------------------
// Field-by-field comparison.

// kExact: every double bit for bit (NaN equals NaN). kSummationOrder: per-viewer sums (group
// means, sketch means) may differ in the last bits, because a merge adds each part's sum to
// the others' while one collector adds the same values interleaved in time order.
enum class Match { kExact, kSummationOrder };

void expect_same(double a, double b, const std::string& what) {
  if (std::isnan(a) || std::isnan(b)) {
    EXPECT_TRUE(std::isnan(a) && std::isnan(b)) << what << ": " << a << " vs " << b;
  } else {
    EXPECT_EQ(a, b) << what;
  }
}

void expect_sum(double a, double b, Match match, const std::string& what) {
  if (match == Match::kExact || std::isnan(a) || std::isnan(b)) {
    expect_same(a, b, what);
  } else {
    EXPECT_LE(std::fabs(a - b), 1e-12 * std::max(std::fabs(a), std::fabs(b))) << what;
  }
}

void expect_egress(const EgressSummary& a, const EgressSummary& b, const std::string& what) {
  EXPECT_EQ(a.name, b.name) << what;
  EXPECT_EQ(a.bytes, b.bytes) << what;
  expect_same(a.mean_gbps, b.mean_gbps, what + ".mean_gbps");
  expect_same(a.peak_gbps, b.peak_gbps, what + ".peak_gbps");
  expect_same(a.p95_gbps, b.p95_gbps, what + ".p95_gbps");
}

void expect_distribution(const DistributionSummary& a, const DistributionSummary& b, Match match,
                         const std::string& what) {
  EXPECT_EQ(a.count, b.count) << what;
  expect_sum(a.mean, b.mean, match, what + ".mean");
  // Quantiles, min, max and the CDF come from exact bucket counts and exact extremes.
  expect_same(a.p50, b.p50, what + ".p50");
  expect_same(a.p90, b.p90, what + ".p90");
  expect_same(a.p99, b.p99, what + ".p99");
  expect_same(a.min, b.min, what + ".min");
  expect_same(a.max, b.max, what + ".max");
  ASSERT_EQ(a.cdf.size(), b.cdf.size()) << what;
  for (std::size_t i = 0; i < a.cdf.size(); ++i) {
    expect_same(a.cdf[i].value, b.cdf[i].value, what + ".cdf.value");
    expect_same(a.cdf[i].probability, b.cdf[i].probability, what + ".cdf.probability");
  }
}

void expect_groups(const std::vector<GroupBreakdown>& a, const std::vector<GroupBreakdown>& b,
                   Match match, const std::string& what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const std::string w = what + "[" + std::to_string(i) + "]";
    EXPECT_EQ(a[i].name, b[i].name) << w;
    EXPECT_EQ(a[i].bytes_cdn, b[i].bytes_cdn) << w;
    EXPECT_EQ(a[i].bytes_p2p, b[i].bytes_p2p) << w;
    EXPECT_EQ(a[i].bytes_turn, b[i].bytes_turn) << w;
    expect_same(a[i].offload, b[i].offload, w + ".offload");
    EXPECT_EQ(a[i].viewers, b[i].viewers) << w;
    expect_same(a[i].stalled_share, b[i].stalled_share, w + ".stalled_share");
    expect_sum(a[i].rebuffering_ratio_mean, b[i].rebuffering_ratio_mean, match, w + ".rebuf");
    expect_sum(a[i].startup_s_mean, b[i].startup_s_mean, match, w + ".startup");
    expect_sum(a[i].avg_bitrate_kbps_mean, b[i].avg_bitrate_kbps_mean, match, w + ".bitrate");
  }
}

void expect_summaries(const Summary& a, const Summary& b, Match match) {
  EXPECT_EQ(a.interval_us, b.interval_us);
  EXPECT_EQ(a.end_us, b.end_us);
  EXPECT_EQ(a.pops, b.pops);
  EXPECT_EQ(a.renditions, b.renditions);
  EXPECT_EQ(a.devices, b.devices);
  EXPECT_EQ(a.nats, b.nats);
  EXPECT_EQ(a.regions, b.regions);

  EXPECT_EQ(a.bytes_cdn, b.bytes_cdn);
  EXPECT_EQ(a.bytes_p2p, b.bytes_p2p);
  EXPECT_EQ(a.bytes_turn, b.bytes_turn);
  expect_same(a.offload, b.offload, "offload");
  expect_egress(a.cdn, b.cdn, "cdn");
  expect_egress(a.turn, b.turn, "turn");
  expect_egress(a.server, b.server, "server");
  ASSERT_EQ(a.cdn_by_pop.size(), b.cdn_by_pop.size());
  for (std::size_t i = 0; i < a.cdn_by_pop.size(); ++i) {
    expect_egress(a.cdn_by_pop[i], b.cdn_by_pop[i], "cdn_by_pop[" + std::to_string(i) + "]");
  }

  EXPECT_EQ(a.connection_attempts, b.connection_attempts);
  EXPECT_EQ(a.connection_successes, b.connection_successes);
  EXPECT_EQ(a.connection_relayed, b.connection_relayed);
  ASSERT_EQ(a.connections_by_nat.size(), b.connections_by_nat.size());
  for (std::size_t i = 0; i < a.connections_by_nat.size(); ++i) {
    EXPECT_EQ(a.connections_by_nat[i].nat_a, b.connections_by_nat[i].nat_a);
    EXPECT_EQ(a.connections_by_nat[i].nat_b, b.connections_by_nat[i].nat_b);
    EXPECT_EQ(a.connections_by_nat[i].attempts, b.connections_by_nat[i].attempts);
    EXPECT_EQ(a.connections_by_nat[i].successes, b.connections_by_nat[i].successes);
    EXPECT_EQ(a.connections_by_nat[i].relayed, b.connections_by_nat[i].relayed);
  }

  const SchedulerTotals &sa = a.scheduler, &sb = b.scheduler;
  EXPECT_EQ(sa.http_segments, sb.http_segments);
  EXPECT_EQ(sa.p2p_segments, sb.p2p_segments);
  EXPECT_EQ(sa.http_failures, sb.http_failures);
  EXPECT_EQ(sa.requests_sent, sb.requests_sent);
  EXPECT_EQ(sa.requests_rejected, sb.requests_rejected);
  EXPECT_EQ(sa.requests_timed_out, sb.requests_timed_out);
  EXPECT_EQ(sa.requests_failed, sb.requests_failed);
  EXPECT_EQ(sa.p2p_to_http_fallbacks, sb.p2p_to_http_fallbacks);
  EXPECT_EQ(sa.uploads_served, sb.uploads_served);
  EXPECT_EQ(sa.uploads_rejected, sb.uploads_rejected);
  EXPECT_EQ(sa.integrity_failures, sb.integrity_failures);
  EXPECT_EQ(sa.peers_banned, sb.peers_banned);
  EXPECT_EQ(sa.malformed_messages, sb.malformed_messages);
  EXPECT_EQ(sa.decision_epochs, sb.decision_epochs);
  EXPECT_EQ(sa.epochs_skipped, sb.epochs_skipped);

  EXPECT_EQ(a.viewers, b.viewers);
  EXPECT_EQ(a.viewers_started, b.viewers_started);
  EXPECT_EQ(a.peak_concurrency, b.peak_concurrency);
  expect_same(a.never_started_share, b.never_started_share, "never_started_share");
  expect_same(a.stalled_share, b.stalled_share, "stalled_share");

  expect_distribution(a.rebuffering_ratio, b.rebuffering_ratio, match, "rebuffering_ratio");
  expect_distribution(a.stalls_per_hour, b.stalls_per_hour, match, "stalls_per_hour");
  expect_distribution(a.startup_s, b.startup_s, match, "startup_s");
  expect_distribution(a.avg_bitrate_kbps, b.avg_bitrate_kbps, match, "avg_bitrate_kbps");
  expect_distribution(a.bitrate_switches, b.bitrate_switches, match, "bitrate_switches");
  expect_distribution(a.watch_s, b.watch_s, match, "watch_s");
  expect_distribution(a.viewer_offload, b.viewer_offload, match, "viewer_offload");

  expect_groups(a.by_device, b.by_device, match, "by_device");
  expect_groups(a.by_nat, b.by_nat, match, "by_nat");
  expect_groups(a.by_region, b.by_region, match, "by_region");
  expect_groups(a.by_rendition, b.by_rendition, match, "by_rendition");

  // The time series is exact even against the reference: bytes and integrals are integers,
  // and the merged samples replay the same sums in the same order as the reference's.
  ASSERT_EQ(a.timeseries.size(), b.timeseries.size());
  for (std::size_t k = 0; k < a.timeseries.size(); ++k) {
    const TimeseriesRow &x = a.timeseries[k], &y = b.timeseries[k];
    const std::string w = "timeseries[" + std::to_string(k) + "]";
    expect_same(x.t_start_s, y.t_start_s, w + ".t_start_s");
    expect_same(x.t_end_s, y.t_end_s, w + ".t_end_s");
    expect_same(x.viewers, y.viewers, w + ".viewers");
    EXPECT_EQ(x.viewers_peak, y.viewers_peak) << w;
    expect_same(x.cdn_gbps, y.cdn_gbps, w + ".cdn_gbps");
    expect_same(x.p2p_gbps, y.p2p_gbps, w + ".p2p_gbps");
    expect_same(x.turn_gbps, y.turn_gbps, w + ".turn_gbps");
    expect_same(x.offload, y.offload, w + ".offload");
    expect_same(x.stalling_share, y.stalling_share, w + ".stalling_share");
    expect_same(x.mean_bitrate_kbps, y.mean_bitrate_kbps, w + ".mean_bitrate_kbps");
    ASSERT_EQ(x.cdn_gbps_by_pop.size(), y.cdn_gbps_by_pop.size()) << w;
    for (std::size_t p = 0; p < x.cdn_gbps_by_pop.size(); ++p) {
      expect_same(x.cdn_gbps_by_pop[p], y.cdn_gbps_by_pop[p], w + ".cdn_gbps_by_pop");
    }
  }
}

// ---------------------------------------------------------------------------------------------

struct Scripts {
  std::vector<std::vector<Call>> calls;
  std::vector<MetricsCollector> parts;
  std::vector<const MetricsCollector*> pointers() const {
    std::vector<const MetricsCollector*> out;
    for (const MetricsCollector& m : parts) out.push_back(&m);
    return out;
  }
};

// Three parts ending at different times (the last one past duration_us: series of different
// lengths), each with its own collector.
Scripts three_parts(std::uint64_t seed, bool stall_events) {
  std::mt19937_64 rng(seed);
  Scripts s;
  const TimeUs ends[] = {seconds(150), seconds(200), seconds(230)};
  for (const TimeUs end : ends) {
    s.calls.push_back(make_script(rng, merge_config(), {stall_events, end, 3000}));
    s.parts.push_back(run_part(s.calls.back()));
  }
  return s;
}

void check_against_reference(std::uint64_t seed, bool stall_events) {
  const Scripts s = three_parts(seed, stall_events);
  const MetricsCollector merged = MetricsCollector::merge(s.pointers());
  const MetricsCollector ref = reference_of(s.calls);
  for (const TimeUs end : {seconds(230), seconds(240), seconds(305)}) {
    SCOPED_TRACE("end = " + std::to_string(end));
    const Summary got = finish_copy(merged, end);
    const Summary want = finish_copy(ref, end);
    expect_summaries(got, want, Match::kSummationOrder);
  }

  // The data must exercise what is not additive, or the test would prove little: the merged
  // peak is neither the parts' largest peak nor their sum, and some interval's peak differs
  // from the sum of the parts' peaks.
  const Summary got = finish_copy(merged, seconds(240));
  std::uint64_t max_peak = 0, sum_peak = 0;
  std::vector<Summary> own;
  for (const MetricsCollector& m : s.parts) {
    own.push_back(finish_copy(m, seconds(240)));
    max_peak = std::max(max_peak, own.back().peak_concurrency);
    sum_peak += own.back().peak_concurrency;
  }
  EXPECT_GT(got.peak_concurrency, max_peak);
  EXPECT_LT(got.peak_concurrency, sum_peak);
  bool row_differs = false;
  int sampled_rows = 0;
  for (std::size_t k = 0; k < got.timeseries.size(); ++k) {
    std::uint64_t sum = 0;
    for (const Summary& o : own) sum += o.timeseries[k].viewers_peak;
    row_differs = row_differs || got.timeseries[k].viewers_peak != sum;
    sampled_rows +=
        std::isfinite(got.timeseries[k].stalling_share) && got.timeseries[k].stalling_share > 0;
  }
  EXPECT_TRUE(row_differs);
  EXPECT_GT(sampled_rows, 10);
  EXPECT_GT(got.viewers, 500u);
  EXPECT_GT(got.bytes_cdn, 0u);
}

TEST(MetricsMerge, MatchesOneCollectorFedInMergeOrderWithStallEvents) {
  check_against_reference(42, true);
  check_against_reference(7, true);
}

TEST(MetricsMerge, MatchesOneCollectorFedInMergeOrderWithSampledStalls) {
  // No stall_started/ended: the stalling share comes from the samples' combined counts.
  check_against_reference(1234, false);
  check_against_reference(99, false);
}

TEST(MetricsMerge, SinglePartGivesItsOwnSummary) {
  for (const bool stalls : {true, false}) {
    std::mt19937_64 rng(stalls ? 5 : 6);
    const MetricsCollector part = run_part(make_script(rng, merge_config(), {stalls}));
    const MetricsCollector* parts[] = {&part};
    const MetricsCollector merged = MetricsCollector::merge(parts);
    for (const TimeUs end : {seconds(200), seconds(255)}) {
      expect_summaries(finish_copy(merged, end), finish_copy(part, end), Match::kExact);
    }
  }
}

TEST(MetricsMerge, DeterministicAndIndependentOfTheThreadThatFilledAPart) {
  const Scripts s = three_parts(2024, true);
  const Summary a = finish_copy(MetricsCollector::merge(s.pointers()), seconds(240));
  const Summary b = finish_copy(MetricsCollector::merge(s.pointers()), seconds(240));
  expect_summaries(a, b, Match::kExact);

  // The same parts filled on three threads at once.
  std::vector<MetricsCollector> threaded(3, MetricsCollector(merge_config()));
  std::vector<std::thread> threads;
  for (std::size_t p = 0; p < 3; ++p) {
    threads.emplace_back([&, p] {
      for (const Call& c : s.calls[p]) apply(threaded[p], c);
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<MetricsCollector*> pointers;  // a vector of non-const pointers converts too
  for (MetricsCollector& m : threaded) pointers.push_back(&m);
  expect_summaries(finish_copy(MetricsCollector::merge(pointers), seconds(240)), a, Match::kExact);
}

TEST(MetricsMerge, MergedCollectorMergesAgainAssociatively) {
  const Scripts s = three_parts(77, false);
  const MetricsCollector* first_two[] = {&s.parts[0], &s.parts[1]};
  const MetricsCollector ab = MetricsCollector::merge(first_two);
  EXPECT_TRUE(ab.config().keep_concurrency_log);
  const MetricsCollector* nested[] = {&ab, &s.parts[2]};
  const MetricsCollector* flat[] = {&s.parts[0], &s.parts[1], &s.parts[2]};
  expect_summaries(finish_copy(MetricsCollector::merge(nested), seconds(240)),
                   finish_copy(MetricsCollector::merge(flat), seconds(240)), Match::kExact);
}

TEST(MetricsMerge, LogDoesNotChangeAPartsOwnSummary) {
  std::mt19937_64 rng(11);
  const std::vector<Call> script = make_script(rng, merge_config(), {});
  expect_summaries(finish_copy(run_part(script, true), seconds(200)),
                   finish_copy(run_part(script, false), seconds(200)), Match::kExact);
}

// --- Documented rules at one instant ---------------------------------------------------------

TEST(MetricsMerge, SampleSeesEveryChangeAtItsInstant) {
  // Part 0 samples at 10 s before two joins at 10 s: its own sample sees 1 viewer stalling of
  // 1, the merged sample sees 1 of 3 (the rule: samples after all records of their instant).
  MetricsCollector a(merge_config());
  a.viewer_joined(0);
  a.sample_parts(seconds(10), 1, 0, 0);
  a.viewer_joined(seconds(10));
  a.viewer_joined(seconds(10));
  const MetricsCollector* parts[] = {&a};
  EXPECT_DOUBLE_EQ(finish_copy(a, seconds(20)).timeseries[1].stalling_share, 1.0);
  EXPECT_DOUBLE_EQ(
      finish_copy(MetricsCollector::merge(parts), seconds(20)).timeseries[1].stalling_share,
      1.0 / 3.0);
}

TEST(MetricsMerge, RepeatedSamplesAtOneInstantCombineRoundByRound) {
  MetricsCollector a(merge_config()), b(merge_config());
  for (int i = 0; i < 2; ++i) a.viewer_joined(0);
  for (int i = 0; i < 2; ++i) b.viewer_joined(0);
  a.sample_parts(seconds(5), 2, 1000, 1);  // round 1 with b's: 3 of 4 stalling, (1000+3000)/3
  a.sample_parts(seconds(5), 0, 500, 1);   // round 2 alone: 0 of 4, 500
  b.sample_parts(seconds(5), 1, 3000, 2);
  const MetricsCollector* parts[] = {&a, &b};
  const TimeseriesRow row = finish_copy(MetricsCollector::merge(parts), seconds(10)).timeseries[0];
  EXPECT_DOUBLE_EQ(row.stalling_share, (3.0 / 4.0 + 0.0) / 2.0);
  EXPECT_DOUBLE_EQ(row.mean_bitrate_kbps, (4000.0 / 3.0 + 500.0) / 2.0);
}

TEST(MetricsMerge, PlainSamplesMergeTheirBitrates) {
  const auto merged_bitrate = [](auto fill_a, auto fill_b) {
    MetricsCollector a(merge_config()), b(merge_config());
    a.viewer_joined(0);
    b.viewer_joined(0);
    fill_a(a);
    fill_b(b);
    const MetricsCollector* parts[] = {&a, &b};
    return finish_copy(MetricsCollector::merge(parts), seconds(10)).timeseries[0].mean_bitrate_kbps;
  };
  const auto nan = [](MetricsCollector& m) { m.sample(seconds(5), 0, std::nan("")); };
  const auto plain = [](MetricsCollector& m) { m.sample(seconds(5), 0, 900.0); };
  const auto none = [](MetricsCollector& m) { m.sample_parts(seconds(5), 0, 0.0, 0); };
  const auto parts3 = [](MetricsCollector& m) { m.sample_parts(seconds(5), 0, 600.0, 3); };
  EXPECT_TRUE(std::isnan(merged_bitrate(nan, nan)));    // no bitrate anywhere: ignored
  EXPECT_DOUBLE_EQ(merged_bitrate(plain, nan), 900.0);  // a finite mean counts as n = 1
  EXPECT_DOUBLE_EQ(merged_bitrate(plain, parts3), 1500.0 / 4.0);
  EXPECT_EQ(merged_bitrate(none, nan), 0.0);  // sample_parts' n = 0 means 0.0, as on its own
  EXPECT_DOUBLE_EQ(merged_bitrate(nan, parts3), 200.0);
}

// --- sample_parts == sample(mean) -------------------------------------------------------------

TEST(MetricsMerge, SamplePartsEqualsSampleWithTheMean) {
  struct Case {
    std::uint64_t stalling;
    double sum;
    std::uint64_t n;
  };
  for (const bool log : {false, true}) {
    MetricsCollector with_parts(merge_config(log)), with_mean(merge_config(log));
    for (MetricsCollector* m : {&with_parts, &with_mean}) {
      for (int i = 0; i < 7; ++i) m->viewer_joined(0);
    }
    const Case cases[] = {{0, 0.0, 0}, {3, 1234.5, 3}, {1, 0.1 + 0.2, 7}, {9, 5000.0, 0}};
    TimeUs t = seconds(1);
    for (const Case& c : cases) {
      with_parts.sample_parts(t, c.stalling, c.sum, c.n);
      with_mean.sample(t, c.stalling, c.n > 0 ? c.sum / static_cast<double>(c.n) : 0.0);
      t += seconds(10);
    }
    const Summary a = finish_copy(with_parts, t), b = finish_copy(with_mean, t);
    expect_summaries(a, b, Match::kExact);
    EXPECT_EQ(a.timeseries[0].mean_bitrate_kbps, 0.0);  // n == 0: 0.0, not NaN (ignored)
    EXPECT_EQ(a.timeseries[3].mean_bitrate_kbps, 0.0);
    EXPECT_EQ(a.timeseries[1].mean_bitrate_kbps, 1234.5 / 3);
  }
}

// --- Errors -----------------------------------------------------------------------------------

void expect_merge_error(std::span<const MetricsCollector* const> parts,
                        const std::vector<std::string>& words) {
  try {
    (void)MetricsCollector::merge(parts);
    ADD_FAILURE() << "merge did not throw";
  } catch (const std::invalid_argument& e) {
    for (const std::string& w : words) {
      EXPECT_NE(std::string(e.what()).find(w), std::string::npos) << e.what() << " lacks " << w;
    }
  }
}

TEST(MetricsMerge, RejectsEmptyMismatchedAndUnloggedParts) {
  expect_merge_error({}, {"no parts"});
  const MetricsCollector good(merge_config());
  const MetricsCollector* with_null[] = {&good, nullptr};
  expect_merge_error(with_null, {"part 1", "null"});
  const MetricsCollector unlogged(merge_config(false));
  const MetricsCollector* no_log[] = {&good, &unlogged};
  expect_merge_error(no_log, {"part 1", "keep_concurrency_log"});

  const auto variant = [](auto change) {
    MetricsConfig c = merge_config();
    change(c);
    return MetricsCollector(c);
  };
  const std::pair<std::string, MetricsCollector> others[] = {
      {"interval_us", variant([](MetricsConfig& c) { c.interval_us = seconds(5); })},
      {"duration_us", variant([](MetricsConfig& c) { c.duration_us = seconds(100); })},
      {"pops", variant([](MetricsConfig& c) { c.pops.pop_back(); })},
      {"renditions", variant([](MetricsConfig& c) { c.renditions[0] = "240p"; })},
      {"devices", variant([](MetricsConfig& c) { c.devices.push_back("tv"); })},
      {"nats", variant([](MetricsConfig& c) { std::swap(c.nats[0], c.nats[1]); })},
      {"regions", variant([](MetricsConfig& c) { c.regions = {"eu"}; })},
  };
  for (const auto& [field, other] : others) {
    const MetricsCollector* mismatched[] = {&good, &good, &other};
    expect_merge_error(mismatched, {"part 2", field});
  }
}

TEST(MetricsMerge, LogModeRejectsTimesTooLargeToLog) {
  MetricsConfig c = merge_config();
  c.interval_us = TimeUs{1} << 61;
  c.duration_us = TimeUs{1} << 62;
  MetricsCollector logged(c);
  EXPECT_THROW(logged.viewer_joined(TimeUs{1} << 62), std::invalid_argument);
  EXPECT_EQ(logged.concurrency(), 0u);
  c.keep_concurrency_log = false;
  MetricsCollector plain(c);
  plain.viewer_joined(TimeUs{1} << 62);  // without the log, the old limits apply
  EXPECT_EQ(plain.concurrency(), 1u);
}

}  // namespace
}  // namespace p2pcdn::analysis
