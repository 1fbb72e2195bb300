// ABR rules. Formulas follow hls.js (ewma.ts, ewma-bandwidth-estimator.ts, abr-controller
// findBestLevel), Huang et al. SIGCOMM 2014 (BBA-0) and dash.js BolaRule (BOLA-BASIC).
#include "models/abr/abr.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace p2pcdn::models {

namespace {
void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("abr: ") + what);
}
}  // namespace

Abr::Abr(const AbrParams& params, std::vector<double> ladder_kbps)
    : params_(params), ladder_kbps_(std::move(ladder_kbps)) {
  require(!ladder_kbps_.empty(), "empty ladder");
  require(ladder_kbps_.size() <= 255, "at most 255 renditions");
  require(ladder_kbps_.front() > 0.0, "bitrates must be > 0");
  for (std::size_t i = 1; i < ladder_kbps_.size(); ++i) {
    require(ladder_kbps_[i] > ladder_kbps_[i - 1], "ladder must be strictly increasing");
  }
  require(params.ewma_fast_half_life_s > 0.0 && params.ewma_slow_half_life_s > 0.0,
          "EWMA half-lives must be > 0");
  require(params.default_estimate_kbps > 0.0, "default_estimate_kbps must be > 0");
  require(params.min_sample_duration_s >= 0.0, "min_sample_duration_s must be >= 0");
  require(params.bandwidth_safety_factor > 0.0 && params.bandwidth_safety_factor <= 1.0 &&
              params.bandwidth_up_safety_factor > 0.0 && params.bandwidth_up_safety_factor <= 1.0,
          "bandwidth safety factors must be in (0, 1]");
  require(params.bba_reservoir_s >= 0.0 && params.bba_cushion_s > 0.0,
          "BBA reservoir must be >= 0 and cushion > 0");
  require(params.bola_min_buffer_s > 0.0 && params.bola_buffer_target_s > params.bola_min_buffer_s,
          "BOLA needs 0 < min buffer < buffer target");
  // alpha = 0.5^(1 / half-life); kept as ln(alpha) so alpha^w = exp(w ln alpha).
  fast_log_alpha_ = std::log(0.5) / params.ewma_fast_half_life_s;
  slow_log_alpha_ = std::log(0.5) / params.ewma_slow_half_life_s;
  for (double b : ladder_kbps_) utility_.push_back(std::log(b / ladder_kbps_.front()) + 1.0);
  // dash.js BolaRule: gp = (u_max - 1) / (target / min - 1), V = min / gp. With one rendition
  // u_max = 1 and gp = 0: BOLA has nothing to choose, keep V finite.
  bola_gp_ =
      (utility_.back() - 1.0) / (params.bola_buffer_target_s / params.bola_min_buffer_s - 1.0);
  bola_v_ = bola_gp_ > 0.0 ? params.bola_min_buffer_s / bola_gp_ : 0.0;
}

void Abr::on_download(AbrState& state, std::uint64_t bytes, TimeUs duration_us) const {
  const double duration_s = std::max(to_seconds(duration_us), params_.min_sample_duration_s);
  if (!(duration_s > 0.0)) return;  // zero duration with no floor: no information
  const double bps = 8.0 * static_cast<double>(bytes) / duration_s;
  // EWMA with weight = duration: adj = alpha^w; est = value (1 - adj) + adj est.
  const auto sample = [&](float& est, float& weight, double log_alpha) {
    const double adj = std::exp(log_alpha * duration_s);
    est = static_cast<float>(bps * (1.0 - adj) + adj * static_cast<double>(est));
    weight = static_cast<float>(static_cast<double>(weight) + duration_s);
  };
  sample(state.fast_estimate_bps, state.fast_weight_s, fast_log_alpha_);
  sample(state.slow_estimate_bps, state.slow_weight_s, slow_log_alpha_);
}

double Abr::estimate_bps(const AbrState& state) const {
  // hls.js canEstimate: total weight of the fast EWMA >= 0.001 s.
  if (static_cast<double>(state.fast_weight_s) < 0.001) {
    return params_.default_estimate_kbps * 1000.0;
  }
  // Zero-bias correction: the EWMA started at 0, divide by 1 - alpha^total_weight.
  const auto unbiased = [](float est, float weight, double log_alpha) {
    const double zero_factor = 1.0 - std::exp(log_alpha * static_cast<double>(weight));
    return zero_factor > 0.0 ? static_cast<double>(est) / zero_factor : static_cast<double>(est);
  };
  return std::min(unbiased(state.fast_estimate_bps, state.fast_weight_s, fast_log_alpha_),
                  unbiased(state.slow_estimate_bps, state.slow_weight_s, slow_log_alpha_));
}

std::size_t Abr::choose(const AbrState& state, double buffer_s, int previous,
                        std::size_t max_index) const {
  switch (params_.rule) {
    case AbrRule::kThroughput:
      return choose_throughput(state, previous, max_index);
    case AbrRule::kBufferBased:
      return previous < 0 ? choose_throughput(state, previous, max_index)
                          : choose_bba(buffer_s, previous, max_index);
    case AbrRule::kBola:
      return choose_bola(buffer_s, max_index);
  }
  return 0;
}

std::size_t Abr::choose_throughput(const AbrState& state, int previous,
                                   std::size_t max_index) const {
  const std::size_t top = std::min(max_index, ladder_kbps_.size() - 1);
  const double estimate_kbps = estimate_bps(state) / 1000.0;
  // hls.js findBestLevel: from the top down, the first level whose bitrate fits the estimate
  // times the factor for its direction (0.95 for same/lower levels, 0.7 for up-switches).
  for (std::size_t i = top + 1; i-- > 0;) {
    const bool up = previous < 0 || i > static_cast<std::size_t>(previous);
    const double factor = up ? params_.bandwidth_up_safety_factor : params_.bandwidth_safety_factor;
    if (ladder_kbps_[i] <= estimate_kbps * factor) return i;
  }
  return 0;
}

std::size_t Abr::choose_bba(double buffer_s, int previous, std::size_t max_index) const {
  // BBA-0 (Huang et al. 2014, Algorithm 1) on the (capped) ladder.
  const std::size_t top = std::min(max_index, ladder_kbps_.size() - 1);
  const double r = params_.bba_reservoir_s;
  const double c = params_.bba_cushion_s;
  if (buffer_s <= r) return 0;
  if (buffer_s >= r + c) return top;
  const std::size_t prev = std::min(static_cast<std::size_t>(std::max(previous, 0)), top);
  const double r_min = ladder_kbps_[0];
  const double r_max = ladder_kbps_[top];
  const double f = r_min + (r_max - r_min) * (buffer_s - r) / c;  // the rate map f(B)
  const double r_plus = prev == top ? r_max : ladder_kbps_[prev + 1];
  const double r_minus = prev == 0 ? r_min : ladder_kbps_[prev - 1];
  if (f >= r_plus) {  // up: the highest rate strictly below f(B)
    std::size_t i = 0;
    while (i + 1 <= top && ladder_kbps_[i + 1] < f) ++i;
    return i;
  }
  if (f <= r_minus) {  // down: the lowest rate strictly above f(B)
    std::size_t i = 0;
    while (i < top && ladder_kbps_[i] <= f) ++i;
    return i;
  }
  return prev;
}

std::size_t Abr::choose_bola(double buffer_s, std::size_t max_index) const {
  // BOLA-BASIC: argmax_m (V (u_m + gp) - Q) / S_m, ties to the lower rendition.
  const std::size_t top = std::min(max_index, ladder_kbps_.size() - 1);
  std::size_t best = 0;
  double best_score = (bola_v_ * (utility_[0] + bola_gp_) - buffer_s) / ladder_kbps_[0];
  for (std::size_t m = 1; m <= top; ++m) {
    const double score = (bola_v_ * (utility_[m] + bola_gp_) - buffer_s) / ladder_kbps_[m];
    if (score > best_score) {
      best_score = score;
      best = m;
    }
  }
  return best;
}

}  // namespace p2pcdn::models
