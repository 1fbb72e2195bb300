// Cross-field checks of a decoded Scenario: shares, unique names, references, orderings.
#include <cmath>
#include <map>
#include <set>
#include <string>

#include <fmt/format.h>

#include "models/cdn/cdn.hpp"
#include "models/network/topology.hpp"
#include "models/scenario/decode.hpp"

namespace p2pcdn::models {

const char* to_string(DeviceClass d) {
  switch (d) {
    case DeviceClass::kDesktop:
      return "desktop";
    case DeviceClass::kMobileWifi:
      return "mobile_wifi";
    case DeviceClass::kMobileCellular:
      return "mobile_cellular";
    case DeviceClass::kTv:
      return "tv";
    case DeviceClass::kCount:
      break;
  }
  return "?";
}

const char* to_string(AccessKind k) { return k == AccessKind::kFixed ? "fixed" : "cellular"; }

const char* to_string(SessionLawKind k) {
  switch (k) {
    case SessionLawKind::kLognormal:
      return "lognormal";
    case SessionLawKind::kWeibull:
      return "weibull";
    case SessionLawKind::kExponential:
      return "exponential";
  }
  return "?";
}

namespace detail {
namespace {

void check_sum(Ctx& ctx, const std::string& path, double sum, const std::string& what) {
  if (std::abs(sum - 1.0) > kShareTolerance) {
    ctx.error_at(path, fmt::format("{} must sum to 1 (got {})", what, sum));
  }
}

// Names in `names` are unique; returns the set.
template <class T, class F>
std::set<std::string> unique_names(Ctx& ctx, const std::vector<T>& items, const std::string& path,
                                   F name_of) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string& name = name_of(items[i]);
    const std::string p = fmt::format("{}[{}].name", path, i);
    if (name.empty()) ctx.error_at(p, "name must not be empty");
    if (!seen.insert(name).second) ctx.error_at(p, "duplicate name '" + name + "'");
  }
  return seen;
}

std::string strip_prefix(std::string text, std::string_view prefix) {
  if (text.starts_with(prefix)) text.erase(0, prefix.size());
  return text;
}

std::string known_list(const std::set<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void check_ref(Ctx& ctx, const std::string& path, const std::string& name,
               const std::set<std::string>& defined, const char* what) {
  if (defined.count(name) != 0) return;
  const std::vector<std::string> candidates(defined.begin(), defined.end());
  ctx.error_at(path, fmt::format("undefined {} '{}' (defined: {}){}", what, name,
                                 known_list(defined), did_you_mean(name, candidates)));
}

void check_audience(Ctx& ctx, Scenario& s, const std::set<std::string>& renditions) {
  auto& a = s.audience;
  auto& ch = a.channels;
  if (ch.law == ChannelLaw::kZipf) {
    ch.list.clear();
    double total = 0.0;
    for (int r = 1; r <= ch.zipf_count; ++r) total += std::pow(r, -ch.zipf_exponent);
    const int width = ch.zipf_count >= 100 ? 3 : 2;
    for (int r = 1; r <= ch.zipf_count; ++r) {
      ch.list.push_back(
          {fmt::format("ch{:0{}}", r, width), std::pow(r, -ch.zipf_exponent) / total, {}});
    }
  } else {
    if (ch.list.empty()) ctx.error_at("audience.channels.list", "at least one channel is needed");
    double sum = 0.0;
    for (const auto& c : ch.list) sum += c.share;
    if (!ch.list.empty()) check_sum(ctx, "audience.channels.list", sum, "channel shares");
    unique_names(ctx, ch.list, "audience.channels.list",
                 [](const ChannelSpec& c) -> const std::string& { return c.name; });
    for (std::size_t i = 0; i < ch.list.size(); ++i) {
      for (std::size_t j = 0; j < ch.list[i].renditions.size(); ++j) {
        check_ref(ctx, fmt::format("audience.channels.list[{}].renditions[{}]", i, j),
                  ch.list[i].renditions[j], renditions, "rendition");
      }
    }
  }
  const auto& c = a.concurrency;
  for (std::size_t i = 1; i < c.points.size(); ++i) {
    if (!(c.points[i].t_s > c.points[i - 1].t_s)) {
      ctx.error_at(fmt::format("audience.concurrency.points[{}][0]", i),
                   fmt::format("times must increase (got {} after {})", c.points[i].t_s,
                               c.points[i - 1].t_s));
    }
  }
  if (!c.points.empty()) {
    double peak = 0.0;
    for (const auto& p : c.points) peak = std::max(peak, p.viewers);
    if (!(peak > 0.0)) ctx.error_at("audience.concurrency.points", "the curve is zero everywhere");
  }
  for (std::size_t i = 0; i < c.spikes.size(); ++i) {
    const auto& sp = c.spikes[i];
    if (sp.rise_s + sp.hold_s + sp.fall_s <= 0.0) {
      ctx.error_at(fmt::format("audience.concurrency.spikes[{}]", i),
                   "rise_s + hold_s + fall_s must be > 0");
    }
  }
  if (a.rate_step_s > s.run.duration_s) {
    ctx.error_at("audience.rate_step_s", fmt::format("must be <= run.duration_s ({}) (got {})",
                                                     s.run.duration_s, a.rate_step_s));
  }
}

void check_topology(Ctx& ctx, const Scenario& s, std::set<std::string>& regions) {
  const auto& t = s.topology;
  if (t.regions.empty()) ctx.error_at("topology.regions", "at least one region is needed");
  regions = unique_names(ctx, t.regions, "topology.regions",
                         [](const Region& r) -> const std::string& { return r.name; });
  const auto isps = unique_names(ctx, t.isps, "topology.isps",
                                 [](const Isp& x) -> const std::string& { return x.name; });
  double sum = 0.0;
  for (const auto& r : t.regions) sum += r.viewer_share;
  if (!t.regions.empty()) check_sum(ctx, "topology.regions", sum, "region viewer shares");
  std::map<std::string, double> isp_sum;
  for (std::size_t i = 0; i < t.isps.size(); ++i) {
    const auto& isp = t.isps[i];
    const std::string ip = fmt::format("topology.isps[{}]", i);
    if (regions.count(isp.name) != 0) {
      ctx.error_at(ip + ".name", "'" + isp.name + "' is already a region name (names are shared)");
    }
    check_ref(ctx, ip + ".region", isp.region, regions, "region");
    isp_sum[isp.region] += isp.viewer_share;
  }
  for (std::size_t i = 0; i < t.regions.size(); ++i) {
    const auto& r = t.regions[i];
    const std::string rp = fmt::format("topology.regions[{}]", i);
    const auto it = isp_sum.find(r.name);
    // Region and ISP list may come from different files of an `extends:` chain.
    if (it == isp_sum.end()) {
      ctx.error_at_latest({rp, "topology.isps"},
                          "region '" + r.name + "' has no ISP in topology.isps");
    } else if (std::abs(it->second - 1.0) > kShareTolerance) {
      ctx.error_at_latest(
          {rp, "topology.isps"},
          fmt::format("viewer shares of the ISPs of region '{}' must sum to 1 (got {})", r.name,
                      it->second));
    }
  }
  std::set<std::string> nodes = regions;
  nodes.insert(isps.begin(), isps.end());
  for (std::size_t i = 0; i < t.interconnects.size(); ++i) {
    const auto& l = t.interconnects[i];
    check_ref(ctx, fmt::format("topology.interconnects[{}].from", i), l.from, nodes,
              "region or ISP");
    check_ref(ctx, fmt::format("topology.interconnects[{}].to", i), l.to, nodes, "region or ISP");
  }
}

void check_population(Ctx& ctx, const Scenario& s) {
  const auto& p = s.population;
  const auto techs =
      unique_names(ctx, p.access, "population.access",
                   [](const AccessTechSpec& t) -> const std::string& { return t.name; });
  double dev_sum = 0.0;
  for (std::size_t i = 0; i < kDeviceClassCount; ++i) {
    const auto& d = p.devices[i];
    dev_sum += d.share;
    const std::string dp =
        std::string("population.devices.") + to_string(static_cast<DeviceClass>(i));
    double acc = 0.0;
    for (const auto& t : d.access) {
      acc += t.share;
      check_ref(ctx, dp + ".access." + t.tech, t.tech, techs, "access technology");
    }
    if (d.share > 0.0) {
      if (d.access.empty()) {
        ctx.error_at(dp + ".access", "a device class with a share needs an access mix");
      } else {
        check_sum(ctx, dp + ".access", acc, "access technology shares");
      }
    }
  }
  check_sum(ctx, "population.devices", dev_sum, "device shares");
  double nf = 0.0, nc = 0.0;
  for (std::size_t i = 0; i < kNatTypeCount; ++i) {
    nf += p.nat_fixed[i];
    nc += p.nat_cellular[i];
  }
  check_sum(ctx, "population.nat.fixed", nf, "NAT type shares");
  check_sum(ctx, "population.nat.cellular", nc, "NAT type shares");
}

void check_cdn(Ctx& ctx, const Scenario& s, const std::set<std::string>& regions) {
  const auto& c = s.cdn;
  if (c.pops.empty()) ctx.error_at("cdn.pops", "at least one PoP is needed");
  const auto pops = unique_names(ctx, c.pops, "cdn.pops",
                                 [](const Pop& p) -> const std::string& { return p.name; });
  for (std::size_t i = 0; i < c.pops.size(); ++i) {
    check_ref(ctx, fmt::format("cdn.pops[{}].region", i), c.pops[i].region, regions, "region");
  }
  check_ref(ctx, "cdn.origin.region", c.origin.region, regions, "region");
  for (std::size_t i = 0; i < c.outages.size(); ++i) {
    const auto& o = c.outages[i];
    check_ref(ctx, fmt::format("cdn.outages[{}].pop", i), o.pop, pops, "PoP");
    if (!(o.until_s > o.at_s)) {
      ctx.error_at(fmt::format("cdn.outages[{}].until_s", i),
                   fmt::format("must be > at_s ({}) (got {})", o.at_s, o.until_s));
    }
  }
}

// The time series keeps one record per interval in memory, allocated when the run starts.
void check_metrics(Ctx& ctx, const Scenario& s) {
  const double interval_s = s.metrics.interval_s;
  if (!(interval_s >= kMinMetricsIntervalS)) {
    ctx.error_at("metrics.interval_s",
                 fmt::format("must be >= {} (1 µs, the simulation's time step; got {})",
                             kMinMetricsIntervalS, interval_s));
    return;
  }
  const double samples = std::ceil(s.run.duration_s / interval_s);
  if (samples > static_cast<double>(kMaxMetricsSamples)) {
    ctx.error_at("metrics.interval_s",
                 fmt::format("too small for run.duration_s ({} s): {:.0f} samples, at most {} "
                             "(the time series is held in memory); use >= {} s",
                             s.run.duration_s, samples, kMaxMetricsSamples,
                             s.run.duration_s / static_cast<double>(kMaxMetricsSamples)));
  }
}

}  // namespace

void check_scenario(Ctx& ctx, Scenario& s) {
  if (s.run.warmup_s > 0) {
    // Refused rather than ignored: metrics always cover the whole run in this version.
    ctx.error_at("run.warmup_s",
                 fmt::format("a warm-up is not supported yet: metrics cover the whole run "
                             "(remove it or set 0; got {})",
                             s.run.warmup_s));
  } else if (s.run.warmup_s >= s.run.duration_s) {
    ctx.error_at("run.warmup_s", fmt::format("must be < run.duration_s ({}) (got {})",
                                             s.run.duration_s, s.run.warmup_s));
  }
  // Stream: names unique, ladder increasing.
  const auto& st = s.stream;
  if (st.renditions.empty()) ctx.error_at("stream.renditions", "at least one rendition is needed");
  if (st.renditions.size() > kMaxRenditions) {
    // Renditions are 8-bit indices in the player and the metrics (hls.js ladders have < 10).
    ctx.error_at("stream.renditions", fmt::format("at most {} renditions (got {})", kMaxRenditions,
                                                  st.renditions.size()));
  }
  const auto renditions =
      unique_names(ctx, st.renditions, "stream.renditions",
                   [](const Rendition& r) -> const std::string& { return r.name; });
  for (std::size_t i = 1; i < st.renditions.size(); ++i) {
    if (!(st.renditions[i].bitrate_kbps > st.renditions[i - 1].bitrate_kbps)) {
      ctx.error_at(fmt::format("stream.renditions[{}].bitrate_kbps", i),
                   fmt::format("the ladder must be listed lowest first with increasing bitrates "
                               "(got {} after {})",
                               st.renditions[i].bitrate_kbps, st.renditions[i - 1].bitrate_kbps));
    }
  }
  check_metrics(ctx, s);
  check_audience(ctx, s, renditions);
  check_population(ctx, s);
  std::set<std::string> regions;
  check_topology(ctx, s, regions);
  check_cdn(ctx, s, regions);
  if (ctx.errors->empty()) {
    // Names are consistent: let the builders find what only the graph reveals (unreachable
    // classes). Their messages already name the problem.
    try {
      const Topology topo = Topology::build(s.topology);
      try {
        (void)Cdn::build(s.cdn, topo);
      } catch (const std::exception& e) {
        ctx.error_at("cdn", strip_prefix(e.what(), "cdn: "));
      }
    } catch (const std::exception& e) {
      ctx.error_at("topology", strip_prefix(e.what(), "topology: "));
    }
  }
  for (std::size_t i = 0; i < s.turn.regions.size(); ++i) {
    check_ref(ctx, fmt::format("turn.regions[{}]", i), s.turn.regions[i], regions, "region");
  }
  s.nat.turn_enabled = s.turn.enabled;
  const auto& a = s.abr;
  if (a.ewma_fast_half_life_s > a.ewma_slow_half_life_s) {
    ctx.error_at("player.abr.ewma_fast_half_life_s",
                 fmt::format("must be <= ewma_slow_half_life_s ({}) (got {})",
                             a.ewma_slow_half_life_s, a.ewma_fast_half_life_s));
  }
  if (a.bola_buffer_target_s <= a.bola_min_buffer_s) {
    ctx.error_at("player.abr.bola_buffer_target_s",
                 fmt::format("must be > bola_min_buffer_s ({}) (got {})", a.bola_min_buffer_s,
                             a.bola_buffer_target_s));
  }
  if (!s.p2p.enabled && s.p2p.policy != kCdnOnlyPolicy) {
    // p2p.enabled: false is the CDN-only baseline whatever policy an extended file named.
    s.p2p.policy = std::string(kCdnOnlyPolicy);
  }
}

}  // namespace detail
}  // namespace p2pcdn::models
