#include "analysis/bounds/store_forward_bound.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace p2pcdn::analysis {

std::uint64_t store_forward_min_copies(const SegmentDeliveries& segment, double max_uplink_bps) {
  if (!(segment.bin_s > 0) || !(segment.size_bytes > 0) || !(max_uplink_bps >= 0)) {
    throw std::invalid_argument(
        "store-and-forward bound: bin width and size must be > 0, "
        "the uplink >= 0");
  }
  const std::span<const std::uint32_t> bins = segment.webrtc_by_slack_bin;
  std::uint64_t total = 0;
  for (const std::uint32_t n : bins) total += n;
  if (total == 0) return 0;
  if (max_uplink_bps <= 0) return total;  // nobody can forward
  const double copy_s = segment.size_bytes * 8.0 / max_uplink_bps;
  double k = 1;  // at least one copy enters the swarm
  std::uint64_t within = 0;
  for (std::size_t b = 0; b + 1 < bins.size(); ++b) {
    within += bins[b];
    if (bins[b] == 0) continue;
    // Every viewer of bins 0..b played it before (b+1) w: held by then.
    const double doublings = std::floor(static_cast<double>(b + 1) * segment.bin_s / copy_s);
    if (doublings >= 63) break;  // 2^63 copies: no constraint from here on
    k = std::max(k, static_cast<double>(within) / std::exp2(doublings));
  }
  return std::min<std::uint64_t>(total, static_cast<std::uint64_t>(std::ceil(k)));
}

void add_store_forward(StoreForwardTotals& totals, const SegmentDeliveries& segment,
                       double max_uplink_bps) {
  std::uint64_t webrtc = 0;
  for (const std::uint32_t n : segment.webrtc_by_slack_bin) webrtc += n;
  const std::uint64_t viewers = webrtc + segment.non_webrtc;
  if (viewers == 0) return;
  const std::uint64_t k = store_forward_min_copies(segment, max_uplink_bps);
  totals.demand_bytes += static_cast<double>(viewers) * segment.size_bytes;
  totals.cdn_min_bytes += static_cast<double>(k + segment.non_webrtc) * segment.size_bytes;
}

}  // namespace p2pcdn::analysis
