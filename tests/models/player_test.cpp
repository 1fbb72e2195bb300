// Player state machine: exact µs time accounting on scripted traces (hand-computed), live
// sync and skip-ahead, and random host-driven traces checked against a naive 1 ms tick
// reference and against a lazily-advanced twin (intermediate advance_to calls change nothing).
#include "models/player/player.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "models/base/random_stream.hpp"

namespace p2pcdn::models {
namespace {

// 4 s segments available 1 s after their end, Pensieve ladder, constant sizes.
StreamParams stream_params() {
  StreamParams s;
  s.renditions = {{"a", 300, 0, 0},  {"b", 750, 0, 0},  {"c", 1200, 0, 0},
                  {"d", 1850, 0, 0}, {"e", 2850, 0, 0}, {"f", 4300, 0, 0}};
  s.segment_duration_s = 4.0;
  s.availability_delay_s = 1.0;
  s.segment_size_cv = 0.0;
  return s;
}

TimeUs sec(double s) { return from_seconds(s); }

// The state machine's tests show the first frame the instant the start-up buffer is reached;
// FirstFrameComesAfterTheDecoderStarts tests the delay.
PlayerParams instant_params() {
  PlayerParams p;
  p.startup.first_frame_s = 0.0;
  return p;
}

void expect_accounting(const Player& p, TimeUs join, TimeUs now) {
  EXPECT_EQ(p.startup_us() + p.play_us() + p.stall_us(), now - join);
}

TEST(Player, ScriptedTraceExactAccounting) {
  const Stream stream(stream_params(), 1);
  const PlayerConfig cfg(instant_params(), AbrParams{}, stream);  // startup 2 s, sync 3 segments
  Player p;
  p.join(sec(100), cfg);
  // Live edge at 100 s: floor((100 - 1) / 4) * 4 = 96 s of media; 3 x 4 s behind -> 84 s,
  // segment 21.
  EXPECT_EQ(p.state(), PlayerState::kStartup);
  EXPECT_EQ(p.playhead_us(), sec(84));
  EXPECT_EQ(p.next_segment(), 21);
  NeededSegment n = p.next_needed(cfg);
  EXPECT_EQ(n.segment, 21);
  EXPECT_EQ(n.rendition, 0);           // 0.7 x 500 kbps default estimate -> 300 kbps
  EXPECT_EQ(n.deadline_us, sec(100));  // needed now
  EXPECT_EQ(p.next_event_time(cfg), kNever);

  // Segment 21 (300 kbps, 150 kB) arrives at 101.5 s: 4 s buffered >= 2 s, play.
  EXPECT_TRUE(p.on_segment_delivered(sec(101.5), 21, 0, 150'000, sec(1.5), cfg));
  EXPECT_EQ(p.state(), PlayerState::kPlaying);
  EXPECT_EQ(p.startup_us(), sec(1.5));
  EXPECT_TRUE(p.started());
  EXPECT_EQ(p.next_event_time(cfg), sec(105.5));
  EXPECT_EQ(p.next_needed(cfg).deadline_us, sec(105.5));
  EXPECT_EQ(p.buffer_end_us(), sec(88));

  // Segment 22 at 750 kbps at 103 s: playhead 85.5, buffer end 92 -> 6.5 s, dry at 109.5 s.
  EXPECT_TRUE(p.on_segment_delivered(sec(103), 22, 1, 375'000, sec(1.5), cfg));
  EXPECT_EQ(p.next_event_time(cfg), sec(109.5));
  EXPECT_EQ(p.switch_count(), 1u);

  // At 112 s: played 101.5 -> 109.5 (8 s), stalled 109.5 -> 112 (2.5 s).
  p.advance_to(sec(112), cfg);
  EXPECT_EQ(p.state(), PlayerState::kStalled);
  EXPECT_EQ(p.play_us(), sec(8));
  EXPECT_EQ(p.stall_us(), sec(2.5));
  EXPECT_EQ(p.stall_count(), 1u);
  EXPECT_EQ(p.playhead_us(), sec(92));
  EXPECT_EQ(p.next_event_time(cfg), kNever);
  expect_accounting(p, sec(100), sec(112));

  // Segment 23 at 113 s: stall 3.5 s in total, resume (4 s >= 2 s).
  EXPECT_TRUE(p.on_segment_delivered(sec(113), 23, 1, 375'000, sec(1), cfg));
  EXPECT_EQ(p.state(), PlayerState::kPlaying);
  EXPECT_EQ(p.stall_us(), sec(3.5));
  // A stale or out-of-order segment is not appended.
  EXPECT_FALSE(p.on_segment_delivered(sec(113), 22, 1, 375'000, sec(1), cfg));
  EXPECT_FALSE(p.on_segment_delivered(sec(113), 25, 1, 375'000, sec(1), cfg));

  // Leave at 120 s: played 113 -> 117, stalled 117 -> 120.
  p.leave(sec(120), cfg);
  EXPECT_EQ(p.state(), PlayerState::kEnded);
  EXPECT_EQ(p.startup_us(), sec(1.5));
  EXPECT_EQ(p.play_us(), sec(12));
  EXPECT_EQ(p.stall_us(), sec(6.5));
  EXPECT_EQ(p.stall_count(), 2u);
  EXPECT_EQ(p.switch_count(), 1u);
  EXPECT_DOUBLE_EQ(p.switch_magnitude_kbps(), 450.0);  // 300 -> 750
  expect_accounting(p, sec(100), sec(120));
  // (300 x 4 + 750 x 4 + 750 x 4) / 12 = 600 kbps.
  EXPECT_DOUBLE_EQ(p.avg_bitrate_kbps(), 600.0);
  // Nothing changes after leaving.
  p.advance_to(sec(200), cfg);
  EXPECT_EQ(p.play_us() + p.stall_us() + p.startup_us(), sec(20));
  EXPECT_FALSE(p.on_segment_delivered(sec(200), 24, 0, 1, 1, cfg));
}

TEST(Player, LeavingDuringStartupCountsStartupOnly) {
  const Stream stream(stream_params(), 1);
  const PlayerConfig cfg(instant_params(), AbrParams{}, stream);
  Player p;
  p.join(sec(50), cfg);
  p.leave(sec(57.25), cfg);
  EXPECT_EQ(p.startup_us(), sec(7.25));
  EXPECT_EQ(p.play_us(), 0);
  EXPECT_FALSE(p.started());
}

TEST(Player, JoinEarlyInTheStreamUsesPrerollAndLiveDelayOverrides) {
  const Stream stream(stream_params(), 1);
  const PlayerConfig cfg(instant_params(), AbrParams{}, stream);
  Player p;
  // The stream was live before t = 0: edge media 4 s, 12 s behind -> media -8 s, segment -2.
  p.join(sec(6), cfg);
  EXPECT_EQ(p.playhead_us(), -sec(8));
  EXPECT_EQ(p.next_segment(), -2);
  EXPECT_NE(p.next_needed(cfg).segment, kNoSegment);
  PlayerParams pp = instant_params();
  pp.live_delay_s = 10.0;
  const PlayerConfig cfg2(pp, AbrParams{}, stream);
  p.join(sec(100), cfg2);  // edge 96 s - 10 s = 86 s: inside segment 21
  EXPECT_EQ(p.playhead_us(), sec(86));
  EXPECT_EQ(p.next_segment(), 21);
  EXPECT_TRUE(p.on_segment_delivered(sec(101), 21, 0, 150'000, sec(1), cfg2));
  EXPECT_EQ(p.buffer_us(), sec(2));  // 88 - 86: only the part after the playhead
  EXPECT_EQ(p.state(), PlayerState::kPlaying);
  EXPECT_EQ(p.media_appended_us(), sec(2));
}

TEST(Player, RequestTimeFollowsBufferTarget) {
  const Stream stream(stream_params(), 1);
  PlayerParams pp = instant_params();
  pp.buffer_target_s = 10.0;
  const PlayerConfig cfg(pp, AbrParams{}, stream);
  Player p;
  p.join(sec(100), cfg);
  EXPECT_EQ(p.next_request_time_us(cfg), sec(100));
  p.on_segment_delivered(sec(100.5), 21, 0, 150'000, sec(0.5), cfg);
  p.on_segment_delivered(sec(100.6), 22, 0, 150'000, sec(0.1), cfg);
  p.on_segment_delivered(sec(100.7), 23, 0, 150'000, sec(0.1), cfg);
  // Buffer at 100.7: 96 - 84.2 = 11.8 s; below 10 s after 1.8 s (+1 µs for "strictly below").
  EXPECT_EQ(p.buffer_us(), sec(11.8));
  EXPECT_EQ(p.next_request_time_us(cfg), sec(102.5) + 1);
}

// player.abr_peer_samples: http_only: a delivery the ABR must not learn from (a peer's) is
// appended like any other but leaves the throughput estimate as it was.
TEST(Player, ADeliveryOutsideTheAbrLeavesItsEstimate) {
  const Stream stream(stream_params(), 1);
  const PlayerConfig cfg(instant_params(), AbrParams{}, stream);
  Player learns, ignores;
  learns.join(sec(100), cfg);
  ignores.join(sec(100), cfg);
  EXPECT_TRUE(learns.on_segment_delivered(sec(100.5), 21, 0, 150'000, sec(0.5), cfg));
  EXPECT_TRUE(ignores.on_segment_delivered(sec(100.5), 21, 0, 150'000, sec(0.5), cfg));
  const AbrState before = ignores.abr_state();
  // A slow peer transfer: 150 kB in 10 s.
  EXPECT_TRUE(learns.on_segment_delivered(sec(101), 22, 0, 150'000, sec(10), cfg));
  EXPECT_TRUE(ignores.on_segment_delivered(sec(101), 22, 0, 150'000, sec(10), cfg, false));
  EXPECT_EQ(ignores.abr_state().fast_estimate_bps, before.fast_estimate_bps);
  EXPECT_EQ(ignores.abr_state().slow_estimate_bps, before.slow_estimate_bps);
  EXPECT_LT(learns.abr_state().fast_estimate_bps, before.fast_estimate_bps);
  EXPECT_EQ(ignores.buffer_us(), learns.buffer_us());  // appended all the same
}

TEST(Player, SkipAheadWhileStalledDropsBufferAndRebuffers) {
  const Stream stream(stream_params(), 1);
  PlayerParams pp = instant_params();
  pp.live_skip_ahead_enabled = true;
  pp.live_max_latency_s = 20.0;  // sync 12 s + one 4 s segment <= 20: valid
  const PlayerConfig cfg(pp, AbrParams{}, stream);
  Player p;
  p.join(sec(100), cfg);
  EXPECT_TRUE(p.on_segment_delivered(sec(101), 21, 0, 150'000, sec(1), cfg));
  // Dry at 105 s with the playhead at 88 s. The edge exceeds 88 + 20 = 108 s when it reaches
  // 112 s: floor((t - 1) / 4) * 4 >= 112 at t = 113 s.
  p.advance_to(sec(106), cfg);
  EXPECT_EQ(p.state(), PlayerState::kStalled);
  EXPECT_EQ(p.next_event_time(cfg), sec(113));
  p.advance_to(sec(113) - 1, cfg);
  EXPECT_EQ(p.skip_count(), 0u);
  p.advance_to(sec(113), cfg);
  EXPECT_EQ(p.skip_count(), 1u);
  EXPECT_EQ(p.playhead_us(), sec(100));  // 112 - 12
  EXPECT_EQ(p.next_segment(), 25);
  EXPECT_EQ(p.stall_count(), 1u);  // the same stall continues
  EXPECT_FALSE(p.on_segment_delivered(sec(114), 22, 0, 150'000, sec(1), cfg));  // stale
  EXPECT_TRUE(p.on_segment_delivered(sec(115), 25, 0, 150'000, sec(1), cfg));
  EXPECT_EQ(p.state(), PlayerState::kPlaying);
  EXPECT_EQ(p.startup_us(), sec(1));
  EXPECT_EQ(p.play_us(), sec(4));
  EXPECT_EQ(p.stall_us(), sec(10));
  expect_accounting(p, sec(100), sec(115));
}

TEST(Player, SkipAheadWhilePlayingSeeksInsideTheBuffer) {
  const Stream stream(stream_params(), 1);
  PlayerParams pp = instant_params();
  pp.live_skip_ahead_enabled = true;
  pp.live_max_latency_s = 16.0;
  pp.startup_buffer_s = 12.0;
  const PlayerConfig cfg(pp, AbrParams{}, stream);
  Player p;
  p.join(sec(100), cfg);  // playhead 84 s
  EXPECT_TRUE(p.on_segment_delivered(sec(102), 21, 0, 150'000, sec(1), cfg));
  EXPECT_TRUE(p.on_segment_delivered(sec(103), 22, 0, 150'000, sec(1), cfg));
  EXPECT_TRUE(p.on_segment_delivered(sec(104.9), 23, 0, 150'000, sec(1), cfg));
  EXPECT_EQ(p.state(), PlayerState::kPlaying);
  // At 104.9 the latency is 100 - 84 = 16 (not > 16), but after the next edge step at 105 s it
  // is 104 - 84.1 = 19.9 > 16: skip at 105 s to 104 - 12 = 92 s, inside the buffer (ends 96).
  EXPECT_EQ(p.next_event_time(cfg), sec(105));
  p.advance_to(sec(105), cfg);
  EXPECT_EQ(p.skip_count(), 1u);
  EXPECT_EQ(p.state(), PlayerState::kPlaying);
  EXPECT_EQ(p.playhead_us(), sec(92));
  EXPECT_EQ(p.stall_count(), 0u);
  EXPECT_EQ(p.next_event_time(cfg), sec(109));
  p.leave(sec(110), cfg);
  EXPECT_EQ(p.startup_us(), sec(4.9));
  EXPECT_EQ(p.play_us(), sec(4.1));
  EXPECT_EQ(p.stall_us(), sec(1));
  expect_accounting(p, sec(100), sec(110));
}

TEST(Player, ConfigValidation) {
  const Stream stream(stream_params(), 1);
  PlayerParams pp = instant_params();
  pp.live_skip_ahead_enabled = true;
  pp.live_max_latency_s = 15.9;  // < 12 + 4
  EXPECT_THROW(PlayerConfig(pp, AbrParams{}, stream), std::invalid_argument);
  pp = instant_params();
  pp.buffer_target_s = 0.0;
  EXPECT_THROW(PlayerConfig(pp, AbrParams{}, stream), std::invalid_argument);
  pp = instant_params();
  pp.startup_buffer_s = 50.0;  // clamped to the 30 s target
  EXPECT_EQ(PlayerConfig(pp, AbrParams{}, stream).startup_buffer_us, sec(30));
  const PlayerConfig cfg(instant_params(), AbrParams{}, stream);
  Player p;
  p.join(0, cfg);
  EXPECT_THROW(p.on_segment_delivered(1, 0, 6, 1, 1, cfg), std::invalid_argument);
}

TEST(Player, ChannelOfferingASubsetChoosesOnlyAmongIt) {
  const Stream stream(stream_params(), 1);
  // The channel lists b, d and f of the six-rung ladder.
  const PlayerConfig cfg(instant_params(), AbrParams{}, stream, {1, 3, 5});
  ASSERT_EQ(cfg.offered, (std::vector<std::uint8_t>{1, 3, 5}));
  EXPECT_EQ(cfg.abr.rendition_count(), 3u);
  Player p;
  p.join(sec(100), cfg);
  // Default estimate 500 kbps x 0.7 fits no offered rung: the lowest offered one, b.
  EXPECT_EQ(p.next_needed(cfg).rendition, 1);
  // Fast downloads: the estimate rises; the choice climbs the offered rungs only.
  SegmentIndex seg = p.next_segment();
  TimeUs now = sec(100);
  for (int i = 0; i < 12; ++i) {
    const NeededSegment n = p.next_needed(cfg);
    EXPECT_TRUE(n.rendition == 1 || n.rendition == 3 || n.rendition == 5) << int(n.rendition);
    now += sec(0.2);
    ASSERT_TRUE(p.on_segment_delivered(now, seg++, n.rendition, 2'000'000, sec(0.2), cfg));
  }
  EXPECT_EQ(p.next_needed(cfg).rendition, 5);  // 80 Mbit/s measured: the top offered rung
  // A device capped at rung e (index 4) gets d, the best offered rung under its cap.
  Player capped;
  capped.join(sec(100), cfg, 4);
  seg = capped.next_segment();
  now = sec(100);
  for (int i = 0; i < 12; ++i) {
    const NeededSegment n = capped.next_needed(cfg);
    now += sec(0.2);
    ASSERT_TRUE(capped.on_segment_delivered(now, seg++, n.rendition, 2'000'000, sec(0.2), cfg));
  }
  EXPECT_EQ(capped.next_needed(cfg).rendition, 3);
  // The whole ladder (no list) is the identity mapping.
  const PlayerConfig all(instant_params(), AbrParams{}, stream);
  EXPECT_EQ(all.offered, (std::vector<std::uint8_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_THROW(PlayerConfig(instant_params(), AbrParams{}, stream, {2, 1}), std::invalid_argument);
  EXPECT_THROW(PlayerConfig(instant_params(), AbrParams{}, stream, {6}), std::invalid_argument);
}

// player.startup: the attempt starts at the join (playlists still to fetch); the first frame
// shows first_frame_s after the start-up buffer is reached. Hand-computed.
TEST(Player, FirstFrameComesAfterTheDecoderStarts) {
  const Stream stream(stream_params(), 1);
  PlayerParams pp;
  pp.startup.first_frame_s = 0.25;
  const PlayerConfig cfg(pp, AbrParams{}, stream);
  ASSERT_EQ(cfg.first_frame_delay_us, sec(0.25));
  Player p;
  p.begin_attempt(sec(99.6));  // the viewer presses play at 99.6 s
  EXPECT_FALSE(p.active());
  EXPECT_EQ(p.attempt_us(), sec(99.6));
  p.join(sec(100), cfg, 0xFF, p.attempt_us());  // playlists loaded at 100 s
  EXPECT_EQ(p.startup_us(), sec(0.4));
  EXPECT_EQ(p.playhead_us(), sec(84));  // live sync from the playlist at 100 s
  // Segment 21 arrives at 101.5 s: buffered, decoding until 101.75 s.
  EXPECT_TRUE(p.on_segment_delivered(sec(101.5), 21, 0, 150'000, sec(1.5), cfg));
  EXPECT_EQ(p.state(), PlayerState::kStartup);
  EXPECT_TRUE(p.first_frame_pending());
  EXPECT_FALSE(p.started());
  EXPECT_EQ(p.next_event_time(cfg), sec(101.75));
  // The next segment is due when the 4 s buffered after the first frame run out.
  EXPECT_EQ(p.next_needed(cfg).deadline_us, sec(105.75));
  // A second segment while decoding does not move the first frame.
  EXPECT_TRUE(p.on_segment_delivered(sec(101.6), 22, 0, 150'000, sec(0.1), cfg));
  EXPECT_EQ(p.next_event_time(cfg), sec(101.75));
  p.advance_to(sec(101.75), cfg);
  EXPECT_EQ(p.state(), PlayerState::kPlaying);
  EXPECT_TRUE(p.started());
  EXPECT_FALSE(p.first_frame_pending());
  EXPECT_EQ(p.startup_us(), sec(2.15));  // 99.6 -> 101.75
  EXPECT_EQ(p.playhead_us(), sec(84));
  EXPECT_EQ(p.next_event_time(cfg), sec(109.75));  // 8 s buffered from 101.75 s
  p.advance_to(sec(103), cfg);
  EXPECT_EQ(p.play_us(), sec(1.25));
  expect_accounting(p, sec(99.6), sec(103));
  EXPECT_EQ(p.attempt_us(), sec(99.6));
  // Leaving before the first frame: never started, the whole session was start-up.
  Player q;
  q.begin_attempt(sec(10));
  q.join(sec(10.3), cfg, 0xFF, q.attempt_us());
  EXPECT_TRUE(q.on_segment_delivered(sec(11), q.next_segment(), 0, 150'000, sec(0.5), cfg));
  q.leave(sec(11.1), cfg);
  EXPECT_FALSE(q.started());
  EXPECT_EQ(q.startup_us(), sec(1.1));
  EXPECT_EQ(q.attempt_us(), sec(10));
  // An attempt after the join is refused.
  EXPECT_THROW(q.join(sec(5), cfg, 0xFF, sec(6)), std::invalid_argument);
  pp.startup.first_frame_s = -1.0;
  EXPECT_THROW(PlayerConfig(pp, AbrParams{}, stream), std::invalid_argument);
}

TEST(Player, StaysCompact) { EXPECT_LE(sizeof(Player), 112u); }

// ---- Random host-driven traces vs a naive 1 ms tick reference ----

struct Delivery {
  std::int64_t t_ms;
  SegmentIndex segment;
  std::size_t rendition;
  std::uint64_t bytes;
  std::int64_t dur_ms;
};

struct RefResult {
  std::int64_t startup_ms = 0, play_ms = 0, stall_ms = 0;
  std::uint32_t stalls = 0, skips = 0;
};

// Straightforward simulation in 1 ms ticks (all inputs are whole ms).
RefResult reference(const std::vector<Delivery>& trace, std::int64_t join_ms, std::int64_t end_ms,
                    std::int64_t d_ms, std::int64_t delay_ms, std::int64_t sync_ms,
                    std::int64_t max_lat_ms, std::int64_t startup_ms, std::int64_t resume_ms) {
  enum { kStartup, kPlaying, kStalled } st = kStartup;
  const auto edge = [&](std::int64_t t) { return floor_div(t - delay_ms, d_ms) * d_ms; };
  std::int64_t p = std::max<std::int64_t>(0, edge(join_ms) - sync_ms), end = p;
  SegmentIndex next = floor_div(p, d_ms);
  RefResult r;
  std::size_t i = 0;
  for (std::int64_t t = join_ms; t < end_ms; ++t) {
    if (max_lat_ms > 0 && edge(t) - p > max_lat_ms) {
      ++r.skips;
      const std::int64_t pos = std::max<std::int64_t>(0, edge(t) - sync_ms);
      if (pos < end) {
        p = pos;
      } else {
        p = end = pos;
        next = floor_div(pos, d_ms);
        if (st == kPlaying) {
          st = kStalled;
          ++r.stalls;
        }
      }
    }
    if (st == kPlaying && end == p) {
      st = kStalled;
      ++r.stalls;
    }
    for (; i < trace.size() && trace[i].t_ms == t; ++i) {
      if (trace[i].segment != next) continue;
      end = (next + 1) * d_ms;
      ++next;
      if ((st == kStartup && end - p >= startup_ms) || (st == kStalled && end - p >= resume_ms)) {
        st = kPlaying;
      }
    }
    if (st == kStartup) ++r.startup_ms;
    if (st == kPlaying) {
      ++r.play_ms;
      ++p;
    }
    if (st == kStalled) ++r.stall_ms;
  }
  return r;
}

// Returns the total (stalls, skips) over the trials so callers can check they were exercised.
std::pair<std::uint32_t, std::uint32_t> run_random_traces(const PlayerParams& pp,
                                                          std::uint64_t seed_base) {
  std::pair<std::uint32_t, std::uint32_t> totals{0, 0};
  const Stream stream(stream_params(), 1);
  const PlayerConfig cfg(pp, AbrParams{}, stream);
  for (std::uint64_t trial = 0; trial < 6; ++trial) {
    rng::RandomStream rs(seed_base, trial, rng::Purpose::kTest);
    const std::int64_t join_ms = 30'000 + static_cast<std::int64_t>(rs.next_below(100'000));
    const std::int64_t end_ms = join_ms + 300'000;
    Player a;  // the host's player, poked at random extra times
    a.join(join_ms * 1000, cfg);
    std::vector<Delivery> trace;
    std::int64_t t = join_ms;
    while (true) {
      // Wait until the buffer is below target (rounded up to whole ms), then request.
      a.advance_to(t * 1000, cfg);
      const TimeUs req = a.next_request_time_us(cfg);
      if (req == kNever) break;
      t = std::max(t, (req + 999) / 1000);
      a.advance_to(t * 1000, cfg);
      const NeededSegment n = a.next_needed(cfg);
      t = std::max(t, stream.availability_us(n.segment) / 1000);
      // Download time: mostly fast, sometimes very slow (forces stalls and skips).
      const std::int64_t dur = rs.next_below(5) == 0
                                   ? 3000 + static_cast<std::int64_t>(rs.next_below(20'000))
                                   : 100 + static_cast<std::int64_t>(rs.next_below(4000));
      if (rs.next_below(3) == 0 && t + dur / 2 < end_ms) {
        a.advance_to((t + dur / 2) * 1000, cfg);  // lazy-eval poke
      }
      t += dur;
      if (t >= end_ms) break;
      const std::uint64_t bytes = stream.segment_size_bytes(n.rendition, n.segment);
      a.on_segment_delivered(t * 1000, n.segment, n.rendition, bytes, dur * 1000, cfg);
      trace.push_back({t, n.segment, n.rendition, bytes, dur});
    }
    a.leave(end_ms * 1000, cfg);

    Player b;  // the twin: only the deliveries, no extra calls
    b.join(join_ms * 1000, cfg);
    for (const Delivery& d : trace) {
      b.on_segment_delivered(d.t_ms * 1000, d.segment, d.rendition, d.bytes, d.dur_ms * 1000, cfg);
    }
    b.leave(end_ms * 1000, cfg);

    const RefResult r =
        reference(trace, join_ms, end_ms, cfg.stream.segment_duration_us / 1000,
                  cfg.stream.availability_delay_us / 1000, cfg.live_sync_delay_us / 1000,
                  cfg.max_latency_us == kNever ? 0 : cfg.max_latency_us / 1000,
                  cfg.startup_buffer_us / 1000, cfg.rebuffer_resume_us / 1000);
    SCOPED_TRACE("trial " + std::to_string(trial));
    EXPECT_GT(trace.size(), 10u);
    EXPECT_EQ(a.startup_us() + a.play_us() + a.stall_us(), (end_ms - join_ms) * 1000);
    EXPECT_EQ(a.startup_us(), r.startup_ms * 1000);
    EXPECT_EQ(a.play_us(), r.play_ms * 1000);
    EXPECT_EQ(a.stall_us(), r.stall_ms * 1000);
    EXPECT_EQ(a.stall_count(), r.stalls);
    EXPECT_EQ(a.skip_count(), r.skips);
    EXPECT_EQ(b.startup_us(), a.startup_us());
    EXPECT_EQ(b.play_us(), a.play_us());
    EXPECT_EQ(b.stall_us(), a.stall_us());
    EXPECT_EQ(b.stall_count(), a.stall_count());
    EXPECT_EQ(b.switch_count(), a.switch_count());
    EXPECT_EQ(b.switch_magnitude_kbps(), a.switch_magnitude_kbps());
    EXPECT_EQ(b.avg_bitrate_kbps(), a.avg_bitrate_kbps());
    totals.first += r.stalls;
    totals.second += r.skips;
  }
  return totals;
}

TEST(PlayerRandom, MatchesTickReferenceWithoutSkip) {
  const auto [stalls, skips] = run_random_traces(instant_params(), 1);
  EXPECT_GT(stalls, 5u);
  EXPECT_EQ(skips, 0u);
}

TEST(PlayerRandom, MatchesTickReferenceWithSkipAndLiveDelay) {
  PlayerParams pp = instant_params();
  pp.live_skip_ahead_enabled = true;
  pp.live_max_latency_s = 17.0;
  pp.live_delay_s = 9.0;  // not a multiple of the 4 s segment
  pp.rebuffer_resume_s = 3.0;
  const auto [stalls, skips] = run_random_traces(pp, 2);
  // The traces must actually have stalled and skipped for the comparison to mean something.
  EXPECT_GT(stalls, 5u);
  EXPECT_GT(skips, 3u);
}

}  // namespace
}  // namespace p2pcdn::models
