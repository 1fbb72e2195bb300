// The fast solver against the exact reference on thousands of random small instances: random
// resources, paths, caps, start times, sizes, cancellations and capacity changes (outages
// included), with hub thresholds that force the hub water-fill and its component coupling, and
// resources that keep flipping between slack (left out of the solves) and binding.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <utility>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/flow/fast_network.hpp"
#include "sim/flow/reference_max_min.hpp"

namespace p2pcdn::sim {
namespace {

struct Op {
  enum Kind { kStart, kCancel, kCapacity } kind;
  Time at;
  std::uint64_t tag;  // start/cancel: flow tag
  std::vector<ResourceId> path;
  std::uint64_t size = 0, cap = 0;
  std::uint32_t resource = 0;  // capacity
  std::uint64_t capacity_bps = 0;
};

struct Outcome {
  std::map<std::uint64_t, Time> finish;              // tag -> completion
  std::map<std::uint64_t, std::uint64_t> cancelled;  // tag -> bytes_done at cancel
  std::map<std::uint64_t, std::uint64_t> rate_at_start;
  // After every operation, (tag, rate) of every live flow: a rate left stale between two
  // completions shows here even when it does not move a completion by a whole µs.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> rates;
  std::size_t simple_observed = 0;
  std::size_t transparent_observed = 0;  // resources left out of the solves, summed over ops
  std::size_t flips_observed = 0;        // changes of that state
};

struct Instance {
  std::vector<std::uint64_t> capacities;
  std::vector<Op> ops;  // sorted by time
};

// Sizes, caps, cancellations and capacity changes (outages included) for the started flows.
void finish_instance(rng::RandomStream& rs, Instance& in) {
  const std::size_t nr = in.capacities.size();
  const std::size_t nf = in.ops.size();
  for (std::size_t k = 0; k < nf; ++k) {
    Op& op = in.ops[k];
    op.size = 1 + rs.next_below(3'000'000);
    if (rs.next_below(3) == 0) op.cap = 500'000 * (1 + rs.next_below(40));
    if (rs.next_below(5) == 0) {
      in.ops.push_back(Op{Op::kCancel,
                          op.at + static_cast<Time>(rs.next_below(3'000'000)),
                          op.tag,
                          {},
                          0,
                          0,
                          0,
                          0});
    }
  }
  const std::size_t changes = rs.next_below(4);
  for (std::size_t c = 0; c < changes; ++c) {
    Op op{Op::kCapacity, static_cast<Time>(rs.next_below(4'000'000)), 0, {}, 0, 0, 0, 0};
    op.resource = static_cast<std::uint32_t>(rs.next_below(nr));
    op.capacity_bps = rs.next_below(4) == 0 ? 0 : 1'000'000 * (1 + rs.next_below(100));
    in.ops.push_back(op);
    // Outages end: every resource gets some capacity back later.
    Op back = op;
    back.at += static_cast<Time>(1 + rs.next_below(1'000'000));
    back.capacity_bps = 1'000'000 * (1 + rs.next_below(100));
    in.ops.push_back(back);
  }
  std::stable_sort(in.ops.begin(), in.ops.end(),
                   [](const Op& a, const Op& b) { return a.at < b.at; });
}

// Fully random topology: any path over a handful of resources.
Instance make_instance(std::uint64_t seed) {
  rng::RandomStream rs(seed, 0, rng::Purpose::kTest);
  Instance in;
  const std::size_t nr = 1 + rs.next_below(6);
  for (std::size_t r = 0; r < nr; ++r)
    in.capacities.push_back(1'000'000 * (1 + rs.next_below(100)));
  const std::size_t nf = 1 + rs.next_below(14);
  for (std::uint64_t tag = 0; tag < nf; ++tag) {
    Op op{Op::kStart, static_cast<Time>(rs.next_below(2'000'000)), tag, {}, 0, 0, 0, 0};
    const std::size_t len = 1 + rs.next_below(std::min<std::size_t>(3, nr));
    while (op.path.size() < len) {
      const auto r = static_cast<ResourceId>(rs.next_below(nr));
      if (std::find(op.path.begin(), op.path.end(), r) == op.path.end()) op.path.push_back(r);
    }
    in.ops.push_back(op);
  }
  finish_instance(rs, in);
  return in;
}

// Resources that flip between slack and binding, with ties: a PoP whose capacity is the sum of a
// few downlinks' capacities (so its flows' bound sum crosses it as flows come and go, and often
// equals it), round capacities (equal shares, bounds equal to a capacity), caps equal to
// capacities, and PoP outages from finish_instance().
Instance make_flip_instance(std::uint64_t seed) {
  rng::RandomStream rs(seed, 2, rng::Purpose::kTest);
  Instance in;
  const std::uint64_t round_values[] = {5'000'000, 10'000'000, 20'000'000};
  const std::size_t downlinks = 2 + rs.next_below(11);
  const std::size_t uplinks = 1 + rs.next_below(4);
  std::vector<std::uint64_t> down(downlinks);
  for (auto& d : down) d = round_values[rs.next_below(3)];
  std::uint64_t pop = 0;
  const std::size_t summed = 1 + rs.next_below(downlinks);
  for (std::size_t k = 0; k < summed; ++k) pop += down[k];
  in.capacities.push_back(pop);
  for (std::size_t u = 0; u < uplinks; ++u) in.capacities.push_back(round_values[rs.next_below(2)]);
  for (std::uint64_t d : down) in.capacities.push_back(d);
  const std::size_t nf = 1 + rs.next_below(40);
  for (std::uint64_t tag = 0; tag < nf; ++tag) {
    Op op{Op::kStart, static_cast<Time>(rs.next_below(2'000'000)), tag, {}, 0, 0, 0, 0};
    const auto d = static_cast<ResourceId>(1 + uplinks + rs.next_below(downlinks));
    if (rs.next_below(10) < 6) {
      op.path = {ResourceId{0}, d};
    } else {
      op.path = {static_cast<ResourceId>(1 + rs.next_below(uplinks)), d};
    }
    in.ops.push_back(op);
  }
  finish_instance(rs, in);
  for (Op& op : in.ops) {
    if (op.kind == Op::kStart && op.cap != 0) op.cap = round_values[rs.next_below(3)];
    if (op.kind == Op::kCapacity && op.capacity_bps != 0) {
      op.capacity_bps = op.resource == 0 ? pop : round_values[rs.next_below(3)];
    }
  }
  return in;
}

// The simulator's shape: resource 0 a PoP, 1 a TURN relay, then peer uplinks, then viewer
// downlinks; flows PoP->downlink, uplink->downlink, sometimes uplink->relay->downlink.
Instance make_cdn_instance(std::uint64_t seed) {
  rng::RandomStream rs(seed, 1, rng::Purpose::kTest);
  Instance in;
  in.capacities.push_back(1'000'000 * (20 + rs.next_below(200)));
  in.capacities.push_back(1'000'000 * (5 + rs.next_below(50)));
  const std::size_t uplinks = 1 + rs.next_below(6);
  const std::size_t downlinks = 2 + rs.next_below(30);
  for (std::size_t u = 0; u < uplinks; ++u)
    in.capacities.push_back(1'000'000 * (5 + rs.next_below(16)));
  for (std::size_t d = 0; d < downlinks; ++d)
    in.capacities.push_back(1'000'000 * (5 + rs.next_below(100)));
  const std::size_t nf = 1 + rs.next_below(60);
  for (std::uint64_t tag = 0; tag < nf; ++tag) {
    Op op{Op::kStart, static_cast<Time>(rs.next_below(2'000'000)), tag, {}, 0, 0, 0, 0};
    const auto down = static_cast<ResourceId>(2 + uplinks + rs.next_below(downlinks));
    const auto kind = rs.next_below(10);
    if (kind < 6) {
      op.path = {ResourceId{0}, down};
    } else {
      op.path = {static_cast<ResourceId>(2 + rs.next_below(uplinks))};
      if (kind == 9) op.path.push_back(ResourceId{1});
      op.path.push_back(down);
    }
    in.ops.push_back(op);
  }
  finish_instance(rs, in);
  return in;
}

Outcome run(FlowNetwork& net, const Instance& in) {
  Outcome out;
  std::vector<FlowDone> done;
  std::map<std::uint64_t, FlowId> live;
  auto collect = [&] {
    for (const FlowDone& d : done) {
      out.finish[d.tag] = d.at;
      live.erase(d.tag);
    }
    done.clear();
  };
  for (std::uint64_t c : in.capacities) net.add_resource(c);
  std::vector<bool> transparent(in.capacities.size(), false);
  for (const Op& op : in.ops) {
    net.advance_to(op.at, done);
    collect();
    switch (op.kind) {
      case Op::kStart: {
        const FlowId f = net.start_flow(op.at, op.path, op.size, op.cap, op.tag);
        live[op.tag] = f;
        out.rate_at_start[op.tag] = net.rate_bps(f);
        break;
      }
      case Op::kCancel: {
        auto it = live.find(op.tag);
        if (it == live.end()) break;
        out.cancelled[op.tag] = net.bytes_done(op.at, it->second);
        net.cancel_flow(op.at, it->second);
        live.erase(it);
        break;
      }
      case Op::kCapacity:
        net.set_capacity(op.at, ResourceId{op.resource}, op.capacity_bps);
        break;
    }
    for (const auto& [tag, id] : live) out.rates.emplace_back(tag, net.rate_bps(id));
    if (const auto* fast = dynamic_cast<const FastFlowNetwork*>(&net)) {
      out.simple_observed += fast->simple_flows();
      for (std::uint32_t r = 0; r < transparent.size(); ++r) {
        const bool now = fast->is_transparent(ResourceId{r});
        out.transparent_observed += now ? 1 : 0;
        out.flips_observed += now != transparent[r] ? 1 : 0;
        transparent[r] = now;
      }
    }
  }
  for (Time t = net.next_completion(); t != kNever; t = net.next_completion()) {
    net.advance_to(t, done);
    collect();
  }
  EXPECT_EQ(net.active_flows(), 0u);
  return out;
}

struct Comparison {
  double worst_relative = 0.0;
  Time worst_abs = 0;
  std::size_t compared = 0;
  std::size_t simple_observed = 0;  // how often the hub water-fill held flows
  std::size_t transparent_observed = 0;
  std::size_t flips_observed = 0;
};

// Runs every instance on the reference and on the fast solver (hub thresholds 1, 2, 3 and the
// default) and compares completion times, cancelled bytes and rates at start.
template <typename Make>
Comparison compare(Make make, int instances, std::uint64_t seed0) {
  const std::uint32_t thresholds[] = {1, 2, 3, 32};
  Comparison c;
  for (int k = 0; k < instances; ++k) {
    const Instance in = make(seed0 + static_cast<std::uint64_t>(k));
    ReferenceMaxMin ref;
    FastFlowNetwork fast(thresholds[k % 4]);
    const Outcome a = run(ref, in);
    const Outcome b = run(fast, in);
    c.simple_observed += b.simple_observed;
    c.transparent_observed += b.transparent_observed;
    c.flips_observed += b.flips_observed;
    EXPECT_EQ(a.finish.size(), b.finish.size()) << "instance " << k;
    EXPECT_EQ(a.cancelled.size(), b.cancelled.size()) << "instance " << k;
    std::map<std::uint64_t, Time> start;
    for (const Op& op : in.ops)
      if (op.kind == Op::kStart) start[op.tag] = op.at;
    for (const auto& [tag, at] : a.finish) {
      if (!b.finish.count(tag)) {
        ADD_FAILURE() << "instance " << k << " tag " << tag << " never finished";
        continue;
      }
      const Time diff = std::abs(at - b.finish.at(tag));
      const double rel =
          static_cast<double>(diff) / static_cast<double>(std::max<Time>(1, at - start[tag]));
      c.worst_relative = std::max(c.worst_relative, rel);
      c.worst_abs = std::max(c.worst_abs, diff);
      ++c.compared;
      // Exact solver: only floating-point rounding may move a completion, by at most 1 µs.
      EXPECT_LE(diff, 1) << "instance " << k << " tag " << tag;
    }
    for (const auto& [tag, bytes] : a.cancelled) {
      const std::uint64_t other = b.cancelled.count(tag) ? b.cancelled.at(tag) : 0;
      EXPECT_LE(bytes > other ? bytes - other : other - bytes, 1u) << "instance " << k;
    }
    EXPECT_EQ(a.rates.size(), b.rates.size()) << "instance " << k;
    for (std::size_t q = 0; q < std::min(a.rates.size(), b.rates.size()); ++q) {
      const auto [rate, other] = std::pair{a.rates[q].second, b.rates[q].second};
      EXPECT_EQ(a.rates[q].first, b.rates[q].first) << "instance " << k;
      EXPECT_LE(rate > other ? rate - other : other - rate, 1u) << "instance " << k << " op " << q;
    }
    for (const auto& [tag, rate] : a.rate_at_start) {
      const std::uint64_t other = b.rate_at_start.at(tag);
      EXPECT_LE(rate > other ? rate - other : other - rate, 1u) << "instance " << k;
    }
    if (::testing::Test::HasFailure()) break;  // one instance's diagnostics are enough
  }
  return c;
}

TEST(FlowRandomTest, FastMatchesReferenceOnRandomTopologies) {
  const Comparison c = compare(make_instance, 4000, 1000);
  std::printf("random: %zu completions, worst |dt| %lld us, worst relative %.3g\n", c.compared,
              static_cast<long long>(c.worst_abs), c.worst_relative);
  EXPECT_GT(c.compared, 20'000u);
  EXPECT_GT(c.simple_observed, 1000u);
}

TEST(FlowRandomTest, FastMatchesReferenceOnCdnShapedInstances) {
  const Comparison c = compare(make_cdn_instance, 1500, 5000);
  std::printf("cdn: %zu completions, worst |dt| %lld us, worst relative %.3g\n", c.compared,
              static_cast<long long>(c.worst_abs), c.worst_relative);
  EXPECT_GT(c.compared, 30'000u);
  EXPECT_GT(c.simple_observed, 10'000u);
}

TEST(FlowRandomTest, FastMatchesReferenceWhileResourcesFlipBetweenSlackAndBinding) {
  const Comparison c = compare(make_flip_instance, 1500, 9000);
  std::printf("flip: %zu completions, worst |dt| %lld us, %zu slack observations, %zu flips\n",
              c.compared, static_cast<long long>(c.worst_abs), c.transparent_observed,
              c.flips_observed);
  EXPECT_GT(c.compared, 15'000u);
  EXPECT_GT(c.transparent_observed, 10'000u);
  EXPECT_GT(c.flips_observed, 5'000u);
}

// Found by a longer run: a guest turned complex on a downlink that the same round found slack;
// marking it see-through then left its other flow at the guest-shared rate (18 instead of 20
// Mbit/s). Instance seed 60858 runs with hub threshold 3 (k = 2 below).
TEST(FlowRandomTest, GuestTurnedComplexDoesNotLeaveItsDownlinkSeeThrough) {
  const Comparison c = compare(make_cdn_instance, 4, 60856);
  EXPECT_GT(c.compared, 20u);
}

}  // namespace
}  // namespace p2pcdn::sim
