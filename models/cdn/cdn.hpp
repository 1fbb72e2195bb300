// The CDN as the simulator sees it: PoPs with egress capacity, request routing (nearest PoP
// to the viewer's region that is up) and the outage schedule. Routing tables are computed
// once at build; queries never search the topology. Transfer sharing at a saturated PoP is
// the simulator's flow network's job, not this file's.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "models/base/time.hpp"
#include "models/cdn/cdn_params.hpp"
#include "models/network/topology.hpp"

namespace p2pcdn::models {

using PopId = std::uint32_t;
inline constexpr PopId kNoPop = ~PopId{0};

class Cdn {
 public:
  // Resolves PoP regions and outage PoP names against the topology and merges each PoP's
  // outages into sorted disjoint intervals. Throws std::invalid_argument naming the problem:
  // no PoPs, duplicate PoP names, unknown region or PoP, egress <= 0, until_s <= at_s, or
  // negative times.
  static Cdn build(const CdnParams& params, const Topology& topology);

  std::size_t pop_count() const { return pops_.size(); }
  const std::string& pop_name(PopId p) const { return pops_[p].name; }
  std::size_t pop_region(PopId p) const { return pops_[p].region; }
  PopId pop_index(const std::string& name) const;  // throws if unknown
  double egress_bps(PopId p) const { return pops_[p].egress_bps; }
  double origin_egress_bps() const { return origin_egress_bps_; }
  std::size_t origin_region() const { return origin_region_; }
  TimeUs origin_fill_latency_us() const { return origin_fill_latency_us_; }
  TimeUs http_server_latency_us() const { return http_server_latency_us_; }

  // Outages are half-open [at, until): a PoP failing at t is down at t, up again at until.
  bool is_up(PopId p, TimeUs now) const;
  // The first time > now at which PoP p changes state (kNever if it never does again).
  TimeUs next_change_us(PopId p, TimeUs now) const;
  // The first time > now at which any PoP changes state (kNever if none): the host
  // re-routes then.
  TimeUs next_change_us(TimeUs now) const;

  // The PoP serving viewers of a region at `now`: the nearest by RTT (PoP hub latency +
  // hub-to-hub path; ties to the lower index) among PoPs that are up; kNoPop if all are down.
  PopId route(std::size_t region, TimeUs now) const;
  // PoPs for a region, nearest first (what route() walks).
  const std::vector<PopId>& pops_by_distance(std::size_t region) const {
    return by_distance_[region];
  }
  // RTT between PoP p and a viewer class (2 x PoP hub latency + region-hub-to-class RTT).
  TimeUs pop_rtt_us(PopId p, ClassId c) const;

 private:
  struct PopInfo {
    std::string name;
    std::size_t region = 0;
    double egress_bps = 0.0;
    TimeUs hub_rtt_us = 0;                           // 2 x hub latency
    std::vector<std::pair<TimeUs, TimeUs>> outages;  // sorted, disjoint, [at, until)
  };
  std::vector<PopInfo> pops_;
  std::vector<std::vector<PopId>> by_distance_;  // per region
  std::vector<TimeUs> region_rtt_us_;            // region_count x class_count (from topology)
  std::size_t class_count_ = 0;
  double origin_egress_bps_ = 0.0;
  std::size_t origin_region_ = 0;
  TimeUs origin_fill_latency_us_ = 0;
  TimeUs http_server_latency_us_ = 0;
};

}  // namespace p2pcdn::models
