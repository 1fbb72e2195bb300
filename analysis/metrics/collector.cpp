// MetricsCollector: streaming counters and sketches -> Summary.
#include "analysis/metrics/collector.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace p2pcdn::analysis {
namespace {

__extension__ typedef unsigned __int128 U128;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double ratio_or_nan(double num, double den) { return den > 0 ? num / den : kNaN; }

double offload_of(std::uint64_t cdn, std::uint64_t p2p, std::uint64_t turn) {
  const double all =
      static_cast<double>(cdn) + static_cast<double>(p2p) + static_cast<double>(turn);
  return ratio_or_nan(static_cast<double>(p2p), all);
}

double gbps(std::uint64_t bytes, TimeUs span_us) {
  if (span_us <= 0) return 0;
  return static_cast<double>(bytes) * 8.0 / to_seconds(span_us) / 1e9;
}

// 95th percentile by nearest rank: sort ascending, take the ceil(0.95 n)-th value.
double p95_nearest_rank(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t rank = (95 * v.size() + 99) / 100;  // ceil(0.95 n) in integers
  return v[std::max<std::size_t>(rank, 1) - 1];
}

DistributionSummary summarise(const DdSketch& s) {
  DistributionSummary d;
  d.count = s.count();
  if (s.empty()) {
    d.mean = d.p50 = d.p90 = d.p99 = d.min = d.max = kNaN;
    return d;
  }
  d.mean = s.mean();
  d.p50 = s.quantile(0.5);
  d.p90 = s.quantile(0.9);
  d.p99 = s.quantile(0.99);
  d.min = s.min();
  d.max = s.max();
  for (const auto& p : s.cdf_points(101)) d.cdf.push_back({p.value, p.probability});
  return d;
}

}  // namespace

MetricsCollector::MetricsCollector(MetricsConfig config) : config_(std::move(config)) {
  if (config_.interval_us <= 0) {
    throw std::invalid_argument("metrics: interval_us must be > 0, got " +
                                std::to_string(config_.interval_us));
  }
  if (config_.duration_us < 0) {
    throw std::invalid_argument("metrics: duration_us must be >= 0, got " +
                                std::to_string(config_.duration_us));
  }
  const std::size_t n = static_cast<std::size_t>((config_.duration_us + config_.interval_us - 1) /
                                                 config_.interval_us);
  planned_intervals_ = std::max<std::size_t>(n, 1);
  intervals_.resize(planned_intervals_);
  cdn_by_pop_.resize(intervals_.size() * config_.pops.size());
  by_device_.resize(config_.devices.size());
  by_nat_.resize(config_.nats.size());
  by_region_.resize(config_.regions.size());
  by_rendition_.resize(config_.renditions.size());
  const std::size_t nn = config_.nats.size() * config_.nats.size();
  nat_attempts_.resize(nn);
  nat_successes_.resize(nn);
  nat_relayed_.resize(nn);
}

std::size_t MetricsCollector::interval_of(TimeUs t) const {
  if (t < 0) throw std::invalid_argument("metrics: negative time " + std::to_string(t));
  return static_cast<std::size_t>(t / config_.interval_us);
}

MetricsCollector::IntervalCounters& MetricsCollector::interval(std::size_t k) {
  if (k >= intervals_.size()) {
    // Past the planned duration the series may grow (a drain phase), but not without
    // bound: a time like kNever is a host bug, not a request for 10^12 counters.
    if (k >= planned_intervals_ + kMaxExtraIntervals) {
      throw std::invalid_argument(
          "metrics: time " + std::to_string(static_cast<long long>(k) * config_.interval_us) +
          " us is far beyond the run duration " + std::to_string(config_.duration_us) + " us");
    }
    intervals_.resize(k + 1);
    cdn_by_pop_.resize(intervals_.size() * config_.pops.size());
  }
  return intervals_[k];
}

void MetricsCollector::check_indices(std::uint32_t pop, std::uint32_t rendition,
                                     std::uint32_t device, std::uint32_t nat,
                                     std::uint32_t region) const {
  const auto check = [](std::uint32_t i, std::size_t n, const char* what) {
    if (i != kNone && i >= n) {
      throw std::out_of_range(std::string("metrics: ") + what + " index " + std::to_string(i) +
                              " out of range (" + std::to_string(n) + " known)");
    }
  };
  check(pop, config_.pops.size(), "PoP");
  check(rendition, config_.renditions.size(), "rendition");
  check(device, config_.devices.size(), "device");
  check(nat, config_.nats.size(), "NAT type");
  check(region, config_.regions.size(), "region");
}

void MetricsCollector::count_bytes(std::size_t k, Source source, std::uint32_t pop,
                                   std::uint32_t rendition, std::uint32_t device, std::uint32_t nat,
                                   std::uint32_t region, std::uint64_t bytes) {
  IntervalCounters& c = interval(k);
  const auto add_group = [&](std::vector<GroupCounters>& groups, std::uint32_t i) {
    if (i == kNone) return;
    GroupCounters& g = groups[i];
    switch (source) {
      case Source::kCdn:
        g.cdn += bytes;
        break;
      case Source::kPeer:
        g.p2p += bytes;
        break;
      case Source::kTurn:
        g.turn += bytes;
        break;
    }
  };
  switch (source) {
    case Source::kCdn:
      c.cdn += bytes;
      if (pop != kNone) cdn_by_pop_[k * config_.pops.size() + pop] += bytes;
      break;
    case Source::kPeer:
      c.p2p += bytes;
      break;
    case Source::kTurn:
      c.turn += bytes;
      break;
  }
  add_group(by_rendition_, rendition);
  add_group(by_device_, device);
  add_group(by_nat_, nat);
  add_group(by_region_, region);
}

void MetricsCollector::add_bytes(TimeUs now, Source source, std::uint32_t pop,
                                 std::uint32_t rendition, std::uint32_t device, std::uint32_t nat,
                                 std::uint32_t region, std::uint64_t bytes) {
  check_indices(pop, rendition, device, nat, region);
  count_bytes(interval_of(now), source, pop, rendition, device, nat, region, bytes);
}

void MetricsCollector::add_bytes_spread(TimeUs start, TimeUs end, Source source, std::uint32_t pop,
                                        std::uint32_t rendition, std::uint32_t device,
                                        std::uint32_t nat, std::uint32_t region,
                                        std::uint64_t bytes) {
  check_indices(pop, rendition, device, nat, region);
  if (end <= start) {
    count_bytes(interval_of(end), source, pop, rendition, device, nat, region, bytes);
    return;
  }
  const std::size_t first = interval_of(start);
  const std::size_t last = interval_of(end - 1);
  if (first == last) {  // the common case: no split, no 128-bit division
    count_bytes(first, source, pop, rendition, device, nat, region, bytes);
    return;
  }
  const auto span = static_cast<U128>(end - start);
  std::uint64_t given = 0;
  for (std::size_t k = first; k <= last; ++k) {
    const TimeUs boundary = std::min<TimeUs>(end, static_cast<TimeUs>(k + 1) * config_.interval_us);
    // Cumulative share up to this boundary, floored: the parts always sum to `bytes`.
    const auto cum = static_cast<std::uint64_t>(static_cast<U128>(bytes) *
                                                static_cast<U128>(boundary - start) / span);
    count_bytes(k, source, pop, rendition, device, nat, region, cum - given);
    given = cum;
  }
}

void MetricsCollector::advance(TimeUs now) {
  if (now < last_t_) {
    throw std::invalid_argument("metrics: time went backwards (" + std::to_string(now) + " < " +
                                std::to_string(last_t_) + ")");
  }
  TimeUs t = last_t_;
  while (t < now) {
    const std::size_t k = interval_of(t);
    const TimeUs boundary = std::min<TimeUs>(now, static_cast<TimeUs>(k + 1) * config_.interval_us);
    IntervalCounters& c = interval(k);
    c.viewer_us += static_cast<std::int64_t>(viewers_now_) * (boundary - t);
    c.stall_us += static_cast<std::int64_t>(stalling_now_) * (boundary - t);
    c.viewers_peak = std::max(c.viewers_peak, viewers_now_);
    t = boundary;
  }
  last_t_ = now;
}

void MetricsCollector::viewer_joined(TimeUs now) {
  if (config_.keep_concurrency_log) check_loggable(now);
  advance(now);
  IntervalCounters& c = interval(interval_of(now));
  ++viewers_now_;
  peak_concurrency_ = std::max(peak_concurrency_, viewers_now_);
  c.viewers_peak = std::max(c.viewers_peak, viewers_now_);
  log_event(now, LogKind::kJoin);
}

void MetricsCollector::viewer_left(TimeUs now) {
  if (config_.keep_concurrency_log) check_loggable(now);
  advance(now);
  if (viewers_now_ == 0) {
    throw std::logic_error("metrics: viewer_left at " + std::to_string(now) +
                           " with no viewer present (concurrency would go negative)");
  }
  if (stalling_now_ >= viewers_now_) {
    throw std::logic_error("metrics: viewer_left at " + std::to_string(now) +
                           " while every remaining viewer is stalling (call stall_ended first)");
  }
  --viewers_now_;
  log_event(now, LogKind::kLeave);
}

void MetricsCollector::stall_started(TimeUs now) {
  if (config_.keep_concurrency_log) check_loggable(now);
  advance(now);
  stall_events_used_ = true;
  if (stalling_now_ >= viewers_now_) {
    throw std::logic_error("metrics: stall_started at " + std::to_string(now) +
                           " with more stalls than viewers");
  }
  ++stalling_now_;
  log_event(now, LogKind::kStallStart);
}

void MetricsCollector::stall_ended(TimeUs now) {
  if (config_.keep_concurrency_log) check_loggable(now);
  advance(now);
  if (stalling_now_ == 0) {
    throw std::logic_error("metrics: stall_ended at " + std::to_string(now) +
                           " with no stall in progress");
  }
  --stalling_now_;
  log_event(now, LogKind::kStallEnd);
}

void MetricsCollector::sample_mean(TimeUs now, std::uint64_t viewers_stalling,
                                   double mean_bitrate_kbps) {
  advance(now);
  IntervalCounters& c = interval(interval_of(now));
  if (viewers_now_ > 0) {
    ++c.samples;
    c.sample_stalling_share_sum += static_cast<double>(std::min(viewers_stalling, viewers_now_)) /
                                   static_cast<double>(viewers_now_);
  }
  if (std::isfinite(mean_bitrate_kbps)) {
    ++c.bitrate_samples;
    c.bitrate_sum_kbps += mean_bitrate_kbps;
  }
}

void MetricsCollector::sample(TimeUs now, std::uint64_t viewers_stalling,
                              double mean_bitrate_kbps) {
  if (!config_.keep_concurrency_log) {
    sample_mean(now, viewers_stalling, mean_bitrate_kbps);
    return;
  }
  // mean / 1.0 == mean exactly, so the replay of (sum = mean, n = 1) gives the same sample.
  const bool finite = std::isfinite(mean_bitrate_kbps);
  sample_logged(
      {now, viewers_stalling, finite ? mean_bitrate_kbps : 0.0, finite ? 1u : 0u, finite});
}

void MetricsCollector::sample_parts(TimeUs now, std::uint64_t viewers_stalling,
                                    double bitrate_sum_kbps, std::uint64_t bitrate_viewers) {
  if (!config_.keep_concurrency_log) {
    sample_mean(
        now, viewers_stalling,
        bitrate_viewers > 0 ? bitrate_sum_kbps / static_cast<double>(bitrate_viewers) : 0.0);
    return;
  }
  sample_logged({now, viewers_stalling, bitrate_sum_kbps, bitrate_viewers, true});
}

void MetricsCollector::sample_logged(const SampleRecord& r) {
  check_loggable(r.t);
  const double mean = r.bitrate_viewers > 0
                          ? r.bitrate_sum_kbps / static_cast<double>(r.bitrate_viewers)
                          : (r.has_bitrate ? 0.0 : kNaN);
  sample_mean(r.t, r.viewers_stalling, mean);
  sample_log_.push_back(r);  // only once the call succeeded: a rejected call never replays
}

void MetricsCollector::check_loggable(TimeUs now) const {
  if (now > kMaxLoggedTime) {
    throw std::invalid_argument("metrics: time " + std::to_string(now) +
                                " us is too large for the concurrency log");
  }
}

void MetricsCollector::log_event(TimeUs now, LogKind kind) {
  if (!config_.keep_concurrency_log) return;
  event_log_.push_back(static_cast<std::uint64_t>(now) << 2 | static_cast<std::uint64_t>(kind));
}

void MetricsCollector::connection_attempt(std::uint32_t nat_a, std::uint32_t nat_b, bool success,
                                          bool relayed) {
  const std::size_t n = config_.nats.size();
  if (nat_a >= n || nat_b >= n) {
    throw std::out_of_range("metrics: NAT index out of range in connection_attempt (" +
                            std::to_string(nat_a) + ", " + std::to_string(nat_b) + ")");
  }
  const std::size_t i = nat_a * n + nat_b;
  ++nat_attempts_[i];
  if (success) ++nat_successes_[i];
  if (relayed) ++nat_relayed_[i];
}

void MetricsCollector::viewer_outcome(const ViewerOutcome& o) {
  check_indices(kNone, o.rendition, o.device, o.nat, o.region);
  const bool started = o.startup_us >= 0;
  const TimeUs session_us = o.play_us + o.stall_us;
  const bool has_rebuffer = started && session_us > 0;
  const double rebuffer =
      has_rebuffer ? static_cast<double>(o.stall_us) / static_cast<double>(session_us) : 0.0;
  const bool stalled = started && o.stalls > 0;
  const bool has_bitrate = o.play_us > 0 && std::isfinite(o.avg_bitrate_kbps);

  ++viewers_;
  watch_s_.add(to_seconds(std::max<TimeUs>(o.watch_us, 0)));
  if (started) {
    ++started_;
    if (stalled) ++stalled_;
    startup_s_.add(to_seconds(o.startup_us));
    switches_.add(static_cast<double>(o.bitrate_switches));
  }
  if (has_rebuffer) {
    rebuffering_.add(rebuffer);
    stalls_per_hour_.add(static_cast<double>(o.stalls) / (to_seconds(session_us) / 3600.0));
  }
  if (has_bitrate) bitrate_kbps_.add(o.avg_bitrate_kbps);
  const std::uint64_t vbytes = o.bytes_cdn + o.bytes_p2p + o.bytes_turn;
  if (vbytes > 0) {
    viewer_offload_.add(static_cast<double>(o.bytes_p2p) / static_cast<double>(vbytes));
  }

  const auto add_group = [&](std::vector<GroupCounters>& groups, std::uint32_t i) {
    if (i == kNone) return;
    GroupCounters& g = groups[i];
    ++g.viewers;
    if (started) {
      ++g.started;
      g.startup_s_sum += to_seconds(o.startup_us);
      if (stalled) ++g.stalled;
    }
    if (has_rebuffer) {
      ++g.rebuffer_n;
      g.rebuffer_sum += rebuffer;
    }
    if (has_bitrate) {
      ++g.bitrate_n;
      g.bitrate_sum += o.avg_bitrate_kbps;
    }
  };
  add_group(by_device_, o.device);
  add_group(by_nat_, o.nat);
  add_group(by_region_, o.region);
  add_group(by_rendition_, o.rendition);
}

void MetricsCollector::add_scheduler(const SchedulerTotals& session) {
  SchedulerTotals& t = scheduler_;
  t.http_segments += session.http_segments;
  t.p2p_segments += session.p2p_segments;
  t.http_failures += session.http_failures;
  t.requests_sent += session.requests_sent;
  t.requests_rejected += session.requests_rejected;
  t.requests_timed_out += session.requests_timed_out;
  t.requests_failed += session.requests_failed;
  t.p2p_to_http_fallbacks += session.p2p_to_http_fallbacks;
  t.uploads_served += session.uploads_served;
  t.uploads_rejected += session.uploads_rejected;
  t.integrity_failures += session.integrity_failures;
  t.peers_banned += session.peers_banned;
  t.malformed_messages += session.malformed_messages;
  t.decision_epochs += session.decision_epochs;
  t.epochs_skipped += session.epochs_skipped;
  t.rejected_busy += session.rejected_busy;
  t.rejected_not_found += session.rejected_not_found;
  t.rejected_rate_limited += session.rejected_rate_limited;
  t.http_seed += session.http_seed;
  t.http_deadline += session.http_deadline;
  t.http_no_holder += session.http_no_holder;
  t.http_rule += session.http_rule;
}

namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i > 0 ? ", " : "") + names[i];
  return out + "]";
}

// Names the first config field that differs ("" if none); keep_concurrency_log is checked apart.
std::string config_difference(const MetricsConfig& a, const MetricsConfig& b) {
  if (a.interval_us != b.interval_us) {
    return "interval_us (" + std::to_string(a.interval_us) + " vs " +
           std::to_string(b.interval_us) + ")";
  }
  if (a.duration_us != b.duration_us) {
    return "duration_us (" + std::to_string(a.duration_us) + " vs " +
           std::to_string(b.duration_us) + ")";
  }
  const std::pair<const char*, const std::vector<std::string> MetricsConfig::*> lists[] = {
      {"pops", &MetricsConfig::pops},       {"renditions", &MetricsConfig::renditions},
      {"devices", &MetricsConfig::devices}, {"nats", &MetricsConfig::nats},
      {"regions", &MetricsConfig::regions},
  };
  for (const auto& [name, field] : lists) {
    if (a.*field != b.*field) {
      return std::string(name) + " (" + join_names(a.*field) + " vs " + join_names(b.*field) + ")";
    }
  }
  return "";
}

}  // namespace

MetricsCollector MetricsCollector::merge(std::span<const MetricsCollector* const> parts) {
  if (parts.empty()) throw std::invalid_argument("metrics merge: no parts to merge");
  for (std::size_t p = 0; p < parts.size(); ++p) {
    if (parts[p] == nullptr) {
      throw std::invalid_argument("metrics merge: part " + std::to_string(p) + " is null");
    }
    if (!parts[p]->config_.keep_concurrency_log) {
      throw std::invalid_argument("metrics merge: part " + std::to_string(p) +
                                  " was built without keep_concurrency_log (its joins, leaves, "
                                  "stalls and samples cannot be replayed)");
    }
    const std::string diff = config_difference(parts[0]->config_, parts[p]->config_);
    if (!diff.empty()) {
      throw std::invalid_argument("metrics merge: part " + std::to_string(p) +
                                  "'s config differs from part 0's in " + diff);
    }
  }
  MetricsCollector out(parts[0]->config_);

  // Additive state, summed in part order (so doubles round the same way every time).
  const std::size_t npops = out.config_.pops.size();
  std::size_t n_intervals = out.intervals_.size();
  for (const MetricsCollector* part : parts) {
    n_intervals = std::max(n_intervals, part->intervals_.size());
  }
  out.intervals_.resize(n_intervals);
  out.cdn_by_pop_.resize(n_intervals * npops);
  const auto add_groups = [](std::vector<GroupCounters>& to,
                             const std::vector<GroupCounters>& from) {
    for (std::size_t i = 0; i < from.size(); ++i) {
      GroupCounters& g = to[i];
      const GroupCounters& f = from[i];
      g.cdn += f.cdn;
      g.p2p += f.p2p;
      g.turn += f.turn;
      g.viewers += f.viewers;
      g.started += f.started;
      g.stalled += f.stalled;
      g.rebuffer_n += f.rebuffer_n;
      g.bitrate_n += f.bitrate_n;
      g.rebuffer_sum += f.rebuffer_sum;
      g.startup_s_sum += f.startup_s_sum;
      g.bitrate_sum += f.bitrate_sum;
    }
  };
  const auto add_all = [](std::vector<std::uint64_t>& to, const std::vector<std::uint64_t>& from) {
    for (std::size_t i = 0; i < from.size(); ++i) to[i] += from[i];
  };
  std::size_t n_events = 0, n_samples = 0;
  for (const MetricsCollector* part : parts) {
    // Only the byte counters of an interval add up; its integrals, peak and samples come
    // from the replay below.
    for (std::size_t k = 0; k < part->intervals_.size(); ++k) {
      IntervalCounters& c = out.intervals_[k];
      const IntervalCounters& f = part->intervals_[k];
      c.cdn += f.cdn;
      c.p2p += f.p2p;
      c.turn += f.turn;
    }
    add_all(out.cdn_by_pop_, part->cdn_by_pop_);
    add_groups(out.by_device_, part->by_device_);
    add_groups(out.by_nat_, part->by_nat_);
    add_groups(out.by_region_, part->by_region_);
    add_groups(out.by_rendition_, part->by_rendition_);
    add_all(out.nat_attempts_, part->nat_attempts_);
    add_all(out.nat_successes_, part->nat_successes_);
    add_all(out.nat_relayed_, part->nat_relayed_);
    out.add_scheduler(part->scheduler_);
    for (std::size_t k = 0; k < out.wasted_.size(); ++k) out.wasted_[k] += part->wasted_[k];
    out.viewers_ += part->viewers_;
    out.started_ += part->started_;
    out.stalled_ += part->stalled_;
    out.rebuffering_.merge(part->rebuffering_);
    out.stalls_per_hour_.merge(part->stalls_per_hour_);
    out.startup_s_.merge(part->startup_s_);
    out.bitrate_kbps_.merge(part->bitrate_kbps_);
    out.switches_.merge(part->switches_);
    out.watch_s_.merge(part->watch_s_);
    out.viewer_offload_.merge(part->viewer_offload_);
    n_events += part->event_log_.size();
    n_samples += part->sample_log_.size();
  }
  out.event_log_.reserve(n_events);
  out.sample_log_.reserve(n_samples);  // an upper bound: samples at one instant combine

  // Replay in time order. Each part's logs are already time-ordered (advance() enforces it),
  // so a K-way merge by time, parts in index order at equal times, needs only cursors.
  std::vector<std::size_t> next_event(parts.size(), 0), next_sample(parts.size(), 0);
  const auto event_time = [](std::uint64_t record) { return static_cast<TimeUs>(record >> 2); };
  for (;;) {
    TimeUs t = kNever;
    bool any = false;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const MetricsCollector& part = *parts[p];
      if (next_event[p] < part.event_log_.size()) {
        t = std::min(t, event_time(part.event_log_[next_event[p]]));
        any = true;
      }
      if (next_sample[p] < part.sample_log_.size()) {
        t = std::min(t, part.sample_log_[next_sample[p]].t);
        any = true;
      }
    }
    if (!any) break;
    for (std::size_t p = 0; p < parts.size(); ++p) {
      const std::vector<std::uint64_t>& log = parts[p]->event_log_;
      std::size_t& i = next_event[p];
      for (; i < log.size() && event_time(log[i]) == t; ++i) {
        switch (static_cast<LogKind>(log[i] & 3u)) {
          case LogKind::kJoin:
            out.viewer_joined(t);
            break;
          case LogKind::kLeave:
            out.viewer_left(t);
            break;
          case LogKind::kStallStart:
            out.stall_started(t);
            break;
          case LogKind::kStallEnd:
            out.stall_ended(t);
            break;
        }
      }
    }
    // Then the samples at t: the r-th sample of each part that has one joins combined sample r.
    for (;;) {
      SampleRecord combined;
      combined.t = t;
      combined.has_bitrate = false;
      bool sampled = false;
      for (std::size_t p = 0; p < parts.size(); ++p) {
        const std::vector<SampleRecord>& log = parts[p]->sample_log_;
        std::size_t& i = next_sample[p];
        if (i >= log.size() || log[i].t != t) continue;
        const SampleRecord& r = log[i++];
        combined.viewers_stalling += r.viewers_stalling;
        if (r.has_bitrate) {
          // The first contribution is taken as is (not 0.0 + x), so a single part replays
          // its own sums bit for bit.
          combined.bitrate_sum_kbps = combined.has_bitrate
                                          ? combined.bitrate_sum_kbps + r.bitrate_sum_kbps
                                          : r.bitrate_sum_kbps;
          combined.bitrate_viewers += r.bitrate_viewers;
          combined.has_bitrate = true;
        }
        sampled = true;
      }
      if (!sampled) break;
      out.sample_logged(combined);
    }
  }
  for (const MetricsCollector* part : parts) out.stall_events_used_ |= part->stall_events_used_;
  return out;
}

Summary MetricsCollector::finish(TimeUs end) {
  advance(end);
  Summary s;
  s.interval_us = config_.interval_us;
  s.end_us = end;
  s.pops = config_.pops;
  s.renditions = config_.renditions;
  s.devices = config_.devices;
  s.nats = config_.nats;
  s.regions = config_.regions;
  s.scheduler = scheduler_;
  s.wasted_cdn = wasted_[static_cast<std::size_t>(Source::kCdn)];
  s.wasted_p2p = wasted_[static_cast<std::size_t>(Source::kPeer)];
  s.wasted_turn = wasted_[static_cast<std::size_t>(Source::kTurn)];

  const std::size_t npops = config_.pops.size();
  // Rows covering [0, end); counters recorded at or after `end` fold into the last row.
  const std::size_t rows = std::max<std::size_t>(
      1, static_cast<std::size_t>((end + config_.interval_us - 1) / config_.interval_us));
  std::vector<IntervalCounters> iv(rows);
  std::vector<std::uint64_t> pop_bytes(rows * npops, 0);
  for (std::size_t k = 0; k < intervals_.size(); ++k) {
    const std::size_t r = std::min(k, rows - 1);
    IntervalCounters& d = iv[r];
    const IntervalCounters& c = intervals_[k];
    d.cdn += c.cdn;
    d.p2p += c.p2p;
    d.turn += c.turn;
    if (k < rows) {  // integrals and samples beyond `end` do not belong to the run
      d.viewer_us += c.viewer_us;
      d.stall_us += c.stall_us;
      d.viewers_peak = std::max(d.viewers_peak, c.viewers_peak);
      d.samples += c.samples;
      d.sample_stalling_share_sum += c.sample_stalling_share_sum;
      d.bitrate_samples += c.bitrate_samples;
      d.bitrate_sum_kbps += c.bitrate_sum_kbps;
    }
    for (std::size_t p = 0; p < npops; ++p) pop_bytes[r * npops + p] += cdn_by_pop_[k * npops + p];
  }

  std::vector<double> cdn_rates, turn_rates, server_rates;
  std::vector<std::vector<double>> pop_rates(npops);
  s.timeseries.reserve(rows);
  for (std::size_t k = 0; k < rows; ++k) {
    const TimeUs t0 = static_cast<TimeUs>(k) * config_.interval_us;
    const TimeUs t1 = std::max(t0, std::min(end, t0 + config_.interval_us));
    const TimeUs len = t1 - t0;
    const IntervalCounters& c = iv[k];
    TimeseriesRow row;
    row.t_start_s = to_seconds(t0);
    row.t_end_s = to_seconds(t1);
    row.viewers = len > 0 ? static_cast<double>(c.viewer_us) / static_cast<double>(len)
                          : static_cast<double>(c.viewers_peak);
    row.viewers_peak = c.viewers_peak;
    row.cdn_gbps = gbps(c.cdn, len);
    row.p2p_gbps = gbps(c.p2p, len);
    row.turn_gbps = gbps(c.turn, len);
    row.offload = offload_of(c.cdn, c.p2p, c.turn);
    if (!stall_events_used_ && c.samples > 0) {
      row.stalling_share = c.sample_stalling_share_sum / c.samples;
    } else {
      row.stalling_share =
          ratio_or_nan(static_cast<double>(c.stall_us), static_cast<double>(c.viewer_us));
    }
    row.mean_bitrate_kbps = c.bitrate_samples > 0 ? c.bitrate_sum_kbps / c.bitrate_samples : kNaN;
    row.cdn_gbps_by_pop.resize(npops);
    for (std::size_t p = 0; p < npops; ++p) {
      row.cdn_gbps_by_pop[p] = gbps(pop_bytes[k * npops + p], len);
      if (len > 0) pop_rates[p].push_back(row.cdn_gbps_by_pop[p]);
    }
    if (len > 0) {
      cdn_rates.push_back(row.cdn_gbps);
      turn_rates.push_back(row.turn_gbps);
      server_rates.push_back(gbps(c.cdn + c.turn, len));
    }
    s.bytes_cdn += c.cdn;
    s.bytes_p2p += c.p2p;
    s.bytes_turn += c.turn;
    s.timeseries.push_back(std::move(row));
  }
  const double total = static_cast<double>(s.bytes_cdn) + static_cast<double>(s.bytes_p2p) +
                       static_cast<double>(s.bytes_turn);
  s.offload = total > 0 ? static_cast<double>(s.bytes_p2p) / total : 0.0;

  const auto egress = [&](std::string name, std::uint64_t bytes, const std::vector<double>& rates) {
    EgressSummary e;
    e.name = std::move(name);
    e.bytes = bytes;
    e.mean_gbps = gbps(bytes, end);
    e.peak_gbps = rates.empty() ? 0.0 : *std::max_element(rates.begin(), rates.end());
    e.p95_gbps = p95_nearest_rank(rates);
    return e;
  };
  s.cdn = egress("cdn", s.bytes_cdn, cdn_rates);
  s.turn = egress("turn", s.bytes_turn, turn_rates);
  s.server = egress("cdn+turn", s.bytes_cdn + s.bytes_turn, server_rates);
  for (std::size_t p = 0; p < npops; ++p) {
    std::uint64_t b = 0;
    for (std::size_t k = 0; k < rows; ++k) b += pop_bytes[k * npops + p];
    s.cdn_by_pop.push_back(egress(config_.pops[p], b, pop_rates[p]));
  }

  const std::size_t nn = config_.nats.size();
  for (std::size_t a = 0; a < nn; ++a) {
    for (std::size_t b = 0; b < nn; ++b) {
      const std::size_t i = a * nn + b;
      s.connection_attempts += nat_attempts_[i];
      s.connection_successes += nat_successes_[i];
      s.connection_relayed += nat_relayed_[i];
      if (nat_attempts_[i] == 0) continue;
      s.connections_by_nat.push_back(
          {config_.nats[a], config_.nats[b], nat_attempts_[i], nat_successes_[i], nat_relayed_[i]});
    }
  }

  s.viewers = viewers_;
  s.viewers_started = started_;
  s.peak_concurrency = peak_concurrency_;
  s.never_started_share =
      ratio_or_nan(static_cast<double>(viewers_ - started_), static_cast<double>(viewers_));
  s.stalled_share = ratio_or_nan(static_cast<double>(stalled_), static_cast<double>(started_));
  s.rebuffering_ratio = summarise(rebuffering_);
  s.stalls_per_hour = summarise(stalls_per_hour_);
  s.startup_s = summarise(startup_s_);
  s.avg_bitrate_kbps = summarise(bitrate_kbps_);
  s.bitrate_switches = summarise(switches_);
  s.watch_s = summarise(watch_s_);
  s.viewer_offload = summarise(viewer_offload_);

  const auto breakdown = [](const std::vector<GroupCounters>& groups,
                            const std::vector<std::string>& names) {
    std::vector<GroupBreakdown> out;
    for (std::size_t i = 0; i < groups.size(); ++i) {
      const GroupCounters& g = groups[i];
      GroupBreakdown b;
      b.name = names[i];
      b.bytes_cdn = g.cdn;
      b.bytes_p2p = g.p2p;
      b.bytes_turn = g.turn;
      b.offload = offload_of(g.cdn, g.p2p, g.turn);
      b.viewers = g.viewers;
      b.rebuffering_ratio_mean = ratio_or_nan(g.rebuffer_sum, static_cast<double>(g.rebuffer_n));
      b.stalled_share =
          ratio_or_nan(static_cast<double>(g.stalled), static_cast<double>(g.started));
      b.startup_s_mean = ratio_or_nan(g.startup_s_sum, static_cast<double>(g.started));
      b.avg_bitrate_kbps_mean = ratio_or_nan(g.bitrate_sum, static_cast<double>(g.bitrate_n));
      out.push_back(std::move(b));
    }
    return out;
  };
  s.by_device = breakdown(by_device_, config_.devices);
  s.by_nat = breakdown(by_nat_, config_.nats);
  s.by_region = breakdown(by_region_, config_.regions);
  s.by_rendition = breakdown(by_rendition_, config_.renditions);
  return s;
}

}  // namespace p2pcdn::analysis
