// The C ABI (p2pcdn/scheduler.h) over Agent: converts plain C structs to the C++ types and
// back. No exception may escape: every entry point is noexcept and allocation failures
// become error codes. Every pointer and enum value from C is checked here, before it reaches
// the C++ types: a C caller can pass any int where an enum is expected.
#include "p2pcdn/scheduler.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <new>
#include <string>
#include <string_view>
#include <type_traits>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/policies.hpp"

using p2pcdn::sched::ActionKind;
using p2pcdn::sched::Agent;
using p2pcdn::sched::AgentConfig;
using p2pcdn::sched::Errc;
using p2pcdn::sched::SegmentKey;

struct p2pcdn_config {
  AgentConfig config;
  std::string_view policy = "windowed";  // always a registry name (static storage)
};

struct p2pcdn_agent {
  explicit p2pcdn_agent(Agent a) : agent(std::move(a)) {}
  Agent agent;
};

static_assert(P2PCDN_ACTION_EVICT_SEGMENT == static_cast<int>(ActionKind::kEvictSegment));
static_assert(P2PCDN_ACTION_REQUEST_PEERS == static_cast<int>(ActionKind::kRequestPeers));
static_assert(P2PCDN_ACTION_HTTP_FETCH == static_cast<int>(ActionKind::kHttpFetch));
static_assert(P2PCDN_OUTCOME_CANCELLED == static_cast<int>(p2pcdn::sched::Outcome::kCancelled));
static_assert(P2PCDN_ERR_INVALID_ARGUMENT == static_cast<int>(Errc::kInvalidArgument));

namespace {

SegmentKey key_of(p2pcdn_segment_key k) { return SegmentKey{k.index, k.rendition}; }

// A versioned output: the caller's struct holds out->struct_size bytes, maybe fewer (an older
// caller) or more (a newer one) than ours; write the common prefix only.
template <class T>
void write_versioned(T* out, const T& full) {
  static_assert(std::is_trivially_copyable_v<T>);
  const std::size_t n = std::min<std::size_t>(out->struct_size, sizeof(T));
  std::memcpy(static_cast<void*>(out), &full, n);
}

// The first version of each struct: a caller compiled against it sets at least this size.
static_assert(P2PCDN_PLAYER_VIEW_SIZE_V1 <= sizeof(p2pcdn_player_view));
static_assert(P2PCDN_ACTION_SIZE_V1 <= sizeof(p2pcdn_action));
static_assert(P2PCDN_AGENT_STATS_SIZE_V1 <= sizeof(p2pcdn_agent_stats));

template <class T>
bool assign(T& field, double v) {
  if (!std::isfinite(v)) return false;
  if constexpr (std::is_same_v<T, bool>) {
    if (v != 0 && v != 1) return false;
    field = v != 0;
  } else if constexpr (std::is_floating_point_v<T>) {
    field = static_cast<T>(v);
  } else {
    if (v != std::floor(v) || v < static_cast<double>(std::numeric_limits<T>::min()) ||
        v > static_cast<double>(std::numeric_limits<T>::max())) {
      return false;
    }
    field = static_cast<T>(v);
  }
  return true;
}

bool set_knob(AgentConfig& c, std::string_view k, double v) {
#define P2PCDN_KNOB(name) \
  if (k == #name) return assign(c.name, v);
  P2PCDN_KNOB(simultaneous_http_downloads)
  P2PCDN_KNOB(simultaneous_p2p_downloads)
  P2PCDN_KNOB(high_demand_window_us)
  P2PCDN_KNOB(http_download_window_us)
  P2PCDN_KNOB(p2p_download_window_us)
  P2PCDN_KNOB(random_http_enabled)
  P2PCDN_KNOB(random_http_period_us)
  P2PCDN_KNOB(http_initial_delay_us)
  P2PCDN_KNOB(http_download_probability)
  P2PCDN_KNOB(http_download_probability_skip_if_no_peers)
  P2PCDN_KNOB(p2p_no_bytes_timeout_us)
  P2PCDN_KNOB(p2p_min_rate_kbps)
  P2PCDN_KNOB(http_no_bytes_timeout_us)
  P2PCDN_KNOB(http_min_rate_kbps)
  P2PCDN_KNOB(http_error_retries)
  P2PCDN_KNOB(http_retry_delay_us)
  P2PCDN_KNOB(http_retry_delay_max_us)
  P2PCDN_KNOB(p2p_error_retries)
  P2PCDN_KNOB(fallback_margin_us)
  P2PCDN_KNOB(http_rate_guess_kbps)
  P2PCDN_KNOB(http_rtt_guess_us)
  P2PCDN_KNOB(cache_segments_max)
  P2PCDN_KNOB(cache_behind_us)
  P2PCDN_KNOB(window_segments)
  P2PCDN_KNOB(p2p_disabled)
  P2PCDN_KNOB(upload_disabled)
  P2PCDN_KNOB(upload_slots)
  P2PCDN_KNOB(announce_spread_us)
  P2PCDN_KNOB(uploads_per_peer_max)
  P2PCDN_KNOB(peer_requests_per_s)
  P2PCDN_KNOB(peer_request_burst)
  P2PCDN_KNOB(upload_slot_timeout_us)
  P2PCDN_KNOB(self_region)
  P2PCDN_KNOB(self_isp)
  P2PCDN_KNOB(self_uplink_kbps)
  P2PCDN_KNOB(peers_max)
  P2PCDN_KNOB(peers_min)
  P2PCDN_KNOB(request_peers_interval_us)
  P2PCDN_KNOB(score_ewma_alpha)
  P2PCDN_KNOB(failure_penalty)
  P2PCDN_KNOB(low_buffer_us)
  P2PCDN_KNOB(max_contributors)
  P2PCDN_KNOB(seed_fraction_scale)
  P2PCDN_KNOB(seed_wait_us)
  P2PCDN_KNOB(request_jitter_us)
  P2PCDN_KNOB(urgent_window_us)
  P2PCDN_KNOB(upload_queue_max)
  P2PCDN_KNOB(player_max_buffer_us)
  P2PCDN_KNOB(reference_wait_max_us)
  P2PCDN_KNOB(skip_idle_epochs)
#undef P2PCDN_KNOB
  return false;
}

}  // namespace

extern "C" {

p2pcdn_config* p2pcdn_config_new(void) { return new (std::nothrow) p2pcdn_config(); }
void p2pcdn_config_free(p2pcdn_config* config) { delete config; }

int p2pcdn_config_set_policy(p2pcdn_config* config, const char* name) {
  if (config == nullptr || name == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  // Refused where it is set, not later at agent creation: the caller sees which call was wrong.
  const std::string_view known = p2pcdn::sched::find_policy_name(name);
  if (known.empty()) return P2PCDN_ERR_INVALID_ARGUMENT;
  config->policy = known;
  return P2PCDN_OK;
}

int p2pcdn_config_set(p2pcdn_config* config, const char* knob, double value) {
  if (config == nullptr || knob == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  return set_knob(config->config, knob, value) ? P2PCDN_OK : P2PCDN_ERR_INVALID_ARGUMENT;
}

int p2pcdn_agent_create(const p2pcdn_config* config, uint64_t seed, int64_t now_us,
                        p2pcdn_agent** out) {
  if (config == nullptr || out == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  *out = nullptr;
  try {
    AgentConfig c = config->config;
    c.policy = config->policy;
    auto r = Agent::create(c, seed, now_us);
    if (!r.ok()) return static_cast<int>(r.status().code());
    *out = new p2pcdn_agent(std::move(r).value());
  } catch (...) {  // std::bad_alloc
    return static_cast<int>(Errc::kCapacityExceeded);
  }
  return P2PCDN_OK;
}

void p2pcdn_agent_destroy(p2pcdn_agent* agent) { delete agent; }

int p2pcdn_agent_handle_segment_published(p2pcdn_agent* agent, int64_t now_us,
                                          const p2pcdn_segment_info* s) {
  if (agent == nullptr || s == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  agent->agent.handle_segment_published(
      now_us, p2pcdn::sched::SegmentInfo{key_of(s->key), s->size_bytes, s->duration_us,
                                         s->available_at_us});
  return P2PCDN_OK;
}

int p2pcdn_agent_handle_player(p2pcdn_agent* agent, int64_t now_us, const p2pcdn_player_view* p) {
  if (agent == nullptr || p == nullptr || p->struct_size < P2PCDN_PLAYER_VIEW_SIZE_V1)
    return P2PCDN_ERR_INVALID_ARGUMENT;
  // Every field is in version 1; a later version reads its new fields only below struct_size.
  p2pcdn::sched::PlayerView v;
  v.playhead_us = p->playhead_us;
  v.buffer_end_us = p->buffer_end_us;
  v.next_needed = key_of(p->next_needed);
  v.next_deadline_us = p->next_deadline_us;
  v.rendition = p->rendition;
  agent->agent.handle_player(now_us, v);
  return P2PCDN_OK;
}

int p2pcdn_agent_handle_peer_connected(p2pcdn_agent* agent, int64_t now_us, uint32_t peer,
                                       const p2pcdn_peer_traits* t) {
  if (agent == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  p2pcdn::sched::PeerTraits traits;
  if (t != nullptr) traits = {t->region, t->isp, t->uplink_kbps_hint};
  agent->agent.handle_peer_connected(now_us, p2pcdn::sched::PeerId{peer}, traits);
  return P2PCDN_OK;
}

int p2pcdn_agent_handle_peer_disconnected(p2pcdn_agent* agent, int64_t now_us, uint32_t peer) {
  if (agent == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  agent->agent.handle_peer_disconnected(now_us, p2pcdn::sched::PeerId{peer});
  return P2PCDN_OK;
}

int p2pcdn_agent_handle_peer_message(p2pcdn_agent* agent, int64_t now_us, uint32_t peer,
                                     const uint8_t* bytes, size_t len) {
  if (agent == nullptr || (bytes == nullptr && len != 0)) return P2PCDN_ERR_INVALID_ARGUMENT;
  const auto* b = reinterpret_cast<const std::byte*>(bytes);
  const p2pcdn::sched::Status st = agent->agent.handle_peer_message(
      now_us, p2pcdn::sched::PeerId{peer}, std::span<const std::byte>(b, len));
  return static_cast<int>(st.code());
}

int p2pcdn_agent_handle_transfer_progress(p2pcdn_agent* agent, int64_t now_us, uint32_t transfer,
                                          uint64_t bytes_done) {
  if (agent == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  agent->agent.handle_transfer_progress(now_us, p2pcdn::sched::TransferId{transfer}, bytes_done);
  return P2PCDN_OK;
}

int p2pcdn_agent_handle_transfer_done(p2pcdn_agent* agent, int64_t now_us, uint32_t transfer,
                                      int outcome) {
  if (agent == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  p2pcdn::sched::Outcome o{};
  switch (outcome) {
    case P2PCDN_OUTCOME_COMPLETED:
      o = p2pcdn::sched::Outcome::kCompleted;
      break;
    case P2PCDN_OUTCOME_FAILED:
      o = p2pcdn::sched::Outcome::kFailed;
      break;
    case P2PCDN_OUTCOME_CANCELLED:
      o = p2pcdn::sched::Outcome::kCancelled;
      break;
    default:
      return P2PCDN_ERR_INVALID_ARGUMENT;
  }
  agent->agent.handle_transfer_done(now_us, p2pcdn::sched::TransferId{transfer}, o);
  return P2PCDN_OK;
}

int p2pcdn_agent_handle_integrity(p2pcdn_agent* agent, int64_t now_us, p2pcdn_segment_key segment,
                                  int passed) {
  if (agent == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  agent->agent.handle_integrity(now_us, key_of(segment), passed != 0);
  return P2PCDN_OK;
}

int p2pcdn_agent_handle_timeout(p2pcdn_agent* agent, int64_t now_us) {
  if (agent == nullptr) return P2PCDN_ERR_INVALID_ARGUMENT;
  agent->agent.handle_timeout(now_us);
  return P2PCDN_OK;
}

int p2pcdn_agent_poll_action(p2pcdn_agent* agent, p2pcdn_action* out) {
  if (agent == nullptr || out == nullptr || out->struct_size < P2PCDN_ACTION_SIZE_V1)
    return -P2PCDN_ERR_INVALID_ARGUMENT;
  auto a = agent->agent.poll_action();
  if (!a) return 0;
  p2pcdn_action full{};
  full.struct_size = out->struct_size;
  full.kind = static_cast<p2pcdn_action_kind>(a->kind);
  full.peer = static_cast<uint32_t>(a->peer);
  full.transfer = static_cast<uint32_t>(a->transfer);
  full.segment = p2pcdn_segment_key{a->segment.index, a->segment.rendition};
  full.request_id = a->request_id;
  full.bytes = reinterpret_cast<const uint8_t*>(a->bytes.data());
  full.bytes_len = a->bytes.size();
  write_versioned(out, full);
  return 1;
}

int64_t p2pcdn_agent_next_timeout(const p2pcdn_agent* agent) {
  if (agent == nullptr) return P2PCDN_NEVER;
  return agent->agent.next_timeout();
}

int p2pcdn_agent_get_stats(const p2pcdn_agent* agent, p2pcdn_agent_stats* out) {
  if (agent == nullptr || out == nullptr || out->struct_size < P2PCDN_AGENT_STATS_SIZE_V1)
    return P2PCDN_ERR_INVALID_ARGUMENT;
  const auto& s = agent->agent.stats();
  const p2pcdn_agent_stats full{
      out->struct_size,     s.http_bytes,         s.p2p_bytes,          s.upload_bytes,
      s.http_segments,      s.p2p_segments,       s.http_failures,      s.requests_sent,
      s.requests_rejected,  s.requests_timed_out, s.requests_failed,    s.p2p_to_http_fallbacks,
      s.uploads_served,     s.uploads_rejected,   s.integrity_failures, s.peers_banned,
      s.malformed_messages, s.segments_delivered, s.decision_epochs,    s.peer_requests_asked,
      s.epochs_skipped,     s.rejected_busy,      s.rejected_not_found, s.rejected_rate_limited,
      s.http_seed,          s.http_deadline,      s.http_no_holder,     s.http_rule};
  write_versioned(out, full);
  return P2PCDN_OK;
}

size_t p2pcdn_agent_heap_bytes(const p2pcdn_agent* agent) {
  if (agent == nullptr) return 0;
  return sizeof(p2pcdn_agent) + agent->agent.heap_bytes();
}

size_t p2pcdn_agent_peer_table_bytes(const p2pcdn_agent* agent) {
  if (agent == nullptr) return 0;
  return agent->agent.peer_table_bytes();
}

const char* p2pcdn_errc_name(int code) {
  if (code < 0 || code > static_cast<int>(Errc::kRateLimited)) return "unknown error";
  return p2pcdn::sched::errc_name(static_cast<Errc>(code));
}

}  // extern "C"
