// The audience as the host consumes it: arrivals in time order (lazily, never
// materialised), and each arriving viewer's profile drawn from its own random
// streams (models/audience and models/viewer), reduced to what the host needs.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>

#include "models/base/time.hpp"
#include "models/scenario/scenario.hpp"

namespace p2pcdn::sim {

struct Arrival {
  TimeUs time_us = 0;
  std::uint32_t channel = 0;
  std::uint64_t viewer_id = 0;  // global arrival index: the entity of the viewer's streams
  bool initial = false;         // present at t = 0: its session is a residual life
};

struct ViewerProfile {
  std::uint64_t viewer_id = 0;
  std::uint32_t channel = 0;
  std::uint16_t region = 0;     // topology region index
  std::uint16_t isp = 0;        // scenario ISP index (unique across regions)
  std::uint32_t isp_class = 0;  // topology class of (region, ISP)
  std::uint8_t device = 0;      // models::DeviceClass
  std::uint8_t nat = 0;         // models::NatType
  bool can_webrtc = false;
  bool uploads = false;
  std::uint8_t max_rendition = 0xFF;
  std::uint64_t down_bps = 0;
  std::uint64_t up_bps = 0;  // what the viewer lets P2P use (share of its uplink)
};  // kept for every live viewer: only what is read after the join (48 bytes)

class AudienceSource {
 public:
  AudienceSource(const models::Scenario& scenario, std::uint64_t seed);
  ~AudienceSource();
  AudienceSource(AudienceSource&&) noexcept;
  // The next arrival in time order; nullopt when the audience model has no more.
  std::optional<Arrival> next();
  // The viewer's attributes; depends only on (seed, viewer id, channel), never on order.
  ViewerProfile profile(const Arrival& arrival) const;
  // How long the viewer stays (>= 1 µs); same independence as profile().
  TimeUs session_us(const Arrival& arrival) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace p2pcdn::sim
