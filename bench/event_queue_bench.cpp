// The classic hold model (pop the minimum, push it back at min + increment) for
// the fast EventQueue and the naive std::priority_queue, in the same binary,
// at 10^3..10^7 pending events. Reports hold operations per second (items/s).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "models/base/distributions.hpp"
#include "sim/event_queue.hpp"
#include "sim/event_queue_reference.hpp"

namespace {

using p2pcdn::sim::Event;
using p2pcdn::sim::EventKind;
using p2pcdn::sim::Time;

constexpr std::size_t kTableSize = std::size_t{1} << 20;  // power of two: index by mask

enum class Increments { kExponential, kCoarse };

// Increments are drawn once, outside the timed loop, so that the figures
// measure the queue rather than the random number generator.
const std::vector<Time>& increments(Increments kind) {
  static const std::vector<Time> exponential = [] {
    p2pcdn::rng::RandomStream rs(1, 0, p2pcdn::rng::Purpose::kTest);
    std::vector<Time> v(kTableSize);
    for (Time& x : v) x = static_cast<Time>(p2pcdn::rng::exponential_mean(rs, 1e6));  // 1 s mean
    return v;
  }();
  // Many exact ties: increments are whole seconds (0..7 s), like periodic
  // segment timers; the queue must then order long runs of equal times by seq.
  static const std::vector<Time> coarse = [] {
    p2pcdn::rng::RandomStream rs(2, 0, p2pcdn::rng::Purpose::kTest);
    std::vector<Time> v(kTableSize);
    for (Time& x : v) x = static_cast<Time>(rs.next_below(8)) * 1'000'000;
    return v;
  }();
  return kind == Increments::kExponential ? exponential : coarse;
}

template <class Queue>
void hold(benchmark::State& state, Increments kind) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::vector<Time>& inc = increments(kind);
  Queue queue;
  queue.reserve(n);
  std::uint64_t seq = 0;
  std::size_t j = 0;
  for (std::size_t i = 0; i < n; ++i) {
    queue.push(Event{inc[j++ & (kTableSize - 1)], seq++, static_cast<std::uint32_t>(i), 0,
                     EventKind::kNote, 0});
  }
  // Warm-up towards the steady state of the hold model (not timed).
  const std::size_t warm = n < 2'000'000 ? n : 2'000'000;
  for (std::size_t i = 0; i < warm; ++i) {
    Event e = queue.pop();
    e.at += inc[j++ & (kTableSize - 1)];
    e.seq = seq++;
    queue.push(e);
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(queue.top_time());  // the engine looks before it pops
    Event e = queue.pop();
    e.at += inc[j++ & (kTableSize - 1)];
    e.seq = seq++;
    queue.push(e);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_HoldFast(benchmark::State& s) {
  hold<p2pcdn::sim::EventQueue>(s, Increments::kExponential);
}
void BM_HoldNaive(benchmark::State& s) {
  hold<p2pcdn::sim::NaiveEventQueue>(s, Increments::kExponential);
}
void BM_HoldTiesFast(benchmark::State& s) { hold<p2pcdn::sim::EventQueue>(s, Increments::kCoarse); }
void BM_HoldTiesNaive(benchmark::State& s) {
  hold<p2pcdn::sim::NaiveEventQueue>(s, Increments::kCoarse);
}

void sizes(benchmark::internal::Benchmark* b) {
  for (std::int64_t n = 1000; n <= 1'000'000; n *= 10) b->Arg(n);
}
// 10^7 pending events: setup alone takes seconds, so run a fixed number of
// holds once instead of letting the library repeat the setup.
void huge(benchmark::internal::Benchmark* b) { b->Arg(10'000'000)->Iterations(3'000'000); }

BENCHMARK(BM_HoldFast)->Apply(sizes);
BENCHMARK(BM_HoldNaive)->Apply(sizes);
BENCHMARK(BM_HoldFast)->Apply(huge);
BENCHMARK(BM_HoldNaive)->Apply(huge);
BENCHMARK(BM_HoldTiesFast)->Arg(1000)->Arg(1'000'000);
BENCHMARK(BM_HoldTiesNaive)->Arg(1000)->Arg(1'000'000);

}  // namespace
