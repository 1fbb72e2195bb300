// NaiveEventQueue: the obviously correct reference (std::priority_queue ordered
// by (at, seq)) that the fast EventQueue is tested and benchmarked against.
// Must never be used by the simulator itself: it is here to be simple, not fast.
#pragma once
#include <cstddef>
#include <queue>
#include <stdexcept>
#include <vector>

#include "sim/event.hpp"

namespace p2pcdn::sim {

class NaiveEventQueue {
 public:
  void push(const Event& event) { heap_.push(event); }
  [[nodiscard]] bool empty() const { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const { return heap_.size(); }
  [[nodiscard]] Time top_time() const { return heap_.empty() ? kNever : heap_.top().at; }
  [[nodiscard]] const Event& top() const { return heap_.top(); }
  Event pop() {
    if (heap_.empty()) throw std::logic_error("NaiveEventQueue::pop on an empty queue");
    Event event = heap_.top();
    heap_.pop();
    return event;
  }
  // Pre-sizes the heap's vector; only effective while empty (std::priority_queue
  // does not expose its container otherwise).
  void reserve(std::size_t n) {
    if (!heap_.empty()) return;
    std::vector<Event> storage;
    storage.reserve(n);
    heap_ = Heap(Later{}, std::move(storage));
  }

 private:
  struct Later {
    bool operator()(const Event& a, const Event& b) const { return fires_before(b, a); }
  };
  using Heap = std::priority_queue<Event, std::vector<Event>, Later>;
  Heap heap_;
};

}  // namespace p2pcdn::sim
