// Exact max-min reference: progressive filling recomputed from scratch over all flows at every
// change. O(n^2) per event: tests and small benchmarks only, never the simulator's solver.
#pragma once
#include <cstdint>
#include <vector>

#include "sim/flow/flow_network.hpp"

namespace p2pcdn::sim {

class ReferenceMaxMin final : public FlowNetwork {
 public:
  ResourceId add_resource(std::uint64_t capacity_bps) override;
  void set_capacity(Time now, ResourceId resource, std::uint64_t capacity_bps) override;
  FlowId start_flow(Time now, std::span<const ResourceId> path, std::uint64_t size_bytes,
                    std::uint64_t rate_cap_bps, std::uint64_t tag) override;
  void cancel_flow(Time now, FlowId flow) override;
  [[nodiscard]] std::uint64_t bytes_done(Time now, FlowId flow) const override;
  [[nodiscard]] Time next_completion() const override;
  void advance_to(Time now, std::vector<FlowDone>& done) override;
  [[nodiscard]] std::uint64_t rate_bps(FlowId flow) const override;
  [[nodiscard]] std::size_t active_flows() const override { return active_; }

 private:
  struct Flow {
    bool active = false;
    std::vector<std::uint32_t> path;
    double cap = 0.0;  // bytes/µs, 0 = none
    double size = 0.0;
    double remaining = 0.0;  // at settled_
    double rate = 0.0;       // bytes/µs
    std::uint64_t tag = 0;
    Time finish = kNever;
  };
  const Flow& get(FlowId flow) const;
  void settle(Time now);          // delivers bytes up to now at the current rates
  void solve();                   // progressive filling from scratch
  std::vector<double> capacity_;  // bytes/µs
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> free_ids_;
  std::size_t active_ = 0;
  Time settled_ = 0;
};

}  // namespace p2pcdn::sim
