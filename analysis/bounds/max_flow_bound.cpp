// Max-flow offload bound with Boost.Graph's push-relabel. Capacities are scaled to integers
// (the total fits in 2^52) so the flow is exact integer arithmetic, not float round-off.
#include "analysis/bounds/max_flow_bound.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <tuple>
#include <utility>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>
#include <boost/graph/strong_components.hpp>

namespace p2pcdn::analysis {
namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<
        boost::edge_capacity_t, std::int64_t,
        boost::property<boost::edge_residual_capacity_t, std::int64_t,
                        boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
using Vertex = Traits::vertex_descriptor;

// A flow network with real capacities; solved in integer units of 1/scale bits/s.
class FlowNetwork {
 public:
  // limit_bps bounds every capacity and the sum of the source's capacities; scaling it to 2^52
  // keeps every excess and flow value in range of int64 with exact integer sums.
  FlowNetwork(std::size_t vertices, double limit_bps)
      : graph_(vertices), limit_bps_(limit_bps), scale_(limit_bps > 0 ? 0x1p52 / limit_bps : 1.0) {}

  void add_edge(Vertex from, Vertex to, double capacity_bps) {
    const double clamped = std::min(capacity_bps, limit_bps_);
    const auto cap = static_cast<std::int64_t>(std::floor(clamped * scale_));
    if (cap <= 0) return;
    auto capacity = boost::get(boost::edge_capacity, graph_);
    auto reverse = boost::get(boost::edge_reverse, graph_);
    const auto forward_edge = boost::add_edge(from, to, graph_).first;
    const auto back_edge = boost::add_edge(to, from, graph_).first;
    capacity[forward_edge] = cap;
    capacity[back_edge] = 0;
    reverse[forward_edge] = back_edge;
    reverse[back_edge] = forward_edge;
  }

  double max_flow_bps(Vertex source, Vertex sink) {
    const std::int64_t flow = boost::push_relabel_max_flow(graph_, source, sink);
    return static_cast<double>(flow) / scale_;
  }

 private:
  Graph graph_;
  double limit_bps_;
  double scale_;
};

void check_rates(double upload_bps, double demand_bps) {
  if (!(upload_bps >= 0.0) || !(demand_bps >= 0.0) || !std::isfinite(upload_bps) ||
      !std::isfinite(demand_bps)) {
    throw std::invalid_argument("max-flow bound: rates must be finite and >= 0");
  }
}

struct SwarmTotals {
  double demand_bps = 0.0;
  double max_demand_bps = 0.0;
};

// One node pair of the graph: a peer, or a class of identical peers (totals over members).
struct Unit {
  double upload_bps = 0.0;      // total over members
  double demand_bps = 0.0;      // total over members
  double max_demand_bps = 0.0;  // of one member
  std::uint32_t swarm = 0;
};

// Solves the graph of the header: edges[k] = (i, j) means unit i's sending node feeds unit
// j's receiving node. Data can only enter a group of peers that nobody outside can send to
// (a source strongly connected component of the connectivity graph) from the CDN, so each such
// component gets its own "one copy from the CDN" cap; the swarm-wide cap covers the rest.
IntervalBound solve(const std::vector<Unit>& units,
                    const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
  IntervalBound bound;
  std::map<std::uint32_t, SwarmTotals> swarms;
  for (const Unit& u : units) {
    auto& s = swarms[u.swarm];
    s.demand_bps += u.demand_bps;
    s.max_demand_bps = std::max(s.max_demand_bps, u.max_demand_bps);
    bound.demand_bps += u.demand_bps;
  }
  if (bound.demand_bps <= 0) return bound;
  const std::size_t n = units.size();

  // Strongly connected components; a component is a source if no edge enters it.
  boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS> connectivity(n);
  for (const auto& [i, j] : edges) boost::add_edge(i, j, connectivity);
  std::vector<std::size_t> component(n);
  const std::size_t components = n == 0 ? 0 : boost::strong_components(connectivity, &component[0]);
  std::vector<bool> has_inflow(components, false);
  for (const auto& [i, j] : edges) {
    if (component[i] != component[j]) has_inflow[component[j]] = true;
  }
  std::vector<SwarmTotals> component_totals(components);
  for (std::size_t i = 0; i < n; ++i) {
    auto& c = component_totals[component[i]];
    c.demand_bps += units[i].demand_bps;
    c.max_demand_bps = std::max(c.max_demand_bps, units[i].max_demand_bps);
  }

  // Vertices: 0 source, 1 sink, 2 + i unit i's sending side, 2 + n + i its receiving side
  // (two sides, so a peer's upload never counts towards its own demand), then one per swarm,
  // then one per source component.
  const Vertex source = 0, sink = 1;
  std::map<std::uint32_t, Vertex> swarm_vertex;
  Vertex next = 2 + 2 * n;
  for (const auto& [id, totals] : swarms) swarm_vertex[id] = next++;
  std::vector<Vertex> component_vertex(components, 0);
  for (std::size_t c = 0; c < components; ++c) {
    if (!has_inflow[c]) component_vertex[c] = next++;
  }
  // A unit never usefully uploads more than its swarm's demand: clamping bounds the source.
  std::vector<double> upload(n);
  double total_upload = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    upload[i] = std::min(units[i].upload_bps, swarms[units[i].swarm].demand_bps);
    total_upload += upload[i];
  }
  FlowNetwork net(next, std::max(bound.demand_bps, total_upload));
  for (const auto& [id, totals] : swarms) {
    net.add_edge(swarm_vertex[id], sink, totals.demand_bps - totals.max_demand_bps);
  }
  for (std::size_t i = 0; i < n; ++i) {
    net.add_edge(source, 2 + i, upload[i]);
    const std::size_t c = component[i];
    const Vertex swarm = swarm_vertex[units[i].swarm];
    if (has_inflow[c]) {
      net.add_edge(2 + n + i, swarm, units[i].demand_bps);
    } else {
      net.add_edge(2 + n + i, component_vertex[c], units[i].demand_bps);
    }
  }
  std::vector<bool> component_linked(components, false);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t c = component[i];
    if (has_inflow[c] || component_linked[c]) continue;
    component_linked[c] = true;
    const auto& totals = component_totals[c];
    net.add_edge(component_vertex[c], swarm_vertex[units[i].swarm],
                 totals.demand_bps - totals.max_demand_bps);
  }
  for (const auto& [i, j] : edges) net.add_edge(2 + i, 2 + n + j, upload[i]);
  const double p2p = std::min(net.max_flow_bps(source, sink), bound.demand_bps);
  bound.cdn_min_bps = bound.demand_bps - p2p;
  return bound;
}

}  // namespace

IntervalBound max_flow_bound(std::span<const PeerNode> peers, const PeerConnect& can_connect) {
  std::vector<Unit> units;
  units.reserve(peers.size());
  for (const PeerNode& p : peers) {
    check_rates(p.upload_bps, p.demand_bps);
    units.push_back({p.upload_bps, p.demand_bps, p.demand_bps, p.swarm});
  }
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t i = 0; i < peers.size(); ++i) {
    if (peers[i].upload_bps <= 0) continue;
    for (std::size_t j = 0; j < peers.size(); ++j) {
      if (j == i || peers[j].swarm != peers[i].swarm || peers[j].demand_bps <= 0) continue;
      if (can_connect(i, j)) edges.emplace_back(i, j);
    }
  }
  return solve(units, edges);
}

IntervalBound max_flow_bound_classes(std::span<const PeerClass> classes,
                                     const NatConnect& nat_connect) {
  std::vector<Unit> units;
  units.reserve(classes.size());
  for (const PeerClass& c : classes) {
    check_rates(c.upload_bps, c.demand_bps);
    const auto count = static_cast<double>(c.count);
    units.push_back(
        {count * c.upload_bps, count * c.demand_bps, c.count > 0 ? c.demand_bps : 0.0, c.swarm});
  }
  std::vector<std::pair<std::size_t, std::size_t>> edges;
  for (std::size_t a = 0; a < classes.size(); ++a) {
    const PeerClass& c = classes[a];
    if (c.count == 0 || c.upload_bps <= 0) continue;
    for (std::size_t b = 0; b < classes.size(); ++b) {
      const PeerClass& d = classes[b];
      if (d.count == 0 || d.swarm != c.swarm || d.demand_bps <= 0) continue;
      if (a == b && c.count < 2) continue;  // a lone peer cannot serve itself
      if (nat_connect(c.nat_class, d.nat_class)) edges.emplace_back(a, b);
    }
  }
  return solve(units, edges);
}

std::vector<PeerClass> aggregate_peers(std::span<const PeerNode> peers,
                                       std::span<const double> upload_bucket_edges_bps) {
  if (!std::is_sorted(upload_bucket_edges_bps.begin(), upload_bucket_edges_bps.end())) {
    throw std::invalid_argument("aggregate_peers: upload bucket edges must be ascending");
  }
  // Key: swarm, NAT class, demand, bucket (the upload itself when there are no edges).
  using Key = std::tuple<std::uint32_t, std::uint32_t, double, double>;
  struct Acc {
    std::uint64_t count = 0;
    double upload_sum = 0.0;
  };
  std::map<Key, Acc> groups;
  for (const PeerNode& p : peers) {
    check_rates(p.upload_bps, p.demand_bps);
    double bucket = p.upload_bps;
    if (!upload_bucket_edges_bps.empty()) {
      bucket = static_cast<double>(std::upper_bound(upload_bucket_edges_bps.begin(),
                                                    upload_bucket_edges_bps.end(), p.upload_bps) -
                                   upload_bucket_edges_bps.begin());
    }
    auto& acc = groups[Key{p.swarm, p.nat_class, p.demand_bps, bucket}];
    ++acc.count;
    acc.upload_sum += p.upload_bps;
  }
  std::vector<PeerClass> classes;
  classes.reserve(groups.size());
  for (const auto& [key, acc] : groups) {
    classes.push_back({acc.count, acc.upload_sum / static_cast<double>(acc.count), std::get<2>(key),
                       std::get<0>(key), std::get<1>(key)});
  }
  return classes;
}

std::vector<SwarmLoad> fluid_loads(std::span<const PeerNode> peers) {
  std::map<std::uint32_t, SwarmLoad> swarms;
  for (const PeerNode& p : peers) {
    check_rates(p.upload_bps, p.demand_bps);
    SwarmLoad& s = swarms[p.swarm];
    ++s.viewers;
    s.stream_rate_bps = std::max(s.stream_rate_bps, p.demand_bps);
    s.usable_upload_bps += p.upload_bps;
  }
  std::vector<SwarmLoad> loads;
  loads.reserve(swarms.size());
  for (const auto& [id, load] : swarms) loads.push_back(load);
  return loads;
}

}  // namespace p2pcdn::analysis
