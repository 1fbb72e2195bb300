#include "models/scenario/decode.hpp"

#include <limits>
#include <string>

#include "p2pcdn/scheduler/policies.hpp"

namespace p2pcdn::models::detail {
namespace {

using yaml::Node;

// 1e9 concurrent viewers: 17x the largest event on record (59 M, [HS23a]); a typo beyond it
// would only make the run endless.
constexpr double kMaxViewers = 1e9;

void decode_run(Ctx& ctx, const Node* n, RunSpec& r) {
  MapReader m(ctx, n, "run");
  // At most 30 days: bounds every per-run table (a typo like 1e12 must not hang the loader).
  m.number("duration_s", r.duration_s, {0.0, 30.0 * 86400.0, true, false});
  m.integer("seed", r.seed);
  m.number("warmup_s", r.warmup_s, non_negative());
  m.choice("partition", r.partition,
           {{"none", RunPartition::kNone}, {"region", RunPartition::kRegion}});
}

void decode_channel(Ctx& ctx, const Node& n, const std::string& path, ChannelSpec& c) {
  MapReader m(ctx, &n, path);
  m.name("name", c.name);
  m.number("share", c.share, non_negative());
  if (const Node* r = m.take("renditions")) {
    if (r->kind == Node::Kind::kSeq) c.renditions.clear();
    for_each_item(ctx, *r, m.child("renditions"), [&](const Node& item, const std::string& p) {
      std::string name;
      if (read_name(ctx, item, p, name)) c.renditions.push_back(name);
    });
  }
}

void decode_channels(Ctx& ctx, const Node* n, ChannelsSpec& c) {
  MapReader m(ctx, n, "audience.channels");
  const Node* zipf = m.take("zipf");
  const Node* list = m.take("list");
  if (zipf != nullptr && list != nullptr) {
    ctx.error(zipf->mark, m.child("zipf"), "give either channels.zipf or channels.list, not both");
  }
  if (zipf != nullptr) {
    c.law = ChannelLaw::kZipf;
    MapReader z(ctx, zipf, m.child("zipf"));
    z.integer("count", c.zipf_count, 1, 100000);
    z.number("exponent", c.zipf_exponent, non_negative());
  } else if (list != nullptr) {
    c.law = ChannelLaw::kExplicit;
    if (list->kind == Node::Kind::kSeq) c.list.clear();
    for_each_item(ctx, *list, m.child("list"), [&](const Node& item, const std::string& p) {
      ChannelSpec spec;
      decode_channel(ctx, item, p, spec);
      c.list.push_back(spec);
    });
  }
}

void decode_spike(Ctx& ctx, const Node& n, const std::string& path, SpikeSpec& s) {
  MapReader m(ctx, &n, path);
  m.number("at_s", s.at_s, non_negative());
  m.number("gain", s.gain, {-1.0, std::numeric_limits<double>::infinity(), true, false});
  m.number("rise_s", s.rise_s, non_negative());
  m.number("hold_s", s.hold_s, non_negative());
  m.number("fall_s", s.fall_s, non_negative());
}

void decode_concurrency(Ctx& ctx, const Node* n, ConcurrencySpec& c) {
  MapReader m(ctx, n, "audience.concurrency");
  if (const Node* pts = m.take("points")) {
    if (pts->kind == Node::Kind::kSeq) c.points.clear();
    for_each_item(ctx, *pts, m.child("points"), [&](const Node& item, const std::string& p) {
      if (item.kind != Node::Kind::kSeq || item.seq.size() != 2) {
        ctx.error(item.mark, p, "expected a pair [t_s, viewers], got " + kind_name(item));
        return;
      }
      CurvePoint cp;
      const bool ok_t = read_number(ctx, item.seq[0], p + "[0]", cp.t_s, non_negative());
      const bool ok_v =
          read_number(ctx, item.seq[1], p + "[1]", cp.viewers, between(0.0, kMaxViewers));
      if (ok_t && ok_v) c.points.push_back(cp);
    });
  }
  m.number("peak_viewers", c.peak_viewers, {0.0, kMaxViewers, true, false});
  m.number("baseline_fraction", c.baseline_fraction, unit());
  if (const Node* r = m.take("ramp")) {
    MapReader rm(ctx, r, m.child("ramp"));
    rm.number("t50_s", c.ramp.t50_s, any());
    rm.number("tau_s", c.ramp.tau_s, positive());
  }
  m.number("event_end_s", c.event_end_s, any());
  m.number("decay_tau_s", c.decay_tau_s, positive());
  if (const Node* sp = m.take("spikes")) {
    if (sp->kind == Node::Kind::kSeq) c.spikes.clear();
    for_each_item(ctx, *sp, m.child("spikes"), [&](const Node& item, const std::string& p) {
      SpikeSpec s;
      decode_spike(ctx, item, p, s);
      c.spikes.push_back(s);
    });
  }
}

void decode_session(Ctx& ctx, const Node* n, SessionSpec& s) {
  MapReader m(ctx, n, "audience.session");
  m.choice("law", s.law,
           {{"lognormal", SessionLawKind::kLognormal},
            {"weibull", SessionLawKind::kWeibull},
            {"exponential", SessionLawKind::kExponential}});
  m.number("median_s", s.median_s, positive());
  m.number("sigma", s.sigma, between(0.0, 5.0));
  m.number("weibull_shape", s.weibull_shape, {0.1, 20.0, false, false});
  m.number("weibull_scale_s", s.weibull_scale_s, positive());
  m.number("mean_s", s.mean_s, positive());
  m.number("zapper_fraction", s.zapper_fraction, {0.0, 1.0, false, true});
  m.number("zapper_mean_s", s.zapper_mean_s, positive());
}

void decode_audience(Ctx& ctx, const Node* n, AudienceSpec& a) {
  MapReader m(ctx, n, "audience");
  decode_channels(ctx, m.take("channels"), a.channels);
  decode_concurrency(ctx, m.take("concurrency"), a.concurrency);
  decode_session(ctx, m.take("session"), a.session);
  m.choice("rate_method", a.rate_method,
           {{"renewal", RateMethod::kRenewal}, {"little", RateMethod::kLittle}});
  m.number("rate_step_s", a.rate_step_s, {0.1, 600.0, false, false});
  m.boolean("forced_departures", a.forced_departures);
}

void decode_capacity(Ctx& ctx, const Node* n, const std::string& path, CapacityLaw& c) {
  MapReader m(ctx, n, path);
  m.number("median_mbps", c.median_mbps, positive());
  m.number("sigma", c.sigma, between(0.0, 5.0));
}

// A mapping name -> share (user-chosen names; references checked later).
void decode_share_map(Ctx& ctx, const Node& n, const std::string& path,
                      std::vector<TechShare>& out) {
  ctx.marks[path] = n.mark;
  if (n.kind != Node::Kind::kMap) {
    ctx.error(n.mark, path, "expected a mapping name: share, got " + kind_name(n));
    return;
  }
  out.clear();
  for (const auto& e : n.map) {
    TechShare ts;
    ts.tech = e.key;
    const std::string p = path + "." + e.key;
    ctx.marks[p] = e.key_mark;
    if (read_number(ctx, e.value, p, ts.share, unit())) out.push_back(ts);
  }
}

void decode_device(Ctx& ctx, const Node* n, const std::string& path, DeviceSpec& d) {
  MapReader m(ctx, n, path);
  m.number("share", d.share, unit());
  m.number("can_webrtc_share", d.can_webrtc_share, unit());
  m.number("uploads_share", d.uploads_share, unit());
  if (const Node* a = m.take("access")) decode_share_map(ctx, *a, m.child("access"), d.access);
}

void decode_nat_mix(Ctx& ctx, const Node* n, const std::string& path, NatMix& mix) {
  MapReader m(ctx, n, path);
  m.number("open", mix[static_cast<std::size_t>(NatType::kOpen)], unit());
  m.number("full_cone", mix[static_cast<std::size_t>(NatType::kFullCone)], unit());
  m.number("restricted", mix[static_cast<std::size_t>(NatType::kRestricted)], unit());
  m.number("port_restricted", mix[static_cast<std::size_t>(NatType::kPortRestricted)], unit());
  m.number("symmetric", mix[static_cast<std::size_t>(NatType::kSymmetric)], unit());
  m.number("udp_blocked", mix[static_cast<std::size_t>(NatType::kUdpBlocked)], unit());
}

void decode_population(Ctx& ctx, const Node* n, PopulationSpec& p) {
  MapReader m(ctx, n, "population");
  if (const Node* devices = m.take("devices")) {
    MapReader dm(ctx, devices, m.child("devices"));
    for (std::size_t i = 0; i < kDeviceClassCount; ++i) {
      const char* key = to_string(static_cast<DeviceClass>(i));
      decode_device(ctx, dm.take(key), dm.child(key), p.devices[i]);
    }
  }
  if (const Node* access = m.take("access")) {
    if (access->kind == Node::Kind::kSeq) p.access.clear();
    for_each_item(ctx, *access, m.child("access"), [&](const Node& item, const std::string& ap) {
      AccessTechSpec t;
      MapReader am(ctx, &item, ap);
      am.name("name", t.name);
      am.choice("kind", t.kind,
                {{"fixed", AccessKind::kFixed}, {"cellular", AccessKind::kCellular}});
      decode_capacity(ctx, am.take("down"), am.child("down"), t.down);
      decode_capacity(ctx, am.take("up"), am.child("up"), t.up);
      p.access.push_back(t);
    });
  }
  m.number("capacity_derate", p.capacity_derate, {0.0, 1.0, true, false});
  m.number("min_capacity_mbps", p.min_capacity_mbps, positive());
  if (const Node* nat = m.take("nat")) {
    MapReader nm(ctx, nat, m.child("nat"));
    decode_nat_mix(ctx, nm.take("fixed"), nm.child("fixed"), p.nat_fixed);
    decode_nat_mix(ctx, nm.take("cellular"), nm.child("cellular"), p.nat_cellular);
  }
}

void decode_topology(Ctx& ctx, const Node* n, TopologyParams& t) {
  MapReader m(ctx, n, "topology");
  if (const Node* regions = m.take("regions")) {
    if (regions->kind == Node::Kind::kSeq) t.regions.clear();
    for_each_item(ctx, *regions, m.child("regions"), [&](const Node& item, const std::string& rp) {
      Region r;
      MapReader rm(ctx, &item, rp);
      rm.name("name", r.name);
      rm.number("viewer_share", r.viewer_share, unit());
      t.regions.push_back(r);
    });
  }
  if (const Node* isps = m.take("isps")) {
    if (isps->kind == Node::Kind::kSeq) t.isps.clear();
    for_each_item(ctx, *isps, m.child("isps"), [&](const Node& item, const std::string& ip) {
      Isp isp;
      MapReader im(ctx, &item, ip);
      im.name("name", isp.name);
      im.name("region", isp.region);
      im.number("viewer_share", isp.viewer_share, unit());
      im.number("hub_latency_ms", isp.hub_latency_ms, non_negative());
      im.number("intra_latency_ms", isp.intra_latency_ms, non_negative());
      t.isps.push_back(isp);
    });
  }
  if (const Node* links = m.take("interconnects")) {
    if (links->kind == Node::Kind::kSeq) t.interconnects.clear();
    for_each_item(ctx, *links, m.child("interconnects"),
                  [&](const Node& item, const std::string& lp) {
                    Interconnect l;
                    MapReader lm(ctx, &item, lp);
                    lm.name("from", l.from);
                    lm.name("to", l.to);
                    lm.number("latency_ms", l.latency_ms, non_negative());
                    t.interconnects.push_back(l);
                  });
  }
}

void decode_cdn(Ctx& ctx, const Node* n, CdnParams& c) {
  MapReader m(ctx, n, "cdn");
  if (const Node* pops = m.take("pops")) {
    if (pops->kind == Node::Kind::kSeq) c.pops.clear();
    for_each_item(ctx, *pops, m.child("pops"), [&](const Node& item, const std::string& pp) {
      Pop pop;
      MapReader pm(ctx, &item, pp);
      pm.name("name", pop.name);
      pm.name("region", pop.region);
      pm.number("egress_gbps", pop.egress_gbps, positive());
      pm.number("hub_latency_ms", pop.hub_latency_ms, non_negative());
      c.pops.push_back(pop);
    });
  }
  if (const Node* origin = m.take("origin")) {
    ctx.not_modelled(m.child("origin"));  // PoPs serve every segment without a cache fill
    MapReader om(ctx, origin, m.child("origin"));
    om.name("region", c.origin.region);
    om.number("egress_gbps", c.origin.egress_gbps, positive());
    om.number("fill_latency_ms", c.origin.fill_latency_ms, non_negative());
  }
  if (const Node* outages = m.take("outages")) {
    if (outages->kind == Node::Kind::kSeq) c.outages.clear();
    for_each_item(ctx, *outages, m.child("outages"), [&](const Node& item, const std::string& op) {
      Outage o;
      MapReader om(ctx, &item, op);
      om.name("pop", o.pop);
      om.number("at_s", o.at_s, non_negative());
      om.number("until_s", o.until_s, non_negative());
      c.outages.push_back(o);
    });
  }
  m.number("http_server_latency_ms", c.http_server_latency_ms, non_negative());
}

void decode_nat(Ctx& ctx, const Node* n, NatParams& p) {
  MapReader m(ctx, n, "nat");
  m.number("hole_punch_success", p.hole_punch_success, unit());
  m.number("ice_setup_median_s", p.ice_setup_median_s, positive());
  m.number("ice_setup_sigma", p.ice_setup_sigma, between(0.0, 5.0));
  m.number("turn_extra_setup_s", p.turn_extra_setup_s, non_negative());
  m.number("failure_after_success_probability", p.failure_after_success_probability, unit());
  m.number("mapping_timeout_s", p.mapping_timeout_s, positive());
  // Connections last until a side leaves or drops the other.
  for (const char* key : {"failure_after_success_probability", "mapping_timeout_s"}) {
    if (m.has(key)) ctx.not_modelled(m.child(key));
  }
}

void decode_turn(Ctx& ctx, const Node* n, TurnSpec& t) {
  MapReader m(ctx, n, "turn");
  m.boolean("enabled", t.enabled);
  m.number("capacity_gbps", t.capacity_gbps, positive());
  if (const Node* regions = m.take("regions")) {
    if (regions->kind == Node::Kind::kSeq) t.regions.clear();
    for_each_item(ctx, *regions, m.child("regions"), [&](const Node& item, const std::string& p) {
      std::string name;
      if (read_name(ctx, item, p, name)) t.regions.push_back(name);
    });
  }
}

// "1280x720" -> width, height.
bool parse_resolution(const std::string& text, int& w, int& h) {
  const auto x = text.find('x');
  if (x == std::string::npos) return false;
  try {
    std::size_t used_w = 0, used_h = 0;
    const int pw = std::stoi(text.substr(0, x), &used_w);
    const int ph = std::stoi(text.substr(x + 1), &used_h);
    if (used_w != x || used_h != text.size() - x - 1 || pw <= 0 || ph <= 0) return false;
    w = pw;
    h = ph;
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

void decode_stream(Ctx& ctx, const Node* n, StreamParams& s) {
  MapReader m(ctx, n, "stream");
  if (const Node* rs = m.take("renditions")) {
    if (rs->kind == Node::Kind::kSeq) s.renditions.clear();
    for_each_item(ctx, *rs, m.child("renditions"), [&](const Node& item, const std::string& rp) {
      Rendition r;
      MapReader rm(ctx, &item, rp);
      rm.name("name", r.name);
      rm.number("bitrate_kbps", r.bitrate_kbps, positive());
      if (const Node* res = rm.take("resolution")) {
        std::string text;
        if (read_name(ctx, *res, rm.child("resolution"), text) &&
            !parse_resolution(text, r.width_px, r.height_px)) {
          ctx.error(res->mark, rm.child("resolution"),
                    "expected WIDTHxHEIGHT like 1280x720 (got " + text + ")");
        }
      }
      s.renditions.push_back(r);
    });
  }
  m.number("segment_duration_s", s.segment_duration_s, {0.1, 60.0, false, false});
  m.number("segment_size_cv", s.segment_size_cv, between(0.0, 2.0));
  m.number("availability_delay_s", s.availability_delay_s, non_negative());
  m.number("live_latency_target_s", s.live_latency_target_s, positive());
  m.number("mobile_cap_kbps", s.mobile_cap_kbps, non_negative());
}

void decode_abr(Ctx& ctx, const Node* n, AbrParams& a) {
  MapReader m(ctx, n, "player.abr");
  m.choice("rule", a.rule,
           {{"throughput", AbrRule::kThroughput},
            {"bba", AbrRule::kBufferBased},
            {"bola", AbrRule::kBola}});
  m.number("ewma_fast_half_life_s", a.ewma_fast_half_life_s, positive());
  m.number("ewma_slow_half_life_s", a.ewma_slow_half_life_s, positive());
  m.number("default_estimate_kbps", a.default_estimate_kbps, positive());
  m.number("min_sample_duration_s", a.min_sample_duration_s, non_negative());
  m.number("bandwidth_safety_factor", a.bandwidth_safety_factor, {0.0, 1.0, true, false});
  m.number("bandwidth_up_safety_factor", a.bandwidth_up_safety_factor, {0.0, 1.0, true, false});
  m.number("bba_reservoir_s", a.bba_reservoir_s, non_negative());
  m.number("bba_cushion_s", a.bba_cushion_s, positive());
  m.number("bola_min_buffer_s", a.bola_min_buffer_s, positive());
  m.number("bola_buffer_target_s", a.bola_buffer_target_s, positive());
}

void decode_startup(Ctx& ctx, const Node* n, StartupParams& p) {
  MapReader m(ctx, n, "player.startup");
  m.number("player_init_s", p.player_init_s, between(0.0, 60.0));
  m.number("dns_s", p.dns_s, between(0.0, 60.0));
  m.integer("connection_rtts", p.connection_rtts, 0, 10);
  m.integer("playlist_fetches", p.playlist_fetches, 0, 10);
  m.number("playlist_bytes", p.playlist_bytes, between(0.0, 1e8));
  m.number("first_frame_s", p.first_frame_s, between(0.0, 60.0));
}

void decode_player(Ctx& ctx, const Node* n, PlayerParams& p, AbrParams& a) {
  MapReader m(ctx, n, "player");
  m.number("startup_buffer_s", p.startup_buffer_s, positive());
  m.number("buffer_target_s", p.buffer_target_s, positive());
  m.integer("live_sync_segments", p.live_sync_segments, 1, 100);
  m.number("live_delay_s", p.live_delay_s, non_negative());
  m.number("rebuffer_resume_s", p.rebuffer_resume_s, positive());
  m.boolean("live_skip_ahead_enabled", p.live_skip_ahead_enabled);
  m.boolean("report_core_bandwidth", p.report_core_bandwidth);
  m.choice("abr_peer_samples", p.abr_peer_samples,
           {{"policy", AbrPeerSamples::kPolicy},
            {"all", AbrPeerSamples::kAll},
            {"http_only", AbrPeerSamples::kHttpOnly}});
  m.number("live_max_latency_s", p.live_max_latency_s, positive());
  decode_startup(ctx, m.take("startup"), p.startup);
  decode_abr(ctx, m.take("abr"), a);
}

void decode_p2p(Ctx& ctx, const Node* n, P2pSpec& p) {
  MapReader m(ctx, n, "p2p");
  m.boolean("enabled", p.enabled);
  // The scheduler's registry is the list: a policy added there is accepted here unchanged.
  m.one_of("policy", p.policy, sched::policy_names());
  m.integer("neighbours", p.neighbours, 1, 64);
  m.number("upload_share_of_uplink", p.upload_share_of_uplink, unit());
  if (const Node* knobs = m.take("scheduler_knobs")) {
    const std::string path = m.child("scheduler_knobs");
    if (knobs->kind != Node::Kind::kMap) {
      ctx.error(knobs->mark, path, "expected a mapping knob: number, got " + kind_name(*knobs));
    } else {
      p.scheduler_knobs.clear();
      for (const auto& e : knobs->map) {
        double v = 0.0;
        if (read_number(ctx, e.value, path + "." + e.key, v)) p.scheduler_knobs[e.key] = v;
      }
    }
  }
}

}  // namespace

void decode_scenario(Ctx& ctx, const Node& root, Scenario& s) {
  MapReader m(ctx, &root, "");
  if (!m.ok()) return;
  m.take("extends");  // resolved by the loader before decoding
  m.name("name", s.name);
  m.name("description", s.description);
  decode_run(ctx, m.take("run"), s.run);
  decode_audience(ctx, m.take("audience"), s.audience);
  decode_population(ctx, m.take("population"), s.population);
  decode_topology(ctx, m.take("topology"), s.topology);
  decode_cdn(ctx, m.take("cdn"), s.cdn);
  decode_nat(ctx, m.take("nat"), s.nat);
  decode_turn(ctx, m.take("turn"), s.turn);
  decode_stream(ctx, m.take("stream"), s.stream);
  decode_player(ctx, m.take("player"), s.player, s.abr);
  decode_p2p(ctx, m.take("p2p"), s.p2p);
  if (const Node* network = m.take("network")) {
    MapReader nm(ctx, network, "network");
    nm.choice("model", s.network.model,
              {{"sender-shared", NetworkModel::kSenderShared}, {"exact", NetworkModel::kExact}});
  }
  if (const Node* metrics = m.take("metrics")) {
    MapReader mm(ctx, metrics, "metrics");
    mm.number("interval_s", s.metrics.interval_s, positive());
  }
}

}  // namespace p2pcdn::models::detail
