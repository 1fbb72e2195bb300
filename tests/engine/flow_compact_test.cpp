// The flow solver's compact storage against exact references: paths longer than the fast
// solver's 3 inline ids (the ids then live in a heap block whose address is stored over the
// inline ones), with enough flows to move the flow pool several times, short paths,
// cancellations and id reuse; and the completion heap's 12-byte entries (a time split into two
// 32-bit words) on times that need both words, negative ones included.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/flow/fast_network.hpp"
#include "sim/flow/reference_max_min.hpp"
#include "sim/flow/time_heap.hpp"

namespace p2pcdn::sim {
namespace {

struct Start {
  Time at;
  std::vector<ResourceId> path;
  std::uint64_t size, cap;
  bool cancel;  // cancelled 0.2 s after its start if still running
};

std::vector<Start> make_starts(std::uint64_t seed, std::size_t resources) {
  rng::RandomStream rs(seed, 0, rng::Purpose::kTest);
  std::vector<Start> starts;
  for (std::size_t k = 0; k < 400; ++k) {
    Start s{static_cast<Time>(k) * 5'000, {}, 1 + rs.next_below(400'000), 0, false};
    const std::size_t len = 1 + rs.next_below(std::min<std::size_t>(7, resources));
    while (s.path.size() < len) {
      const auto r = static_cast<ResourceId>(rs.next_below(resources));
      if (std::find(s.path.begin(), s.path.end(), r) == s.path.end()) s.path.push_back(r);
    }
    if (rs.next_below(3) == 0) s.cap = 1'000'000 * (1 + rs.next_below(20));
    s.cancel = rs.next_below(6) == 0;
    starts.push_back(s);
  }
  return starts;
}

struct Result {
  std::map<std::uint64_t, Time> finish;
  std::map<std::uint64_t, std::uint64_t> cancelled;  // tag -> bytes done
  std::size_t max_active = 0;
};

Result run(FlowNetwork& net, const std::vector<Start>& starts, std::size_t resources) {
  for (std::size_t r = 0; r < resources; ++r) net.add_resource(5'000'000 * (1 + r));
  Result out;
  std::vector<FlowDone> done;
  std::map<std::uint64_t, FlowId> live;
  std::map<Time, std::vector<std::uint64_t>> cancels;
  auto step = [&](Time t) {
    net.advance_to(t, done);
    for (const FlowDone& d : done) {
      out.finish[d.tag] = d.at;
      live.erase(d.tag);
    }
    done.clear();
  };
  for (std::uint64_t tag = 0; tag < starts.size(); ++tag) {
    const Start& s = starts[tag];
    while (!cancels.empty() && cancels.begin()->first <= s.at) {
      const auto [at, tags] = *cancels.begin();
      cancels.erase(cancels.begin());
      step(at);
      for (std::uint64_t c : tags) {
        auto it = live.find(c);
        if (it == live.end()) continue;
        out.cancelled[c] = net.bytes_done(at, it->second);
        net.cancel_flow(at, it->second);
        live.erase(it);
      }
    }
    step(s.at);
    live[tag] = net.start_flow(s.at, s.path, s.size, s.cap, tag);
    if (s.cancel) cancels[s.at + 200'000].push_back(tag);
    out.max_active = std::max(out.max_active, net.active_flows());
  }
  for (Time t = net.next_completion(); t != kNever; t = net.next_completion()) step(t);
  EXPECT_EQ(net.active_flows(), 0u);
  return out;
}

TEST(FlowCompactTest, FastMatchesReferenceWithPathsBeyondTheInlineIds) {
  std::size_t compared = 0;
  std::size_t max_active = 0;
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const std::size_t resources = 6 + seed % 4;
    const std::vector<Start> starts = make_starts(seed, resources);
    ReferenceMaxMin ref;
    FastFlowNetwork fast(seed % 2 == 0 ? 2 : 32);
    const Result a = run(ref, starts, resources);
    const Result b = run(fast, starts, resources);
    max_active = std::max(max_active, b.max_active);
    ASSERT_EQ(a.finish.size(), b.finish.size()) << "seed " << seed;
    for (const auto& [tag, at] : a.finish) {
      ASSERT_TRUE(b.finish.count(tag)) << "seed " << seed << " tag " << tag;
      EXPECT_LE(std::abs(at - b.finish.at(tag)), 1) << "seed " << seed << " tag " << tag;
      ++compared;
    }
    ASSERT_EQ(a.cancelled.size(), b.cancelled.size()) << "seed " << seed;
    for (const auto& [tag, bytes] : a.cancelled) {
      const std::uint64_t other = b.cancelled.at(tag);
      EXPECT_LE(bytes > other ? bytes - other : other - bytes, 1u) << "seed " << seed;
    }
  }
  EXPECT_GT(compared, 3000u);
  EXPECT_GT(max_active, 64u);  // the pool grew past its first block: records were moved
}

// Times whose high and low 32-bit words both vary (a wrong word order or a sign lost in the
// split would misorder them), with many ties: the heap against std::set<(time, id)>.
TEST(FlowCompactTest, TimeHeapOrdersTimesThatNeedBothWords) {
  rng::RandomStream rs(11, 0, rng::Purpose::kTest);
  const Time lows[] = {0, 1, Time{1} << 31, (Time{1} << 32) - 1};
  std::vector<Time> times;
  for (Time high = -3; high <= 3; ++high)
    for (Time low : lows) times.push_back(high * (Time{1} << 32) + low);
  times.push_back(kNever - 1);
  TimeHeap heap;
  std::set<std::pair<Time, std::uint32_t>> ref;
  std::vector<Time> at(200, kNever);
  for (int step = 0; step < 100'000; ++step) {
    const auto id = static_cast<std::uint32_t>(rs.next_below(at.size()));
    if (rs.next_below(4) == 0) {
      heap.erase(id);
      if (at[id] != kNever) ref.erase({at[id], id});
      at[id] = kNever;
    } else {
      const Time t = times[rs.next_below(times.size())];
      heap.set(id, t);
      if (at[id] != kNever) ref.erase({at[id], id});
      ref.insert({t, id});
      at[id] = t;
    }
    ASSERT_EQ(heap.size(), ref.size());
    if (ref.empty()) continue;
    ASSERT_EQ(heap.top_time(), ref.begin()->first);
    if (step % 31 == 0) {
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
