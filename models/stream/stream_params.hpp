// Parameters of the live stream: the bitrate ladder, segment timing, segment-size
// variability and the live-latency target (parameters.md §5.1-5.3).
// Plain data only: no behaviour, no validation (the scenario loader validates).
#pragma once
#include <string>
#include <vector>

namespace p2pcdn::models {

// One rung of the bitrate ladder.
struct Rendition {
  std::string name;
  double bitrate_kbps = 0.0;  // nominal video bitrate (audio not modelled separately)
  int width_px = 0;
  int height_px = 0;
};

// Apple HLS authoring spec, H.264 SDR 16:9 ladder: parameters.md §5.2 [APLAD] (status S).
inline std::vector<Rendition> apple_hls_ladder() {
  return {
      {"234p", 145.0, 416, 234},        {"360p", 365.0, 640, 360},
      {"432p", 730.0, 768, 432},        {"432p-hi", 1100.0, 768, 432},
      {"540p", 2000.0, 960, 540},       {"720p", 3000.0, 1280, 720},
      {"720p-hi", 4500.0, 1280, 720},   {"1080p", 6000.0, 1920, 1080},
      {"1080p-hi", 7800.0, 1920, 1080},
  };
}

struct StreamParams {
  // Bitrate ladder, lowest first: §5.2 Apple ladder [APLAD] (S).
  std::vector<Rendition> renditions = apple_hls_ladder();
  // `stream.segment_s` = 6: §5.1 Apple HLS authoring spec [MPF] (S); sweep {2, 4, 6}.
  double segment_duration_s = 6.0;
  // Coefficient of variation of segment sizes around bitrate x duration (lognormal, mean 1).
  // No measured source in parameters.md: engineering choice (U), typical of capped-VBR encodes.
  double segment_size_cv = 0.2;
  // Encoder + packager delay after a segment's last frame before the CDN can serve it.
  // No source key in parameters.md (U); LL-HLS part hold-back 1.5 s in §5.1 [HLSP61] is the scale.
  double availability_delay_s = 1.0;
  // Glass-to-glass latency target reported against (QoE): standard HLS/DASH 15-30 s,
  // §5.3 [MWARE][TVC][FORA] (S): 6 s segment + 1 s packaging + 3 x 6 s hls.js sync = 25 s (D).
  double live_latency_target_s = 25.0;
  // Highest bitrate offered to mobile devices; 0 = no cap. §5.2: the `india_cricket` profile
  // caps mobile at 1100 kbps (D) to land near the Hotstar 0.4 Mbps/viewer average [HS19a].
  double mobile_cap_kbps = 0.0;
};

}  // namespace p2pcdn::models
