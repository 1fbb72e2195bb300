// The store-and-forward upper bound on offload: a segment travels whole (a peer forwards only
// what it holds completely, as every WebRTC P2P CDN does: it announces and verifies whole
// segments) and must reach each viewer by the time that viewer plays it. A holder completes at
// most one copy per copy time c = segment bits / fastest usable uplink in the run, so the
// holders of a segment at time t after it became available are at most k * 2^floor(t / c)
// when the CDN sent it k times. Every viewer that played it within slack s must hold it by s:
// k >= M(s) / 2^floor(s / c) for each s (M(s): viewers with slack <= s), and k >= 1. The
// max-flow bound ignores time; at a short live delay this one is far below it.
// Plain inputs only: never includes sim/.
#pragma once
#include <cstdint>
#include <span>

namespace p2pcdn::analysis {

// One segment of one swarm (channel x rendition) as the players received it.
struct SegmentDeliveries {
  double size_bytes = 0;
  // WebRTC viewers by slack bin: bin b holds slacks in [b w, (b+1) w); the last bin holds
  // every slack >= (bins - 1) w (no time limit).
  std::span<const std::uint32_t> webrtc_by_slack_bin;
  double bin_s = 0;              // w
  std::uint64_t non_webrtc = 0;  // viewers that cannot receive from peers (all CDN)
};

struct StoreForwardTotals {
  double demand_bytes = 0;   // every delivery of every segment
  double cdn_min_bytes = 0;  // least the CDN must send
  double offload_bound() const {
    return demand_bytes > 0 ? 1.0 - cdn_min_bytes / demand_bytes : 0.0;
  }
};

// Least CDN copies of one segment among its WebRTC viewers (0 if it has none).
// Throws std::invalid_argument on a non-positive bin width or size, or a negative uplink.
std::uint64_t store_forward_min_copies(const SegmentDeliveries& segment, double max_uplink_bps);

// Adds one segment to the totals.
void add_store_forward(StoreForwardTotals& totals, const SegmentDeliveries& segment,
                       double max_uplink_bps);

}  // namespace p2pcdn::analysis
