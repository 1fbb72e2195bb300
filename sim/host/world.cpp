#include "sim/host/world.hpp"

#include <algorithm>
#include <stdexcept>

namespace p2pcdn::sim {

std::unique_ptr<World> World::build(const models::Scenario& scenario, std::uint64_t seed) {
  auto topology = models::Topology::build(scenario.topology);
  auto cdn = models::Cdn::build(scenario.cdn, topology);
  auto world = std::unique_ptr<World>(
      new World{std::move(topology), std::move(cdn), {}, {}, {}, {}, {}, {}});
  for (const auto& region : scenario.topology.regions) world->region_names.push_back(region.name);
  for (const auto& isp : scenario.topology.isps) {
    world->isp_class.push_back(world->topology.class_index(isp.name));
    world->isp_region.push_back(
        static_cast<std::uint32_t>(world->topology.region_index(isp.region)));
  }
  for (const auto& rendition : scenario.stream.renditions) {
    world->rendition_names.push_back(rendition.name);
  }
  const std::size_t channels = scenario.audience.channels.law == models::ChannelLaw::kZipf
                                   ? static_cast<std::size_t>(scenario.audience.channels.zipf_count)
                                   : scenario.audience.channels.list.size();
  world->streams.reserve(channels);
  world->players.reserve(channels);
  for (std::size_t c = 0; c < channels; ++c) {
    world->streams.emplace_back(scenario.stream, seed, static_cast<std::uint32_t>(c));
    // The renditions this channel offers (explicit channels may list a subset; Zipf: all).
    std::vector<std::size_t> offered;
    if (scenario.audience.channels.law == models::ChannelLaw::kExplicit) {
      for (const auto& name : scenario.audience.channels.list[c].renditions) {
        for (std::size_t r = 0; r < world->rendition_names.size(); ++r) {
          if (world->rendition_names[r] == name) offered.push_back(r);
        }
      }
      std::sort(offered.begin(), offered.end());
      offered.erase(std::unique(offered.begin(), offered.end()), offered.end());
    }
    world->players.emplace_back(scenario.player, scenario.abr, world->streams.back(), offered);
  }
  return world;
}

}  // namespace p2pcdn::sim
