// Draws per second of RandomStream (Philox4x32-10) and of the distributions
// built on it, plus the cost of opening a fresh per-entity stream.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "models/base/distributions.hpp"

namespace {

using p2pcdn::rng::Purpose;
using p2pcdn::rng::RandomStream;

template <class Draw>
void draws(benchmark::State& state, Draw draw) {
  RandomStream rs(1, 2, Purpose::kTest);
  for (auto _ : state) benchmark::DoNotOptimize(draw(rs));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

void BM_NextU64(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return rs.next_u64(); });
}
void BM_NextDouble(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return rs.next_double(); });
}
void BM_NextBelow1000(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return rs.next_below(1000); });
}
void BM_Uniform(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return p2pcdn::rng::uniform(rs, 1.0, 2.0); });
}
void BM_Exponential(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return p2pcdn::rng::exponential_mean(rs, 2.0); });
}
void BM_Normal(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return p2pcdn::rng::normal(rs, 0.0, 1.0); });
}
void BM_Lognormal(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return p2pcdn::rng::lognormal(rs, 0.0, 1.0); });
}
void BM_Weibull(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return p2pcdn::rng::weibull(rs, 1.5, 2.0); });
}
void BM_Pareto(benchmark::State& s) {
  draws(s, [](RandomStream& rs) { return p2pcdn::rng::pareto(rs, 1.0, 2.5); });
}
void BM_EmpiricalCdf16(benchmark::State& s) {
  std::vector<p2pcdn::rng::EmpiricalCdf::Point> points;
  for (int i = 0; i <= 15; ++i) points.push_back({i * 1.5, i / 15.0});
  const p2pcdn::rng::EmpiricalCdf cdf(points);
  draws(s, [&](RandomStream& rs) { return cdf.sample(rs); });
}
void BM_AliasTable1000(benchmark::State& s) {
  std::vector<double> weights(1000);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = 1.0 / static_cast<double>(i + 1);
  const p2pcdn::rng::AliasTable table(weights);
  draws(s, [&](RandomStream& rs) { return table.sample(rs); });
}
// Opening a stream for one entity and taking one draw (what per-viewer code does).
void BM_NewStreamFirstDraw(benchmark::State& s) {
  std::uint64_t entity = 0;
  for (auto _ : s) {
    RandomStream rs(1, entity++, Purpose::kViewerAttributes);
    benchmark::DoNotOptimize(rs.next_u64());
  }
  s.SetItemsProcessed(static_cast<std::int64_t>(s.iterations()));
}

BENCHMARK(BM_NextU64);
BENCHMARK(BM_NextDouble);
BENCHMARK(BM_NextBelow1000);
BENCHMARK(BM_Uniform);
BENCHMARK(BM_Exponential);
BENCHMARK(BM_Normal);
BENCHMARK(BM_Lognormal);
BENCHMARK(BM_Weibull);
BENCHMARK(BM_Pareto);
BENCHMARK(BM_EmpiricalCdf16);
BENCHMARK(BM_AliasTable1000);
BENCHMARK(BM_NewStreamFirstDraw);

}  // namespace
