// ABR decision rules on a compact per-viewer state (parameters.md §5.5): throughput-based
// (hls.js-like: two EWMAs, min of both, safety factors), buffer-based (BBA-0) and
// BOLA-BASIC. The rule object is shared by every player of a channel; the state is per
// viewer (16 bytes). Never allocates or draws random numbers per decision.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "models/base/time.hpp"
#include "models/player/player_params.hpp"

namespace p2pcdn::models {

// Per-viewer estimator state: hls.js EWMA pairs (estimate in bps, accumulated weight in s).
struct AbrState {
  float fast_estimate_bps = 0.0f;
  float fast_weight_s = 0.0f;
  float slow_estimate_bps = 0.0f;
  float slow_weight_s = 0.0f;
};

class Abr {
 public:
  // ladder_kbps: the stream's renditions, strictly increasing. Throws std::invalid_argument
  // on an empty or unsorted ladder, half-lives <= 0, factors outside (0, 1], BBA cushion <= 0
  // or reservoir < 0, BOLA buffers with target <= min buffer <= 0.
  Abr(const AbrParams& params, std::vector<double> ladder_kbps);

  const AbrParams& params() const { return params_; }
  std::size_t rendition_count() const { return ladder_kbps_.size(); }

  // Records one completed download (bytes in duration_us) in both EWMAs. The duration is
  // clamped up to min_sample_duration_s as hls.js does.
  void on_download(AbrState& state, std::uint64_t bytes, TimeUs duration_us) const;
  // min(fast, slow) once any sample was recorded, else default_estimate_kbps (in bps).
  double estimate_bps(const AbrState& state) const;

  // The rendition for the next segment by params().rule. `previous` is the rendition of the
  // last segment, or -1 before the first (every level is then an up-switch for the
  // throughput rule, and BBA-0 uses the throughput rule, as in Huang et al.'s start-up);
  // `buffer_s` is the media buffered ahead of the playhead; `max_index` caps the choice
  // (e.g. the mobile cap; rendition_count() - 1 for none). max_index is clamped to the ladder.
  std::size_t choose(const AbrState& state, double buffer_s, int previous,
                     std::size_t max_index) const;

  // The individual rules, exposed for tests and for hosts that mix them.
  std::size_t choose_throughput(const AbrState& state, int previous, std::size_t max_index) const;
  std::size_t choose_bba(double buffer_s, int previous, std::size_t max_index) const;
  std::size_t choose_bola(double buffer_s, std::size_t max_index) const;

  // BOLA constants derived from the ladder (for tests and reports).
  double bola_gamma_p() const { return bola_gp_; }
  double bola_v() const { return bola_v_; }

 private:
  AbrParams params_;
  std::vector<double> ladder_kbps_;
  std::vector<double> utility_;  // ln(S_m / S_0) + 1
  double fast_log_alpha_ = 0.0;  // ln(0.5) / half-life: log of the per-second decay
  double slow_log_alpha_ = 0.0;
  double bola_gp_ = 0.0;
  double bola_v_ = 0.0;
};

}  // namespace p2pcdn::models
