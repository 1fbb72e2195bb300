// LoadingMeter: p2p-media-loader's bandwidth estimate, checked against hand computations.
#include "models/player/loading_meter.hpp"

#include <gtest/gtest.h>

namespace p2pcdn::models {
namespace {

constexpr TimeUs kS = 1'000'000;

TEST(LoadingMeter, OneDownloadIsItsOwnRate) {
  LoadingMeter m;
  const TimeUs stamp = m.start_loading(2 * kS);
  m.add_download(stamp, 3 * kS, 1'000'000, true);
  m.stop_loading(3 * kS);
  EXPECT_NEAR(m.loading_only_bps(1 * kS, false), 8e6, 1);
  EXPECT_NEAR(m.loading_only_bps(5 * kS, false), 8e6, 1);  // span is where data exists
  EXPECT_NEAR(m.loading_only_bps(1 * kS, true), 8e6, 1);
  EXPECT_EQ(m.loading_only_bps(1 * kS, false), m.loading_only_bps(3 * kS, false));
}

TEST(LoadingMeter, ParallelDownloadsAddUpUnlikeEachTransfersOwnRate) {
  // Three peers each deliver 1 MB over the same second: every transfer alone ran at 8 Mbit/s,
  // the viewer loaded at 24 Mbit/s, which is what p2p-media-loader reports to hls.js.
  LoadingMeter m;
  TimeUs stamps[3];
  for (auto& s : stamps) s = m.start_loading(10 * kS);
  for (const TimeUs s : stamps) m.add_download(s, 11 * kS, 1'000'000, false);
  for (int i = 0; i < 3; ++i) m.stop_loading(11 * kS);
  EXPECT_NEAR(m.loading_only_bps(1 * kS, false), 24e6, 1);
  EXPECT_EQ(m.loading_only_bps(1 * kS, true), 0.0);  // no HTTP download
}

TEST(LoadingMeter, IdleTimeIsExcludedFromLoadingOnlyButNotFromWallClock) {
  LoadingMeter m;
  TimeUs s = m.start_loading(0);
  m.add_download(s, 1 * kS, 1'000'000, true);
  m.stop_loading(1 * kS);
  s = m.start_loading(11 * kS);  // 10 s idle
  EXPECT_EQ(s, 1 * kS);          // the loading clock stood still while idle
  m.add_download(s, 12 * kS, 1'000'000, true);
  m.stop_loading(12 * kS);
  // Loading-only over 3 s: the two downloads are adjacent in loading time: 2 MB in 2 s.
  EXPECT_NEAR(m.loading_only_bps(3 * kS, false), 8e6, 1);
  // Wall clock over 30 s at t = 12 s: 2 MB over the 12 s since the first byte.
  EXPECT_NEAR(m.wall_bps(12 * kS, 30 * kS), 2e6 * 8 / 12, 1);
  // Over the last 5 s of wall time only the second download counts: 1 MB since t = 11 s.
  EXPECT_NEAR(m.wall_bps(12 * kS, 5 * kS), 8e6, 1);
}

TEST(LoadingMeter, PartialOverlapIsProRata) {
  LoadingMeter m;
  const TimeUs s = m.start_loading(0);
  m.add_download(s, 4 * kS, 4'000'000, false);  // 8 Mbit/s for 4 s
  m.stop_loading(4 * kS);
  // Last 1 s of loading: a quarter of the bytes in 1 s.
  EXPECT_NEAR(m.loading_only_bps(1 * kS, false), 8e6, 1);
  EXPECT_NEAR(m.wall_bps(4 * kS, 2 * kS), 8e6, 1);
}

TEST(LoadingMeter, BandwidthFollowsTheHybridLoaderBranches) {
  LoadingMeter m;
  // HTTP 1 MB in 0.5 s (16 Mbit/s), then P2P 1 MB in 4 s (2 Mbit/s) at t = 20-24 s.
  TimeUs s = m.start_loading(0);
  m.add_download(s, kS / 2, 1'000'000, true);
  m.stop_loading(kS / 2);
  s = m.start_loading(20 * kS);
  m.add_download(s, 24 * kS, 1'000'000, false);
  m.stop_loading(24 * kS);
  const double wall = std::max(
      {m.wall_bps(24 * kS, 30 * kS), m.wall_bps(24 * kS, 60 * kS), m.wall_bps(24 * kS, 90 * kS)});
  EXPECT_NEAR(wall, 2e6 * 8 / 24, 1);
  // A low level (wall rate >= 90 % of it): the loading-only aggregate, max over 1/3/5 s.
  const double lo = std::max({m.loading_only_bps(1 * kS, false), m.loading_only_bps(3 * kS, false),
                              m.loading_only_bps(5 * kS, false)});
  EXPECT_DOUBLE_EQ(m.bandwidth_bps(24 * kS, 0.5e6), lo);
  // A high level: max(wall rate, HTTP-only loading rate) = the HTTP download's 16 Mbit/s.
  EXPECT_NEAR(m.bandwidth_bps(24 * kS, 10e6), 16e6, 1);
  // No level yet: loading-only over 3 s.
  EXPECT_DOUBLE_EQ(m.bandwidth_bps(24 * kS, 0), m.loading_only_bps(3 * kS, false));
}

TEST(LoadingMeter, LevelChangeHidesOlderDataFromWallClock) {
  LoadingMeter m;
  TimeUs s = m.start_loading(0);
  m.add_download(s, 1 * kS, 1'000'000, true);
  m.stop_loading(1 * kS);
  m.level_changed(5 * kS);
  EXPECT_EQ(m.wall_bps(6 * kS, 30 * kS), 0.0);
  s = m.start_loading(6 * kS);
  m.add_download(s, 7 * kS, 1'000'000, true);
  m.stop_loading(7 * kS);
  EXPECT_NEAR(m.wall_bps(7 * kS, 30 * kS), 8e6, 1);
}

TEST(LoadingMeter, ReportedTimeIsBytesAtTheEstimatePlusTenMs) {
  LoadingMeter m;
  EXPECT_EQ(m.reported_download_us(0, 1e6, 500'000, 123'456), 123'456);  // no estimate yet
  const TimeUs s = m.start_loading(0);
  m.add_download(s, 1 * kS, 1'000'000, true);
  m.stop_loading(1 * kS);
  // 8 Mbit/s: 500 kB take 0.5 s, plus 10 ms.
  EXPECT_EQ(m.reported_download_us(1 * kS, 0, 500'000, 1), kS / 2 + 10'000);
}

TEST(LoadingMeter, MemoryIsBoundedAndOldDataForgotten) {
  LoadingMeter m;
  for (int i = 0; i < 50; ++i) {
    const TimeUs t = i * kS;
    const TimeUs s = m.start_loading(t);
    m.add_download(s, t + kS / 2, 500'000, true);
    m.stop_loading(t + kS / 2);
  }
  EXPECT_EQ(m.size(), LoadingMeter::kEntries);
  EXPECT_NEAR(m.loading_only_bps(1 * kS, false), 8e6, 1);
  EXPECT_LE(sizeof(LoadingMeter), 256u);
  m.stop_loading(100 * kS);                       // more stops than starts are ignored
  EXPECT_EQ(m.start_loading(100 * kS), 25 * kS);  // 50 downloads of 0.5 s of loading time
}

}  // namespace
}  // namespace p2pcdn::models
