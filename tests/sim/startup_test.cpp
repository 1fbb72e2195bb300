// player.startup: the video start time counts player init, DNS, the handshakes, the playlists
// and the first frame's decoding beside the first segment's download; a viewer who leaves
// before its playlists arrive never starts and never asks for a byte.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

using testing::load;
using testing::run;
using testing::small;

std::vector<TimeUs> startups(const testing::Run& r) {
  std::vector<TimeUs> out;
  for (const auto& o : r.outcomes)
    if (o.startup_us >= 0) out.push_back(o.startup_us);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(StartupModel, EveryStartIncludesTheSetupAndTheFirstFrame) {
  const testing::Run modelled = run(load("smoke.yaml", small()));
  const testing::Run instant = run(load(
      "smoke.yaml", small({"player.startup.player_init_s=0", "player.startup.dns_s=0",
                           "player.startup.connection_rtts=0", "player.startup.playlist_fetches=0",
                           "player.startup.first_frame_s=0"})));
  for (const auto* r : {&modelled, &instant}) {
    EXPECT_TRUE(r->result.violations.empty()) << testing::violations_text(r->result);
  }
  const std::vector<TimeUs> a = startups(modelled);
  const std::vector<TimeUs> b = startups(instant);
  ASSERT_GT(a.size(), 100u);
  ASSERT_GT(b.size(), 100u);
  // Init 0.1 s + DNS 0.03 s + first frame 0.05 s, before any round trip: a floor for everyone.
  EXPECT_GE(a.front(), from_seconds(0.18));
  EXPECT_LT(b.front(), from_seconds(0.18));
  // Four round trips (two handshakes, two playlists) come on top of it at the median.
  const TimeUs median_gap = a[a.size() / 2] - b[b.size() / 2];
  EXPECT_GT(median_gap, from_seconds(0.18));
  EXPECT_LT(median_gap, from_seconds(0.18 + 4 * 0.3));
}

TEST(StartupModel, ViewersWhoLeaveDuringSetupNeverStart) {
  const testing::Run r =
      run(load("smoke.yaml", small({"run.duration_s=50", "player.startup.player_init_s=60"})));
  EXPECT_TRUE(r.result.violations.empty()) << testing::violations_text(r.result);
  const analysis::Summary& s = r.result.summary;
  EXPECT_GT(s.viewers, 100u);
  EXPECT_EQ(s.viewers_started, 0u);
  EXPECT_DOUBLE_EQ(s.never_started_share, 1.0);
  EXPECT_EQ(s.bytes_cdn + s.bytes_p2p + s.bytes_turn, 0u);
  for (const auto& o : r.outcomes) {
    EXPECT_EQ(o.startup_us, -1);
    EXPECT_GT(o.watch_us, 0);  // the session is still as long as the viewer stayed
  }
}

}  // namespace
}  // namespace p2pcdn::sim
