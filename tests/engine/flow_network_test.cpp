// Analytic cases of the flow network, one typed suite run on the exact reference and on the
// fast solver (default hub threshold, and threshold 1 so that every shared resource is a hub).
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/flow/fast_network.hpp"
#include "sim/flow/reference_max_min.hpp"
#include "sim/flow/time_heap.hpp"

namespace p2pcdn::sim {
namespace {

struct Reference {
  static std::unique_ptr<FlowNetwork> make() { return std::make_unique<ReferenceMaxMin>(); }
};
struct Fast {
  static std::unique_ptr<FlowNetwork> make() { return std::make_unique<FastFlowNetwork>(); }
};
struct FastAllHubs {
  static std::unique_ptr<FlowNetwork> make() { return std::make_unique<FastFlowNetwork>(1); }
};

template <typename Factory>
class FlowNetworkTest : public ::testing::Test {
 protected:
  std::unique_ptr<FlowNetwork> net_ = Factory::make();
  std::vector<FlowDone> done_;

  FlowId start(Time now, std::vector<ResourceId> path, std::uint64_t size, std::uint64_t cap = 0,
               std::uint64_t tag = 0) {
    return net_->start_flow(now, path, size, cap, tag);
  }
  // Runs to the end and returns the finishes.
  std::vector<FlowDone> drain() {
    done_.clear();
    for (Time t = net_->next_completion(); t != kNever; t = net_->next_completion())
      net_->advance_to(t, done_);
    return done_;
  }
};

using Implementations = ::testing::Types<Reference, Fast, FastAllHubs>;
TYPED_TEST_SUITE(FlowNetworkTest, Implementations);

constexpr std::uint64_t kMbps = 1'000'000;

TYPED_TEST(FlowNetworkTest, OneTransferTakesSizeOverMinOfUpAndDown) {
  auto& net = *this->net_;
  const ResourceId up = net.add_resource(10 * kMbps);
  const ResourceId down = net.add_resource(5 * kMbps);
  const FlowId f = this->start(1000, {up, down}, 1'000'000, 0, 7);
  EXPECT_EQ(net.rate_bps(f), 5 * kMbps);
  EXPECT_EQ(net.next_completion(), 1000 + 1'600'000);  // 8e6 bit / 5e6 bit/s
  const auto done = this->drain();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0], (FlowDone{f, 7, 1'601'000}));
  EXPECT_EQ(net.active_flows(), 0u);
}

TYPED_TEST(FlowNetworkTest, EqualTransfersOnOnePopFinishTogether) {
  auto& net = *this->net_;
  const ResourceId pop = net.add_resource(100 * kMbps);
  constexpr int kN = 40;
  for (int i = 0; i < kN; ++i) {
    const ResourceId down = net.add_resource(50 * kMbps);
    this->start(0, {pop, down}, 250'000, 0, static_cast<std::uint64_t>(i));
  }
  EXPECT_EQ(net.rate_bps(FlowId{0}), 100 * kMbps / kN);
  const auto done = this->drain();
  ASSERT_EQ(done.size(), static_cast<std::size_t>(kN));
  for (int i = 0; i < kN; ++i) {
    EXPECT_EQ(done[static_cast<std::size_t>(i)].at, 800'000);  // n * size / C = 40*2e6 bit/1e8
    EXPECT_EQ(done[static_cast<std::size_t>(i)].flow, FlowId(static_cast<std::uint32_t>(i)));
  }
}

TYPED_TEST(FlowNetworkTest, WaterFillingGivesCappedTransfersTheirCapAndOthersTheRest) {
  auto& net = *this->net_;
  const ResourceId pop = net.add_resource(100 * kMbps);
  std::vector<FlowId> capped, slow_down, free;
  for (int i = 0; i < 2; ++i) capped.push_back(this->start(0, {pop}, 1'000'000, 10 * kMbps));
  // Limited by their own downlink instead of a cap.
  slow_down.push_back(this->start(0, {pop, net.add_resource(4 * kMbps)}, 1'000'000));
  for (int i = 0; i < 3; ++i)
    free.push_back(this->start(0, {pop, net.add_resource(kMbps * 90)}, 1'000'000));
  for (FlowId f : capped) EXPECT_EQ(net.rate_bps(f), 10 * kMbps);
  EXPECT_EQ(net.rate_bps(slow_down[0]), 4 * kMbps);
  for (FlowId f : free) EXPECT_EQ(net.rate_bps(f), 25'333'333u);  // (100 - 20 - 4) / 3
  // A cap above the fair share does not bind.
  const FlowId big_cap = this->start(0, {pop}, 1'000'000, 90 * kMbps);
  EXPECT_EQ(net.rate_bps(big_cap), 19 * kMbps);  // (100 - 20 - 4) / 4
  EXPECT_EQ(net.rate_bps(free[0]), 19 * kMbps);
}

TYPED_TEST(FlowNetworkTest, FlowAcrossTwoResourcesWithDifferentLoads) {
  auto& net = *this->net_;
  const ResourceId r1 = net.add_resource(10 * kMbps);
  const ResourceId r2 = net.add_resource(30 * kMbps);
  const FlowId a = this->start(0, {r1}, 1'000'000);
  const FlowId b = this->start(0, {r1, r2}, 1'000'000);
  const FlowId c = this->start(0, {r2}, 1'000'000);
  const FlowId d = this->start(0, {r2}, 1'000'000);
  EXPECT_EQ(net.rate_bps(a), 5 * kMbps);
  EXPECT_EQ(net.rate_bps(b), 5 * kMbps);    // bottleneck r1
  EXPECT_EQ(net.rate_bps(c), 12'500'000u);  // r2 leftover (30 - 5) / 2
  EXPECT_EQ(net.rate_bps(d), 12'500'000u);
}

TYPED_TEST(FlowNetworkTest, CancellationFreesCapacityAndKeepsDeliveredBytes) {
  auto& net = *this->net_;
  const ResourceId pop = net.add_resource(10 * kMbps);
  const FlowId f1 = this->start(0, {pop}, 10'000'000, 0, 1);
  const FlowId f2 = this->start(0, {pop}, 10'000'000, 0, 2);
  EXPECT_EQ(net.rate_bps(f2), 5 * kMbps);
  net.advance_to(1'000'000, this->done_);
  EXPECT_EQ(net.bytes_done(1'000'000, f1), 625'000u);
  net.cancel_flow(1'000'000, f1);
  EXPECT_EQ(net.active_flows(), 1u);
  EXPECT_EQ(net.rate_bps(f2), 10 * kMbps);
  const auto done = this->drain();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].tag, 2u);
  EXPECT_EQ(done[0].at, 8'500'000);  // 9.375e6 bytes left at 1.25e6 bytes/s after 1 s
}

TYPED_TEST(FlowNetworkTest, ZeroCapacityStallsAndRecoveryResumes) {
  auto& net = *this->net_;
  const ResourceId up = net.add_resource(8 * kMbps);
  const ResourceId down = net.add_resource(100 * kMbps);
  const FlowId f = this->start(0, {up, down}, 2'000'000);
  net.advance_to(1'000'000, this->done_);
  net.set_capacity(1'000'000, up, 0);
  EXPECT_EQ(net.rate_bps(f), 0u);
  EXPECT_EQ(net.next_completion(), kNever);
  net.advance_to(3'000'000, this->done_);
  EXPECT_TRUE(this->done_.empty());
  EXPECT_EQ(net.bytes_done(3'000'000, f), 1'000'000u);
  net.set_capacity(3'000'000, up, 8 * kMbps);
  const auto done = this->drain();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].at, 4'000'000);
}

TYPED_TEST(FlowNetworkTest, DownlinkOutageStallsOnlyItsFlow) {
  auto& net = *this->net_;
  const ResourceId pop = net.add_resource(20 * kMbps);
  const ResourceId d1 = net.add_resource(100 * kMbps);
  const ResourceId d2 = net.add_resource(100 * kMbps);
  const FlowId f1 = this->start(0, {pop, d1}, 1'000'000);
  const FlowId f2 = this->start(0, {pop, d2}, 1'000'000);
  net.set_capacity(0, d1, 0);
  EXPECT_EQ(net.rate_bps(f1), 0u);
  EXPECT_EQ(net.rate_bps(f2), 20 * kMbps);
  net.set_capacity(200'000, d1, 100 * kMbps);  // f2 has 500 000 bytes left, f1 all
  EXPECT_EQ(net.rate_bps(f1), 10 * kMbps);
  const auto done = this->drain();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0].at, 600'000);  // f2: its last 500 000 bytes at 1.25 MB/s
  EXPECT_EQ(done[1].at, 800'000);  // f1: 500 000 bytes by then, the rest at 2.5 MB/s
}

TYPED_TEST(FlowNetworkTest, BytesDoneIsMonotoneAndReachesSizeAtCompletion) {
  auto& net = *this->net_;
  const ResourceId pop = net.add_resource(30 * kMbps);
  std::vector<FlowId> flows;
  std::vector<std::uint64_t> sizes{100'000, 400'000, 900'000};
  for (std::size_t i = 0; i < sizes.size(); ++i)
    flows.push_back(this->start(0, {pop, net.add_resource(12 * kMbps)}, sizes[i], 0, i));
  std::vector<std::uint64_t> last(sizes.size(), 0);
  std::uint64_t total_done = 0;
  for (Time t = 0; net.active_flows() > 0; t += 10'000) {
    this->done_.clear();
    net.advance_to(t, this->done_);
    for (const FlowDone& d : this->done_) {
      total_done += sizes[d.tag];
      last[d.tag] = sizes[d.tag];
    }
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      if (last[i] == sizes[i]) continue;
      const std::uint64_t b = net.bytes_done(t, flows[i]);
      EXPECT_GE(b, last[i]);
      EXPECT_LT(b, sizes[i]);  // not complete yet, so not all bytes delivered
      last[i] = b;
    }
  }
  EXPECT_EQ(total_done, 1'400'000u);
}

TYPED_TEST(FlowNetworkTest, SimultaneousFinishesAreOrderedByFlowIdAndIdsAreRecycled) {
  auto& net = *this->net_;
  const ResourceId pop = net.add_resource(8 * kMbps);
  const FlowId a = this->start(0, {pop}, 500'000, 0, 10);
  const FlowId b = this->start(0, {pop}, 500'000, 0, 11);
  const auto done = this->drain();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[0], (FlowDone{std::min(a, b), 10 + static_cast<std::uint64_t>(std::min(a, b) == b),
                               1'000'000}));
  EXPECT_EQ(done[1].at, 1'000'000);
  EXPECT_LT(static_cast<std::uint32_t>(done[0].flow), static_cast<std::uint32_t>(done[1].flow));
  const FlowId c = this->start(1'000'000, {pop}, 1'000'000, 0, 12);
  EXPECT_TRUE(c == a || c == b);
}

TYPED_TEST(FlowNetworkTest, RejectsInvalidInput) {
  auto& net = *this->net_;
  const ResourceId r = net.add_resource(kMbps);
  EXPECT_THROW(this->start(0, {}, 1), std::invalid_argument);
  EXPECT_THROW(this->start(0, {ResourceId{99}}, 1), std::invalid_argument);
  EXPECT_THROW(this->start(0, {r, r}, 1), std::invalid_argument);
  EXPECT_THROW(net.cancel_flow(0, FlowId{3}), std::invalid_argument);
  EXPECT_THROW((void)net.rate_bps(FlowId{0}), std::invalid_argument);
}

// The completion heap against std::set<(time, id)> on random sets, moves and erases, with many
// equal times: same minimum after every operation and the same entries at that minimum.
TEST(TimeHeapTest, MatchesAnOrderedSet) {
  rng::RandomStream rs(7, 0, rng::Purpose::kTest);
  TimeHeap heap;
  std::set<std::pair<Time, std::uint32_t>> ref;
  std::vector<Time> at(300, kNever);
  for (int step = 0; step < 200'000; ++step) {
    const auto id = static_cast<std::uint32_t>(rs.next_below(at.size()));
    if (rs.next_below(4) == 0) {
      heap.erase(id);
      if (at[id] != kNever) ref.erase({at[id], id});
      at[id] = kNever;
    } else {
      const auto t = static_cast<Time>(rs.next_below(50));
      heap.set(id, t);
      if (at[id] != kNever) ref.erase({at[id], id});
      ref.insert({t, id});
      at[id] = t;
    }
    ASSERT_EQ(heap.size(), ref.size());
    if (ref.empty()) continue;
    ASSERT_EQ(heap.top_time(), ref.begin()->first);
    if (step % 97 == 0) {
      std::vector<std::uint32_t> got;
      heap.for_each_at(ref.begin()->first, [&](std::uint32_t i) { got.push_back(i); });
      std::sort(got.begin(), got.end());
      std::vector<std::uint32_t> want;
      for (auto it = ref.begin(); it != ref.end() && it->first == ref.begin()->first; ++it)
        want.push_back(it->second);
      ASSERT_EQ(got, want);
    }
  }
}

}  // namespace
}  // namespace p2pcdn::sim
