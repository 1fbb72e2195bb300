// Decisions per second of the scheduler Agent: one agent with 20 neighbours, a window of
// published segments and a player; each iteration feeds one input (a peer announcement or a
// timer) and drains the actions, i.e. one full decision epoch of the chosen policy.
#include <benchmark/benchmark.h>

#include <algorithm>
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
// window / skip: AgentConfig::window_segments / skip_idle_epochs (when not shared).
Agent make_agent(const char* policy, const std::shared_ptr<const AgentConfig>& shared = nullptr,
                 std::uint16_t window = 64, bool skip = true) {
  AgentConfig cfg;
  cfg.policy = policy;
  cfg.window_segments = window;
  cfg.skip_idle_epochs = skip;
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

void BM_AgentDecisionEpoch(benchmark::State& state, const char* policy, std::uint16_t window = 64,
                           bool skip = true) {
  Agent a = make_agent(policy, nullptr, window, skip);
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
  state.counters["skipped_frac"] =
      static_cast<double>(a.stats().epochs_skipped) /
      static_cast<double>(a.stats().epochs_skipped + a.stats().decision_epochs);
}

// Many agents, inputs spread over them: each agent's state is cold when its input arrives, as
// in the simulator (one agent per viewer), so this measures cache misses per input as much as
// instructions. Each iteration is one neighbour announcement to one agent plus its drain;
// _shared: one config for all agents (create_shared); _prefetch: Agent::prefetch() on the next
// agent first, as a host can.
// _w16: 16-slot windows; _noskip: skip_idle_epochs off (an epoch after every input).
void BM_ManyAgentsColdState(benchmark::State& state, const char* policy, bool shared, bool prefetch,
                            std::uint16_t window = 64, bool skip = true) {
  constexpr std::size_t kAgents = 4096;  // ~12 MB of agent state: beyond L2
  std::shared_ptr<const AgentConfig> config;
  if (shared) {
    AgentConfig c;
    c.policy = policy;
    c.window_segments = window;
    c.skip_idle_epochs = skip;
    config = std::make_shared<const AgentConfig>(c);
  }
  std::vector<Agent> agents;
  agents.reserve(kAgents);
  for (std::size_t k = 0; k < kAgents; ++k)
    agents.push_back(make_agent(policy, config, window, skip));
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
  std::uint64_t run = 0;
  std::uint64_t skipped = 0;
  for (const Agent& a : agents) {
    run += a.stats().decision_epochs;
    skipped += a.stats().epochs_skipped;
  }
  state.counters["skipped_frac"] =
      static_cast<double>(skipped) / static_cast<double>(std::max<std::uint64_t>(run + skipped, 1));
  state.counters["heap_bytes"] = static_cast<double>(agents[0].heap_bytes());
  state.counters["peer_table_bytes"] = static_cast<double>(agents[0].peer_table_bytes());
}

// The host's per-input sequence on one warm agent for the common input, a neighbour's Have
// that decides nothing: handle it, drain (nothing), next_timeout() to re-arm the timer, as the
// simulator does for every message. Time stands still (a burst of announcements at one
// instant) so the workload is the same whatever the iteration count: after the first round
// every Have repeats a known bit and the epoch is skipped. BM_ManyAgentsColdState is the same
// sequence on cold agents with time moving; BM_LiveHaves the full live mix.
void BM_QuietHave(benchmark::State& state, const char* policy) {
  Agent a = make_agent(policy);
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  const TimeUs now = 1000;
  std::uint32_t i = 0;
  for (auto _ : state) {
    ++i;
    const std::size_t n = wire::encode(wire::Have{0, 20 + (i % 20)}, buf);
    benchmark::DoNotOptimize(a.handle_peer_message(now, PeerId{1 + (i % 20)},
                                                   std::span<const std::byte>(buf.data(), n)));
    drain(a);
    benchmark::DoNotOptimize(a.next_timeout());
  }
  state.SetItemsProcessed(state.iterations());
  const AgentStats& s = a.stats();
  state.counters["skipped_frac"] =
      static_cast<double>(s.epochs_skipped) /
      static_cast<double>(std::max<std::uint64_t>(s.decision_epochs + s.epochs_skipped, 1));
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

// The simulator's pattern: a segment every 4 s on the live edge, announced by each of 20
// neighbours (a Have every 100 ms for 2 s), downloads that complete 300 ms after they start,
// a player 6 s behind the edge. Most inputs are Haves for a segment the agent already holds
// or fetches. skip: AgentConfig::skip_idle_epochs (false = an epoch after every input).
// Each iteration is one input plus its drain; reports epochs run per input.
void BM_LiveHaves(benchmark::State& state, const char* policy, bool skip) {
  AgentConfig cfg;
  cfg.policy = policy;
  cfg.skip_idle_epochs = skip;
  auto r = Agent::create(cfg, 42, 0);
  if (!r.ok()) std::abort();
  Agent a = std::move(r).value();
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  constexpr TimeUs kSegUs = 4'000'000;
  constexpr int kNeighbours = 20;
  std::vector<std::pair<TimeUs, std::pair<TransferId, SegmentKey>>> done;  // completion times
  std::uint32_t edge = 0;
  TimeUs now = 0;
  int phase = 0;  // 0: publish, 1..20: Have from neighbour `phase`
  bool started = false;
  auto drain_host = [&] {
    while (auto act = a.poll_action()) {
      if (act->kind == ActionKind::kHttpFetch) {
        done.push_back({now + 300'000, {act->transfer, act->segment}});
      } else if (act->kind == ActionKind::kSendMessage && act->bytes.size() > 2 &&
                 act->bytes[1] == std::byte{4}) {  // a Request: the peer serves it
        auto m = wire::decode(act->bytes);
        if (m.ok()) {
          const auto& q = std::get<wire::Request>(m.value());
          done.push_back({now + 300'000, {TransferId{q.request_id}, {q.index, q.rendition}}});
        }
      } else if (act->kind == ActionKind::kDeliverSegment) {
        PlayerView v;
        v.next_needed = SegmentKey{act->segment.index + 1, 0};
        v.next_deadline_us = now + 6'000'000;
        a.handle_player(now, v);
      }
    }
  };
  for (std::uint32_t p = 1; p <= kNeighbours; ++p) a.handle_peer_connected(0, PeerId{p}, {});
  drain_host();
  const AgentStats before = a.stats();
  std::uint64_t inputs = 0;
  for (auto _ : state) {
    // The next scheduled input: a completion or timer due first, else the stream's next one.
    const TimeUs stream_at = TimeUs{edge} * kSegUs + phase * 100'000;
    auto first = std::min_element(done.begin(), done.end(),
                                  [](const auto& x, const auto& y) { return x.first < y.first; });
    const TimeUs timer = a.next_timeout();
    ++inputs;
    if (first != done.end() && first->first <= stream_at && first->first <= timer) {
      now = std::max(now, first->first);
      const auto [t, seg] = first->second;
      done.erase(first);
      a.handle_transfer_done(now, t, Outcome::kCompleted);
      a.handle_integrity(now, seg, true);
    } else if (timer <= stream_at) {
      now = std::max(now, timer);
      a.handle_timeout(now);
    } else if (phase == 0) {
      now = stream_at;
      a.handle_segment_published(now, SegmentInfo{SegmentKey{edge, 0}, 1'000'000, kSegUs, now});
      if (!started && edge == 2) {
        started = true;
        PlayerView v;
        v.next_needed = SegmentKey{1, 0};
        v.next_deadline_us = now + 6'000'000;
        a.handle_player(now, v);
      }
      phase = 1;
    } else {
      now = stream_at;
      // Neighbours announce the segment published last period (they fetched it meanwhile).
      const std::uint32_t seg = edge == 0 ? 0 : edge - 1;
      const std::size_t n = wire::encode(wire::Have{0, seg}, buf);
      benchmark::DoNotOptimize(a.handle_peer_message(now, PeerId{static_cast<std::uint32_t>(phase)},
                                                     std::span<const std::byte>(buf.data(), n)));
      if (++phase > kNeighbours) {
        phase = 0;
        ++edge;
      }
    }
    drain_host();
  }
  state.SetItemsProcessed(state.iterations());
  const AgentStats& s = a.stats();
  state.counters["epochs_per_input"] =
      static_cast<double>(s.decision_epochs - before.decision_epochs) / static_cast<double>(inputs);
  state.counters["delivered"] = static_cast<double>(s.segments_delivered);
  state.counters["p2p_segs"] = static_cast<double>(s.p2p_segments);
}

BENCHMARK_CAPTURE(BM_LiveHaves, windowed_noskip, "windowed", false);
BENCHMARK_CAPTURE(BM_LiveHaves, windowed, "windowed", true);
BENCHMARK_CAPTURE(BM_LiveHaves, deadline_aware_noskip, "deadline-aware", false);
BENCHMARK_CAPTURE(BM_LiveHaves, deadline_aware, "deadline-aware", true);
BENCHMARK_CAPTURE(BM_LiveHaves, reference_noskip, "reference", false);
BENCHMARK_CAPTURE(BM_LiveHaves, reference, "reference", true);

BENCHMARK_CAPTURE(BM_QuietHave, windowed, "windowed");
BENCHMARK_CAPTURE(BM_QuietHave, deadline_aware, "deadline-aware");
BENCHMARK_CAPTURE(BM_QuietHave, reference, "reference");

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
BENCHMARK_CAPTURE(BM_ManyAgentsColdState, windowed_shared_noskip, "windowed", true, false, 64,
                  false);
BENCHMARK_CAPTURE(BM_ManyAgentsColdState, deadline_aware_shared_noskip, "deadline-aware", true,
                  false, 64, false);
BENCHMARK_CAPTURE(BM_ManyAgentsColdState, windowed_shared_w16, "windowed", true, false, 16);
BENCHMARK_CAPTURE(BM_ManyAgentsColdState, deadline_aware_shared_w16, "deadline-aware", true, false,
                  16);

BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, cdn_only, "cdn-only");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, windowed, "windowed");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, buffer_threshold, "buffer-threshold");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, deadline_aware, "deadline-aware");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, reference, "reference");
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, windowed_w16, "windowed", 16);
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, buffer_threshold_noskip, "buffer-threshold", 64, false);
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, windowed_noskip, "windowed", 64, false);
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, reference_noskip, "reference", 64, false);
BENCHMARK_CAPTURE(BM_AgentDecisionEpoch, deadline_aware_w16, "deadline-aware", 16);

}  // namespace
