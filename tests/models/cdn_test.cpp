// CDN: nearest-PoP routing by topology latency, failover during outages, the outage
// schedule queries (half-open intervals, merging) and build errors.
#include "models/cdn/cdn.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace p2pcdn::models {
namespace {

TopologyParams regions() {
  TopologyParams p;
  p.regions = {{"east", 0.5}, {"west", 0.3}, {"central", 0.2}};
  p.isps = {{"e1", "east", 1.0, 2.0, 5.0},
            {"w1", "west", 1.0, 2.0, 5.0},
            {"c1", "central", 1.0, 2.0, 5.0}};
  // east-central 20 ms, central-west 25 ms, east-west 60 ms (cheaper via central: 45).
  p.interconnects = {{"east", "central", 20.0}, {"central", "west", 25.0}, {"east", "west", 60.0}};
  return p;
}

CdnParams pops() {
  CdnParams c;
  c.pops = {
      {"nyc", "east", 2000.0, 1.0}, {"sfo", "west", 1000.0, 1.0}, {"chi", "central", 500.0, 1.0}};
  c.origin = {"central", 100.0, 50.0};
  return c;
}

TEST(Cdn, RoutesToNearestPopAndFailsOverDuringOutage) {
  const Topology topo = Topology::build(regions());
  CdnParams params = pops();
  params.outages = {{"nyc", 100.0, 200.0}, {"chi", 150.0, 160.0}};
  const Cdn cdn = Cdn::build(params, topo);
  const std::size_t east = topo.region_index("east"), west = topo.region_index("west");
  const PopId nyc = cdn.pop_index("nyc"), sfo = cdn.pop_index("sfo"), chi = cdn.pop_index("chi");
  EXPECT_EQ(cdn.route(east, seconds(0)), nyc);
  EXPECT_EQ(cdn.route(west, seconds(0)), sfo);
  // East's order: nyc (2 ms RTT), chi (2 + 40), sfo (2 + 90 via central).
  ASSERT_EQ(cdn.pops_by_distance(east).size(), 3u);
  EXPECT_EQ(cdn.pops_by_distance(east)[1], chi);
  EXPECT_EQ(cdn.pops_by_distance(east)[2], sfo);
  EXPECT_EQ(cdn.route(east, seconds(100) - 1), nyc);
  EXPECT_EQ(cdn.route(east, seconds(100)), chi);  // down at its start
  EXPECT_EQ(cdn.route(east, seconds(155)), sfo);  // nyc and chi both down
  EXPECT_EQ(cdn.route(east, seconds(160)), chi);  // chi back at its end
  EXPECT_EQ(cdn.route(east, seconds(200)), nyc);
}

TEST(Cdn, AllPopsDownGivesNoPop) {
  const Topology topo = Topology::build(regions());
  CdnParams params = pops();
  params.outages = {{"nyc", 10.0, 20.0}, {"sfo", 10.0, 20.0}, {"chi", 5.0, 15.0}};
  const Cdn cdn = Cdn::build(params, topo);
  EXPECT_EQ(cdn.route(0, seconds(12)), kNoPop);
  EXPECT_NE(cdn.route(0, seconds(15)), kNoPop);
}

TEST(Cdn, OutageScheduleQueriesAndMerging) {
  const Topology topo = Topology::build(regions());
  CdnParams params = pops();
  // Overlapping and touching outages of nyc merge into [10, 40); then [50, 60).
  params.outages = {
      {"nyc", 50.0, 60.0}, {"nyc", 20.0, 30.0}, {"nyc", 10.0, 25.0}, {"nyc", 30.0, 40.0}};
  const Cdn cdn = Cdn::build(params, topo);
  const PopId nyc = cdn.pop_index("nyc");
  EXPECT_TRUE(cdn.is_up(nyc, seconds(10) - 1));
  EXPECT_FALSE(cdn.is_up(nyc, seconds(10)));
  EXPECT_FALSE(cdn.is_up(nyc, seconds(30)));
  EXPECT_FALSE(cdn.is_up(nyc, seconds(40) - 1));
  EXPECT_TRUE(cdn.is_up(nyc, seconds(40)));
  EXPECT_FALSE(cdn.is_up(nyc, seconds(55)));
  EXPECT_TRUE(cdn.is_up(nyc, seconds(60)));
  EXPECT_EQ(cdn.next_change_us(nyc, 0), seconds(10));
  EXPECT_EQ(cdn.next_change_us(nyc, seconds(10)), seconds(40));
  EXPECT_EQ(cdn.next_change_us(nyc, seconds(45)), seconds(50));
  EXPECT_EQ(cdn.next_change_us(nyc, seconds(50)), seconds(60));
  EXPECT_EQ(cdn.next_change_us(nyc, seconds(60)), kNever);
  EXPECT_EQ(cdn.next_change_us(cdn.pop_index("sfo"), 0), kNever);
  EXPECT_EQ(cdn.next_change_us(seconds(41)), seconds(50));
}

TEST(Cdn, CapacityAndLatencies) {
  const Topology topo = Topology::build(regions());
  const Cdn cdn = Cdn::build(pops(), topo);
  EXPECT_DOUBLE_EQ(cdn.egress_bps(cdn.pop_index("sfo")), 1e12);
  EXPECT_DOUBLE_EQ(cdn.origin_egress_bps(), 1e11);
  EXPECT_EQ(cdn.origin_region(), topo.region_index("central"));
  EXPECT_EQ(cdn.origin_fill_latency_us(), ms(50));
  EXPECT_EQ(cdn.http_server_latency_us(), ms(10));
  // sfo (hub 1 ms) to class e1: 2 x (1 + 25 + 20 + 2) = 96 ms.
  EXPECT_EQ(cdn.pop_rtt_us(cdn.pop_index("sfo"), topo.class_index("e1")), ms(96));
  EXPECT_EQ(cdn.pop_rtt_us(cdn.pop_index("nyc"), topo.class_index("e1")), ms(6));
}

TEST(Cdn, BuildErrors) {
  const Topology topo = Topology::build(regions());
  CdnParams p = pops();
  p.outages = {{"lhr", 1.0, 2.0}};
  EXPECT_THROW((void)Cdn::build(p, topo), std::invalid_argument);
  p = pops();
  p.outages = {{"nyc", 5.0, 5.0}};
  EXPECT_THROW((void)Cdn::build(p, topo), std::invalid_argument);
  p = pops();
  p.pops[0].region = "mars";
  EXPECT_THROW((void)Cdn::build(p, topo), std::invalid_argument);
  p = pops();
  p.pops[1].name = "nyc";
  EXPECT_THROW((void)Cdn::build(p, topo), std::invalid_argument);
  p = pops();
  p.pops[2].egress_gbps = 0.0;
  EXPECT_THROW((void)Cdn::build(p, topo), std::invalid_argument);
  p = pops();
  p.origin.region = "mars";
  EXPECT_THROW((void)Cdn::build(p, topo), std::invalid_argument);
  p.pops.clear();
  EXPECT_THROW((void)Cdn::build(p, topo), std::invalid_argument);
  // Defaults build against the default topology.
  EXPECT_NO_THROW((void)Cdn::build(CdnParams{}, Topology::build(TopologyParams{})));
}

}  // namespace
}  // namespace p2pcdn::models
