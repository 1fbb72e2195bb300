// libFuzzer target for the tracker: the input is a script of joins, leaves, rendition
// switches, neighbour queries and releases (time advances with each op); every answer is
// checked against a shadow map. Built only with clang and -DP2PCDN_FUZZ=ON.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <vector>

#include "p2pcdn/scheduler/tracker.hpp"

namespace {

using namespace p2pcdn::sched;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  TrackerConfig config;
  config.neighbours_max = static_cast<std::uint16_t>(1 + data[0] % 8);
  config.inbound_max = static_cast<std::uint16_t>(1 + data[1] % 4);
  config.prefer_same_isp = (data[1] & 0x80) != 0;
  auto created = Tracker::create(config, data[0]);
  check(created.ok());
  Tracker t = std::move(created).value();
  std::map<std::uint32_t, PeerProfile> shadow;
  std::map<std::uint32_t, int> inbound;
  TimeUs now = 0;
  for (std::size_t i = 2; i + 3 < size; i += 4) {
    now += data[i + 3];
    const std::uint8_t op = data[i] % 5;
    const std::uint32_t id = data[i + 1] % 24;
    const std::uint8_t arg = data[i + 2];
    if (op == 0) {
      PeerProfile p;
      p.stream = arg & 1;
      p.rendition = (arg >> 1) & 1;
      p.region = (arg >> 2) & 1;
      p.isp = (arg >> 3) & 1;
      p.nat = static_cast<NatClass>((arg >> 4) % 7);  // 6 is out of range on purpose
      p.uploads = (arg & 0x80) != 0;
      const Status st = t.handle_join(now, PeerId{id}, p);
      check(st.ok() == (static_cast<int>(p.nat) < 6));
      if (st.ok()) shadow[id] = p;
    } else if (op == 1) {
      t.handle_leave(now, PeerId{id});
      shadow.erase(id);
      inbound.erase(id);
    } else if (op == 2) {
      const Status st = t.handle_switch_rendition(now, PeerId{id}, arg & 1);
      check(st.ok() == (shadow.count(id) == 1));
      if (st.ok()) shadow[id].rendition = arg & 1;
    } else if (op == 3) {
      const std::vector<PeerId> exclude = {PeerId{arg % 24u}};
      const auto got = t.neighbours_for(now, PeerId{id}, arg % 10, exclude);
      check(got.size() <= std::min<std::size_t>(arg % 10, config.neighbours_max));
      for (std::size_t k = 0; k < got.size(); ++k) {
        const auto b = static_cast<std::uint32_t>(got[k]);
        check(b != id && got[k] != exclude[0] && shadow.count(b) == 1 && shadow.count(id) == 1);
        check(std::count(got.begin(), got.end(), got[k]) == 1);
        const PeerProfile& me = shadow[id];
        const PeerProfile& q = shadow[b];
        check(me.stream == q.stream && me.rendition == q.rendition);
        check(config.can_connect[static_cast<int>(me.nat)][static_cast<int>(q.nat)]);
        check(inbound[b] < config.inbound_max);
        ++inbound[b];
      }
    } else {
      t.release(PeerId{id}, PeerId{arg % 24u});
      if (shadow.count(arg % 24u) && inbound[arg % 24u] > 0) --inbound[arg % 24u];
    }
    check(t.peer_count() == shadow.size());
    for (const auto& [b, n] : inbound) {
      if (shadow.count(b)) check(t.inbound_count(PeerId{b}) == n);
    }
  }
  return 0;
}
