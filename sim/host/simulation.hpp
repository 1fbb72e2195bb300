// One simulation run: the host adapter that wires the engine, the flow network,
// the world models and one production scheduler agent + player per viewer.
// This is the only place where sim/ meets scheduler/. Deterministic: the same
// (binary, scenario, seed) gives the same result bit for bit.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metrics/collector.hpp"
#include "analysis/metrics/summary.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/host/slack_recorder.hpp"

namespace p2pcdn::sim {

struct SimulationOptions {
  std::uint64_t seed = 1;
  // Polled between events; when it becomes true the run stops and reports what it has
  // (marked partial). May be set from a signal handler.
  const std::atomic<bool>* stop = nullptr;
  // Called every few thousand events: (simulated seconds, events so far, viewers now).
  std::function<void(double, std::uint64_t, std::uint64_t)> progress;
  // Prints every action and player change of this viewer id to stderr (debugging a policy).
  std::optional<std::uint64_t> trace_viewer;
  // Called with each viewer's outcome as it is recorded (tests check per-viewer accounting).
  std::function<void(const analysis::ViewerOutcome&)> on_viewer_outcome;
  // Threads for a partitioned run (run.partition: region); 0 = all cores. The result is the
  // same whatever the count. With more than one thread, progress and on_viewer_outcome are
  // called from several threads (never at the same time).
  unsigned threads = 1;
};

// Host-side figures beyond the metrics (for the run object, benchmarks and tests).
struct HostStats {
  std::uint64_t events = 0;            // queue events dispatched
  std::uint64_t flow_completions = 0;  // network completions dispatched
  std::uint64_t viewers_total = 0;     // sessions started
  std::uint64_t peak_viewers = 0;
  std::uint64_t agent_heap_bytes_peak_sample = 0;  // heap bytes of agents, at the peak sample
  std::uint64_t connection_attempts = 0;
  std::uint64_t connections_made = 0;
  std::uint64_t messages_delivered = 0;
  std::uint64_t messages_dropped = 0;    // sender gone or connection closed in flight
  std::uint64_t malformed_messages = 0;  // handle_peer_message returned an error
  std::uint64_t http_transfers = 0;
  std::uint64_t p2p_transfers = 0;
  std::uint64_t transfers_cancelled = 0;
  std::uint64_t segments_delivered = 0;
  std::uint64_t deliveries_without_download = 0;  // invariant: must stay 0
  // Drains stopped at kDrainRoundsMax with the agent still producing work (the host contract
  // says drain to quiescence); invariant: must stay 0.
  std::uint64_t drains_cut = 0;
  // Completions of flows whose transfer a handler aborted earlier in the same network batch
  // (several flows ending at one instant); ignored, their bytes counted at the abort.
  std::uint64_t completions_after_abort = 0;
  double bytes_per_viewer = 0;  // host memory per concurrent viewer at the peak
};

// One swarm (channel, rendition) at one sample instant: what the theoretical offload bounds
// need (analysis/bounds). Class 6 of the per-class arrays is "cannot run WebRTC" (it can
// neither upload nor receive from peers); classes 0-5 are models::NatType.
inline constexpr std::size_t kBoundClasses = 7;
struct SwarmSample {
  std::uint32_t channel = 0;
  std::uint16_t rendition = 0;
  std::uint64_t viewers = 0;
  double stream_rate_bps = 0;
  std::array<std::uint64_t, kBoundClasses> viewers_by_class{};
  std::array<double, kBoundClasses> upload_bps_by_class{};  // usable upload (uploaders only)
};
struct IntervalSample {
  double t_s = 0;         // sample instant
  double duration_s = 0;  // the interval it stands for
  std::vector<SwarmSample> swarms;
};

// Host memory per live viewer by component, measured at the metrics sample with the most
// live viewers: sizeof of the per-viewer records and capacity() * sizeof of every container,
// Agent::heap_bytes() and Tracker::heap_bytes(); shared structures are divided by the live
// viewers. "unattributed heap" is the allocator's bytes in use (glibc mallinfo2) minus the
// measured heap: the flow network, the metrics and everything else not itemised.
struct MemoryItem {
  std::string name;
  double bytes_per_viewer = 0;
};
struct MemoryBreakdown {
  std::uint64_t viewers = 0;  // live viewers when measured (0: never measured)
  double t_s = 0;             // when
  std::vector<MemoryItem> items;
  double measured_bytes_per_viewer = 0;  // sum of the items except "unattributed heap"
  // The part of it that is neighbour lists (the agents' peer tables and the host's connection
  // rows): issue 7's budget is 2 KB per viewer plus these.
  double neighbour_list_bytes_per_viewer = 0;
  double heap_in_use_bytes = 0;  // allocator's total in use (0 if unknown), whole run
};

struct InvariantViolation {
  std::string what;
};

// How one partition of a partitioned run ran (wall time is the only field that varies between
// runs of the same binary, scenario and seed).
struct PartitionTiming {
  std::string regions;      // its regions' names, joined by '+'
  double viewer_share = 0;  // the scenario's audience share of those regions
  double wall_s = 0;        // from its start to its end on its thread
  std::uint64_t events = 0;
};

struct SimulationResult {
  analysis::Summary summary;
  HostStats host;
  bool partial = false;  // stopped before the scenario's end
  double simulated_s = 0;
  std::vector<InvariantViolation> violations;  // empty = every invariant held
  std::vector<IntervalSample> bound_samples;   // one per metrics interval
  // Per delivered segment of each swarm, its viewers by slack (store-and-forward bound), in
  // (channel, rendition, index) order, and the fastest usable uplink of any WebRTC uploader.
  std::vector<SegmentSlacks> segment_slacks;
  double max_usable_up_bps = 0;
  MemoryBreakdown memory;
  std::uint32_t partitions = 1;  // simulations the run was split into (run.partition)
  std::vector<PartitionTiming> partition_timings;  // one per partition when partitions > 1
  bool turn_enabled = false;
  std::array<std::array<bool, 6>, 6> nat_direct_possible{};  // the scenario's NAT matrix
};

// Throws std::invalid_argument on a scenario the world cannot be built from (naming the key).
SimulationResult simulate(const models::Scenario& scenario, const SimulationOptions& options);

}  // namespace p2pcdn::sim
