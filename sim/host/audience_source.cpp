#include "sim/host/audience_source.hpp"

#include <algorithm>
#include <cmath>

#include "models/audience/audience_model.hpp"
#include "models/viewer/viewer_sampler.hpp"

namespace p2pcdn::sim {

struct AudienceSource::Impl {
  Impl(const models::Scenario& s, std::uint64_t seed_in)
      : scenario(s),
        seed(seed_in),
        model(s.audience, s.run.duration_s, seed_in),
        generator(model.arrivals()),
        sampler(s) {
    // Mobile devices may be capped to a rendition (stream.mobile_cap_kbps; 0 = no cap).
    const double cap = s.stream.mobile_cap_kbps;
    if (cap > 0) {
      int best = 0;
      for (std::size_t r = 0; r < s.stream.renditions.size(); ++r) {
        if (s.stream.renditions[r].bitrate_kbps <= cap) best = static_cast<int>(r);
      }
      mobile_max_rendition = static_cast<std::uint8_t>(best);
    }
  }
  const models::Scenario& scenario;
  std::uint64_t seed;
  models::AudienceModel model;
  models::ArrivalGenerator generator;
  models::ViewerSampler sampler;
  std::uint8_t mobile_max_rendition = 0xFF;
};

AudienceSource::AudienceSource(const models::Scenario& scenario, std::uint64_t seed)
    : impl_(std::make_unique<Impl>(scenario, seed)) {}
AudienceSource::~AudienceSource() = default;
AudienceSource::AudienceSource(AudienceSource&&) noexcept = default;

std::optional<Arrival> AudienceSource::next() {
  auto arrival = impl_->generator.next();
  if (!arrival) return std::nullopt;
  return Arrival{arrival->time_us, arrival->channel, arrival->viewer_id, arrival->initial};
}

ViewerProfile AudienceSource::profile(const Arrival& arrival) const {
  const models::ViewerAttributes a = impl_->sampler.sample(impl_->seed, arrival.viewer_id);
  ViewerProfile p;
  p.viewer_id = arrival.viewer_id;
  p.channel = arrival.channel;
  p.region = static_cast<std::uint16_t>(a.region);
  p.isp = static_cast<std::uint16_t>(a.isp);
  p.isp_class = a.isp;
  p.device = static_cast<std::uint8_t>(a.device);
  p.nat = static_cast<std::uint8_t>(a.nat);
  p.can_webrtc = a.can_webrtc;
  p.uploads = a.uploads;
  const bool mobile = a.device == models::DeviceClass::kMobileWifi ||
                      a.device == models::DeviceClass::kMobileCellular;
  p.max_rendition = mobile ? impl_->mobile_max_rendition : 0xFF;
  p.down_bps = static_cast<std::uint64_t>(std::max(1.0, std::floor(a.down_bps)));
  // Browsers upload a share of their uplink to peers (p2p.upload_share_of_uplink, §3.3).
  p.up_bps = static_cast<std::uint64_t>(
      std::max(1.0, std::floor(a.up_bps * impl_->scenario.p2p.upload_share_of_uplink)));
  return p;
}

TimeUs AudienceSource::session_us(const Arrival& arrival) const {
  const models::Arrival m{arrival.time_us, arrival.channel, arrival.viewer_id, arrival.initial};
  return std::max<TimeUs>(1, impl_->model.departure_us(m) - m.time_us);
}

}  // namespace p2pcdn::sim
