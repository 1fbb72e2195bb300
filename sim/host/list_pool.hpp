// Many short lists (one per viewer: its transfers, its downloads awaiting the player) as singly
// linked nodes in one shared ChunkPool: a list costs one 4-byte head, an element one node, and
// nothing stays reserved once a list empties (a std::vector per viewer kept its largest size,
// plus its own header and a heap block with malloc's overhead). Must keep exactly the element
// order of the std::vector operations it replaces (the host's outputs depend on it).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "sim/host/chunk_pool.hpp"

namespace p2pcdn::sim {

template <class T>
class ListPool {
 public:
  static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;  // the head of an empty list

  // vector::push_back.
  void push_back(std::uint32_t& head, const T& value) {
    const std::uint32_t node = nodes_.put(Node{value, kEmpty});
    if (head == kEmpty) {
      head = node;
      return;
    }
    std::uint32_t last = head;
    while (nodes_[last].next != kEmpty) last = nodes_[last].next;
    nodes_[last].next = node;
  }

  // Calls fn(value) for each element in order; fn must not change this list.
  template <class Fn>
  void for_each(std::uint32_t head, Fn&& fn) const {
    for (std::uint32_t n = head; n != kEmpty; n = nodes_[n].next) fn(nodes_[n].value);
  }
  [[nodiscard]] std::size_t size(std::uint32_t head) const {
    std::size_t count = 0;
    for (std::uint32_t n = head; n != kEmpty; n = nodes_[n].next) ++count;
    return count;
  }

  // The first element equal to `value` takes the last element's value and the last node goes
  // (a vector's swap-with-last erase); false if absent.
  bool erase_swap_last(std::uint32_t& head, const T& value) {
    std::uint32_t found = kEmpty;
    std::uint32_t before_last = kEmpty;
    std::uint32_t last = head;
    for (std::uint32_t n = head; n != kEmpty; n = nodes_[n].next) {
      if (found == kEmpty && nodes_[n].value == value) found = n;
      if (nodes_[n].next == kEmpty) break;
      before_last = n;
      last = nodes_[n].next;
    }
    if (found == kEmpty) return false;
    nodes_[found].value = nodes_[last].value;
    unlink(head, before_last, last);
    return true;
  }

  // Removes and returns the first element matching pred (order kept: vector::erase).
  template <class Pred>
  std::optional<T> take_first_if(std::uint32_t& head, Pred&& pred) {
    std::uint32_t before = kEmpty;
    for (std::uint32_t n = head; n != kEmpty; before = n, n = nodes_[n].next) {
      if (!pred(static_cast<const T&>(nodes_[n].value))) continue;
      const T value = nodes_[n].value;
      unlink(head, before, n);
      return value;
    }
    return std::nullopt;
  }

  // Removes every element matching pred (order kept: std::erase_if).
  template <class Pred>
  void erase_if(std::uint32_t& head, Pred&& pred) {
    std::uint32_t before = kEmpty;
    for (std::uint32_t n = head; n != kEmpty;) {
      const std::uint32_t next = nodes_[n].next;
      if (pred(static_cast<const T&>(nodes_[n].value))) {
        unlink(head, before, n);
      } else {
        before = n;
      }
      n = next;
    }
  }

  void clear(std::uint32_t& head) {
    for (std::uint32_t n = head; n != kEmpty;) {
      const std::uint32_t next = nodes_[n].next;
      nodes_.release(n);
      n = next;
    }
    head = kEmpty;
  }

  [[nodiscard]] std::size_t nodes() const { return nodes_.size(); }
  [[nodiscard]] std::size_t heap_bytes() const { return nodes_.heap_bytes(); }

 private:
  struct Node {
    T value;
    std::uint32_t next;
  };
  // Removes node n, whose predecessor is `before` (kEmpty: n is the head).
  void unlink(std::uint32_t& head, std::uint32_t before, std::uint32_t n) {
    if (before == kEmpty) {
      head = nodes_[n].next;
    } else {
      nodes_[before].next = nodes_[n].next;
    }
    nodes_.release(n);
  }

  ChunkPool<Node, 8> nodes_;
};

}  // namespace p2pcdn::sim
