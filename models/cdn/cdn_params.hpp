// Parameters of the CDN: PoPs (region, egress capacity), the origin, scheduled outages
// and HTTP request latency (parameters.md §7). Plain data only: no behaviour, no
// validation (the scenario loader checks names refer to defined regions/PoPs).
#pragma once
#include <string>
#include <vector>

namespace p2pcdn::models {

struct Pop {
  std::string name = "pop-1";
  std::string region = "region-1";  // a TopologyParams region name
  // `cdn.pop.capacity_tbps = 2.0` per metro PoP, §7.2 (D from Cloudflare 500 Tbps / 330 cities
  // [CF24][CF500]).
  double egress_gbps = 2000.0;
  // One-way latency from the PoP to its region's hub (no source key, U).
  double hub_latency_ms = 1.0;
};

// The PoP is down on [at_s, until_s): requests route to the next nearest PoP.
struct Outage {
  std::string pop;
  double at_s = 0.0;
  double until_s = 0.0;
};

// Origin/shield: §7.2 "not modelled beyond a cache-fill rate (one fill per segment per PoP)".
struct Origin {
  std::string region = "region-1";
  double egress_gbps = 100.0;     // `cdn.server_gbps = 100`, §7.2 (D/U)
  double fill_latency_ms = 50.0;  // extra latency of a PoP cache fill (no source key, U)
};

struct CdnParams {
  std::vector<Pop> pops = {Pop{}};
  Origin origin{};
  std::vector<Outage> outages{};
  // Server-side time to first byte added to one RTT per HTTP request on a kept-alive
  // connection (no source key in parameters.md, U; hls.js TTFB timeout 10 s §5.4 is the bound).
  double http_server_latency_ms = 10.0;
};

}  // namespace p2pcdn::models
