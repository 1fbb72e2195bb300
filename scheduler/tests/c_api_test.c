/* Drives one small scenario through the C ABI from plain C11: an unknown policy is refused,
 * a cdn-only agent fetches the needed segment over HTTP and delivers it, and a windowed agent
 * greets a peer, requests a far segment from it and rejects garbage; NULL pointers and enum
 * values out of range are refused with an error. Exit code 0 = pass. */
#include <stdio.h>
#include <string.h>

#include "p2pcdn/scheduler.h"

static int failures = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

static void publish(p2pcdn_agent* a, int64_t now, uint32_t index) {
  p2pcdn_segment_info s;
  memset(&s, 0, sizeof s);
  s.key.index = index;
  s.key.rendition = 0;
  s.size_bytes = 1000000;
  s.duration_us = 4000000;
  s.available_at_us = now;
  CHECK(p2pcdn_agent_handle_segment_published(a, now, &s) == P2PCDN_OK);
}

static void need(p2pcdn_agent* a, int64_t now, uint32_t index, int64_t deadline) {
  p2pcdn_player_view v = P2PCDN_PLAYER_VIEW_INIT;
  v.next_needed.index = index;
  v.next_deadline_us = deadline;
  CHECK(p2pcdn_agent_handle_player(a, now, &v) == P2PCDN_OK);
}

/* Counts actions of `kind` (and remembers the last one) while draining the agent. */
static int drain(p2pcdn_agent* a, p2pcdn_action_kind kind, p2pcdn_action* last) {
  int n = 0;
  p2pcdn_action act = P2PCDN_ACTION_INIT;
  while (p2pcdn_agent_poll_action(a, &act) == 1) {
    if (act.kind == kind) {
      ++n;
      if (last != NULL) *last = act;
    }
  }
  return n;
}

/* Every entry point refuses a NULL agent or struct pointer with an error, never a crash. */
static void check_null_arguments(void) {
  const int bad = P2PCDN_ERR_INVALID_ARGUMENT;
  p2pcdn_segment_info segment;
  memset(&segment, 0, sizeof segment);
  p2pcdn_player_view view = P2PCDN_PLAYER_VIEW_INIT;
  p2pcdn_segment_key key = {0, 0};
  p2pcdn_action act = P2PCDN_ACTION_INIT;
  p2pcdn_agent_stats st = P2PCDN_AGENT_STATS_INIT;
  const uint8_t byte = 0;
  CHECK(p2pcdn_config_set_policy(NULL, "windowed") == bad);
  CHECK(p2pcdn_config_set(NULL, "peers_max", 10) == bad);
  p2pcdn_agent* out = NULL;
  CHECK(p2pcdn_agent_create(NULL, 1, 0, &out) == bad && out == NULL);
  p2pcdn_config* cfg = p2pcdn_config_new();
  CHECK(p2pcdn_config_set_policy(cfg, NULL) == bad);
  CHECK(p2pcdn_config_set(cfg, NULL, 1) == bad);
  CHECK(p2pcdn_agent_create(cfg, 1, 0, NULL) == bad);
  p2pcdn_agent_destroy(NULL);
  p2pcdn_config_free(NULL);

  CHECK(p2pcdn_agent_handle_segment_published(NULL, 0, &segment) == bad);
  CHECK(p2pcdn_agent_handle_player(NULL, 0, &view) == bad);
  CHECK(p2pcdn_agent_handle_peer_connected(NULL, 0, 1, NULL) == bad);
  CHECK(p2pcdn_agent_handle_peer_disconnected(NULL, 0, 1) == bad);
  CHECK(p2pcdn_agent_handle_peer_message(NULL, 0, 1, &byte, 1) == bad);
  CHECK(p2pcdn_agent_handle_transfer_progress(NULL, 0, 1, 10) == bad);
  CHECK(p2pcdn_agent_handle_transfer_done(NULL, 0, 1, P2PCDN_OUTCOME_COMPLETED) == bad);
  CHECK(p2pcdn_agent_handle_integrity(NULL, 0, key, 1) == bad);
  CHECK(p2pcdn_agent_handle_timeout(NULL, 0) == bad);
  CHECK(p2pcdn_agent_poll_action(NULL, &act) == -bad);
  CHECK(p2pcdn_agent_next_timeout(NULL) == P2PCDN_NEVER);
  CHECK(p2pcdn_agent_get_stats(NULL, &st) == bad);
  CHECK(p2pcdn_agent_heap_bytes(NULL) == 0);
  CHECK(p2pcdn_agent_peer_table_bytes(NULL) == 0);

  /* A live agent with NULL structs: refused, and the agent keeps working. */
  p2pcdn_agent* a = NULL;
  CHECK(p2pcdn_config_set_policy(cfg, "cdn-only") == P2PCDN_OK);
  CHECK(p2pcdn_agent_create(cfg, 1, 0, &a) == P2PCDN_OK && a != NULL);
  p2pcdn_config_free(cfg);
  CHECK(p2pcdn_agent_handle_segment_published(a, 0, NULL) == bad);
  CHECK(p2pcdn_agent_handle_player(a, 0, NULL) == bad);
  CHECK(p2pcdn_agent_handle_peer_message(a, 0, 1, NULL, 4) == bad);
  CHECK(p2pcdn_agent_poll_action(a, NULL) == -bad);
  CHECK(p2pcdn_agent_get_stats(a, NULL) == bad);
  CHECK(p2pcdn_agent_handle_peer_connected(a, 0, 7, NULL) == P2PCDN_OK); /* traits optional */
  CHECK(p2pcdn_agent_handle_timeout(a, 0) == P2PCDN_OK);
  while (p2pcdn_agent_poll_action(a, &act) == 1) {
  }
  publish(a, 0, 3);
  need(a, 0, 3, 4000000);
  CHECK(drain(a, P2PCDN_ACTION_HTTP_FETCH, NULL) == 1);
  p2pcdn_agent_destroy(a);
}

/* Versioned structs: a size below the first version's is refused (nothing consumed); a newer
 * caller's larger struct keeps its extra fields; an older caller's smaller one gets the prefix. */
static void check_versioned_structs(void) {
  const int bad = P2PCDN_ERR_INVALID_ARGUMENT;
  p2pcdn_config* cfg = p2pcdn_config_new();
  p2pcdn_agent* a = NULL;
  CHECK(p2pcdn_config_set_policy(cfg, "cdn-only") == P2PCDN_OK);
  CHECK(p2pcdn_agent_create(cfg, 1, 0, &a) == P2PCDN_OK);
  p2pcdn_config_free(cfg);
  drain(a, P2PCDN_ACTION_HTTP_FETCH, NULL);
  publish(a, 0, 3);
  p2pcdn_player_view old_view = P2PCDN_PLAYER_VIEW_INIT;
  old_view.struct_size = 0; /* a caller that never set it */
  CHECK(p2pcdn_agent_handle_player(a, 0, &old_view) == bad);
  old_view.struct_size = (uint32_t)P2PCDN_PLAYER_VIEW_SIZE_V1 - 1;
  CHECK(p2pcdn_agent_handle_player(a, 0, &old_view) == bad);
  need(a, 0, 3, 4000000);
  /* The fetch is queued: a bad size takes nothing from the queue. */
  p2pcdn_action act = P2PCDN_ACTION_INIT;
  act.struct_size = 4;
  CHECK(p2pcdn_agent_poll_action(a, &act) == -bad);
  CHECK(act.struct_size == 4);
  struct newer_action {
    p2pcdn_action v1;
    uint64_t added_later;
  } newer;
  memset(&newer, 0, sizeof newer);
  newer.v1.struct_size = (uint32_t)sizeof newer;
  newer.added_later = 0x5EED;
  int fetches = 0;
  while (p2pcdn_agent_poll_action(a, &newer.v1) == 1)
    if (newer.v1.kind == P2PCDN_ACTION_HTTP_FETCH && newer.v1.segment.index == 3) ++fetches;
  CHECK(fetches == 1);
  CHECK(newer.added_later == 0x5EED && newer.v1.struct_size == sizeof newer);

  p2pcdn_agent_stats st = P2PCDN_AGENT_STATS_INIT;
  st.struct_size = 0;
  st.http_bytes = 77;
  CHECK(p2pcdn_agent_get_stats(a, &st) == bad);
  CHECK(st.http_bytes == 77); /* untouched */
  struct newer_stats {
    p2pcdn_agent_stats v1;
    uint32_t added_later;
  } big;
  memset(&big, 0, sizeof big);
  big.v1.struct_size = (uint32_t)sizeof big;
  big.added_later = 99;
  big.v1.http_rule = 12345;
  CHECK(p2pcdn_agent_get_stats(a, &big.v1) == P2PCDN_OK);
  CHECK(big.added_later == 99 && big.v1.struct_size == sizeof big);
  CHECK(big.v1.http_rule != 12345 &&
        big.v1.http_seed + big.v1.http_deadline + big.v1.http_rule + big.v1.http_no_holder >= 1);
  /* Exactly the first version's size: every field of it is written. */
  p2pcdn_agent_stats exact = P2PCDN_AGENT_STATS_INIT;
  exact.struct_size = (uint32_t)P2PCDN_AGENT_STATS_SIZE_V1;
  exact.http_rule = 12345;
  CHECK(p2pcdn_agent_get_stats(a, &exact) == P2PCDN_OK);
  CHECK(exact.http_rule == big.v1.http_rule);
  p2pcdn_agent_destroy(a);
}

int main(void) {
  p2pcdn_config* cfg = p2pcdn_config_new();
  p2pcdn_agent* a = NULL;
  CHECK(cfg != NULL);
  /* An unknown policy is refused where it is set, and the config keeps the one it had. */
  CHECK(p2pcdn_config_set_policy(cfg, "no-such-policy") == P2PCDN_ERR_INVALID_ARGUMENT);
  CHECK(p2pcdn_config_set_policy(cfg, "") == P2PCDN_ERR_INVALID_ARGUMENT);
  CHECK(p2pcdn_config_set_policy(cfg, "Windowed") == P2PCDN_ERR_INVALID_ARGUMENT);
  CHECK(p2pcdn_agent_create(cfg, 1, 0, &a) == P2PCDN_OK && a != NULL);
  p2pcdn_agent_destroy(a);
  a = NULL;
  CHECK(p2pcdn_config_set(cfg, "no_such_knob", 1) == P2PCDN_ERR_INVALID_ARGUMENT);
  CHECK(p2pcdn_config_set(cfg, "simultaneous_http_downloads", 300) == P2PCDN_ERR_INVALID_ARGUMENT);

  /* cdn-only: need -> HTTP fetch -> completion -> delivery. */
  CHECK(p2pcdn_config_set_policy(cfg, "cdn-only") == P2PCDN_OK);
  CHECK(p2pcdn_config_set(cfg, "simultaneous_http_downloads", 1) == P2PCDN_OK);
  CHECK(p2pcdn_config_set(cfg, "announce_spread_us", 0) == P2PCDN_OK); /* ask on the Have */
  CHECK(p2pcdn_agent_create(cfg, 1, 0, &a) == P2PCDN_OK && a != NULL);
  publish(a, 0, 5);
  need(a, 0, 5, 4000000);
  p2pcdn_action fetch;
  memset(&fetch, 0, sizeof fetch);
  CHECK(drain(a, P2PCDN_ACTION_HTTP_FETCH, &fetch) == 1);
  CHECK(fetch.segment.index == 5 && fetch.transfer != 0);
  CHECK(p2pcdn_agent_next_timeout(a) != P2PCDN_NEVER); /* the HTTP timeout is armed */
  /* Outcomes out of range are refused and change nothing: the fetch is still open. */
  CHECK(p2pcdn_agent_handle_transfer_done(a, 500000, fetch.transfer, 4) ==
        P2PCDN_ERR_INVALID_ARGUMENT);
  CHECK(p2pcdn_agent_handle_transfer_done(a, 500000, fetch.transfer, 3) ==
        P2PCDN_ERR_INVALID_ARGUMENT);
  CHECK(p2pcdn_agent_handle_transfer_done(a, 500000, fetch.transfer, -1) ==
        P2PCDN_ERR_INVALID_ARGUMENT);
  CHECK(drain(a, P2PCDN_ACTION_DELIVER_SEGMENT, NULL) == 0);
  CHECK(p2pcdn_agent_handle_transfer_done(a, 500000, fetch.transfer, P2PCDN_OUTCOME_COMPLETED) ==
        P2PCDN_OK);
  p2pcdn_action deliver;
  CHECK(drain(a, P2PCDN_ACTION_DELIVER_SEGMENT, &deliver) == 1);
  CHECK(deliver.segment.index == 5);
  p2pcdn_agent_stats st = P2PCDN_AGENT_STATS_INIT;
  CHECK(p2pcdn_agent_get_stats(a, &st) == P2PCDN_OK);
  CHECK(st.http_segments == 1 && st.http_bytes == 1000000 && st.segments_delivered == 1);
  CHECK(p2pcdn_agent_heap_bytes(a) > 0);
  p2pcdn_agent_destroy(a);

  /* window_segments: 8, 16, 32 or 64; a 16-slot agent is 48 x 13 B smaller. */
  CHECK(p2pcdn_agent_create(cfg, 1, 0, &a) == P2PCDN_OK);
  const size_t heap64 = p2pcdn_agent_heap_bytes(a);
  p2pcdn_agent_destroy(a);
  CHECK(p2pcdn_config_set(cfg, "window_segments", 12) == P2PCDN_OK);        /* fits the field... */
  CHECK(p2pcdn_agent_create(cfg, 1, 0, &a) == P2PCDN_ERR_INVALID_ARGUMENT); /* ...not valid */
  CHECK(p2pcdn_config_set(cfg, "window_segments", 16) == P2PCDN_OK);
  CHECK(p2pcdn_agent_create(cfg, 1, 0, &a) == P2PCDN_OK);
  CHECK(heap64 - p2pcdn_agent_heap_bytes(a) == 48 * 13);
  p2pcdn_agent_destroy(a);
  CHECK(p2pcdn_config_set(cfg, "window_segments", 64) == P2PCDN_OK);

  /* windowed: a peer that holds a segment beyond the 15 s window gets a request. */
  CHECK(p2pcdn_config_set_policy(cfg, "windowed") == P2PCDN_OK);
  CHECK(p2pcdn_config_set(cfg, "random_http_enabled", 0) == P2PCDN_OK);
  CHECK(p2pcdn_agent_create(cfg, 2, 0, &a) == P2PCDN_OK);
  p2pcdn_config_free(cfg);
  for (uint32_t i = 10; i <= 14; ++i) publish(a, 0, i);
  CHECK(p2pcdn_agent_peer_table_bytes(a) == 0);
  p2pcdn_agent_handle_peer_connected(a, 0, 42, NULL);
  CHECK(p2pcdn_agent_peer_table_bytes(a) > 0 &&
        p2pcdn_agent_peer_table_bytes(a) <= p2pcdn_agent_heap_bytes(a));
  p2pcdn_action hello;
  CHECK(drain(a, P2PCDN_ACTION_SEND_MESSAGE, &hello) >= 1);
  /* Have{rendition 0, index 14} in wire format v1: version, type 3, u16 rendition, u32 index. */
  const uint8_t have[] = {1, 3, 0, 0, 14, 0, 0, 0};
  const int have_rc = p2pcdn_agent_handle_peer_message(a, 0, 42, have, sizeof have);
  if (have_rc != P2PCDN_OK) fprintf(stderr, "have: %s\n", p2pcdn_errc_name(have_rc));
  CHECK(have_rc == P2PCDN_OK);
  need(a, 0, 10, 4000000);
  p2pcdn_action req;
  memset(&req, 0, sizeof req);
  CHECK(drain(a, P2PCDN_ACTION_SEND_MESSAGE, &req) == 1);
  CHECK(req.peer == 42 && req.bytes != NULL && req.bytes_len > 2 && req.bytes[1] == 4);
  const uint8_t garbage[] = {0xff, 0xff};
  const int err = p2pcdn_agent_handle_peer_message(a, 0, 42, garbage, sizeof garbage);
  CHECK(err != P2PCDN_OK);
  CHECK(strlen(p2pcdn_errc_name(err)) > 0);
  p2pcdn_agent_destroy(a);

  check_null_arguments();
  check_versioned_structs();

  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("c_api_test: ok\n");
  return 0;
}
