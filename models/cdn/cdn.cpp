// PoP routing and outage schedule.
#include "models/cdn/cdn.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace p2pcdn::models {

namespace {
TimeUs checked_ms(double v, const std::string& what) {
  if (!std::isfinite(v) || v < 0.0) throw std::invalid_argument("cdn: " + what + " must be >= 0");
  return static_cast<TimeUs>(std::llround(v * 1000.0));
}
}  // namespace

Cdn Cdn::build(const CdnParams& params, const Topology& topology) {
  if (params.pops.empty()) throw std::invalid_argument("cdn: no PoPs defined");
  Cdn cdn;
  for (const Pop& pop : params.pops) {
    for (const PopInfo& other : cdn.pops_) {
      if (other.name == pop.name) {
        throw std::invalid_argument("cdn: duplicate PoP name '" + pop.name + "'");
      }
    }
    if (!(pop.egress_gbps > 0.0) || !std::isfinite(pop.egress_gbps)) {
      throw std::invalid_argument("cdn: PoP '" + pop.name + "' egress_gbps must be > 0");
    }
    PopInfo info;
    info.name = pop.name;
    try {
      info.region = topology.region_index(pop.region);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument("cdn: PoP '" + pop.name + "' is in unknown region '" +
                                  pop.region + "'");
    }
    info.egress_bps = pop.egress_gbps * 1e9;
    info.hub_rtt_us = 2 * checked_ms(pop.hub_latency_ms, "PoP '" + pop.name + "' hub_latency_ms");
    cdn.pops_.push_back(std::move(info));
  }
  for (const Outage& o : params.outages) {
    const PopId p = cdn.pop_index(o.pop);
    if (!std::isfinite(o.at_s) || !std::isfinite(o.until_s) || o.at_s < 0.0) {
      throw std::invalid_argument("cdn: outage of '" + o.pop + "' needs finite times >= 0");
    }
    if (!(o.until_s > o.at_s)) {
      throw std::invalid_argument("cdn: outage of '" + o.pop + "' must end after it starts");
    }
    cdn.pops_[p].outages.emplace_back(from_seconds(o.at_s), from_seconds(o.until_s));
  }
  for (PopInfo& info : cdn.pops_) {  // merge overlapping or touching outages
    auto& v = info.outages;
    std::sort(v.begin(), v.end());
    std::vector<std::pair<TimeUs, TimeUs>> merged;
    for (const auto& iv : v) {
      if (!merged.empty() && iv.first <= merged.back().second) {
        merged.back().second = std::max(merged.back().second, iv.second);
      } else {
        merged.push_back(iv);
      }
    }
    v = std::move(merged);
  }
  if (!(params.origin.egress_gbps > 0.0) || !std::isfinite(params.origin.egress_gbps)) {
    throw std::invalid_argument("cdn: origin egress_gbps must be > 0");
  }
  try {
    cdn.origin_region_ = topology.region_index(params.origin.region);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument("cdn: origin is in unknown region '" + params.origin.region + "'");
  }
  cdn.origin_egress_bps_ = params.origin.egress_gbps * 1e9;
  cdn.origin_fill_latency_us_ = checked_ms(params.origin.fill_latency_ms, "origin fill_latency_ms");
  cdn.http_server_latency_us_ = checked_ms(params.http_server_latency_ms, "http_server_latency_ms");

  const std::size_t n_regions = topology.region_count();
  cdn.class_count_ = topology.class_count();
  cdn.region_rtt_us_.resize(n_regions * cdn.class_count_);
  for (std::size_t r = 0; r < n_regions; ++r) {
    for (ClassId c = 0; c < cdn.class_count_; ++c) {
      cdn.region_rtt_us_[r * cdn.class_count_ + c] = topology.region_rtt_us(r, c);
    }
  }
  cdn.by_distance_.resize(n_regions);
  for (std::size_t r = 0; r < n_regions; ++r) {
    std::vector<PopId> order(cdn.pops_.size());
    std::iota(order.begin(), order.end(), PopId{0});
    const auto dist = [&](PopId p) {
      return cdn.pops_[p].hub_rtt_us + topology.region_to_region_rtt_us(cdn.pops_[p].region, r);
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](PopId a, PopId b) { return dist(a) < dist(b); });
    cdn.by_distance_[r] = std::move(order);
  }
  return cdn;
}

PopId Cdn::pop_index(const std::string& name) const {
  for (PopId p = 0; p < pops_.size(); ++p) {
    if (pops_[p].name == name) return p;
  }
  throw std::invalid_argument("cdn: unknown PoP '" + name + "'");
}

bool Cdn::is_up(PopId p, TimeUs now) const {
  const auto& v = pops_[p].outages;
  // The last outage starting at or before now.
  auto it = std::upper_bound(v.begin(), v.end(), now,
                             [](TimeUs t, const auto& iv) { return t < iv.first; });
  if (it == v.begin()) return true;
  --it;
  return now >= it->second;
}

TimeUs Cdn::next_change_us(PopId p, TimeUs now) const {
  for (const auto& [at, until] : pops_[p].outages) {
    if (at > now) return at;
    if (until > now) return until;
  }
  return kNever;
}

TimeUs Cdn::next_change_us(TimeUs now) const {
  TimeUs best = kNever;
  for (PopId p = 0; p < pops_.size(); ++p) best = std::min(best, next_change_us(p, now));
  return best;
}

PopId Cdn::route(std::size_t region, TimeUs now) const {
  for (PopId p : by_distance_[region]) {
    if (is_up(p, now)) return p;
  }
  return kNoPop;
}

TimeUs Cdn::pop_rtt_us(PopId p, ClassId c) const {
  return pops_[p].hub_rtt_us + region_rtt_us_[pops_[p].region * class_count_ + c];
}

}  // namespace p2pcdn::models
