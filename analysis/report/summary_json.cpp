// summary.json writer, reader and structural check.
#include "analysis/report/summary_json.hpp"

#include <cmath>
#include <stdexcept>

#include "analysis/io/atomic_file.hpp"

namespace p2pcdn::analysis {
namespace {

using io::Json;

Json distribution(const DistributionSummary& d) {
  Json o = Json::object();
  o.set("count", d.count);
  o.set("mean", d.mean);
  o.set("p50", d.p50);
  o.set("p90", d.p90);
  o.set("p99", d.p99);
  o.set("min", d.min);
  o.set("max", d.max);
  return o;
}

Json egress(const EgressSummary& e, const char* name_key = nullptr) {
  Json o = Json::object();
  if (name_key != nullptr) o.set(name_key, e.name);
  o.set("bytes", e.bytes);
  o.set("mean_gbps", e.mean_gbps);
  o.set("peak_gbps", e.peak_gbps);
  o.set("p95_gbps", e.p95_gbps);
  return o;
}

Json breakdown(const std::vector<GroupBreakdown>& groups) {
  Json arr = Json::array();
  for (const auto& g : groups) {
    Json o = Json::object();
    o.set("name", g.name);
    o.set("viewers", g.viewers);
    o.set("bytes_cdn", g.bytes_cdn);
    o.set("bytes_p2p", g.bytes_p2p);
    o.set("bytes_turn", g.bytes_turn);
    o.set("offload", g.offload);
    o.set("rebuffering_ratio_mean", g.rebuffering_ratio_mean);
    o.set("stalled_share", g.stalled_share);
    o.set("startup_s_mean", g.startup_s_mean);
    o.set("avg_bitrate_kbps_mean", g.avg_bitrate_kbps_mean);
    arr.push(std::move(o));
  }
  return arr;
}

double share(std::uint64_t num, std::uint64_t den) {
  return den > 0 ? static_cast<double>(num) / static_cast<double>(den)
                 : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

io::Json bounds_to_json(const BoundsFigures& b) {
  Json o = Json::object();
  o.set("achieved_offload", b.achieved_offload);
  o.set("fluid_offload", b.fluid_offload);
  o.set("max_flow_offload", b.max_flow_offload);
  o.set("fluid_efficiency", b.fluid_efficiency);
  o.set("max_flow_efficiency", b.max_flow_efficiency);
  o.set("demand_bytes", b.demand_bytes);
  o.set("fluid_cdn_min_bytes", b.fluid_cdn_min_bytes);
  o.set("max_flow_cdn_min_bytes", b.max_flow_cdn_min_bytes);
  o.set("non_webrtc_demand_bytes", b.non_webrtc_demand_bytes);
  o.set("intervals", b.intervals);
  o.set("store_forward_offload", b.store_forward_offload);
  o.set("store_forward_efficiency", b.store_forward_efficiency);
  o.set("store_forward_demand_bytes", b.store_forward_demand_bytes);
  o.set("store_forward_cdn_min_bytes", b.store_forward_cdn_min_bytes);
  o.set("max_usable_uplink_bps", b.max_usable_uplink_bps);
  o.set("tightest_offload", b.tightest_offload);
  o.set("tightest_efficiency", b.tightest_efficiency);
  return o;
}

io::Json cost_to_json(const CostFigures& c) {
  Json o = Json::object();
  o.set("baseline", c.baseline);
  o.set("cdn_usd_per_gb", c.cdn_usd_per_gb);
  o.set("turn_usd_per_gb", c.turn_usd_per_gb);
  o.set("cdn_gb", c.cdn_gb);
  o.set("cdn_usd", c.cdn_usd);
  o.set("turn_gb", c.turn_gb);
  o.set("turn_usd", c.turn_usd);
  o.set("total_usd", c.total_usd);
  o.set("baseline_gb", c.baseline_gb);
  o.set("baseline_usd", c.baseline_usd);
  o.set("saving_usd", c.saving_usd);
  o.set("saving_fraction", c.saving_fraction);
  o.set("cdn_p95_5min_gbps", c.cdn_p95_5min_gbps);
  o.set("baseline_p95_5min_gbps", c.baseline_p95_5min_gbps);
  o.set("samples_5min", c.samples_5min);
  return o;
}

io::Json summary_to_json(const Summary& s, const RunInfo& info, const SummaryExtras& extras) {
  Json root = Json::object();
  root.set("schema", kSummarySchema);
  Json scenario = Json::object();
  scenario.set("path", info.scenario_path);
  scenario.set("name", info.scenario_name);
  root.set("scenario", std::move(scenario));
  root.set("seed", info.seed);
  root.set("policy", info.policy);
  root.set("partial", info.partial);
  root.set("events_processed", info.events_processed);
  root.set("duration_s", to_seconds(s.end_us));
  root.set("interval_s", to_seconds(s.interval_us));
  root.set("offload", s.offload);

  Json bytes = Json::object();
  bytes.set("cdn", s.bytes_cdn);
  bytes.set("p2p", s.bytes_p2p);
  bytes.set("turn", s.bytes_turn);
  bytes.set("total", s.bytes_cdn + s.bytes_p2p + s.bytes_turn);
  root.set("bytes", std::move(bytes));

  Json eg = Json::object();
  eg.set("cdn", egress(s.cdn));
  eg.set("turn", egress(s.turn));
  eg.set("server", egress(s.server));
  Json pops = Json::array();
  for (const auto& p : s.cdn_by_pop) pops.push(egress(p, "pop"));
  eg.set("cdn_by_pop", std::move(pops));
  root.set("egress", std::move(eg));

  Json conn = Json::object();
  conn.set("attempts", s.connection_attempts);
  conn.set("successes", s.connection_successes);
  conn.set("relayed", s.connection_relayed);
  conn.set("success_rate", share(s.connection_successes, s.connection_attempts));
  Json pairs = Json::array();
  for (const auto& p : s.connections_by_nat) {
    Json o = Json::object();
    o.set("nat_a", p.nat_a);
    o.set("nat_b", p.nat_b);
    o.set("attempts", p.attempts);
    o.set("successes", p.successes);
    o.set("relayed", p.relayed);
    o.set("success_rate", share(p.successes, p.attempts));
    pairs.push(std::move(o));
  }
  conn.set("by_nat_pair", std::move(pairs));
  root.set("connections", std::move(conn));

  const SchedulerTotals& st = s.scheduler;
  Json sched = Json::object();
  sched.set("http_segments", st.http_segments);
  sched.set("p2p_segments", st.p2p_segments);
  sched.set("http_failures", st.http_failures);
  sched.set("requests_sent", st.requests_sent);
  sched.set("requests_rejected", st.requests_rejected);
  sched.set("requests_timed_out", st.requests_timed_out);
  sched.set("requests_failed", st.requests_failed);
  sched.set("request_success_rate", share(st.p2p_segments, st.requests_sent));
  sched.set("p2p_to_http_fallbacks", st.p2p_to_http_fallbacks);
  sched.set("uploads_served", st.uploads_served);
  sched.set("uploads_rejected", st.uploads_rejected);
  sched.set("integrity_failures", st.integrity_failures);
  sched.set("peers_banned", st.peers_banned);
  sched.set("malformed_messages", st.malformed_messages);
  sched.set("decision_epochs", st.decision_epochs);
  sched.set("epochs_skipped", st.epochs_skipped);
  Json by_reason = Json::object();
  by_reason.set("busy", st.rejected_busy);
  by_reason.set("not_found", st.rejected_not_found);
  by_reason.set("rate_limited", st.rejected_rate_limited);
  sched.set("requests_rejected_by_reason", std::move(by_reason));
  sched.set("requests_rejected_share", share(st.requests_rejected, st.requests_sent));
  Json http_by_reason = Json::object();
  http_by_reason.set("seed", st.http_seed);
  http_by_reason.set("deadline", st.http_deadline);
  http_by_reason.set("no_holder", st.http_no_holder);
  http_by_reason.set("rule", st.http_rule);
  http_by_reason.set("peer_fallback", st.p2p_to_http_fallbacks);
  sched.set("http_fetches_by_reason", std::move(http_by_reason));
  root.set("scheduler", std::move(sched));

  Json wasted = Json::object();
  const std::uint64_t wasted_total = s.wasted_cdn + s.wasted_p2p + s.wasted_turn;
  wasted.set("cdn_bytes", s.wasted_cdn);
  wasted.set("p2p_bytes", s.wasted_p2p);
  wasted.set("turn_bytes", s.wasted_turn);
  wasted.set("bytes", wasted_total);
  wasted.set("share_of_delivered", share(wasted_total, s.bytes_cdn + s.bytes_p2p + s.bytes_turn));
  root.set("wasted", std::move(wasted));

  Json viewers = Json::object();
  viewers.set("total", s.viewers);
  viewers.set("started", s.viewers_started);
  viewers.set("peak_concurrency", s.peak_concurrency);
  viewers.set("never_started_share", s.never_started_share);
  viewers.set("stalled_share", s.stalled_share);
  root.set("viewers", std::move(viewers));

  Json qoe = Json::object();
  qoe.set("rebuffering_ratio", distribution(s.rebuffering_ratio));
  qoe.set("stalls_per_hour", distribution(s.stalls_per_hour));
  qoe.set("startup_s", distribution(s.startup_s));
  qoe.set("avg_bitrate_kbps", distribution(s.avg_bitrate_kbps));
  qoe.set("bitrate_switches", distribution(s.bitrate_switches));
  qoe.set("watch_s", distribution(s.watch_s));
  qoe.set("viewer_offload", distribution(s.viewer_offload));
  root.set("qoe", std::move(qoe));

  Json br = Json::object();
  br.set("device", breakdown(s.by_device));
  br.set("nat", breakdown(s.by_nat));
  br.set("region", breakdown(s.by_region));
  br.set("rendition", breakdown(s.by_rendition));
  root.set("breakdowns", std::move(br));

  Json warnings = Json::array();
  for (const auto& w : info.warnings) warnings.push(w);
  root.set("warnings", std::move(warnings));

  if (extras.bounds) root.set("bounds", bounds_to_json(*extras.bounds));
  if (extras.cost) root.set("cost", cost_to_json(*extras.cost));
  if (extras.baseline) root.set("baseline", *extras.baseline);

  Json run = Json::object();
  run.set("wall_time_s", info.run.wall_time_s);
  run.set("peak_rss_bytes", info.run.peak_rss_bytes);
  run.set("host", info.run.host);
  run.set("version", info.run.version);
  run.set("partitions", static_cast<std::uint64_t>(info.run.partitions));
  run.set("threads", static_cast<std::uint64_t>(info.run.threads));
  if (!info.run.partition_runs.empty()) {
    Json parts = Json::array();
    for (const PartitionRun& p : info.run.partition_runs) {
      Json part = Json::object();
      part.set("regions", p.regions);
      part.set("viewer_share", p.viewer_share);
      part.set("wall_s", p.wall_s);
      part.set("events", p.events);
      parts.push(std::move(part));
    }
    run.set("partition_runs", std::move(parts));
    run.set("cores_busy", info.run.cores_busy());
  }
  if (!info.run.stopped_by.empty()) run.set("stopped_by", info.run.stopped_by);
  if (info.run.memory_viewers > 0) {
    Json memory = Json::object();
    memory.set("viewers", info.run.memory_viewers);
    memory.set("t_s", info.run.memory_t_s);
    memory.set("bytes_per_viewer", info.run.memory_bytes_per_viewer);
    memory.set("neighbour_list_bytes_per_viewer", info.run.memory_neighbour_list_bytes_per_viewer);
    Json items = Json::object();
    for (const auto& [name, per_viewer] : info.run.memory_items) items.set(name, per_viewer);
    memory.set("items", std::move(items));
    run.set("memory", std::move(memory));
  }
  root.set("run", std::move(run));
  return root;
}

void write_summary_json(const std::filesystem::path& path, const Summary& summary,
                        const RunInfo& info, const SummaryExtras& extras) {
  io::write_file_atomic(path, io::dump(summary_to_json(summary, info, extras)));
}

io::Json read_summary_json(const std::filesystem::path& path) {
  const std::string text = io::read_file(path);
  try {
    return io::parse_json(text);
  } catch (const io::JsonParseError& e) {
    throw io::JsonParseError(path.string() + ": " + e.what(), e.line(), e.column());
  }
}

std::vector<std::string> check_summary_json(const io::Json& root) {
  std::vector<std::string> problems;
  if (root.type() != Json::Type::kObject) return {"summary: top level is not an object"};

  // Follows a dotted path; records a problem and returns nullptr if absent.
  const auto get = [&](const std::string& dotted) -> const Json* {
    const Json* cur = &root;
    std::size_t start = 0;
    while (start <= dotted.size()) {
      const std::size_t dot = dotted.find('.', start);
      const std::string key =
          dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
      cur = cur->find(key);
      if (cur == nullptr) {
        problems.push_back("missing key '" + dotted + "'");
        return nullptr;
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return cur;
  };
  const auto want = [&](const std::string& key, Json::Type type) -> const Json* {
    const Json* v = get(key);
    if (v == nullptr) return nullptr;
    const bool ok =
        v->type() == type || (type == Json::Type::kDouble && (v->is_number() || v->is_null()));
    if (!ok) {
      problems.push_back("key '" + key + "' has the wrong type");
      return nullptr;
    }
    return v;
  };
  const auto want_count = [&](const std::string& key) -> std::int64_t {
    const Json* v = want(key, Json::Type::kInt);
    if (v == nullptr) return -1;
    if (v->as_int() < 0) problems.push_back("key '" + key + "' is negative");
    return v->as_int();
  };
  const auto want_share = [&](const std::string& key, bool nullable) {
    const Json* v = want(key, Json::Type::kDouble);
    if (v == nullptr) return;
    if (v->is_null()) {
      if (!nullable) problems.push_back("key '" + key + "' is null");
      return;
    }
    const double x = v->as_double();
    if (!(x >= 0 && x <= 1))
      problems.push_back("key '" + key + "' = " + io::format_double(x) + " is outside [0, 1]");
  };

  if (const Json* schema = want("schema", Json::Type::kString)) {
    if (schema->as_string() != kSummarySchema) {
      problems.push_back("schema '" + schema->as_string() + "' is not '" + kSummarySchema + "'");
    }
  }
  want("scenario.path", Json::Type::kString);
  want("scenario.name", Json::Type::kString);
  want_count("seed");
  want("policy", Json::Type::kString);
  want("partial", Json::Type::kBool);
  want_count("events_processed");
  want("duration_s", Json::Type::kDouble);
  want("interval_s", Json::Type::kDouble);
  want_share("offload", false);
  const std::int64_t cdn = want_count("bytes.cdn");
  const std::int64_t p2p = want_count("bytes.p2p");
  const std::int64_t turn = want_count("bytes.turn");
  const std::int64_t total = want_count("bytes.total");
  if (cdn >= 0 && p2p >= 0 && turn >= 0 && total >= 0 && cdn + p2p + turn != total) {
    problems.push_back("bytes.total is not bytes.cdn + bytes.p2p + bytes.turn");
  }
  for (const char* e : {"egress.cdn", "egress.turn", "egress.server"}) {
    want_count(std::string(e) + ".bytes");
    for (const char* k : {".mean_gbps", ".peak_gbps", ".p95_gbps"})
      want(std::string(e) + k, Json::Type::kDouble);
  }
  want("egress.cdn_by_pop", Json::Type::kArray);
  want_count("connections.attempts");
  want_count("connections.successes");
  want("connections.by_nat_pair", Json::Type::kArray);
  if (root.find("scheduler") != nullptr) {  // added in 0.2: older summaries have none
    for (const char* k :
         {"requests_sent", "requests_rejected", "p2p_to_http_fallbacks", "decision_epochs"}) {
      want_count(std::string("scheduler.") + k);
    }
  }
  want_count("viewers.total");
  want_count("viewers.started");
  want_count("viewers.peak_concurrency");
  want_share("viewers.never_started_share", true);
  want_share("viewers.stalled_share", true);
  for (const char* d : {"rebuffering_ratio", "stalls_per_hour", "startup_s", "avg_bitrate_kbps",
                        "bitrate_switches", "watch_s", "viewer_offload"}) {
    const std::string base = std::string("qoe.") + d;
    want_count(base + ".count");
    for (const char* k : {".mean", ".p50", ".p90", ".p99", ".min", ".max"})
      want(base + k, Json::Type::kDouble);
  }
  want_share("qoe.rebuffering_ratio.mean", true);
  for (const char* b : {"device", "nat", "region", "rendition"}) {
    want(std::string("breakdowns.") + b, Json::Type::kArray);
  }
  want("run", Json::Type::kObject);
  return problems;
}

}  // namespace p2pcdn::analysis
