// Host bookkeeping figures: the per-viewer memory breakdown (measured at the busiest sample,
// items add up, the components every viewer has are non-zero) and the message multicast
// (fewer events than messages).
#include <gtest/gtest.h>

#include <string>

#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

TEST(MemoryBreakdown, IsMeasuredAtTheBusiestSampleAndAddsUp) {
  const auto scenario = testing::load("smoke.yaml", testing::small());
  const testing::Run r = testing::run(scenario, 3);
  const MemoryBreakdown& m = r.result.memory;
  ASSERT_GT(m.viewers, 0u);
  EXPECT_LE(m.viewers, r.result.host.peak_viewers);
  double sum = 0;
  bool player = false, agent = false, connections = false;
  double neighbour_list = 0, connection_rows = 0;
  for (const MemoryItem& item : m.items) {
    EXPECT_GE(item.bytes_per_viewer, 0.0) << item.name;
    if (item.name != "unattributed heap") sum += item.bytes_per_viewer;
    if (item.name == "viewer: player") player = item.bytes_per_viewer > 0;
    if (item.name == "agent: state") agent = item.bytes_per_viewer > 0;
    if (item.name == "agent: neighbour list") neighbour_list = item.bytes_per_viewer;
    if (item.name == "connections") connection_rows = item.bytes_per_viewer;
    if (item.name == "connections") connections = item.bytes_per_viewer > 0;
  }
  EXPECT_NEAR(sum, m.measured_bytes_per_viewer, 1e-6 * m.measured_bytes_per_viewer);
  EXPECT_TRUE(player);
  EXPECT_TRUE(agent);
  EXPECT_TRUE(connections);
  // Neighbour lists: the agents' peer tables (> 0: viewers have neighbours) and the host's
  // connection rows, a part of the total.
  EXPECT_GT(neighbour_list, 0.0);
  EXPECT_NEAR(m.neighbour_list_bytes_per_viewer, neighbour_list + connection_rows,
              1e-9 * m.measured_bytes_per_viewer);
  EXPECT_LT(m.neighbour_list_bytes_per_viewer, m.measured_bytes_per_viewer);
  EXPECT_DOUBLE_EQ(r.result.host.bytes_per_viewer, m.measured_bytes_per_viewer);
}

}  // namespace
}  // namespace p2pcdn::sim

namespace p2pcdn::sim {
namespace {

// Announcements to several neighbours at the same latency share one event: the run delivers
// far more messages than it dispatches events (each message was one event before).
TEST(Multicast, OneEventCarriesAnAnnouncementToSeveralNeighbours) {
  const auto scenario = testing::load("smoke.yaml", testing::small());
  const testing::Run r = testing::run(scenario, 3);
  EXPECT_TRUE(r.result.violations.empty()) << testing::violations_text(r.result);
  EXPECT_GT(r.result.host.messages_delivered, 0u);
  EXPECT_LT(r.result.host.events, r.result.host.messages_delivered);
}

}  // namespace
}  // namespace p2pcdn::sim
