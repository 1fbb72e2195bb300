// The host adapter: one scheduler agent and one player per viewer, the tracker,
// connection attempts by the NAT model, messages with path latency, every
// transfer through the flow network. Cross-agent notifications that could
// re-enter an agent while its actions are being drained go through zero-delay
// events, so no agent is ever called from inside its own drain.
#include "sim/host/simulation.hpp"

#include <malloc.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <stdexcept>

#include "analysis/metrics/collector.hpp"
#include "models/base/random_stream.hpp"
#include "models/network/nat.hpp"
#include "models/player/loading_meter.hpp"
#include "models/player/startup_time.hpp"
#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/tracker.hpp"
#include "sim/engine.hpp"
#include "sim/flow/fast_network.hpp"
#include "sim/host/agent_config.hpp"
#include "sim/host/audience_source.hpp"
#include "sim/host/chunk_pool.hpp"
#include "sim/host/chunked_store.hpp"
#include "sim/host/connection_table.hpp"
#include "sim/host/grow_gently.hpp"
#include "sim/host/lazy_timer.hpp"
#include "sim/host/list_pool.hpp"
#include "sim/host/message_pool.hpp"
#include "sim/host/partition.hpp"
#include "sim/host/partition_run.hpp"
#include "sim/host/run_checks.hpp"
#include "sim/host/slot_pool.hpp"
#include "sim/host/world.hpp"

namespace p2pcdn::sim {
namespace {

analysis::SchedulerTotals scheduler_totals(const sched::AgentStats& a) {
  analysis::SchedulerTotals t;
  t.http_segments = a.http_segments;
  t.p2p_segments = a.p2p_segments;
  t.http_failures = a.http_failures;
  t.requests_sent = a.requests_sent;
  t.requests_rejected = a.requests_rejected;
  t.requests_timed_out = a.requests_timed_out;
  t.requests_failed = a.requests_failed;
  t.p2p_to_http_fallbacks = a.p2p_to_http_fallbacks;
  t.uploads_served = a.uploads_served;
  t.uploads_rejected = a.uploads_rejected;
  t.integrity_failures = a.integrity_failures;
  t.peers_banned = a.peers_banned;
  t.malformed_messages = a.malformed_messages;
  t.decision_epochs = a.decision_epochs;
  t.epochs_skipped = a.epochs_skipped;
  t.rejected_busy = a.rejected_busy;
  t.rejected_not_found = a.rejected_not_found;
  t.rejected_rate_limited = a.rejected_rate_limited;
  t.http_seed = a.http_seed;
  t.http_deadline = a.http_deadline;
  t.http_no_holder = a.http_no_holder;
  t.http_rule = a.http_rule;
  return t;
}

using sched::Action;
using sched::ActionKind;
using sched::Agent;
using sched::Outcome;
using sched::PeerId;
using sched::SegmentKey;
using sched::TransferId;

constexpr std::uint32_t kNoSlot = 0xFFFFFFFFu;
constexpr std::uint32_t kNoMeter = 0xFFFFFFFFu;
constexpr std::uint32_t kNoList = ListPool<std::uint32_t>::kEmpty;
constexpr std::size_t kPublishBackfillSegments = 6;  // told to an agent on join / switch
// Rounds of one drain (agent actions, then the player told of deliveries) before it counts as
// a contract violation: a round delivers at least one segment, and no buffer holds 4096.
constexpr int kDrainRoundsMax = 4096;

// models::NatType and sched::NatClass name the same RFC 3489 classes in the same order: the
// host converts between them by value (peer_profile), so a reorder of either must not compile.
template <models::NatType M, sched::NatClass S>
constexpr bool same_nat = static_cast<int>(M) == static_cast<int>(S);
static_assert(same_nat<models::NatType::kOpen, sched::NatClass::kOpen> &&
              same_nat<models::NatType::kFullCone, sched::NatClass::kFullCone> &&
              same_nat<models::NatType::kRestricted, sched::NatClass::kRestricted> &&
              same_nat<models::NatType::kPortRestricted, sched::NatClass::kPortRestricted> &&
              same_nat<models::NatType::kSymmetric, sched::NatClass::kSymmetric> &&
              same_nat<models::NatType::kUdpBlocked, sched::NatClass::kUdpBlocked> &&
              same_nat<models::NatType::kCount, sched::NatClass::kCount>);
// The stream was live before t = 0, so model segment indices can be negative; the scheduler's
// indices are unsigned. Scheduler index = model index + this offset (2^20 segments: weeks).
constexpr models::SegmentIndex kIndexOffset = 1 << 20;
std::uint32_t to_sched_index(models::SegmentIndex k) {
  return static_cast<std::uint32_t>(k + kIndexOffset);
}
models::SegmentIndex to_model_index(std::uint32_t index) {
  return static_cast<models::SegmentIndex>(index) - kIndexOffset;
}

enum class TransferKind : std::uint8_t { kHttp, kPeer };
enum class NoteKind : std::uint8_t { kTransferDone, kPeerDisconnected };

// A transfer from the time it is decided until it completes or is cancelled.
struct Transfer {
  TransferKind kind = TransferKind::kHttp;
  bool started = false;  // flow running in the network (else waiting for its latency)
  // Its flow completed in the network batch being dispatched now: the flow id is gone (and
  // may be reused), every byte arrived, its completion is still to be dispatched.
  bool finished = false;
  bool relayed = false;
  std::uint32_t receiver = 0, receiver_generation = 0;
  std::uint32_t sender = kNoSlot, sender_generation = 0;  // peer uploads only
  std::uint32_t pop = models::kNoPop;                     // HTTP only
  TransferId receiver_id{};                               // the downloader's TransferId
  TransferId sender_id{};                                 // the uploader's TransferId
  SegmentKey segment{};
  std::uint64_t size_bytes = 0;
  FlowId flow{};
  TimeUs requested_at = 0;
  TimeUs loading_stamp = 0;          // the receiver's loading clock when it was requested
  std::uint64_t reported_bytes = 0;  // last bytes_done told to the receiving agent
  // Bytes already counted in the metrics, up to accounted_at: running transfers are settled
  // at every interval boundary so each interval gets the bytes the network really carried in
  // it (spreading a whole transfer uniformly put a saturated PoP above its capacity).
  std::uint64_t accounted_bytes = 0;
  TimeUs accounted_at = 0;
};

// A notification to one agent, delivered by a zero-delay event (never re-entrant).
struct Note {
  NoteKind kind = NoteKind::kTransferDone;
  std::uint32_t viewer = 0, generation = 0;
  TransferId transfer{};
  Outcome outcome = Outcome::kFailed;
  std::uint32_t peer = 0;
};

struct ConnectAttempt {
  std::uint32_t a = 0, a_generation = 0, b = 0, b_generation = 0;
  models::ConnectOutcome outcome = models::ConnectOutcome::kFailed;
};

struct DownloadNote {  // a completed download not yet handed to the player (its throughput)
  SegmentKey segment{};
  std::uint64_t bytes = 0;
  TimeUs duration_us = 0;
  bool from_peer = false;  // player.abr_peer_samples may keep it out of the ABR
};

// Fields touched by every event for the viewer (agent, timers, flags) come first: they
// sit in the record's first 88 bytes (the two timers take 64 of them).
struct Viewer {
  std::optional<Agent> agent;
  LazyTimer wake;  // the agent's next timeout (kAgentWake)
  LazyTimer tick;  // the player's next state change (kPlayerTick)
  bool in_tracker = false;
  bool stalled = false;
  bool waiting_for_edge = false;  // the player needs a segment not yet published
  std::uint16_t swarm_rendition = 0;
  std::int16_t bitrate_rendition = -1;  // the rendition counted in the mean-bitrate sum
  std::uint32_t channel_position = 0;   // index in its channel's member list
  std::uint32_t transfers = kNoList;    // transfer slots it takes part in (Host::transfer_lists_)
  models::Player player;
  ViewerProfile profile;  // attributes drawn from the viewer's own streams
  std::uint64_t bytes_cdn = 0, bytes_p2p = 0, bytes_turn = 0;
  // Completed downloads awaiting delivery (Host::download_lists_). Unbounded on purpose: a
  // fixed array lost notes when the agent prefetched more than it held slots for, and the
  // player then took a 0-byte throughput sample (spurious down-switches). Pruned once the
  // playhead passes them.
  std::uint32_t downloads = kNoList;
  // p2p-media-loader's aggregate bandwidth estimate, which it reports to the player for every
  // segment it loads (viewers that run it: P2P on, WebRTC, player.report_core_bandwidth); its
  // index in Host::meters_, kNoMeter for the others (they report transfer times; the meter
  // is 160 bytes that nothing else reads).
  std::uint32_t meter = kNoMeter;
};

// One per viewer slot ever used: every byte counts (a 32-bit bitrate_rendition cost 8).
// 288 since the lazy timers: two 32 B LazyTimers replaced wake_at and tick_at (16 B); the
// 48 B more here took ~17 stale events (24 B each) per live viewer out of the event queue.
static_assert(sizeof(Viewer) <= 288, "Viewer record grew: check the field order and types");

class Host {
 public:
  // owned_regions: the regions whose viewers this host simulates (a partition of the run,
  // sim/host/partition.hpp); empty = all. A partition keeps the metrics log that
  // MetricsCollector::merge needs.
  Host(const models::Scenario& scenario, const SimulationOptions& options,
       std::vector<bool> owned_regions = {})
      : scenario_(scenario),
        options_(options),
        seed_(options.seed),
        world_(World::build(scenario, options.seed)),
        owned_regions_(std::move(owned_regions)),
        audience_(scenario, options.seed),
        engine_(network_),
        p2p_enabled_(scenario.p2p.enabled && scenario.p2p.policy != models::kCdnOnlyPolicy),
        metrics_(metrics_config()),
        end_us_(from_seconds(scenario.run.duration_s)) {
    // The checks `validate` makes too (sim/host/run_checks.hpp), before any viewer exists.
    const SchedulerSetup setup = scheduler_setup_or_throw(scenario);
    agent_config_ = setup.agent;
    auto tracker = sched::Tracker::create(setup.tracker, rng::mix64(seed_ ^ 0x7472616b));
    if (!tracker.ok()) throw std::logic_error("tracker config accepted once, rejected now");
    tracker_.emplace(std::move(tracker).value());
    connections_ = ConnectionTable(agent_config_.peers_max);
    for (std::size_t p = 0; p < world_->cdn.pop_count(); ++p) {
      pop_egress_.push_back(network_.add_resource(
          static_cast<std::uint64_t>(world_->cdn.egress_bps(static_cast<models::PopId>(p)))));
    }
    // TURN relays: one per region listed in turn.regions (all when empty); a sender in a
    // region without one is relayed by the relay region with the lowest hub-to-hub RTT.
    const std::size_t regions = world_->region_names.size();
    std::vector<bool> has_relay(regions, scenario.turn.regions.empty());
    for (const std::string& name : scenario.turn.regions) {
      has_relay[world_->topology.region_index(name)] = true;
    }
    for (std::size_t r = 0; r < regions; ++r) {
      turn_.push_back(
          network_.add_resource(scenario.turn.enabled && has_relay[r]
                                    ? static_cast<std::uint64_t>(scenario.turn.capacity_gbps * 1e9)
                                    : 0));
    }
    turn_relay_ = turn_relay_regions(scenario, *world_);
    channel_members_.resize(world_->streams.size());
  }

  SimulationResult run() {
    // First arrival, first segment of every channel, periodic samples, PoP outages.
    schedule_next_arrival();
    for (std::uint32_t c = 0; c < world_->streams.size(); ++c) {
      const models::SegmentIndex first = world_->streams[c].live_edge_segment(0) + 1;
      engine_.schedule(world_->streams[c].availability_us(first), EventKind::kSegmentPublished, c,
                       0, to_sched_index(first));
    }
    engine_.schedule(std::min(interval_us(), end_us_), EventKind::kSample, 0);
    schedule_next_pop_change(0);

    auto dispatch = Dispatch{*this};
    RunStatus status = RunStatus::kReachedEnd;
    // Run in slices so progress and the stop flag are looked at regularly.
    for (;;) {
      status = engine_.run_until(end_us_, dispatch);
      if (status != RunStatus::kStopped) break;
      if (stop_requested()) break;
      engine_.clear_stop();
      if (options_.progress) {
        options_.progress(to_seconds(engine_.now()), engine_.events_processed(), viewer_count());
      }
    }
    const bool partial = status == RunStatus::kStopped;
    const TimeUs end = partial ? engine_.now() : end_us_;
    finished_at_ = end;
    return finish(end, partial);
  }

  // After run(): the collector itself, for MetricsCollector::merge.
  analysis::MetricsCollector take_metrics() { return std::move(metrics_); }
  TimeUs finished_at() const { return finished_at_; }

 private:
  struct Dispatch {
    Host& host;
    void operator()(const Event& event) { host.on_event(event); }
    void operator()(const FlowDone& done) { host.on_flow_done(done); }
    void completions_reported(std::span<const FlowDone> batch) { host.on_flows_finished(batch); }
  };

  analysis::MetricsConfig metrics_config() const {
    analysis::MetricsConfig config;
    config.interval_us = from_seconds(scenario_.metrics.interval_s);
    config.duration_us = from_seconds(scenario_.run.duration_s);
    for (std::size_t p = 0; p < world_->cdn.pop_count(); ++p)
      config.pops.push_back(world_->cdn.pop_name(static_cast<models::PopId>(p)));
    config.renditions = world_->rendition_names;
    for (std::size_t d = 0; d < models::kDeviceClassCount; ++d)
      config.devices.push_back(models::to_string(static_cast<models::DeviceClass>(d)));
    config.nats = {"open",      "full-cone",  "restricted", "port-restricted",
                   "symmetric", "udp-blocked"};
    config.regions = world_->region_names;
    config.keep_concurrency_log = partitioned();
    return config;
  }

  TimeUs interval_us() const { return from_seconds(scenario_.metrics.interval_s); }
  bool partitioned() const { return !owned_regions_.empty(); }
  std::uint64_t viewer_count() const { return viewers_.live_count(); }
  bool stop_requested() const {
    return options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed);
  }

  // ---------------------------------------------------------------- event dispatch
  void on_event(const Event& event) {
    if ((engine_.events_processed() & 0x3FFF) == 0) {
      if (options_.progress || stop_requested()) engine_.request_stop();
    }
    switch (event.kind) {
      case EventKind::kViewerArrive:
        on_arrival();
        break;
      case EventKind::kViewerDepart:
        if (viewers_.is_current(event.target, event.generation)) depart(event.target);
        break;
      case EventKind::kPlaylistsLoaded:
        if (viewers_.is_current(event.target, event.generation)) on_playlists_loaded(event.target);
        break;
      case EventKind::kSegmentPublished:
        on_segment_published(event.target, event.payload);
        break;
      case EventKind::kConnectResult:
        on_connect_result(event.target);
        break;
      case EventKind::kMessageArrive:
        on_message(event);
        break;
      case EventKind::kFlowStart:
        on_flow_start(event);
        break;
      case EventKind::kAgentWake:
        on_wake(event);
        break;
      case EventKind::kPlayerTick:
        on_player_tick(event);
        break;
      case EventKind::kSample:
        on_sample(event.at);
        break;
      case EventKind::kPopOutage:
        on_pop_change();
        break;
      case EventKind::kNote:
        on_note(event.target);
        break;
    }
  }

  // ---------------------------------------------------------------- arrivals and departures
  // A partition skips the arrivals of other regions: every partition walks the same arrival
  // sequence, and a profile depends only on (seed, viewer id, channel), so each viewer is the
  // same as in a run without partitions.
  void schedule_next_arrival() {
    while (auto arrival = audience_.next()) {
      if (arrival->time_us >= end_us_) return;
      pending_profile_ = audience_.profile(*arrival);
      if (!owned_regions_.empty() && !owned_regions_[pending_profile_.region]) continue;
      pending_arrival_ = *arrival;
      engine_.schedule(std::max(arrival->time_us, engine_.now()), EventKind::kViewerArrive, 0);
      return;
    }
  }

  void on_arrival() {
    const Arrival arrival = pending_arrival_;
    const ViewerProfile profile = pending_profile_;
    schedule_next_arrival();
    join(arrival, profile);
  }

  void join(const Arrival& arrival, const ViewerProfile& profile) {
    const TimeUs now = engine_.now();
    const std::uint32_t slot = viewers_.acquire();
    viewer_state_.grow_to(slot + 1);
    Viewer& v = viewer_state_[slot];
    v = Viewer{};
    pending_attempts_[slot] = 0;  // attempts of the slot's previous viewer are stale
    connections_.ensure_slot(slot);
    v.profile = profile;
    v.player.begin_attempt(now);  // the play attempt: start-up time counts from here
    ++host_.viewers_total;
    // Access links: an uplink resource per slot, reused by later viewers, and a downlink one
    // in the exact model only (sender-shared caps a transfer by the downlink instead: a
    // resource there would be 88 B per viewer that no flow crosses).
    const bool downlinks = scenario_.network.model == models::NetworkModel::kExact;
    if (!slot_resources_made(slot)) {
      const std::size_t slots = std::max<std::size_t>(slot_up_.size(), slot + 1);
      reserve_gently(slot_up_, slots);
      reserve_gently(slot_made_, slots);
      slot_up_.resize(slots);
      if (downlinks) {
        reserve_gently(slot_down_, slots);
        slot_down_.resize(slots);
        slot_down_[slot] = network_.add_resource(v.profile.down_bps);
      }
      slot_up_[slot] = network_.add_resource(std::max<std::uint64_t>(1, v.profile.up_bps));
      slot_made_.resize(std::max<std::size_t>(slot_made_.size(), slot + 1));
      slot_made_[slot] = 1;
    } else {
      if (downlinks) network_.set_capacity(now, slot_down_[slot], v.profile.down_bps);
      network_.set_capacity(now, slot_up_[slot], std::max<std::uint64_t>(1, v.profile.up_bps));
    }
    if (slot >= slot_class_.size()) {
      reserve_gently(slot_class_, slot + 1);
      slot_class_.resize(slot + 1);
    }
    slot_class_[slot] = v.profile.isp_class;  // dense copy: latency lookups stay in cache

    auto& members = channel_members_[v.profile.channel];
    v.channel_position = static_cast<std::uint32_t>(members.size());
    reserve_gently(members, members.size() + 1);
    members.push_back(slot);

    metrics_.viewer_joined(now);
    host_.peak_viewers = std::max<std::uint64_t>(host_.peak_viewers, viewers_.live_count());

    // Agents share one config per (p2p, uploads) kind; what Hello announces (region, ISP,
    // uplink) is passed per viewer.
    const bool p2p = p2p_enabled_ && v.profile.can_webrtc;
    if (p2p && v.profile.uploads) slacks_.note_uploader(static_cast<double>(v.profile.up_bps));
    auto& shared = shared_configs_[p2p ? 1 : 0][v.profile.uploads ? 1 : 0];
    if (!shared) {
      sched::AgentConfig config = agent_config_;
      if (!v.profile.uploads) config.upload_disabled = true;
      if (!p2p) config.policy = "cdn-only";
      shared = std::make_shared<const sched::AgentConfig>(std::move(config));
    }
    auto agent = Agent::create_shared(shared, traits(v),
                                      rng::mix64(seed_ ^ rng::mix64(arrival.viewer_id)), now);
    if (!agent.ok()) throw std::logic_error("agent config accepted once, rejected now");
    v.agent.emplace(std::move(agent).value());
    if (p2p && scenario_.player.report_core_bandwidth)
      v.meter = meters_.put(models::LoadingMeter(now));

    engine_.schedule(std::min(now + audience_.session_us(arrival), kNever - 1),
                     EventKind::kViewerDepart, slot, viewers_.generation(slot));
    // The player asks for segments (and the loader for peers) once it has its playlists.
    engine_.schedule(now + session_setup_us(v), EventKind::kPlaylistsLoaded, slot,
                     viewers_.generation(slot));
  }

  // Player init, DNS, handshakes and playlists to the PoP the viewer would be routed to
  // (the nearest, up or not: a viewer with every PoP down still waits for its playlists).
  TimeUs session_setup_us(const Viewer& v) const {
    const models::Cdn& cdn = world_->cdn;
    const auto& pops = cdn.pops_by_distance(v.profile.region);
    models::PopId pop = cdn.route(v.profile.region, engine_.now());
    if (pop == models::kNoPop && !pops.empty()) pop = pops.front();
    const TimeUs rtt = pop == models::kNoPop ? 0 : cdn.pop_rtt_us(pop, v.profile.isp_class);
    return models::session_setup_us(scenario_.player.startup, rtt, cdn.http_server_latency_us(),
                                    v.profile.down_bps);
  }

  // The play attempt began at the join; now the player has its media playlist.
  void on_playlists_loaded(std::uint32_t slot) {
    const TimeUs now = engine_.now();
    Viewer& v = viewer_state_[slot];
    const models::PlayerConfig& pc = player_config(v);
    v.player.join(now, pc, v.profile.max_rendition, v.player.attempt_us());
    const models::NeededSegment need = v.player.next_needed(pc);
    v.swarm_rendition = need.rendition;

    if (p2p_enabled_ && v.profile.can_webrtc) {
      const sched::Status joined = tracker_->handle_join(now, PeerId{slot}, peer_profile(v));
      v.in_tracker = joined.ok();
    }
    backfill_manifest(slot, need.rendition);
    tell_player(slot);
    if (v.in_tracker) find_neighbours(slot);
    drain(slot);
    update_player_timer(slot);
  }

  void depart(std::uint32_t slot) {
    const TimeUs now = engine_.now();
    Viewer& v = viewer_state_[slot];
    const models::PlayerConfig& pc = player_config(v);
    v.player.advance_to(now, pc);
    update_stall_state(slot);
    v.player.leave(now, pc);
    if (v.stalled) {
      metrics_.stall_ended(now);
      v.stalled = false;
    }
    set_bitrate_rendition(slot, -1);
    metrics_.viewer_left(now);

    // Transfers first (their flows stop and their bytes are settled), then connections.
    // abort_transfer edits v.transfers: walk a copy (a reused scratch list, no allocation).
    copy_transfers(slot);
    for (std::uint32_t t : scratch_transfers_) {
      if (transfers_.is_live(t))
        abort_transfer(t, /*notify_receiver=*/true, /*notify_sender=*/true, slot);
    }
    // After the transfers: the partial bytes they settled belong to this viewer's outcome.
    record_outcome(slot, now);
    // Every listed peer is live (a departure and a drop remove both sides at once).
    const std::span<const std::uint32_t> peers = connections_.peers(slot);
    scratch_peers_.assign(peers.begin(), peers.end());
    scratch_flags_.clear();
    for (std::uint32_t i = 0; i < peers.size(); ++i)
      scratch_flags_.push_back(connections_.flags(slot, i));
    connections_.clear(slot);
    for (std::size_t i = 0; i < scratch_peers_.size(); ++i) {
      const std::uint32_t peer = scratch_peers_[i];
      connections_.remove(peer, slot);
      if (scratch_flags_[i].initiated)
        tracker_->release(PeerId{slot}, PeerId{peer});
      else
        tracker_->release(PeerId{peer}, PeerId{slot});
      notify_disconnected(peer, slot);
    }
    if (v.in_tracker) tracker_->handle_leave(now, PeerId{slot});

    auto& members = channel_members_[v.profile.channel];
    const std::uint32_t last = members.back();
    members[v.channel_position] = last;
    viewer_state_[last].channel_position = v.channel_position;
    members.pop_back();

    metrics_.add_scheduler(scheduler_totals(v.agent->stats()));
    v.agent.reset();
    transfer_lists_.clear(v.transfers);
    download_lists_.clear(v.downloads);  // notes left behind will never be delivered
    if (v.meter != kNoMeter) meters_.release(v.meter);
    v.meter = kNoMeter;
    viewers_.release(slot);
  }

  void record_outcome(std::uint32_t slot, TimeUs now) {
    Viewer& v = viewer_state_[slot];
    analysis::ViewerOutcome outcome;
    outcome.device = v.profile.device;
    outcome.nat = v.profile.nat;
    outcome.region = v.profile.region;
    const int rendition = v.player.last_rendition();
    outcome.rendition = rendition < 0 ? analysis::kNone : static_cast<std::uint32_t>(rendition);
    outcome.play_us = v.player.play_us();
    outcome.stall_us = v.player.stall_us();
    outcome.startup_us = v.player.started() ? v.player.startup_us() : -1;
    outcome.stalls = v.player.stall_count();
    outcome.bitrate_switches = v.player.switch_count();
    outcome.avg_bitrate_kbps = v.player.avg_bitrate_kbps();
    outcome.bytes_cdn = v.bytes_cdn;
    outcome.bytes_p2p = v.bytes_p2p;
    outcome.bytes_turn = v.bytes_turn;
    outcome.watch_us = now - v.player.attempt_us();
    metrics_.viewer_outcome(outcome);
    // Received bytes are counted from the viewers' own totals, once, when they leave (or at
    // the end): bytes settled to a viewer after its outcome break the equality with sent_.
    received_[0] += v.bytes_cdn;
    received_[1] += v.bytes_p2p;
    received_[2] += v.bytes_turn;
    if (options_.on_viewer_outcome) options_.on_viewer_outcome(outcome);
    ++outcomes_recorded_;
  }

  // ---------------------------------------------------------------- manifest and player
  void on_segment_published(std::uint32_t channel, std::uint32_t index) {
    const TimeUs now = engine_.now();
    const models::Stream& stream = world_->streams[channel];
    const auto& members = channel_members_[channel];
    // Each viewer refreshes its playlist: its agent learns the new segment of the rendition
    // it currently plays (other renditions are back-filled on a switch).
    for (std::size_t i = 0; i < members.size(); ++i) {
      const std::uint32_t slot = members[i];
      Viewer& v = viewer_state_[slot];
      if (v.player.state() == models::PlayerState::kIdle) continue;  // no playlist yet
      progress_if_due(slot);
      v.agent->handle_segment_published(now, segment_info(stream, v.swarm_rendition, index));
      if (v.waiting_for_edge) tell_player(slot);
      drain(slot);
    }
    const TimeUs next = stream.availability_us(to_model_index(index) + 1);
    if (next < end_us_) engine_.schedule(next, EventKind::kSegmentPublished, channel, 0, index + 1);
  }

  sched::SegmentInfo segment_info(const models::Stream& stream, std::size_t rendition,
                                  std::uint32_t index) const {
    sched::SegmentInfo info;
    info.key = SegmentKey{index, static_cast<std::uint16_t>(rendition)};
    info.size_bytes = static_cast<std::uint32_t>(std::min<std::uint64_t>(
        stream.segment_size_bytes(rendition, to_model_index(index)), 0xFFFFFFFFu));
    info.duration_us = stream.timing().segment_duration_us;
    info.available_at_us = std::max<TimeUs>(0, stream.availability_us(to_model_index(index)));
    return info;
  }

  void backfill_manifest(std::uint32_t slot, std::size_t rendition) {
    const TimeUs now = engine_.now();
    Viewer& v = viewer_state_[slot];
    const models::Stream& stream = world_->streams[v.profile.channel];
    const models::SegmentIndex edge = stream.live_edge_segment(now);
    const models::SegmentIndex first =
        edge - static_cast<models::SegmentIndex>(kPublishBackfillSegments) + 1;
    for (models::SegmentIndex k = first; k <= edge; ++k) {
      v.agent->handle_segment_published(now, segment_info(stream, rendition, to_sched_index(k)));
    }
  }

  const models::PlayerConfig& player_config(const Viewer& v) const {
    return world_->players[v.profile.channel];
  }

  // Gives the agent the player's current view (what it needs next, and by when).
  void tell_player(std::uint32_t slot) {
    Viewer& v = viewer_state_[slot];
    const models::PlayerConfig& pc = player_config(v);
    v.player.advance_to(engine_.now(), pc);  // next_needed() answers for the last update
    update_stall_state(slot);
    const models::NeededSegment need = v.player.next_needed(pc);
    // Beyond the live edge: nothing to ask for until the next segment is published.
    v.waiting_for_edge =
        need.segment == models::kNoSegment ||
        need.segment > world_->streams[v.profile.channel].live_edge_segment(engine_.now());
    if (need.segment == models::kNoSegment) return;
    trace(slot, "player-view", SegmentKey{to_sched_index(need.segment), need.rendition},
          static_cast<std::uint64_t>(std::max<TimeUs>(0, need.deadline_us)));
    if (need.rendition != v.swarm_rendition) switch_rendition(slot, need.rendition);
    sched::PlayerView view;
    // Media time in the scheduler's index space (segment k starts at k * D there too).
    const TimeUs media_offset = kIndexOffset * player_config(v).stream.segment_duration_us;
    view.playhead_us = v.player.playhead_us() + media_offset;
    view.buffer_end_us = v.player.buffer_end_us() + media_offset;
    view.next_needed = SegmentKey{to_sched_index(need.segment), need.rendition};
    view.next_deadline_us = need.deadline_us;
    view.rendition = need.rendition;
    progress_if_due(slot);
    v.agent->handle_player(engine_.now(), view);
  }

  void switch_rendition(std::uint32_t slot, std::uint8_t rendition) {
    Viewer& v = viewer_state_[slot];
    v.swarm_rendition = rendition;
    if (v.in_tracker) {
      (void)tracker_->handle_switch_rendition(engine_.now(), PeerId{slot}, rendition);
    }
    backfill_manifest(slot, rendition);
  }

  void deliver_to_player(std::uint32_t slot, SegmentKey segment) {
    const TimeUs now = engine_.now();
    Viewer& v = viewer_state_[slot];
    const models::PlayerConfig& pc = player_config(v);
    v.player.advance_to(now, pc);
    const std::optional<DownloadNote> note = download_lists_.take_first_if(
        v.downloads, [&](const DownloadNote& n) { return n.segment == segment; });
    if (!note) {
      // Invariant: the agent hands the player only segments this viewer downloaded.
      ++host_.deliveries_without_download;
      return;
    }
    const std::uint64_t bytes = note->bytes;
    TimeUs duration = note->duration_us;
    if (v.meter != kNoMeter) {
      const double level_bps = v.bitrate_rendition >= 0
                                   ? world_->streams[v.profile.channel].bitrate_bps(
                                         static_cast<std::size_t>(v.bitrate_rendition))
                                   : 0.0;
      duration = meters_[v.meter].reported_download_us(now, level_bps, bytes, duration);
    }
    const models::AbrPeerSamples peer_samples = scenario_.player.abr_peer_samples;
    const bool abr_sample =
        !note->from_peer || peer_samples == models::AbrPeerSamples::kAll ||
        (peer_samples == models::AbrPeerSamples::kPolicy && v.agent->abr_learns_from_peers());
    const bool appended = v.player.on_segment_delivered(
        now, to_model_index(segment.index), segment.rendition, bytes, duration, pc, abr_sample);
    // Downloads the playhead has passed (another rendition, a duplicate) will not be delivered.
    const models::SegmentIndex next = v.player.next_segment();
    download_lists_.erase_if(
        v.downloads, [&](const DownloadNote& n) { return to_model_index(n.segment.index) < next; });
    if (appended) {
      ++host_.segments_delivered;
      record_slack(v, segment, now);
    }
    update_stall_state(slot);
    set_bitrate_rendition(slot, v.player.last_rendition());
  }

  // The slack this viewer had for the segment it just appended: from the segment's
  // availability at the CDN to when it plays it (its start media time + the viewer's live
  // latency), or to now if it is late (stalled, starting).
  void record_slack(const Viewer& v, SegmentKey segment, TimeUs now) {
    const models::Stream& stream = world_->streams[v.profile.channel];
    const models::SegmentIndex k = to_model_index(segment.index);
    const TimeUs played = v.player.state() == models::PlayerState::kPlaying
                              ? k * stream.timing().segment_duration_us + v.player.latency_us()
                              : now;
    slacks_.record(
        v.profile.channel, segment.rendition, k, stream.segment_size_bytes(segment.rendition, k),
        p2p_enabled_ && v.profile.can_webrtc, std::max(played, now) - stream.availability_us(k));
  }

  void on_player_tick(const Event& event) {
    if (!viewers_.is_current(event.target, event.generation)) return;
    Viewer& v = viewer_state_[event.target];
    if (!timer_due(v.tick, event)) return;
    v.player.advance_to(engine_.now(), player_config(v));
    trace(event.target, "player-tick");
    update_stall_state(event.target);
    tell_player(event.target);
    drain(event.target);
    update_player_timer(event.target);
  }

  void update_player_timer(std::uint32_t slot) {
    Viewer& v = viewer_state_[slot];
    arm_timer(slot, v.tick, v.player.next_event_time(player_config(v)), EventKind::kPlayerTick);
  }

  // Re-arms one of a viewer's timers to t (kNever: disarm). A time at or after the end of the
  // run disarms (it would never be dispatched); a time already past fires now. Re-arming to the
  // armed time keeps the timer's place (its seq), as the host always did.
  void arm_timer(std::uint32_t slot, LazyTimer& timer, TimeUs t, EventKind kind) {
    const TimeUs at = t == kNever || t >= end_us_ ? kNever : std::max(t, engine_.now());
    if (at == timer.armed_at()) return;
    const std::uint64_t seq = at == kNever ? 0 : engine_.reserve_seq();
    if (timer.arm(at, seq))
      engine_.schedule_reserved(at, seq, kind, slot, viewers_.generation(slot));
  }

  // A timer event popped: true when the timer fires now. Stale events (superseded by a re-arm
  // to an earlier time, or disarmed) are dropped; an event whose timer was re-armed later is
  // queued again at the armed (at, seq), where a cancel-and-set timer fires.
  bool timer_due(LazyTimer& timer, const Event& event) {
    switch (timer.popped(event.at, event.seq)) {
      case LazyTimer::Popped::kDue:
        return true;
      case LazyTimer::Popped::kRequeue:
        engine_.schedule_reserved(timer.queued_at(), timer.queued_seq(), event.kind, event.target,
                                  event.generation);
        return false;
      case LazyTimer::Popped::kStale:
        return false;
    }
    return false;
  }

  void update_stall_state(std::uint32_t slot) {
    Viewer& v = viewer_state_[slot];
    const bool stalled = v.player.state() == models::PlayerState::kStalled;
    if (stalled == v.stalled) return;
    v.stalled = stalled;
    if (stalled)
      metrics_.stall_started(engine_.now());
    else
      metrics_.stall_ended(engine_.now());
  }

  void set_bitrate_rendition(std::uint32_t slot, int rendition) {
    Viewer& v = viewer_state_[slot];
    if (v.bitrate_rendition == rendition) return;
    if (v.meter != kNoMeter) meters_[v.meter].level_changed(engine_.now());
    const models::Stream& stream = world_->streams[v.profile.channel];
    if (v.bitrate_rendition >= 0) {
      bitrate_sum_kbps_ -= stream.bitrate_bps(static_cast<std::size_t>(v.bitrate_rendition)) / 1e3;
      --bitrate_viewers_;
    }
    v.bitrate_rendition = static_cast<std::int16_t>(rendition);  // -1 or a rendition < 256
    if (rendition >= 0) {
      bitrate_sum_kbps_ += stream.bitrate_bps(static_cast<std::size_t>(rendition)) / 1e3;
      ++bitrate_viewers_;
    }
  }

  // ---------------------------------------------------------------- agents
  void on_wake(const Event& event) {
    if (!viewers_.is_current(event.target, event.generation)) return;
    Viewer& v = viewer_state_[event.target];
    if (!timer_due(v.wake, event)) return;
    report_progress(event.target);
    v.agent->handle_timeout(engine_.now());
    drain(event.target);
  }

  // Before the agent checks its timeouts, it learns how far its downloads got (a real host
  // sees bytes arrive continuously). Without it the agent abandons any download slower than
  // its min-rate floor and restarts it from zero: under a saturated PoP every viewer then
  // restarts forever and nobody starts playing (congestion collapse).
  // Any input runs the agent's epoch, which abandons downloads whose no-bytes timer has come.
  // When the agent's wake-up is due at this very instant (its event not popped yet), the
  // progress it would learn first is still the previous wake's: report it now, or a download
  // that is receiving bytes is cancelled and restarted (issue 17: HTTP fetches cancelled at
  // the instant a player stalled, 14 206 "failures" with no fault injected).
  void progress_if_due(std::uint32_t slot) {
    if (viewer_state_[slot].wake.armed_at() <= engine_.now()) report_progress(slot);
  }

  void report_progress(std::uint32_t slot) {
    const TimeUs now = engine_.now();
    progress_.clear();
    transfer_lists_.for_each(viewer_state_[slot].transfers, [&](std::uint32_t index) {
      Transfer& t = transfer_state_[index];
      if (t.receiver != slot || !t.started) return;
      const std::uint64_t bytes = bytes_done(t, now);
      if (bytes <= t.reported_bytes) return;
      t.reported_bytes = bytes;
      progress_.emplace_back(t.receiver_id, bytes);
    });
    for (const auto& [id, bytes] : progress_) {
      viewer_state_[slot].agent->handle_transfer_progress(now, id, bytes);
      drain(slot);
    }
  }

  // Performs every action the agent queued, then re-arms its wake-up. Player deliveries
  // change what the agent should know, so the player view is re-sent after them.
  // The host contract: drain the agent's actions to quiescence. A delivery to the player can
  // make the agent act again (the player wants the next segment), hence rounds; an agent
  // that keeps producing work past kDrainRoundsMax is a defect, counted as a violation.
  void drain(std::uint32_t slot) {
    for (int round = 0;; ++round) {
      if (round == kDrainRoundsMax) {
        ++host_.drains_cut;
        break;
      }
      bool delivered = false;
      Viewer& v = viewer_state_[slot];
      send_run_.clear();
      while (auto action = v.agent->poll_action()) {
        if (action->kind != ActionKind::kSendMessage) send_run_.clear();
        if (perform(slot, *action)) delivered = true;
        if (!viewers_.is_live(slot)) {
          send_run_.clear();
          return;
        }
      }
      send_run_.clear();
      if (!delivered) break;
      tell_player(slot);
      update_player_timer(slot);
    }
    Viewer& v = viewer_state_[slot];
    arm_timer(slot, v.wake, v.agent->next_timeout(), EventKind::kAgentWake);
  }

  bool traced(std::uint32_t slot) const {
    return options_.trace_viewer && viewer_state_[slot].profile.viewer_id == *options_.trace_viewer;
  }
  void trace(std::uint32_t slot, const char* what, SegmentKey segment = {},
             std::uint64_t extra = 0) {
    if (!traced(slot)) return;
    const Viewer& v = viewer_state_[slot];
    std::fprintf(stderr,
                 "trace %12.6f viewer %llu %-14s r%u/%u extra=%llu state=%d playhead=%.3f "
                 "buffer_end=%.3f next=%lld\n",
                 to_seconds(engine_.now()), static_cast<unsigned long long>(v.profile.viewer_id),
                 what, segment.rendition, segment.index, static_cast<unsigned long long>(extra),
                 static_cast<int>(v.player.state()), to_seconds(v.player.playhead_us()),
                 to_seconds(v.player.buffer_end_us()),
                 static_cast<long long>(v.player.next_segment() + kIndexOffset));
  }

  // Returns true when a segment was delivered to the player.
  bool perform(std::uint32_t slot, const Action& action) {
    if (traced(slot)) {
      static const char* kNames[] = {"http-fetch", "cancel",    "send-message",  "start-upload",
                                     "deliver",    "drop-peer", "request-peers", "evict"};
      trace(slot, kNames[static_cast<int>(action.kind)], action.segment,
            static_cast<std::uint64_t>(action.peer));
    }
    switch (action.kind) {
      case ActionKind::kHttpFetch:
        start_http(slot, action);
        return false;
      case ActionKind::kCancelTransfer:
        cancel_by_agent(slot, action.transfer);
        return false;
      case ActionKind::kSendMessage:
        send_message(slot, action);
        return false;
      case ActionKind::kStartUpload:
        start_upload(slot, action);
        return false;
      case ActionKind::kDeliverSegment:
        deliver_to_player(slot, action.segment);
        return true;
      case ActionKind::kDropPeer:
        drop_peer(slot, static_cast<std::uint32_t>(action.peer));
        return false;
      case ActionKind::kRequestPeers:
        find_neighbours(slot);
        return false;
      case ActionKind::kEvictSegment:
        return false;  // the host stores no payload
    }
    return false;
  }

  void post_note(const Note& note) {
    engine_.schedule(engine_.now(), EventKind::kNote, notes_.put(note));
  }

  void on_note(std::uint32_t index) {
    const Note note = notes_[index];
    notes_.release(index);
    if (!viewers_.is_current(note.viewer, note.generation)) return;
    Viewer& v = viewer_state_[note.viewer];
    progress_if_due(note.viewer);
    if (note.kind == NoteKind::kTransferDone) {
      v.agent->handle_transfer_done(engine_.now(), note.transfer, note.outcome);
    } else {
      v.agent->handle_peer_disconnected(engine_.now(), PeerId{note.peer});
    }
    drain(note.viewer);
  }

  void notify_done(std::uint32_t viewer, std::uint32_t generation, TransferId id, Outcome outcome) {
    post_note(Note{NoteKind::kTransferDone, viewer, generation, id, outcome, 0});
  }
  void notify_disconnected(std::uint32_t viewer, std::uint32_t peer) {
    post_note(Note{NoteKind::kPeerDisconnected, viewer, viewers_.generation(viewer), TransferId{},
                   Outcome::kFailed, peer});
  }

  // ---------------------------------------------------------------- transfers
  // The viewer's transfer list into scratch_transfers_ (to walk while aborting edits the list).
  void copy_transfers(std::uint32_t slot) {
    scratch_transfers_.clear();
    transfer_lists_.for_each(viewer_state_[slot].transfers,
                             [&](std::uint32_t index) { scratch_transfers_.push_back(index); });
  }

  // The loading-clock stamp of a download starting now (0 for a viewer without a meter).
  TimeUs start_loading(const Viewer& v, TimeUs now) {
    return v.meter != kNoMeter ? meters_[v.meter].start_loading(now) : 0;
  }

  std::uint32_t new_transfer(const Transfer& t) {
    const std::uint32_t index = transfers_.acquire();
    if (index >= transfer_state_.size()) {
      // The records stay at the high-water mark of transfers in flight: grow by 1/8, not 2x.
      if (transfer_state_.size() == transfer_state_.capacity())
        transfer_state_.reserve(transfer_state_.size() + transfer_state_.size() / 8 + 64);
      transfer_state_.resize(index + 1);
    }
    transfer_state_[index] = t;
    return index;
  }

  void start_http(std::uint32_t slot, const Action& action) {
    const TimeUs now = engine_.now();
    Viewer& v = viewer_state_[slot];
    const models::Stream& stream = world_->streams[v.profile.channel];
    Transfer t;
    t.kind = TransferKind::kHttp;
    t.receiver = slot;
    t.receiver_generation = viewers_.generation(slot);
    t.receiver_id = action.transfer;
    t.segment = action.segment;
    t.size_bytes =
        stream.segment_size_bytes(action.segment.rendition, to_model_index(action.segment.index));
    t.requested_at = now;
    t.loading_stamp = start_loading(v, now);
    t.pop = world_->cdn.route(v.profile.region, now);
    const std::uint32_t index = new_transfer(t);
    transfer_lists_.push_back(v.transfers, index);
    ++host_.http_transfers;
    // Request latency: the RTT to the PoP (request out, first byte back) plus server time.
    TimeUs latency = world_->cdn.http_server_latency_us();
    if (t.pop != models::kNoPop) latency += world_->cdn.pop_rtt_us(t.pop, v.profile.isp_class);
    engine_.schedule(now + latency, EventKind::kFlowStart, index, transfers_.generation(index));
  }

  void start_upload(std::uint32_t slot, const Action& action) {
    const TimeUs now = engine_.now();
    const auto requester = static_cast<std::uint32_t>(action.peer);
    const std::uint32_t connection = connections_.find(slot, requester);
    if (connection == ConnectionTable::kNone) {  // the requester is gone: the upload fails at once
      notify_done(slot, viewers_.generation(slot), action.transfer, Outcome::kFailed);
      return;
    }
    Viewer& uploader = viewer_state_[slot];
    const models::Stream& stream = world_->streams[uploader.profile.channel];
    Transfer t;
    t.kind = TransferKind::kPeer;
    t.relayed = connections_.flags(slot, connection).relayed;
    t.receiver = requester;
    t.receiver_generation = viewers_.generation(requester);
    t.receiver_id = TransferId{action.request_id};
    t.sender = slot;
    t.sender_generation = viewers_.generation(slot);
    t.sender_id = action.transfer;
    t.segment = action.segment;
    t.size_bytes =
        stream.segment_size_bytes(action.segment.rendition, to_model_index(action.segment.index));
    t.requested_at = now;
    t.loading_stamp = start_loading(viewer_state_[requester], now);
    const std::uint32_t index = new_transfer(t);
    transfer_lists_.push_back(uploader.transfers, index);
    transfer_lists_.push_back(viewer_state_[requester].transfers, index);
    ++host_.p2p_transfers;
    engine_.schedule(now + one_way_us(slot, requester, t.relayed), EventKind::kFlowStart, index,
                     transfers_.generation(index));
  }

  void on_flow_start(const Event& event) {
    if (!transfers_.is_current(event.target, event.generation)) return;
    const TimeUs now = engine_.now();
    Transfer& t = transfer_state_[event.target];
    std::array<ResourceId, 3> path{};
    std::size_t hops = 0;
    if (t.kind == TransferKind::kHttp) {
      if (t.pop == models::kNoPop || !world_->cdn.is_up(t.pop, now)) {
        // No PoP reachable: the request fails like an HTTP connection error.
        const std::uint32_t receiver = t.receiver;
        const std::uint32_t generation = t.receiver_generation;
        const TransferId id = t.receiver_id;
        release_transfer(event.target);
        notify_done(receiver, generation, id, Outcome::kFailed);
        return;
      }
      path[hops++] = pop_egress_[t.pop];
    } else {
      path[hops++] = slot_up_[t.sender];
      if (t.relayed) path[hops++] = turn_[turn_relay_[viewer_state_[t.sender].profile.region]];
    }
    std::uint64_t cap_bps = 0;
    Viewer& receiver = viewer_state_[t.receiver];
    if (scenario_.network.model == models::NetworkModel::kExact) {
      path[hops++] = slot_down_[t.receiver];
    } else {
      // Sender-shared model: the downlink caps the transfer at its share when it starts,
      // counting the receiver's downloads already requested, not only those running: the
      // downloads a player issues together (start-up) start together, and counting only the
      // running ones gave the first the whole downlink (start-up 40 % faster than 'exact').
      std::uint64_t downloads = 1;
      transfer_lists_.for_each(receiver.transfers, [&](std::uint32_t other) {
        const Transfer& o = transfer_state_[other];
        if (other != event.target && o.receiver == t.receiver) ++downloads;
      });
      cap_bps = std::max<std::uint64_t>(1, receiver.profile.down_bps / downloads);
    }
    t.flow = network_.start_flow(now, std::span<const ResourceId>(path.data(), hops), t.size_bytes,
                                 cap_bps, flow_tag(event.target, event.generation));
    t.started = true;
    t.accounted_at = now;
  }

  // Flow tags carry the transfer's slot and generation, so the completion of a transfer that
  // was aborted earlier in the same batch (its slot possibly reused since) is recognised.
  static std::uint64_t flow_tag(std::uint32_t index, std::uint32_t generation) {
    return (std::uint64_t{generation} << 32) | index;
  }

  std::uint64_t bytes_done(const Transfer& t, TimeUs now) const {
    return t.finished ? t.size_bytes : network_.bytes_done(now, t.flow);
  }

  void on_flows_finished(std::span<const FlowDone> batch) {
    for (const FlowDone& done : batch) {
      const auto index = static_cast<std::uint32_t>(done.tag);
      if (transfers_.is_current(index, static_cast<std::uint32_t>(done.tag >> 32)))
        transfer_state_[index].finished = true;
    }
  }

  void on_flow_done(const FlowDone& done) {
    const auto index = static_cast<std::uint32_t>(done.tag);
    if (!transfers_.is_current(index, static_cast<std::uint32_t>(done.tag >> 32))) {
      ++host_.completions_after_abort;  // aborted by a handler earlier in this batch
      return;
    }
    Transfer t = transfer_state_[index];
    const TimeUs now = engine_.now();
    account_bytes(t, t.size_bytes, now);
    if (viewers_.is_current(t.receiver, t.receiver_generation)) {
      const std::uint32_t meter = viewer_state_[t.receiver].meter;
      if (meter != kNoMeter)
        meters_[meter].add_download(t.loading_stamp, now, t.size_bytes,
                                    t.kind == TransferKind::kHttp);
    }
    release_transfer(index);
    ++host_.flow_completions;
    Viewer& receiver = viewer_state_[t.receiver];
    trace(t.receiver, t.kind == TransferKind::kHttp ? "http-done" : "p2p-done", t.segment,
          static_cast<std::uint64_t>(now - t.requested_at));
    download_lists_.push_back(
        receiver.downloads,
        DownloadNote{t.segment, t.size_bytes, now - t.requested_at, t.kind != TransferKind::kHttp});
    progress_if_due(t.receiver);
    if (t.kind == TransferKind::kHttp) {
      receiver.agent->handle_transfer_done(now, t.receiver_id, Outcome::kCompleted);
      drain(t.receiver);
    } else {
      viewer_state_[t.sender].agent->handle_transfer_done(now, t.sender_id, Outcome::kCompleted);
      drain(t.sender);
      if (viewers_.is_current(t.receiver, t.receiver_generation)) {
        Viewer& r = viewer_state_[t.receiver];
        r.agent->handle_transfer_done(now, t.receiver_id, Outcome::kCompleted);
        r.agent->handle_integrity(now, t.segment, true);
        drain(t.receiver);
      }
    }
  }

  // A transfer has delivered `bytes_total` by `now`: the bytes not yet counted go to the
  // metrics (spread over [accounted_at, now)), the receiver and the invariant counters.
  void account_bytes(Transfer& t, std::uint64_t bytes_total, TimeUs now) {
    if (bytes_total <= t.accounted_bytes) return;
    const std::uint64_t bytes = bytes_total - t.accounted_bytes;
    const TimeUs start = t.started ? t.accounted_at : now;
    t.accounted_bytes = bytes_total;
    t.accounted_at = now;
    Viewer& r = viewer_state_[t.receiver];
    analysis::Source source = analysis::Source::kCdn;
    std::uint32_t pop = analysis::kNone;
    if (t.kind == TransferKind::kHttp) {
      r.bytes_cdn += bytes;
      pop = t.pop;
      sent_[0] += bytes;
    } else if (t.relayed) {
      source = analysis::Source::kTurn;
      r.bytes_turn += bytes;
      sent_[2] += bytes;
    } else {
      source = analysis::Source::kPeer;
      r.bytes_p2p += bytes;
      sent_[1] += bytes;
    }
    metrics_.add_bytes_spread(start, std::max(now, start + 1), source, pop, t.segment.rendition,
                              r.profile.device, r.profile.nat, r.profile.region, bytes);
  }

  void release_transfer(std::uint32_t index) {
    const Transfer& t = transfer_state_[index];
    if (viewers_.is_current(t.receiver, t.receiver_generation)) {
      transfer_lists_.erase_swap_last(viewer_state_[t.receiver].transfers, index);
      const std::uint32_t meter = viewer_state_[t.receiver].meter;
      if (meter != kNoMeter) meters_[meter].stop_loading(engine_.now());
    }
    if (t.sender != kNoSlot && viewers_.is_current(t.sender, t.sender_generation))
      transfer_lists_.erase_swap_last(viewer_state_[t.sender].transfers, index);
    transfers_.release(index);
  }

  // Stops a transfer early; settles its bytes; tells the other side(s) that asked for it.
  void abort_transfer(std::uint32_t index, bool notify_receiver, bool notify_sender,
                      std::uint32_t except_slot) {
    const TimeUs now = engine_.now();
    Transfer t = transfer_state_[index];
    if (t.started) {
      if (t.finished) {
        account_bytes(t, t.size_bytes, now);  // every byte arrived at this instant
      } else {
        const std::uint64_t done = network_.bytes_done(now, t.flow);
        account_bytes(t, done, now);
        network_.cancel_flow(now, t.flow);
        metrics_.add_wasted(t.kind == TransferKind::kHttp ? analysis::Source::kCdn
                            : t.relayed                   ? analysis::Source::kTurn
                                                          : analysis::Source::kPeer,
                            done);
      }
    }
    release_transfer(index);
    ++host_.transfers_cancelled;
    if (notify_receiver && t.receiver != except_slot &&
        viewers_.is_current(t.receiver, t.receiver_generation)) {
      notify_done(t.receiver, t.receiver_generation, t.receiver_id, Outcome::kFailed);
    }
    if (notify_sender && t.sender != kNoSlot && t.sender != except_slot &&
        viewers_.is_current(t.sender, t.sender_generation)) {
      notify_done(t.sender, t.sender_generation, t.sender_id, Outcome::kCancelled);
    }
  }

  void cancel_by_agent(std::uint32_t slot, TransferId id) {
    // The first of its transfers with this id (abort_transfer edits the list: find, then act).
    std::uint32_t found = kNoSlot;
    bool as_receiver = false;
    transfer_lists_.for_each(viewer_state_[slot].transfers, [&](std::uint32_t index) {
      if (found != kNoSlot) return;
      const Transfer& t = transfer_state_[index];
      if (t.receiver == slot && t.receiver_id == id) {
        found = index;
        as_receiver = true;
      } else if (t.sender == slot && t.sender_id == id) {
        found = index;
      }
    });
    if (found == kNoSlot) return;  // unknown or already finished: harmless by contract
    if (as_receiver) {
      // The downloader gave up: the uploader (if any) is told its upload was cancelled.
      abort_transfer(found, false, true, slot);
    } else {
      // The uploader stopped serving: the downloader's request failed.
      abort_transfer(found, true, false, slot);
    }
  }

  // ---------------------------------------------------------------- peers and messages
  sched::PeerProfile peer_profile(const Viewer& v) const {
    sched::PeerProfile p;
    p.stream = v.profile.channel;
    p.rendition = v.swarm_rendition;
    p.region = v.profile.region;
    p.isp = static_cast<std::uint16_t>(v.profile.isp);
    p.nat = static_cast<sched::NatClass>(v.profile.nat);
    p.uploads = v.profile.uploads;
    p.upload_kbps =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(v.profile.up_bps / 1000, 0xFFFFFFFFu));
    return p;
  }

  void find_neighbours(std::uint32_t slot) {
    Viewer& v = viewer_state_[slot];
    if (!v.in_tracker) return;
    const TimeUs now = engine_.now();
    const std::size_t want = static_cast<std::size_t>(scenario_.p2p.neighbours);
    const std::size_t connected = connections_.size(slot);
    if (connected + pending_attempts_[slot] >= want) return;
    exclude_.clear();
    for (std::uint32_t peer : connections_.peers(slot)) exclude_.push_back(PeerId{peer});
    const auto found = tracker_->neighbours_for(
        now, PeerId{slot}, want - connected - pending_attempts_[slot], exclude_);
    candidates_.assign(found.begin(), found.end());
    for (PeerId peer : candidates_) start_connection(slot, static_cast<std::uint32_t>(peer));
  }

  void start_connection(std::uint32_t a, std::uint32_t b) {
    const TimeUs now = engine_.now();
    Viewer& va = viewer_state_[a];
    Viewer& vb = viewer_state_[b];
    // One draw per (viewer pair, attempt): the same pair gets the same luck whatever the order.
    const std::uint64_t lo = std::min(va.profile.viewer_id, vb.profile.viewer_id);
    const std::uint64_t hi = std::max(va.profile.viewer_id, vb.profile.viewer_id);
    const std::uint64_t pair = rng::mix64(lo) ^ hi;  // symmetric in (a, b)
    rng::RandomStream rs(seed_, pair, rng::Purpose::kConnectivity);
    const auto result =
        models::attempt_connection(static_cast<models::NatType>(va.profile.nat),
                                   static_cast<models::NatType>(vb.profile.nat), scenario_.nat, rs);
    const std::uint32_t index = attempts_.put(
        ConnectAttempt{a, viewers_.generation(a), b, viewers_.generation(b), result.outcome});
    ++pending_attempts_[a];
    ++host_.connection_attempts;
    // Signalling goes through the tracker: the ICE set-up time includes it.
    engine_.schedule(now + result.setup_us + one_way_us(a, b, false), EventKind::kConnectResult,
                     index);
  }

  void on_connect_result(std::uint32_t index) {
    const ConnectAttempt attempt = attempts_[index];
    attempts_.release(index);
    const bool a_alive = viewers_.is_current(attempt.a, attempt.a_generation);
    const bool b_alive = viewers_.is_current(attempt.b, attempt.b_generation);
    if (a_alive) --pending_attempts_[attempt.a];
    if (!a_alive || !b_alive) {
      // The hand-out of b to a counts against b's inbound until released, also when a left
      // during the attempt (its departure released only established connections).
      if (b_alive) tracker_->release(PeerId{attempt.a}, PeerId{attempt.b});
      return;
    }
    Viewer& a = viewer_state_[attempt.a];
    Viewer& b = viewer_state_[attempt.b];
    const bool relayed = attempt.outcome == models::ConnectOutcome::kRelayed;
    const bool success = attempt.outcome != models::ConnectOutcome::kFailed;
    metrics_.connection_attempt(a.profile.nat, b.profile.nat, success, relayed);
    const std::size_t cap = agent_config_.peers_max;
    if (!success || connections_.size(attempt.a) >= cap || connections_.size(attempt.b) >= cap ||
        connections_.find(attempt.a, attempt.b) != ConnectionTable::kNone) {
      tracker_->release(PeerId{attempt.a}, PeerId{attempt.b});
      return;
    }
    ++host_.connections_made;
    connections_.add(attempt.a, attempt.b, ConnectionFlags{relayed, true});
    connections_.add(attempt.b, attempt.a, ConnectionFlags{relayed, false});
    const TimeUs now = engine_.now();
    progress_if_due(attempt.a);
    a.agent->handle_peer_connected(now, PeerId{attempt.b}, traits(b));
    drain(attempt.a);
    if (viewers_.is_current(attempt.b, attempt.b_generation) &&
        connections_.find(attempt.b, attempt.a) != ConnectionTable::kNone) {
      progress_if_due(attempt.b);
      viewer_state_[attempt.b].agent->handle_peer_connected(now, PeerId{attempt.a}, traits(a));
      drain(attempt.b);
    }
  }

  sched::PeerTraits traits(const Viewer& v) const {
    sched::PeerTraits t;
    t.region = v.profile.region;
    t.isp = static_cast<std::uint16_t>(v.profile.isp);
    t.uplink_kbps_hint =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(v.profile.up_bps / 1000, 0xFFFFFFFFu));
    return t;
  }

  // kDropPeer: close the connection both ways; the dropped side is told it disconnected.
  void drop_peer(std::uint32_t slot, std::uint32_t peer) {
    const std::uint32_t c = connections_.find(slot, peer);
    if (c == ConnectionTable::kNone) return;
    const bool initiated = connections_.flags(slot, c).initiated;
    // Transfers between the two stop; the dropping agent already forgot its side.
    // abort_transfer edits the list: walk a copy (a reused scratch list, no allocation).
    copy_transfers(slot);
    for (std::uint32_t index : scratch_transfers_) {
      if (!transfers_.is_live(index)) continue;
      const Transfer& t = transfer_state_[index];
      if (t.kind != TransferKind::kPeer) continue;
      if ((t.sender == slot && t.receiver == peer) || (t.sender == peer && t.receiver == slot)) {
        abort_transfer(index, false, false, slot);
      }
    }
    connections_.remove(slot, peer);
    connections_.remove(peer, slot);
    if (initiated)
      tracker_->release(PeerId{slot}, PeerId{peer});
    else
      tracker_->release(PeerId{peer}, PeerId{slot});
    notify_disconnected(peer, slot);
  }

  void send_message(std::uint32_t slot, const Action& action) {
    const auto peer = static_cast<std::uint32_t>(action.peer);
    // An announcement goes to the neighbours in the agent's table order, which is mostly the
    // connection row's: look where the previous send of this drain was found, one further.
    const std::uint32_t c = connections_.find_from(slot, peer, send_run_.next_connection);
    send_run_.next_connection = c + 1;  // kNone + 1 = 0: from the start
    if (c == ConnectionTable::kNone || action.bytes.size() > sched::wire::kMaxMessageBytes) {
      ++host_.messages_dropped;
      return;
    }
    const TimeUs at = engine_.now() + one_way_us(slot, peer, connections_.flags(slot, c).relayed);
    const MessageReceiver receiver{peer, viewers_.generation(peer), connections_.epoch(peer)};
    // The same message to several neighbours in a row (an announcement): receivers it reaches
    // at the same instant share one event, delivered in the order they were sent to, which
    // is the order their own events would have had (consecutive seq numbers, same time).
    const auto bytes = action.bytes;
    if (!send_run_.groups.empty()) {
      const MessageInFlight& first = messages_.get(send_run_.groups.front().second);
      if (first.sender == slot && first.length == bytes.size() &&
          std::memcmp(first.bytes.data(), bytes.data(), bytes.size()) == 0) {
        for (const auto& [group_at, index] : send_run_.groups) {
          if (group_at == at) {
            messages_.add_receiver(index, receiver);
            return;
          }
        }
      } else {
        send_run_.groups.clear();  // a new message: a new run (the lookup hint stays)
      }
    }
    const std::uint32_t index = messages_.put(slot, viewers_.generation(slot), bytes);
    messages_.add_receiver(index, receiver);
    send_run_.groups.emplace_back(at, index);
    // The event carries only the message slot: the slot knows its receivers (and their
    // generations), and a one-word event is stored in 25 bytes by the queue.
    engine_.schedule(at, EventKind::kMessageArrive, index);
  }

  // Starts loading what an input to viewer `slot` touches first: its record's hot fields
  // (agent, timers, flags: the first 88 bytes) and its connection row.
  void prefetch_viewer(std::uint32_t slot) const {
    const auto* record = reinterpret_cast<const char*>(&viewer_state_[slot]);
    __builtin_prefetch(record);
    __builtin_prefetch(record + 64);
    connections_.prefetch(slot);
  }

  void on_message(const Event& event) {
    const std::uint32_t index = event.target;
    const std::size_t receivers = messages_.get(index).receivers.size();
    {
      const MessageInFlight& m = messages_.get(index);
      for (std::size_t i = 0; i < std::min<std::size_t>(receivers, 3); ++i)
        prefetch_viewer(m.receivers[i].peer);
      for (std::size_t i = 0; i < std::min<std::size_t>(receivers, 2); ++i)
        if (const Viewer& v = viewer_state_[m.receivers[i].peer]; v.agent) v.agent->prefetch();
    }
    for (std::size_t i = 0; i < receivers; ++i) {
      // Re-read each time: a drain may send messages, and put() may move the pool.
      const MessageInFlight& m = messages_.get(index);
      const MessageReceiver r = m.receivers[i];
      // Receivers are scattered over memory: cache hints in three stages, each a step ahead
      // of the one it needs, so no stage waits for a load: the record and connection row of
      // the receiver three ahead, the agent's hot state two ahead (its address is in the
      // record), its neighbour table one ahead (its address is in the hot state). Reading a
      // cold record here stalled the loop (Agent::prefetch: -23 % per cold input in
      // agent_bench).
      if (i + 3 < receivers) prefetch_viewer(m.receivers[i + 3].peer);
      if (i + 2 < receivers) {
        const Viewer& later = viewer_state_[m.receivers[i + 2].peer];
        if (later.agent) later.agent->prefetch();
      }
      if (i + 1 < receivers) {
        const Viewer& next = viewer_state_[m.receivers[i + 1].peer];
        if (next.agent) next.agent->prefetch_peers();
      }
      // The connection existed when the message was sent; unless the receiver lost a
      // connection since (its epoch moved), it still does: no lookup needed.
      if (!viewers_.is_current(r.peer, r.generation) ||
          !viewers_.is_current(m.sender, m.sender_generation) ||
          (connections_.epoch(r.peer) != r.epoch &&
           connections_.find(r.peer, m.sender) == ConnectionTable::kNone)) {
        ++host_.messages_dropped;
        continue;
      }
      ++host_.messages_delivered;
      progress_if_due(r.peer);
      const sched::Status status = viewer_state_[r.peer].agent->handle_peer_message(
          engine_.now(), PeerId{m.sender}, m.message());
      if (!status.ok()) ++host_.malformed_messages;
      drain(r.peer);
    }
    messages_.release(index);  // only now: the drains above must not reuse the slot
  }

  // One-way latency between two viewers (half the class RTT); relays add a detour.
  TimeUs one_way_us(std::uint32_t a, std::uint32_t b, bool relayed) const {
    const TimeUs rtt = world_->topology.rtt_us(slot_class_[a], slot_class_[b]);
    TimeUs one_way = std::max<TimeUs>(1, rtt / 2);
    if (relayed) one_way += from_seconds(scenario_.nat.turn_extra_setup_s) / 10;
    return one_way;
  }

  // ---------------------------------------------------------------- PoPs, samples, end
  void schedule_next_pop_change(TimeUs now) {
    const TimeUs next = world_->cdn.next_change_us(now);
    if (next != kNever && next < end_us_) engine_.schedule(next, EventKind::kPopOutage, 0);
  }

  void on_pop_change() {
    const TimeUs now = engine_.now();
    for (std::size_t p = 0; p < world_->cdn.pop_count(); ++p) {
      const auto pop = static_cast<models::PopId>(p);
      const bool up = world_->cdn.is_up(pop, now);
      network_.set_capacity(now, pop_egress_[p],
                            up ? static_cast<std::uint64_t>(world_->cdn.egress_bps(pop)) : 0);
      if (up) continue;
      // Connections to a failed PoP reset: every transfer it serves fails now.
      for (std::uint32_t index = 0; index < transfer_state_.size(); ++index) {
        if (!transfers_.is_live(index)) continue;
        const Transfer& t = transfer_state_[index];
        if (t.kind == TransferKind::kHttp && t.pop == pop)
          abort_transfer(index, true, false, kNoSlot);
      }
    }
    schedule_next_pop_change(now);
  }

  void on_sample(TimeUs now) {
    for (std::uint32_t index = 0; index < transfer_state_.size(); ++index) {
      if (!transfers_.is_live(index)) continue;
      Transfer& t = transfer_state_[index];
      if (t.started) account_bytes(t, bytes_done(t, now), now);
    }
    metrics_.sample_parts(now, metrics_.stalling(), bitrate_sum_kbps_, bitrate_viewers_);
    if (viewers_.live_count() > 0 && viewers_.live_count() >= memory_.viewers) measure_memory(now);
    sample_swarms(now);
    const TimeUs next = now + interval_us();
    if (next <= end_us_) engine_.schedule(next, EventKind::kSample, 0);
  }

  // The per-viewer memory breakdown (see MemoryBreakdown); O(viewers), at most once a sample.
  void measure_memory(TimeUs now) {
    MemoryBreakdown m;
    m.viewers = viewers_.live_count();
    m.t_s = to_seconds(now);
    const auto live = static_cast<double>(m.viewers);
    std::uint64_t agent_heap = 0;
    std::uint64_t peer_tables = 0;
    for (std::uint32_t s = 0; s < viewer_state_.size(); ++s) {
      if (!viewers_.is_live(s)) continue;
      agent_heap += viewer_state_[s].agent->heap_bytes();
      peer_tables += viewer_state_[s].agent->peer_table_bytes();
    }
    const std::size_t records = viewer_state_.capacity();
    std::uint64_t members = channel_members_.capacity() * sizeof(channel_members_[0]);
    for (const auto& list : channel_members_) members += list.capacity() * sizeof(std::uint32_t);
    const std::uint64_t slots = viewers_.heap_bytes() + members +
                                (slot_down_.capacity() + slot_up_.capacity()) * sizeof(ResourceId) +
                                slot_made_.capacity() +
                                slot_class_.capacity() * sizeof(std::uint32_t) +
                                pending_attempts_.counts.capacity() * sizeof(std::uint32_t);
    const std::uint64_t notes = notes_.heap_bytes();
    const std::uint64_t attempts = attempts_.heap_bytes();
    const std::uint64_t tracker = tracker_->heap_bytes();
    const std::pair<const char*, std::uint64_t> items[] = {
        {"viewer: player", records * sizeof(models::Player)},
        {"viewer: profile", records * sizeof(ViewerProfile)},
        {"viewer: agent handle", records * sizeof(std::optional<Agent>)},
        {"viewer: other fields", records * (sizeof(Viewer) - sizeof(models::Player) -
                                            sizeof(ViewerProfile) - sizeof(std::optional<Agent>)) +
                                     (viewer_state_.heap_bytes() - records * sizeof(Viewer))},
        {"agent: state", agent_heap - peer_tables},
        {"agent: neighbour list", peer_tables},
        {"connections", connections_.heap_bytes()},
        {"transfer lists", transfer_lists_.heap_bytes()},
        {"download notes", download_lists_.heap_bytes()},
        {"transfers", transfer_state_.capacity() * sizeof(Transfer) + transfers_.heap_bytes()},
        {"messages in flight", messages_.heap_bytes()},
        {"event queue", engine_.heap_bytes()},
        {"flow network", network_.heap_bytes()},
        {"tracker", tracker},
        {"slots, links, members", slots},
        {"notes in flight", notes},
        {"connect attempts", attempts},
        {"loading meters", meters_.heap_bytes()},
    };
    std::uint64_t measured = 0;
    for (const auto& [name, bytes] : items) {
      m.items.push_back(MemoryItem{name, static_cast<double>(bytes) / live});
      measured += bytes;
    }
    m.measured_bytes_per_viewer = static_cast<double>(measured) / live;
    m.neighbour_list_bytes_per_viewer =
        static_cast<double>(peer_tables + connections_.heap_bytes()) / live;
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    // Not for a partition: the allocator's total is the whole process's (other partitions
    // included), and glibc counts only the main arena while partitions run on threads.
    if (partitioned()) {
      host_.agent_heap_bytes_peak_sample = agent_heap;
      host_.bytes_per_viewer = m.measured_bytes_per_viewer;
      memory_ = std::move(m);
      return;
    }
    const struct mallinfo2 info = mallinfo2();
    m.heap_in_use_bytes = static_cast<double>(info.uordblks + info.hblkhd);
    // The agents' own heap bytes are counted by heap_bytes(), the rest of the allocator's
    // total here: flow network, metrics, world, and what the items above miss.
    const double rest = m.heap_in_use_bytes - static_cast<double>(measured);
    m.items.push_back(MemoryItem{"unattributed heap", std::max(0.0, rest) / live});
#endif
    host_.agent_heap_bytes_peak_sample = agent_heap;
    host_.bytes_per_viewer = m.measured_bytes_per_viewer;
    memory_ = std::move(m);
  }

  // Who is in which swarm now, with which NAT class and usable upload (for the bounds).
  void sample_swarms(TimeUs now) {
    IntervalSample sample;
    sample.t_s = to_seconds(now);
    sample.duration_s = to_seconds(interval_us());
    std::vector<std::int32_t> index_of;  // (channel, rendition) -> position in sample.swarms
    const std::size_t renditions = world_->rendition_names.size();
    index_of.assign(world_->streams.size() * renditions, -1);
    for (std::uint32_t s = 0; s < viewer_state_.size(); ++s) {
      if (!viewers_.is_live(s)) continue;
      const Viewer& v = viewer_state_[s];
      if (v.player.state() == models::PlayerState::kIdle) continue;  // no playlist: no demand
      const std::size_t key = v.profile.channel * renditions + v.swarm_rendition;
      if (index_of[key] < 0) {
        index_of[key] = static_cast<std::int32_t>(sample.swarms.size());
        SwarmSample swarm;
        swarm.channel = v.profile.channel;
        swarm.rendition = v.swarm_rendition;
        swarm.stream_rate_bps = world_->streams[v.profile.channel].bitrate_bps(v.swarm_rendition);
        sample.swarms.push_back(swarm);
      }
      SwarmSample& swarm = sample.swarms[static_cast<std::size_t>(index_of[key])];
      ++swarm.viewers;
      const bool p2p = p2p_enabled_ && v.profile.can_webrtc;
      const std::size_t cls = p2p ? v.profile.nat : kBoundClasses - 1;
      ++swarm.viewers_by_class[cls];
      if (p2p && v.profile.uploads)
        swarm.upload_bps_by_class[cls] += static_cast<double>(v.profile.up_bps);
    }
    std::sort(sample.swarms.begin(), sample.swarms.end(),
              [](const SwarmSample& a, const SwarmSample& b) {
                return a.channel != b.channel ? a.channel < b.channel : a.rendition < b.rendition;
              });
    bound_samples_.push_back(std::move(sample));
  }

  SimulationResult finish(TimeUs end, bool partial) {
    SimulationResult result;
    result.bound_samples = std::move(bound_samples_);
    result.segment_slacks = slacks_.take_sorted();
    result.max_usable_up_bps = slacks_.max_up_bps();
    result.memory = memory_;
    result.turn_enabled = scenario_.turn.enabled;
    for (std::size_t a = 0; a < 6; ++a)
      for (std::size_t b = 0; b < 6; ++b)
        result.nat_direct_possible[a][b] = scenario_.nat.direct_possible[a][b];
    // Transfers still running are settled at the end (their bytes so far count).
    for (std::uint32_t index = 0; index < transfer_state_.size(); ++index) {
      if (!transfers_.is_live(index)) continue;
      Transfer& t = transfer_state_[index];
      if (!viewers_.is_current(t.receiver, t.receiver_generation)) {
        result.violations.push_back(
            {"transfer " + std::to_string(index) + " is held by a viewer that left"});
      }
      if (t.sender != kNoSlot && !viewers_.is_current(t.sender, t.sender_generation)) {
        result.violations.push_back(
            {"upload " + std::to_string(index) + " is held by a viewer that left"});
      }
      if (t.started) account_bytes(t, bytes_done(t, end), end);
    }
    for (std::uint32_t s = 0; s < viewer_state_.size(); ++s) {
      if (!viewers_.is_live(s)) continue;
      Viewer& v = viewer_state_[s];
      v.player.advance_to(end, player_config(v));
      update_stall_state(s);
      record_outcome(s, end);
      metrics_.add_scheduler(scheduler_totals(v.agent->stats()));
    }
    for (int source = 0; source < 3; ++source) {
      if (sent_[source] != received_[source]) {
        static const char* kNames[] = {"cdn", "peer", "turn"};
        result.violations.push_back({std::string("bytes sent by ") + kNames[source] + " (" +
                                     std::to_string(sent_[source]) + ") != bytes received (" +
                                     std::to_string(received_[source]) + ")"});
      }
    }
    if (host_.drains_cut != 0) {
      result.violations.push_back({std::to_string(host_.drains_cut) + " drains stopped after " +
                                   std::to_string(kDrainRoundsMax) +
                                   " rounds with the agent still acting (no quiescence)"});
    }
    if (host_.deliveries_without_download != 0) {
      result.violations.push_back({std::to_string(host_.deliveries_without_download) +
                                   " segments handed to a player that never downloaded them"});
    }
    check_tracker_counts(result);
    check_connections(result);
    if (outcomes_recorded_ != host_.viewers_total) {
      result.violations.push_back({"viewer outcomes (" + std::to_string(outcomes_recorded_) +
                                   ") != sessions started (" + std::to_string(host_.viewers_total) +
                                   ")"});
    }
    result.summary = metrics_.finish(end);
    const std::uint64_t reported[3] = {result.summary.bytes_cdn, result.summary.bytes_p2p,
                                       result.summary.bytes_turn};
    for (int source = 0; source < 3; ++source) {
      if (reported[source] != sent_[source]) {
        result.violations.push_back({"summary bytes of source " + std::to_string(source) + " (" +
                                     std::to_string(reported[source]) + ") != bytes sent (" +
                                     std::to_string(sent_[source]) + ")"});
      }
    }
    result.host = host_;
    result.host.events = engine_.events_processed();
    result.partial = partial;
    result.simulated_s = to_seconds(end);
    return result;
  }

  // Invariant: connections are symmetric and only between live viewers (departures and drops
  // remove both sides at once); the host relies on it to skip generation checks on lookups.
  void check_connections(SimulationResult& result) const {
    std::uint64_t wrong = 0;
    for (std::uint32_t s = 0; s < viewer_state_.size(); ++s) {
      if (!viewers_.is_live(s)) {
        if (connections_.size(s) != 0) ++wrong;
        continue;
      }
      for (std::uint32_t peer : connections_.peers(s)) {
        if (!viewers_.is_live(peer) || connections_.find(peer, s) == ConnectionTable::kNone)
          ++wrong;
      }
    }
    if (wrong != 0) {
      result.violations.push_back(
          {std::to_string(wrong) + " connections are one-sided or towards a viewer that left"});
    }
  }

  // Invariant: the tracker's inbound count of every viewer equals the neighbour hand-outs
  // not yet released: connections it accepted plus attempts towards it still in flight.
  // A leak here silently removes peers from the swarm for the rest of the run.
  void check_tracker_counts(SimulationResult& result) const {
    if (!p2p_enabled_) return;
    std::vector<std::uint32_t> expected(viewer_state_.size(), 0);
    for (std::uint32_t s = 0; s < viewer_state_.size(); ++s) {
      if (!viewers_.is_live(s)) continue;
      const std::span<const std::uint32_t> peers = connections_.peers(s);
      for (std::uint32_t i = 0; i < peers.size(); ++i) {
        if (connections_.flags(s, i).initiated && viewers_.is_live(peers[i])) ++expected[peers[i]];
      }
    }
    std::vector<std::uint32_t> pending(viewer_state_.size(), 0);
    attempts_.for_each([&](std::uint32_t, const ConnectAttempt& a) {
      if (viewers_.is_current(a.b, a.b_generation)) ++expected[a.b];
      if (viewers_.is_current(a.a, a.a_generation)) ++pending[a.a];
    });
    // And each viewer's count of its own attempts in flight (it limits the neighbours asked for).
    std::uint64_t wrong_pending = 0;
    for (std::uint32_t s = 0; s < viewer_state_.size(); ++s) {
      if (!viewers_.is_live(s)) continue;
      const auto& counts = pending_attempts_.counts;
      if ((s < counts.size() ? counts[s] : 0) != pending[s]) ++wrong_pending;
    }
    if (wrong_pending != 0) {
      result.violations.push_back({std::to_string(wrong_pending) +
                                   " viewers count pending connection attempts they do not have"});
    }
    std::uint64_t wrong = 0;
    for (std::uint32_t s = 0; s < viewer_state_.size(); ++s) {
      if (!viewers_.is_live(s) || !viewer_state_[s].in_tracker) continue;
      if (tracker_->inbound_count(PeerId{s}) != expected[s]) ++wrong;
    }
    if (wrong != 0) {
      result.violations.push_back({std::to_string(wrong) +
                                   " viewers have a tracker inbound count that does not match "
                                   "their connections and attempts in flight"});
    }
  }

  bool slot_resources_made(std::uint32_t slot) const {
    return slot < slot_made_.size() && slot_made_[slot] != 0;
  }

  // ---------------------------------------------------------------- state
  const models::Scenario& scenario_;
  SimulationOptions options_;
  std::uint64_t seed_;
  std::unique_ptr<World> world_;
  std::vector<bool> owned_regions_;  // empty: every region (no partitions)
  AudienceSource audience_;
  FastFlowNetwork network_;
  Engine<FastFlowNetwork> engine_;
  sched::AgentConfig agent_config_;
  std::shared_ptr<const sched::AgentConfig> shared_configs_[2][2];  // [p2p][uploads]
  bool p2p_enabled_;
  analysis::MetricsCollector metrics_;
  std::optional<sched::Tracker> tracker_;
  TimeUs end_us_;
  TimeUs finished_at_ = 0;

  SlotPool viewers_;
  ChunkedStore<Viewer> viewer_state_;
  SlotPool transfers_;
  std::vector<Transfer> transfer_state_;
  MessagePool messages_;
  // The messages of the sends in a row of the agent being drained, by arrival time.
  struct SendRun {
    std::vector<std::pair<TimeUs, std::uint32_t>> groups;  // (arrival, message slot)
    std::uint32_t next_connection = 0;  // where the next send's connection lookup starts
    void clear() {
      groups.clear();
      next_connection = 0;
    }
  } send_run_;
  ChunkPool<Note> notes_;                      // notifications waiting for their zero-delay event
  ChunkPool<ConnectAttempt> attempts_;         // connection attempts in flight
  ChunkPool<models::LoadingMeter, 6> meters_;  // of the viewers that report core bandwidth
  ListPool<std::uint32_t> transfer_lists_;     // Viewer::transfers
  ListPool<DownloadNote> download_lists_;      // Viewer::downloads
  struct PendingCount {
    std::vector<std::uint32_t> counts;
    std::uint32_t& operator[](std::uint32_t slot) {
      if (slot >= counts.size()) {
        reserve_gently(counts, slot + 1);
        counts.resize(slot + 1, 0);
      }
      return counts[slot];
    }
  } pending_attempts_;
  ConnectionTable connections_{1};  // re-made with the agents' peer cap in the constructor
  std::vector<std::uint32_t> scratch_transfers_, scratch_peers_;
  std::vector<ConnectionFlags> scratch_flags_;
  std::vector<std::vector<std::uint32_t>> channel_members_;
  std::vector<ResourceId> pop_egress_, turn_;
  std::vector<std::size_t> turn_relay_;  // sender region -> region whose relay carries it
  std::vector<ResourceId> slot_down_, slot_up_;
  std::vector<std::uint8_t> slot_made_;
  std::vector<std::uint32_t> slot_class_;  // topology class of the slot's viewer
  std::vector<PeerId> exclude_, candidates_;
  std::vector<std::pair<TransferId, std::uint64_t>> progress_;
  Arrival pending_arrival_{};
  ViewerProfile pending_profile_{};
  std::uint64_t sent_[3] = {0, 0, 0};
  std::uint64_t received_[3] = {0, 0, 0};
  std::uint64_t outcomes_recorded_ = 0;
  double bitrate_sum_kbps_ = 0;
  std::uint64_t bitrate_viewers_ = 0;
  HostStats host_;
  std::vector<IntervalSample> bound_samples_;
  SlackRecorder slacks_;
  MemoryBreakdown memory_;
};

}  // namespace

PartitionOutput simulate_partition(const models::Scenario& scenario,
                                   const SimulationOptions& options,
                                   std::vector<bool> owned_regions) {
  Host host(scenario, options, std::move(owned_regions));
  SimulationResult result = host.run();
  return PartitionOutput{std::move(result), host.take_metrics(), host.finished_at()};
}

SimulationResult simulate(const models::Scenario& scenario, const SimulationOptions& options) {
  std::vector<std::vector<bool>> partitions;
  if (scenario.run.partition != models::RunPartition::kNone) {
    partitions = plan_partitions(scenario, *World::build(scenario, options.seed));
  }
  if (partitions.size() <= 1) {
    Host host(scenario, options);
    return host.run();
  }
  return simulate_partitions(scenario, options, partitions);
}

}  // namespace p2pcdn::sim
