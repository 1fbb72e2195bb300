// Stream: segment sizes (deterministic, mean = nominal, CV as configured), availability
// times and the live edge.
#include "models/stream/stream.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace p2pcdn::models {
namespace {

TEST(Stream, DefaultsAreTheAppleLadderWithSixSecondSegments) {
  const Stream s(StreamParams{}, 1);
  ASSERT_EQ(s.rendition_count(), 9u);
  EXPECT_DOUBLE_EQ(s.bitrate_bps(0), 145e3);
  EXPECT_DOUBLE_EQ(s.bitrate_bps(8), 7800e3);
  EXPECT_EQ(s.timing().segment_duration_us, seconds(6));
  // 3000 kbps x 6 s / 8 = 2.25 MB.
  EXPECT_DOUBLE_EQ(s.nominal_size_bytes(5), 2.25e6);
}

TEST(Stream, SizeIsDeterministicPerSeedRenditionSegment) {
  const Stream a(StreamParams{}, 42), b(StreamParams{}, 42), c(StreamParams{}, 43);
  const Stream other_channel(StreamParams{}, 42, 1);
  int differs_seed = 0, differs_channel = 0, differs_k = 0;
  for (SegmentIndex k = 0; k < 100; ++k) {
    EXPECT_EQ(a.segment_size_bytes(3, k), b.segment_size_bytes(3, k));
    differs_seed += a.segment_size_bytes(3, k) != c.segment_size_bytes(3, k);
    differs_channel += a.segment_size_bytes(3, k) != other_channel.segment_size_bytes(3, k);
    differs_k += a.segment_size_bytes(3, k) != a.segment_size_bytes(3, k + 1);
  }
  // Access order does not matter (no hidden state): ask backwards.
  for (SegmentIndex k = 99; k >= 0; --k) {
    EXPECT_EQ(a.segment_size_bytes(3, k), b.segment_size_bytes(3, k));
  }
  EXPECT_GT(differs_seed, 95);
  EXPECT_GT(differs_channel, 95);
  EXPECT_GT(differs_k, 95);
}

TEST(Stream, MeanSizeIsNominalAndCvIsConfigured) {
  StreamParams p;
  p.segment_size_cv = 0.3;
  const Stream s(p, 7);
  constexpr int kN = 40000;
  for (std::size_t r : {0u, 4u, 8u}) {
    double sum = 0.0, sum2 = 0.0;
    for (SegmentIndex k = 0; k < kN; ++k) {
      const double x = static_cast<double>(s.segment_size_bytes(r, k)) / s.nominal_size_bytes(r);
      sum += x;
      sum2 += x * x;
    }
    const double mean = sum / kN;
    const double cv = std::sqrt(sum2 / kN - mean * mean) / mean;
    // Standard error of the mean = 0.3 / sqrt(40000) = 0.0015; 4 sd = 0.006.
    EXPECT_NEAR(mean, 1.0, 0.006) << "rendition " << r;
    EXPECT_NEAR(cv, 0.3, 0.015) << "rendition " << r;
  }
}

TEST(Stream, ZeroCvGivesExactlyNominal) {
  StreamParams p;
  p.segment_size_cv = 0.0;
  const Stream s(p, 7);
  for (SegmentIndex k = 0; k < 10; ++k) EXPECT_EQ(s.segment_size_bytes(1, k), 273750u);
}

TEST(Stream, AvailabilityAndLiveEdge) {
  StreamParams p;
  p.segment_duration_s = 6.0;
  p.availability_delay_s = 1.0;
  const Stream s(p, 1);
  // Segment k covers media [6k, 6k+6) and is available at 6k + 6 + 1.
  EXPECT_EQ(s.availability_us(0), seconds(7));
  EXPECT_EQ(s.availability_us(10), seconds(67));
  // Before the first segment of the scenario the edge is a negative (pre-roll) segment.
  EXPECT_LT(s.live_edge_segment(0), 0);
  EXPECT_LT(s.live_edge_segment(seconds(7) - 1), 0);
  EXPECT_EQ(s.live_edge_segment(seconds(7)), 0);
  EXPECT_EQ(s.live_edge_segment(seconds(67) - 1), 9);
  EXPECT_EQ(s.live_edge_segment(seconds(67)), 10);
  EXPECT_EQ(s.timing().live_edge_media_us(seconds(67)), seconds(66));
  EXPECT_EQ(s.timing().live_edge_media_us(seconds(67) - 1), seconds(60));
  EXPECT_EQ(s.timing().live_edge_media_us(0), -seconds(6));
  for (SegmentIndex k = 0; k < 50; ++k) {
    EXPECT_EQ(s.live_edge_segment(s.availability_us(k)), k);
    EXPECT_EQ(s.live_edge_segment(s.availability_us(k) - 1), k - 1);
  }
}

TEST(Stream, InvalidParamsAreErrors) {
  StreamParams p;
  p.renditions.clear();
  EXPECT_THROW(Stream(p, 1), std::invalid_argument);
  p = StreamParams{};
  p.segment_duration_s = 0.0;
  EXPECT_THROW(Stream(p, 1), std::invalid_argument);
  p = StreamParams{};
  p.renditions[2].bitrate_kbps = -1.0;
  EXPECT_THROW(Stream(p, 1), std::invalid_argument);
  p = StreamParams{};
  p.segment_size_cv = -0.1;
  EXPECT_THROW(Stream(p, 1), std::invalid_argument);
  EXPECT_THROW(Stream(StreamParams{}, 1, 1u << 24), std::invalid_argument);
}

}  // namespace
}  // namespace p2pcdn::models
