// Offload bounds: hand-solved instances (star, unreachable peers, ample upload), the fluid
// bound is never below the max-flow bound, and class aggregation equals the per-peer graph.
#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <vector>

#include "analysis/bounds/fluid_bound.hpp"
#include "analysis/bounds/max_flow_bound.hpp"
#include "analysis/bounds/store_forward_bound.hpp"
#include "models/base/random_stream.hpp"

namespace p2pcdn::analysis {
namespace {

constexpr double kRate = 3e6;  // 3 Mbps stream

TEST(FluidBound, HandComputed) {
  const std::vector<SwarmLoad> half{{10, kRate, 5 * kRate}};
  EXPECT_DOUBLE_EQ(fluid_interval_bound(half).cdn_min_bps, 5 * kRate);
  EXPECT_DOUBLE_EQ(fluid_interval_bound(half).offload_bound(), 0.5);
  const std::vector<SwarmLoad> ample{{10, kRate, 20 * kRate}};
  EXPECT_DOUBLE_EQ(fluid_interval_bound(ample).cdn_min_bps, kRate);  // one copy
  EXPECT_DOUBLE_EQ(fluid_interval_bound(ample).offload_bound(), 0.9);
  // Two swarms add; an empty swarm's upload helps nobody.
  const std::vector<SwarmLoad> two{{10, kRate, 5 * kRate}, {4, 1e6, 0}, {0, kRate, 1e9}};
  const auto b = fluid_interval_bound(two);
  EXPECT_DOUBLE_EQ(b.demand_bps, 30 * kRate / 3 * 3 / 3 * 1 + 4e6 + 0 * kRate + 0);
  EXPECT_DOUBLE_EQ(b.cdn_min_bps, 5 * kRate + 4e6);
  EXPECT_EQ(fluid_interval_bound(std::vector<SwarmLoad>{}).offload_bound(), 0.0);
  EXPECT_THROW((void)fluid_interval_bound(std::vector<SwarmLoad>{{1, -1.0, 0}}),
               std::invalid_argument);
}

TEST(FluidBound, IntervalsWeightedByBytes) {
  std::vector<FluidInterval> intervals(2);
  intervals[0] = {1.0, {{10, kRate, 5 * kRate}}};    // 50 % over 1 s, demand 10 r
  intervals[1] = {3.0, {{10, kRate, 100 * kRate}}};  // 90 % over 3 s
  const auto b = fluid_bound(intervals);
  ASSERT_EQ(b.intervals.size(), 2u);
  EXPECT_DOUBLE_EQ(b.totals.demand_bytes, 40 * kRate / 8);
  EXPECT_DOUBLE_EQ(b.totals.cdn_min_bytes, (5 + 3) * kRate / 8);
  EXPECT_DOUBLE_EQ(b.offload_bound(), 1.0 - 8.0 / 40.0);
  EXPECT_DOUBLE_EQ(bound_efficiency(0.6, 0.8), 0.75);
  EXPECT_EQ(bound_efficiency(0.6, 0.0), 0.0);
}

const PeerConnect kAll = [](std::size_t, std::size_t) { return true; };
const PeerConnect kNone = [](std::size_t, std::size_t) { return false; };

std::vector<PeerNode> peers_with_uploads(std::vector<double> uploads_in_rates) {
  std::vector<PeerNode> peers;
  for (double u : uploads_in_rates) peers.push_back({u * kRate, kRate, 0, 0});
  return peers;
}

TEST(MaxFlowBound, AmpleUploadGivesNMinusOneOfNCopies) {
  const auto peers = peers_with_uploads({5, 5, 5, 5, 5});
  const auto b = max_flow_bound(peers, kAll);
  EXPECT_DOUBLE_EQ(b.demand_bps, 5 * kRate);
  EXPECT_NEAR(b.cdn_min_bps, kRate, 1e-6);
  EXPECT_NEAR(b.offload_bound(), 0.8, 1e-12);
}

TEST(MaxFlowBound, UnreachablePeersGiveZero) {
  const auto peers = peers_with_uploads({5, 5, 5, 5});
  EXPECT_NEAR(max_flow_bound(peers, kNone).offload_bound(), 0.0, 1e-12);
  // Different swarms cannot help each other either.
  auto split = peers;
  for (std::size_t i = 0; i < split.size(); ++i) split[i].swarm = static_cast<std::uint32_t>(i);
  EXPECT_NEAR(max_flow_bound(split, kAll).offload_bound(), 0.0, 1e-12);
  // A lone viewer gets everything from the CDN.
  EXPECT_NEAR(max_flow_bound(peers_with_uploads({9}), kAll).offload_bound(), 0.0, 1e-12);
}

TEST(MaxFlowBound, Star) {
  // Hub 0 reaches every leaf and every leaf reaches the hub; leaves cannot reach each other.
  const PeerConnect star = [](std::size_t i, std::size_t j) { return i == 0 || j == 0; };
  // Hub uploads 2 r, leaves nothing: 2 of 5 copies from peers (fluid agrees).
  auto b = max_flow_bound(peers_with_uploads({2, 0, 0, 0, 0}), star);
  EXPECT_NEAR(b.offload_bound(), 0.4, 1e-12);
  EXPECT_NEAR(
      fluid_interval_bound(fluid_loads(peers_with_uploads({2, 0, 0, 0, 0}))).offload_bound(), 0.4,
      1e-12);
  // Hub uploads 10 r: all 4 leaves served by the hub, the hub itself from the CDN.
  b = max_flow_bound(peers_with_uploads({10, 0, 0, 0, 0}), star);
  EXPECT_NEAR(b.offload_bound(), 0.8, 1e-12);
  // Hub uploads nothing, leaves 1 r each: leaves can only feed the hub -> 1 copy of 5,
  // while the fluid bound (blind to connectivity) claims 4 of 5.
  const auto leaves = peers_with_uploads({0, 1, 1, 1, 1});
  EXPECT_NEAR(max_flow_bound(leaves, star).offload_bound(), 0.2, 1e-12);
  EXPECT_NEAR(fluid_interval_bound(fluid_loads(leaves)).offload_bound(), 0.8, 1e-12);
}

TEST(MaxFlowBound, DirectedNatPairs) {
  // Peer 0 (open) reaches everyone; 1 and 2 (symmetric NAT) only receive from 0. Each
  // uploads 1 r: 0 can give 1 r in total, nobody can feed 0 -> 1 copy of 3.
  const PeerConnect open_only = [](std::size_t i, std::size_t) { return i == 0; };
  EXPECT_NEAR(max_flow_bound(peers_with_uploads({1, 1, 1}), open_only).offload_bound(), 1.0 / 3.0,
              1e-12);
}

TEST(MaxFlowBound, ClassesOfOnePeerDoNotServeThemselves) {
  const NatConnect all = [](std::uint32_t, std::uint32_t) { return true; };
  std::vector<PeerClass> lone{{1, 10 * kRate, kRate, 0, 0}};
  EXPECT_NEAR(max_flow_bound_classes(lone, all).offload_bound(), 0.0, 1e-12);
  std::vector<PeerClass> many{{1000, 2 * kRate, kRate, 0, 0}};
  EXPECT_NEAR(max_flow_bound_classes(many, all).offload_bound(), 0.999, 1e-12);
  // Half the audience behind a NAT class that can neither send nor receive.
  const NatConnect blocked = [](std::uint32_t a, std::uint32_t b) { return a == 0 && b == 0; };
  std::vector<PeerClass> mixed{{500, 2 * kRate, kRate, 0, 0}, {500, 2 * kRate, kRate, 0, 1}};
  EXPECT_NEAR(max_flow_bound_classes(mixed, blocked).offload_bound(), 499.0 / 1000.0, 1e-12);
}

// Random instances: NAT matrix per class, uploads from a small set so classes are exact.
struct Instance {
  std::vector<PeerNode> peers;
  std::array<std::array<bool, 4>, 4> nat{};
};

Instance random_instance(std::uint64_t seed) {
  rng::RandomStream rs(seed, 0, rng::Purpose::kTest);
  Instance inst;
  for (auto& row : inst.nat) {
    for (auto& cell : row) cell = rs.next_double() < 0.6;
  }
  const double uploads[] = {0.0, 0.5, 1.0, 3.0};
  const std::size_t n = 5 + rs.next_below(40);
  for (std::size_t i = 0; i < n; ++i) {
    const auto swarm = static_cast<std::uint32_t>(rs.next_below(3));
    const double demand = (swarm == 2 ? 2.0 : 1.0) * kRate;
    inst.peers.push_back({uploads[rs.next_below(4)] * kRate, demand, swarm,
                          static_cast<std::uint32_t>(rs.next_below(4))});
  }
  return inst;
}

TEST(MaxFlowBound, RandomInstancesFluidAboveMaxFlowAndClassesExact) {
  int strictly_tighter = 0;
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    const Instance inst = random_instance(seed);
    const PeerConnect can = [&](std::size_t i, std::size_t j) {
      return inst.nat[inst.peers[i].nat_class][inst.peers[j].nat_class];
    };
    const NatConnect nat = [&](std::uint32_t a, std::uint32_t b) { return inst.nat[a][b]; };
    const auto flow = max_flow_bound(inst.peers, can);
    const auto fluid = fluid_interval_bound(fluid_loads(inst.peers));
    EXPECT_DOUBLE_EQ(flow.demand_bps, fluid.demand_bps) << seed;
    EXPECT_GE(fluid.offload_bound(), flow.offload_bound() - 1e-12) << seed;
    if (fluid.offload_bound() > flow.offload_bound() + 1e-6) ++strictly_tighter;

    const auto classes = aggregate_peers(inst.peers);
    EXPECT_LE(classes.size(), 3u * 4u * 4u);
    const auto by_class = max_flow_bound_classes(classes, nat);
    EXPECT_NEAR(by_class.cdn_min_bps, flow.cdn_min_bps, 1e-6 * flow.demand_bps) << seed;

    // Coarser upload buckets relax the graph: never below the exact bound.
    const std::vector<double> edges{0.75 * kRate};
    const auto coarse = max_flow_bound_classes(aggregate_peers(inst.peers, edges), nat);
    EXPECT_GE(coarse.offload_bound(), flow.offload_bound() - 1e-9) << seed;
  }
  EXPECT_GT(strictly_tighter, 5);  // the connectivity graph does matter
}

TEST(MaxFlowBound, AggregationKeepsTotalsAndValidates) {
  std::vector<PeerNode> peers{{1e6, kRate, 0, 1}, {3e6, kRate, 0, 1}, {2e6, kRate, 1, 1}};
  const std::vector<double> edges{5e6};
  const auto classes = aggregate_peers(peers, edges);
  ASSERT_EQ(classes.size(), 2u);
  EXPECT_EQ(classes[0].count, 2u);
  EXPECT_DOUBLE_EQ(classes[0].upload_bps, 2e6);
  EXPECT_EQ(classes[1].swarm, 1u);
  EXPECT_THROW((void)aggregate_peers(peers, std::vector<double>{2.0, 1.0}), std::invalid_argument);
  peers[0].upload_bps = -1;
  EXPECT_THROW((void)max_flow_bound(peers, kAll), std::invalid_argument);
}

// Store-and-forward: 1.5 MB at 6 Mbit/s is a 2 s copy; 300 viewers who all play it within
// 6 s allow 3 doublings: at least ceil(300 / 8) = 38 CDN copies.
TEST(StoreForwardBound, HandComputed) {
  std::vector<std::uint32_t> bins(257, 0);
  bins[23] = 300;  // [5.75, 6) s
  SegmentDeliveries d{1.5e6, bins, 0.25, 0};
  EXPECT_EQ(store_forward_min_copies(d, 6e6), 38u);
  bins[23] = 0;
  bins[256] = 300;  // no time limit: one copy enters, peers carry the rest
  EXPECT_EQ(store_forward_min_copies(d, 6e6), 1u);
  EXPECT_EQ(store_forward_min_copies(d, 0), 300u);  // nobody can upload
  bins[0] = 5;                                      // [0, 0.25) s: no doubling possible
  EXPECT_EQ(store_forward_min_copies(d, 6e6), 5u);
  StoreForwardTotals totals;
  d.non_webrtc = 10;
  add_store_forward(totals, d, 6e6);
  EXPECT_DOUBLE_EQ(totals.demand_bytes, 315 * 1.5e6);
  EXPECT_DOUBLE_EQ(totals.cdn_min_bytes, 15 * 1.5e6);
  d.bin_s = 0;
  EXPECT_THROW((void)store_forward_min_copies(d, 6e6), std::invalid_argument);
}

// Against the exact schedule with one copy time c: k CDN copies at time 0, every holder
// copies once per c, viewers served earliest deadline first; viewer m (1-based) holds it at
// c * ceil(log2(m / k)) (0 for m <= k). The least feasible k by trying k = 1, 2, ...
TEST(StoreForwardBound, EqualsTheBestDoublingSchedule) {
  rng::RandomStream rs(7, 0, rng::Purpose::kTest);
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<std::uint32_t> bins(257, 0);
    const int filled = 1 + static_cast<int>(rs.next_double() * 6);
    for (int f = 0; f < filled; ++f)
      bins[static_cast<std::size_t>(rs.next_double() * 257)] +=
          1 + static_cast<std::uint32_t>(rs.next_double() * 400);
    const double size = 2e5 + rs.next_double() * 4e6, up = 1e6 + rs.next_double() * 2e7;
    const double c = size * 8 / up;
    std::vector<double> deadlines;  // each viewer's bin upper edge (the last bin: none)
    for (std::size_t b = 0; b < bins.size(); ++b)
      for (std::uint32_t i = 0; i < bins[b]; ++i)
        deadlines.push_back(b + 1 < bins.size() ? (b + 1) * 0.25 : 1e300);
    std::uint64_t best = deadlines.size();
    for (std::uint64_t k = 1; k <= deadlines.size(); ++k) {
      bool ok = true;
      for (std::size_t m = k + 1; m <= deadlines.size() && ok; ++m) {
        // ceil(log2(m / k)) doublings: the least j with k 2^j >= m
        int j = 0;
        while ((k << j) < m) ++j;
        ok = j * c <= deadlines[m - 1] + 1e-12;
      }
      if (ok) {
        best = k;
        break;
      }
    }
    SegmentDeliveries d{size, bins, 0.25, 0};
    EXPECT_EQ(store_forward_min_copies(d, up), best) << trial;
  }
}

}  // namespace
}  // namespace p2pcdn::analysis
