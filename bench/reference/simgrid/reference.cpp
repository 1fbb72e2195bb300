// The reference live-streaming swarm of bench/reference/README.md as an
// idiomatic SimGrid S4U program: one actor per peer, direct host-to-host
// communications, star-zone routing, CM02 max-min sharing.
// Usage: reference_simgrid N [seed] [--cfg=...]
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace {

constexpr int kSegments = 150;  // segments k = 0 ... 149, available at 4k s
// A peer joins this many segments behind the live edge (like a player's live sync point): it
// also wants segments k = ceil(J/4) - 8 ... ceil(J/4) - 1 that are already out (k < 0: the
// stream was live before t = 0). Per-peer arrays are indexed by slot = k + kJoinBehind.
constexpr int kJoinBehind = 8;
constexpr int kSlots = kSegments + kJoinBehind;
constexpr double kSegmentPeriodS = 4.0;
constexpr std::uint64_t kSegmentBytes = 1'500'000;
constexpr double kJoinWindowS = 60.0;
constexpr double kWaitMaxS = 1.0;
constexpr int kNeighbours = 10;
// SimGrid link bandwidths are in bytes per second: the definition's bit rates are divided by 8.
constexpr double kUpBytesPerS = 5e6 / 8;     // 5 Mbit/s
constexpr double kDownBytesPerS = 20e6 / 8;  // 20 Mbit/s
constexpr double kOneWayS = 0.020;           // peer <-> core
// A request travels to its source before the bytes come back: each access link carries the
// request's trip too (40 ms), so a CDN flow starts after 40 ms and a peer flow after 80 ms.
constexpr double kAccessLatencyS = 2 * kOneWayS;
// A peer learns that a neighbour holds a segment one peer <-> peer latency after the download.
constexpr double kAnnounceS = 2 * kOneWayS;
constexpr double kNeverS = 1e300;
// Ample egress, never the bottleneck: 100 Gbit/s, or 25 Mbit/s per peer beyond 4 000 peers
// (above every downlink's 20 Mbit/s). bench/reference/run gives ours the same.
double cdn_bytes_per_s(int peers) { return std::max(100e9, 25e6 * peers) / 8; }

struct Peer {
  sg4::Host* host = nullptr;
  double join_s = 0;
  std::vector<int> neighbours;
  std::vector<double> want_at_s;  // per slot: when it is requested
  std::vector<double> held_at_s;  // per slot: when its download completed (kNeverS)
  int uploads_in_progress = 0;
};

std::vector<Peer> peers;
sg4::Host* cdn_host = nullptr;
std::uint64_t bytes_from_cdn = 0;
std::uint64_t bytes_from_peers = 0;

// Least-busy neighbour holding the segment in `segment` (a slot), or -1 for the CDN.
// Segments already wanted when the peer joins come from the CDN: it has no connections yet.
int choose_source(const Peer& me, int segment) {
  int best = -1;
  if (me.want_at_s[segment] <= me.join_s) return best;
  const double now = sg4::Engine::get_clock();
  for (int n : me.neighbours) {
    const Peer& candidate = peers[n];
    if (candidate.held_at_s[segment] + kAnnounceS > now) continue;
    if (best < 0 || candidate.uploads_in_progress < peers[best].uploads_in_progress) best = n;
  }
  return best;
}

struct Pending {
  sg4::CommPtr comm;
  int segment;
  int source;  // -1 = CDN
};

void peer_actor(int id) {
  Peer& me = peers[id];
  sg4::this_actor::sleep_until(me.join_s);
  int next = static_cast<int>(std::ceil(me.join_s / kSegmentPeriodS));  // slot of k = ceil(J/4) - 8
  std::vector<sg4::CommPtr> comms;
  std::vector<Pending> pending;

  auto start_request = [&](int segment) {
    const int source = choose_source(me, segment);
    sg4::Host* from = source < 0 ? cdn_host : peers[source].host;
    if (source >= 0) peers[source].uploads_in_progress++;
    sg4::CommPtr comm = sg4::Comm::sendto_async(from, me.host, kSegmentBytes);
    comms.push_back(comm);
    pending.push_back({comm, segment, source});
  };
  auto complete = [&](std::size_t index) {
    const Pending& done = pending[index];
    me.held_at_s[done.segment] = sg4::Engine::get_clock();
    if (done.source < 0) {
      bytes_from_cdn += kSegmentBytes;
    } else {
      bytes_from_peers += kSegmentBytes;
      peers[done.source].uploads_in_progress--;
    }
    comms.erase(comms.begin() + static_cast<std::ptrdiff_t>(index));
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(index));
  };

  while (next < kSlots || !comms.empty()) {
    if (next < kSlots) {
      const double timeout = me.want_at_s[next] - sg4::Engine::get_clock();
      if (timeout <= 0) {
        start_request(next++);
        continue;
      }
      if (comms.empty()) {
        sg4::this_actor::sleep_for(timeout);
        start_request(next++);
        continue;
      }
      const ssize_t index = sg4::Comm::wait_any_for(comms, timeout);
      if (index >= 0) {
        complete(static_cast<std::size_t>(index));
      } else {
        start_request(next++);
      }
    } else {
      complete(static_cast<std::size_t>(sg4::Comm::wait_any(comms)));
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  sg4::Engine engine(&argc, argv);  // consumes --cfg=... options
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s N [seed] [--cfg=...]\n", argv[0]);
    return 2;
  }
  const int n = std::stoi(argv[1]);
  const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 1;
  if (n < kNeighbours + 1) {
    std::fprintf(stderr, "N must be > %d\n", kNeighbours);
    return 2;
  }

  // Platform: a star zone; every host has a private up and down link.
  auto* zone = sg4::create_star_zone("world");
  cdn_host = zone->create_host("cdn", 1e9)->seal();
  const sg4::Link* cdn_link =
      zone->create_link("cdn-link", cdn_bytes_per_s(n))->set_latency(0)->seal();
  zone->add_route(cdn_host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(cdn_link)},
                  true);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> join(0.0, kJoinWindowS);
  std::uniform_real_distribution<double> wait(0.0, kWaitMaxS);
  peers.resize(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    Peer& peer = peers[i];
    const std::string name = "peer" + std::to_string(i);
    peer.host = zone->create_host(name, 1e9)->seal();
    const sg4::Link* up =
        zone->create_link(name + "-up", kUpBytesPerS)->set_latency(kAccessLatencyS)->seal();
    const sg4::Link* down =
        zone->create_link(name + "-down", kDownBytesPerS)->set_latency(kAccessLatencyS)->seal();
    zone->add_route(peer.host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(up)},
                    false);
    zone->add_route(nullptr, peer.host->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(down)},
                    false);
    peer.join_s = join(rng);
    peer.held_at_s.assign(kSlots, kNeverS);
    peer.want_at_s.resize(kSlots);
    for (int slot = 0; slot < kSlots; ++slot)
      peer.want_at_s[slot] = (slot - kJoinBehind) * kSegmentPeriodS + wait(rng);
    std::uniform_int_distribution<int> other(0, n - 2);
    while (static_cast<int>(peer.neighbours.size()) < kNeighbours) {
      int candidate = other(rng);
      if (candidate >= i) ++candidate;  // never itself
      if (std::find(peer.neighbours.begin(), peer.neighbours.end(), candidate) ==
          peer.neighbours.end())
        peer.neighbours.push_back(candidate);
    }
  }
  // Connections are two-way (like WebRTC data channels, and like ours): a peer's neighbours are
  // the 10 it picked plus every peer that picked it (20 on average).
  std::vector<std::vector<int>> picked(peers.size());
  for (int i = 0; i < n; ++i) picked[i] = peers[i].neighbours;
  for (int i = 0; i < n; ++i) {
    for (int j : picked[i]) {
      std::vector<int>& theirs = peers[j].neighbours;
      if (std::find(theirs.begin(), theirs.end(), i) == theirs.end()) theirs.push_back(i);
    }
  }
  zone->seal();

  for (int i = 0; i < n; ++i)
    sg4::Actor::create("peer" + std::to_string(i), peers[i].host, peer_actor, i);
  engine.run();

  const double total = static_cast<double>(bytes_from_cdn + bytes_from_peers);
  std::printf(
      "{\"n\": %d, \"seed\": %llu, \"simulated_s\": %.6f, \"bytes_cdn\": %llu, \"bytes_p2p\": "
      "%llu, "
      "\"offload\": %.6f}\n",
      n, static_cast<unsigned long long>(seed), sg4::Engine::get_clock(),
      static_cast<unsigned long long>(bytes_from_cdn),
      static_cast<unsigned long long>(bytes_from_peers),
      total > 0 ? static_cast<double>(bytes_from_peers) / total : 0.0);
  return 0;
}
