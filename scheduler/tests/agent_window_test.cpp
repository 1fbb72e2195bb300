// AgentConfig::window_segments: validation, the memory it saves, and wire compatibility with
// agents of another window size. (Same decisions while the window covers the swarm's needs:
// AgentGolden.SmallerWindowSameDecisions.)
#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <iostream>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/wire.hpp"

namespace p2pcdn::sched::test {
namespace {

TEST(AgentWindow, ConfigAcceptsPowersOfTwoFrom8To64) {
  for (const std::uint16_t w : {0, 1, 4, 7, 12, 24, 48, 63, 65, 128, 256}) {
    AgentConfig cfg;
    cfg.window_segments = w;
    auto r = Agent::create(cfg, 1, 0);
    ASSERT_FALSE(r.ok()) << w;
    EXPECT_EQ(r.status().code(), Errc::kInvalidArgument);
    EXPECT_NE(std::string(r.status().detail()).find("window_segments"), std::string::npos);
  }
  for (const std::uint16_t w : {8, 16, 32, 64}) {
    AgentConfig cfg;
    cfg.window_segments = w;
    EXPECT_TRUE(Agent::create(cfg, 1, 0).ok()) << w;
  }
}

// 20 neighbours with maps, a player, transfers in flight (as AgentMemory.* in the robustness
// test), for a window of w segments sharing the host's config.
std::size_t loaded_bytes(std::uint16_t w) {
  AgentConfig c;
  c.window_segments = w;
  const auto config = std::make_shared<const AgentConfig>(c);
  Agent a = Agent::create_shared(config, PeerTraits{}, 1, 0).value();
  for (std::uint32_t k = 0; k < 40; ++k) {
    a.handle_segment_published(0, SegmentInfo{SegmentKey{k, 0}, 1'000'000, 4'000'000, 0});
  }
  PlayerView v;
  v.next_needed = SegmentKey{36, 0};
  v.next_deadline_us = 4'000'000;
  a.handle_player(0, v);
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  for (std::uint32_t p = 1; p <= 20; ++p) {
    a.handle_peer_connected(0, PeerId{p}, PeerTraits{});
    wire::SegmentMap map;
    map.first_index = 20;
    map.count = 20;
    map.bits[0] = (1U << 20) - 1;
    const std::size_t n = wire::encode(map, buf);
    EXPECT_TRUE(a.handle_peer_message(0, PeerId{p}, std::span(buf.data(), n)).ok());
  }
  while (a.poll_action()) {
  }
  EXPECT_TRUE(a.check_invariants().ok());
  return sizeof(Agent) + a.heap_bytes();
}

TEST(AgentWindow, SixteenSlotsSave624BytesPerAgent) {
  const std::size_t b64 = loaded_bytes(64);
  const std::size_t b16 = loaded_bytes(16);
  std::cout << "create_shared with 20 neighbours: " << b64 << " B (64 slots), " << b16
            << " B (16 slots), " << loaded_bytes(8) << " B (8 slots)\n";
  EXPECT_EQ(b64 - b16, 48U * 13U);  // a Slot (12 B) and a holder count (1 B) per position
  EXPECT_LE(b16, 2048U);            // issue 7: under 2 KB, neighbour lists included
}

// A 16-slot agent decodes a 64-slot neighbour's SegmentMap: bits inside its window count,
// bits beyond it are ignored; and its own map is 16 bits long (a 64-slot agent reads it).
TEST(AgentWindow, MapsFromLargerWindowsAreUnderstood) {
  AgentConfig cfg;
  cfg.policy = "windowed";
  cfg.window_segments = 16;
  cfg.random_http_enabled = false;
  cfg.high_demand_window_us = 0;  // everything P2P: a holder gets a request at once
  Agent a = Agent::create(cfg, 1, 0).value();
  for (std::uint32_t k = 0; k <= 40; ++k) {
    a.handle_segment_published(0, SegmentInfo{SegmentKey{k, 0}, 500'000, 4'000'000, 0});
  }
  PlayerView v;
  v.next_needed = SegmentKey{25, 0};  // window [21, 37)
  v.next_deadline_us = 100'000'000;
  a.handle_player(0, v);
  a.handle_peer_connected(0, PeerId{1}, PeerTraits{});
  std::vector<std::uint16_t> own_map_counts;
  while (auto act = a.poll_action()) {
    if (act->kind != ActionKind::kSendMessage) continue;
    auto m = wire::decode(act->bytes);
    ASSERT_TRUE(m.ok());
    if (const auto* map = std::get_if<wire::SegmentMap>(&m.value())) {
      own_map_counts.push_back(map->count);
      EXPECT_EQ(map->first_index, 21U);
    }
  }
  EXPECT_EQ(own_map_counts, std::vector<std::uint16_t>{16});
  // The neighbour's 64-slot window starts at 0: it holds 5 (before ours), 26 (inside) and 40
  // (beyond ours; 40 % 16 == 8 is a ring position of ours, for index 24: must stay empty).
  wire::SegmentMap map;
  map.first_index = 0;
  map.count = 64;
  map.bits[0] = (1ULL << 5) | (1ULL << 26) | (1ULL << 40);
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  const std::size_t n = wire::encode(map, buf);
  ASSERT_TRUE(a.handle_peer_message(1000, PeerId{1}, std::span(buf.data(), n)).ok());
  std::vector<std::uint32_t> requested;
  while (auto act = a.poll_action()) {
    if (act->kind != ActionKind::kSendMessage) continue;
    auto m = wire::decode(act->bytes);
    ASSERT_TRUE(m.ok());
    if (const auto* r = std::get_if<wire::Request>(&m.value())) requested.push_back(r->index);
  }
  EXPECT_EQ(requested, std::vector<std::uint32_t>{26});
  EXPECT_TRUE(a.check_invariants().ok());
}

}  // namespace
}  // namespace p2pcdn::sched::test
