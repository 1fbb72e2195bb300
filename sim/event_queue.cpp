#include "sim/event_queue.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace p2pcdn::sim {

std::uint32_t EventQueue::take_block() {
  if (!free_blocks_.empty()) {
    const std::uint32_t id = free_blocks_.back();
    free_blocks_.pop_back();
    return id;
  }
  return allocate_block();
}

std::uint32_t EventQueue::allocate_block() {
  if (!dead_ids_.empty()) {
    const std::uint32_t id = dead_ids_.back();
    blocks_[id].reset(new Block);  // not value-initialised: no zeroing
    dead_ids_.pop_back();
    ++live_blocks_;
    return id;
  }
  if (blocks_.size() >= kNoBlock) throw std::length_error("EventQueue: too many pending events");
  blocks_.push_back(std::unique_ptr<Block>(new Block));
  ++live_blocks_;
  return static_cast<std::uint32_t>(blocks_.size() - 1);
}

// Frees pooled blocks down to max(kSpareBlocks, blocks in use) once the pool holds more than
// twice that: the hysteresis keeps a queue that oscillates around a size from churning malloc.
void EventQueue::trim_pool() {
  const std::size_t in_use = live_blocks_ - free_blocks_.size();
  const std::size_t keep = std::max(kSpareBlocks, in_use);
  if (free_blocks_.size() <= 2 * keep) return;
  while (free_blocks_.size() > keep) {
    const std::uint32_t id = free_blocks_.back();
    free_blocks_.pop_back();
    blocks_[id].reset();
    dead_ids_.push_back(id);
    --live_blocks_;
  }
}

void EventQueue::grow_chain(int b) {
  const std::uint32_t id = take_block();
  blocks_[id]->next = kNoBlock;
  Chain& chain = chains_[static_cast<std::size_t>(b)];
  if (chain.tail == kNoBlock) {
    chain.head = id;
    nonempty_[static_cast<std::size_t>(b) >> 6] |= std::uint64_t{1} << (b & 63);
  } else {
    blocks_[chain.tail]->next = id;
  }
  chain.tail = id;
  chain.tail_count = 0;
}

int EventQueue::lowest_chain() const {
  for (std::size_t w = 0; w < nonempty_.size(); ++w) {
    if (nonempty_[w] != 0) return static_cast<int>(w * 64) + std::countr_zero(nonempty_[w]);
  }
  return -1;
}

std::uint32_t EventQueue::put_wide(const Event& e) {
  if (!free_wide_.empty()) {
    const std::uint32_t i = free_wide_.back();
    free_wide_.pop_back();
    wide_[i] = e;
    return i;
  }
  if (wide_.size() >= kNoBlock) throw std::length_error("EventQueue: too many wide events");
  wide_.push_back(e);
  return static_cast<std::uint32_t>(wide_.size() - 1);
}

void EventQueue::locate_min() const {
  const int b = lowest_chain();
  if (b < 0) throw std::logic_error("EventQueue: top/pop on an empty queue");
  const Chain& chain = chains_[static_cast<std::size_t>(b)];
  const Rec* best = nullptr;
  for (std::uint32_t id = chain.head; id != kNoBlock; id = blocks_[id]->next) {
    const Block& block = *blocks_[id];
    const std::uint32_t count = id == chain.tail ? chain.tail_count : kBlockEvents;
    for (std::uint32_t k = 0; k < count; ++k) {
      if (best == nullptr || before(block.events[k], *best)) best = &block.events[k];
    }
  }
  min_ = best;
  min_bucket_ = b;
}

Event EventQueue::pop_from_bucket() {
  if (size_ == 0) throw std::logic_error("EventQueue::pop on an empty queue");
  if (min_ == nullptr) locate_min();
  const Event event = unpack(*min_);
  if ((min_->target_tag & kWide) != 0) free_wide_.push_back(min_->word);
  const Rec* const skip = min_;
  const auto b = static_cast<std::size_t>(min_bucket_);
  const Chain chain = chains_[b];
  chains_[b] = Chain{};
  nonempty_[b >> 6] &= ~(std::uint64_t{1} << (b & 63));
  // The minimum becomes the new reference key; every other event of this bucket
  // now first differs from it at a lower bit, so it moves to a lower bucket.
  // Each block goes back to the pool as soon as it is read, so the lower
  // buckets reuse it and the queue never holds two copies of a bucket.
  last_hi_ = high_word(event.at);
  last_lo_ = event.seq;
  for (std::uint32_t id = chain.head; id != kNoBlock;) {
    const Block& block = *blocks_[id];
    const std::uint32_t count = id == chain.tail ? chain.tail_count : kBlockEvents;
    const std::uint32_t next = block.next;
    for (std::uint32_t k = 0; k < count; ++k) {
      const Rec& r = block.events[k];
      if (&r == skip) continue;
      const int to = bucket_of(high_word(r.at), r.seq);
      if (to != 0) {
        put(to, r);
      } else {  // the same (at, seq) as the popped event: bucket 0 keeps whole events
        equal_.push_back(unpack(r));
        if ((r.target_tag & kWide) != 0) free_wide_.push_back(r.word);
      }
    }
    free_blocks_.push_back(id);  // only once read: put() may hand it to a lower bucket
    id = next;
  }
  trim_pool();
  min_ = nullptr;
  --size_;
  return event;
}

void EventQueue::reserve(std::size_t n) {
  const std::size_t wanted = (n + kBlockEvents - 1) / kBlockEvents;
  while (free_blocks_.size() < wanted) {
    if (blocks_.size() >= kNoBlock) throw std::length_error("EventQueue: too many pending events");
    free_blocks_.push_back(allocate_block());
  }
}

void EventQueue::clear() {
  std::vector<Event>().swap(equal_);
  chains_ = {};
  nonempty_ = {};
  std::vector<std::unique_ptr<Block>>().swap(blocks_);  // releases the memory
  std::vector<std::uint32_t>().swap(free_blocks_);
  std::vector<std::uint32_t>().swap(dead_ids_);
  live_blocks_ = 0;
  std::vector<Event>().swap(wide_);
  std::vector<std::uint32_t>().swap(free_wide_);
  last_hi_ = 0;
  last_lo_ = 0;
  size_ = 0;
  min_ = nullptr;
}

void EventQueue::throw_not_monotone(const Event& event) const {
  throw std::invalid_argument(
      "EventQueue::push: event (at=" + std::to_string(event.at) +
      " us, seq=" + std::to_string(event.seq) +
      ") is earlier than the last popped event; the queue is monotone (schedule at >= now)");
}

}  // namespace p2pcdn::sim
