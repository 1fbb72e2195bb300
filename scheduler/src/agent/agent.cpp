// The public Agent API: validates the config, forwards each input to the core and runs one
// decision epoch after it. Owns no logic of its own beyond that plumbing.
#include "p2pcdn/scheduler/agent.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <new>
#include <utility>

#include "agent/core.hpp"

namespace p2pcdn::sched {
namespace agent_detail {

Core::Core(std::shared_ptr<const AgentConfig> cfg, const PeerTraits& self_in, std::uint64_t seed_in,
           TimeUs now_in, std::string_view policy_name)
    : config_owner(std::move(cfg)),
      now(now_in),
      created_us(now_in),
      window_size(static_cast<std::uint8_t>(config().window_segments)),
      notyet_mask(window_bits()),
      slot_anchor_us(now_in),
      self(self_in),
      prng(seed_in),
      seed(seed_in) {
  // The window arrays follow this object in its allocation (State::make reserved
  // window_bytes(window_size) there): W holder counts, then W slots (8-aligned: W is a
  // multiple of 8 and sizeof(Core) of 8). Slot and the counts are trivial types.
  static_assert(sizeof(Core) % alignof(Slot) == 0);
  std::byte* block = reinterpret_cast<std::byte*>(this) + sizeof(Core);
  std::uninitialized_fill_n(reinterpret_cast<std::uint8_t*>(block), window_size, 0);
  auto* slot_mem = reinterpret_cast<Slot*>(block + window_size);
  std::uninitialized_value_construct_n(slot_mem, window_size);  // slots() finds them
  policy::Policy* made = policy::make_policy_at(policy_name, config(), policy_storage.data());
  if (made != nullptr && static_cast<void*>(made) != policy_storage.data()) {
    made->~Policy();  // the_policy() needs the base at offset 0 (always so with one base)
    made = nullptr;
  }
  policy_ok = made != nullptr;
  if (policy_ok) {
    p2p_on_ = !config().p2p_disabled && made->uses_peers();
    upload_on_ = p2p_on_ && !config().upload_disabled;
    deadline_fallback_ = made->deadline_fallback();
    abr_learns_from_peers_ = made->abr_learns_from_peers();
    upload_slots_ = static_cast<std::uint8_t>(
        std::min({std::size_t{config().upload_slots}, made->upload_slots_max(), kUploadsMax}));
  }
  skip_on_ = config().skip_idle_epochs;
}

Core::~Core() {
  if (policy_ok) the_policy()->~Policy();
}

void Core::deliver_if_ready() {
  if (!have_player || delivered_valid || !window_valid) return;
  const SegmentKey need = player.next_needed;
  if (need.rendition != rendition || !in_window(need.index) ||
      slot(need.index).phase != Phase::kStored) {
    return;
  }
  delivered_valid = true;
  delivered_key = need;
  ++stats.segments_delivered;
  push(Pending{ActionKind::kDeliverSegment, Msg::kNone, 0, PeerId{}, TransferId{}, need, 0});
}

void Core::epoch() {
  ++stats.decision_epochs;
  invalidate_timeout();
  const std::uint32_t mutations_before = mutations;
  bool policy_changed = false;
  quiet_until_us = kNever;  // collects the policy's comparison flips (horizon()) until the end
  expire_transfers();
  if (window_valid) {
    for (std::uint64_t m = notyet_in(base, queue_end()); m != 0; m &= m - 1) {
      Slot& s = slot(base + static_cast<std::uint32_t>(std::countr_zero(m)));  // kNotYet
      if (available_at(s) <= now) set_phase(s, Phase::kMissing);
    }
  }
  deliver_if_ready();
  if (have_player && window_valid) {
    if (deadline_fallback()) {
      // Core safety net: a peer download whose deadline HTTP can barely still meet goes HTTP.
      for (std::size_t ti = 0; ti < transfers.size(); ++ti) {
        const Transfer& t = transfers[ti];
        if (t.kind == Kind::kP2p && !t.verifying && t.rendition == rendition &&
            fallback_at(t) <= now && switch_to_http(t.index)) {
          ti = static_cast<std::size_t>(-1);  // the table changed: rescan
        }
      }
    }
    policy_wake_us = kNever;
    plan_read_mask = 0;
    // The policy's own fields (timers, ...) are state too: an epoch that changes them acted.
    std::array<std::uint64_t, policy::kPolicyBytesMax / 8> policy_before;
    std::memcpy(policy_before.data(), policy_storage.data(), policy::kPolicyBytesMax);
    policy::PlanContext ctx(*this);
    the_policy()->plan(ctx);
    if (skip_on_ && mutations == mutations_before) {
      std::array<std::uint64_t, policy::kPolicyBytesMax / 8> policy_after;
      std::memcpy(policy_after.data(), policy_storage.data(), policy::kPolicyBytesMax);
      policy_changed = policy_after != policy_before;
    }
  }
  advertise_slots();  // uploads may have ended (completion, timeout, a departed peer)
  if (p2p_on() && peers.size() < config().peers_min &&
      (!peers_asked || now - peers_asked_at_us >= config().request_peers_interval_us)) {
    peers_asked = true;
    peers_asked_at_us = now;
    ++stats.peer_requests_asked;
    push(
        Pending{ActionKind::kRequestPeers, Msg::kNone, 0, PeerId{}, TransferId{}, SegmentKey{}, 0});
  }
  // An epoch that changed nothing is a fixed point: rerun on the same state (plus quiet
  // inputs) before the next time trigger, it does exactly the same nothing.
  quiet_until_us =
      skip_on_ && mutations == mutations_before && !policy_changed ? quiet_horizon() : kNoQuiet;
}

void Core::epoch_unless_idle(bool quiet_input) {
  if (quiet_input && now < quiet_until_us) {
    ++stats.epochs_skipped;
    return;
  }
  epoch();
}

TimeUs Core::quiet_horizon() const {
  // Every comparison an epoch makes with `now`, outside the policy (which reports its own
  // through horizon() and wake_at): the earliest time one of them may flip.
  const bool stalled = have_player && player.next_deadline_us <= now;
  if (stalled) return now + 1;  // deadlines move with now: only same-instant inputs are quiet
  TimeUs t = quiet_until_us;    // the policy's comparison flips, collected during the plan
  auto consider = [&](TimeUs when) {
    if (when > now && when < t) t = when;  // at or before now: already flipped, stays so
  };
  for (const auto& tr : transfers) {
    consider(tr.timeout_us);  // expire_transfers
    if (tr.kind == Kind::kP2p && !tr.verifying && deadline_fallback()) {
      consider(fallback_at(tr));  // the deadline safety net
    }
  }
  consider(policy_wake_us);
  consider(http_retry_at_us);  // start_http's backoff
  if (window_valid) {          // kNotYet slots becoming available (all of them, not the first)
    for (std::uint64_t m = notyet_in(base, queue_end()); m != 0; m &= m - 1) {
      consider(available_at(slot(base + static_cast<std::uint32_t>(std::countr_zero(m)))));
    }
  }
  if (have_player && player.next_deadline_us != kNever) {
    // Deadlines are max(next_deadline, now) + durations: constant until the buffer runs dry,
    // moving with now after that.
    consider(player.next_deadline_us + 1);
  }
  if (p2p_on() && peers.size() < config().peers_min && peers_asked) {
    consider(peers_asked_at_us + config().request_peers_interval_us);
  }
  return t;
}

TimeUs Core::next_timeout_scratch() const {
  TimeUs t = kNever;
  auto consider = [&](TimeUs when) {
    if (when > now && when < t) t = when;  // past times were handled or cannot act now
  };
  for (const auto& tr : transfers) {
    consider(tr.timeout_us);
    if (tr.kind == Kind::kP2p && !tr.verifying && deadline_fallback()) {
      consider(fallback_at(tr));
    }
  }
  consider(policy_wake_us);
  consider(http_retry_at_us);
  if (window_valid && have_player) {
    const std::uint32_t from = std::max(base, player.next_needed.index);
    for (std::uint64_t m = notyet_in(from, queue_end()); m != 0; m &= m - 1) {
      const Slot& s = slot(from + static_cast<std::uint32_t>(std::countr_zero(m)));  // kNotYet
      if (const TimeUs at = available_at(s); at != kNever) {
        consider(at);
        break;
      }
    }
  }
  if (p2p_on() && peers.size() < config().peers_min && peers_asked) {
    consider(peers_asked_at_us + config().request_peers_interval_us);
  }
  return t;
}

}  // namespace agent_detail

namespace {
Status validate(const AgentConfig& c) {
  auto bad = [](const char* what) { return Status(Errc::kInvalidArgument, what); };
  if (c.simultaneous_http_downloads < 1 || c.simultaneous_http_downloads > kHttpDownloadsMax) {
    return bad("simultaneous_http_downloads must be in [1, kHttpDownloadsMax]");
  }
  if (c.simultaneous_p2p_downloads > kP2pDownloadsMax)
    return bad("simultaneous_p2p_downloads > kP2pDownloadsMax");
  if (c.upload_slots > kUploadsMax) return bad("upload_slots > kUploadsMax");
  if (c.upload_queue_max > kUploadQueueMax) return bad("upload_queue_max > kUploadQueueMax");
  if (c.peers_max < 1 || c.peers_max > kPeersMax) return bad("peers_max must be in [1, kPeersMax]");
  if (c.cache_segments_max < 1) return bad("cache_segments_max must be >= 1");
  if (c.window_segments < 8 || c.window_segments > kWindowSegmentsMax ||
      !std::has_single_bit(c.window_segments)) {
    return bad("window_segments must be 8, 16, 32 or 64 (a power of two <= kWindowSegmentsMax)");
  }
  if (!(c.score_ewma_alpha > 0 && c.score_ewma_alpha <= 1))
    return bad("score_ewma_alpha must be in (0, 1]");
  if (!(c.failure_penalty >= 0)) return bad("failure_penalty must be >= 0");
  if (!(c.seed_fraction_scale >= 0)) return bad("seed_fraction_scale must be >= 0");
  if (!(c.http_download_probability >= 0 && c.http_download_probability <= 1)) {
    return bad("http_download_probability must be in [0, 1]");
  }
  if (c.high_demand_window_us < 0 || c.http_download_window_us < 0 ||
      c.p2p_download_window_us < 0 || c.random_http_period_us <= 0 || c.http_initial_delay_us < 0 ||
      c.p2p_no_bytes_timeout_us <= 0 || c.http_no_bytes_timeout_us <= 0 ||
      c.fallback_margin_us < 0 || c.http_rtt_guess_us < 0 || c.cache_behind_us < 0 ||
      c.upload_slot_timeout_us <= 0 || c.request_peers_interval_us <= 0 || c.low_buffer_us < 0 ||
      c.seed_wait_us < 0 || c.request_jitter_us < 0 || c.urgent_window_us < 0 ||
      c.player_max_buffer_us < 0 || c.reference_wait_max_us < 0) {
    return bad("a duration knob is negative (or zero where a period is needed)");
  }
  if (c.p2p_error_retries > 100) return bad("p2p_error_retries must be <= 100");
  if (c.announce_spread_us < 0 || c.announce_spread_us > 10'000'000) {
    return bad("announce_spread_us must be in [0, 10 s]");
  }
  if (c.p2p_min_rate_kbps == 0 || c.http_min_rate_kbps == 0 || c.http_rate_guess_kbps == 0) {
    return bad("rate knobs must be > 0");
  }
  if (c.peer_requests_per_s == 0 || c.peer_request_burst == 0)
    return bad("peer request rate must be > 0");
  if (c.http_error_retries < 1 || c.p2p_error_retries < 1) return bad("retries must be >= 1");
  if (c.http_retry_delay_us < 0 || c.http_retry_delay_max_us < c.http_retry_delay_us) {
    return bad("http_retry_delay_us must be >= 0 and <= http_retry_delay_max_us");
  }
  return Status();
}
}  // namespace

Result<Agent> Agent::create(const AgentConfig& config, std::uint64_t seed, TimeUs now) {
  if (Status st = validate(config); !st.ok()) return st;
  auto own = std::make_shared<AgentConfig>(config);
  own->policy = {};  // the name's storage belongs to the caller; never read it later
  const PeerTraits self{config.self_region, config.self_isp, config.self_uplink_kbps};
  auto state = State::make(std::move(own), self, seed, now, config.policy);
  if (!state->policy_ok) return Status(Errc::kInvalidArgument, "unknown policy name");
  return Agent(std::move(state));
}

Result<Agent> Agent::create_shared(std::shared_ptr<const AgentConfig> config,
                                   const PeerTraits& self, std::uint64_t seed, TimeUs now) {
  if (!config) return Status(Errc::kInvalidArgument, "null config");
  if (Status st = validate(*config); !st.ok()) return st;
  const std::string_view name = config->policy;
  auto state = State::make(std::move(config), self, seed, now, name);
  if (!state->policy_ok) return Status(Errc::kInvalidArgument, "unknown policy name");
  return Agent(std::move(state));
}

Agent::Agent(std::unique_ptr<State> state) : state_(std::move(state)) {}
Agent::Agent(Agent&&) noexcept = default;
Agent& Agent::operator=(Agent&&) noexcept = default;
Agent::~Agent() = default;

namespace {
void advance(agent_detail::Core& s, TimeUs now) { s.now = std::max(s.now, now); }
}  // namespace

void Agent::handle_segment_published(TimeUs now, const SegmentInfo& segment) {
  advance(*state_, now);
  agent_detail::Core& s = *state_;
  s.invalidate_timeout();  // publications move availability times
  // Another rendition's live edge is read by no plan: quiet, unless remembering it evicted
  // (or the window is not open yet and it opens it on) our own rendition's edge.
  const bool other = s.window_valid && segment.key.rendition != s.rendition;
  // By index: adding another rendition's entry moves the table (same entry = same index).
  const std::size_t mine = s.edge_slot(s.rendition);
  const agent_detail::Edge before =
      mine != agent_detail::Core::kNoEdge ? s.edges[mine] : agent_detail::Edge{};
  s.publish(segment);
  const std::size_t at = s.edge_slot(s.rendition);
  const agent_detail::Edge* after = at == agent_detail::Core::kNoEdge ? nullptr : &s.edges[at];
  const bool quiet = other && at == mine &&
                     (after == nullptr || (after->available_at_us() == before.available_at_us() &&
                                           after->last_index == before.last_index &&
                                           after->size_bytes == before.size_bytes &&
                                           after->duration_ms == before.duration_ms));
  s.epoch_unless_idle(quiet);
}

void Agent::handle_player(TimeUs now, const PlayerView& player) {
  advance(*state_, now);
  state_->set_player(player);
  state_->epoch();
}

void Agent::handle_peer_connected(TimeUs now, PeerId peer, const PeerTraits& traits) {
  advance(*state_, now);
  state_->add_peer(peer, traits);
  state_->epoch();
}

void Agent::handle_peer_disconnected(TimeUs now, PeerId peer) {
  advance(*state_, now);
  state_->remove_peer(peer);
  state_->epoch();
}

Status Agent::handle_peer_message(TimeUs now, PeerId peer, std::span<const std::byte> bytes) {
  advance(*state_, now);
  bool quiet = false;
  const Status st = state_->on_message(peer, bytes, quiet);
  state_->epoch_unless_idle(quiet);
  return st;
}

void Agent::handle_transfer_progress(TimeUs now, TransferId transfer, std::uint64_t bytes_done) {
  advance(*state_, now);
  (void)bytes_done;
  if (auto* t = state_->find_transfer(static_cast<std::uint32_t>(transfer));
      t != nullptr && t->kind != agent_detail::Kind::kUpload && !t->verifying) {
    const TimeUs no_bytes = t->kind == agent_detail::Kind::kHttp
                                ? state_->config().http_no_bytes_timeout_us
                                : state_->config().p2p_no_bytes_timeout_us;
    t->timeout_us = now + no_bytes;  // bytes arrived: restart the no-bytes timer
    state_->invalidate_timeout();
    // (it may now expire earlier than the horizon of the last idle epoch assumed)
    state_->quiet_until_us = std::min(state_->quiet_until_us, t->timeout_us);
  }
}

void Agent::handle_transfer_done(TimeUs now, TransferId transfer, Outcome outcome) {
  advance(*state_, now);
  state_->transfer_done(static_cast<std::uint32_t>(transfer), outcome);
  state_->epoch();
}

void Agent::handle_integrity(TimeUs now, SegmentKey segment, bool passed) {
  advance(*state_, now);
  state_->integrity(segment, passed);
  state_->epoch();
}

void Agent::handle_timeout(TimeUs now) {
  advance(*state_, now);
  state_->epoch_unless_idle(/*quiet_input=*/true);  // an early timer changes no state
}

void Agent::prefetch() const {
  // The hot fields come first in Core, up to notyet_mask (see core.hpp): ~7 cache lines,
  // plus the holder counts (the slots an input touches depend on the input).
  const agent_detail::Core& c = *state_;
  const auto* begin = reinterpret_cast<const char*>(&c);
  const auto* end = reinterpret_cast<const char*>(&c.notyet_mask);
  for (const char* p = begin; p < end; p += 64) __builtin_prefetch(p);
  // The holder counts sit right after Core (<= 64 bytes): their address needs no load from
  // the (still cold) state, so this function never waits for memory.
  const char* counts = begin + sizeof(agent_detail::Core);
  __builtin_prefetch(counts);
  __builtin_prefetch(counts + 63);
}

void Agent::prefetch_peers() const { state_->peers.prefetch(); }

std::optional<Action> Agent::poll_action() {
  // Most inputs queue nothing: answer that without entering the general loop.
  if (state_->outbox_empty()) return std::nullopt;
  return state_->poll();
}
TimeUs Agent::next_timeout() const { return state_->next_timeout(); }
const AgentStats& Agent::stats() const { return state_->stats; }
std::size_t Agent::heap_bytes() const { return state_->heap_bytes(); }
std::size_t Agent::peer_table_bytes() const { return state_->peers.heap_bytes(); }
std::size_t Agent::peer_count() const { return state_->peers.size(); }

bool Agent::abr_learns_from_peers() const { return state_->abr_learns_from_peers_; }

}  // namespace p2pcdn::sched
