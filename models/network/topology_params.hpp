// Parameters of the network topology: regions, ISPs (each inside one region) and the
// interconnects between them with one-way latencies. Plain data only: no behaviour,
// no validation (Topology::build reports unknown names and unreachable classes).
#pragma once
#include <string>
#include <vector>

namespace p2pcdn::models {

// A region is a hub node (its IXP / metro backbone).
struct Region {
  std::string name = "region-1";
  // Share of the audience in this region, used by the viewer model (scenario helper).
  double viewer_share = 1.0;
};

// One ISP's network inside one region: a node joined to its region's hub.
// A viewer's class is its ISP entry (region, ISP).
struct Isp {
  std::string name = "isp-1";
  std::string region = "region-1";
  // Share of the region's viewers on this ISP, used by the viewer model (scenario helper).
  double viewer_share = 1.0;
  // One-way latency ISP core <-> region hub (no source key in parameters.md, U).
  double hub_latency_ms = 2.0;
  // One-way latency between two subscribers' edges inside this ISP (same class), U.
  double intra_latency_ms = 5.0;
};

// An extra link between two named nodes (region or ISP names; names are unique across
// both lists), e.g. a backbone between regions or private peering between ISPs.
struct Interconnect {
  std::string from;
  std::string to;
  double latency_ms = 0.0;  // one-way
};

struct TopologyParams {
  std::vector<Region> regions = {Region{}};
  std::vector<Isp> isps = {Isp{}};
  std::vector<Interconnect> interconnects{};
};

}  // namespace p2pcdn::models
