// Viewer attributes (region -> nearest PoP, ISP, device, WebRTC/upload ability, access
// technology and capacities, NAT type), each drawn only from the viewer's own streams
// (Purpose::kViewerAttributes and kBandwidth, entity = viewer id), so viewer #n is the same
// viewer whatever the sampling order. Tables are built once per scenario, never per viewer.
#pragma once
#include <cstdint>
#include <vector>

#include "models/base/distributions.hpp"
#include "models/cdn/cdn.hpp"
#include "models/network/nat.hpp"
#include "models/network/topology.hpp"
#include "models/scenario/scenario.hpp"

namespace p2pcdn::models {

struct ViewerAttributes {
  std::uint32_t region = 0;  // index into Scenario::topology.regions
  ClassId isp = 0;           // index into Scenario::topology.isps (the topology class)
  PopId pop = 0;             // home PoP: the nearest to the viewer's class by RTT
  DeviceClass device = DeviceClass::kDesktop;
  bool can_webrtc = false;        // can run a WebRTC peer at all
  bool uploads = false;           // serves peers (implies can_webrtc)
  std::uint32_t access_tech = 0;  // index into Scenario::population.access
  AccessKind access_kind = AccessKind::kFixed;
  double down_bps = 0.0;  // sustained capacities (derated, floored)
  double up_bps = 0.0;
  NatType nat = NatType::kPortRestricted;
};

class ViewerSampler {
 public:
  // The scenario must be valid (load_scenario checked it); throws std::invalid_argument
  // otherwise (from Topology/Cdn::build or the alias tables).
  explicit ViewerSampler(const Scenario& scenario);

  [[nodiscard]] ViewerAttributes sample(std::uint64_t seed, std::uint64_t viewer_id) const;

  [[nodiscard]] const Topology& topology() const { return topology_; }
  [[nodiscard]] const Cdn& cdn() const { return cdn_; }

 private:
  struct DeviceTables {
    double can_webrtc_share = 0.0;
    double uploads_share = 0.0;
    rng::AliasTable access;                   // over access_index
    std::vector<std::uint32_t> access_index;  // -> population.access
  };
  struct TechLaw {
    AccessKind kind = AccessKind::kFixed;
    CapacityLaw down;
    CapacityLaw up;
  };

  Topology topology_;
  Cdn cdn_;
  rng::AliasTable regions_;
  std::vector<rng::AliasTable> isps_by_region_;
  std::vector<std::vector<ClassId>> isp_ids_by_region_;
  std::vector<PopId> nearest_pop_;  // per class
  rng::AliasTable devices_;
  std::vector<DeviceTables> device_tables_;
  std::vector<TechLaw> techs_;
  rng::AliasTable nat_fixed_;
  rng::AliasTable nat_cellular_;
  double derate_ = 1.0;
  double min_capacity_bps_ = 0.0;
};

// Convenience for one-off use (builds the tables each call: use ViewerSampler in loops).
ViewerAttributes sample_viewer(const Scenario& scenario, std::uint64_t seed,
                               std::uint64_t viewer_id);

}  // namespace p2pcdn::models
