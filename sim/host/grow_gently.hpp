// Capacity growth by 1/8 instead of doubling, for the per-slot arrays that stay at their
// high-water mark for the whole run (one entry per viewer slot ever used): doubling left up to
// half of each array allocated for nothing. Only capacity: never changes size or contents.
#pragma once
#include <algorithm>
#include <cstddef>

namespace p2pcdn::sim {

// Makes room for n elements; when it must grow, it grows by at least 1/8 (amortised O(1)).
template <class Vector>
void reserve_gently(Vector& v, std::size_t n) {
  if (n <= v.capacity()) return;
  v.reserve(std::max(n, v.capacity() + v.capacity() / 8 + 64));
}

}  // namespace p2pcdn::sim
