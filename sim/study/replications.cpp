#include "sim/study/replications.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "analysis/io/csv.hpp"
#include "analysis/report/timeseries_csv.hpp"
#include "sim/study/cost.hpp"

namespace p2pcdn::study {

ReplicationResult run_replication(const models::Scenario& scenario, const std::string& path,
                                  std::uint64_t seed, const std::atomic<bool>* stop,
                                  sim::RunOutcome* outcome,
                                  const sim::MemoryWatchdog::Config* watchdog,
                                  bool keep_timeseries) {
  sim::RunRequest request;
  request.scenario_path = path;
  request.seed = seed;
  request.stop = stop;
  if (watchdog != nullptr) request.watchdog = *watchdog;
  sim::RunOutcome run = sim::run_once(scenario, request);
  // A replication cut short by low memory must not enter the statistics as if it were whole
  // (an interrupted study is the user's choice; this is not).
  if (run.result.partial && run.info.run.stopped_by.starts_with(sim::kLowMemoryStop))
    throw std::runtime_error(run.info.run.stopped_by);
  ReplicationResult r;
  r.seed = seed;
  r.bounds = compute_bounds(run.result).figures;
  r.cost = compute_cost(run.result.summary, nullptr);
  analysis::SummaryExtras extras;
  extras.bounds = r.bounds;
  extras.cost = r.cost;
  r.metrics = flatten_summary(run.result.summary, run.info, extras);
  r.partial = run.result.partial;
  r.violations = run.result.violations.size();
  if (keep_timeseries) r.timeseries_csv = analysis::timeseries_csv(run.result.summary, &run.info);
  if (outcome != nullptr) *outcome = std::move(run);
  return r;
}

std::vector<ReplicationResult> whole_runs(const std::vector<ReplicationResult>& runs) {
  std::vector<ReplicationResult> whole;
  for (const auto& r : runs) {
    if (!r.partial) whole.push_back(r);
  }
  return whole;
}

std::vector<MetricStats> summarize(const std::vector<ReplicationResult>& runs, double level) {
  std::vector<MetricStats> out;
  if (runs.empty()) return out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const auto& [name, first_value] : runs.front().metrics) {
    (void)first_value;
    std::vector<double> values;
    for (const auto& r : runs) {
      const double v = metric_value(r.metrics, name);
      if (std::isfinite(v)) values.push_back(v);
    }
    MetricStats s;
    s.name = name;
    if (values.empty()) {
      s.ci = analysis::ConfidenceInterval{nan, nan, nan, nan, nan, 0, level};
    } else {
      s.ci = analysis::mean_ci(values, level);
    }
    out.push_back(std::move(s));
  }
  return out;
}

const MetricStats* find_stats(const std::vector<MetricStats>& stats, const std::string& name) {
  for (const auto& s : stats)
    if (s.name == name) return &s;
  return nullptr;
}

unsigned resolve_threads(unsigned threads) {
  if (threads > 0) return threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? hw : 1;
}

void parallel_for(std::size_t begin, std::size_t end, unsigned threads,
                  const std::function<void(std::size_t)>& fn) {
  if (end <= begin) return;
  const std::size_t n = end - begin;
  const unsigned workers =
      static_cast<unsigned>(std::min<std::size_t>(resolve_threads(threads), n));
  std::vector<std::exception_ptr> errors(n);
  std::atomic<std::size_t> next{begin};
  auto work = [&] {
    for (std::size_t i = next++; i < end; i = next++) {
      try {
        fn(i);
      } catch (...) {
        errors[i - begin] = std::current_exception();
      }
    }
  };
  if (workers <= 1) {
    work();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(workers);
    for (unsigned w = 0; w < workers; ++w) pool.emplace_back(work);
    for (auto& t : pool) t.join();
  }
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

ReplicationSet run_replications(const models::Scenario& scenario,
                                const ReplicationOptions& options) {
  const unsigned threads = resolve_threads(options.threads);
  const bool auto_mode = options.auto_target.has_value();
  const std::size_t cap = auto_mode ? options.max_replications : options.replications;
  if (cap < 1) throw std::invalid_argument("replications: need at least one");
  if (auto_mode && options.max_replications < 2)
    throw std::invalid_argument("--max-replications: need at least 2");
  if (auto_mode && !(options.auto_target->second > 0))
    throw std::invalid_argument("--target: the half-width must be > 0");

  ReplicationSet set;
  std::vector<std::optional<ReplicationResult>> slots;
  std::mutex progress_mutex;
  std::size_t done = 0;
  auto run_batch = [&](std::size_t from, std::size_t to) {
    slots.resize(to);
    std::optional<sim::RunOutcome> first_outcome;
    parallel_for(from, to, threads, [&](std::size_t i) {
      sim::RunOutcome outcome;
      const bool keep = options.keep_first_outcome && i == 0;
      try {
        slots[i] = run_replication(scenario, options.scenario_path, options.base_seed + i,
                                   options.stop, keep ? &outcome : nullptr,
                                   options.watchdog ? &*options.watchdog : nullptr,
                                   options.keep_timeseries);
      } catch (const std::exception& e) {
        // Name the replication: rerun it alone with `run --seed N`.
        throw std::runtime_error("replication with seed " + std::to_string(options.base_seed + i) +
                                 ": " + e.what());
      }
      if (keep) first_outcome = std::move(outcome);
      if (options.on_done) {
        std::lock_guard<std::mutex> lock(progress_mutex);
        options.on_done(++done, auto_mode ? 0 : cap);
      }
    });
    if (first_outcome) set.first = std::move(first_outcome);
  };
  auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };

  if (!auto_mode) {
    run_batch(0, cap);
  } else {
    const std::string& metric = options.auto_target->first;
    analysis::StoppingRule rule;
    rule.target_half_width = options.auto_target->second;
    rule.max_replications = cap;
    rule.min_replications = std::min<std::size_t>(5, cap);
    std::size_t have = 0;
    for (;;) {
      // First batch: enough for the minimum; then batches of `threads`.
      const std::size_t want =
          have == 0 ? std::max<std::size_t>(rule.min_replications, threads) : have + threads;
      const std::size_t to = std::min(cap, want);
      run_batch(have, to);
      have = to;
      std::vector<double> values;
      bool known = false;
      for (const auto& slot : slots) {
        for (const auto& [n, v] : slot->metrics) {
          if (n != metric) continue;
          known = true;
          if (std::isfinite(v)) values.push_back(v);
        }
      }
      if (!known) throw std::invalid_argument("--target: unknown metric '" + metric + "'");
      if (values.size() >= 2) {
        const auto ci = analysis::mean_ci(values, rule.level);
        if (ci.half_width <= rule.target_half_width && have >= rule.min_replications) {
          set.target_reached = true;
          break;
        }
      }
      if (have >= cap || stopped()) break;
    }
  }
  for (auto& slot : slots) set.runs.push_back(std::move(*slot));
  set.stats = summarize(whole_runs(set.runs));
  return set;
}

analysis::io::Json replications_to_json(const ReplicationSet& set, const std::string& scenario,
                                        const std::string& path) {
  using analysis::io::Json;
  Json root = Json::object();
  root.set("schema", kReplicationsSchema);
  Json sc = Json::object();
  sc.set("path", path);
  sc.set("name", scenario);
  root.set("scenario", std::move(sc));
  root.set("replications", set.runs.size());
  Json seeds = Json::array();
  for (const auto& r : set.runs) seeds.push(r.seed);
  root.set("seeds", std::move(seeds));
  root.set("level", 0.95);
  Json metrics = Json::object();
  for (const auto& s : set.stats) {
    Json m = Json::object();
    m.set("mean", s.ci.mean);
    m.set("stddev", s.ci.stddev);
    m.set("half_width", s.ci.half_width);
    m.set("ci_low", s.ci.low);
    m.set("ci_high", s.ci.high);
    m.set("n", s.ci.n);
    Json values = Json::array();
    for (const auto& r : set.runs) values.push(metric_value(r.metrics, s.name));
    m.set("values", std::move(values));
    metrics.set(s.name, std::move(m));
  }
  root.set("metrics", std::move(metrics));
  return root;
}

std::string replications_csv(const ReplicationSet& set) {
  analysis::io::CsvWriter w;
  w.row({"metric", "mean", "stddev", "half_width", "ci_low", "ci_high", "n"});
  for (const auto& s : set.stats) {
    w.field(s.name)
        .field(s.ci.mean)
        .field(s.ci.stddev)
        .field(s.ci.half_width)
        .field(s.ci.low)
        .field(s.ci.high)
        .field(static_cast<std::uint64_t>(s.ci.n));
    w.end_row();
  }
  return w.str();
}

NamedMetrics replication_means(const analysis::io::Json& replications) {
  NamedMetrics out;
  const analysis::io::Json* metrics = replications.find("metrics");
  if (metrics == nullptr || metrics->type() != analysis::io::Json::Type::kObject)
    throw std::runtime_error("replications.json: no 'metrics' object");
  for (const auto& [name, m] : metrics->as_object()) {
    const analysis::io::Json* mean = m.find("mean");
    if (mean == nullptr) continue;
    out.emplace_back(
        name, mean->is_number() ? mean->as_double() : std::numeric_limits<double>::quiet_NaN());
  }
  return out;
}

std::string replications_timeseries_csv(const ReplicationSet& set) {
  std::string out;
  for (const auto& r : set.runs) {
    if (r.timeseries_csv.empty()) continue;
    // The same header for every replication of one scenario: keep the first only.
    const std::size_t body = r.timeseries_csv.find('\n');
    out += out.empty() || body == std::string::npos ? r.timeseries_csv
                                                    : r.timeseries_csv.substr(body + 1);
  }
  return out;
}

}  // namespace p2pcdn::study
