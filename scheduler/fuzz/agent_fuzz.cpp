// Stateful libFuzzer target for the agent: the input is a sequence of host inputs (segments
// published, player updates, peers connecting and leaving, peer messages as raw bytes or
// well-formed with fuzzed fields, transfer progress and outcomes, integrity verdicts, timer
// wake-ups) with time advancing; after every input the actions are drained and
// check_invariants(), the caps and the timer contract are checked. The first byte picks the
// policy. Built only with clang and -DP2PCDN_FUZZ=ON; see fuzz/CMakeLists.txt.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/wire.hpp"

namespace {

using namespace p2pcdn::sched;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "agent_fuzz: %s\n", what);
    std::abort();
  }
}

constexpr const char* kPolicies[] = {"cdn-only", "windowed", "buffer-threshold", "deadline-aware",
                                     "reference"};
constexpr std::uint32_t kPeers = 24;  // more ids than peers_max: some connects are refused

// What the agent emitted recently, so that inputs can name real transfers and segments (the
// interesting paths) as well as garbage.
struct Memory {
  std::vector<std::uint32_t> transfers;
  std::vector<SegmentKey> keys;
};

SegmentKey pick_key(FuzzedDataProvider& in, const Memory& mem) {
  if (!mem.keys.empty() && in.ConsumeBool()) {
    return mem.keys[in.ConsumeIntegralInRange<std::size_t>(0, mem.keys.size() - 1)];
  }
  return SegmentKey{in.ConsumeIntegralInRange<std::uint32_t>(0, 80),
                    in.ConsumeIntegralInRange<std::uint16_t>(0, 3)};
}

TransferId pick_transfer(FuzzedDataProvider& in, const Memory& mem) {
  if (!mem.transfers.empty() && in.ConsumeIntegralInRange<int>(0, 3) != 0) {
    return TransferId{
        mem.transfers[in.ConsumeIntegralInRange<std::size_t>(0, mem.transfers.size() - 1)]};
  }
  return TransferId{in.ConsumeIntegral<std::uint32_t>()};
}

wire::Message pick_message(FuzzedDataProvider& in, const Memory& mem) {
  const SegmentKey k = pick_key(in, mem);
  switch (in.ConsumeIntegralInRange<int>(0, 7)) {
    case 0:
      return wire::Hello{in.ConsumeIntegral<std::uint16_t>(), in.ConsumeIntegral<std::uint16_t>(),
                         in.ConsumeIntegral<std::uint32_t>()};
    case 1: {
      wire::SegmentMap map;
      map.rendition = k.rendition;
      map.first_index =
          k.index - std::min<std::uint32_t>(k.index, in.ConsumeIntegral<std::uint8_t>());
      map.count = in.ConsumeIntegralInRange<std::uint16_t>(0, wire::kSegmentMapBitsMax);
      for (auto& w : map.bits) w = in.ConsumeIntegral<std::uint64_t>();
      if (map.count % 64 != 0)
        map.bits[map.count / 64] &= (std::uint64_t{1} << (map.count % 64)) - 1;
      for (std::size_t w = (map.count + 63) / 64; w < map.bits.size(); ++w) map.bits[w] = 0;
      return map;
    }
    case 2:
      return wire::Have{k.rendition, k.index};
    case 3:
      return wire::Request{in.ConsumeIntegralInRange<std::uint32_t>(0, 1000), k.rendition, k.index};
    case 4:
      return wire::Cancel{in.ConsumeIntegralInRange<std::uint32_t>(0, 1000)};
    case 5:
      return wire::Reject{static_cast<std::uint32_t>(pick_transfer(in, mem)),
                          static_cast<wire::RejectReason>(in.ConsumeIntegralInRange<int>(1, 4))};
    case 6:
      return wire::Choke{};
    default:
      return wire::Unchoke{};
  }
}

void one_input(Agent& a, FuzzedDataProvider& in, TimeUs& now, Memory& mem) {
  now += in.ConsumeIntegralInRange<TimeUs>(0, 2'000'000);
  const PeerId peer{in.ConsumeIntegralInRange<std::uint32_t>(1, kPeers)};
  switch (in.ConsumeIntegralInRange<int>(0, 11)) {
    case 0: {
      SegmentInfo s;
      s.key = pick_key(in, mem);
      s.size_bytes = in.ConsumeIntegralInRange<std::uint32_t>(0, 4'000'000);
      s.duration_us = in.ConsumeIntegralInRange<TimeUs>(0, 12'000'000);
      s.available_at_us = now - in.ConsumeIntegralInRange<TimeUs>(-1'000'000, 5'000'000);
      a.handle_segment_published(now, s);
      break;
    }
    case 1: {
      PlayerView v;
      v.next_needed = pick_key(in, mem);
      v.rendition = v.next_needed.rendition;
      v.playhead_us = in.ConsumeIntegralInRange<TimeUs>(0, 400'000'000);
      v.buffer_end_us = v.playhead_us + in.ConsumeIntegralInRange<TimeUs>(0, 40'000'000);
      v.next_deadline_us = in.ConsumeIntegralInRange<int>(0, 9) == 0
                               ? kNever
                               : now + in.ConsumeIntegralInRange<TimeUs>(-2'000'000, 30'000'000);
      a.handle_player(now, v);
      break;
    }
    case 2:
      a.handle_peer_connected(
          now, peer,
          PeerTraits{in.ConsumeIntegral<std::uint16_t>(), in.ConsumeIntegral<std::uint16_t>(),
                     in.ConsumeIntegral<std::uint32_t>()});
      break;
    case 3:
      a.handle_peer_disconnected(now, peer);
      break;
    case 4: {  // raw bytes: whatever a broken or hostile peer sends
      const auto bytes =
          in.ConsumeBytes<std::uint8_t>(in.ConsumeIntegralInRange<std::size_t>(0, 80));
      (void)a.handle_peer_message(
          now, peer,
          std::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()),
                                     bytes.size()));
      break;
    }
    case 5: {  // a well-formed message with fuzzed fields
      std::array<std::byte, wire::kMaxMessageBytes> buf{};
      const std::size_t n = wire::encode(pick_message(in, mem), buf);
      check(n > 0, "encode refused a valid message");
      (void)a.handle_peer_message(now, peer, std::span<const std::byte>(buf.data(), n));
      break;
    }
    case 6:
      a.handle_transfer_progress(now, pick_transfer(in, mem), in.ConsumeIntegral<std::uint64_t>());
      break;
    case 7:
      a.handle_transfer_done(now, pick_transfer(in, mem),
                             static_cast<Outcome>(in.ConsumeIntegralInRange<int>(0, 2)));
      break;
    case 8:
      a.handle_integrity(now, pick_key(in, mem), in.ConsumeIntegralInRange<int>(0, 4) != 0);
      break;
    case 9:
      a.handle_timeout(now);
      break;
    default: {  // the host's timer fires when the agent asked
      const TimeUs t = a.next_timeout();
      // A wake-up more than a day away is not waited for: the clock stays far from overflow.
      if (t != kNever && t - now < 86'400'000'000) now = std::max(now, t);
      a.handle_timeout(now);
      break;
    }
  }
  // Drain: the outbox is bounded, so a host that drains after every input sees a bounded
  // number of actions.
  std::size_t drained = 0;
  while (auto act = a.poll_action()) {
    check(++drained <= kPendingActionsMax + 64, "poll_action never ran dry");
    if (act->kind == ActionKind::kSendMessage) {
      check(!act->bytes.empty() && act->bytes.size() <= wire::kMaxMessageBytes,
            "sent message of impossible size");
      check(wire::decode(act->bytes).ok(), "the agent sent bytes its own decoder refuses");
    }
    if (act->transfer != TransferId{})
      mem.transfers.push_back(static_cast<std::uint32_t>(act->transfer));
    mem.keys.push_back(act->segment);
    if (mem.transfers.size() > 64) mem.transfers.erase(mem.transfers.begin());
    if (mem.keys.size() > 64) mem.keys.erase(mem.keys.begin());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  AgentConfig cfg;
  cfg.policy = kPolicies[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kPolicies) - 1)];
  cfg.peers_max = 16;
  auto created = Agent::create(cfg, in.ConsumeIntegral<std::uint64_t>(), 0);
  check(created.ok(), "create failed on the default config");
  Agent a = std::move(created).value();
  TimeUs now = 0;
  Memory mem;
  for (int step = 0; step < 4096 && in.remaining_bytes() > 0; ++step) {
    one_input(a, in, now, mem);
    const Status st = a.check_invariants();
    if (!st.ok()) {
      std::fprintf(stderr, "agent_fuzz: invariant broken at step %d: %s\n", step,
                   st.detail() != nullptr ? st.detail() : "?");
      std::abort();
    }
    check(a.peer_count() <= cfg.peers_max, "more peers than peers_max");
    const TimeUs t = a.next_timeout();
    check(t == kNever || t > now, "next_timeout in the past");
  }
  return 0;
}
