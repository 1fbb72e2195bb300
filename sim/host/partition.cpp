#include "sim/host/partition.hpp"

#include <numeric>

namespace p2pcdn::sim {
namespace {

struct RegionSets {  // union-find over region indices
  std::vector<std::size_t> parent;
  explicit RegionSets(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  std::size_t find(std::size_t r) {
    while (parent[r] != r) r = parent[r] = parent[parent[r]];
    return r;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the lower index is the root
  }
};

}  // namespace

std::vector<std::size_t> turn_relay_regions(const models::Scenario& scenario, const World& world) {
  const std::size_t regions = world.region_names.size();
  std::vector<bool> has_relay(regions, scenario.turn.regions.empty());
  for (const std::string& name : scenario.turn.regions) {
    has_relay[world.topology.region_index(name)] = true;
  }
  std::vector<std::size_t> relay(regions);
  for (std::size_t r = 0; r < regions; ++r) {
    std::size_t best = r;
    for (std::size_t q = 0; q < regions && !has_relay[r]; ++q) {
      if (!has_relay[q]) continue;
      if (!has_relay[best] || world.topology.region_to_region_rtt_us(r, q) <
                                  world.topology.region_to_region_rtt_us(r, best)) {
        best = q;
      }
    }
    relay[r] = best;
  }
  return relay;
}

std::vector<std::vector<bool>> plan_partitions(const models::Scenario& scenario,
                                               const World& world) {
  const std::size_t regions = world.region_names.size();
  if (scenario.run.partition == models::RunPartition::kNone || regions <= 1) {
    return {std::vector<bool>(regions, true)};
  }
  RegionSets sets(regions);
  // Request routing changes only when a PoP fails or recovers: look at t = 0 and each change.
  const TimeUs end = from_seconds(scenario.run.duration_s);
  for (TimeUs t = 0; t != kNever && t <= end; t = world.cdn.next_change_us(t)) {
    for (std::size_t r = 0; r < regions; ++r) {
      const models::PopId pop = world.cdn.route(r, t);
      if (pop != models::kNoPop) sets.unite(r, world.cdn.pop_region(pop));
    }
  }
  if (scenario.turn.enabled) {
    const std::vector<std::size_t> relay = turn_relay_regions(scenario, world);
    for (std::size_t r = 0; r < regions; ++r) sets.unite(r, relay[r]);
  }
  std::vector<std::vector<bool>> partitions;
  std::vector<std::size_t> partition_of_root(regions, regions);
  for (std::size_t r = 0; r < regions; ++r) {
    const std::size_t root = sets.find(r);
    if (partition_of_root[root] == regions) {
      partition_of_root[root] = partitions.size();
      partitions.emplace_back(regions, false);
    }
    partitions[partition_of_root[root]][r] = true;
  }
  return partitions;
}

}  // namespace p2pcdn::sim
