// The plain result of one run's metrics (what summary.json, timeseries.csv and
// report.html are written from). Data only: no behaviour, no I/O. Every field is
// defined in docs/metrics.md; keep the two in step.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/base/time.hpp"

namespace p2pcdn::analysis {

// Mean and quantiles of one per-viewer quantity. Quantiles come from a DDSketch
// (1 % relative accuracy); mean, min, max are exact. All NaN when count == 0.
struct DistributionSummary {
  std::uint64_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, min = 0, max = 0;
  struct Point {
    double value;
    double probability;  // share of viewers with a value <= value
  };
  std::vector<Point> cdf;  // 101 points at q = 0, 0.01, ..., 1 (empty if count == 0)
};

// Egress of one source (a PoP's CDN egress, all CDN, TURN, ...) over the run's intervals.
struct EgressSummary {
  std::string name;
  std::uint64_t bytes = 0;
  double mean_gbps = 0;  // bytes * 8 / run duration
  double peak_gbps = 0;  // highest interval rate
  double p95_gbps = 0;   // 95th percentile of interval rates, nearest rank (burstable billing)
};

struct NatPairCount {
  std::string nat_a, nat_b;  // initiator, responder
  std::uint64_t attempts = 0, successes = 0, relayed = 0;
};

// One group of a breakdown (a device class, NAT type, region or rendition).
struct GroupBreakdown {
  std::string name;
  std::uint64_t bytes_cdn = 0, bytes_p2p = 0, bytes_turn = 0;
  double offload = 0;                 // bytes_p2p / (cdn + p2p + turn); NaN if no bytes
  std::uint64_t viewers = 0;          // viewer outcomes in the group
  double rebuffering_ratio_mean = 0;  // over started viewers of the group; NaN if none
  double stalled_share = 0;           // started viewers with >= 1 stall; NaN if none
  double startup_s_mean = 0;          // NaN if none started
  double avg_bitrate_kbps_mean = 0;   // NaN if none played
};

// One row per interval [t_start_s, t_end_s).
struct TimeseriesRow {
  double t_start_s = 0, t_end_s = 0;
  double viewers = 0;              // time-averaged concurrency
  std::uint64_t viewers_peak = 0;  // highest concurrency in the interval
  double cdn_gbps = 0, p2p_gbps = 0, turn_gbps = 0;
  double offload = 0;                   // NaN if no bytes in the interval
  double stalling_share = 0;            // NaN if no viewer-time in the interval
  double mean_bitrate_kbps = 0;         // NaN if no sample in the interval
  std::vector<double> cdn_gbps_by_pop;  // same order as Summary::pops
};

// What the viewers' schedulers did, summed over every session (those still watching at the end
// included): why a policy gets the offload it gets (requests refused, timed out, replaced by
// HTTP for the deadline). Filled from the scheduler's per-agent counters by the host.
struct SchedulerTotals {
  std::uint64_t http_segments = 0, p2p_segments = 0;  // downloads completed, by source
  std::uint64_t http_failures = 0;
  std::uint64_t requests_sent = 0;          // peer requests
  std::uint64_t requests_rejected = 0;      // ... refused by the uploader (busy, absent, rate)
  std::uint64_t requests_timed_out = 0;     // ... abandoned on timeout
  std::uint64_t requests_failed = 0;        // ... failed (transfer failed, peer left)
  std::uint64_t p2p_to_http_fallbacks = 0;  // peer downloads replaced by HTTP for the deadline
  std::uint64_t uploads_served = 0, uploads_rejected = 0;
  std::uint64_t integrity_failures = 0, peers_banned = 0, malformed_messages = 0;
  std::uint64_t decision_epochs = 0;  // policy invocations
  std::uint64_t epochs_skipped = 0;   // inputs the agent proved could not change a decision
  // requests_rejected by the uploader's reason
  std::uint64_t rejected_busy = 0, rejected_not_found = 0, rejected_rate_limited = 0;
  // HTTP fetches the policy started, by reason (seed, deadline, no holder, the policy's rule)
  std::uint64_t http_seed = 0, http_deadline = 0, http_no_holder = 0, http_rule = 0;
};

struct Summary {
  TimeUs interval_us = 0;
  TimeUs end_us = 0;  // the time finish() was called with (the measured span is [0, end))

  std::vector<std::string> pops, renditions, devices, nats, regions;

  // Delivery.
  std::uint64_t bytes_cdn = 0, bytes_p2p = 0, bytes_turn = 0;
  double offload = 0;  // bytes_p2p / (cdn + p2p + turn); 0 when nothing was delivered
  EgressSummary cdn;   // all PoPs together
  std::vector<EgressSummary> cdn_by_pop;
  EgressSummary turn;    // TURN relays
  EgressSummary server;  // CDN + TURN: all egress the operator pays for

  // Connections (attempts between peers), ordered by (nat_a, nat_b); pairs with no attempt omitted.
  std::uint64_t connection_attempts = 0, connection_successes = 0, connection_relayed = 0;
  std::vector<NatPairCount> connections_by_nat;

  SchedulerTotals scheduler;
  // Bytes of transfers that never completed (cancelled, timed out, failed, cut by a departure),
  // by source: counted in bytes_* too (they crossed the network), but nobody played them.
  std::uint64_t wasted_cdn = 0, wasted_p2p = 0, wasted_turn = 0;

  // Audience.
  std::uint64_t viewers = 0;          // viewer outcomes received
  std::uint64_t viewers_started = 0;  // of which startup_us >= 0
  std::uint64_t peak_concurrency = 0;
  double never_started_share = 0;  // (viewers - started) / viewers; NaN if no viewers
  double stalled_share = 0;        // started viewers with >= 1 stall / started; NaN if none

  // QoE distributions over viewers (see docs/metrics.md for who is included).
  DistributionSummary rebuffering_ratio;
  DistributionSummary stalls_per_hour;
  DistributionSummary startup_s;
  DistributionSummary avg_bitrate_kbps;
  DistributionSummary bitrate_switches;
  DistributionSummary watch_s;
  DistributionSummary viewer_offload;  // per viewer: bytes_p2p / its bytes (viewers with bytes)

  // Breakdowns.
  std::vector<GroupBreakdown> by_device, by_nat, by_region, by_rendition;

  std::vector<TimeseriesRow> timeseries;
};

}  // namespace p2pcdn::analysis
