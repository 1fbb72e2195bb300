// The flow network's compact records: a path is kept inline up to three resources and on the
// heap beyond. Paths of 1 to 6 resources (the engine's own tests stop at 3) must give the
// exact reference's rates and completion times; heap_bytes() counts the spilled paths. The
// per-resource flow list (IdList: two ids inline) against std::vector, moves included.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/flow/fast_network.hpp"
#include "sim/flow/id_list.hpp"
#include "sim/flow/reference_max_min.hpp"

namespace p2pcdn::sim {
namespace {

struct Start {
  Time at;
  std::vector<ResourceId> path;
  std::uint64_t size;
  std::uint64_t cap;
};

struct Outcome {
  std::vector<std::uint64_t> rates;  // of every live flow after every start, by tag
  std::map<std::uint64_t, Time> finish;
};

Outcome run(FlowNetwork& net, const std::vector<std::uint64_t>& capacities,
            const std::vector<Start>& starts) {
  Outcome out;
  std::vector<FlowDone> done;
  std::map<std::uint64_t, FlowId> live;
  for (std::uint64_t c : capacities) net.add_resource(c);
  const auto collect = [&] {
    for (const FlowDone& d : done) {
      out.finish[d.tag] = d.at;
      live.erase(d.tag);
    }
    done.clear();
  };
  for (std::uint64_t tag = 0; tag < starts.size(); ++tag) {
    const Start& s = starts[tag];
    net.advance_to(s.at, done);
    collect();
    live[tag] = net.start_flow(s.at, s.path, s.size, s.cap, tag);
    for (const auto& [t, id] : live) out.rates.push_back(net.rate_bps(id));
  }
  for (Time t = net.next_completion(); t != kNever; t = net.next_completion()) {
    net.advance_to(t, done);
    collect();
  }
  return out;
}

TEST(FlowNetworkMemory, LongPathsMatchTheReference) {
  for (std::uint64_t seed = 1; seed <= 40; ++seed) {
    rng::RandomStream rs(seed, 3, rng::Purpose::kTest);
    std::vector<std::uint64_t> capacities;
    for (int r = 0; r < 8; ++r) capacities.push_back(1'000'000 * (1 + rs.next_below(50)));
    std::vector<Start> starts;
    Time at = 0;
    for (int f = 0; f < 30; ++f) {
      at += static_cast<Time>(rs.next_below(200'000));
      Start s{at,
              {},
              10'000 + rs.next_below(2'000'000),
              rs.next_below(3) == 0 ? std::uint64_t{0} : std::uint64_t{4'000'000}};
      const std::size_t len = 1 + rs.next_below(6);
      while (s.path.size() < len) {
        const auto r = static_cast<ResourceId>(rs.next_below(capacities.size()));
        if (std::find(s.path.begin(), s.path.end(), r) == s.path.end()) s.path.push_back(r);
      }
      starts.push_back(s);
    }
    FastFlowNetwork fast(4);  // a low hub threshold: hubs and simple flows occur too
    ReferenceMaxMin reference;
    const Outcome a = run(fast, capacities, starts);
    const Outcome b = run(reference, capacities, starts);
    ASSERT_EQ(a.rates.size(), b.rates.size()) << "seed " << seed;
    for (std::size_t k = 0; k < a.rates.size(); ++k) {
      const double x = static_cast<double>(a.rates[k]);
      const double y = static_cast<double>(b.rates[k]);
      EXPECT_LE(std::abs(x - y), 1e-6 * std::max(1.0, y) + 1) << "seed " << seed << " k " << k;
    }
    ASSERT_EQ(a.finish.size(), starts.size()) << "seed " << seed;
    ASSERT_EQ(b.finish.size(), starts.size()) << "seed " << seed;
    for (const auto& [tag, t] : b.finish) {
      EXPECT_LE(std::abs(a.finish.at(tag) - t), 2) << "seed " << seed << " tag " << tag;
    }
  }
}

TEST(FlowNetworkMemory, HeapBytesCountSpilledPaths) {
  FastFlowNetwork net;
  std::vector<ResourceId> ids;
  for (int r = 0; r < 6; ++r) ids.push_back(net.add_resource(1'000'000'000));
  const std::size_t empty = net.heap_bytes();
  EXPECT_GT(empty, 0u);
  net.start_flow(0, std::span<const ResourceId>(ids.data(), 3), 1'000'000, 0, 1);
  const std::size_t inline_path = net.heap_bytes();
  net.start_flow(0, std::span<const ResourceId>(ids.data(), 6), 1'000'000, 0, 2);
  const std::size_t spilled = net.heap_bytes();
  EXPECT_GT(inline_path, empty);  // the flow record and the resources' flow lists
  // The second flow adds at least its six spilled resource ids.
  EXPECT_GE(spilled, inline_path + 6 * sizeof(std::uint32_t));
}

TEST(FlowNetworkMemory, IdListBehavesLikeAVector) {
  rng::RandomStream rs(5, 4, rng::Purpose::kTest);
  std::vector<IdList> lists(8);
  std::vector<std::vector<std::uint32_t>> reference(8);
  for (int step = 0; step < 30000; ++step) {
    const std::size_t l = rs.next_below(lists.size());
    const auto id = static_cast<std::uint32_t>(rs.next_below(64));
    const std::uint64_t op = rs.next_below(10);
    if (op < 5) {
      lists[l].push_back(id);
      reference[l].push_back(id);
    } else if (op < 9) {
      const auto it = std::find(reference[l].begin(), reference[l].end(), id);
      if (it != reference[l].end()) {
        lists[l].erase(std::find(lists[l].begin(), lists[l].end(), id));
        reference[l].erase(it);
      }
    } else {  // a move (the resource table grows): the list goes with it, the source empties
      IdList moved(std::move(lists[l]));
      EXPECT_TRUE(lists[l].empty());
      lists[l] = std::move(moved);
    }
    ASSERT_EQ(std::vector<std::uint32_t>(lists[l].begin(), lists[l].end()), reference[l]);
    ASSERT_EQ(lists[l].size(), reference[l].size());
    if (!reference[l].empty()) {
      EXPECT_EQ(lists[l][0], reference[l][0]);
    }
    if (lists[l].size() > IdList::kInline) {
      EXPECT_GE(lists[l].heap_bytes(), 4 * lists[l].size());
    }
  }
  std::vector<IdList> grown;  // a vector of lists reallocating: every list survives the moves
  for (std::uint32_t k = 0; k < 100; ++k) {
    grown.emplace_back();
    for (std::uint32_t j = 0; j <= k % 5; ++j) grown.back().push_back(k * 10 + j);
  }
  for (std::uint32_t k = 0; k < 100; ++k) {
    ASSERT_EQ(grown[k].size(), k % 5 + 1);
    for (std::uint32_t j = 0; j <= k % 5; ++j) EXPECT_EQ(grown[k][j], k * 10 + j);
  }
}

}  // namespace
}  // namespace p2pcdn::sim
