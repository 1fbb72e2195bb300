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

constexpr int kSegments = 150;
constexpr double kSegmentPeriodS = 4.0;
constexpr std::uint64_t kSegmentBytes = 1'500'000;
constexpr double kJoinWindowS = 60.0;
constexpr double kWaitMaxS = 1.0;
constexpr int kNeighbours = 10;
constexpr double kUpBps = 5e6;
constexpr double kDownBps = 20e6;
constexpr double kAccessLatencyS = 0.020;
constexpr double kCdnBps = 100e9;

struct Peer {
  sg4::Host* host = nullptr;
  double join_s = 0;
  std::vector<int> neighbours;
  std::vector<double> want_at_s;      // per segment: when it is requested
  std::vector<std::uint8_t> holds;    // per segment: download complete
  int uploads_in_progress = 0;
};

std::vector<Peer> peers;
sg4::Host* cdn_host = nullptr;
std::uint64_t bytes_from_cdn = 0;
std::uint64_t bytes_from_peers = 0;

// Least-busy neighbour holding `segment`, or -1 for the CDN.
int choose_source(const Peer& me, int segment) {
  int best = -1;
  for (int n : me.neighbours) {
    const Peer& candidate = peers[n];
    if (!candidate.holds[segment]) continue;
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
  int next = static_cast<int>(std::ceil(me.join_s / kSegmentPeriodS));
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
    me.holds[done.segment] = 1;
    if (done.source < 0) {
      bytes_from_cdn += kSegmentBytes;
    } else {
      bytes_from_peers += kSegmentBytes;
      peers[done.source].uploads_in_progress--;
    }
    comms.erase(comms.begin() + static_cast<std::ptrdiff_t>(index));
    pending.erase(pending.begin() + static_cast<std::ptrdiff_t>(index));
  };

  while (next < kSegments || !comms.empty()) {
    if (next < kSegments) {
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
  const sg4::Link* cdn_link = zone->create_link("cdn-link", kCdnBps)->set_latency(0)->seal();
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
    const sg4::Link* up = zone->create_link(name + "-up", kUpBps)->set_latency(kAccessLatencyS)->seal();
    const sg4::Link* down =
        zone->create_link(name + "-down", kDownBps)->set_latency(kAccessLatencyS)->seal();
    zone->add_route(peer.host->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(up)}, false);
    zone->add_route(nullptr, peer.host->get_netpoint(), nullptr, nullptr, {sg4::LinkInRoute(down)},
                    false);
    peer.join_s = join(rng);
    peer.holds.assign(kSegments, 0);
    peer.want_at_s.resize(kSegments);
    for (int k = 0; k < kSegments; ++k) peer.want_at_s[k] = k * kSegmentPeriodS + wait(rng);
    std::uniform_int_distribution<int> other(0, n - 2);
    while (static_cast<int>(peer.neighbours.size()) < kNeighbours) {
      int candidate = other(rng);
      if (candidate >= i) ++candidate;  // never itself
      if (std::find(peer.neighbours.begin(), peer.neighbours.end(), candidate) == peer.neighbours.end())
        peer.neighbours.push_back(candidate);
    }
  }
  zone->seal();

  for (int i = 0; i < n; ++i) sg4::Actor::create("peer" + std::to_string(i), peers[i].host, peer_actor, i);
  engine.run();

  const double total = static_cast<double>(bytes_from_cdn + bytes_from_peers);
  std::printf("{\"n\": %d, \"seed\": %llu, \"simulated_s\": %.6f, \"bytes_cdn\": %llu, \"bytes_p2p\": %llu, "
              "\"offload\": %.6f}\n",
              n, static_cast<unsigned long long>(seed), sg4::Engine::get_clock(),
              static_cast<unsigned long long>(bytes_from_cdn),
              static_cast<unsigned long long>(bytes_from_peers),
              total > 0 ? static_cast<double>(bytes_from_peers) / total : 0.0);
  return 0;
}
