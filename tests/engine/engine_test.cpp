// Engine: merge order of queued events and network completions (network first
// on ties, then (at, seq)), run_until bounds, request_stop, lazy cancellation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "models/base/random_stream.hpp"
#include "sim/engine.hpp"

namespace p2pcdn::sim {
namespace {

// A tiny fake network: transfers with fixed completion times.
class FakeNetwork {
 public:
  struct Done {
    std::uint32_t flow;
    Time at;
  };
  void add(std::uint32_t flow, Time at) { pending_.push_back({flow, at}); }
  [[nodiscard]] Time next_completion() const {
    Time t = kNever;
    for (const Done& d : pending_) t = std::min(t, d.at);
    return t;
  }
  void advance_to(Time now, std::vector<Done>& done) {
    ++advance_calls;
    // Completions due by now, in flow-id order (the network's own order).
    std::vector<Done> due;
    std::erase_if(pending_, [&](const Done& d) {
      if (d.at > now) return false;
      due.push_back(d);
      return true;
    });
    std::sort(due.begin(), due.end(), [](const Done& a, const Done& b) { return a.flow < b.flow; });
    done.insert(done.end(), due.begin(), due.end());
  }
  int advance_calls = 0;

 private:
  std::vector<Done> pending_;
};

// One dispatched item: (time, 0 = completion / 1 = event, id).
using Entry = std::tuple<Time, int, std::uint64_t>;

struct Recorder {
  Engine<FakeNetwork>* engine;
  std::vector<Entry> log;
  void operator()(const Event& e) {
    EXPECT_EQ(engine->now(), e.at);
    log.emplace_back(e.at, 1, e.payload);
  }
  void operator()(const FakeNetwork::Done& d) {
    EXPECT_EQ(engine->now(), d.at);
    log.emplace_back(d.at, 0, d.flow);
  }
};

TEST(Engine, NetworkFirstOnTiesThenFifo) {
  FakeNetwork net;
  Engine<FakeNetwork> engine(net);
  engine.schedule(10, EventKind::kNote, 0, 0, 100);
  engine.schedule(5, EventKind::kNote, 0, 0, 101);
  engine.schedule(10, EventKind::kNote, 0, 0, 102);
  net.add(7, 10);
  net.add(3, 10);
  net.add(9, 4);
  Recorder rec{&engine, {}};
  EXPECT_EQ(engine.run_until(kNever, rec), RunStatus::kDrained);
  const std::vector<Entry> expected = {{4, 0, 9},  {5, 1, 101},  {10, 0, 3},
                                       {10, 0, 7}, {10, 1, 100}, {10, 1, 102}};
  EXPECT_EQ(rec.log, expected);
  EXPECT_EQ(engine.events_processed(), 3u);
  EXPECT_EQ(engine.completions_processed(), 3u);
  EXPECT_EQ(engine.now(), 10);  // end == kNever leaves the clock at the last dispatch
}

// Random fixed workloads: the dispatch order must equal the sort by
// (time, completion before event, seq / flow id).
TEST(Engine, MatchesSortedReferenceOnRandomWorkloads) {
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    rng::RandomStream rs(seed, 0, rng::Purpose::kTest);
    FakeNetwork net;
    Engine<FakeNetwork> engine(net);
    std::vector<Entry> expected;
    for (std::uint32_t i = 0; i < 300; ++i) {
      const auto at = static_cast<Time>(rs.next_below(50));  // many ties
      if (rs.next_below(2) == 0) {
        engine.schedule(at, EventKind::kNote, 0, 0, i);
        expected.emplace_back(at, 1, i);
      } else {
        net.add(i, at);
        expected.emplace_back(at, 0, i);
      }
    }
    std::stable_sort(expected.begin(), expected.end());  // ids increase in push order
    Recorder rec{&engine, {}};
    EXPECT_EQ(engine.run_until(kNever, rec), RunStatus::kDrained);
    EXPECT_EQ(rec.log, expected) << "seed " << seed;
  }
}

TEST(Engine, EventsScheduledNowRunAfterThoseAlreadyDue) {
  FakeNetwork net;
  Engine<FakeNetwork> engine(net);
  std::vector<std::uint32_t> order;
  engine.schedule(1, EventKind::kNote, 0, 0, 1);
  engine.schedule(1, EventKind::kNote, 0, 0, 2);
  struct {
    Engine<FakeNetwork>* engine;
    std::vector<std::uint32_t>* order;
    FakeNetwork* net;
    void operator()(const Event& e) {
      order->push_back(e.payload);
      if (e.payload == 1) {
        engine->schedule(1, EventKind::kNote, 0, 0, 3);  // same instant: after 2
        net->add(50, 1);  // a completion due now: dispatched before event 2
      }
    }
    void operator()(const FakeNetwork::Done& d) { order->push_back(1000 + d.flow); }
  } dispatch{&engine, &order, &net};
  engine.run_until(kNever, dispatch);
  EXPECT_EQ(order, (std::vector<std::uint32_t>{1, 1050, 2, 3}));
}

TEST(Engine, RunUntilIsInclusiveAndAdvancesClock) {
  FakeNetwork net;
  Engine<FakeNetwork> engine(net);
  engine.schedule(seconds(1), EventKind::kSample, 0);
  engine.schedule(seconds(2), EventKind::kSample, 0);
  Recorder rec{&engine, {}};
  EXPECT_EQ(engine.run_until(seconds(1), rec), RunStatus::kReachedEnd);
  EXPECT_EQ(rec.log.size(), 1u);
  EXPECT_EQ(engine.now(), seconds(1));
  EXPECT_EQ(engine.run_until(ms(1500), rec), RunStatus::kReachedEnd);
  EXPECT_EQ(engine.now(), ms(1500));
  EXPECT_THROW(engine.schedule(ms(1499), EventKind::kSample, 0), std::invalid_argument);
  EXPECT_THROW(engine.run_until(ms(1000), rec), std::invalid_argument);
  engine.schedule(ms(1500), EventKind::kSample, 0);  // "now" is fine
  EXPECT_EQ(engine.run_until(seconds(10), rec), RunStatus::kDrained);
  EXPECT_EQ(engine.now(), seconds(10));
  EXPECT_EQ(rec.log.size(), 3u);
  EXPECT_EQ(engine.pending_events(), 0u);
}

TEST(Engine, RequestStopReturnsEarlyAndIsSticky) {
  FakeNetwork net;
  Engine<FakeNetwork> engine(net);
  for (std::uint32_t i = 0; i < 20; ++i) engine.schedule(i, EventKind::kNote, 0, 0, i);
  int seen = 0;
  auto dispatch = [&](const auto& item) {
    (void)item;
    if (++seen == 5) engine.request_stop();
  };
  EXPECT_EQ(engine.run_until(kNever, dispatch), RunStatus::kStopped);
  EXPECT_EQ(engine.events_processed(), 5u);
  EXPECT_EQ(engine.now(), 4);
  EXPECT_TRUE(engine.stop_requested());
  EXPECT_EQ(engine.run_until(kNever, dispatch), RunStatus::kStopped);
  EXPECT_EQ(engine.events_processed(), 5u);
  engine.clear_stop();
  EXPECT_EQ(engine.run_until(kNever, dispatch), RunStatus::kDrained);
  EXPECT_EQ(engine.events_processed(), 20u);
}

// A broken network that never makes progress must not hang the loop.
class StuckNetwork {
 public:
  struct Done {};
  [[nodiscard]] Time next_completion() const { return 5; }
  void advance_to(Time, std::vector<Done>&) {}
};

TEST(Engine, NetworkWithoutProgressThrows) {
  StuckNetwork net;
  Engine<StuckNetwork> engine(net);
  auto dispatch = [](const auto&) {};
  EXPECT_THROW(engine.run_until(seconds(1), dispatch), std::logic_error);
}

TEST(Engine, SequenceNumbersAreStampedInOrder) {
  FakeNetwork net;
  Engine<FakeNetwork> engine(net);
  EXPECT_EQ(engine.schedule(5, EventKind::kNote, 0), 0u);
  EXPECT_EQ(engine.schedule(5, EventKind::kNote, 0), 1u);
  EXPECT_EQ(engine.queue().top().seq, 0u);
}

}  // namespace
}  // namespace p2pcdn::sim
