// Agent::create_shared: one immutable config shared by many agents must give exactly the
// decisions of create() with the same knobs (self_* taken from `self`), and cost less memory.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <iostream>
#include <memory>
#include <utility>
#include <vector>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/wire.hpp"

namespace p2pcdn::sched {
namespace {

struct Recorded {
  std::vector<std::uint64_t> words;  // every action field, message bytes and next_timeout
  std::vector<std::pair<TransferId, SegmentKey>> fetches;  // HTTP fetches not completed yet
};

void drain(Agent& a, Recorded& out) {
  while (auto act = a.poll_action()) {
    out.words.push_back(static_cast<std::uint64_t>(act->kind));
    out.words.push_back(static_cast<std::uint64_t>(act->peer));
    out.words.push_back(static_cast<std::uint64_t>(act->transfer));
    out.words.push_back(std::uint64_t{act->segment.index} << 16 | act->segment.rendition);
    out.words.push_back(act->request_id);
    for (std::byte b : act->bytes) out.words.push_back(static_cast<std::uint64_t>(b));
    if (act->kind == ActionKind::kHttpFetch) out.fetches.emplace_back(act->transfer, act->segment);
  }
  out.words.push_back(static_cast<std::uint64_t>(a.next_timeout()));
}

// A fixed input script: segments, a player, 20 neighbours with maps and announcements,
// completions of what the agent fetched, requests from neighbours, timers.
Recorded run_script(Agent& a) {
  Recorded rec;
  TimeUs now = 0;
  for (std::uint32_t k = 0; k < 40; ++k) {
    a.handle_segment_published(now, SegmentInfo{SegmentKey{k, 0}, 800'000, 4'000'000, now});
    drain(a, rec);
  }
  PlayerView v;
  v.next_needed = SegmentKey{30, 0};
  v.next_deadline_us = now + 6'000'000;
  a.handle_player(now, v);
  drain(a, rec);
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  auto send = [&](std::uint32_t peer, const wire::Message& m) {
    const std::size_t n = wire::encode(m, buf);
    (void)a.handle_peer_message(now, PeerId{peer}, std::span<const std::byte>(buf.data(), n));
    drain(a, rec);
  };
  for (std::uint32_t p = 1; p <= 20; ++p) {
    a.handle_peer_connected(now, PeerId{p}, PeerTraits{1, 2, 1000 * p});
    drain(a, rec);
    wire::SegmentMap map;
    map.first_index = 26;
    map.count = 12;
    map.bits[0] = (p * 0x9E3779B9ULL) & 0xFFF;
    send(p, map);
  }
  for (int step = 0; step < 400; ++step) {
    now += 97'000;
    const std::uint32_t p = 1 + static_cast<std::uint32_t>(step % 20);
    switch (step % 5) {
      case 0:
        send(p, wire::Have{0, 30 + static_cast<std::uint32_t>(step / 20)});
        break;
      case 1:
        send(p, wire::Request{static_cast<std::uint32_t>(step), 0,
                              30 + static_cast<std::uint32_t>(step % 7)});
        break;
      case 2:
        if (step % 40 == 2) {
          a.handle_segment_published(
              now, SegmentInfo{SegmentKey{40 + static_cast<std::uint32_t>(step / 40), 0}, 800'000,
                               4'000'000, now});
        } else {
          a.handle_timeout(now);
        }
        drain(a, rec);
        break;
      default:
        a.handle_timeout(now);
        drain(a, rec);
        break;
    }
    // Complete the oldest HTTP fetch every third step; v advances as segments arrive.
    if (step % 3 == 0 && !rec.fetches.empty()) {
      const auto [t, seg] = rec.fetches.front();
      rec.fetches.erase(rec.fetches.begin());
      a.handle_transfer_done(now, t, Outcome::kCompleted);
      drain(a, rec);
      if (seg == v.next_needed) {
        v.next_needed.index += 1;
        v.next_deadline_us = now + 4'000'000;
        a.handle_player(now, v);
        drain(a, rec);
      }
    }
  }
  const AgentStats& s = a.stats();
  rec.words.push_back(s.decision_epochs);
  rec.words.push_back(s.requests_sent);
  rec.words.push_back(s.uploads_rejected);
  return rec;
}

TEST(AgentSharedConfig, SameDecisionsAsCreate) {
  AgentConfig cfg;
  cfg.self_region = 3;
  cfg.self_isp = 7;
  cfg.self_uplink_kbps = 12'345;
  for (const char* policy : {"windowed", "deadline-aware", "reference", "buffer-threshold"}) {
    cfg.policy = policy;
    auto own = Agent::create(cfg, 99, 0);
    ASSERT_TRUE(own.ok());
    AgentConfig shared_cfg = cfg;
    shared_cfg.self_region = 0;  // ignored by create_shared: `self` wins
    shared_cfg.self_uplink_kbps = 1;
    auto shared = std::make_shared<const AgentConfig>(shared_cfg);
    auto sh = Agent::create_shared(shared, PeerTraits{3, 7, 12'345}, 99, 0);
    ASSERT_TRUE(sh.ok());
    Agent a = std::move(own).value();
    Agent b = std::move(sh).value();
    const Recorded ra = run_script(a);
    const Recorded rb = run_script(b);
    EXPECT_GT(ra.words.size(), 1000U) << policy;
    EXPECT_EQ(ra.words, rb.words) << policy;
    EXPECT_TRUE(b.check_invariants().ok()) << policy;
  }
}

TEST(AgentSharedConfig, RejectsBadConfig) {
  EXPECT_FALSE(Agent::create_shared(nullptr, PeerTraits{}, 1, 0).ok());
  AgentConfig bad;
  bad.peers_max = 0;
  EXPECT_FALSE(Agent::create_shared(std::make_shared<const AgentConfig>(bad), {}, 1, 0).ok());
  AgentConfig unknown;
  unknown.policy = "no-such-policy";
  EXPECT_FALSE(Agent::create_shared(std::make_shared<const AgentConfig>(unknown), {}, 1, 0).ok());
}

TEST(AgentSharedConfig, SharedConfigNotCountedPerAgent) {
  auto shared = std::make_shared<const AgentConfig>();
  auto r1 = Agent::create_shared(shared, PeerTraits{}, 1, 0);
  auto r2 = Agent::create_shared(shared, PeerTraits{}, 2, 0);
  auto own = Agent::create(AgentConfig{}, 1, 0);
  ASSERT_TRUE(r1.ok() && r2.ok() && own.ok());
  EXPECT_EQ(own.value().heap_bytes(), r1.value().heap_bytes() + sizeof(AgentConfig));
  std::cout << "idle agent: create() " << own.value().heap_bytes() << " B, create_shared() "
            << r1.value().heap_bytes() << " B\n";
}

}  // namespace
}  // namespace p2pcdn::sched
