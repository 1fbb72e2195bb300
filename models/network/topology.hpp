// The network topology: regions, ISPs and interconnects as a Boost.Graph graph with latency
// weights, reduced once at build to an all-pairs RTT table between (region, ISP) classes.
// Queries are O(1) table reads; it must never run a shortest-path search after build().
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "models/base/time.hpp"
#include "models/network/topology_params.hpp"

namespace p2pcdn::models {

// A (region, ISP) class: the index of the ISP entry in TopologyParams::isps.
using ClassId = std::uint32_t;

class Topology {
 public:
  // Builds the graph (one node per region hub and per ISP; ISP-hub edges plus interconnects),
  // runs Dijkstra from every node and keeps the class-to-class and region-to-class tables.
  // Throws std::invalid_argument naming the problem: unknown node names, duplicate names,
  // negative latencies, no regions/ISPs, or a class unreachable from another class.
  static Topology build(const TopologyParams& params);

  std::size_t region_count() const { return region_names_.size(); }
  std::size_t class_count() const { return class_region_.size(); }
  std::size_t region_of(ClassId c) const { return class_region_[c]; }
  // Classes (ISP entries) located in a region, in TopologyParams order.
  const std::vector<ClassId>& classes_in_region(std::size_t region) const {
    return region_classes_[region];
  }
  const std::string& region_name(std::size_t region) const { return region_names_[region]; }
  const std::string& class_name(ClassId c) const { return class_names_[c]; }  // the ISP's name
  // Index lookups by name; throw std::invalid_argument if unknown.
  std::size_t region_index(std::string_view name) const;
  ClassId class_index(std::string_view isp_name) const;

  // Round-trip time between two subscribers' ISP cores (2 x shortest one-way path; for the
  // same class 2 x intra_latency_ms). Symmetric. Access-link latency is the host's to add.
  TimeUs rtt_us(ClassId a, ClassId b) const { return class_rtt_us_[a * class_count() + b]; }
  // Round-trip time between a region's hub and a class (a PoP adds its own hub latency).
  TimeUs region_rtt_us(std::size_t region, ClassId c) const {
    return region_rtt_us_[region * class_count() + c];
  }
  // Round-trip time between two region hubs (kNever if not connected).
  TimeUs region_to_region_rtt_us(std::size_t a, std::size_t b) const {
    return hub_rtt_us_[a * region_count() + b];
  }

 private:
  std::vector<std::string> region_names_;
  std::vector<std::string> class_names_;
  std::vector<std::uint32_t> class_region_;
  std::vector<std::vector<ClassId>> region_classes_;
  std::vector<TimeUs> class_rtt_us_;   // class_count^2
  std::vector<TimeUs> region_rtt_us_;  // region_count x class_count
  std::vector<TimeUs> hub_rtt_us_;     // region_count^2
};

}  // namespace p2pcdn::models
