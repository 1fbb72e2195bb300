#include "sim/flow/fast_network.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "sim/flow/flow_math.hpp"

namespace p2pcdn::sim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

// Before a push_back: grows a full vector by 1/8 instead of doubling it. The resource and flow
// records stay at their high-water mark for the whole run, so doubling left up to half of
// them allocated for nothing (1.3 MB of resources at 10 000 viewers); the extra moves cost
// O(1) amortised per record and happen only when the high-water mark rises.
template <class T>
void grow_gently(std::vector<T>& v) {
  if (v.size() == v.capacity()) v.reserve(v.size() + v.size() / 8 + 64);
}
}  // namespace

FastFlowNetwork::FastFlowNetwork(std::uint32_t hub_threshold)
    : hub_threshold_(std::max<std::uint32_t>(1, hub_threshold)) {}

ResourceId FastFlowNetwork::add_resource(std::uint64_t capacity_bps) {
  Resource r;
  r.capacity_bps = capacity_bps;
  grow_gently(resources_);
  resources_.push_back(std::move(r));
  return static_cast<ResourceId>(resources_.size() - 1);
}

std::size_t FastFlowNetwork::heap_bytes() const {
  // The per-viewer records (see their comments): 88 and 72 bytes on a 64-bit target.
  static_assert(sizeof(void*) != 8 || (sizeof(Flow) == 88 && sizeof(Resource) == 72));
  std::size_t bytes = resources_.capacity() * sizeof(Resource) + hubs_.capacity() * sizeof(Hub) +
                      flows_.capacity() * sizeof(Flow);
  for (const Resource& r : resources_) bytes += r.flows.heap_bytes();
  // A std::set node holds the key plus the tree links (colour, parent, left, right).
  constexpr std::size_t kSetNode = sizeof(Key) + 4 * sizeof(void*);
  for (const Hub& h : hubs_) bytes += (h.low.size() + h.high.size() + h.vfinish.size()) * kSetNode;
  for (const Flow& f : flows_) bytes += f.path.heap_bytes();
  bytes += ids_.capacity() * sizeof(std::uint32_t);
  const std::vector<std::uint32_t>* scratch[] = {&free_ids_,   &finished_, &seeds_,      &round_,
                                                 &dirty_,      &comp_res_, &comp_flows_, &guests_,
                                                 &seed_flows_, &binds_,    &touched_};
  for (const auto* v : scratch) bytes += v->capacity() * sizeof(std::uint32_t);
  return bytes + heap_.capacity() * sizeof(LevelEntry) + caps_.capacity() * sizeof(CapEntry) +
         explicit_next_.heap_bytes() + hub_next_.heap_bytes();
}

bool FastFlowNetwork::is_hub(ResourceId resource) const {
  const auto r = static_cast<std::size_t>(resource);
  return r < resources_.size() && resources_[r].hub != kNone;
}

bool FastFlowNetwork::is_transparent(ResourceId resource) const {
  const auto r = static_cast<std::size_t>(resource);
  return r < resources_.size() && see_through(static_cast<std::uint32_t>(r));
}

// Slack: the flows' bounds sum below the capacity by a relative margin far above the solvers'
// 1e-12 freezing tolerance, so neither solver can ever freeze a flow at this resource.
bool FastFlowNetwork::bound_slack(std::uint32_t r) const {
  const Resource& res = resources_[r];
  const std::uint64_t c = res.capacity_bps;
  return res.bound_hi == 0 && res.bound_lo < c - (c >> 20);
}

bool FastFlowNetwork::slack(std::uint32_t r) const {
  if (bound_slack(r)) return true;
  const Resource& res = resources_[r];
  if (res.hub == kNone) return false;
  // A hub may also be slack by its flows' current rates (solved without it): then that
  // allocation fits under it, so it is the max-min one (unique) and the hub binds nobody.
  const Hub& h = hubs_[static_cast<std::size_t>(res.hub)];
  const std::uint64_t high = h.high.empty() ? 0 : h.high.size() * load_of(h.level);
  const double cap = std::floor(res.capacity() * kLoadScale);
  if (!(cap < static_cast<double>(kMaxLoad))) return false;
  const auto c_load = static_cast<std::uint64_t>(cap);
  return h.low_load + h.complex_load + high < c_load - (c_load >> 20);
}

// Fixed-point rate, rounded up, so that a sum of loads bounds the sum of rates from above.
std::uint64_t FastFlowNetwork::load_of(double rate) {
  if (!(rate < static_cast<double>(kMaxLoad) / kLoadScale)) return kMaxLoad;
  return static_cast<std::uint64_t>(std::ceil(std::max(0.0, rate) * kLoadScale));
}

// A complex flow's rate enters the load of every hub on its path.
void FastFlowNetwork::set_load(std::uint32_t i, double rate) {
  Flow& f = flows_[i];
  const std::uint64_t load = load_of(rate);
  if (load == f.load) return;
  for (std::uint32_t r : f.path) {
    if (resources_[r].hub == kNone) continue;
    Hub& h = hubs_[static_cast<std::size_t>(resources_[r].hub)];
    h.complex_load += load;
    h.complex_load -= f.load;
  }
  f.load = load;
}

bool FastFlowNetwork::see_through(std::uint32_t r) const {
  return resources_[r].transparent && slack(r);
}

// Flow i's rate bound outside resource r: its cap and the capacities of the rest of its path.
void FastFlowNetwork::count_bound(std::uint32_t r, std::uint32_t i, bool add) {
  const Flow& f = flows_[i];
  Resource& res = resources_[r];
  bool bounded = f.cap_bps > 0;
  std::uint64_t bound = bounded ? f.cap_bps : std::numeric_limits<std::uint64_t>::max();
  for (std::uint32_t q : f.path) {
    if (q == r) continue;
    bound = std::min(bound, resources_[q].capacity_bps);
    bounded = true;
  }
  if (!bounded) {
    res.bound_hi = add ? res.bound_hi + 1 : res.bound_hi - 1;  // 2^64
  } else if (add) {
    res.bound_lo += bound;
    res.bound_hi += res.bound_lo < bound ? 1 : 0;
  } else {
    res.bound_hi -= res.bound_lo < bound ? 1 : 0;
    res.bound_lo -= bound;
  }
}

void FastFlowNetwork::count_bounds(std::uint32_t i, bool add) {
  for (std::uint32_t r : flows_[i].path) count_bound(r, i, add);
}

// A resource whose slackness no longer matches how it was last solved must be walked once more.
void FastFlowNetwork::seed_flipped(std::uint32_t i, std::vector<std::uint32_t>& seeds) const {
  for (std::uint32_t r : flows_[i].path)
    if (slack(r) != resources_[r].transparent) seeds.push_back(r);
}

std::size_t FastFlowNetwork::simple_flows() const {
  std::size_t n = 0;
  for (const Hub& h : hubs_) n += h.low.size() + h.high.size();
  return n;
}

void FastFlowNetwork::check_time(Time now) {
  if (now < last_now_) throw std::invalid_argument("flow network: time went backwards");
  last_now_ = now;
}

const FastFlowNetwork::Flow& FastFlowNetwork::get(FlowId flow) const {
  const auto i = static_cast<std::size_t>(flow);
  if (i >= flows_.size() || !flows_[i].active)
    throw std::invalid_argument("flow " + std::to_string(i) + " is not active");
  return flows_[i];
}

double FastFlowNetwork::current_rate(const Flow& f) const {
  if (f.hub == kNone) return f.rate;
  return f.high ? hubs_[static_cast<std::size_t>(f.hub)].level : f.e;
}

double FastFlowNetwork::remaining_at(const Flow& f, Time now) const {
  if (f.hub != kNone && f.high) {
    const Hub& h = hubs_[static_cast<std::size_t>(f.hub)];
    if (now <= h.vtime_at) return f.vfinish() - h.vtime;
    return f.vfinish() - (h.vtime + h.level * static_cast<double>(now - h.vtime_at));
  }
  // No elapsed time, no progress: a rate set and replaced within one instant may be transient
  // (even infinite: a flow solved while every resource of its path was left out).
  if (now == f.settled) return f.remaining;
  return f.remaining - f.rate * static_cast<double>(now - f.settled);
}

// Settles the explicit progress at `now` and runs the flow at `rate` from there.
void FastFlowNetwork::set_explicit(std::uint32_t i, Time now, double rate) {
  Flow& f = flows_[i];
  f.remaining = std::max(0.0, remaining_at(f, now));
  f.settled = now;
  f.rate = rate;
  if (f.hub == kNone) set_load(i, rate);
  const Time finish = flow_math::finish_time(now, f.remaining, rate);
  if (finish != kNever) {
    explicit_next_.set(i, finish);
  } else {
    explicit_next_.erase(i);
  }
}

// The explicit finish becomes kNever: the flow leaves explicit_next_ (where it is exactly
// while its explicit finish is not kNever).
void FastFlowNetwork::drop_explicit(std::uint32_t i) { explicit_next_.erase(i); }

bool FastFlowNetwork::crosses(std::uint32_t i, std::uint32_t resource) const {
  const auto& path = flows_[i].path;
  return std::find(path.begin(), path.end(), resource) != path.end();
}

// Simple: exactly one hub on the path, and every flow sharing one of its other resources is
// complex and does not cross that hub (so it never moves with the hub's level). Whether the
// sharing is harmless (nobody else bottlenecked there) is checked by resolve()'s guest pass.
bool FastFlowNetwork::eligible(std::uint32_t i, std::int32_t& hub) const {
  hub = kNone;
  for (std::uint32_t r : flows_[i].path) {
    if (resources_[r].hub == kNone) continue;
    if (hub != kNone) return false;
    hub = resources_[r].hub;
  }
  if (hub == kNone) return false;
  const std::uint32_t hub_resource = hubs_[static_cast<std::size_t>(hub)].resource;
  for (std::uint32_t r : flows_[i].path) {
    if (resources_[r].hub != kNone) continue;
    for (std::uint32_t g : resources_[r].flows)
      if (g != i && (flows_[g].hub != kNone || crosses(g, hub_resource))) return false;
  }
  return true;
}

bool FastFlowNetwork::all_private(std::uint32_t i) const {
  for (std::uint32_t r : flows_[i].path)
    if (resources_[r].hub == kNone && resources_[r].count != 1) return false;
  return true;
}

void FastFlowNetwork::hub_advance(Hub& h, Time now) {
  // The level may be stale (even infinite) between an insertion and the rebalance that follows
  // at the same instant: only elapsed time moves the virtual clock.
  if (!h.high.empty() && now > h.vtime_at)
    h.vtime += h.level * static_cast<double>(now - h.vtime_at);
  h.vtime_at = now;
}

// Puts simple flow i (explicit progress settled) into its hub's sets, keeping low <= high.
void FastFlowNetwork::hub_insert(std::uint32_t i, Time now) {
  Flow& f = flows_[i];
  Hub& h = hubs_[static_cast<std::size_t>(f.hub)];
  hub_advance(h, now);
  const double remaining = std::max(0.0, remaining_at(f, now));
  drop_explicit(i);
  // Unlimited flows never sit in "low" (its sum must stay finite); rebalance fixes the rest.
  if (f.e == kInf || (!h.high.empty() && f.e >= h.high.begin()->first)) {
    f.high = true;
    f.set_vfinish(h.vtime + remaining);
    h.high.insert({f.e, i});
    h.vfinish.insert({f.vfinish(), i});
  } else {
    f.high = false;
    f.remaining = remaining;
    f.settled = now;
    f.rate = 0.0;
    h.low.insert({f.e, i});
    h.low_sum += f.e;
    h.low_load += load_of(f.e);
    set_explicit(i, now, f.e);
  }
}

// Takes simple flow i out of its hub's sets; leaves it with settled explicit progress.
void FastFlowNetwork::hub_erase(std::uint32_t i, Time now) {
  Flow& f = flows_[i];
  Hub& h = hubs_[static_cast<std::size_t>(f.hub)];
  hub_advance(h, now);
  if (f.high) {
    const double vfinish = f.vfinish();  // `remaining` holds it until the next line
    f.remaining = std::max(0.0, vfinish - h.vtime);
    f.settled = now;
    f.rate = h.level;
    h.high.erase({f.e, i});
    h.vfinish.erase({vfinish, i});
    f.high = false;
  } else {
    f.remaining = std::max(0.0, remaining_at(f, now));
    f.settled = now;
    drop_explicit(i);
    h.low.erase({f.e, i});
    h.low_sum -= f.e;
    h.low_load -= load_of(f.e);
    if (h.low.empty()) h.low_sum = 0.0;  // no drift when empty
  }
}

void FastFlowNetwork::make_simple(std::uint32_t i, std::int32_t hub, Time now) {
  set_load(i, 0.0);  // its rate now counts in the hub's water-fill
  Flow& f = flows_[i];
  Resource& hr = resources_[hubs_[static_cast<std::size_t>(hub)].resource];
  hr.flows.erase(std::find(hr.flows.begin(), hr.flows.end(), i));
  f.remaining = std::max(0.0, remaining_at(f, now));
  f.settled = now;
  f.hub = hub;
  f.e = f.cap() > 0.0 ? f.cap() : kInf;
  for (std::uint32_t r : f.path) {
    if (resources_[r].hub != kNone) continue;
    double headroom = resources_[r].capacity();  // provisional for shared resources: guest pass
    for (std::uint32_t g : resources_[r].flows)
      if (g != i) headroom -= flows_[g].rate;
    f.e = std::min(f.e, std::max(0.0, headroom));
  }
  f.unbalanced = true;  // whoever made it simple seeds the hub or a guest pass will
  hub_insert(i, now);
  seed_flows_.push_back(i);  // the guest pass must see it even if its resources are see-through
}

void FastFlowNetwork::make_complex(std::uint32_t i, Time now) {
  Flow& f = flows_[i];
  const double rate = current_rate(f);
  const std::int32_t hub = f.hub;
  hub_erase(i, now);
  f.hub = kNone;
  resources_[hubs_[static_cast<std::size_t>(hub)].resource].flows.push_back(i);
  set_explicit(i, now, rate);
  seed_flows_.push_back(i);  // its hub may be see-through: the walk would not reach it there
}

// Level the hub's simple flows reach when `n` other unfrozen flows rise with them and `avail`
// capacity is left; walks the sorted limits from the current partition without changing it.
double FastFlowNetwork::hub_probe(const Hub& h, double avail, std::uint32_t n) const {
  double sum = h.low_sum;
  std::size_t k = h.high.size();
  auto up = h.high.begin();
  auto down = h.low.rbegin();
  for (;;) {
    const double t = std::max(0.0, avail - sum) / static_cast<double>(n + k);
    if (up != h.high.end() && up->first <= t) {
      sum += up->first;
      --k;
      ++up;
    } else if (down != h.low.rend() && down->first > t) {
      sum -= down->first;
      ++k;
      ++down;
    } else {
      return t;
    }
  }
}

void FastFlowNetwork::hub_schedule(Hub& h) {
  const std::uint32_t index = static_cast<std::uint32_t>(&h - hubs_.data());
  h.next = kNever;
  if (!h.high.empty())
    h.next = flow_math::finish_time(h.vtime_at, h.vfinish.begin()->first - h.vtime, h.level);
  if (h.next != kNever) {
    hub_next_.set(index, h.next);
  } else {
    hub_next_.erase(index);
  }
}

// Water-fill of the hub's simple flows over `avail`: moves flows across the boundary one at a
// time (O(log n) each), then sets the common level of the high flows.
void FastFlowNetwork::hub_rebalance(std::uint32_t hub, Time now, double avail) {
  Hub& h = hubs_[hub];
  hub_advance(h, now);
  avail = std::max(0.0, avail);
  for (;;) {
    const std::size_t k = h.high.size();
    if (k == 0) {
      if (!h.low.empty() && h.low_sum > avail * (1.0 + 1e-12) && h.low.rbegin()->first > 0.0) {
        const std::uint32_t i = h.low.rbegin()->second;
        Flow& f = flows_[i];
        f.remaining = std::max(0.0, remaining_at(f, now));
        drop_explicit(i);
        h.low.erase(std::prev(h.low.end()));
        h.low_sum -= f.e;
        h.low_load -= load_of(f.e);
        f.high = true;
        f.set_vfinish(h.vtime + f.remaining);
        h.high.insert({f.e, i});
        h.vfinish.insert({f.vfinish(), i});
        continue;
      }
      h.level = kInf;
      break;
    }
    const double t = std::max(0.0, avail - h.low_sum) / static_cast<double>(k);
    if (h.high.begin()->first <= t) {
      const std::uint32_t i = h.high.begin()->second;
      Flow& f = flows_[i];
      h.level = t;                         // irrelevant for the erase: vtime already advanced
      const double vfinish = f.vfinish();  // `remaining` holds it until the next line
      f.remaining = std::max(0.0, vfinish - h.vtime);
      f.settled = now;
      f.rate = 0.0;
      // Its explicit finish is kNever already: a high flow is never in explicit_next_.
      h.high.erase(h.high.begin());
      h.vfinish.erase({vfinish, i});
      f.high = false;
      h.low.insert({f.e, i});
      h.low_sum += f.e;
      h.low_load += load_of(f.e);
      set_explicit(i, now, f.e);
      continue;
    }
    if (!h.low.empty() && h.low.rbegin()->first > t) {
      const std::uint32_t i = h.low.rbegin()->second;
      Flow& f = flows_[i];
      f.remaining = std::max(0.0, remaining_at(f, now));
      drop_explicit(i);
      h.low.erase(std::prev(h.low.end()));
      h.low_sum -= f.e;
      h.low_load -= load_of(f.e);
      f.high = true;
      f.set_vfinish(h.vtime + f.remaining);
      h.high.insert({f.e, i});
      h.vfinish.insert({f.vfinish(), i});
      continue;
    }
    h.level = t;
    break;
  }
  if (h.low.empty()) h.low_sum = 0.0;
  hub_schedule(h);
}

void FastFlowNetwork::promote(std::uint32_t r, Time now, std::vector<std::uint32_t>& seeds) {
  Resource& res = resources_[r];
  if (hubs_.size() >= static_cast<std::size_t>(kMaxHubs))
    throw std::length_error("flow network: too many hubs");
  Hub h;
  h.resource = r;
  h.vtime_at = now;
  hubs_.push_back(std::move(h));
  res.hub = static_cast<std::int32_t>(hubs_.size() - 1);
  // All its flows start complex (explicit); the ones now eligible move to the water-fill.
  const std::vector<std::uint32_t> members(res.flows.begin(), res.flows.end());
  res.transparent = false;  // walked once as a hub
  for (std::uint32_t i : members)
    if (flows_[i].hub == kNone) hubs_.back().complex_load += flows_[i].load;
  for (std::uint32_t i : members) {
    if (flows_[i].hub != kNone) {  // simple elsewhere, now crossing a second hub
      seeds.push_back(hubs_[static_cast<std::size_t>(flows_[i].hub)].resource);
      seeds.insert(seeds.end(), flows_[i].path.begin(), flows_[i].path.end());
      make_complex(i, now);
    }
  }
  for (std::uint32_t i : members) {
    std::int32_t hub;
    if (eligible(i, hub) && all_private(i)) make_simple(i, hub, now);
  }
  seeds.push_back(r);
}

void FastFlowNetwork::set_capacity(Time now, ResourceId resource, std::uint64_t capacity_bps) {
  const auto r = static_cast<std::size_t>(resource);
  if (r >= resources_.size()) throw std::invalid_argument("set_capacity: unknown resource");
  check_time(now);
  Resource& res = resources_[r];
  // Every flow crossing it has this capacity in its bounds elsewhere (rare: O(flows)).
  std::vector<std::uint32_t> members(res.flows.begin(), res.flows.end());
  if (res.hub != kNone) {
    const Hub& h = hubs_[static_cast<std::size_t>(res.hub)];
    for (const Key& k : h.low) members.push_back(k.second);
    for (const Key& k : h.high) members.push_back(k.second);
  }
  for (std::uint32_t i : members) count_bounds(i, false);
  res.capacity_bps = capacity_bps;
  for (std::uint32_t i : members) count_bounds(i, true);
  std::vector<std::uint32_t> seeds{static_cast<std::uint32_t>(r)};
  for (std::uint32_t i : members) {
    seed_flipped(i, seeds);
    // A guest's limit may include this capacity where it was see-through: re-key it.
    if (res.hub == kNone && flows_[i].hub != kNone) seed_flows_.push_back(i);
  }
  if (res.hub == kNone && res.count == 1 && flows_[res.flows[0]].hub != kNone) {
    // Private resource of a simple flow: its limit changes, re-enter it in the water-fill.
    const std::uint32_t i = res.flows[0];
    const std::int32_t hub = flows_[i].hub;
    make_complex(i, now);
    make_simple(i, hub, now);
    seeds.push_back(hubs_[static_cast<std::size_t>(hub)].resource);
  }
  resolve(now, seeds);
}

FlowId FastFlowNetwork::start_flow(Time now, std::span<const ResourceId> path,
                                   std::uint64_t size_bytes, std::uint64_t rate_cap_bps,
                                   std::uint64_t tag) {
  if (path.empty()) throw std::invalid_argument("start_flow: empty path");
  Flow f;
  ids_.clear();
  for (ResourceId id : path) {
    const auto r = static_cast<std::uint32_t>(id);
    if (r >= resources_.size()) throw std::invalid_argument("start_flow: unknown resource");
    if (std::find(ids_.begin(), ids_.end(), r) != ids_.end())
      throw std::invalid_argument("start_flow: resource repeated in path");
    ids_.push_back(r);
  }
  f.path.assign(ids_.data(), ids_.size());
  check_time(now);
  f.active = true;
  f.cap_bps = rate_cap_bps;
  f.size = static_cast<double>(size_bytes);
  f.tag = tag;
  f.remaining = f.size;
  f.settled = now;
  std::uint32_t i;
  if (!free_ids_.empty()) {
    i = free_ids_.back();
    free_ids_.pop_back();
    flows_[i] = std::move(f);
  } else {
    i = static_cast<std::uint32_t>(flows_.size());
    grow_gently(flows_);
    flows_.push_back(std::move(f));
  }
  ++active_;
  std::vector<std::uint32_t> seeds;
  // Enter as a complex flow first.
  for (std::uint32_t r : flows_[i].path) {
    ++resources_[r].count;
    resources_[r].flows.push_back(i);
  }
  set_explicit(i, now, 0.0);
  count_bounds(i, true);
  seed_flipped(i, seeds);
  // A simple flow sharing a resource with this one cannot stay simple if this one crosses its
  // hub (both would move with the hub's level).
  for (std::uint32_t r : flows_[i].path) {
    if (resources_[r].hub != kNone) continue;
    const std::vector<std::uint32_t> members(resources_[r].flows.begin(),
                                             resources_[r].flows.end());
    for (std::uint32_t g : members) {
      if (g == i || flows_[g].hub == kNone) continue;
      const std::uint32_t hub_resource = hubs_[static_cast<std::size_t>(flows_[g].hub)].resource;
      if (crosses(i, hub_resource)) {
        seeds.push_back(hub_resource);
        seeds.insert(seeds.end(), flows_[g].path.begin(), flows_[g].path.end());
        make_complex(g, now);
      }
    }
  }
  for (std::uint32_t r : flows_[i].path)
    if (resources_[r].hub == kNone && resources_[r].count > hub_threshold_) promote(r, now, seeds);
  std::int32_t hub;
  if (flows_[i].hub == kNone && eligible(i, hub)) {
    make_simple(i, hub, now);
    if (all_private(i)) {
      seeds.push_back(hubs_[static_cast<std::size_t>(hub)].resource);
    } else {
      for (std::uint32_t r : flows_[i].path)
        if (resources_[r].hub == kNone) seeds.push_back(r);  // guest pass re-keys the hub
    }
  } else {
    for (std::uint32_t r : flows_[i].path) seeds.push_back(r);
    seed_flows_.push_back(i);  // its resources may all be see-through hubs
  }
  resolve(now, seeds);
  return static_cast<FlowId>(i);
}

void FastFlowNetwork::remove_flow(std::uint32_t i, Time now, std::vector<std::uint32_t>& seeds) {
  count_bounds(i, false);  // every resource of the path left with flows is seeded below
  Flow& f = flows_[i];
  if (f.hub != kNone) {
    seeds.push_back(hubs_[static_cast<std::size_t>(f.hub)].resource);
    hub_erase(i, now);  // leaves it out of explicit_next_: its explicit finish is kNever
    f.hub = kNone;
  } else {
    drop_explicit(i);
    set_load(i, 0.0);
    for (std::uint32_t r : f.path) {
      if (resources_[r].hub == kNone) continue;
      auto& list = resources_[r].flows;
      list.erase(std::find(list.begin(), list.end(), i));
      seeds.push_back(r);
    }
  }
  for (std::uint32_t r : f.path) {
    Resource& res = resources_[r];
    --res.count;
    if (res.hub != kNone) continue;
    res.flows.erase(std::find(res.flows.begin(), res.flows.end(), i));
    if (res.count > 0) seeds.push_back(r);
  }
  f.active = false;
  free_ids_.push_back(i);
  --active_;
  // Flows left on these resources may have become simple.
  for (std::uint32_t r : f.path) {
    if (resources_[r].hub != kNone) continue;
    const std::vector<std::uint32_t> members(resources_[r].flows.begin(),
                                             resources_[r].flows.end());
    for (std::uint32_t g : members) {
      std::int32_t hub;
      if (flows_[g].hub != kNone || !eligible(g, hub)) continue;
      make_simple(g, hub, now);
      if (all_private(g)) seeds.push_back(hubs_[static_cast<std::size_t>(hub)].resource);
      // else: r is a seed, so the guest pass validates g and re-keys its hub.
    }
  }
}

void FastFlowNetwork::cancel_flow(Time now, FlowId flow) {
  get(flow);
  check_time(now);
  std::vector<std::uint32_t> seeds;
  remove_flow(static_cast<std::uint32_t>(flow), now, seeds);
  resolve(now, seeds);
}

std::uint64_t FastFlowNetwork::bytes_done(Time now, FlowId flow) const {
  const Flow& f = get(flow);
  const double done = std::clamp(f.size - remaining_at(f, now), 0.0, f.size);
  return static_cast<std::uint64_t>(done + flow_math::kByteEpsilon);
}

std::uint64_t FastFlowNetwork::rate_bps(FlowId flow) const {
  return flow_math::to_bps(current_rate(get(flow)));
}

Time FastFlowNetwork::next_completion() const {
  Time t = kNever;
  if (!explicit_next_.empty()) t = explicit_next_.top_time();
  if (!hub_next_.empty()) t = std::min(t, hub_next_.top_time());
  return t;
}

void FastFlowNetwork::advance_to(Time now, std::vector<FlowDone>& done) {
  check_time(now);
  std::vector<std::uint32_t>& finished = finished_;
  std::vector<std::uint32_t>& seeds = seeds_;
  for (Time t = next_completion(); t <= now; t = next_completion()) {
    finished.clear();
    seeds.clear();
    explicit_next_.for_each_at(t, [&](std::uint32_t i) { finished.push_back(i); });
    hub_next_.for_each_at(t, [&](std::uint32_t hub) {
      const Hub& h = hubs_[hub];
      for (const Key& k : h.vfinish) {
        if (flow_math::finish_time(h.vtime_at, k.first - h.vtime, h.level) > t) break;
        finished.push_back(k.second);
      }
    });
    std::sort(finished.begin(), finished.end());
    for (std::uint32_t i : finished) {
      done.push_back({static_cast<FlowId>(i), flows_[i].tag, t});
      remove_flow(i, t, seeds);
    }
    resolve(t, seeds);
  }
}

// Re-solves the components of the seeds; a guest pass may re-key hubs outside the component,
// whose own components are then solved in the next round.
void FastFlowNetwork::resolve(Time now, const std::vector<std::uint32_t>& seeds) {
  std::vector<std::uint32_t>& round = round_;
  std::vector<std::uint32_t>& dirty = dirty_;
  round.assign(seeds.begin(), seeds.end());
  for (int rounds = 0; !round.empty() || !seed_flows_.empty(); ++rounds) {
    if (rounds > 10'000) throw std::logic_error("flow network: re-solve does not converge");
    dirty.clear();
    solve_component(now, round, dirty);
    std::sort(dirty.begin(), dirty.end());
    dirty.erase(std::unique(dirty.begin(), dirty.end()), dirty.end());
    round.swap(dirty);
  }
}

// Exact progressive filling over the connected component(s) of the seeds, walking through
// complex flows only: a hub contributes its complex flows and its simple flows as one
// aggregate (hub_probe), so a component of simple flows costs O(log n), not O(n). A simple flow
// met on a shared resource joins as a "guest" capped at its hub's current level; afterwards it
// stays simple only if nobody else there is as fast as its headroom (then the others never
// depend on its rate), and its limit e is re-keyed in the hub.
// Takes flow i into the component being walked: a complex flow or a guest, with the resources
// it counts; a simple flow alone on its resources is only re-keyed.
void FastFlowNetwork::visit(std::uint32_t i, Time now, std::vector<std::uint32_t>& dirty) {
  Flow& f = flows_[i];
  if (f.stamp == stamp_) return;
  const bool guest = f.hub != kNone;
  f.stamp = stamp_;
  if (guest && all_private(i)) {
    // Nothing shares its resources: only its limit may have changed (capacity, or a neighbour
    // left); re-key it directly.
    double e = f.cap() > 0.0 ? f.cap() : kInf;
    for (std::uint32_t r : f.path)
      if (resources_[r].hub == kNone) e = std::min(e, resources_[r].capacity());
    if (e != f.e) {
      hub_erase(i, now);
      f.e = e;
      hub_insert(i, now);
      dirty.push_back(hubs_[static_cast<std::size_t>(f.hub)].resource);
    } else if (f.unbalanced) {
      dirty.push_back(hubs_[static_cast<std::size_t>(f.hub)].resource);
    }
    f.unbalanced = false;
    return;
  }
  comp_flows_.push_back(i);
  if (guest) guests_.push_back(i);
  for (std::uint32_t r : f.path) {
    if (resources_[r].stamp == stamp_ || (guest && resources_[r].hub != kNone)) continue;
    resources_[r].stamp = stamp_;
    comp_res_.push_back(r);
  }
}

void FastFlowNetwork::solve_component(Time now, const std::vector<std::uint32_t>& seeds,
                                      std::vector<std::uint32_t>& dirty) {
  for (;;) {
    ++stamp_;
    comp_res_.clear();
    comp_flows_.clear();
    guests_.clear();
    for (std::uint32_t r : seeds) {
      if (resources_[r].stamp == stamp_) continue;
      resources_[r].stamp = stamp_;
      comp_res_.push_back(r);
    }
    // Flows the walk must take in even where every resource of theirs is see-through.
    for (std::uint32_t i : seed_flows_)
      if (flows_[i].active) visit(i, now, dirty);
    for (std::size_t q = 0; q < comp_res_.size(); ++q) {
      // Decided once per walk (a re-key in visit() may move a hub's load meanwhile).
      Resource& walked = resources_[comp_res_[q]];
      walked.skip = see_through(comp_res_[q]);
      if (walked.skip) continue;   // cannot bind: couples nothing
      walked.transparent = false;  // until a clean round finds it slack
      for (std::uint32_t i : resources_[comp_res_[q]].flows) visit(i, now, dirty);
    }
    // A guest needs its hub's level fixed; if the hub is being solved too, it turns complex.
    bool converted = false;
    for (std::uint32_t i : guests_) {
      const std::uint32_t hub_resource = hubs_[static_cast<std::size_t>(flows_[i].hub)].resource;
      if (resources_[hub_resource].stamp == stamp_ && !resources_[hub_resource].skip) {
        make_complex(i, now);
        converted = true;
      }
    }
    if (!converted) break;
  }
  seed_flows_.clear();
  // A complex flow counts every resource of its path, a guest only its plain ones; nobody
  // counts a see-through resource.
  auto counts = [&](const Flow& f, std::uint32_t r) {
    return !resources_[r].skip && (resources_[r].hub == kNone || f.hub == kNone);
  };
  for (std::uint32_t r : comp_res_) {
    resources_[r].frozen = 0.0;
    resources_[r].unfrozen = 0;
  }
  caps_.clear();
  for (std::uint32_t i : comp_flows_) {
    Flow& f = flows_[i];
    double solve_cap = f.cap() > 0.0 ? f.cap() : kInf;
    if (f.hub != kNone) {
      const Hub& h = hubs_[static_cast<std::size_t>(f.hub)];
      if (!h.high.empty()) solve_cap = std::min(solve_cap, h.level);
    }
    f.open = true;
    if (solve_cap < kInf) caps_.push_back({solve_cap, i});
    for (std::uint32_t r : f.path)
      if (counts(f, r)) ++resources_[r].unfrozen;
  }
  auto level_of = [&](const Resource& res) {
    const double avail = res.capacity() - res.frozen;
    return res.hub == kNone
               ? std::max(0.0, avail) / static_cast<double>(res.unfrozen)
               : hub_probe(hubs_[static_cast<std::size_t>(res.hub)], avail, res.unfrozen);
  };
  // Progressive filling with the resources' levels in a min-heap (stale entries skipped by
  // version) and the flows' caps sorted: each step costs the flows it freezes, not the whole
  // component. It takes the same steps as the textbook loop (every resource at or below the
  // step's bound binds, every flow crossing one or capped there freezes at the step's level),
  // and within a step all additions are the same value, so the rates are bit-identical to it.
  auto by_level = [](const LevelEntry& a, const LevelEntry& b) { return a.level > b.level; };
  auto push_level = [&](std::uint32_t r) {
    Resource& res = resources_[r];
    ++res.version;
    if (res.unfrozen == 0) return;
    heap_.push_back({level_of(res), r, res.version});
    std::push_heap(heap_.begin(), heap_.end(), by_level);
  };
  auto valid = [&](const LevelEntry& e) { return resources_[e.resource].version == e.version; };
  heap_.clear();
  for (std::uint32_t r : comp_res_) {
    Resource& res = resources_[r];
    ++res.version;
    if (res.unfrozen > 0) heap_.push_back({level_of(res), r, res.version});
  }
  std::make_heap(heap_.begin(), heap_.end(), by_level);
  // The same comparisons as on the flows' ids, so the same permutation (std::sort is not
  // stable: ties keep the order these comparisons give them).
  std::sort(caps_.begin(), caps_.end(),
            [](const CapEntry& a, const CapEntry& b) { return a.cap < b.cap; });
  std::size_t open = comp_flows_.size();
  std::size_t next_cap = 0;
  double m = 0.0;
  auto freeze = [&](std::uint32_t i) {
    Flow& f = flows_[i];
    f.open = false;
    if (f.hub == kNone) f.set_new_rate(m);  // a guest's `e` holds its limit (new_rate unused)
    --open;
    for (std::uint32_t r : f.path) {
      if (!counts(f, r)) continue;
      Resource& res = resources_[r];
      res.frozen += m;
      --res.unfrozen;
      if (res.bind != bind_stamp_) {
        res.bind = bind_stamp_;
        touched_.push_back(r);
      }
    }
  };
  while (open > 0) {
    while (!heap_.empty() && !valid(heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), by_level);
      heap_.pop_back();
    }
    while (next_cap < caps_.size() && !flows_[caps_[next_cap].flow].open) ++next_cap;
    m = kInf;
    if (!heap_.empty()) m = heap_.front().level;
    if (next_cap < caps_.size()) m = std::min(m, caps_[next_cap].cap);
    ++bind_stamp_;
    touched_.clear();
    if (m == kInf) {  // nothing limits the rest: they all run unbounded
      for (std::uint32_t i : comp_flows_)
        if (flows_[i].open) freeze(i);
      break;
    }
    const double bound = m * (1.0 + 1e-12);
    binds_.clear();
    while (!heap_.empty() && heap_.front().level <= bound) {
      if (valid(heap_.front())) binds_.push_back(heap_.front().resource);
      std::pop_heap(heap_.begin(), heap_.end(), by_level);
      heap_.pop_back();
    }
    for (std::uint32_t r : binds_) {
      for (std::uint32_t i : resources_[r].flows) {
        const Flow& f = flows_[i];
        if (f.open && counts(f, r)) freeze(i);
      }
    }
    for (; next_cap < caps_.size() && caps_[next_cap].cap <= bound; ++next_cap)
      if (flows_[caps_[next_cap].flow].open) freeze(caps_[next_cap].flow);
    for (std::uint32_t r : touched_) push_level(r);
  }
  for (std::uint32_t i : comp_flows_) {
    Flow& f = flows_[i];
    // Explicit finish kNever: not in explicit_next_.
    if (f.hub == kNone && (f.new_rate() != f.rate || !explicit_next_.contains(i)))
      set_explicit(i, now, f.new_rate());
  }
  bool overflow = false;
  for (std::uint32_t r : comp_res_) {
    Resource& res = resources_[r];
    if (res.hub == kNone) continue;
    // A slack hub binds nobody: every simple flow runs at its own limit.
    double avail = kInf;
    if (res.skip) {
      // Solved without it, and its flows' new rates no longer fit: this round is void.
      if (!slack(r)) {
        res.transparent = false;
        overflow = true;
        continue;
      }
    } else if (!bound_slack(r)) {
      avail = res.capacity();
      for (std::uint32_t i : res.flows) avail -= flows_[i].rate;
    }
    hub_rebalance(static_cast<std::uint32_t>(res.hub), now, avail);
  }
  if (overflow) {
    // Solve it again with the hubs that overflowed walked (the rates set here are overwritten
    // at this same instant).
    for (std::uint32_t r : comp_res_)
      if (!resources_[r].skip || !resources_[r].transparent) dirty.push_back(r);
  }
  bool coupled_any = false;
  for (std::uint32_t i : guests_) {
    Flow& f = flows_[i];
    double e = f.cap() > 0.0 ? f.cap() : kInf;
    bool coupled = false;
    for (std::uint32_t r : f.path) {
      const Resource& res = resources_[r];
      if (res.hub != kNone) continue;
      if (res.skip) {
        // Cannot bind: nobody's rate there depends on the guest's. Its capacity (not the
        // headroom, which moves unseen) keeps the limit stable and above the bound.
        for (std::uint32_t g : res.flows)
          if (g != i && flows_[g].hub != kNone) coupled = true;  // two simple flows never share
        e = std::min(e, res.capacity());
        continue;
      }
      double others = 0.0;
      double fastest = 0.0;
      for (std::uint32_t g : res.flows) {
        if (g == i) continue;
        if (flows_[g].hub != kNone) coupled = true;  // two simple flows never share
        others += flows_[g].rate;
        fastest = std::max(fastest, flows_[g].rate);
      }
      const double headroom = std::max(0.0, res.capacity() - others);
      if (others > 0.0 && fastest >= headroom * (1.0 - 1e-9)) coupled = true;
      e = std::min(e, headroom);
    }
    const std::uint32_t hub_resource = hubs_[static_cast<std::size_t>(f.hub)].resource;
    if (coupled) {
      coupled_any = true;
      make_complex(i, now);
      // Its hub may be see-through (never walked): reach it through its own path too.
      dirty.insert(dirty.end(), f.path.begin(), f.path.end());
    } else if (std::abs(e - f.e) > 1e-12 * std::max(1.0, e)) {
      hub_erase(i, now);
      f.e = e;
      hub_insert(i, now);
      dirty.push_back(hub_resource);
    } else if (f.unbalanced) {
      dirty.push_back(hub_resource);
    }
    f.unbalanced = false;
  }
  // Only a clean round (no overflow, no guest turned complex: both leave provisional rates
  // that the next round corrects) may mark its slack resources see-through.
  if (!overflow && !coupled_any)
    for (std::uint32_t r : comp_res_) resources_[r].transparent = slack(r);
}

}  // namespace p2pcdn::sim
