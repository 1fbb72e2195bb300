// The static world of one run, built once from a Scenario: topology (RTT
// between viewer classes), CDN PoPs, one stream timeline and player config per
// channel. Read-only while the simulation runs.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "models/cdn/cdn.hpp"
#include "models/network/topology.hpp"
#include "models/player/player.hpp"
#include "models/scenario/scenario.hpp"
#include "models/stream/stream.hpp"

namespace p2pcdn::sim {

struct World {
  models::Topology topology;
  models::Cdn cdn;
  std::vector<models::Stream> streams;        // per channel
  std::vector<models::PlayerConfig> players;  // per channel
  std::vector<std::string> region_names;      // scenario order
  std::vector<models::ClassId> isp_class;     // scenario ISP index -> topology class
  std::vector<std::uint32_t> isp_region;      // scenario ISP index -> region index
  std::vector<std::string> rendition_names;   // the ladder (shared by all channels)

  // Throws std::invalid_argument naming the scenario key when the world cannot be built.
  static std::unique_ptr<World> build(const models::Scenario& scenario, std::uint64_t seed);
};

}  // namespace p2pcdn::sim
