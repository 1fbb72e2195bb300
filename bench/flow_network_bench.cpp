// Transfer start + finish on one shared PoP with n concurrent flows, each flow also crossing its
// own viewer downlink: the cost per operation must grow like log n, not n. The exact reference
// (O(n^2) per event) runs for small n only, as the yardstick.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/flow/fast_network.hpp"
#include "sim/flow/reference_max_min.hpp"

namespace p2pcdn::sim {
namespace {

constexpr std::uint64_t kMbps = 1'000'000;

// Hold model: keep n flows alive; each iteration settles the next completion(s) and starts as
// many new flows on the freed downlinks. `mixed`: downlinks 2..50 Mbit/s around a fair share of
// 8 Mbit/s, so the PoP water-fill has flows on both sides; else every flow is PoP-bound.
template <typename Net>
void hold(benchmark::State& state, bool mixed) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Net net;
  rng::RandomStream rs(42, n, rng::Purpose::kTest);
  const ResourceId pop = net.add_resource(8 * kMbps * n);
  std::vector<ResourceId> down(n);
  for (auto& d : down) d = net.add_resource(mixed ? (2 + rs.next_below(49)) * kMbps : 100 * kMbps);
  auto size = [&] { return 100'000 + rs.next_below(2'000'000); };  // 0.1-2.1 MB segments
  for (std::size_t i = 0; i < n; ++i) {
    const ResourceId path[] = {pop, down[i]};
    net.start_flow(0, path, size(), 0, i);
  }
  std::vector<FlowDone> done;
  std::size_t ops = 0;
  for (auto _ : state) {
    done.clear();
    const Time t = net.next_completion();
    net.advance_to(t, done);
    for (const FlowDone& d : done) {
      const ResourceId path[] = {pop, down[d.tag]};
      net.start_flow(t, path, size(), 0, d.tag);
    }
    ops += done.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(ops));  // one item = one finish + one start
  state.counters["flows"] = static_cast<double>(net.active_flows());
}

// Hybrid delivery: one viewer in five also receives a peer upload (from one of n/50 peers with
// 10 Mbit/s uplinks) on the downlink its PoP flow uses, so those flows are coupled. `ample`: the
// PoP has room for every downlink at once (100 Mbit/s per viewer, as in bench/reference), so it
// can never bind; else 8 Mbit/s per viewer, below the downlinks' sum, so it may.
template <typename Net>
void hold_coupled(benchmark::State& state, bool ample) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Net net;
  rng::RandomStream rs(43, n, rng::Purpose::kTest);
  const ResourceId pop = net.add_resource((ample ? 100 : 8) * kMbps * n);
  std::vector<ResourceId> down(n), up(n / 50);
  for (auto& d : down) d = net.add_resource((2 + rs.next_below(49)) * kMbps);
  for (auto& u : up) u = net.add_resource(10 * kMbps);
  auto size = [&] { return 100'000 + rs.next_below(2'000'000); };
  auto start = [&](Time t, std::uint64_t tag) {
    if (tag < n) {
      const ResourceId path[] = {pop, down[tag]};
      net.start_flow(t, path, size(), 0, tag);
    } else {
      const std::size_t p = tag - n;
      const ResourceId path[] = {up[p % up.size()], down[p * 5]};
      net.start_flow(t, path, size(), 0, tag);
    }
  };
  for (std::size_t i = 0; i < n + n / 5; ++i) start(0, i);
  std::vector<FlowDone> done;
  std::size_t ops = 0;
  for (auto _ : state) {
    done.clear();
    const Time t = net.next_completion();
    net.advance_to(t, done);
    for (const FlowDone& d : done) start(t, d.tag);
    ops += done.size();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(ops));
  state.counters["flows"] = static_cast<double>(net.active_flows());
}

void BM_FastPopBound(benchmark::State& s) { hold<FastFlowNetwork>(s, false); }
void BM_FastMixed(benchmark::State& s) { hold<FastFlowNetwork>(s, true); }
void BM_FastCoupled(benchmark::State& s) { hold_coupled<FastFlowNetwork>(s, false); }
void BM_FastCoupledAmple(benchmark::State& s) { hold_coupled<FastFlowNetwork>(s, true); }
void BM_ReferenceMixed(benchmark::State& s) { hold<ReferenceMaxMin>(s, true); }
void BM_ReferenceCoupled(benchmark::State& s) { hold_coupled<ReferenceMaxMin>(s, false); }

BENCHMARK(BM_FastPopBound)
    ->RangeMultiplier(10)
    ->Range(1000, 1'000'000)
    ->Iterations(200'000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_FastMixed)
    ->RangeMultiplier(10)
    ->Range(1000, 1'000'000)
    ->Iterations(200'000)
    ->Unit(benchmark::kMicrosecond);
// Coupled flows still re-solve the hub's component on each hub event (see fast_network.hpp):
// kept to small n so the run stays short.
BENCHMARK(BM_FastCoupled)
    ->RangeMultiplier(10)
    ->Range(1000, 10'000)
    ->Iterations(2'000)
    ->Unit(benchmark::kMicrosecond);
// A never-binding PoP is left out of the component solves: cost per event ~ log n.
BENCHMARK(BM_FastCoupledAmple)
    ->RangeMultiplier(10)
    ->Range(1000, 1'000'000)
    ->Iterations(20'000)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ReferenceMixed)->Arg(100)->Arg(1000)->Iterations(200)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_ReferenceCoupled)->Arg(100)->Arg(1000)->Iterations(200)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace p2pcdn::sim
