// The sanity cases of issue 5: runs whose answer is known without the simulator (offload
// exactly 0 when peers cannot or may not exchange bytes; high offload and no stalls in an
// ideal swarm; P2P rescuing an undersized CDN). Each also checks the invariants held.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

using testing::load;
using testing::run;
using testing::small;
using testing::violations_text;

const std::string kAllSymmetric =
    "{open: 0, full_cone: 0, restricted: 0, port_restricted: 0, symmetric: 1, udp_blocked: 0}";
const std::string kAllOpen =
    "{open: 1, full_cone: 0, restricted: 0, port_restricted: 0, symmetric: 0, udp_blocked: 0}";
// Everybody a desktop that runs WebRTC and uploads (the default mix has 50 % TVs without it).
const std::string kAllDesktop =
    "{desktop: {share: 1, can_webrtc_share: 1, uploads_share: 1}, mobile_wifi: {share: 0}, "
    "mobile_cellular: {share: 0}, tv: {share: 0}}";

testing::Run run_small(std::vector<std::string> overrides) {
  const models::Scenario scenario = load("smoke.yaml", small(std::move(overrides)));
  testing::Run r = run(scenario);
  EXPECT_TRUE(r.result.violations.empty()) << violations_text(r.result);
  EXPECT_GT(r.result.summary.viewers, 100u);
  EXPECT_GT(r.result.summary.bytes_cdn, 0u);
  return r;
}

std::uint64_t total_stalls(const testing::Run& r) {
  std::uint64_t stalls = 0;
  for (const auto& o : r.outcomes) stalls += o.stalls;
  return stalls;
}

TEST(Sanity, CdnOnlyGivesOffloadExactlyZero) {
  for (const char* off : {"p2p.enabled=false", "p2p.policy=cdn-only"}) {
    const testing::Run r = run_small({off});
    const analysis::Summary& s = r.result.summary;
    EXPECT_EQ(s.offload, 0.0) << off;
    EXPECT_EQ(s.bytes_p2p, 0u) << off;
    EXPECT_EQ(s.bytes_turn, 0u) << off;
    EXPECT_EQ(s.connection_attempts, 0u) << off;
    EXPECT_EQ(r.result.host.p2p_transfers, 0u) << off;
    for (const auto& o : r.outcomes) EXPECT_EQ(o.bytes_p2p, 0u);
  }
}

// Symmetric-symmetric pairs cannot connect directly (RFC 4787), so without TURN nobody
// exchanges a byte; with TURN every pair is relayed and the bytes count as TURN, not peers.
TEST(Sanity, AllSymmetricNatWithoutTurnGivesZero) {
  const std::vector<std::string> nat = {"population.nat.fixed=" + kAllSymmetric,
                                        "population.nat.cellular=" + kAllSymmetric};
  const testing::Run r = run_small(nat);
  const analysis::Summary& s = r.result.summary;
  EXPECT_EQ(s.offload, 0.0);
  EXPECT_EQ(s.bytes_p2p, 0u);
  EXPECT_EQ(s.bytes_turn, 0u);
  EXPECT_EQ(s.connection_successes, 0u);
  EXPECT_EQ(r.result.host.connections_made, 0u);

  std::vector<std::string> with_turn = nat;
  with_turn.push_back("turn.enabled=true");
  const testing::Run relayed = run_small(with_turn);
  const analysis::Summary& t = relayed.result.summary;
  EXPECT_EQ(t.bytes_p2p, 0u);
  EXPECT_EQ(t.offload, 0.0);
  EXPECT_GT(t.bytes_turn, 0u);
  EXPECT_GT(t.connection_relayed, 0u);
  EXPECT_EQ(t.connection_relayed, t.connection_successes);
}

TEST(Sanity, NoUploadGivesZero) {
  const testing::Run r = run_small({"population.devices.desktop.uploads_share=0",
                                    "population.devices.mobile_wifi.uploads_share=0",
                                    "population.devices.mobile_cellular.uploads_share=0",
                                    "population.devices.tv.uploads_share=0"});
  const analysis::Summary& s = r.result.summary;
  EXPECT_GT(s.connection_successes, 0u);  // peers connect, but nobody serves
  EXPECT_EQ(s.offload, 0.0);
  EXPECT_EQ(s.bytes_p2p, 0u);
  EXPECT_EQ(s.bytes_turn, 0u);
}

// turn.regions: only the listed regions have a relay, and senders elsewhere use the nearest
// one. default.yaml has 3 regions; with every pair relayed and 5 Mbit/s relays, one relay
// caps the TURN egress at 0.005 Gbit/s while three carry up to 0.015 (measured peak 0.0144).
TEST(Sanity, TurnRelaysOnlyInListedRegions) {
  const std::vector<std::string> relayed = {"population.nat.fixed=" + kAllSymmetric,
                                            "population.nat.cellular=" + kAllSymmetric,
                                            "turn.enabled=true", "turn.capacity_gbps=0.005"};
  auto one = relayed;
  one.push_back("turn.regions=[us-west]");
  const models::Scenario all_scenario = load("default.yaml", small(relayed));
  const models::Scenario one_scenario = load("default.yaml", small(one));
  const testing::Run all = run(all_scenario);
  const testing::Run single = run(one_scenario);
  EXPECT_TRUE(all.result.violations.empty()) << violations_text(all.result);
  EXPECT_TRUE(single.result.violations.empty()) << violations_text(single.result);
  EXPECT_GT(single.result.summary.bytes_turn, 0u);
  EXPECT_LE(single.result.summary.turn.peak_gbps, 0.005 * 1.0001);
  EXPECT_GT(all.result.summary.turn.peak_gbps, 0.005 * 1.5);
  EXPECT_LE(all.result.summary.turn.peak_gbps, 3 * 0.005 * 1.0001);
}

// 300 open-NAT desktops with 100 Mbit/s uplinks (half offered: 50 Mbit/s, 17x the top
// rendition) and 200 Mbit/s downlinks. What stays on the CDN is the policy's by design:
// the windowed policy (p2p-media-loader) fetches everything inside its 15 s high-demand
// window over HTTP (start-up of each session) and lets ~some viewers seed each new segment
// from the CDN (httpDownloadProbability). Measured (seed 42): windowed 0.80, deadline-aware
// 0.73. Asserted: >= 0.70 and >= 0.65: a loss of ~10 points means the P2P path broke.
TEST(Sanity, OpenSwarmWithAmpleUploadHasHighOffloadAndNoStalls) {
  const std::vector<std::string> ideal = {
      "population.nat.fixed=" + kAllOpen, "population.devices=" + kAllDesktop,
      "population.access=[{name: fixed, kind: fixed, up: {median_mbps: 100, sigma: 0.3}, "
      "down: {median_mbps: 200, sigma: 0.3}}, {name: cellular, kind: cellular}]"};
  for (const auto& [policy, floor] :
       std::vector<std::pair<std::string, double>>{{"windowed", 0.70}, {"deadline-aware", 0.65}}) {
    std::vector<std::string> o = ideal;
    o.push_back("p2p.policy=" + policy);
    const testing::Run r = run_small(o);
    const analysis::Summary& s = r.result.summary;
    EXPECT_GE(s.offload, floor) << policy;
    EXPECT_EQ(total_stalls(r), 0u) << policy;
    EXPECT_EQ(s.stalled_share, 0.0) << policy;
    EXPECT_EQ(s.viewers_started, s.viewers) << policy;
    EXPECT_EQ(s.connection_successes, s.connection_attempts) << policy;  // open-open always
  }
}

// A CDN too small for the audience: 300 desktops (all WebRTC uploaders, default NAT mix) on
// one 0.05 Gbit/s PoP, below even 300 x the lowest rung (0.11 Gbit/s). Without P2P nearly every
// viewer rebuffers; with P2P (windowed) the peers carry most bytes and rebuffering falls. The
// regime is chaotic (one seed is no evidence: seed 42 alone once showed 6.7x less), so it is
// asserted over 8 seeds, on the means. Measured (seeds 1-8): rebuffering ratio 0.310 -> 0.145
// (2.1x less; per seed from 1.0x to 80x), viewers stalled 93 % -> 63 %, offload 0.43-0.62.
// Asserted: at least 1.5x less rebuffering and 15 points fewer viewers stalled, on the means.
TEST(Sanity, UndersizedCdnStallsMuchLessWithP2p) {
  const std::vector<std::string> base = {"population.devices=" + kAllDesktop,
                                         "cdn.pops[0].egress_gbps=0.05"};
  std::vector<std::string> cdn_only_overrides = base;
  cdn_only_overrides.push_back("p2p.enabled=false");
  const models::Scenario cdn_only = load("smoke.yaml", small(cdn_only_overrides));
  const models::Scenario hybrid = load("smoke.yaml", small(base));
  constexpr int kSeeds = 8;
  double rebuffering_without = 0, rebuffering_with = 0, stalled_without = 0, stalled_with = 0;
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    const testing::Run without = run(cdn_only, seed);
    const testing::Run with = run(hybrid, seed);
    const analysis::Summary& a = without.result.summary;
    const analysis::Summary& b = with.result.summary;
    EXPECT_TRUE(without.result.violations.empty()) << violations_text(without.result);
    EXPECT_TRUE(with.result.violations.empty()) << violations_text(with.result);
    // Per seed: the PoP is the bottleneck (never above its capacity), everybody stalls without
    // peers, and the peers carry a large share with them.
    EXPECT_GT(a.rebuffering_ratio.mean, 0.2) << "seed " << seed;
    EXPECT_GT(a.stalled_share, 0.8) << "seed " << seed;
    // 0.18-0.22 since issue 17 (0.43-0.62 before): downloads that receive bytes are no longer
    // abandoned and restarted (the host reports their progress before every input), so slow
    // HTTP fetches from the starved PoP now finish instead of being retried from peers.
    EXPECT_GT(b.offload, 0.15) << "seed " << seed;
    EXPECT_LE(a.cdn.peak_gbps, 0.05 * 1.0001) << "seed " << seed;
    EXPECT_LE(b.cdn.peak_gbps, 0.05 * 1.0001) << "seed " << seed;
    std::printf("seed %llu: rebuffering %.3f -> %.3f, stalled %.2f -> %.2f, offload %.2f\n",
                static_cast<unsigned long long>(seed), a.rebuffering_ratio.mean,
                b.rebuffering_ratio.mean, a.stalled_share, b.stalled_share, b.offload);
    rebuffering_without += a.rebuffering_ratio.mean / kSeeds;
    rebuffering_with += b.rebuffering_ratio.mean / kSeeds;
    stalled_without += a.stalled_share / kSeeds;
    stalled_with += b.stalled_share / kSeeds;
  }
  EXPECT_LT(rebuffering_with * 1.5, rebuffering_without);
  EXPECT_LT(stalled_with + 0.15, stalled_without);
}

}  // namespace
}  // namespace p2pcdn::sim
