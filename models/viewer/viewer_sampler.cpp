#include "models/viewer/viewer_sampler.hpp"

#include <algorithm>
#include <stdexcept>

namespace p2pcdn::models {

namespace {

rng::AliasTable table_of(const NatMix& mix) {
  return rng::AliasTable(std::span<const double>(mix));
}

}  // namespace

ViewerSampler::ViewerSampler(const Scenario& s)
    : topology_(Topology::build(s.topology)), cdn_(Cdn::build(s.cdn, topology_)) {
  const auto& t = s.topology;
  std::vector<double> region_w;
  for (const auto& r : t.regions) region_w.push_back(r.viewer_share);
  regions_ = rng::AliasTable(region_w);
  isps_by_region_.resize(t.regions.size());
  isp_ids_by_region_.resize(t.regions.size());
  for (std::size_t r = 0; r < t.regions.size(); ++r) {
    std::vector<double> w;
    for (std::size_t i = 0; i < t.isps.size(); ++i) {
      if (t.isps[i].region != t.regions[r].name) continue;
      isp_ids_by_region_[r].push_back(topology_.class_index(t.isps[i].name));
      w.push_back(t.isps[i].viewer_share);
    }
    if (w.empty())
      throw std::invalid_argument("viewer: region '" + t.regions[r].name + "' has no ISP");
    isps_by_region_[r] = rng::AliasTable(w);
  }
  nearest_pop_.resize(topology_.class_count());
  for (ClassId c = 0; c < topology_.class_count(); ++c) {
    PopId best = 0;
    for (PopId p = 1; p < cdn_.pop_count(); ++p) {
      if (cdn_.pop_rtt_us(p, c) < cdn_.pop_rtt_us(best, c)) best = p;
    }
    nearest_pop_[c] = best;
  }

  const auto& pop = s.population;
  std::vector<double> device_w;
  for (std::size_t d = 0; d < kDeviceClassCount; ++d) {
    const auto& spec = pop.devices[d];
    device_w.push_back(spec.share);
    DeviceTables tables;
    tables.can_webrtc_share = spec.can_webrtc_share;
    tables.uploads_share = spec.uploads_share;
    std::vector<double> w;
    for (const auto& ts : spec.access) {
      const auto it = std::find_if(pop.access.begin(), pop.access.end(),
                                   [&](const AccessTechSpec& a) { return a.name == ts.tech; });
      if (it == pop.access.end())
        throw std::invalid_argument("viewer: unknown access technology '" + ts.tech + "'");
      tables.access_index.push_back(static_cast<std::uint32_t>(it - pop.access.begin()));
      w.push_back(ts.share);
    }
    // A class with no share is never drawn; it still needs a valid table.
    if (w.empty() || std::all_of(w.begin(), w.end(), [](double x) { return x <= 0.0; })) {
      if (spec.share > 0.0)
        throw std::invalid_argument("viewer: a device class with a share has no access mix");
      w = {1.0};
      tables.access_index = {0};
    }
    tables.access = rng::AliasTable(w);
    device_tables_.push_back(std::move(tables));
  }
  devices_ = rng::AliasTable(device_w);
  for (const auto& a : pop.access) techs_.push_back({a.kind, a.down, a.up});
  nat_fixed_ = table_of(pop.nat_fixed);
  nat_cellular_ = table_of(pop.nat_cellular);
  derate_ = pop.capacity_derate;
  min_capacity_bps_ = pop.min_capacity_mbps * 1e6;
}

ViewerAttributes ViewerSampler::sample(std::uint64_t seed, std::uint64_t viewer_id) const {
  ViewerAttributes v;
  // Attributes first, in a fixed order; the bandwidth stream is separate so that changing the
  // capacity laws never changes who is where.
  rng::RandomStream rs(seed, viewer_id, rng::Purpose::kViewerAttributes);
  v.region = regions_.sample(rs);
  v.isp = isp_ids_by_region_[v.region][isps_by_region_[v.region].sample(rs)];
  v.pop = nearest_pop_[v.isp];
  const std::uint32_t d = devices_.sample(rs);
  v.device = static_cast<DeviceClass>(d);
  const DeviceTables& dt = device_tables_[d];
  const double u_webrtc = rs.next_double();
  const double u_upload = rs.next_double();
  v.can_webrtc = u_webrtc < dt.can_webrtc_share;
  v.uploads = v.can_webrtc && u_upload < dt.uploads_share;
  v.access_tech = dt.access_index[dt.access.sample(rs)];
  const TechLaw& tech = techs_[v.access_tech];
  v.access_kind = tech.kind;
  const auto& nat_table = tech.kind == AccessKind::kCellular ? nat_cellular_ : nat_fixed_;
  v.nat = static_cast<NatType>(nat_table.sample(rs));

  rng::RandomStream bw(seed, viewer_id, rng::Purpose::kBandwidth);
  const double down = rng::lognormal_median(bw, tech.down.median_mbps, tech.down.sigma) * 1e6;
  const double up = rng::lognormal_median(bw, tech.up.median_mbps, tech.up.sigma) * 1e6;
  v.down_bps = std::max(min_capacity_bps_, down * derate_);
  v.up_bps = std::max(min_capacity_bps_, up * derate_);
  return v;
}

ViewerAttributes sample_viewer(const Scenario& scenario, std::uint64_t seed,
                               std::uint64_t viewer_id) {
  return ViewerSampler(scenario).sample(seed, viewer_id);
}

}  // namespace p2pcdn::models
