// The host's scheduler configuration: the window ring sized to the stream, knob overrides and
// their errors (tests/sim: needs only models/ and the scheduler's config).
#include "sim/host/agent_config.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace p2pcdn::sim {
namespace {

models::Scenario live(double segment_s, int live_sync_segments, double max_latency_s = 60.0) {
  models::Scenario s;
  s.stream.segment_duration_s = segment_s;
  s.player.live_sync_segments = live_sync_segments;
  s.player.live_max_latency_s = max_latency_s;
  return s;
}

TEST(AgentConfig, WindowReachesTheLiveEdgeFromTheMaxLatency) {
  // 6 s segments, cache_behind 15 s: 3 slots behind; 60 s of latency = 10 segments + 1 ahead.
  EXPECT_EQ(make_agent_config(live(6.0, 3, 60.0)).window_segments, 16);
  // 4 s segments: 4 behind; 15 + 1 ahead is more than 16 - 4, fits 32 - 4.
  EXPECT_EQ(make_agent_config(live(4.0, 8, 60.0)).window_segments, 32);
  // 44 s: 11 + 1 = 12 = 16 - 4 fits exactly; 45 s is one segment more.
  EXPECT_EQ(make_agent_config(live(4.0, 8, 44.0)).window_segments, 16);
  EXPECT_EQ(make_agent_config(live(4.0, 8, 45.0)).window_segments, 32);
  // 2 s segments: 8 behind; 31 ahead needs more than 32 - 8.
  EXPECT_EQ(make_agent_config(live(2.0, 3, 60.0)).window_segments, 64);
  // 1 s segments, 10 s: 16 behind is capped at half the ring: 16 - 8 = 8 < 11; 32 - 16 = 16.
  EXPECT_EQ(make_agent_config(live(1.0, 3, 10.0)).window_segments, 32);
}

TEST(AgentConfig, JoinDistanceBeyondTheMaxLatencyWins) {
  // Joining 30 segments (120 s) behind the edge, beyond the 60 s latency bound: 31 ahead.
  EXPECT_EQ(make_agent_config(live(4.0, 30, 60.0)).window_segments, 64);
  models::Scenario s = live(6.0, 3, 30.0);
  s.player.live_delay_s = 90.0;  // 15 + 1 ahead: more than 16 - 3
  EXPECT_EQ(make_agent_config(s).window_segments, 32);
}

TEST(AgentConfig, ScenarioKnobWinsOverTheDerivedWindow) {
  models::Scenario s = live(4.0, 8);
  s.p2p.scheduler_knobs["window_segments"] = 8;
  s.p2p.scheduler_knobs["skip_idle_epochs"] = 0;
  const sched::AgentConfig c = make_agent_config(s);
  EXPECT_EQ(c.window_segments, 8);
  EXPECT_FALSE(c.skip_idle_epochs);
}

TEST(AgentConfig, BadKnobNamesTheKey) {
  models::Scenario s = live(4.0, 8);
  s.p2p.scheduler_knobs["skip_idle_epochs"] = 2;
  try {
    (void)make_agent_config(s);
    FAIL() << "expected an error";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("p2p.scheduler_knobs.skip_idle_epochs"), std::string::npos)
        << e.what();
  }
  s.p2p.scheduler_knobs.clear();
  s.p2p.scheduler_knobs["window_size"] = 16;
  EXPECT_THROW((void)make_agent_config(s), std::invalid_argument);
}

}  // namespace
}  // namespace p2pcdn::sim
