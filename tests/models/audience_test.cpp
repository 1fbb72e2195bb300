// Audience: session law against its CDF (KS), residual life against its exact CDF, the
// simulated concurrency against the target curve over a long run, channel shares,
// determinism and per-viewer streams.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "models/audience/audience_model.hpp"
#include "models/audience/concurrency_curve.hpp"
#include "models/audience/session_law.hpp"

namespace p2pcdn::models {
namespace {

// Kolmogorov-Smirnov distance between a sample and a CDF.
template <class Cdf>
double ks_distance(std::vector<double> xs, Cdf cdf) {
  std::sort(xs.begin(), xs.end());
  const double n = static_cast<double>(xs.size());
  double d = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const double f = cdf(xs[i]);
    d = std::max({d, std::abs(f - static_cast<double>(i) / n),
                  std::abs(static_cast<double>(i + 1) / n - f)});
  }
  return d;
}
// Critical value at alpha = 0.001.
double ks_critical(std::size_t n) { return 1.95 / std::sqrt(static_cast<double>(n)); }

std::vector<SessionSpec> laws() {
  SessionSpec lognormal;  // §2.1 defaults: 15 % zappers + lognormal(30 min, 1.0)
  SessionSpec weibull;
  weibull.law = SessionLawKind::kWeibull;
  weibull.weibull_shape = 0.7;
  weibull.weibull_scale_s = 1500.0;
  weibull.zapper_fraction = 0.1;
  SessionSpec exponential;
  exponential.law = SessionLawKind::kExponential;
  exponential.mean_s = 1200.0;
  exponential.zapper_fraction = 0.0;
  return {lognormal, weibull, exponential};
}

TEST(SessionLaw, SamplesFollowTheSurvivalFunctionAndMean) {
  for (const auto& spec : laws()) {
    const SessionLaw law(spec);
    std::vector<double> xs;
    rng::RandomStream rs(7, 1, rng::Purpose::kTest);
    double sum = 0.0;
    for (int i = 0; i < 40000; ++i) {
      xs.push_back(law.sample_s(rs));
      sum += xs.back();
    }
    EXPECT_LT(ks_distance(xs, [&](double u) { return 1.0 - law.survival(u); }),
              ks_critical(xs.size()))
        << to_string(spec.law);
    EXPECT_NEAR(sum / 40000.0, law.mean_s(), 0.03 * law.mean_s()) << to_string(spec.law);
    // The closed-form mean is the integral of the survival function.
    EXPECT_NEAR(law.integrated_survival(0.0, 2e6, 400000), law.mean_s(), 2e-3 * law.mean_s())
        << to_string(spec.law);
  }
}

TEST(SessionLaw, ResidualLifeHasDensitySurvivalOverMean) {
  for (const auto& spec : laws()) {
    const SessionLaw law(spec);
    std::vector<double> xs;
    rng::RandomStream rs(9, 2, rng::Purpose::kTest);
    for (int i = 0; i < 20000; ++i) xs.push_back(law.sample_residual_s(rs));
    // Exact CDF of the residual life: integral_0^u S / mean, by fine Simpson.
    std::sort(xs.begin(), xs.end());
    double g = 0.0, at = 0.0;
    const double n = static_cast<double>(xs.size());
    double d = 0.0;
    for (std::size_t i = 0; i < xs.size(); ++i) {
      g += law.integrated_survival(at, xs[i], 64);
      at = xs[i];
      const double f = g / law.mean_s();
      d = std::max({d, std::abs(f - static_cast<double>(i) / n),
                    std::abs(static_cast<double>(i + 1) / n - f)});
    }
    EXPECT_LT(d, ks_critical(xs.size())) << to_string(spec.law);
  }
}

TEST(SessionLaw, LengthComesFromTheViewersOwnStream) {
  const SessionLaw law(SessionSpec{});
  std::vector<TimeUs> forward, backward(100);
  for (std::uint64_t id = 0; id < 100; ++id) forward.push_back(law.session_length_us(5, id));
  for (std::uint64_t id = 100; id-- > 0;) backward[id] = law.session_length_us(5, id);
  EXPECT_EQ(forward, backward);
  EXPECT_NE(law.session_length_us(5, 1), law.session_length_us(6, 1));
}

// A 2-hour event: baseline, logistic ramp, a spike whose fall is faster than sessions end,
// and a post-event decay.
AudienceSpec event_spec(double peak) {
  AudienceSpec a;
  a.concurrency.peak_viewers = peak;
  a.concurrency.baseline_fraction = 0.2;
  a.concurrency.ramp = {1800.0, 420.0};
  a.concurrency.spikes = {{3600.0, 0.3, 600.0, 300.0, 300.0}};
  a.concurrency.event_end_s = 5400.0;
  a.concurrency.decay_tau_s = 300.0;
  a.channels.list = {{"a", 0.5, {}}, {"b", 0.3, {}}, {"c", 0.2, {}}};
  return a;
}

struct Observed {
  std::vector<double> times_s;
  std::vector<double> counts;
  std::vector<std::uint64_t> per_channel;
  std::uint64_t arrivals = 0;
};

// Runs the generator, gives each viewer its departure, counts who is present at each sample.
Observed simulate(const AudienceModel& model, double sample_every_s) {
  std::vector<TimeUs> in, out;
  Observed o;
  o.per_channel.assign(model.channel_shares().size(), 0);
  auto gen = model.arrivals();
  TimeUs last = 0;
  while (auto a = gen.next()) {
    EXPECT_GE(a->time_us, last);
    EXPECT_EQ(a->viewer_id, o.arrivals);
    last = a->time_us;
    in.push_back(a->time_us);
    out.push_back(model.departure_us(*a));
    ++o.per_channel[a->channel];
    ++o.arrivals;
  }
  std::sort(out.begin(), out.end());
  for (double t = sample_every_s; t < model.duration_s(); t += sample_every_s) {
    const TimeUs at = from_seconds(t);
    const auto arrived = std::upper_bound(in.begin(), in.end(), at) - in.begin();
    const auto left = std::upper_bound(out.begin(), out.end(), at) - out.begin();
    o.times_s.push_back(t);
    o.counts.push_back(static_cast<double>(arrived - left));
  }
  return o;
}

// Tolerance: at every sample |observed - target| <= 4 sqrt(target) + 1 % of peak (Poisson
// noise, sd sqrt(target), plus grid discretisation), and the mean absolute error over the run
// <= 1.2 x mean sqrt(target) + 0.2 % of peak (|N(0, s)| averages 0.8 s).
void expect_follows(const AudienceModel& model, const Observed& o, double peak) {
  double sum_abs = 0.0;
  double sum_sd = 0.0;
  for (std::size_t i = 0; i < o.times_s.size(); ++i) {
    const double target = model.curve().viewers_at(o.times_s[i]);
    const double tol = 4.0 * std::sqrt(target) + 0.01 * peak;
    EXPECT_NEAR(o.counts[i], target, tol) << "t=" << o.times_s[i];
    sum_abs += std::abs(o.counts[i] - target);
    sum_sd += std::sqrt(target);
  }
  EXPECT_LT(sum_abs, 1.2 * sum_sd + 0.002 * peak * static_cast<double>(o.times_s.size()));
}

TEST(AudienceModel, ConcurrencyFollowsTheTargetCurve) {
  const double peak = 20000.0;
  const AudienceModel model(event_spec(peak), 7200.0, 11);
  EXPECT_NEAR(model.curve().peak_viewers(), peak, 1e-6 * peak);
  const Observed o = simulate(model, 30.0);
  expect_follows(model, o, peak);
  // The spike's fall (-23 % in 5 min) and the decay need forced departures.
  EXPECT_GT(model.forced_hazard_at(5700.0), 0.0);
  EXPECT_GT(model.forced_hazard_at(4600.0), 0.0);
  EXPECT_EQ(model.arrival_rate_at(5700.0), 0.0);
  // Channel shares (chi-square, 2 dof, critical 13.8 at 0.001).
  const double shares[] = {0.5, 0.3, 0.2};
  double chi2 = 0.0;
  for (std::size_t c = 0; c < 3; ++c) {
    const double e = shares[c] * static_cast<double>(o.arrivals);
    chi2 += std::pow(static_cast<double>(o.per_channel[c]) - e, 2) / e;
  }
  EXPECT_LT(chi2, 13.8);
}

TEST(AudienceModel, PiecewiseCurveWithWeibullSessions) {
  AudienceSpec a;
  a.concurrency.points = {{0, 2000}, {600, 2000}, {1800, 15000}, {3600, 15000}, {4200, 9000}};
  a.session = laws()[1];
  const AudienceModel model(a, 5400.0, 3);
  EXPECT_DOUBLE_EQ(model.curve().viewers_at(1200.0), 8500.0);
  expect_follows(model, simulate(model, 30.0), 15000.0);
}

TEST(AudienceModel, LittlesLawIsExactForExponentialSessionsOnARise) {
  AudienceSpec a;
  a.concurrency.points = {{0, 1000}, {3000, 12000}, {6000, 12000}};
  a.session = laws()[2];
  a.rate_method = RateMethod::kLittle;
  const AudienceModel model(a, 6000.0, 5);
  expect_follows(model, simulate(model, 30.0), 12000.0);
}

TEST(AudienceModel, WithoutForcedDeparturesADecayIsNotFollowed) {
  // Documented limitation: sessions then end only by their law (mean ~42 min), so 10 min
  // after the end (target e^-2 = 13.5 % of the level) far more viewers remain.
  AudienceSpec a = event_spec(10000.0);
  a.concurrency.spikes.clear();
  a.forced_departures = false;
  const AudienceModel model(a, 6600.0, 5);
  const Observed o = simulate(model, 60.0);
  const auto i = static_cast<std::size_t>(6000.0 / 60.0) - 1;
  ASSERT_DOUBLE_EQ(o.times_s[i], 6000.0);
  EXPECT_GT(o.counts[i], 3.0 * model.curve().viewers_at(6000.0));
}

TEST(AudienceModel, SameSeedSameArrivalsOtherSeedOthers) {
  const AudienceModel m1(event_spec(2000.0), 3600.0, 1);
  const AudienceModel m2(event_spec(2000.0), 3600.0, 1);
  const AudienceModel m3(event_spec(2000.0), 3600.0, 2);
  auto g1 = m1.arrivals();
  auto g2 = m2.arrivals();
  auto g3 = m3.arrivals();
  int differ = 0;
  for (int i = 0; i < 2000; ++i) {
    const auto a = g1.next();
    const auto b = g2.next();
    const auto c = g3.next();
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(a->time_us, b->time_us);
    EXPECT_EQ(a->channel, b->channel);
    EXPECT_EQ(m1.departure_us(*a), m2.departure_us(*b));
    differ += a->time_us != c->time_us;
  }
  EXPECT_GT(differ, 1500);
}

TEST(AudienceModel, ZipfChannelsViaScenarioShares) {
  AudienceSpec a;
  a.concurrency.points = {{0, 5000}};
  a.channels.list.clear();
  double total = 0.0;
  for (int r = 1; r <= 4; ++r) total += 1.0 / r;
  for (int r = 1; r <= 4; ++r) a.channels.list.push_back({"c", (1.0 / r) / total, {}});
  const AudienceModel model(a, 1800.0, 8);
  const Observed o = simulate(model, 60.0);
  double chi2 = 0.0;
  for (std::size_t c = 0; c < 4; ++c) {
    const double e = a.channels.list[c].share * static_cast<double>(o.arrivals);
    chi2 += std::pow(static_cast<double>(o.per_channel[c]) - e, 2) / e;
  }
  EXPECT_LT(chi2, 16.3);  // 3 dof, alpha 0.001
  // The steady state is exact: the initial population is seeded with residual lives.
  expect_follows(model, o, 5000.0);
}

}  // namespace
}  // namespace p2pcdn::models

namespace p2pcdn::models {
namespace {

// Negative control for the tolerance above: Little's law (lambda = C' + C/D) with the §2.1
// zapper+lognormal law under-fills the plateau by ~9 % (young audiences leave faster than
// C/D), which the renewal solve corrects.
TEST(AudienceModel, LittlesLawUnderFillsWithZappersRenewalDoesNot) {
  AudienceSpec a;
  a.concurrency.peak_viewers = 20000.0;
  a.concurrency.ramp = {1800.0, 420.0};
  a.rate_method = RateMethod::kLittle;
  const AudienceModel little(a, 7200.0, 11);
  a.rate_method = RateMethod::kRenewal;
  const AudienceModel renewal(a, 7200.0, 11);
  const Observed ol = simulate(little, 600.0);
  const Observed orn = simulate(renewal, 600.0);
  const std::size_t i = 7;  // t = 4800 s, on the plateau
  ASSERT_DOUBLE_EQ(ol.times_s[i], 4800.0);
  const double target = renewal.curve().viewers_at(4800.0);
  EXPECT_LT(ol.counts[i], 0.95 * target);
  EXPECT_NEAR(orn.counts[i], target, 4.0 * std::sqrt(target) + 200.0);
}

}  // namespace
}  // namespace p2pcdn::models
