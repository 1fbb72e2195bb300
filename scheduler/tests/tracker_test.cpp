// Tracker tests: matching rules (self, duplicates, departed, excluded, NAT, hub limit,
// ISP/region preference, uploaders first), swarm moves, determinism, and a randomized
// run checked against a simple exact reference model.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "p2pcdn/scheduler/tracker.hpp"
#include "tracker/flat_map.hpp"
#include "util/prng.hpp"

namespace p2pcdn::sched {
namespace {

PeerProfile profile(std::uint32_t stream, std::uint16_t rendition, std::uint16_t region,
                    std::uint16_t isp, NatClass nat = NatClass::kOpen, bool uploads = true) {
  PeerProfile p;
  p.stream = stream;
  p.rendition = rendition;
  p.region = region;
  p.isp = isp;
  p.nat = nat;
  p.uploads = uploads;
  p.upload_kbps = 1000;
  return p;
}

Tracker make(const TrackerConfig& config = {}, std::uint64_t seed = 1) {
  auto t = Tracker::create(config, seed);
  EXPECT_TRUE(t.ok());
  return std::move(t).value();
}

std::vector<PeerId> to_vector(std::span<const PeerId> s) { return {s.begin(), s.end()}; }

TEST(TrackerNat, StunOnlyMatrixMatchesParametersTable) {
  const NatMatrix m = stun_only_nat_matrix();
  using N = NatClass;
  auto at = [&m](N a, N b) { return m[static_cast<int>(a)][static_cast<int>(b)]; };
  EXPECT_TRUE(at(N::kOpen, N::kSymmetric));
  EXPECT_TRUE(at(N::kRestricted, N::kSymmetric));
  EXPECT_TRUE(at(N::kPortRestricted, N::kPortRestricted));
  EXPECT_FALSE(at(N::kPortRestricted, N::kSymmetric));
  EXPECT_FALSE(at(N::kSymmetric, N::kPortRestricted));
  EXPECT_FALSE(at(N::kSymmetric, N::kSymmetric));
  for (int k = 0; k < 6; ++k) {
    EXPECT_FALSE(at(N::kUdpBlocked, static_cast<N>(k)));
    EXPECT_FALSE(at(static_cast<N>(k), N::kUdpBlocked));
  }
  int true_count = 0;
  for (const auto& row : m)
    for (bool b : row) true_count += b ? 1 : 0;
  EXPECT_EQ(true_count, 25 - 3);  // 5x5 reachable minus sym-sym, sym-pr, pr-sym
}

TEST(Tracker, CreateAndJoinValidateInput) {
  TrackerConfig bad;
  bad.neighbours_max = 0;
  EXPECT_EQ(Tracker::create(bad, 1).status().code(), Errc::kInvalidArgument);
  bad = {};
  bad.inbound_max = 0;
  EXPECT_EQ(Tracker::create(bad, 1).status().code(), Errc::kInvalidArgument);
  bad = {};
  bad.peers_max = 0;
  EXPECT_EQ(Tracker::create(bad, 1).status().code(), Errc::kInvalidArgument);
  bad = {};
  bad.can_connect[0][1] = false;  // asymmetric
  EXPECT_EQ(Tracker::create(bad, 1).status().code(), Errc::kInvalidArgument);

  Tracker t = make();
  EXPECT_EQ(t.handle_join(0, PeerId{0xFFFFFFFF}, profile(1, 0, 0, 0)).code(),
            Errc::kInvalidArgument);
  PeerProfile p = profile(1, 0, 0, 0);
  p.nat = static_cast<NatClass>(9);
  EXPECT_EQ(t.handle_join(0, PeerId{1}, p).code(), Errc::kInvalidArgument);
  EXPECT_EQ(t.peer_count(), 0U);
  EXPECT_EQ(t.handle_switch_rendition(0, PeerId{1}, 2).code(), Errc::kUnknownPeer);
  EXPECT_TRUE(t.neighbours_for(0, PeerId{1}, 5).empty());

  TrackerConfig small;
  small.peers_max = 2;
  Tracker u = make(small);
  ASSERT_TRUE(u.handle_join(0, PeerId{1}, profile(1, 0, 0, 0)).ok());
  ASSERT_TRUE(u.handle_join(0, PeerId{2}, profile(1, 0, 0, 0)).ok());
  EXPECT_EQ(u.handle_join(0, PeerId{3}, profile(1, 0, 0, 0)).code(), Errc::kCapacityExceeded);
  EXPECT_TRUE(u.handle_join(0, PeerId{2}, profile(1, 1, 0, 0)).ok());  // re-join is not new
  u.handle_leave(1, PeerId{1});
  EXPECT_TRUE(u.handle_join(1, PeerId{3}, profile(1, 0, 0, 0)).ok());
  EXPECT_EQ(u.peer_count(), 2U);
}

TEST(Tracker, NeverSelfDuplicateDepartedExcludedOrIncompatible) {
  Tracker t = make();
  const NatClass nats[] = {NatClass::kOpen, NatClass::kPortRestricted, NatClass::kSymmetric,
                           NatClass::kUdpBlocked, NatClass::kRestricted};
  for (std::uint32_t i = 0; i < 40; ++i) {
    ASSERT_TRUE(t.handle_join(0, PeerId{i}, profile(7, 1, 0, 0, nats[i % 5])).ok());
  }
  for (std::uint32_t i = 0; i < 40; i += 4) t.handle_leave(1, PeerId{i});  // departed
  const std::vector<PeerId> exclude = {PeerId{1}, PeerId{6}, PeerId{11}};
  // Peer 2 is symmetric: only open/full-cone/restricted partners.
  const auto got = to_vector(t.neighbours_for(2, PeerId{2}, 100, exclude));
  EXPECT_FALSE(got.empty());
  std::set<std::uint32_t> seen;
  for (PeerId p : got) {
    const auto id = static_cast<std::uint32_t>(p);
    EXPECT_NE(id, 2U);
    EXPECT_TRUE(seen.insert(id).second) << "duplicate " << id;
    EXPECT_NE(id % 4, 0U) << "departed " << id;
    EXPECT_EQ(std::count(exclude.begin(), exclude.end(), p), 0);
    const NatClass n = nats[id % 5];
    EXPECT_TRUE(n == NatClass::kOpen || n == NatClass::kRestricted) << id;
  }
  EXPECT_LE(got.size(), 20U);  // neighbours_max
  // Every eligible peer is found in a swarm this small: open or restricted (id%5 in {0,4}),
  // not departed (id%4 != 0), not excluded.
  std::size_t eligible = 0;
  for (std::uint32_t i = 0; i < 40; ++i) {
    if ((i % 5 == 0 || i % 5 == 4) && i % 4 != 0 && i != 1 && i != 6 && i != 11) ++eligible;
  }
  EXPECT_EQ(got.size(), eligible);
  // UDP-blocked peer 3 can reach nobody.
  EXPECT_TRUE(t.neighbours_for(3, PeerId{3}, 10).empty());
}

TEST(Tracker, PrefersSameIspThenSameRegion) {
  Tracker t = make();
  std::uint32_t id = 0;
  // 2000 peers elsewhere, 200 in region 3 with another ISP, 12 in (region 3, isp 9).
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(t.handle_join(0, PeerId{id++}, profile(1, 0, 1, 9)).ok());
  }
  std::vector<std::uint32_t> same_region;
  for (int i = 0; i < 200; ++i) {
    same_region.push_back(id);
    ASSERT_TRUE(t.handle_join(0, PeerId{id++}, profile(1, 0, 3, 4)).ok());
  }
  std::vector<std::uint32_t> same_isp;
  for (int i = 0; i < 12; ++i) {
    same_isp.push_back(id);
    ASSERT_TRUE(t.handle_join(0, PeerId{id++}, profile(1, 0, 3, 9)).ok());
  }
  const PeerId me{id++};
  ASSERT_TRUE(t.handle_join(0, me, profile(1, 0, 3, 9)).ok());
  auto in = [](const std::vector<std::uint32_t>& v, PeerId p) {
    return std::find(v.begin(), v.end(), static_cast<std::uint32_t>(p)) != v.end();
  };
  // 8 wanted: all from the same ISP.
  auto got = to_vector(t.neighbours_for(1, me, 8));
  ASSERT_EQ(got.size(), 8U);
  for (PeerId p : got) EXPECT_TRUE(in(same_isp, p));
  for (PeerId p : got) t.release(me, p);
  // 20 wanted: all 12 of the same ISP, then 8 from the same region.
  got = to_vector(t.neighbours_for(2, me, 20));
  ASSERT_EQ(got.size(), 20U);
  std::size_t n_isp = 0;
  std::size_t n_region = 0;
  for (PeerId p : got) {
    n_isp += in(same_isp, p) ? 1 : 0;
    n_region += in(same_region, p) ? 1 : 0;
  }
  EXPECT_EQ(n_isp, 12U);
  EXPECT_EQ(n_region, 8U);
  for (PeerId p : got) t.release(me, p);

  // With prefer_same_isp off, the region still wins over the rest of the swarm.
  TrackerConfig no_isp;
  no_isp.prefer_same_isp = false;
  Tracker u = make(no_isp);
  for (std::uint32_t i = 0; i < 2000; ++i) {
    ASSERT_TRUE(u.handle_join(0, PeerId{i}, profile(1, 0, 1, 9)).ok());
  }
  for (std::uint32_t i = 2000; i < 2010; ++i) {
    ASSERT_TRUE(u.handle_join(0, PeerId{i}, profile(1, 0, 3, static_cast<std::uint16_t>(i))).ok());
  }
  ASSERT_TRUE(u.handle_join(0, PeerId{5000}, profile(1, 0, 3, 9)).ok());
  got = to_vector(u.neighbours_for(1, PeerId{5000}, 10));
  ASSERT_EQ(got.size(), 10U);
  for (PeerId p : got) EXPECT_GE(static_cast<std::uint32_t>(p), 2000U);
}

TEST(Tracker, UploadersFirstNonUploadersOnlyToFill) {
  Tracker t = make();
  for (std::uint32_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(t.handle_join(0, PeerId{i}, profile(1, 0, 0, 0)).ok());
  }
  for (std::uint32_t i = 100; i < 110; ++i) {
    ASSERT_TRUE(t.handle_join(0, PeerId{i}, profile(1, 0, 0, 0, NatClass::kOpen, false)).ok());
  }
  ASSERT_TRUE(t.handle_join(0, PeerId{999}, profile(1, 0, 0, 0)).ok());
  auto got = to_vector(t.neighbours_for(0, PeerId{999}, 4));
  ASSERT_EQ(got.size(), 4U);
  for (PeerId p : got) EXPECT_LT(static_cast<std::uint32_t>(p), 5U);
  for (PeerId p : got) t.release(PeerId{999}, p);
  got = to_vector(t.neighbours_for(0, PeerId{999}, 12));
  ASSERT_EQ(got.size(), 12U);
  EXPECT_EQ(std::count_if(got.begin(), got.end(),
                          [](PeerId p) { return static_cast<std::uint32_t>(p) < 5; }),
            5);
}

TEST(Tracker, HubLimitRespectedAndReleased) {
  TrackerConfig config;
  config.inbound_max = 3;
  Tracker t = make(config);
  for (std::uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(t.handle_join(0, PeerId{i}, profile(1, 0, 0, 0)).ok());
  }
  for (std::uint32_t i = 100; i < 120; ++i) {
    ASSERT_TRUE(t.handle_join(0, PeerId{i}, profile(1, 0, 0, 0, NatClass::kOpen, false)).ok());
  }
  // 20 non-uploading requesters each want 10 neighbours; sources are 0..3 (and each other).
  std::map<std::uint32_t, int> handed;
  for (std::uint32_t r = 100; r < 120; ++r) {
    for (PeerId p : t.neighbours_for(1, PeerId{r}, 10)) ++handed[static_cast<std::uint32_t>(p)];
  }
  for (const auto& [id, n] : handed) {
    EXPECT_LE(n, 3) << id;
    EXPECT_EQ(t.inbound_count(PeerId{id}), n);
  }
  for (std::uint32_t i = 0; i < 4; ++i) EXPECT_EQ(handed[i], 3);
  EXPECT_TRUE(to_vector(t.neighbours_for(2, PeerId{100}, 10, {})).size() <= 10U);
  // Release one slot of peer 2: exactly peer 2 becomes available among the uploaders.
  t.release(PeerId{100}, PeerId{2});
  EXPECT_EQ(t.inbound_count(PeerId{2}), 2);
  bool found = false;
  for (PeerId p : t.neighbours_for(3, PeerId{119}, 20)) {
    EXPECT_NE(static_cast<std::uint32_t>(p), 0U);
    found = found || p == PeerId{2};
  }
  EXPECT_TRUE(found);
  t.release(PeerId{1}, PeerId{12345});  // unknown: ignored
}

TEST(Tracker, SwitchingRenditionMovesSwarmAndLeaveForgets) {
  Tracker t = make();
  for (std::uint32_t i = 0; i < 10; ++i) {
    ASSERT_TRUE(
        t.handle_join(0, PeerId{i}, profile(4, static_cast<std::uint16_t>(i % 2), 0, 0)).ok());
  }
  EXPECT_EQ(t.swarm_size(4, 0), 5U);
  EXPECT_EQ(t.swarm_size(4, 1), 5U);
  EXPECT_EQ(t.swarm_size(5, 0), 0U);
  ASSERT_TRUE(t.handle_switch_rendition(1, PeerId{0}, 1).ok());
  EXPECT_EQ(t.swarm_size(4, 0), 4U);
  EXPECT_EQ(t.swarm_size(4, 1), 6U);
  for (PeerId p : t.neighbours_for(2, PeerId{0}, 20)) {
    EXPECT_EQ(static_cast<std::uint32_t>(p) % 2, 1U) << "neighbour from the old swarm";
  }
  EXPECT_EQ(t.neighbours_for(2, PeerId{2}, 20).size(), 3U);  // 4, 6 and 8
  // Re-join with a new profile also moves.
  ASSERT_TRUE(t.handle_join(3, PeerId{2}, profile(5, 0, 0, 0)).ok());
  EXPECT_EQ(t.peer_count(), 10U);
  EXPECT_EQ(t.swarm_size(4, 0), 3U);
  EXPECT_EQ(t.swarm_size(5, 0), 1U);
  t.handle_leave(4, PeerId{3});
  t.handle_leave(4, PeerId{3});  // twice: harmless
  t.handle_leave(4, PeerId{777});
  EXPECT_EQ(t.peer_count(), 9U);
  EXPECT_EQ(t.swarm_size(4, 1), 5U);
  for (int k = 0; k < 20; ++k) {
    for (PeerId p : t.neighbours_for(5, PeerId{1}, 20)) EXPECT_NE(p, PeerId{3});
  }
  EXPECT_EQ(t.handle_switch_rendition(6, PeerId{3}, 0).code(), Errc::kUnknownPeer);
  EXPECT_TRUE(t.neighbours_for(6, PeerId{3}, 5).empty());
}

std::vector<std::vector<PeerId>> scripted_run(std::uint64_t seed) {
  Tracker t = make({}, seed);
  util::Prng script(99);  // the call sequence is fixed; only the tracker seed varies
  std::vector<std::vector<PeerId>> answers;
  for (std::uint32_t i = 0; i < 3000; ++i) {
    EXPECT_TRUE(t.handle_join(i, PeerId{i},
                              profile(1, static_cast<std::uint16_t>(script.next_below(2)),
                                      static_cast<std::uint16_t>(script.next_below(3)),
                                      static_cast<std::uint16_t>(script.next_below(3))))
                    .ok());
    if (i % 3 == 0) answers.push_back(to_vector(t.neighbours_for(i, PeerId{i}, 10)));
    if (i % 7 == 0) t.handle_leave(i, PeerId{script.next_below(i + 1)});
  }
  return answers;
}

TEST(Tracker, DeterministicGivenSeedAndCalls) {
  const auto a = scripted_run(42);
  const auto b = scripted_run(42);
  const auto c = scripted_run(43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

// Reference model for the randomized test: plain maps, exact.
struct RefPeer {
  PeerProfile prof;
  int inbound = 0;
};

TEST(Tracker, RandomizedOperationsKeepInvariantsAgainstReference) {
  TrackerConfig config;
  config.inbound_max = 6;
  config.neighbours_max = 8;
  constexpr std::uint64_t kSeed = 7;
  Tracker t = make(config, kSeed);
  util::Prng rng(kSeed + 1);
  std::map<std::uint32_t, RefPeer> ref;
  std::map<std::uint32_t, std::vector<std::uint32_t>> given;  // who -> neighbours held
  TimeUs now = 0;
  std::size_t exact_checks = 0;
  for (int step = 0; step < 30000; ++step) {
    now += 1000;
    // Half the operations hit ids < 30, the only ones that may join the small stream 0.
    const std::uint32_t id = rng.next_below(2) == 0 ? rng.next_below(30) : rng.next_below(600);
    const std::uint32_t op = rng.next_below(10);
    // Small streams (stream 0: few peers, exhaustive path) and a big one (sampling path).
    if (op < 3) {
      const std::uint32_t stream = rng.next_below(4) == 0 ? 0 : 1;
      PeerProfile p = profile(stream, static_cast<std::uint16_t>(rng.next_below(2)),
                              static_cast<std::uint16_t>(rng.next_below(3)),
                              static_cast<std::uint16_t>(rng.next_below(2)),
                              static_cast<NatClass>(rng.next_below(6)), rng.next_below(4) != 0);
      if (stream == 0 && id >= 30) continue;
      ASSERT_TRUE(t.handle_join(now, PeerId{id}, p).ok());
      const int inbound = ref.count(id) ? ref[id].inbound : 0;
      ref[id] = RefPeer{p, inbound};
    } else if (op < 4) {
      t.handle_leave(now, PeerId{id});
      ref.erase(id);
      // The host releases what the departed peer held.
      for (std::uint32_t b : given[id]) {
        t.release(PeerId{id}, PeerId{b});
        if (ref.count(b) && ref[b].inbound > 0) --ref[b].inbound;
      }
      given.erase(id);
    } else if (op < 5) {
      const auto r = static_cast<std::uint16_t>(rng.next_below(2));
      const Status st = t.handle_switch_rendition(now, PeerId{id}, r);
      ASSERT_EQ(st.ok(), ref.count(id) == 1);
      if (st.ok()) ref[id].prof.rendition = r;
    } else if (op < 6) {
      auto& held = given[id];
      if (!held.empty()) {
        const std::uint32_t k = rng.next_below(static_cast<std::uint32_t>(held.size()));
        const std::uint32_t b = held[k];
        held.erase(held.begin() + k);
        t.release(PeerId{id}, PeerId{b});
        if (ref.count(b) && ref[b].inbound > 0) --ref[b].inbound;
      }
    } else {
      const std::size_t want = 1 + rng.next_below(10);
      std::vector<PeerId> exclude;
      for (std::uint32_t b : given[id]) exclude.push_back(PeerId{b});
      exclude.push_back(PeerId{rng.next_below(600)});
      const auto got = to_vector(t.neighbours_for(now, PeerId{id}, want, exclude));
      if (!ref.count(id)) {
        ASSERT_TRUE(got.empty());
        continue;
      }
      const PeerProfile& me = ref[id].prof;
      ASSERT_LE(got.size(), std::min<std::size_t>(want, config.neighbours_max));
      std::set<std::uint32_t> seen;
      std::size_t non_uploaders = 0;
      std::size_t same_isp_uploaders = 0;
      for (PeerId p : got) {
        const auto b = static_cast<std::uint32_t>(p);
        ASSERT_NE(b, id) << "self";
        ASSERT_TRUE(seen.insert(b).second) << "duplicate";
        ASSERT_TRUE(ref.count(b)) << "departed peer returned";
        ASSERT_EQ(std::count(exclude.begin(), exclude.end(), p), 0) << "excluded";
        const PeerProfile& q = ref[b].prof;
        ASSERT_EQ(q.stream, me.stream);
        ASSERT_EQ(q.rendition, me.rendition) << "other swarm";
        ASSERT_TRUE(config.can_connect[static_cast<int>(me.nat)][static_cast<int>(q.nat)]);
        ASSERT_LT(ref[b].inbound, config.inbound_max) << "hub limit";
        non_uploaders += q.uploads ? 0 : 1;
        same_isp_uploaders += (q.uploads && q.region == me.region && q.isp == me.isp) ? 1 : 0;
      }
      // Exact expectations where the swarm is small enough to be scanned in full.
      std::size_t swarm = 0;
      std::size_t eligible_up = 0;
      std::size_t eligible_down = 0;
      std::size_t eligible_same_isp = 0;
      for (const auto& [b, rp] : ref) {
        if (rp.prof.stream != me.stream || rp.prof.rendition != me.rendition) continue;
        ++swarm;
        if (b == id || std::count(exclude.begin(), exclude.end(), PeerId{b})) continue;
        if (!config.can_connect[static_cast<int>(me.nat)][static_cast<int>(rp.prof.nat)]) continue;
        if (rp.inbound >= config.inbound_max) continue;
        if (rp.prof.uploads) {
          ++eligible_up;
          if (rp.prof.region == me.region && rp.prof.isp == me.isp) ++eligible_same_isp;
        } else {
          ++eligible_down;
        }
      }
      const std::size_t cap = std::min<std::size_t>(want, config.neighbours_max);
      if (swarm <= 32) {
        ++exact_checks;
        ASSERT_EQ(got.size(), std::min(cap, eligible_up + eligible_down));
        ASSERT_EQ(same_isp_uploaders, std::min(cap, eligible_same_isp));
        if (non_uploaders > 0) {
          ASSERT_EQ(got.size() - non_uploaders, eligible_up);
        }
      }
      for (PeerId p : got) {
        ++ref[static_cast<std::uint32_t>(p)].inbound;
        given[id].push_back(static_cast<std::uint32_t>(p));
      }
    }
    if (step % 1000 == 0) {
      ASSERT_EQ(t.peer_count(), ref.size());
      for (const auto& [b, rp] : ref) {
        ASSERT_EQ(t.inbound_count(PeerId{b}), rp.inbound) << "peer " << b;
      }
      for (std::uint32_t s = 0; s < 2; ++s) {
        for (std::uint16_t r = 0; r < 2; ++r) {
          const auto n = std::count_if(ref.begin(), ref.end(), [&](const auto& kv) {
            return kv.second.prof.stream == s && kv.second.prof.rendition == r;
          });
          ASSERT_EQ(t.swarm_size(s, r), static_cast<std::size_t>(n));
        }
      }
    }
  }
  EXPECT_GT(exact_checks, 1000U);
}

TEST(TrackerFlatMap, MatchesUnorderedMapUnderRandomOps) {
  tracker_detail::FlatMap<std::uint32_t> map;
  std::unordered_map<std::uint32_t, std::uint32_t> ref;
  util::Prng rng(5);
  for (int i = 0; i < 200000; ++i) {
    const std::uint32_t key = rng.next_below(3000);  // dense keys: long probe runs
    const std::uint32_t op = rng.next_below(3);
    if (op == 0) {
      map.put(key, static_cast<std::uint32_t>(i));
      ref[key] = static_cast<std::uint32_t>(i);
    } else if (op == 1) {
      ASSERT_EQ(map.erase(key), ref.erase(key) == 1);
    } else {
      const auto it = ref.find(key);
      ASSERT_EQ(map.find(key), it == ref.end() ? map.kMissing : it->second);
    }
    ASSERT_EQ(map.size(), ref.size());
  }
  for (std::uint32_t k = 0; k < 3000; ++k) {
    const auto it = ref.find(k);
    ASSERT_EQ(map.find(k), it == ref.end() ? map.kMissing : it->second);
  }
}

TEST(Tracker, HeapBytesPerPeerStayCompact) {
  Tracker t = make();
  util::Prng rng(3);
  constexpr std::uint32_t kPeers = 100'000;
  for (std::uint32_t i = 0; i < kPeers; ++i) {
    ASSERT_TRUE(
        t.handle_join(0, PeerId{i * 2654435761U % 0xFFFFFFF0U},
                      profile(rng.next_below(4), static_cast<std::uint16_t>(rng.next_below(3)),
                              static_cast<std::uint16_t>(rng.next_below(20)),
                              static_cast<std::uint16_t>(rng.next_below(5))))
            .ok());
  }
  EXPECT_EQ(t.peer_count(), kPeers);
  const double per_peer = static_cast<double>(t.heap_bytes()) / kPeers;
  RecordProperty("heap_bytes_per_peer", std::to_string(per_peer));
  EXPECT_LT(per_peer, 160.0);
  EXPECT_GT(per_peer, 40.0);  // at least the 40-byte record: the accounting is not empty
}

}  // namespace
}  // namespace p2pcdn::sched
