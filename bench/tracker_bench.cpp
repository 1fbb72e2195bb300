// Tracker cost at 10^4..10^6 peers: join throughput, neighbours_for(20) latency (with the
// matching releases, so hub limits stay in steady state) and heap bytes per peer.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "p2pcdn/scheduler/tracker.hpp"

namespace {

using namespace p2pcdn::sched;

// Deterministic profile mix: 1 stream, 3 renditions, 20 regions x 5 ISPs, a mobile-like
// NAT mix (parameters.md §4.2) and 80 % uploaders.
PeerProfile profile_for(std::uint64_t i) {
  std::uint64_t z = i * 0x9E3779B97F4A7C15ULL;
  z = (z ^ (z >> 31)) * 0xBF58476D1CE4E5B9ULL;
  z ^= z >> 29;
  PeerProfile p;
  p.stream = 1;
  p.rendition = static_cast<std::uint16_t>(z % 3);
  p.region = static_cast<std::uint16_t>((z >> 8) % 20);
  p.isp = static_cast<std::uint16_t>((z >> 16) % 5);
  const unsigned nat_pick = static_cast<unsigned>((z >> 24) % 100);
  // open 5, full cone 8, restricted 15, port-restricted 47, symmetric 20, udp blocked 5.
  p.nat = nat_pick < 5    ? NatClass::kOpen
          : nat_pick < 13 ? NatClass::kFullCone
          : nat_pick < 28 ? NatClass::kRestricted
          : nat_pick < 75 ? NatClass::kPortRestricted
          : nat_pick < 95 ? NatClass::kSymmetric
                          : NatClass::kUdpBlocked;
  p.uploads = (z >> 40) % 5 != 0;
  p.upload_kbps = 2000;
  return p;
}

Tracker build(std::int64_t n) {
  auto t = Tracker::create(TrackerConfig{}, 1).value();
  for (std::int64_t i = 0; i < n; ++i) {
    (void)t.handle_join(0, PeerId{static_cast<std::uint32_t>(i)}, profile_for(i));
  }
  return t;
}

void BM_Join(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  double per_peer = 0;
  for (auto _ : state) {
    Tracker t = build(n);
    per_peer = static_cast<double>(t.heap_bytes()) / static_cast<double>(n);
    benchmark::DoNotOptimize(t.peer_count());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["heap_bytes_per_peer"] = per_peer;
}
BENCHMARK(BM_Join)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);

void BM_NeighboursFor(benchmark::State& state) {
  const std::int64_t n = state.range(0);
  Tracker t = build(n);
  std::uint64_t k = 0;
  std::size_t returned = 0;
  std::array<PeerId, 20> got{};
  for (auto _ : state) {
    const PeerId who{
        static_cast<std::uint32_t>((k++ * 2654435761ULL) % static_cast<std::uint64_t>(n))};
    const auto span = t.neighbours_for(0, who, 20);
    const std::size_t m = span.size();
    std::copy(span.begin(), span.end(), got.begin());
    returned += m;
    for (std::size_t i = 0; i < m; ++i) t.release(who, got[i]);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["mean_returned"] =
      static_cast<double>(returned) / static_cast<double>(state.iterations());
  state.counters["heap_bytes_per_peer"] =
      static_cast<double>(t.heap_bytes()) / static_cast<double>(n);
}
BENCHMARK(BM_NeighboursFor)->Arg(10'000)->Arg(100'000)->Arg(1'000'000);

// Churn at 10^6 peers: one leave + one join + one neighbours_for per iteration.
void BM_ChurnAtMillion(benchmark::State& state) {
  constexpr std::int64_t kN = 1'000'000;
  Tracker t = build(kN);
  std::uint64_t next = kN;
  std::uint64_t oldest = 0;
  for (auto _ : state) {
    t.handle_leave(0, PeerId{static_cast<std::uint32_t>(oldest)});
    (void)t.handle_join(0, PeerId{static_cast<std::uint32_t>(next)}, profile_for(next));
    benchmark::DoNotOptimize(t.neighbours_for(0, PeerId{static_cast<std::uint32_t>(next)}, 20));
    ++oldest;
    ++next;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ChurnAtMillion)->Unit(benchmark::kMicrosecond);

}  // namespace
