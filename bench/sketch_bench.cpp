// Throughput of DdSketch::add (the per-viewer cost of recording a QoE metric) and of quantile.
#include <benchmark/benchmark.h>

#include <vector>

#include "analysis/sketch/ddsketch.hpp"
#include "models/base/distributions.hpp"
#include "models/base/random_stream.hpp"

namespace {

std::vector<double> lognormal_values(std::size_t n) {
  p2pcdn::rng::RandomStream rs(1, 1, p2pcdn::rng::Purpose::kTest);
  std::vector<double> v(n);
  for (auto& x : v) x = p2pcdn::rng::lognormal(rs, 1.0, 2.0);
  return v;
}

void BM_DdSketchAdd(benchmark::State& state) {
  const auto values = lognormal_values(1 << 16);
  p2pcdn::analysis::DdSketch sketch;
  std::size_t i = 0;
  for (auto _ : state) {
    sketch.add(values[i]);
    i = (i + 1) & (values.size() - 1);
  }
  benchmark::DoNotOptimize(sketch.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DdSketchAdd);

void BM_DdSketchQuantile(benchmark::State& state) {
  p2pcdn::analysis::DdSketch sketch;
  for (double x : lognormal_values(1 << 16)) sketch.add(x);
  for (auto _ : state) benchmark::DoNotOptimize(sketch.quantile(0.95));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DdSketchQuantile);

}  // namespace
