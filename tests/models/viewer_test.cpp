// Viewer attributes: shares match the configured mixes (chi-square at alpha 0.001), capacity
// laws (KS), nearest PoP, and the same (seed, id) -> the same viewer in any sampling order.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <vector>

#include <gtest/gtest.h>

#include "models/scenario/loader.hpp"
#include "models/viewer/viewer_sampler.hpp"

namespace p2pcdn::models {
namespace {

// Chi-square critical values at alpha = 0.001 by degrees of freedom.
double chi2_critical(std::size_t dof) {
  static constexpr std::array<double, 8> kCrit = {0,     10.83, 13.82, 16.27,
                                                  18.47, 20.52, 22.46, 24.32};
  return kCrit.at(dof);
}

// Chi-square of counts against expected shares; zero-share categories must have no count.
void expect_shares(const std::vector<double>& counts, const std::vector<double>& shares,
                   const char* what) {
  ASSERT_EQ(counts.size(), shares.size());
  double n = 0.0;
  for (double c : counts) n += c;
  double chi2 = 0.0;
  std::size_t categories = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (shares[i] == 0.0) {
      EXPECT_EQ(counts[i], 0.0) << what << " category " << i;
      continue;
    }
    const double e = shares[i] * n;
    chi2 += (counts[i] - e) * (counts[i] - e) / e;
    ++categories;
  }
  if (categories > 1) {
    EXPECT_LT(chi2, chi2_critical(categories - 1)) << what;
  }
}

Scenario default_scenario() {
  auto r = load_scenario(std::string(P2PCDN_SOURCE_DIR) + "/scenarios/default.yaml");
  if (!r.scenario) {
    ADD_FAILURE() << (r.errors.empty() ? "no scenario" : format_error(r.errors.front()));
    return Scenario{};
  }
  return *r.scenario;
}

TEST(ViewerSampler, SharesMatchTheConfiguredMixes) {
  Scenario s = default_scenario();
  // Make the NAT mixes and the WebRTC shares non-trivial to exercise every branch.
  s.population.devices[static_cast<std::size_t>(DeviceClass::kTv)].can_webrtc_share = 0.3;
  s.population.devices[static_cast<std::size_t>(DeviceClass::kTv)].uploads_share = 0.5;
  const ViewerSampler sampler(s);
  constexpr int kViewers = 100000;
  std::vector<double> regions(s.topology.regions.size()), isps(s.topology.isps.size());
  std::vector<double> devices(kDeviceClassCount);
  std::vector<std::vector<double>> access(kDeviceClassCount,
                                          std::vector<double>(s.population.access.size()));
  std::vector<double> nat_fixed(kNatTypeCount), nat_cell(kNatTypeCount);
  std::vector<double> webrtc(kDeviceClassCount), uploads(kDeviceClassCount);
  for (int id = 0; id < kViewers; ++id) {
    const auto v = sampler.sample(77, static_cast<std::uint64_t>(id));
    ++regions[v.region];
    ++isps[v.isp];
    EXPECT_EQ(s.topology.isps[v.isp].region, s.topology.regions[v.region].name);
    const auto d = static_cast<std::size_t>(v.device);
    ++devices[d];
    ++access[d][v.access_tech];
    EXPECT_EQ(v.access_kind, s.population.access[v.access_tech].kind);
    (v.access_kind == AccessKind::kCellular ? nat_cell
                                            : nat_fixed)[static_cast<std::size_t>(v.nat)]++;
    webrtc[d] += v.can_webrtc;
    uploads[d] += v.uploads;
    EXPECT_TRUE(!v.uploads || v.can_webrtc);
  }
  std::vector<double> region_shares;
  for (const auto& r : s.topology.regions) region_shares.push_back(r.viewer_share);
  expect_shares(regions, region_shares, "regions");
  for (const auto& r : s.topology.regions) {
    std::vector<double> c, w;
    for (std::size_t i = 0; i < s.topology.isps.size(); ++i) {
      if (s.topology.isps[i].region != r.name) continue;
      c.push_back(isps[i]);
      w.push_back(s.topology.isps[i].viewer_share);
    }
    expect_shares(c, w, "isps");
  }
  std::vector<double> device_shares;
  for (const auto& d : s.population.devices) device_shares.push_back(d.share);
  expect_shares(devices, device_shares, "devices");
  for (std::size_t d = 0; d < kDeviceClassCount; ++d) {
    std::vector<double> w(s.population.access.size(), 0.0);
    for (const auto& ts : s.population.devices[d].access) {
      for (std::size_t t = 0; t < s.population.access.size(); ++t) {
        if (s.population.access[t].name == ts.tech) w[t] = ts.share;
      }
    }
    expect_shares(access[d], w, "access");
    // WebRTC and upload shares: binomial, |z| < 4 (exact 0 or all for shares 0 and 1).
    const auto& spec = s.population.devices[d];
    const double n = devices[d];
    const double p_web = spec.can_webrtc_share;
    const double p_up = spec.can_webrtc_share * spec.uploads_share;
    EXPECT_NEAR(webrtc[d], p_web * n, 4.0 * std::sqrt(n * p_web * (1 - p_web)) + 1e-9) << d;
    EXPECT_NEAR(uploads[d], p_up * n, 4.0 * std::sqrt(n * p_up * (1 - p_up)) + 1e-9) << d;
  }
  expect_shares(nat_fixed,
                std::vector<double>(s.population.nat_fixed.begin(), s.population.nat_fixed.end()),
                "nat fixed");
  expect_shares(
      nat_cell,
      std::vector<double>(s.population.nat_cellular.begin(), s.population.nat_cellular.end()),
      "nat cellular");
  EXPECT_GT(nat_cell[static_cast<std::size_t>(NatType::kSymmetric)], 0.0);
}

TEST(ViewerSampler, CapacitiesFollowTheDeratedLognormals) {
  const Scenario s = default_scenario();
  const ViewerSampler sampler(s);
  for (std::size_t tech = 0; tech < s.population.access.size(); ++tech) {
    std::vector<double> z_down, z_up;
    for (std::uint64_t id = 0; z_down.size() < 5000 && id < 200000; ++id) {
      const auto v = sampler.sample(3, id);
      if (v.access_tech != tech) continue;
      const auto& t = s.population.access[tech];
      z_down.push_back(
          std::log(v.down_bps / (t.down.median_mbps * 1e6 * s.population.capacity_derate)) /
          t.down.sigma);
      z_up.push_back(std::log(v.up_bps / (t.up.median_mbps * 1e6 * s.population.capacity_derate)) /
                     t.up.sigma);
    }
    ASSERT_EQ(z_down.size(), 5000u);
    for (auto* zs : {&z_down, &z_up}) {
      std::sort(zs->begin(), zs->end());
      double d = 0.0;
      const double n = static_cast<double>(zs->size());
      for (std::size_t i = 0; i < zs->size(); ++i) {
        const double f = 0.5 * std::erfc(-(*zs)[i] / std::sqrt(2.0));
        d = std::max({d, std::abs(f - static_cast<double>(i) / n),
                      std::abs(static_cast<double>(i + 1) / n - f)});
      }
      EXPECT_LT(d, 1.95 / std::sqrt(n)) << s.population.access[tech].name;
    }
  }
}

TEST(ViewerSampler, HomePopIsTheNearestToTheRegion) {
  const Scenario s = default_scenario();
  const ViewerSampler sampler(s);
  const std::map<std::string, std::string> expected = {
      {"us-east", "iad"}, {"us-central", "ord"}, {"us-west", "lax"}};
  for (std::uint64_t id = 0; id < 300; ++id) {
    const auto v = sampler.sample(1, id);
    EXPECT_EQ(sampler.cdn().pop_name(v.pop), expected.at(s.topology.regions[v.region].name));
  }
}

TEST(ViewerSampler, SameSeedAndIdGiveTheSameViewerInAnyOrder) {
  const Scenario s = default_scenario();
  const ViewerSampler sampler(s);
  std::vector<ViewerAttributes> forward, backward(2000);
  for (std::uint64_t id = 0; id < 2000; ++id) forward.push_back(sampler.sample(9, id));
  for (std::uint64_t id = 2000; id-- > 0;) backward[id] = sampler.sample(9, id);
  int other_seed_differs = 0;
  for (std::uint64_t id = 0; id < 2000; ++id) {
    const auto& a = forward[id];
    const auto& b = backward[id];
    EXPECT_EQ(a.region, b.region);
    EXPECT_EQ(a.isp, b.isp);
    EXPECT_EQ(a.pop, b.pop);
    EXPECT_EQ(a.device, b.device);
    EXPECT_EQ(a.can_webrtc, b.can_webrtc);
    EXPECT_EQ(a.uploads, b.uploads);
    EXPECT_EQ(a.access_tech, b.access_tech);
    EXPECT_EQ(a.nat, b.nat);
    EXPECT_EQ(a.down_bps, b.down_bps);
    EXPECT_EQ(a.up_bps, b.up_bps);
    other_seed_differs += sampler.sample(10, id).down_bps != a.down_bps;
  }
  EXPECT_GT(other_seed_differs, 1990);
  const auto one = sample_viewer(s, 9, 1234);
  EXPECT_EQ(one.down_bps, forward[1234].down_bps);
  EXPECT_EQ(one.nat, forward[1234].nat);
}

TEST(ViewerSampler, ChangingCapacityLawsKeepsWhoIsWhere) {
  Scenario s = default_scenario();
  const ViewerSampler before(s);
  for (auto& t : s.population.access) t.down.median_mbps *= 2.0;
  const ViewerSampler after(s);
  for (std::uint64_t id = 0; id < 500; ++id) {
    const auto a = before.sample(4, id);
    const auto b = after.sample(4, id);
    EXPECT_EQ(a.region, b.region);
    EXPECT_EQ(a.device, b.device);
    EXPECT_EQ(a.nat, b.nat);
    EXPECT_NEAR(b.down_bps, 2.0 * a.down_bps, 1e-6 * a.down_bps);
  }
}

}  // namespace
}  // namespace p2pcdn::models
