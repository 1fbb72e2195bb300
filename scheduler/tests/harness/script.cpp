// Interpreter for the agent test scripts (format in script.hpp).
#include "harness/script.hpp"

#include <charconv>
#include <cstdio>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/wire.hpp"

namespace p2pcdn::sched::test {
namespace {

struct Seen {
  Action action;
  std::optional<wire::Message> msg;  // decoded kSendMessage payload
};

const std::string& word(const std::vector<std::string>& w, std::size_t k) {
  if (k >= w.size()) throw std::runtime_error("missing argument");
  return w[k];
}

std::vector<std::string> split(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  std::string w;
  while (in >> w) out.push_back(w);
  return out;
}

// "4s", "1.5", "+2s", "500ms" -> microseconds (relative to base when prefixed by '+').
TimeUs parse_time(std::string s, TimeUs base) {
  bool rel = false;
  if (!s.empty() && s[0] == '+') {
    rel = true;
    s.erase(0, 1);
  }
  double scale = 1e6;
  if (s.size() > 2 && s.substr(s.size() - 2) == "ms") {
    scale = 1e3;
    s.resize(s.size() - 2);
  } else if (!s.empty() && s.back() == 's') {
    s.pop_back();
  }
  const auto v = static_cast<TimeUs>(std::stod(s) * scale + (std::stod(s) >= 0 ? 0.5 : -0.5));
  return rel ? base + v : v;
}

SegmentKey parse_key(const std::string& s) {  // r0/12
  const auto slash = s.find('/');
  if (s.size() < 4 || s[0] != 'r' || slash == std::string::npos)
    throw std::runtime_error("bad key " + s);
  return SegmentKey{static_cast<std::uint32_t>(std::stoul(s.substr(slash + 1))),
                    static_cast<std::uint16_t>(std::stoul(s.substr(1, slash - 1)))};
}
PeerId parse_peer(const std::string& s) {  // p3
  if (s.size() < 2 || s[0] != 'p') throw std::runtime_error("bad peer " + s);
  return PeerId{static_cast<std::uint32_t>(std::stoul(s.substr(1)))};
}
std::string key_str(SegmentKey k) {
  return "r" + std::to_string(k.rendition) + "/" + std::to_string(k.index);
}

std::map<std::string, std::string> kv(const std::vector<std::string>& w, std::size_t from) {
  std::map<std::string, std::string> m;
  for (std::size_t i = from; i < w.size(); ++i) {
    const auto eq = w[i].find('=');
    if (eq != std::string::npos) m[w[i].substr(0, eq)] = w[i].substr(eq + 1);
  }
  return m;
}

std::string describe(const Seen& s) {
  const Action& a = s.action;
  std::string peer = " p" + std::to_string(static_cast<std::uint32_t>(a.peer));
  switch (a.kind) {
    case ActionKind::kHttpFetch:
      return "http_fetch " + key_str(a.segment);
    case ActionKind::kCancelTransfer:
      return "cancel " + key_str(a.segment);
    case ActionKind::kStartUpload:
      return "upload" + peer + " " + key_str(a.segment);
    case ActionKind::kDeliverSegment:
      return "deliver " + key_str(a.segment);
    case ActionKind::kDropPeer:
      return "drop" + peer;
    case ActionKind::kRequestPeers:
      return "request_peers";
    case ActionKind::kEvictSegment:
      return "evict " + key_str(a.segment);
    case ActionKind::kSendMessage:
      break;
  }
  if (!s.msg) return "send" + peer + " <undecodable>";
  return std::visit(
      [&](const auto& m) -> std::string {
        using M = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<M, wire::Request>) {
          return "request" + peer + " " + key_str(SegmentKey{m.index, m.rendition});
        } else if constexpr (std::is_same_v<M, wire::Have>) {
          return "have" + peer + " " + key_str(SegmentKey{m.index, m.rendition});
        } else if constexpr (std::is_same_v<M, wire::Reject>) {
          return "reject" + peer;
        } else if constexpr (std::is_same_v<M, wire::Cancel>) {
          return "send_cancel" + peer;
        } else if constexpr (std::is_same_v<M, wire::SegmentMap>) {
          return "map" + peer;
        } else if constexpr (std::is_same_v<M, wire::Hello>) {
          return "hello" + peer;
        } else if constexpr (std::is_same_v<M, wire::Choke>) {
          return "choke" + peer;
        } else if constexpr (std::is_same_v<M, wire::Unchoke>) {
          return "unchoke" + peer;
        } else {
          return "send" + peer;
        }
      },
      *s.msg);
}

bool set_knob(AgentConfig& c, const std::string& k, const std::string& v, std::string& policy) {
  auto t = [&] { return parse_time(v, 0); };
  auto u8 = [&] { return static_cast<std::uint8_t>(std::stoul(v)); };
  if (k == "policy") {
    policy = v;
    return true;
  }
  if (k == "http_slots") {
    c.simultaneous_http_downloads = u8();
    return true;
  }
  if (k == "p2p_slots") {
    c.simultaneous_p2p_downloads = u8();
    return true;
  }
  if (k == "high_demand_window") {
    c.high_demand_window_us = t();
    return true;
  }
  if (k == "p2p_window") {
    c.p2p_download_window_us = t();
    return true;
  }
  if (k == "http_download_probability") {
    c.http_download_probability = std::stod(v);
    return true;
  }
  if (k == "random_http") {
    c.random_http_enabled = v == "1" || v == "true";
    return true;
  }
  if (k == "p2p_no_bytes_timeout") {
    c.p2p_no_bytes_timeout_us = t();
    return true;
  }
  if (k == "p2p_min_rate_kbps") {
    c.p2p_min_rate_kbps = static_cast<std::uint32_t>(std::stoul(v));
    return true;
  }
  if (k == "fallback_margin") {
    c.fallback_margin_us = t();
    return true;
  }
  if (k == "upload_slots") {
    c.upload_slots = u8();
    return true;
  }
  if (k == "upload_queue") {
    c.upload_queue_max = u8();
    return true;
  }
  if (k == "urgent_window") {
    c.urgent_window_us = t();
    return true;
  }
  if (k == "announce_spread") {
    c.announce_spread_us = t();
    return true;
  }
  if (k == "request_jitter") {
    c.request_jitter_us = t();
    return true;
  }
  if (k == "uploads_per_peer") {
    c.uploads_per_peer_max = u8();
    return true;
  }
  if (k == "peers_min") {
    c.peers_min = u8();
    return true;
  }
  if (k == "peers_max") {
    c.peers_max = u8();
    return true;
  }
  if (k == "cache_segments") {
    c.cache_segments_max = static_cast<std::uint16_t>(std::stoul(v));
    return true;
  }
  if (k == "peer_requests_per_s") {
    c.peer_requests_per_s = static_cast<std::uint16_t>(std::stoul(v));
    return true;
  }
  if (k == "peer_request_burst") {
    c.peer_request_burst = static_cast<std::uint16_t>(std::stoul(v));
    return true;
  }
  if (k == "low_buffer") {
    c.low_buffer_us = t();
    return true;
  }
  if (k == "p2p_retries") {
    c.p2p_error_retries = u8();
    return true;
  }
  return false;
}

class Runner {
 public:
  ScriptOutcome run(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::string line;
    int n = 0;
    try {
      while (std::getline(in, line)) {
        ++n;
        line_ = n;
        const auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        auto w = split(line);
        if (w.empty()) continue;
        if (!step(w)) return fail(n, error_);
      }
    } catch (const std::exception& e) {
      return fail(n, std::string("parse error: ") + e.what());
    }
    return {};
  }

 private:
  ScriptOutcome fail(int n, const std::string& why) {
    std::string msg = "line " + std::to_string(n) + ": " + why + "\n  actions seen:";
    for (const auto& s : log_) msg += "\n    " + describe(s);
    return ScriptOutcome{false, msg};
  }

  void drain() {
    while (auto a = agent_->poll_action()) {
      Seen s{*a, std::nullopt};
      if (a->kind == ActionKind::kSendMessage) {
        auto m = wire::decode(a->bytes);
        if (m.ok()) s.msg = m.value();
        if (s.msg) {
          if (const auto* r = std::get_if<wire::Request>(&*s.msg)) {
            requests_[key_str(SegmentKey{r->index, r->rendition})] = r->request_id;
          }
        }
      } else if (a->kind == ActionKind::kHttpFetch) {
        http_[key_str(a->segment)] = a->transfer;
      } else if (a->kind == ActionKind::kStartUpload) {
        uploads_[key_str(a->segment) + "@" + std::to_string(static_cast<std::uint32_t>(a->peer))] =
            a->transfer;
      }
      log_.push_back(s);
    }
  }

  bool matches(const Seen& s, const std::vector<std::string>& w, std::size_t i) {
    const std::string& what = w[i];
    const Action& a = s.action;
    auto key_at = [&](std::size_t k) {
      return k < w.size() ? key_str(parse_key(word(w, k))) : std::string();
    };
    if (what == "any_request") {
      const std::string d = describe(s);
      return d.rfind("request p", 0) == 0 && d.substr(d.rfind(' ') + 1) == key_at(i + 1);
    }
    if (what == "request" || what == "have" || what == "upload") {
      return describe(s) == what + " " + word(w, i + 1) + " " + key_at(i + 2);
    }
    if (what == "drop" || what == "reject" || what == "map" || what == "hello" ||
        what == "send_cancel" || what == "choke" || what == "unchoke") {
      return describe(s) == what + " " + word(w, i + 1);
    }
    if (what == "request_peers") return a.kind == ActionKind::kRequestPeers;
    return describe(s) == what + " " + key_at(i + 1);
  }

  bool step(const std::vector<std::string>& w) {
    if (w[0] == "config") {
      AgentConfig cfg;
      // Scripts state the instant of every request; the spread after a Have or an Unchoke
      // has its own script (announce_spread_delays_requests.txt).
      cfg.announce_spread_us = 0;
      std::string policy = "windowed";
      std::uint64_t seed = 1;
      for (const auto& [k, v] : kv(w, 1)) {
        if (k == "seed") {
          seed = std::stoull(v);
        } else if (!set_knob(cfg, k, v, policy)) {
          error_ = "unknown knob " + k;
          return false;
        }
      }
      policy_ = policy;
      cfg.policy = policy_;
      auto r = Agent::create(cfg, seed, 0);
      if (!r.ok()) {
        error_ = std::string("create failed: ") + r.status().detail();
        return false;
      }
      agent_.emplace(std::move(r).value());
      drain();
      return true;
    }
    if (!agent_) {
      error_ = "no config line before inputs";
      return false;
    }
    if (w[0] == "expect") return expect(w);
    if (after_expect_) {
      log_.clear();
      after_expect_ = false;
    }
    std::size_t i = 0;
    if (w[0].rfind("t=", 0) == 0) {
      const TimeUs t = parse_time(w[0].substr(2), 0);
      if (t < now_) {
        error_ = "time goes backwards";
        return false;
      }
      now_ = t;
      i = 1;
    }
    if (i >= w.size()) return true;
    const std::string& cmd = w[i];
    const auto args = kv(w, i + 1);
    auto arg_t = [&](const char* k, TimeUs dflt) {
      auto it = args.find(k);
      return it == args.end() ? dflt : parse_time(it->second, now_);
    };
    if (cmd == "publish") {
      SegmentInfo info;
      info.key = parse_key(word(w, i + 1));
      info.size_bytes = static_cast<std::uint32_t>(std::stoul(args.at("size")));
      info.duration_us = parse_time(args.at("dur"), 0);
      info.available_at_us = arg_t("avail", now_);
      agent_->handle_segment_published(now_, info);
    } else if (cmd == "player") {
      PlayerView v;
      v.next_needed = parse_key(args.at("need"));
      v.rendition = v.next_needed.rendition;
      v.next_deadline_us = arg_t("deadline", kNever);
      v.playhead_us = args.count("playhead") ? parse_time(args.at("playhead"), 0) : 0;
      v.buffer_end_us =
          v.playhead_us + (args.count("buffer") ? parse_time(args.at("buffer"), 0) : 0);
      agent_->handle_player(now_, v);
    } else if (cmd == "connect") {
      agent_->handle_peer_connected(now_, parse_peer(word(w, i + 1)), PeerTraits{});
    } else if (cmd == "disconnect") {
      agent_->handle_peer_disconnected(now_, parse_peer(word(w, i + 1)));
    } else if (cmd == "timeout") {
      agent_->handle_timeout(now_);
    } else if (cmd == "wait") {
      const TimeUs until = parse_time(word(w, i + 1), now_);
      for (int guard = 0; guard < 100000; ++guard) {
        const TimeUs t = agent_->next_timeout();
        if (t > until) break;
        now_ = std::max(now_, t);
        agent_->handle_timeout(now_);
        drain();
      }
      now_ = std::max(now_, until);
    } else if (cmd == "recv") {
      return recv(w, i + 1);
    } else if (cmd == "done") {
      const std::string kind = word(w, i + 1);
      TransferId id{};
      std::string outcome;
      if (kind == "upload") {
        const std::string k =
            key_str(parse_key(word(w, i + 3))) + "@" +
            std::to_string(static_cast<std::uint32_t>(parse_peer(word(w, i + 2))));
        if (!uploads_.count(k)) {
          error_ = "no upload for " + k;
          return false;
        }
        id = uploads_[k];
        outcome = word(w, i + 4);
      } else {
        const std::string k = key_str(parse_key(word(w, i + 2)));
        auto& table = kind == "http" ? http_ : requests_id_as_transfer();
        if (!table.count(k)) {
          error_ = "no " + kind + " transfer for " + k;
          return false;
        }
        id = table[k];
        outcome = word(w, i + 3);
      }
      const Outcome o = outcome == "ok"     ? Outcome::kCompleted
                        : outcome == "fail" ? Outcome::kFailed
                                            : Outcome::kCancelled;
      agent_->handle_transfer_done(now_, id, o);
    } else if (cmd == "integrity") {
      agent_->handle_integrity(now_, parse_key(word(w, i + 1)), word(w, i + 2) == "pass");
    } else {
      error_ = "unknown command " + cmd;
      return false;
    }
    drain();
    return true;
  }

  std::map<std::string, TransferId>& requests_id_as_transfer() {
    p2p_.clear();
    for (const auto& [k, v] : requests_) p2p_[k] = TransferId{v};
    return p2p_;
  }

  bool recv(const std::vector<std::string>& w, std::size_t i) {
    const PeerId from = parse_peer(w[i]);
    const std::string& type = word(w, i + 1);
    const auto args = kv(w, i + 2);
    auto id_arg = [&]() -> std::uint32_t {
      const std::string v = args.at("id");
      if (!v.empty() && v[0] == '@') return requests_.at(key_str(parse_key(v.substr(1))));
      return static_cast<std::uint32_t>(std::stoul(v));
    };
    wire::Message m;
    std::vector<std::byte> raw;
    if (type == "have") {
      const SegmentKey k = parse_key(word(w, i + 2));
      m = wire::Have{k.rendition, k.index};
    } else if (type == "map") {
      const SegmentKey k = parse_key(word(w, i + 2));
      wire::SegmentMap map;
      map.rendition = k.rendition;
      map.first_index = k.index;
      const std::string bits = args.at("bits");
      map.count = static_cast<std::uint16_t>(bits.size());
      for (std::size_t b = 0; b < bits.size(); ++b) {
        if (bits[b] == '1') map.bits[b / 64] |= std::uint64_t{1} << (b % 64);
      }
      m = map;
    } else if (type == "request") {
      const SegmentKey k = parse_key(word(w, i + 3));
      m = wire::Request{id_arg(), k.rendition, k.index};
    } else if (type == "reject") {
      auto reason = wire::RejectReason::kBusy;
      if (const auto r = args.find("reason"); r != args.end()) {
        if (r->second == "not_found") reason = wire::RejectReason::kNotFound;
        if (r->second == "rate_limited") reason = wire::RejectReason::kRateLimited;
        if (r->second == "choked") reason = wire::RejectReason::kChoked;
      }
      m = wire::Reject{id_arg(), reason};
    } else if (type == "cancel") {
      m = wire::Cancel{id_arg()};
    } else if (type == "choke") {
      m = wire::Choke{};
    } else if (type == "unchoke") {
      m = wire::Unchoke{};
    } else if (type == "hello") {
      m = wire::Hello{};
    } else if (type == "raw") {
      const std::string hex = word(w, i + 2);
      for (std::size_t b = 0; b + 1 < hex.size(); b += 2) {
        raw.push_back(static_cast<std::byte>(std::stoul(hex.substr(b, 2), nullptr, 16)));
      }
    } else {
      error_ = "unknown message " + type;
      return false;
    }
    std::array<std::byte, wire::kMaxMessageBytes> buf{};
    std::span<const std::byte> bytes;
    if (type == "raw") {
      bytes = raw;
    } else {
      const std::size_t n = wire::encode(m, buf);
      if (n == 0) {
        error_ = "encode failed";
        return false;
      }
      bytes = std::span<const std::byte>(buf.data(), n);
    }
    last_status_ = agent_->handle_peer_message(now_, from, bytes);
    drain();
    return true;
  }

  std::uint64_t stat(const std::string& name) {
    const AgentStats& s = agent_->stats();
    const std::map<std::string, std::uint64_t> all = {
        {"http_bytes", s.http_bytes},
        {"p2p_bytes", s.p2p_bytes},
        {"upload_bytes", s.upload_bytes},
        {"http_segments", s.http_segments},
        {"p2p_segments", s.p2p_segments},
        {"http_failures", s.http_failures},
        {"requests_sent", s.requests_sent},
        {"requests_rejected", s.requests_rejected},
        {"requests_timed_out", s.requests_timed_out},
        {"requests_failed", s.requests_failed},
        {"p2p_to_http_fallbacks", s.p2p_to_http_fallbacks},
        {"uploads_served", s.uploads_served},
        {"uploads_rejected", s.uploads_rejected},
        {"integrity_failures", s.integrity_failures},
        {"peers_banned", s.peers_banned},
        {"malformed_messages", s.malformed_messages},
        {"segments_delivered", s.segments_delivered},
        {"peers", agent_->peer_count()}};
    auto it = all.find(name);
    if (it == all.end()) throw std::runtime_error("unknown stat " + name);
    return it->second;
  }

  bool expect(const std::vector<std::string>& w) {
    after_expect_ = true;
    if (w.size() < 2) {
      error_ = "empty expect";
      return false;
    }
    if (word(w, 1) == "stat") {
      const std::uint64_t v = stat(word(w, 2));
      const std::uint64_t want = std::stoull(word(w, 4));
      const bool ok = word(w, 3) == "==" ? v == want : word(w, 3) == ">=" ? v >= want : v <= want;
      if (!ok)
        error_ = "stat " + word(w, 2) + " = " + std::to_string(v) + ", want " + word(w, 3) + " " +
                 word(w, 4);
      return ok;
    }
    if (word(w, 1) == "count") {  // expect count http_fetch == 2
      std::uint64_t v = 0;
      for (const auto& s : log_) v += describe(s).rfind(word(w, 2), 0) == 0 ? 1U : 0U;
      const std::uint64_t want = std::stoull(word(w, 4));
      const bool ok = word(w, 3) == "==" ? v == want : word(w, 3) == ">=" ? v >= want : v <= want;
      if (!ok)
        error_ = "count " + word(w, 2) + " = " + std::to_string(v) + ", want " + word(w, 3) + " " +
                 word(w, 4);
      return ok;
    }
    if (word(w, 1) == "timeout") {
      const TimeUs t = agent_->next_timeout();
      const TimeUs want = parse_time(word(w, 3), now_);
      const bool ok = word(w, 2) == "<=" ? t <= want : word(w, 2) == ">=" ? t >= want : t == want;
      if (!ok)
        error_ =
            "next_timeout = " + std::to_string(t) + "us, want " + word(w, 2) + " " + word(w, 3);
      return ok;
    }
    if (word(w, 1) == "status") {
      std::string want = word(w, 2);
      for (char& ch : want) ch = ch == '_' ? ' ' : ch;
      const bool ok = std::string(errc_name(last_status_.code())) == want;
      if (!ok)
        error_ =
            std::string("last status ") + errc_name(last_status_.code()) + ", want " + word(w, 2);
      return ok;
    }
    if (word(w, 1) == "none") {
      if (!log_.empty()) error_ = "expected no actions";
      return log_.empty();
    }
    const bool negate = word(w, 1) == "no";
    const std::size_t at = negate ? 2 : 1;
    bool found = false;
    for (const auto& s : log_) found = found || matches(s, w, at);
    if (found == negate) {
      std::string what;
      for (std::size_t k = at; k < w.size(); ++k) what += " " + word(w, k);
      error_ = (negate ? "unexpected" : "missing") + what;
      return false;
    }
    return true;
  }

  std::optional<Agent> agent_;
  std::string policy_;
  TimeUs now_ = 0;
  int line_ = 0;
  bool after_expect_ = false;
  std::vector<Seen> log_;
  std::map<std::string, TransferId> http_;
  std::map<std::string, std::uint32_t> requests_;
  std::map<std::string, TransferId> p2p_;
  std::map<std::string, TransferId> uploads_;
  Status last_status_;
  std::string error_;
};

}  // namespace

ScriptOutcome run_script(std::string_view text) { return Runner{}.run(text); }

}  // namespace p2pcdn::sched::test
