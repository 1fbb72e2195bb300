/* C ABI of the p2pcdn segment scheduler agent, for SDKs (mobile, TV) and WebAssembly hosts.
 * Mirrors p2pcdn/scheduler/agent.hpp one to one (read the host contract there); sans-IO like
 * it. No function here throws, reads a clock or keeps global state. */
#ifndef P2PCDN_SCHEDULER_H
#define P2PCDN_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define P2PCDN_NEVER INT64_MAX

/* Versioned structs. p2pcdn_player_view, p2pcdn_action and p2pcdn_agent_stats start with
 * `struct_size`, which the caller sets to sizeof the struct it was compiled with (the
 * P2PCDN_*_INIT initialisers do it). Fields are only ever appended, so a library and a caller
 * built against different versions agree on the common prefix, as in ngtcp2's versioned
 * settings: the library reads an input only up to struct_size (later fields take their
 * defaults) and writes an output only up to struct_size (a newer caller's extra fields are left
 * as they were). A struct_size below the first version's size (P2PCDN_*_SIZE_V1) is refused
 * with P2PCDN_ERR_INVALID_ARGUMENT. */
#define P2PCDN_STRUCT_END(type, last) (offsetof(type, last) + sizeof(((type*)0)->last))

/* Return codes: 0 = ok, otherwise the p2pcdn::sched::Errc value (see p2pcdn_errc_name). */
enum { P2PCDN_OK = 0, P2PCDN_ERR_INVALID_ARGUMENT = 7 };

typedef enum p2pcdn_action_kind {
  P2PCDN_ACTION_HTTP_FETCH = 0,
  P2PCDN_ACTION_CANCEL_TRANSFER = 1,
  P2PCDN_ACTION_SEND_MESSAGE = 2,
  P2PCDN_ACTION_START_UPLOAD = 3,
  P2PCDN_ACTION_DELIVER_SEGMENT = 4,
  P2PCDN_ACTION_DROP_PEER = 5,
  P2PCDN_ACTION_REQUEST_PEERS = 6,
  P2PCDN_ACTION_EVICT_SEGMENT = 7
} p2pcdn_action_kind;

typedef enum p2pcdn_outcome {
  P2PCDN_OUTCOME_COMPLETED = 0,
  P2PCDN_OUTCOME_FAILED = 1,
  P2PCDN_OUTCOME_CANCELLED = 2
} p2pcdn_outcome;

typedef struct p2pcdn_segment_key {
  uint32_t index;
  uint16_t rendition;
} p2pcdn_segment_key;

typedef struct p2pcdn_segment_info {
  p2pcdn_segment_key key;
  uint32_t size_bytes;
  int64_t duration_us;
  int64_t available_at_us;
} p2pcdn_segment_info;

typedef struct p2pcdn_player_view {
  uint32_t struct_size; /* sizeof(p2pcdn_player_view) (versioned, see above) */
  int64_t playhead_us;
  int64_t buffer_end_us;
  p2pcdn_segment_key next_needed;
  int64_t next_deadline_us; /* P2PCDN_NEVER when unknown */
  uint16_t rendition;
} p2pcdn_player_view;
#define P2PCDN_PLAYER_VIEW_SIZE_V1 P2PCDN_STRUCT_END(p2pcdn_player_view, rendition)
#define P2PCDN_PLAYER_VIEW_INIT \
  { (uint32_t)sizeof(p2pcdn_player_view) }

typedef struct p2pcdn_peer_traits {
  uint16_t region;
  uint16_t isp;
  uint32_t uplink_kbps_hint;
} p2pcdn_peer_traits;

typedef struct p2pcdn_action {
  uint32_t struct_size; /* sizeof(p2pcdn_action) (versioned, see above) */
  p2pcdn_action_kind kind;
  uint32_t peer;
  uint32_t transfer;
  p2pcdn_segment_key segment;
  uint32_t request_id;
  const uint8_t* bytes; /* SEND_MESSAGE: valid until the next non-const call on the agent */
  size_t bytes_len;
} p2pcdn_action;
#define P2PCDN_ACTION_SIZE_V1 P2PCDN_STRUCT_END(p2pcdn_action, bytes_len)
#define P2PCDN_ACTION_INIT \
  { (uint32_t)sizeof(p2pcdn_action) }

typedef struct p2pcdn_agent_stats {
  uint32_t struct_size; /* sizeof(p2pcdn_agent_stats) (versioned, see above) */
  uint64_t http_bytes, p2p_bytes, upload_bytes;
  uint32_t http_segments, p2p_segments, http_failures;
  uint32_t requests_sent, requests_rejected, requests_timed_out, requests_failed;
  uint32_t p2p_to_http_fallbacks, uploads_served, uploads_rejected, integrity_failures;
  uint32_t peers_banned, malformed_messages, segments_delivered, decision_epochs;
  uint32_t peer_requests_asked;
  uint32_t epochs_skipped; /* inputs whose decision epoch was provably idle and skipped */
  /* requests_rejected by the uploader's reason */
  uint32_t rejected_busy, rejected_not_found, rejected_rate_limited;
  /* HTTP fetches the policy started, by reason: seed, deadline, no holder, the policy's rule */
  uint32_t http_seed, http_deadline, http_no_holder, http_rule;
} p2pcdn_agent_stats;
#define P2PCDN_AGENT_STATS_SIZE_V1 P2PCDN_STRUCT_END(p2pcdn_agent_stats, http_rule)
#define P2PCDN_AGENT_STATS_INIT \
  { (uint32_t)sizeof(p2pcdn_agent_stats) }

typedef struct p2pcdn_config p2pcdn_config;
typedef struct p2pcdn_agent p2pcdn_agent;

/* Config: starts at the documented defaults (config.hpp). Knobs are set by their C++ field
 * name (e.g. "simultaneous_http_downloads", "high_demand_window_us"); durations in
 * microseconds, booleans 0/1. Returns P2PCDN_ERR_INVALID_ARGUMENT for an unknown name or a
 * value that does not fit the field. */
p2pcdn_config* p2pcdn_config_new(void);
void p2pcdn_config_free(p2pcdn_config* config);
/* The policy by its registry name ("cdn-only", "windowed", "buffer-threshold", "deadline-aware",
 * "reference"): P2PCDN_ERR_INVALID_ARGUMENT for a name the library does not hold (the config
 * keeps its previous policy). */
int p2pcdn_config_set_policy(p2pcdn_config* config, const char* name);
int p2pcdn_config_set(p2pcdn_config* config, const char* knob, double value);

/* Creates an agent (the config may be freed afterwards). Returns 0 and sets *out, or an
 * error code (invalid knob combination, unknown policy, out of memory). */
int p2pcdn_agent_create(const p2pcdn_config* config, uint64_t seed, int64_t now_us,
                        p2pcdn_agent** out);
void p2pcdn_agent_destroy(p2pcdn_agent* agent);

/* Every argument crossing the ABI is checked before it reaches the agent: the handle_*
 * functions return P2PCDN_OK, or P2PCDN_ERR_INVALID_ARGUMENT (the agent untouched) for a NULL
 * agent, a NULL struct pointer (traits may be NULL: unknown), a versioned struct whose
 * struct_size is below its first version's, or an enum value out of range.
 * Enum-valued parameters are plain ints, so that a value out of range is an error, not
 * undefined behaviour in the C++ implementation. */
int p2pcdn_agent_handle_segment_published(p2pcdn_agent* agent, int64_t now_us,
                                          const p2pcdn_segment_info* segment);
int p2pcdn_agent_handle_player(p2pcdn_agent* agent, int64_t now_us,
                               const p2pcdn_player_view* player);
int p2pcdn_agent_handle_peer_connected(p2pcdn_agent* agent, int64_t now_us, uint32_t peer,
                                       const p2pcdn_peer_traits* traits);
int p2pcdn_agent_handle_peer_disconnected(p2pcdn_agent* agent, int64_t now_us, uint32_t peer);
/* Returns 0, or the error of a malformed/unexpected message (the host may drop the peer). */
int p2pcdn_agent_handle_peer_message(p2pcdn_agent* agent, int64_t now_us, uint32_t peer,
                                     const uint8_t* bytes, size_t len);
int p2pcdn_agent_handle_transfer_progress(p2pcdn_agent* agent, int64_t now_us, uint32_t transfer,
                                          uint64_t bytes_done);
/* outcome: a p2pcdn_outcome value. */
int p2pcdn_agent_handle_transfer_done(p2pcdn_agent* agent, int64_t now_us, uint32_t transfer,
                                      int outcome);
/* passed: 0 = the segment failed its check, any other value = it passed. */
int p2pcdn_agent_handle_integrity(p2pcdn_agent* agent, int64_t now_us, p2pcdn_segment_key segment,
                                  int passed);
int p2pcdn_agent_handle_timeout(p2pcdn_agent* agent, int64_t now_us);

/* Writes the next action into *out (up to out->struct_size) and returns 1, returns 0 when
 * there is none, or -P2PCDN_ERR_INVALID_ARGUMENT for a NULL argument or an out->struct_size
 * below P2PCDN_ACTION_SIZE_V1 (no action is taken from the queue then): drain with
 * `while (poll(...) == 1)`. */
int p2pcdn_agent_poll_action(p2pcdn_agent* agent, p2pcdn_action* out);
/* P2PCDN_NEVER for a NULL agent (it wants no wake). */
int64_t p2pcdn_agent_next_timeout(const p2pcdn_agent* agent);
/* Writes the agent's counters into *out (up to out->struct_size). Returns P2PCDN_OK, or
 * P2PCDN_ERR_INVALID_ARGUMENT (out untouched) for a NULL argument or an out->struct_size below
 * P2PCDN_AGENT_STATS_SIZE_V1. */
int p2pcdn_agent_get_stats(const p2pcdn_agent* agent, p2pcdn_agent_stats* out);
/* 0 for a NULL agent. */
size_t p2pcdn_agent_heap_bytes(const p2pcdn_agent* agent);
/* The part of p2pcdn_agent_heap_bytes() proportional to the number of peers (the peer table);
 * 0 for a NULL agent. */
size_t p2pcdn_agent_peer_table_bytes(const p2pcdn_agent* agent);
const char* p2pcdn_errc_name(int code);

#ifdef __cplusplus
}
#endif

#endif /* P2PCDN_SCHEDULER_H */
