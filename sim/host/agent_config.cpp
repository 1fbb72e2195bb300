#include "sim/host/agent_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <stdexcept>
#include <type_traits>

#include "p2pcdn/scheduler/policies.hpp"

namespace p2pcdn::sim {
namespace {

using Setter = std::function<void(sched::AgentConfig&, double)>;

template <class T>
Setter setter(T sched::AgentConfig::*field) {
  return [field](sched::AgentConfig& config, double value) {
    if constexpr (std::is_same_v<T, bool>) {
      if (value != 0.0 && value != 1.0) throw std::invalid_argument("must be 0 or 1");
      config.*field = value != 0.0;
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(value)) throw std::invalid_argument("must be finite");
      config.*field = static_cast<T>(value);
    } else {
      if (!(value >= static_cast<double>(std::numeric_limits<T>::min()) &&
            value <= static_cast<double>(std::numeric_limits<T>::max())) ||
          value != std::floor(value)) {
        throw std::invalid_argument("must be an integer in [" +
                                    std::to_string(std::numeric_limits<T>::min()) + ", " +
                                    std::to_string(std::numeric_limits<T>::max()) + "]");
      }
      config.*field = static_cast<T>(value);
    }
  };
}

// Knob names are the AgentConfig field names (documented in scheduler/.../config.hpp).
// Durations keep their _us suffix: values are microseconds.
const std::map<std::string, Setter>& knob_table() {
  static const std::map<std::string, Setter> table = {
      {"simultaneous_http_downloads", setter(&sched::AgentConfig::simultaneous_http_downloads)},
      {"simultaneous_p2p_downloads", setter(&sched::AgentConfig::simultaneous_p2p_downloads)},
      {"high_demand_window_us", setter(&sched::AgentConfig::high_demand_window_us)},
      {"http_download_window_us", setter(&sched::AgentConfig::http_download_window_us)},
      {"p2p_download_window_us", setter(&sched::AgentConfig::p2p_download_window_us)},
      {"random_http_enabled", setter(&sched::AgentConfig::random_http_enabled)},
      {"random_http_period_us", setter(&sched::AgentConfig::random_http_period_us)},
      {"http_initial_delay_us", setter(&sched::AgentConfig::http_initial_delay_us)},
      {"http_download_probability", setter(&sched::AgentConfig::http_download_probability)},
      {"http_download_probability_skip_if_no_peers",
       setter(&sched::AgentConfig::http_download_probability_skip_if_no_peers)},
      {"upload_slot_timeout_us", setter(&sched::AgentConfig::upload_slot_timeout_us)},
      {"p2p_no_bytes_timeout_us", setter(&sched::AgentConfig::p2p_no_bytes_timeout_us)},
      {"p2p_min_rate_kbps", setter(&sched::AgentConfig::p2p_min_rate_kbps)},
      {"http_no_bytes_timeout_us", setter(&sched::AgentConfig::http_no_bytes_timeout_us)},
      {"http_min_rate_kbps", setter(&sched::AgentConfig::http_min_rate_kbps)},
      {"http_error_retries", setter(&sched::AgentConfig::http_error_retries)},
      {"http_retry_delay_us", setter(&sched::AgentConfig::http_retry_delay_us)},
      {"http_retry_delay_max_us", setter(&sched::AgentConfig::http_retry_delay_max_us)},
      {"p2p_error_retries", setter(&sched::AgentConfig::p2p_error_retries)},
      {"fallback_margin_us", setter(&sched::AgentConfig::fallback_margin_us)},
      {"http_rate_guess_kbps", setter(&sched::AgentConfig::http_rate_guess_kbps)},
      {"http_rtt_guess_us", setter(&sched::AgentConfig::http_rtt_guess_us)},
      {"cache_segments_max", setter(&sched::AgentConfig::cache_segments_max)},
      {"cache_behind_us", setter(&sched::AgentConfig::cache_behind_us)},
      {"upload_disabled", setter(&sched::AgentConfig::upload_disabled)},
      {"upload_slots", setter(&sched::AgentConfig::upload_slots)},
      {"announce_spread_us", setter(&sched::AgentConfig::announce_spread_us)},
      {"uploads_per_peer_max", setter(&sched::AgentConfig::uploads_per_peer_max)},
      {"peer_requests_per_s", setter(&sched::AgentConfig::peer_requests_per_s)},
      {"peer_request_burst", setter(&sched::AgentConfig::peer_request_burst)},
      {"peers_max", setter(&sched::AgentConfig::peers_max)},
      {"peers_min", setter(&sched::AgentConfig::peers_min)},
      {"request_peers_interval_us", setter(&sched::AgentConfig::request_peers_interval_us)},
      {"score_ewma_alpha", setter(&sched::AgentConfig::score_ewma_alpha)},
      {"failure_penalty", setter(&sched::AgentConfig::failure_penalty)},
      {"low_buffer_us", setter(&sched::AgentConfig::low_buffer_us)},
      {"max_contributors", setter(&sched::AgentConfig::max_contributors)},
      {"seed_fraction_scale", setter(&sched::AgentConfig::seed_fraction_scale)},
      {"seed_wait_us", setter(&sched::AgentConfig::seed_wait_us)},
      {"request_jitter_us", setter(&sched::AgentConfig::request_jitter_us)},
      {"urgent_window_us", setter(&sched::AgentConfig::urgent_window_us)},
      {"upload_queue_max", setter(&sched::AgentConfig::upload_queue_max)},
      {"player_max_buffer_us", setter(&sched::AgentConfig::player_max_buffer_us)},
      {"reference_wait_max_us", setter(&sched::AgentConfig::reference_wait_max_us)},
      {"window_segments", setter(&sched::AgentConfig::window_segments)},
      {"skip_idle_epochs", setter(&sched::AgentConfig::skip_idle_epochs)},
  };
  return table;
}

}  // namespace

std::string_view policy_name(const models::Scenario& scenario) {
  if (!scenario.p2p.enabled) return models::kCdnOnlyPolicy;
  return sched::find_policy_name(scenario.p2p.policy);
}

std::uint16_t default_window_segments(const models::Scenario& scenario,
                                      const sched::AgentConfig& config) {
  const double segment_s = scenario.stream.segment_duration_s;
  if (!(segment_s > 0.0)) return config.window_segments;  // the stream loader reports it
  const double live_delay_s = scenario.player.live_delay_s > 0.0
                                  ? scenario.player.live_delay_s
                                  : scenario.player.live_sync_segments * segment_s;
  // The player's live_max_latency_s bounds how far behind the edge it falls (hls.js jumps
  // ahead there when liveMaxLatency is set; a real live playlist drops older segments too).
  const double behind_edge_s = std::max(live_delay_s, scenario.player.live_max_latency_s);
  const double ahead_wanted = std::ceil(behind_edge_s / segment_s) + 1;
  const auto segment_us = static_cast<TimeUs>(std::llround(segment_s * 1e6));
  for (std::uint16_t window = 16; window < sched::kWindowSegmentsMax; window *= 2) {
    // The agent's slots behind the playhead: cache_behind_us / duration + 1, at most half.
    const TimeUs behind =
        std::min<TimeUs>(config.cache_behind_us / std::max<TimeUs>(segment_us, 1) + 1, window / 2);
    if (static_cast<double>(window - behind) >= ahead_wanted) return window;
  }
  return static_cast<std::uint16_t>(sched::kWindowSegmentsMax);
}

sched::AgentConfig make_agent_config(const models::Scenario& scenario,
                                     std::vector<ConfigProblem>& problems) {
  const models::P2pSpec& p2p = scenario.p2p;
  sched::AgentConfig config;
  config.policy = policy_name(scenario);
  if (config.policy.empty()) {  // a Scenario built in code, past the loader's check
    std::string known;
    for (const std::string_view name : sched::policy_names())
      known.append(known.empty() ? "" : ", ").append(name);
    problems.push_back(
        {"p2p.policy", "unknown policy '" + p2p.policy + "' (one of: " + known + ")"});
    config.policy = sched::AgentConfig{}.policy;
  }
  if (!p2p.enabled) config.p2p_disabled = true;
  const auto& table = knob_table();
  for (const auto& [name, value] : p2p.scheduler_knobs) {
    const std::string key = "p2p.scheduler_knobs." + name;
    const auto it = table.find(name);
    if (it == table.end()) {
      std::string known;
      for (const auto& [k, _] : table) known += (known.empty() ? "" : ", ") + k;
      problems.push_back({key, "unknown scheduler knob (known: " + known + ")"});
      continue;
    }
    try {
      it->second(config, value);
    } catch (const std::invalid_argument& e) {
      problems.push_back({key, e.what()});
    }
  }
  if (!p2p.scheduler_knobs.contains("window_segments"))
    config.window_segments = default_window_segments(scenario, config);
  return config;
}

sched::AgentConfig make_agent_config(const models::Scenario& scenario) {
  std::vector<ConfigProblem> problems;
  sched::AgentConfig config = make_agent_config(scenario, problems);
  if (!problems.empty())
    throw std::invalid_argument(problems.front().key_path + ": " + problems.front().message);
  return config;
}

std::vector<std::string> agent_knob_names() {
  std::vector<std::string> names;
  for (const auto& [name, _] : knob_table()) names.push_back(name);
  return names;
}

}  // namespace p2pcdn::sim
