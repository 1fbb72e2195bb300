// The bounded action queue and the one-message outbox: messages are encoded lazily at poll
// time, so queued actions stay small and a SegmentMap always reflects the current state.
#include <algorithm>

#include "agent/core.hpp"

namespace p2pcdn::sched::agent_detail {

void Core::push_slow(const Pending& p) {
  if (pending.size() - pending_head() >= kPendingActionsMax && p.kind == ActionKind::kSendMessage) {
    // The host is not draining: messages are best effort (a lost Have/Reject only costs a
    // timeout elsewhere); state-changing actions are bounded by the transfer caps and kept.
    return;
  }
  if (pending.size() == pending.capacity()) pending.reserve(pending.size() + 8);
  pending.push_back(p);
}

void Core::announce_have(std::uint32_t index) {
  if (!upload_on()) return;
  // One allocation for the burst instead of growing by 8 (it is released after the drain).
  if (pending.capacity() < pending.size() + peers.size())
    pending.reserve(pending.size() + peers.size());
  for (std::size_t j = 0; j < peers.size(); ++j) {
    send(peers.id(j), Msg::kHave, SegmentKey{index, rendition});
  }
}

std::optional<Action> Core::poll() {
  // Built in place in the returned optional (one named object returned on every path): a
  // local Action copied into the optional at return cost a store-forwarding stall per call.
  std::optional<Action> out;
  while (pending_head() < pending.size()) {
    // By reference, field by field (see push): valid until the clear() below.
    const Pending& p = pending[pending_head()++];
    Action& a = out.emplace();
    a.kind = p.kind;
    a.peer = p.peer;
    a.transfer = p.transfer;
    a.segment = p.segment;
    a.request_id = p.request_id;
    if (p.kind == ActionKind::kSendMessage && p.msg == Msg::kHave) {
      const std::size_t n =
          wire::encode_have(wire::Have{p.segment.rendition, p.segment.index}, outbox);
      if (n == 0) {  // cannot happen (kOutboxBytes >= 8); never emit garbage
        out.reset();
        continue;
      }
      a.bytes = std::span<const std::byte>(outbox.data(), n);
    } else if (p.kind == ActionKind::kSendMessage) {
      wire::Message m;
      switch (p.msg) {
        case Msg::kHello: {
          m = wire::Hello{self.region, self.isp, self.uplink_kbps_hint};
          break;
        }
        case Msg::kMap: {
          wire::SegmentMap map;
          map.rendition = rendition;
          map.first_index = base;
          map.count = static_cast<std::uint16_t>(window_size);
          for (std::uint32_t i = 0; i < window_size; ++i) {
            if (window_valid && slot(base + i).phase == Phase::kStored) {
              map.bits[i / 64] |= std::uint64_t{1} << (i % 64);
            }
          }
          m = map;
          break;
        }
        case Msg::kRequest:
          m = wire::Request{p.request_id, p.segment.rendition, p.segment.index};
          break;
        case Msg::kCancel:
          m = wire::Cancel{p.request_id};
          break;
        case Msg::kReject:
          m = wire::Reject{p.request_id, static_cast<wire::RejectReason>(p.reason)};
          break;
        case Msg::kChoke:
          m = wire::Choke{};
          break;
        case Msg::kUnchoke:
          m = wire::Unchoke{};
          break;
        case Msg::kHave:  // encoded above: never here
        case Msg::kNone:
          out.reset();
          continue;
      }
      const std::size_t n = wire::encode(m, outbox);
      if (n == 0) {  // cannot happen for messages we build; never emit garbage
        out.reset();
        continue;
      }
      a.bytes = std::span<const std::byte>(outbox.data(), n);
    }
    if (pending_head() == pending.size()) {
      pending.clear();
      pending_head() = 0;
      // Drained: release the block. A host drains after every input, so an idle agent holds
      // none (it held 8.2 entries' capacity on average, 196 B, in live-1h); the next burst
      // allocates again (push_slow, announce_have). Capacity never decides anything.
      pending.shrink_to_fit();
    }
    return out;
  }
  return out;  // empty
}

std::size_t Core::heap_bytes() const {
  // A config shared by several agents (create_shared) is the host's, counted once there.
  const std::size_t config_bytes = config_owner.use_count() == 1 ? sizeof(AgentConfig) : 0;
  return sizeof(Core) + window_bytes(window_size) + config_bytes + peers.heap_bytes() +
         transfers.capacity() * sizeof(Transfer) + pending.capacity() * sizeof(Pending) +
         (banned ? sizeof(*banned) : 0) + edge_count * sizeof(Edge) +
         (wide_times ? window_size * sizeof(TimeUs) : 0) + 0 /* the policy lives inside Core */;
}

}  // namespace p2pcdn::sched::agent_detail
