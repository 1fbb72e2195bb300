// Per segment of each swarm, how much slack its viewers had: the time from the segment's
// availability at the CDN to the instant the viewer played it (or received it, if later).
// What the store-and-forward bound needs (analysis/bounds/store_forward_bound.hpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "models/base/time.hpp"

namespace p2pcdn::sim {

struct SegmentSlacks {
  static constexpr double kBinS = 0.25;
  static constexpr std::size_t kBins = 257;  // 0.25 s bins to 64 s, then one for >= 64 s
  std::uint32_t channel = 0;
  std::uint16_t rendition = 0;
  std::int64_t index = 0;
  std::uint64_t size_bytes = 0;  // as delivered (the largest seen: sizes are per segment)
  std::uint64_t non_webrtc = 0;
  std::vector<std::uint32_t> webrtc_by_bin;  // kBins entries
  void add(const SegmentSlacks& other) {
    size_bytes = std::max(size_bytes, other.size_bytes);
    non_webrtc += other.non_webrtc;
    for (std::size_t b = 0; b < kBins; ++b) webrtc_by_bin[b] += other.webrtc_by_bin[b];
  }
};

class SlackRecorder {
 public:
  void record(std::uint32_t channel, std::uint16_t rendition, std::int64_t index,
              std::uint64_t size_bytes, bool webrtc, TimeUs slack_us) {
    const std::uint64_t key = (std::uint64_t{channel} << 40) ^ (std::uint64_t{rendition} << 32) ^
                              static_cast<std::uint32_t>(index);
    auto [it, fresh] = segments_.try_emplace(key);
    SegmentSlacks& s = it->second;
    if (fresh) {
      s.channel = channel;
      s.rendition = rendition;
      s.index = index;
      s.webrtc_by_bin.assign(SegmentSlacks::kBins, 0);
    }
    s.size_bytes = std::max(s.size_bytes, size_bytes);
    if (!webrtc) {
      ++s.non_webrtc;
      return;
    }
    const double bin =
        static_cast<double>(std::max<TimeUs>(slack_us, 0)) * 1e-6 / SegmentSlacks::kBinS;
    ++s.webrtc_by_bin[std::min<std::size_t>(static_cast<std::size_t>(bin),
                                            SegmentSlacks::kBins - 1)];
  }
  void note_uploader(double usable_up_bps) { max_up_bps_ = std::max(max_up_bps_, usable_up_bps); }
  [[nodiscard]] double max_up_bps() const { return max_up_bps_; }

  // Every segment, ordered by (channel, rendition, index): deterministic whatever the hashing.
  [[nodiscard]] std::vector<SegmentSlacks> take_sorted() {
    std::vector<SegmentSlacks> out;
    out.reserve(segments_.size());
    for (auto& [key, s] : segments_) out.push_back(std::move(s));
    segments_.clear();
    std::sort(out.begin(), out.end(), before);
    return out;
  }
  static bool before(const SegmentSlacks& a, const SegmentSlacks& b) {
    if (a.channel != b.channel) return a.channel < b.channel;
    if (a.rendition != b.rendition) return a.rendition < b.rendition;
    return a.index < b.index;
  }

 private:
  std::unordered_map<std::uint64_t, SegmentSlacks> segments_;
  double max_up_bps_ = 0;
};

}  // namespace p2pcdn::sim
