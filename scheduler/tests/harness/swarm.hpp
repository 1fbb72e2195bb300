// A small deterministic swarm for property tests: N agents wired together in fake time with
// latencies, HTTP and uplink rates, churn, failures and a simple player per agent. Test-only.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "p2pcdn/scheduler/ids.hpp"

namespace p2pcdn::sched::test {

struct SwarmParams {
  std::string policy = "windowed";
  std::uint64_t seed = 1;
  int agents = 8;
  int degree = 4;     // neighbours each joiner connects to
  int segments = 30;  // published segments (4 s each)
  std::uint32_t segment_bytes = 500'000;
  TimeUs segment_us = 4'000'000;
  TimeUs join_spread_us = 8'000'000;
  TimeUs startup_us = 6'000'000;   // first deadline after join
  double http_fail = 0;            // probability an HTTP fetch fails
  double upload_fail = 0;          // probability a peer upload fails midway
  double corrupt = 0;              // probability a peer upload fails integrity
  double churn_per_s = 0;          // connection drops per second (whole swarm)
  int rendition_switch_every = 0;  // >0: agent switches rendition every n deliveries
  std::uint32_t uplink_kbps_min = 2'000;
  std::uint32_t uplink_kbps_max = 20'000;
  bool skip_idle_epochs = true;        // AgentConfig::skip_idle_epochs of every agent
  std::uint16_t window_segments = 64;  // AgentConfig::window_segments of every agent
  // Digest a SegmentMap as the set of segments it marks held (not its bytes), so that swarms
  // whose agents differ only in window size (map length) can be compared.
  bool digest_maps_as_sets = false;
};

struct SwarmResult {
  std::uint64_t digest = 0;  // hash of every action with its time
  std::uint64_t actions = 0;
  std::uint64_t deliveries = 0;
  TimeUs max_late_us = 0;              // delivery - max(deadline, available) over all needs
  std::uint64_t needs_unanswered = 0;  // needs still open long after their deadline
  std::uint64_t http_bytes = 0;
  std::uint64_t p2p_bytes = 0;
  std::uint64_t max_heap_bytes = 0;
  TimeUs stall_us = 0;
  std::uint64_t epochs_run = 0;  // AgentStats::decision_epochs summed over the agents
  std::uint64_t epochs_skipped = 0;
  std::vector<std::string> violations;  // invariant / order violations (first few)
};

SwarmResult run_swarm(const SwarmParams& params);

// Upper bound of one HTTP fetch in the swarm (latency + size at the slowest CDN rate).
TimeUs swarm_http_max_us(const SwarmParams& params);

}  // namespace p2pcdn::sched::test
