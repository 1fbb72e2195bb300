// Peer-message codec throughput: encodes and decodes per second for a small message
// (Request) and the largest one (a full 256-segment map).
#include <benchmark/benchmark.h>

#include <array>
#include <vector>

#include "p2pcdn/scheduler/wire.hpp"

namespace {

using namespace p2pcdn::sched;

wire::Message full_map() {
  wire::SegmentMap m;
  m.rendition = 3;
  m.first_index = 123456;
  m.count = wire::kSegmentMapBitsMax;
  for (auto& w : m.bits) w = 0xA5A5A5A5A5A5A5A5ULL;
  return m;
}

wire::Message message_for(int kind) {
  return kind == 0 ? wire::Message(wire::Request{77, 2, 99999}) : full_map();
}

void BM_Encode(benchmark::State& state) {
  const wire::Message m = message_for(static_cast<int>(state.range(0)));
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::size_t n = wire::encode(m, buf);
    benchmark::DoNotOptimize(buf.data());
    bytes += n;
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetLabel(state.range(0) == 0 ? "request" : "segment_map_256");
}
BENCHMARK(BM_Encode)->Arg(0)->Arg(1);

void BM_Decode(benchmark::State& state) {
  const wire::Message m = message_for(static_cast<int>(state.range(0)));
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  const std::size_t n = wire::encode(m, buf);
  const std::span<const std::byte> input(buf.data(), n);
  for (auto _ : state) {
    auto r = wire::decode(input);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetLabel(state.range(0) == 0 ? "request" : "segment_map_256");
}
BENCHMARK(BM_Decode)->Arg(0)->Arg(1);

}  // namespace
