// Indexed binary min-heap of (time, id) for the flow solvers' completion times: O(log n) set,
// update and erase by id, O(1) minimum, no allocation once grown. Ordered exactly like
// std::set<std::pair<Time, id>>; it never reads a clock and holds one entry per id.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "models/base/time.hpp"

namespace p2pcdn::sim {

class TimeHeap {
 public:
  using Time = p2pcdn::TimeUs;

  [[nodiscard]] bool empty() const { return heap_.empty(); }
  [[nodiscard]] std::size_t size() const { return heap_.size(); }
  [[nodiscard]] Time top_time() const { return heap_.front().at(); }
  [[nodiscard]] bool contains(std::uint32_t id) const { return id < pos_.size() && pos_[id] != 0; }
  // Heap bytes held (capacities, not sizes).
  [[nodiscard]] std::size_t heap_bytes() const {
    return heap_.capacity() * sizeof(Entry) + pos_.capacity() * sizeof(std::uint32_t) +
           stack_.capacity() * sizeof(std::uint32_t);
  }

  // Inserts id at `at`, or moves it there if present.
  void set(std::uint32_t id, Time at) {
    if (id >= pos_.size()) {
      grow_gently(pos_, static_cast<std::size_t>(id) + 1);
      pos_.resize(static_cast<std::size_t>(id) + 1, 0);
    }
    if (pos_[id] == 0) {
      grow_gently(heap_, heap_.size() + 1);
      heap_.push_back(Entry(at, id));
      pos_[id] = static_cast<std::uint32_t>(heap_.size());
      up(heap_.size() - 1);
      return;
    }
    const std::size_t k = pos_[id] - 1;
    const Entry old = heap_[k];
    heap_[k] = Entry(at, id);
    if (less(heap_[k], old)) {
      up(k);
    } else {
      down(k);
    }
  }

  void erase(std::uint32_t id) {
    if (!contains(id)) return;
    const std::size_t k = pos_[id] - 1;
    pos_[id] = 0;
    const Entry last = heap_.back();
    heap_.pop_back();
    if (k == heap_.size()) return;
    heap_[k] = last;
    pos_[last.id] = static_cast<std::uint32_t>(k + 1);
    up(k);
    down(pos_[last.id] - 1);
  }

  // Calls fn(id) for every entry at time `at` (in heap order, not sorted), O(matches).
  template <typename Fn>
  void for_each_at(Time at, Fn&& fn) const {
    if (heap_.empty() || heap_.front().at() > at) return;
    stack_.clear();
    stack_.push_back(0);
    while (!stack_.empty()) {
      const std::size_t k = stack_.back();
      stack_.pop_back();
      if (heap_[k].at() != at) continue;  // a min-heap: its children are no earlier either
      fn(heap_[k].id);
      for (std::size_t c = 2 * k + 1; c <= 2 * k + 2 && c < heap_.size(); ++c)
        stack_.push_back(static_cast<std::uint32_t>(c));
    }
  }

 private:
  // 12 bytes, not 16: the time is kept as two 32-bit words (4-byte alignment, no padding).
  struct Entry {
    Entry() = default;
    Entry(Time t, std::uint32_t i) : id(i) { std::memcpy(at_words, &t, sizeof(t)); }
    [[nodiscard]] Time at() const {
      Time t;
      std::memcpy(&t, at_words, sizeof(t));
      return t;
    }
    std::uint32_t at_words[2];
    std::uint32_t id;
  };
  static_assert(sizeof(Entry) == 12);
  // Grows by 1/8 instead of doubling: both vectors stay at their high-water mark (one entry per
  // flow id for the flow network's explicit flows), so doubling left up to half of them
  // allocated for nothing; the extra moves cost O(1) amortised per element.
  template <class T>
  static void grow_gently(std::vector<T>& v, std::size_t n) {
    if (n > v.capacity()) v.reserve(std::max(n, v.size() + v.size() / 8 + 64));
  }
  static bool less(const Entry& a, const Entry& b) {
    const Time ta = a.at(), tb = b.at();
    return ta < tb || (ta == tb && a.id < b.id);
  }
  void place(std::size_t k, const Entry& e) {
    heap_[k] = e;
    pos_[e.id] = static_cast<std::uint32_t>(k + 1);
  }
  void up(std::size_t k) {
    const Entry e = heap_[k];
    while (k > 0) {
      const std::size_t parent = (k - 1) / 2;
      if (!less(e, heap_[parent])) break;
      place(k, heap_[parent]);
      k = parent;
    }
    place(k, e);
  }
  void down(std::size_t k) {
    const Entry e = heap_[k];
    const std::size_t n = heap_.size();
    for (;;) {
      std::size_t c = 2 * k + 1;
      if (c >= n) break;
      if (c + 1 < n && less(heap_[c + 1], heap_[c])) ++c;
      if (!less(heap_[c], e)) break;
      place(k, heap_[c]);
      k = c;
    }
    place(k, e);
  }

  std::vector<Entry> heap_;
  std::vector<std::uint32_t> pos_;  // index + 1 in heap_, 0 = absent
  mutable std::vector<std::uint32_t> stack_;
};

}  // namespace p2pcdn::sim
