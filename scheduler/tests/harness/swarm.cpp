// The fake-time swarm driver behind run_swarm (see swarm.hpp). It plays the host contract of
// agent.hpp exactly: drain after every input, re-arm at next_timeout, peer flows, integrity.
#include "harness/swarm.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <span>
#include <variant>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/wire.hpp"
#include "util/prng.hpp"

namespace p2pcdn::sched::test {
namespace {

constexpr TimeUs kMsgLatencyUs = 25'000;
constexpr TimeUs kHttpLatencyUs = 50'000;
constexpr std::uint32_t kHttpKbpsMin = 4'000;
constexpr std::uint32_t kHttpKbpsMax = 16'000;
constexpr int kRenditions = 2;

struct Event {
  TimeUs at;
  std::uint64_t seq;
  std::function<void()> fn;
  bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
};

struct Flow {
  int up = 0;
  int down = 0;
  std::uint32_t up_id = 0;
  std::uint32_t down_id = 0;
  SegmentKey seg{};
};

struct Node {
  std::optional<Agent> agent;
  bool joined = false;
  TimeUs armed = kNever;
  std::set<int> neighbours;
  std::uint32_t uplink_kbps = 0;
  int active_uploads = 0;
  // player
  bool started = false;
  std::uint32_t first_index = 0;
  SegmentKey need{};
  TimeUs deadline = kNever;
  TimeUs need_since = 0;
  TimeUs dry_at = 0;
  TimeUs buffer_media_us = 0;
  std::uint64_t delivered = 0;
  std::uint16_t rendition = 0;
};

class Swarm {
 public:
  explicit Swarm(const SwarmParams& p)
      : p_(p), rng_(p.seed), nodes_(static_cast<std::size_t>(p.agents)) {}

  SwarmResult run() {
    const TimeUs end = p_.segment_us * (p_.segments + 4);
    for (int k = 0; k < p_.segments; ++k) {
      at(p_.segment_us * k, [this, k] { publish(static_cast<std::uint32_t>(k)); });
    }
    for (int i = 0; i < p_.agents; ++i) {
      const TimeUs join =
          p_.segment_us * 2 +
          static_cast<TimeUs>(rng_.next_double() * static_cast<double>(p_.join_spread_us));
      at(join, [this, i] { join_node(i); });
    }
    if (p_.churn_per_s > 0) schedule_churn(0);
    while (!events_.empty() && events_.top().at <= end) {
      Event e = events_.top();
      events_.pop();
      now_ = e.at;
      e.fn();
    }
    // Needs still open long after their deadline (and after the segment existed) are failures.
    for (const auto& n : nodes_) {
      if (!n.joined || !n.started) continue;
      const TimeUs avail = available_at(n.need.index);
      if (avail == kNever) continue;  // the player is past the last published segment
      const TimeUs due = std::max(n.deadline, avail) + bound_us();
      if (due < end) ++res_.needs_unanswered;
    }
    for (const auto& n : nodes_) {
      if (!n.agent) continue;
      res_.epochs_run += n.agent->stats().decision_epochs;
      res_.epochs_skipped += n.agent->stats().epochs_skipped;
    }
    return res_;
  }

  TimeUs bound_us() const { return 4 * swarm_http_max_us(p_) + 2'000'000; }

 private:
  void at(TimeUs t, std::function<void()> fn) { events_.push(Event{t, seq_++, std::move(fn)}); }

  TimeUs available_at(std::uint32_t index) const {
    if (index >= static_cast<std::uint32_t>(p_.segments)) return kNever;
    return p_.segment_us * index;
  }

  void violation(const std::string& what) {
    if (res_.violations.size() < 8)
      res_.violations.push_back(what + " at t=" + std::to_string(now_));
  }

  void mix(std::uint64_t v) {
    res_.digest ^= v + 0x9E3779B97F4A7C15ULL + (res_.digest << 6) + (res_.digest >> 2);
  }

  void publish(std::uint32_t k) {
    published_ = k;
    for (int i = 0; i < p_.agents; ++i) {
      if (!nodes_[i].joined) continue;
      for (int r = 0; r < kRenditions; ++r) {
        SegmentInfo info{SegmentKey{k, static_cast<std::uint16_t>(r)}, p_.segment_bytes,
                         p_.segment_us, now_};
        nodes_[i].agent->handle_segment_published(now_, info);
        settle(i);
      }
    }
  }

  void join_node(int i) {
    Node& n = nodes_[i];
    AgentConfig cfg;
    cfg.policy = p_.policy;
    cfg.skip_idle_epochs = p_.skip_idle_epochs;
    cfg.window_segments = p_.window_segments;
    auto r = Agent::create(cfg, p_.seed * 1000003ULL + static_cast<std::uint64_t>(i), now_);
    if (!r.ok()) {
      violation("create failed");
      return;
    }
    n.agent.emplace(std::move(r).value());
    n.joined = true;
    n.uplink_kbps =
        p_.uplink_kbps_min + rng_.next_below(p_.uplink_kbps_max - p_.uplink_kbps_min + 1);
    for (std::uint32_t k = 0; k <= published_; ++k) {
      for (int rr = 0; rr < kRenditions; ++rr) {
        SegmentInfo info{SegmentKey{k, static_cast<std::uint16_t>(rr)}, p_.segment_bytes,
                         p_.segment_us, available_at(k)};
        n.agent->handle_segment_published(now_, info);
      }
    }
    settle(i);
    // Connect to `degree` random earlier joiners.
    std::vector<int> others;
    for (int j = 0; j < p_.agents; ++j) {
      if (j != i && nodes_[j].joined) others.push_back(j);
    }
    for (int c = 0; c < p_.degree && !others.empty(); ++c) {
      const std::size_t pick = rng_.next_below(static_cast<std::uint32_t>(others.size()));
      connect(i, others[pick]);
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(pick));
    }
    // Start the player two segments behind the live edge.
    n.started = true;
    n.first_index = published_ >= 2 ? published_ - 2 : 0;
    n.need = SegmentKey{n.first_index, n.rendition};
    n.deadline = now_ + p_.startup_us;
    n.dry_at = n.deadline;
    n.need_since = now_;
    tell_player(i);
  }

  void tell_player(int i) {
    Node& n = nodes_[i];
    PlayerView v;
    v.next_needed = n.need;
    v.rendition = n.need.rendition;
    v.next_deadline_us = n.deadline;
    v.buffer_end_us = n.buffer_media_us;
    v.playhead_us = n.buffer_media_us - std::max<TimeUs>(n.dry_at - now_, 0);
    n.agent->handle_player(now_, v);
    settle(i);
  }

  void connect(int a, int b) {
    if (a == b || nodes_[a].neighbours.count(b) || !nodes_[a].joined || !nodes_[b].joined) return;
    nodes_[a].neighbours.insert(b);
    nodes_[b].neighbours.insert(a);
    nodes_[a].agent->handle_peer_connected(now_, PeerId{static_cast<std::uint32_t>(b)},
                                           PeerTraits{});
    settle(a);
    if (!nodes_[a].neighbours.count(b)) return;  // a dropped b at once (banned)
    nodes_[b].agent->handle_peer_connected(now_, PeerId{static_cast<std::uint32_t>(a)},
                                           PeerTraits{});
    settle(b);
  }

  // Tear down the connection a-b; `notify_a`/`notify_b`: call handle_peer_disconnected.
  void disconnect(int a, int b, bool notify_a, bool notify_b) {
    if (!nodes_[a].neighbours.count(b)) return;
    nodes_[a].neighbours.erase(b);
    nodes_[b].neighbours.erase(a);
    for (auto it = flows_.begin(); it != flows_.end();) {
      const Flow& f = it->second;
      if ((f.up == a && f.down == b) || (f.up == b && f.down == a)) {
        --nodes_[f.up].active_uploads;
        it = flows_.erase(it);
      } else {
        ++it;
      }
    }
    if (notify_a) {
      nodes_[a].agent->handle_peer_disconnected(now_, PeerId{static_cast<std::uint32_t>(b)});
      settle(a);
    }
    if (notify_b) {
      nodes_[b].agent->handle_peer_disconnected(now_, PeerId{static_cast<std::uint32_t>(a)});
      settle(b);
    }
  }

  void schedule_churn(TimeUs from) {
    const double gap_s = -std::log(1.0 - rng_.next_double()) / p_.churn_per_s;
    at(from + static_cast<TimeUs>(gap_s * 1e6), [this] {
      const int a = static_cast<int>(rng_.next_below(static_cast<std::uint32_t>(p_.agents)));
      if (nodes_[a].joined && !nodes_[a].neighbours.empty()) {
        auto it = nodes_[a].neighbours.begin();
        std::advance(it, rng_.next_below(static_cast<std::uint32_t>(nodes_[a].neighbours.size())));
        disconnect(a, *it, true, true);
      }
      schedule_churn(now_);
    });
  }

  void mix_bytes(std::span<const std::byte> bytes) {
    if (p_.digest_maps_as_sets) {
      auto m = wire::decode(bytes);
      if (m.ok()) {
        if (const auto* map = std::get_if<wire::SegmentMap>(&m.value())) {
          mix(0x5E7);  // a map: its rendition and held indices, whatever its length
          mix(map->rendition);
          for (std::uint32_t k = 0; k < map->count; ++k) {
            if ((map->bits[k / 64] >> (k % 64)) & 1U) mix(map->first_index + k);
          }
          return;
        }
      }
    }
    for (std::byte b : bytes) mix(static_cast<std::uint64_t>(b));
  }

  // Drain node i's actions, perform them, check invariants, re-arm its timer.
  void settle(int i) {
    Node& n = nodes_[i];
    while (auto a = n.agent->poll_action()) {
      ++res_.actions;
      mix(static_cast<std::uint64_t>(now_));
      mix(static_cast<std::uint64_t>(i) << 8 | static_cast<std::uint64_t>(a->kind));
      mix(static_cast<std::uint64_t>(a->peer) << 32 | static_cast<std::uint64_t>(a->transfer));
      mix(std::uint64_t{a->segment.index} << 16 | a->segment.rendition);
      mix_bytes(a->bytes);
      perform(i, *a);
    }
    const Status st = n.agent->check_invariants();
    if (!st.ok()) violation(std::string("invariant: ") + st.detail());
    res_.max_heap_bytes = std::max<std::uint64_t>(res_.max_heap_bytes, n.agent->heap_bytes());
    const TimeUs t = n.agent->next_timeout();
    if (t != n.armed) {
      n.armed = t;
      if (t != kNever) {
        if (t <= now_) violation("next_timeout not in the future");
        at(std::max(t, now_ + 1), [this, i, t] {
          if (nodes_[i].armed != t) return;
          nodes_[i].armed = kNever;
          nodes_[i].agent->handle_timeout(now_);
          settle(i);
        });
      }
    }
  }

  void perform(int i, const Action& a) {
    const int peer = static_cast<int>(static_cast<std::uint32_t>(a.peer));
    switch (a.kind) {
      case ActionKind::kHttpFetch: {
        const std::uint32_t id = static_cast<std::uint32_t>(a.transfer);
        const std::uint32_t kbps = kHttpKbpsMin + rng_.next_below(kHttpKbpsMax - kHttpKbpsMin + 1);
        const TimeUs dur = kHttpLatencyUs + static_cast<TimeUs>(p_.segment_bytes) * 8000 / kbps;
        const bool fail = rng_.next_double() < p_.http_fail;
        const std::uint64_t serial = ++serial_;
        http_[key(i, id)] = serial;
        at(now_ + (fail ? dur / 2 : dur), [this, i, id, serial, fail] {
          auto it = http_.find(key(i, id));
          if (it == http_.end() || it->second != serial) return;  // cancelled
          http_.erase(it);
          if (!fail) res_.http_bytes += p_.segment_bytes;
          nodes_[i].agent->handle_transfer_done(now_, TransferId{id},
                                                fail ? Outcome::kFailed : Outcome::kCompleted);
          settle(i);
        });
        break;
      }
      case ActionKind::kCancelTransfer: {
        const std::uint32_t id = static_cast<std::uint32_t>(a.transfer);
        if (http_.erase(key(i, id)) != 0) break;
        // Peer download cancelled by the requester, or upload cancelled by the uploader.
        for (auto it = flows_.begin(); it != flows_.end(); ++it) {
          const Flow f = it->second;
          if (f.down == i && f.down_id == id) {
            flows_.erase(it);
            --nodes_[f.up].active_uploads;
            at(now_, [this, f] {
              nodes_[f.up].agent->handle_transfer_done(now_, TransferId{f.up_id},
                                                       Outcome::kCancelled);
              settle(f.up);
            });
            break;
          }
          if (f.up == i && f.up_id == id) {
            flows_.erase(it);
            --nodes_[f.up].active_uploads;
            at(now_, [this, f] {
              nodes_[f.down].agent->handle_transfer_done(now_, TransferId{f.down_id},
                                                         Outcome::kFailed);
              settle(f.down);
            });
            break;
          }
        }
        break;
      }
      case ActionKind::kSendMessage: {
        if (!nodes_[i].neighbours.count(peer)) break;
        std::vector<std::byte> bytes(a.bytes.begin(), a.bytes.end());
        at(now_ + kMsgLatencyUs, [this, i, peer, bytes] {
          if (!nodes_[peer].neighbours.count(i)) return;
          const Status st = nodes_[peer].agent->handle_peer_message(
              now_, PeerId{static_cast<std::uint32_t>(i)}, bytes);
          if (!st.ok()) violation(std::string("honest message rejected: ") + st.detail());
          settle(peer);
        });
        break;
      }
      case ActionKind::kStartUpload: {
        if (!nodes_[i].neighbours.count(peer)) break;
        Node& up = nodes_[i];
        ++up.active_uploads;
        const std::uint32_t kbps = std::max<std::uint32_t>(
            up.uplink_kbps / static_cast<std::uint32_t>(up.active_uploads), 100);
        const TimeUs dur = kMsgLatencyUs + static_cast<TimeUs>(p_.segment_bytes) * 8000 / kbps;
        const Flow f{i, peer, static_cast<std::uint32_t>(a.transfer), a.request_id, a.segment};
        const std::uint64_t fk = key(peer, a.request_id);
        flows_[fk] = f;
        const bool fail = rng_.next_double() < p_.upload_fail;
        const bool corrupt = rng_.next_double() < p_.corrupt;
        at(now_ + (fail ? dur / 2 : dur), [this, fk, f, fail, corrupt] {
          auto it = flows_.find(fk);
          if (it == flows_.end() || it->second.up != f.up || it->second.up_id != f.up_id) return;
          flows_.erase(it);
          --nodes_[f.up].active_uploads;
          const Outcome o = fail ? Outcome::kFailed : Outcome::kCompleted;
          nodes_[f.up].agent->handle_transfer_done(now_, TransferId{f.up_id}, o);
          settle(f.up);
          nodes_[f.down].agent->handle_transfer_done(now_, TransferId{f.down_id}, o);
          if (!fail) {
            nodes_[f.down].agent->handle_integrity(now_, f.seg, !corrupt);
            if (!corrupt) res_.p2p_bytes += p_.segment_bytes;
          }
          settle(f.down);
        });
        break;
      }
      case ActionKind::kDeliverSegment: {
        Node& n = nodes_[i];
        if (!(a.segment == n.need)) {
          violation("delivered a segment the player did not need");
          break;
        }
        ++res_.deliveries;
        const TimeUs late = now_ - std::max(n.deadline, available_at(a.segment.index));
        res_.max_late_us = std::max(res_.max_late_us, late);
        if (now_ > n.dry_at) {
          res_.stall_us += now_ - n.dry_at;
          n.dry_at = now_;
        }
        n.dry_at += p_.segment_us;
        n.buffer_media_us += p_.segment_us;
        ++n.delivered;
        if (p_.rendition_switch_every > 0 &&
            n.delivered % static_cast<std::uint64_t>(p_.rendition_switch_every) == 0) {
          n.rendition = static_cast<std::uint16_t>((n.rendition + 1) % kRenditions);
        }
        n.need = SegmentKey{a.segment.index + 1, n.rendition};
        n.deadline = n.dry_at;
        n.need_since = now_;
        at(now_, [this, i] { tell_player(i); });
        break;
      }
      case ActionKind::kDropPeer:
        if (nodes_[i].neighbours.count(peer)) {
          at(now_, [this, i, peer] { disconnect(i, peer, false, true); });
        }
        break;
      case ActionKind::kRequestPeers: {
        std::vector<int> cand;
        for (int j = 0; j < p_.agents; ++j) {
          if (j != i && nodes_[j].joined && !nodes_[i].neighbours.count(j)) cand.push_back(j);
        }
        if (!cand.empty()) {
          const int j = cand[rng_.next_below(static_cast<std::uint32_t>(cand.size()))];
          at(now_ + 200'000, [this, i, j] { connect(i, j); });
        }
        break;
      }
      case ActionKind::kEvictSegment:
        break;
    }
  }

  static std::uint64_t key(int node, std::uint32_t id) {
    return (static_cast<std::uint64_t>(node) << 32) | id;
  }

  SwarmParams p_;
  util::Prng rng_;
  std::vector<Node> nodes_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> events_;
  std::map<std::uint64_t, std::uint64_t> http_;
  std::map<std::uint64_t, Flow> flows_;
  std::uint64_t seq_ = 0;
  std::uint64_t serial_ = 0;
  std::uint32_t published_ = 0;
  TimeUs now_ = 0;
  SwarmResult res_;
};

}  // namespace

TimeUs swarm_http_max_us(const SwarmParams& params) {
  return kHttpLatencyUs + static_cast<TimeUs>(params.segment_bytes) * 8000 / kHttpKbpsMin;
}

SwarmResult run_swarm(const SwarmParams& params) { return Swarm(params).run(); }

}  // namespace p2pcdn::sched::test
