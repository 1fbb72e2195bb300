#include "sim/host/partition_run.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace p2pcdn::sim {
namespace {

// Progress of a partitioned run as one figure: simulated time is the mean over partitions (a
// finished one counts at its end), events and viewers are sums. Serialises the user's callback.
class ProgressRelay {
 public:
  ProgressRelay(const SimulationOptions& options, std::size_t partitions)
      : user_(options.progress), parts_(partitions) {}

  std::function<void(double, std::uint64_t, std::uint64_t)> for_partition(std::size_t i) {
    if (!user_) return {};
    return [this, i](double t_s, std::uint64_t events, std::uint64_t viewers) {
      update(i, t_s, events, viewers);
    };
  }
  void finished(std::size_t i, const SimulationResult& result) {
    if (user_) update(i, result.simulated_s, result.host.events, 0);
  }

 private:
  struct Part {
    double t_s = 0;
    std::uint64_t events = 0, viewers = 0;
  };
  void update(std::size_t i, double t_s, std::uint64_t events, std::uint64_t viewers) {
    const std::lock_guard<std::mutex> lock(mutex_);
    parts_[i] = Part{t_s, events, viewers};
    double t_sum = 0;
    std::uint64_t events_sum = 0, viewers_sum = 0;
    for (const Part& p : parts_) {
      t_sum += p.t_s;
      events_sum += p.events;
      viewers_sum += p.viewers;
    }
    user_(t_sum / static_cast<double>(parts_.size()), events_sum, viewers_sum);
  }

  std::function<void(double, std::uint64_t, std::uint64_t)> user_;
  std::mutex mutex_;
  std::vector<Part> parts_;
};

void add_stats(HostStats& sum, const HostStats& h) {
  sum.events += h.events;
  sum.flow_completions += h.flow_completions;
  sum.viewers_total += h.viewers_total;
  sum.agent_heap_bytes_peak_sample += h.agent_heap_bytes_peak_sample;
  sum.connection_attempts += h.connection_attempts;
  sum.connections_made += h.connections_made;
  sum.messages_delivered += h.messages_delivered;
  sum.messages_dropped += h.messages_dropped;
  sum.malformed_messages += h.malformed_messages;
  sum.http_transfers += h.http_transfers;
  sum.p2p_transfers += h.p2p_transfers;
  sum.transfers_cancelled += h.transfers_cancelled;
  sum.segments_delivered += h.segments_delivered;
  sum.deliveries_without_download += h.deliveries_without_download;
  sum.drains_cut += h.drains_cut;
  sum.completions_after_abort += h.completions_after_abort;
}

// Each partition measured its memory at its own busiest sample: weight by its viewers then.
MemoryBreakdown merge_memory(const std::vector<PartitionOutput>& parts) {
  MemoryBreakdown m;
  std::uint64_t busiest = 0;
  std::map<std::string, double> bytes;  // item -> bytes
  std::vector<std::string> order;
  double lists = 0;
  for (const PartitionOutput& p : parts) {
    const MemoryBreakdown& pm = p.result.memory;
    if (pm.viewers == 0) continue;
    const auto viewers = static_cast<double>(pm.viewers);
    m.viewers += pm.viewers;
    if (pm.viewers > busiest) {
      busiest = pm.viewers;
      m.t_s = pm.t_s;
    }
    for (const MemoryItem& item : pm.items) {
      if (bytes.find(item.name) == bytes.end()) order.push_back(item.name);
      bytes[item.name] += item.bytes_per_viewer * viewers;
    }
    lists += pm.neighbour_list_bytes_per_viewer * viewers;
  }
  if (m.viewers == 0) return m;
  const auto live = static_cast<double>(m.viewers);
  for (const std::string& name : order) {
    m.items.push_back(MemoryItem{name, bytes[name] / live});
    m.measured_bytes_per_viewer += bytes[name] / live;
  }
  m.neighbour_list_bytes_per_viewer = lists / live;
  return m;
}

// The swarms of one sample instant over all partitions: a (channel, rendition) swarm present
// in several partitions is pooled (the offload bounds of the pool bound each part's).
std::vector<IntervalSample> merge_bound_samples(const std::vector<PartitionOutput>& parts) {
  std::size_t count = parts.front().result.bound_samples.size();
  for (const PartitionOutput& p : parts) count = std::min(count, p.result.bound_samples.size());
  std::vector<IntervalSample> merged(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::map<std::pair<std::uint32_t, std::uint16_t>, SwarmSample> swarms;
    for (const PartitionOutput& p : parts) {
      const IntervalSample& sample = p.result.bound_samples[i];
      merged[i].t_s = sample.t_s;
      merged[i].duration_s = sample.duration_s;
      for (const SwarmSample& s : sample.swarms) {
        auto [it, fresh] = swarms.try_emplace({s.channel, s.rendition}, s);
        if (fresh) continue;
        SwarmSample& pooled = it->second;
        pooled.viewers += s.viewers;
        for (std::size_t c = 0; c < kBoundClasses; ++c) {
          pooled.viewers_by_class[c] += s.viewers_by_class[c];
          pooled.upload_bps_by_class[c] += s.upload_bps_by_class[c];
        }
      }
    }
    for (auto& [key, swarm] : swarms) merged[i].swarms.push_back(swarm);
  }
  return merged;
}

// A segment's deliveries over all partitions, pooled by (channel, rendition, index) as the
// swarms are: the pooled bound bounds each part's.
std::vector<SegmentSlacks> merge_segment_slacks(const std::vector<PartitionOutput>& parts) {
  std::vector<SegmentSlacks> all;
  for (const PartitionOutput& p : parts)
    all.insert(all.end(), p.result.segment_slacks.begin(), p.result.segment_slacks.end());
  std::stable_sort(all.begin(), all.end(), SlackRecorder::before);
  std::vector<SegmentSlacks> merged;
  for (SegmentSlacks& s : all) {
    if (!merged.empty() && !SlackRecorder::before(merged.back(), s)) {
      merged.back().add(s);
    } else {
      merged.push_back(std::move(s));
    }
  }
  return merged;
}

}  // namespace

SimulationResult merge_partitions(std::vector<PartitionOutput>& parts) {
  if (parts.empty()) throw std::invalid_argument("merge_partitions: no partition");
  SimulationResult r;
  std::vector<const analysis::MetricsCollector*> collectors;
  TimeUs end = 0;
  std::uint64_t bytes[3] = {0, 0, 0};
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const PartitionOutput& p = parts[i];
    collectors.push_back(&p.metrics);
    end = std::max(end, p.end_us);
    r.partial = r.partial || p.result.partial;
    add_stats(r.host, p.result.host);
    for (const InvariantViolation& v : p.result.violations) {
      r.violations.push_back({"partition " + std::to_string(i) + ": " + v.what});
    }
    bytes[0] += p.result.summary.bytes_cdn;
    bytes[1] += p.result.summary.bytes_p2p;
    bytes[2] += p.result.summary.bytes_turn;
  }
  // A partial run's partitions may have stopped at different times: the merge covers up to the
  // last of them (the run is marked partial).
  r.summary = analysis::MetricsCollector::merge(collectors).finish(end);
  const std::uint64_t merged[3] = {r.summary.bytes_cdn, r.summary.bytes_p2p, r.summary.bytes_turn};
  for (int source = 0; source < 3; ++source) {
    if (merged[source] != bytes[source]) {
      r.violations.push_back({"merged bytes of source " + std::to_string(source) + " (" +
                              std::to_string(merged[source]) + ") != the partitions' sum (" +
                              std::to_string(bytes[source]) + ")"});
    }
  }
  r.host.peak_viewers = r.summary.peak_concurrency;
  r.memory = merge_memory(parts);
  r.host.bytes_per_viewer = r.memory.measured_bytes_per_viewer;
  r.bound_samples = merge_bound_samples(parts);
  r.segment_slacks = merge_segment_slacks(parts);
  for (const PartitionOutput& p : parts)
    r.max_usable_up_bps = std::max(r.max_usable_up_bps, p.result.max_usable_up_bps);
  r.simulated_s = to_seconds(end);
  r.partitions = static_cast<std::uint32_t>(parts.size());
  r.turn_enabled = parts.front().result.turn_enabled;
  r.nat_direct_possible = parts.front().result.nat_direct_possible;
  return r;
}

SimulationResult simulate_partitions(const models::Scenario& scenario,
                                     const SimulationOptions& options,
                                     const std::vector<std::vector<bool>>& partitions) {
  const std::size_t count = partitions.size();
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const std::size_t threads =
      std::clamp<std::size_t>(options.threads == 0 ? cores : options.threads, 1, count);

  ProgressRelay progress(options, count);
  std::mutex outcome_mutex;
  std::function<void(const analysis::ViewerOutcome&)> on_outcome;
  if (options.on_viewer_outcome) {
    on_outcome = [&](const analysis::ViewerOutcome& o) {
      const std::lock_guard<std::mutex> lock(outcome_mutex);
      options.on_viewer_outcome(o);
    };
  }
  std::vector<std::optional<PartitionOutput>> outputs(count);
  std::vector<std::exception_ptr> errors(count);
  // Largest audience share first (fewer idle threads at the end); any thread may take any
  // partition: each is a deterministic simulation of its own.
  std::vector<std::size_t> order(count);
  std::vector<double> share(count, 0.0);
  for (std::size_t i = 0; i < count; ++i) {
    order[i] = i;
    for (std::size_t r = 0; r < partitions[i].size(); ++r) {
      if (partitions[i][r] && r < scenario.topology.regions.size())
        share[i] += scenario.topology.regions[r].viewer_share;
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return share[a] > share[b]; });
  std::atomic<std::size_t> next{0};
  std::vector<double> wall_s(count, 0.0);
  const auto work = [&] {
    for (std::size_t n = next++; n < count; n = next++) {
      const std::size_t i = order[n];
      try {
        SimulationOptions o = options;
        o.progress = progress.for_partition(i);
        o.on_viewer_outcome = on_outcome;
        const auto start = std::chrono::steady_clock::now();
        outputs[i].emplace(simulate_partition(scenario, o, partitions[i]));
        wall_s[i] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        progress.finished(i, outputs[i]->result);
      } catch (...) {
        errors[i] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
  std::vector<PartitionOutput> parts;
  parts.reserve(count);
  std::vector<PartitionTiming> timings;
  for (std::size_t i = 0; i < count; ++i) {
    PartitionTiming t;
    for (std::size_t r = 0; r < partitions[i].size() && r < scenario.topology.regions.size(); ++r) {
      if (!partitions[i][r]) continue;
      if (!t.regions.empty()) t.regions += '+';
      t.regions += scenario.topology.regions[r].name;
    }
    t.viewer_share = share[i];
    t.wall_s = wall_s[i];
    t.events = outputs[i]->result.host.events;
    timings.push_back(std::move(t));
    parts.push_back(std::move(*outputs[i]));
  }
  outputs.clear();
  SimulationResult merged = merge_partitions(parts);
  merged.partition_timings = std::move(timings);
  return merged;
}

}  // namespace p2pcdn::sim
