// Topology: shortest paths through the Boost.Graph graph, checked against hand-computed
// RTTs and a Floyd-Warshall reference on a random graph; symmetry; build errors.
#include "models/network/topology.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "models/base/random_stream.hpp"

namespace p2pcdn::models {
namespace {

// Three regions in a line-ish layout: a-b direct 50 ms, a-c 10 ms, c-b 15 ms (cheaper via c).
TopologyParams three_regions() {
  TopologyParams p;
  p.regions = {{"a", 0.5}, {"b", 0.3}, {"c", 0.2}};
  p.isps = {{"a1", "a", 0.5, 2.0, 5.0},
            {"a2", "a", 0.5, 3.0, 4.0},
            {"b1", "b", 1.0, 1.0, 6.0},
            {"c1", "c", 1.0, 2.5, 7.0}};
  p.interconnects = {{"a", "b", 50.0}, {"a", "c", 10.0}, {"c", "b", 15.0}};
  return p;
}

TEST(Topology, ShortestPathPicksCheaperIndirectRoute) {
  const Topology t = Topology::build(three_regions());
  const ClassId a1 = t.class_index("a1"), a2 = t.class_index("a2"), b1 = t.class_index("b1"),
                c1 = t.class_index("c1");
  // a1 -> a (2) -> c (10) -> b (15) -> b1 (1) = 28 ms one way (direct a-b would be 53).
  EXPECT_EQ(t.rtt_us(a1, b1), ms(56));
  // a1 -> a -> a2: 2 + 3 = 5 ms.
  EXPECT_EQ(t.rtt_us(a1, a2), ms(10));
  // a2 -> a -> c -> c1: 3 + 10 + 2.5 = 15.5 ms.
  EXPECT_EQ(t.rtt_us(a2, c1), us(31000));
  // Same class: 2 x intra latency.
  EXPECT_EQ(t.rtt_us(a1, a1), ms(10));
  EXPECT_EQ(t.rtt_us(c1, c1), ms(14));
  // Region hub b to class a1: 15 + 10 + 2 = 27 ms.
  EXPECT_EQ(t.region_rtt_us(t.region_index("b"), a1), ms(54));
  EXPECT_EQ(t.region_to_region_rtt_us(t.region_index("a"), t.region_index("b")), ms(50));
  EXPECT_EQ(t.region_of(c1), t.region_index("c"));
  EXPECT_EQ(t.class_name(c1), "c1");
  EXPECT_EQ(t.region_name(t.region_of(b1)), "b");
  ASSERT_EQ(t.classes_in_region(t.region_index("a")).size(), 2u);
  EXPECT_EQ(t.classes_in_region(t.region_index("a"))[1], a2);
}

TEST(Topology, PeeringLinkBetweenIspsShortcutsTheHubs) {
  TopologyParams p = three_regions();
  p.interconnects.push_back({"a1", "b1", 4.0});
  const Topology t = Topology::build(p);
  EXPECT_EQ(t.rtt_us(t.class_index("a1"), t.class_index("b1")), ms(8));
  // a2 -> a -> a1 -> b1: 3 + 2 + 4 = 9 ms beats 3 + 25 + 1 = 29 ms.
  EXPECT_EQ(t.rtt_us(t.class_index("a2"), t.class_index("b1")), ms(18));
}

TEST(Topology, RttIsSymmetric) {
  const Topology t = Topology::build(three_regions());
  for (ClassId a = 0; a < t.class_count(); ++a) {
    for (ClassId b = 0; b < t.class_count(); ++b) EXPECT_EQ(t.rtt_us(a, b), t.rtt_us(b, a));
  }
}

TEST(Topology, MatchesFloydWarshallOnRandomGraphs) {
  for (std::uint64_t trial = 0; trial < 20; ++trial) {
    rng::RandomStream rs(99, trial, rng::Purpose::kTest);
    TopologyParams p;
    p.regions.clear();
    p.isps.clear();
    const int n_regions = 2 + static_cast<int>(rs.next_below(4));
    for (int r = 0; r < n_regions; ++r) p.regions.push_back({"r" + std::to_string(r), 1.0});
    const int n_isps = n_regions + static_cast<int>(rs.next_below(6));
    for (int i = 0; i < n_isps; ++i) {
      const int r = i < n_regions ? i : static_cast<int>(rs.next_below(n_regions));
      p.isps.push_back({"i" + std::to_string(i), "r" + std::to_string(r), 1.0,
                        static_cast<double>(1 + rs.next_below(20)), 3.0});
    }
    for (int r = 1; r < n_regions; ++r) {  // a chain keeps it connected
      p.interconnects.push_back({"r" + std::to_string(r - 1), "r" + std::to_string(r),
                                 1.0 + static_cast<double>(rs.next_below(80))});
    }
    for (int e = 0; e < 4; ++e) {
      const auto a = rs.next_below(static_cast<std::uint64_t>(n_isps));
      const auto b = rs.next_below(static_cast<std::uint64_t>(n_isps));
      p.interconnects.push_back({"i" + std::to_string(a), "i" + std::to_string(b),
                                 static_cast<double>(rs.next_below(100))});
    }
    // Reference: Floyd-Warshall on the node matrix (regions then ISPs), in µs.
    const int n = n_regions + n_isps;
    std::vector<std::vector<TimeUs>> d(n, std::vector<TimeUs>(n, kNever));
    const auto node = [&](const std::string& name) {
      return name[0] == 'r' ? std::stoi(name.substr(1)) : n_regions + std::stoi(name.substr(1));
    };
    const auto link = [&](int a, int b, double lat_ms) {
      const TimeUs w = static_cast<TimeUs>(lat_ms * 1000.0 + 0.5);
      d[a][b] = std::min(d[a][b], w);
      d[b][a] = std::min(d[b][a], w);
    };
    for (int i = 0; i < n; ++i) d[i][i] = 0;
    for (const Isp& isp : p.isps) link(node(isp.name), node(isp.region), isp.hub_latency_ms);
    for (const Interconnect& l : p.interconnects) link(node(l.from), node(l.to), l.latency_ms);
    for (int k = 0; k < n; ++k) {
      for (int i = 0; i < n; ++i) {
        for (int j = 0; j < n; ++j) {
          if (d[i][k] != kNever && d[k][j] != kNever)
            d[i][j] = std::min(d[i][j], d[i][k] + d[k][j]);
        }
      }
    }
    const Topology t = Topology::build(p);
    for (int a = 0; a < n_isps; ++a) {
      for (int b = 0; b < n_isps; ++b) {
        const TimeUs expected = a == b ? 2 * 3000 : 2 * d[n_regions + a][n_regions + b];
        EXPECT_EQ(t.rtt_us(static_cast<ClassId>(a), static_cast<ClassId>(b)), expected)
            << "trial " << trial << " " << a << "->" << b;
      }
      for (int r = 0; r < n_regions; ++r) {
        EXPECT_EQ(t.region_rtt_us(static_cast<std::size_t>(r), static_cast<ClassId>(a)),
                  2 * d[r][n_regions + a]);
      }
    }
  }
}

void expect_build_error(const TopologyParams& p, const std::string& fragment) {
  try {
    (void)Topology::build(p);
    ADD_FAILURE() << "expected an error containing '" << fragment << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Topology, UnreachableClassIsAnErrorAtBuild) {
  TopologyParams p = three_regions();
  p.regions.push_back({"island", 0.0});
  p.isps.push_back({"i1", "island", 1.0, 1.0, 1.0});
  expect_build_error(p, "unreachable");
}

TEST(Topology, BadNamesAndLatenciesAreErrors) {
  TopologyParams p = three_regions();
  p.isps[0].region = "nowhere";
  expect_build_error(p, "unknown region 'nowhere'");
  p = three_regions();
  p.interconnects.push_back({"a", "mars", 1.0});
  expect_build_error(p, "'mars'");
  p = three_regions();
  p.isps[1].name = "a1";
  expect_build_error(p, "duplicate");
  p = three_regions();
  p.interconnects[0].latency_ms = -1.0;
  expect_build_error(p, "latency");
  p = three_regions();
  p.isps.clear();
  expect_build_error(p, "no ISPs");
  const Topology t = Topology::build(three_regions());
  EXPECT_THROW((void)t.class_index("zz"), std::invalid_argument);
  EXPECT_THROW((void)t.region_index("zz"), std::invalid_argument);
}

TEST(Topology, DefaultParamsBuild) {
  const Topology t = Topology::build(TopologyParams{});
  EXPECT_EQ(t.class_count(), 1u);
  EXPECT_EQ(t.rtt_us(0, 0), ms(10));
  EXPECT_EQ(t.region_rtt_us(0, 0), ms(4));
}

}  // namespace
}  // namespace p2pcdn::models
