#include "sim/flow/reference_max_min.hpp"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "sim/flow/flow_math.hpp"

namespace p2pcdn::sim {

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
}

ResourceId ReferenceMaxMin::add_resource(std::uint64_t capacity_bps) {
  capacity_.push_back(flow_math::bytes_per_us(capacity_bps));
  return static_cast<ResourceId>(capacity_.size() - 1);
}

void ReferenceMaxMin::set_capacity(Time now, ResourceId resource, std::uint64_t capacity_bps) {
  const auto r = static_cast<std::size_t>(resource);
  if (r >= capacity_.size()) throw std::invalid_argument("set_capacity: unknown resource");
  settle(now);
  capacity_[r] = flow_math::bytes_per_us(capacity_bps);
  solve();
}

FlowId ReferenceMaxMin::start_flow(Time now, std::span<const ResourceId> path,
                                   std::uint64_t size_bytes, std::uint64_t rate_cap_bps,
                                   std::uint64_t tag) {
  if (path.empty()) throw std::invalid_argument("start_flow: empty path");
  Flow f;
  for (ResourceId id : path) {
    const auto r = static_cast<std::uint32_t>(id);
    if (r >= capacity_.size()) throw std::invalid_argument("start_flow: unknown resource");
    if (std::find(f.path.begin(), f.path.end(), r) != f.path.end())
      throw std::invalid_argument("start_flow: resource repeated in path");
    f.path.push_back(r);
  }
  settle(now);
  f.active = true;
  f.cap = flow_math::bytes_per_us(rate_cap_bps);
  f.size = static_cast<double>(size_bytes);
  f.remaining = f.size;
  f.tag = tag;
  std::uint32_t id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
    flows_[id] = std::move(f);
  } else {
    id = static_cast<std::uint32_t>(flows_.size());
    flows_.push_back(std::move(f));
  }
  ++active_;
  solve();
  return static_cast<FlowId>(id);
}

const ReferenceMaxMin::Flow& ReferenceMaxMin::get(FlowId flow) const {
  const auto i = static_cast<std::size_t>(flow);
  if (i >= flows_.size() || !flows_[i].active)
    throw std::invalid_argument("flow " + std::to_string(i) + " is not active");
  return flows_[i];
}

void ReferenceMaxMin::cancel_flow(Time now, FlowId flow) {
  get(flow);
  settle(now);
  flows_[static_cast<std::size_t>(flow)].active = false;
  free_ids_.push_back(static_cast<std::uint32_t>(flow));
  --active_;
  solve();
}

std::uint64_t ReferenceMaxMin::bytes_done(Time now, FlowId flow) const {
  const Flow& f = get(flow);
  const double remaining = f.remaining - f.rate * static_cast<double>(now - settled_);
  const double done = std::clamp(f.size - remaining, 0.0, f.size);
  return static_cast<std::uint64_t>(done + flow_math::kByteEpsilon);
}

Time ReferenceMaxMin::next_completion() const {
  Time best = kNever;
  for (const Flow& f : flows_)
    if (f.active) best = std::min(best, f.finish);
  return best;
}

void ReferenceMaxMin::advance_to(Time now, std::vector<FlowDone>& done) {
  for (Time t = next_completion(); t <= now; t = next_completion()) {
    settle(t);
    for (std::uint32_t i = 0; i < flows_.size(); ++i) {
      Flow& f = flows_[i];
      if (!f.active || f.finish != t) continue;
      done.push_back({static_cast<FlowId>(i), f.tag, t});
      f.active = false;
      free_ids_.push_back(i);
      --active_;
    }
    solve();
  }
  settle(now);
}

std::uint64_t ReferenceMaxMin::rate_bps(FlowId flow) const {
  return flow_math::to_bps(get(flow).rate);
}

void ReferenceMaxMin::settle(Time now) {
  if (now < settled_) throw std::invalid_argument("time went backwards");
  const double dt = static_cast<double>(now - settled_);
  for (Flow& f : flows_)
    if (f.active) f.remaining = std::max(0.0, f.remaining - f.rate * dt);
  settled_ = now;
}

void ReferenceMaxMin::solve() {
  // Progressive filling: all unfrozen flows rise together; at each step the lowest of the
  // resources' saturation levels and the flows' caps freezes the flows it binds.
  const std::size_t nr = capacity_.size();
  std::vector<double> frozen_sum(nr, 0.0);
  std::vector<std::size_t> unfrozen(nr, 0);
  std::vector<std::uint32_t> open;
  for (std::uint32_t i = 0; i < flows_.size(); ++i) {
    if (!flows_[i].active) continue;
    open.push_back(i);
    for (std::uint32_t r : flows_[i].path) ++unfrozen[r];
  }
  while (!open.empty()) {
    std::vector<double> level(nr, kInf);
    double m = kInf;
    for (std::size_t r = 0; r < nr; ++r) {
      if (unfrozen[r] == 0) continue;
      level[r] = std::max(0.0, capacity_[r] - frozen_sum[r]) / static_cast<double>(unfrozen[r]);
      m = std::min(m, level[r]);
    }
    for (std::uint32_t i : open)
      if (flows_[i].cap > 0.0) m = std::min(m, flows_[i].cap);
    std::vector<std::uint32_t> still_open;
    const double bound = m * (1.0 + 1e-12);
    for (std::uint32_t i : open) {
      Flow& f = flows_[i];
      bool freeze = f.cap > 0.0 && f.cap <= bound;
      for (std::uint32_t r : f.path) freeze = freeze || level[r] <= bound;
      if (!freeze) {
        still_open.push_back(i);
        continue;
      }
      f.rate = m;
      for (std::uint32_t r : f.path) {
        frozen_sum[r] += m;
        --unfrozen[r];
      }
    }
    open.swap(still_open);
  }
  for (Flow& f : flows_)
    if (f.active) f.finish = flow_math::finish_time(settled_, f.remaining, f.rate);
}

}  // namespace p2pcdn::sim
