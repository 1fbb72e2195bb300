// Builds the region/ISP graph with Boost.Graph and reduces it to RTT tables (Dijkstra from
// every node: the graph has tens of nodes, so this runs once in microseconds).
#include "models/network/topology.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

namespace p2pcdn::models {

namespace {

using Graph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                          boost::property<boost::edge_weight_t, TimeUs>>;

TimeUs latency_us(double latency_ms, const std::string& what) {
  if (!std::isfinite(latency_ms) || latency_ms < 0.0) {
    throw std::invalid_argument("topology: " + what + ": latency must be finite and >= 0 ms");
  }
  return static_cast<TimeUs>(std::llround(latency_ms * 1000.0));
}

}  // namespace

Topology Topology::build(const TopologyParams& params) {
  if (params.regions.empty()) throw std::invalid_argument("topology: no regions defined");
  if (params.isps.empty()) throw std::invalid_argument("topology: no ISPs defined");
  Topology t;
  const std::size_t n_regions = params.regions.size();
  const std::size_t n_classes = params.isps.size();
  std::unordered_map<std::string, std::size_t> node_of;  // region and ISP names share one space
  for (std::size_t r = 0; r < n_regions; ++r) {
    const auto& name = params.regions[r].name;
    if (!node_of.emplace(name, r).second) {
      throw std::invalid_argument("topology: duplicate region/ISP name '" + name + "'");
    }
    t.region_names_.push_back(name);
  }
  t.region_classes_.resize(n_regions);
  Graph g(n_regions + n_classes);
  for (std::size_t i = 0; i < n_classes; ++i) {
    const Isp& isp = params.isps[i];
    if (!node_of.emplace(isp.name, n_regions + i).second) {
      throw std::invalid_argument("topology: duplicate region/ISP name '" + isp.name + "'");
    }
    const auto it = node_of.find(isp.region);
    if (it == node_of.end() || it->second >= n_regions) {
      throw std::invalid_argument("topology: ISP '" + isp.name + "' is in unknown region '" +
                                  isp.region + "'");
    }
    latency_us(isp.intra_latency_ms, "ISP '" + isp.name + "' intra_latency_ms");
    boost::add_edge(it->second, n_regions + i,
                    latency_us(isp.hub_latency_ms, "ISP '" + isp.name + "' hub_latency_ms"), g);
    t.class_names_.push_back(isp.name);
    t.class_region_.push_back(static_cast<std::uint32_t>(it->second));
    t.region_classes_[it->second].push_back(static_cast<ClassId>(i));
  }
  for (const Interconnect& link : params.interconnects) {
    const auto a = node_of.find(link.from);
    const auto b = node_of.find(link.to);
    if (a == node_of.end() || b == node_of.end()) {
      throw std::invalid_argument("topology: interconnect " + link.from + " -> " + link.to +
                                  " names an unknown region/ISP '" +
                                  (a == node_of.end() ? link.from : link.to) + "'");
    }
    boost::add_edge(a->second, b->second,
                    latency_us(link.latency_ms, "interconnect " + link.from + " -> " + link.to), g);
  }

  const std::size_t n_nodes = n_regions + n_classes;
  std::vector<TimeUs> dist(n_nodes);
  t.class_rtt_us_.assign(n_classes * n_classes, kNever);
  t.region_rtt_us_.assign(n_regions * n_classes, kNever);
  t.hub_rtt_us_.assign(n_regions * n_regions, kNever);
  for (std::size_t src = 0; src < n_nodes; ++src) {
    boost::dijkstra_shortest_paths(g, src,
                                   boost::distance_map(boost::make_iterator_property_map(
                                       dist.begin(), boost::get(boost::vertex_index, g))));
    const auto rtt = [&](std::size_t node) {
      return dist[node] == kNever ? kNever : 2 * dist[node];
    };
    if (src < n_regions) {
      for (std::size_t r = 0; r < n_regions; ++r) t.hub_rtt_us_[src * n_regions + r] = rtt(r);
      for (std::size_t c = 0; c < n_classes; ++c) {
        const TimeUs v = rtt(n_regions + c);
        if (v == kNever) {
          throw std::invalid_argument("topology: ISP '" + t.class_names_[c] +
                                      "' is unreachable from region '" + t.region_names_[src] +
                                      "'");
        }
        t.region_rtt_us_[src * n_classes + c] = v;
      }
    } else {
      const std::size_t a = src - n_regions;
      for (std::size_t c = 0; c < n_classes; ++c) {
        const TimeUs v = rtt(n_regions + c);
        if (v == kNever) {
          throw std::invalid_argument("topology: ISP '" + t.class_names_[c] +
                                      "' is unreachable from ISP '" + t.class_names_[a] + "'");
        }
        t.class_rtt_us_[a * n_classes + c] =
            c == a ? 2 * latency_us(params.isps[a].intra_latency_ms, "intra") : v;
      }
    }
  }
  return t;
}

std::size_t Topology::region_index(std::string_view name) const {
  for (std::size_t r = 0; r < region_names_.size(); ++r) {
    if (region_names_[r] == name) return r;
  }
  throw std::invalid_argument("topology: unknown region '" + std::string(name) + "'");
}

ClassId Topology::class_index(std::string_view isp_name) const {
  for (std::size_t c = 0; c < class_names_.size(); ++c) {
    if (class_names_[c] == isp_name) return static_cast<ClassId>(c);
  }
  throw std::invalid_argument("topology: unknown ISP '" + std::string(isp_name) + "'");
}

}  // namespace p2pcdn::models
