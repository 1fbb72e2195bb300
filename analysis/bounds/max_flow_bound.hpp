// The connectivity-aware offload bound of one interval: the maximum peer-to-peer rate as a
// Boost.Graph max-flow, so peers that cannot reach each other (NAT) or lack upload lower it.
// Plain inputs only (never includes sim/); always <= the fluid bound on the same inputs.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "analysis/bounds/fluid_bound.hpp"

namespace p2pcdn::analysis {

// Network (all rates in bits/s):
// each peer is split into a sending node out_i and a receiving node in_i (so its own upload
// never serves its own demand):
//   source -> out_i                     capacity upload_i
//   out_i -> in_j  (i != j, same swarm, can_connect(i, j))   capacity upload_i (i.e. unbounded)
//   in_j -> swarm s                     capacity demand_j
//   swarm s -> sink                     capacity sum of demands in s - max demand in s
// The last edge is "at least one copy per swarm comes from the CDN": peers can only forward
// what entered the swarm, so the CDN sends at least one full stream (max demand) into it.
// The same holds for every group of peers that no outside peer can send to (a source strongly
// connected component of the connectivity graph): the in_j of such a component go through a
// component node with capacity (its demand - its max demand) before the swarm node.
// Max-flow = the largest P2P rate; cdn_min = demand - P2P. Still a relaxation of the real
// system (no timing, no start-up, no buffer limits), so it is an upper bound on offload.
struct PeerNode {
  double upload_bps = 0.0;
  double demand_bps = 0.0;  // the stream rate this viewer plays
  std::uint32_t swarm = 0;  // peers only exchange within a swarm (channel x rendition)
  std::uint32_t nat_class = 0;
};

// True if peer `from` can upload to peer `to` (directed; NAT traversal succeeds).
using PeerConnect = std::function<bool(std::size_t from, std::size_t to)>;

// Per-peer graph: O(N^2) edges, for small N (tests, a few thousand peers at most).
// Throws std::invalid_argument on negative or non-finite rates.
IntervalBound max_flow_bound(std::span<const PeerNode> peers, const PeerConnect& can_connect);

// Identical peers grouped: `count` peers of one swarm and NAT class, each with these rates.
struct PeerClass {
  std::uint64_t count = 0;
  double upload_bps = 0.0;  // per peer
  double demand_bps = 0.0;  // per peer
  std::uint32_t swarm = 0;
  std::uint32_t nat_class = 0;
};

// True if a peer of NAT class `from` can upload to one of class `to`.
using NatConnect = std::function<bool(std::uint32_t from_nat, std::uint32_t to_nat)>;

// Class graph: a sending and a receiving node per class (capacities multiplied by count), an
// edge out_c -> in_c' when nat_connect(c.nat, c'.nat) in the same swarm, and out_c -> in_c only
// if count >= 2 (no peer uploads to itself). Size O(classes^2), independent of the audience.
// Exactness: when connectivity depends only on the NAT class and the peers of a class share
// upload and demand, the class max-flow equals the per-peer max-flow: any per-peer flow sums
// to a class flow, and a class flow splits evenly over the peers of each class (each peer
// sends and receives 1/count of its class's flow, spread evenly over the peers of the other
// class, or over the count - 1 others of its own class) without exceeding any capacity.
// With upload bucketing (members' uploads differ) it is a relaxation: still an upper bound.
// Throws std::invalid_argument on negative or non-finite rates.
IntervalBound max_flow_bound_classes(std::span<const PeerClass> classes,
                                     const NatConnect& nat_connect);

// Groups peers by (swarm, NAT class, demand, upload bucket). Bucket k holds uploads in
// [edges[k-1], edges[k]) (edges ascending; below the first edge is bucket 0); with no edges
// each distinct upload value is its own bucket (exact). A class's upload_bps is its members'
// mean, so total upload is preserved. Output order is deterministic (sorted by key).
std::vector<PeerClass> aggregate_peers(std::span<const PeerNode> peers,
                                       std::span<const double> upload_bucket_edges_bps = {});

// The fluid inputs of the same peers, to compare the two bounds: per swarm N, r = max demand,
// U = sum of uploads.
std::vector<SwarmLoad> fluid_loads(std::span<const PeerNode> peers);

}  // namespace p2pcdn::analysis
