// The audience: arrival rates (and a forced-departure hazard) derived from the target
// concurrency curve and the session law, and a lazy, time-ordered arrival stream over several
// channels. Never materialises the arrivals; draws only from per-channel/per-viewer streams.
#pragma once
#include <cstdint>
#include <optional>
#include <queue>
#include <span>
#include <vector>

#include "models/audience/concurrency_curve.hpp"
#include "models/audience/session_law.hpp"
#include "models/base/random_stream.hpp"
#include "models/base/time.hpp"
#include "models/scenario/scenario.hpp"

namespace p2pcdn::models {

struct Arrival {
  TimeUs time_us = 0;
  std::uint32_t channel = 0;    // index into AudienceModel::channel_shares()
  std::uint64_t viewer_id = 0;  // dense: 0, 1, 2, ... in arrival order
  bool initial = false;         // present at t = 0 (its session is a residual life)
};

class ArrivalGenerator;

// Rate (RateMethod::kRenewal, default): on a grid of step dt the rate is piecewise constant
// and solves the renewal equation C(t) = C(0) S_res(t) + integral_0^t lambda(s) S(t - s) ds
// (S = session survival, S_res = residual-life survival of the viewers present at t = 0).
// For exponential sessions this is exactly Little's law lambda = C' + C/D; for the
// lognormal+zapper law it also accounts for young audiences leaving faster or slower than
// C/D. RateMethod::kLittle uses lambda = max(0, C' + C/D) as written in the issue.
// Falls: when even lambda = 0 leaves more viewers than C(t) (C' < -departures), the renewal
// method adds a forced-departure hazard h(t) for everyone present (forced_departures = true),
// so a post-event decay or a key-moment drop is followed; with forced_departures = false, or
// with kLittle, sessions only end by their law and concurrency stays above the curve there.
// Tolerance (tests/models/audience_test.cpp): |observed - C(t)| <= 4 sqrt(C) + 1 % of peak.
class AudienceModel {
 public:
  explicit AudienceModel(const Scenario& scenario);
  AudienceModel(const AudienceSpec& spec, double duration_s, std::uint64_t seed);

  [[nodiscard]] const ConcurrencyCurve& curve() const { return curve_; }
  [[nodiscard]] const SessionLaw& session_law() const { return law_; }
  [[nodiscard]] std::span<const double> channel_shares() const { return shares_; }
  [[nodiscard]] double duration_s() const { return duration_s_; }
  [[nodiscard]] std::uint64_t seed() const { return seed_; }
  [[nodiscard]] double step_s() const { return step_s_; }

  // Total arrival rate (viewers/s, all channels) and forced-departure hazard (1/s) at t.
  [[nodiscard]] double arrival_rate_at(double t_s) const;
  [[nodiscard]] double forced_hazard_at(double t_s) const;
  [[nodiscard]] std::span<const double> rate_per_s() const { return rate_; }
  // Viewers present at t = 0 (C(0), before rounding per channel).
  [[nodiscard]] double initial_viewers() const { return initial_viewers_; }

  // When the viewer leaves: min(arrival + session length, forced departure). The session
  // length (residual for initial viewers) and then the forced-departure draw come from the
  // viewer's own stream (Purpose::kSessionLength, entity = viewer id). May be after the run.
  [[nodiscard]] TimeUs departure_us(const Arrival& a) const;
  // Its natural session length alone (what SessionLaw::session_length_us returns).
  [[nodiscard]] TimeUs session_length_us(const Arrival& a) const;

  [[nodiscard]] ArrivalGenerator arrivals() const;

 private:
  void solve_renewal(bool forced);
  void solve_little();
  [[nodiscard]] double cumulative_hazard_at(double t_s) const;

  ConcurrencyCurve curve_;
  SessionLaw law_;
  std::vector<double> shares_;
  double duration_s_;
  std::uint64_t seed_;
  double step_s_;
  double initial_viewers_ = 0.0;
  std::vector<double> rate_;        // per cell, viewers/s
  std::vector<double> hazard_;      // per cell, 1/s
  std::vector<double> cum_hazard_;  // at cell starts, size cells + 1
};

// Time-ordered arrivals of all channels, generated lazily (O(channels) memory). Each channel
// draws only from its own stream (Purpose::kArrivals, entity = channel index): first how
// many viewers it has at t = 0 (share x C(0), randomly rounded), then exponential gaps with
// its share of the piecewise-constant rate (exact for a piecewise-constant intensity).
class ArrivalGenerator {
 public:
  explicit ArrivalGenerator(const AudienceModel& model);
  // The next arrival (t < duration), or nullopt when the run is over.
  std::optional<Arrival> next();

 private:
  struct Channel {
    rng::RandomStream rs;
    double share = 0.0;
    double t_s = 0.0;  // current position of this channel's process
    std::size_t cell = 0;
    std::uint64_t initial_left = 0;
  };
  // Advances channel c to its next arrival time; false when past the run's end.
  bool advance(std::size_t c);

  const AudienceModel* model_;
  std::vector<Channel> channels_;
  std::size_t initial_channel_ = 0;  // channels' t = 0 viewers are emitted first, in order
  using Entry = std::pair<double, std::uint32_t>;  // (time, channel): ties by channel
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  std::uint64_t next_id_ = 0;
};

}  // namespace p2pcdn::models
