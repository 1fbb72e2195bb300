// Decisions per second of the scheduler Agent: one agent with 20 neighbours, a window of
// published segments and a player; each iteration feeds one input (a peer announcement or a
// timer) and drains the actions, i.e. one full decision epoch of the chosen policy.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/wire.hpp"

namespace {

using namespace p2pcdn::sched;

Agent make_agent(const char* policy) {
  AgentConfig cfg;
  cfg.policy = policy;
  auto r = Agent::create(cfg, 42, 0);
  if (!r.ok()) std::abort();
  Agent a = std::move(r).value();
  for (std::uint32_t k = 0; k < 40; ++k) {
    a.handle_segment_published(0, SegmentInfo{SegmentKey{k, 0}, 1'000'000, 4'000'000, 0});
  }
  PlayerView v;
  v.next_needed = SegmentKey{30, 0};
  v.next_deadline_us = 40'000'000;
  a.handle_player(0, v);
  for (std::uint32_t p = 1; p <= 20; ++p) a.handle_peer_connected(0, PeerId{p}, PeerTraits{});
  while (a.poll_action()) {
  }
  return a;
}

void drain(Agent& a) {
  while (auto act = a.poll_action()) benchmark::DoNotOptimize(act->kind);
}

void BM_AgentDecisionEpoch(benchmark::State& state, const char* policy) {
  Agent a = make_agent(policy);
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  TimeUs now = 0;
  std::uint32_t i = 0;
  for (auto _ : state) {
    now += 1'000;
    ++i;
    if (i % 2 == 0) {
      // A neighbour announces a segment of the window.
      const std::size_t n = wire::encode(wire::Have{0, 20 + (i % 20)}, buf);
      benchmark::DoNotOptimize(a.handle_peer_message(now, PeerId{1 + (i % 20)},
                                                     std::span<const std::byte>(buf.data(), n)));
    } else {
      a.handle_timeout(now);
    }
    drain(a);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["heap_bytes"] = static_cast<double>(a.heap_bytes());
}

BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, cdn_only, "cdn-only");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, windowed, "windowed");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, buffer_threshold, "buffer-threshold");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, deadline_aware, "deadline-aware");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, reference, "reference");

}  // namespace
