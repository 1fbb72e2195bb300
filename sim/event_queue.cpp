#include "sim/event_queue.hpp"

#include <stdexcept>
#include <string>

namespace p2pcdn::sim {

int EventQueue::lowest_nonempty() const {
  for (std::size_t w = 0; w < nonempty_.size(); ++w) {
    if (nonempty_[w] != 0) return static_cast<int>(w * 64) + std::countr_zero(nonempty_[w]);
  }
  return -1;
}

void EventQueue::locate_min() const {
  const int b = lowest_nonempty();
  if (b < 0) throw std::logic_error("EventQueue: top/pop on an empty queue");
  const std::vector<Event>& bucket = buckets_[static_cast<std::size_t>(b)];
  std::size_t best = 0;
  for (std::size_t i = 1; i < bucket.size(); ++i) {
    if (fires_before(bucket[i], bucket[best])) best = i;
  }
  min_bucket_ = b;
  min_index_ = best;
}

Event EventQueue::pop_from_bucket() {
  if (size_ == 0) throw std::logic_error("EventQueue::pop on an empty queue");
  if (min_bucket_ < 0) locate_min();
  const auto b = static_cast<std::size_t>(min_bucket_);
  std::vector<Event>& bucket = buckets_[b];
  const Event event = bucket[min_index_];
  bucket[min_index_] = bucket.back();
  bucket.pop_back();
  // The minimum becomes the new reference key; every other event of this bucket
  // now first differs from it at a lower bit, so it moves to a lower bucket.
  last_hi_ = high_word(event.at);
  last_lo_ = event.seq;
  for (const Event& e : bucket) put(bucket_of(high_word(e.at), e.seq), e);
  bucket.clear();
  nonempty_[b >> 6] &= ~(std::uint64_t{1} << (b & 63));
  min_bucket_ = -1;
  --size_;
  return event;
}

void EventQueue::reserve(std::size_t n) { buckets_[0].reserve(n < 1024 ? n : 1024); }

void EventQueue::clear() {
  for (auto& bucket : buckets_) bucket.clear();
  nonempty_ = {};
  last_hi_ = 0;
  last_lo_ = 0;
  size_ = 0;
  min_bucket_ = -1;
}

void EventQueue::throw_not_monotone(const Event& event) const {
  throw std::invalid_argument(
      "EventQueue::push: event (at=" + std::to_string(event.at) +
      " us, seq=" + std::to_string(event.seq) +
      ") is earlier than the last popped event; the queue is monotone (schedule at >= now)");
}

}  // namespace p2pcdn::sim
