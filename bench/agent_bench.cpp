// Decisions per second of the scheduler Agent: one agent with 20 neighbours, a window of
// published segments and a player; each iteration feeds one input (a peer announcement or a
// timer) and drains the actions, i.e. one full decision epoch of the chosen policy.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <memory>
#include <utility>
#include <variant>
#include <vector>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/wire.hpp"

namespace {

using namespace p2pcdn::sched;

// shared: the config is shared by all agents made with it (Agent::create_shared), as a host
// running many viewers does; else each agent owns a copy (Agent::create).
Agent make_agent(const char* policy, const std::shared_ptr<const AgentConfig>& shared = nullptr) {
  AgentConfig cfg;
  cfg.policy = policy;
  auto r = shared ? Agent::create_shared(shared, PeerTraits{}, 42, 0) : Agent::create(cfg, 42, 0);
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

// Many agents, inputs spread over them: each agent's state is cold when its input arrives, as
// in the simulator (one agent per viewer), so this measures cache misses per input as much as
// instructions. Each iteration is one neighbour announcement to one agent plus its drain;
// _shared: one config for all agents (create_shared); _prefetch: Agent::prefetch() on the next
// agent first, as a host can.
void BM_ManyAgentsColdState(benchmark::State& state, const char* policy, bool shared,
                            bool prefetch) {
  constexpr std::size_t kAgents = 4096;  // ~12 MB of agent state: beyond L2
  std::shared_ptr<const AgentConfig> config;
  if (shared) {
    AgentConfig c;
    c.policy = policy;
    config = std::make_shared<const AgentConfig>(c);
  }
  std::vector<Agent> agents;
  agents.reserve(kAgents);
  for (std::size_t k = 0; k < kAgents; ++k) agents.push_back(make_agent(policy, config));
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  TimeUs now = 0;
  std::uint32_t i = 0;
  std::size_t k = 0;
  for (auto _ : state) {
    now += 10;
    ++i;
    k = (k + 1597) % kAgents;  // a stride that visits every agent, not in memory order
    if (prefetch) agents[(k + 1597) % kAgents].prefetch();  // the next one, as a host could
    const std::size_t n = wire::encode(wire::Have{0, 20 + (i % 20)}, buf);
    benchmark::DoNotOptimize(agents[k].handle_peer_message(
        now, PeerId{1 + (i % 20)}, std::span<const std::byte>(buf.data(), n)));
    drain(agents[k]);
    benchmark::DoNotOptimize(agents[k].next_timeout());
  }
  state.SetItemsProcessed(state.iterations());
}

// Steady state: a tiny host loop around one agent: HTTP fetches and peer downloads complete
// in FIFO order, deliveries advance the player, a new segment is published every 16 inputs
// and neighbours announce it. Reports policy decision epochs per second.
void BM_AgentSteadyState(benchmark::State& state, const char* policy) {
  Agent a = make_agent(policy);
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  std::vector<std::pair<TransferId, SegmentKey>> inflight;  // http and p2p downloads
  std::uint32_t next_publish = 40;
  std::uint32_t need = 30;
  TimeUs now = 0;
  std::uint64_t inputs = 0;
  const std::uint32_t epochs_before = a.stats().decision_epochs;
  auto drain_host = [&] {
    while (auto act = a.poll_action()) {
      if (act->kind == ActionKind::kHttpFetch) inflight.emplace_back(act->transfer, act->segment);
      if (act->kind == ActionKind::kSendMessage && act->bytes.size() > 2 &&
          act->bytes[1] == std::byte{4}) {  // a Request: remember it as a peer download
        auto m = wire::decode(act->bytes);
        if (m.ok()) {
          const auto& r = std::get<wire::Request>(m.value());
          inflight.emplace_back(TransferId{r.request_id}, SegmentKey{r.index, r.rendition});
        }
      }
      if (act->kind == ActionKind::kDeliverSegment) need = act->segment.index + 1;
    }
  };
  for (auto _ : state) {
    now += 250'000;
    ++inputs;
    if (inputs % 16 == 0) {
      a.handle_segment_published(
          now, SegmentInfo{SegmentKey{next_publish, 0}, 1'000'000, 4'000'000, now});
      ++next_publish;
    } else if (inputs % 16 == 1) {
      const std::size_t n = wire::encode(wire::Have{0, next_publish - 1}, buf);
      (void)a.handle_peer_message(now, PeerId{1 + static_cast<std::uint32_t>(inputs % 20)},
                                  std::span<const std::byte>(buf.data(), n));
    } else if (inputs % 4 == 2) {
      PlayerView v;
      v.next_needed = SegmentKey{need, 0};
      v.next_deadline_us = now + 8'000'000;
      a.handle_player(now, v);
    } else if (!inflight.empty()) {
      const auto [t, seg] = inflight.front();
      inflight.erase(inflight.begin());
      a.handle_transfer_done(now, t, Outcome::kCompleted);
      a.handle_integrity(now, seg, true);
    } else {
      a.handle_timeout(now);
    }
    drain_host();
  }
  const double epochs = static_cast<double>(a.stats().decision_epochs - epochs_before);
  state.counters["decisions_per_s"] = benchmark::Counter(epochs, benchmark::Counter::kIsRate);
  state.counters["heap_bytes"] = static_cast<double>(a.heap_bytes());
  state.counters["delivered"] = static_cast<double>(a.stats().segments_delivered);
  state.counters["p2p_segs"] = static_cast<double>(a.stats().p2p_segments);
  state.counters["http_segs"] = static_cast<double>(a.stats().http_segments);
}

BENCHMARK_CAPTURE(BM_AgentSteadyState, cdn_only, "cdn-only");
BENCHMARK_CAPTURE(BM_AgentSteadyState, windowed, "windowed");
BENCHMARK_CAPTURE(BM_AgentSteadyState, buffer_threshold, "buffer-threshold");
BENCHMARK_CAPTURE(BM_AgentSteadyState, deadline_aware, "deadline-aware");
BENCHMARK_CAPTURE(BM_AgentSteadyState, reference, "reference");

BENCHMARK_CAPTURE(BM_ManyAgentsColdState, windowed, "windowed", false, false);
BENCHMARK_CAPTURE(BM_ManyAgentsColdState, deadline_aware, "deadline-aware", false, false);
BENCHMARK_CAPTURE(BM_ManyAgentsColdState, windowed_shared, "windowed", true, false);
BENCHMARK_CAPTURE(BM_ManyAgentsColdState, deadline_aware_shared, "deadline-aware", true, false);
BENCHMARK_CAPTURE(BM_ManyAgentsColdState, windowed_shared_prefetch, "windowed", true, true);

BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, cdn_only, "cdn-only");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, windowed, "windowed");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, buffer_threshold, "buffer-threshold");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, deadline_aware, "deadline-aware");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, reference, "reference");

}  // namespace
