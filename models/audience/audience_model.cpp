#include "models/audience/audience_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/base/distributions.hpp"

namespace p2pcdn::models {

namespace {

constexpr std::size_t kMaxCells = 8000;  // bounds the O(cells^2) renewal solve

double choose_step(double requested_s, double duration_s) {
  double step = requested_s;
  if (duration_s / step > static_cast<double>(kMaxCells)) {
    step = duration_s / static_cast<double>(kMaxCells);
  }
  return step;
}

}  // namespace

AudienceModel::AudienceModel(const Scenario& s)
    : AudienceModel(s.audience, s.run.duration_s, s.run.seed) {}

AudienceModel::AudienceModel(const AudienceSpec& spec, double duration_s, std::uint64_t seed)
    : curve_(spec.concurrency, duration_s),
      law_(spec.session),
      duration_s_(duration_s),
      seed_(seed),
      step_s_(choose_step(spec.rate_step_s, duration_s)) {
  if (!(duration_s > 0.0)) throw std::invalid_argument("audience: duration_s must be > 0");
  for (const auto& c : spec.channels.list) shares_.push_back(c.share);
  if (shares_.empty()) throw std::invalid_argument("audience: no channels");
  initial_viewers_ = curve_.viewers_at(0.0);
  if (spec.rate_method == RateMethod::kLittle) {
    solve_little();
  } else {
    solve_renewal(spec.forced_departures);
  }
}

void AudienceModel::solve_little() {
  const auto cells = static_cast<std::size_t>(std::ceil(duration_s_ / step_s_));
  rate_.assign(cells, 0.0);
  hazard_.assign(cells, 0.0);
  cum_hazard_.assign(cells + 1, 0.0);
  const double d = law_.mean_s();
  for (std::size_t k = 0; k < cells; ++k) {
    const double c0 = curve_.viewers_at(static_cast<double>(k) * step_s_);
    const double c1 = curve_.viewers_at(static_cast<double>(k + 1) * step_s_);
    rate_[k] = std::max(0.0, (c1 - c0) / step_s_ + 0.5 * (c0 + c1) / d);
  }
}

void AudienceModel::solve_renewal(bool forced) {
  const auto cells = static_cast<std::size_t>(std::ceil(duration_s_ / step_s_));
  rate_.assign(cells, 0.0);
  hazard_.assign(cells, 0.0);
  cum_hazard_.assign(cells + 1, 0.0);
  // g[m]: viewers still present m cells after a unit-rate cell of arrivals, at its end.
  std::vector<double> g(cells);
  for (std::size_t m = 0; m < cells; ++m) {
    g[m] = law_.integrated_survival(static_cast<double>(m) * step_s_,
                                    static_cast<double>(m + 1) * step_s_);
  }
  const double d = law_.mean_s();
  double integral = 0.0;  // G(t_{k+1}) = sum of g[0..k]
  for (std::size_t k = 0; k < cells; ++k) {
    integral += g[k];
    const double residual_survival = std::max(0.0, 1.0 - integral / d);
    const double h_k = cum_hazard_[k];
    double present = initial_viewers_ * residual_survival * std::exp(-h_k);
    for (std::size_t j = 0; j < k; ++j) {
      if (rate_[j] > 0.0) present += rate_[j] * g[k - j] * std::exp(cum_hazard_[j] - h_k);
    }
    const double target = curve_.viewers_at(static_cast<double>(k + 1) * step_s_);
    if (target >= present) {
      rate_[k] = (target - present) / g[0];
    } else if (forced) {
      // Nobody arrives; everyone present leaves at the extra rate that lands on the target.
      hazard_[k] = std::log(present / std::max(target, 1e-9)) / step_s_;
    }
    cum_hazard_[k + 1] = h_k + hazard_[k] * step_s_;
  }
}

double AudienceModel::arrival_rate_at(double t_s) const {
  if (t_s < 0.0 || t_s >= duration_s_) return 0.0;
  const auto k = std::min(rate_.size() - 1, static_cast<std::size_t>(t_s / step_s_));
  return rate_[k];
}

double AudienceModel::forced_hazard_at(double t_s) const {
  if (t_s < 0.0 || t_s >= duration_s_) return 0.0;
  const auto k = std::min(hazard_.size() - 1, static_cast<std::size_t>(t_s / step_s_));
  return hazard_[k];
}

double AudienceModel::cumulative_hazard_at(double t_s) const {
  if (t_s <= 0.0) return 0.0;
  const auto k = static_cast<std::size_t>(t_s / step_s_);
  if (k >= hazard_.size()) return cum_hazard_.back();
  return cum_hazard_[k] + hazard_[k] * (t_s - static_cast<double>(k) * step_s_);
}

TimeUs AudienceModel::session_length_us(const Arrival& a) const {
  return a.initial ? law_.residual_session_length_us(seed_, a.viewer_id)
                   : law_.session_length_us(seed_, a.viewer_id);
}

TimeUs AudienceModel::departure_us(const Arrival& a) const {
  rng::RandomStream rs(seed_, a.viewer_id, rng::Purpose::kSessionLength);
  const double length_s = a.initial ? law_.sample_residual_s(rs) : law_.sample_s(rs);
  const TimeUs natural = a.time_us + std::max<TimeUs>(1, from_seconds(length_s));
  // Forced departure: first t with H(t) - H(arrival) >= Exp(1).
  const double t_arrive = to_seconds(a.time_us);
  const double target = cumulative_hazard_at(t_arrive) + rng::exponential_mean(rs, 1.0);
  if (target >= cum_hazard_.back()) return natural;
  const auto it = std::lower_bound(cum_hazard_.begin(), cum_hazard_.end(), target);
  const auto m = static_cast<std::size_t>(it - cum_hazard_.begin());  // H[m] >= target, m >= 1
  const std::size_t cell = m - 1;
  const double t_forced =
      static_cast<double>(cell) * step_s_ + (target - cum_hazard_[cell]) / hazard_[cell];
  const TimeUs forced = std::max(a.time_us + 1, from_seconds(std::max(t_forced, t_arrive)));
  return std::min(natural, forced);
}

ArrivalGenerator AudienceModel::arrivals() const { return ArrivalGenerator(*this); }

ArrivalGenerator::ArrivalGenerator(const AudienceModel& model) : model_(&model) {
  const auto shares = model.channel_shares();
  double total = 0.0;
  for (double s : shares) total += s;
  channels_.reserve(shares.size());
  for (std::size_t c = 0; c < shares.size(); ++c) {
    Channel ch{rng::RandomStream(model.seed(), c, rng::Purpose::kArrivals), shares[c] / total, 0.0,
               0, 0};
    const double expected = ch.share * model.initial_viewers();
    const double whole = std::floor(expected);
    ch.initial_left = static_cast<std::uint64_t>(whole) + (ch.rs.next_double() < expected - whole);
    channels_.push_back(ch);
  }
  for (std::size_t c = 0; c < channels_.size(); ++c) {
    if (advance(c)) heap_.emplace(channels_[c].t_s, static_cast<std::uint32_t>(c));
  }
}

bool ArrivalGenerator::advance(std::size_t c) {
  Channel& ch = channels_[c];
  const auto rates = model_->rate_per_s();
  const double step = model_->step_s();
  while (ch.cell < rates.size()) {
    const double cell_end = std::min(static_cast<double>(ch.cell + 1) * step, model_->duration_s());
    const double rate = rates[ch.cell] * ch.share;
    if (rate > 0.0) {
      const double t = ch.t_s + rng::exponential_mean(ch.rs, 1.0 / rate);
      if (t < cell_end) {
        ch.t_s = t;
        return true;
      }
    }
    // Memoryless: restart at the cell boundary with the next cell's rate.
    ch.t_s = cell_end;
    ++ch.cell;
  }
  return false;
}

std::optional<Arrival> ArrivalGenerator::next() {
  while (initial_channel_ < channels_.size()) {
    Channel& ch = channels_[initial_channel_];
    if (ch.initial_left > 0) {
      --ch.initial_left;
      return Arrival{0, static_cast<std::uint32_t>(initial_channel_), next_id_++, true};
    }
    ++initial_channel_;
  }
  if (heap_.empty()) return std::nullopt;
  const auto [t, c] = heap_.top();
  heap_.pop();
  if (advance(c)) heap_.emplace(channels_[c].t_s, c);
  return Arrival{from_seconds(t), c, next_id_++, false};
}

}  // namespace p2pcdn::models
