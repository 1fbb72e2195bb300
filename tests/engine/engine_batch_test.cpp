// Engine: a network batch (several flows completing at one instant) is announced to the
// dispatcher before its first completion is dispatched, so a handler that acts on another
// flow of the batch knows that flow is already gone (the host's "flow N is not active" crash).
#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <vector>

#include "sim/engine.hpp"

namespace p2pcdn::sim {
namespace {

class BatchNetwork {
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
    std::erase_if(pending_, [&](const Done& d) {
      if (d.at > now) return false;
      done.push_back(d);
      return true;
    });
  }

 private:
  std::vector<Done> pending_;
};

struct BatchAware {
  std::vector<std::vector<std::uint32_t>> batches;  // as announced
  std::vector<std::uint32_t> dispatched;
  std::vector<std::size_t> batches_seen_at_dispatch;
  void completions_reported(std::span<const BatchNetwork::Done> batch) {
    std::vector<std::uint32_t> flows;
    for (const auto& d : batch) flows.push_back(d.flow);
    batches.push_back(flows);
  }
  void operator()(const BatchNetwork::Done& d) {
    dispatched.push_back(d.flow);
    batches_seen_at_dispatch.push_back(batches.size());
  }
  void operator()(const Event&) {}
};

struct Plain {  // no hook: still dispatches every completion
  std::vector<std::uint32_t> dispatched;
  void operator()(const BatchNetwork::Done& d) { dispatched.push_back(d.flow); }
  void operator()(const Event&) {}
};

TEST(EngineBatch, TheWholeBatchIsAnnouncedBeforeItsFirstCompletion) {
  BatchNetwork net;
  net.add(7, 100);
  net.add(3, 100);
  net.add(9, 250);
  Engine<BatchNetwork> engine(net);
  BatchAware d;
  engine.run_until(kNever, d);
  ASSERT_EQ(d.batches.size(), 2u);
  EXPECT_EQ(d.batches[0], (std::vector<std::uint32_t>{7, 3}));
  EXPECT_EQ(d.batches[1], (std::vector<std::uint32_t>{9}));
  EXPECT_EQ(d.dispatched, (std::vector<std::uint32_t>{7, 3, 9}));
  // Flows 7 and 3 were both announced before 7 was dispatched.
  EXPECT_EQ(d.batches_seen_at_dispatch, (std::vector<std::size_t>{1, 1, 2}));
}

TEST(EngineBatch, DispatchersWithoutTheHookStillGetEveryCompletion) {
  BatchNetwork net;
  net.add(1, 5);
  net.add(2, 5);
  Engine<BatchNetwork> engine(net);
  Plain d;
  engine.run_until(kNever, d);
  EXPECT_EQ(d.dispatched, (std::vector<std::uint32_t>{1, 2}));
}

}  // namespace
}  // namespace p2pcdn::sim
