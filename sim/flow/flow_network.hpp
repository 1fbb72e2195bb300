// Flow-level (fluid) network interface: resources with a capacity in bit/s, flows of N bytes
// crossing 1..k resources, rates max-min fair over all resources (progressive filling).
// It never models latency (the caller schedules the start after it) and never reads a clock:
// every call carries `now`, integer µs, non-decreasing across calls.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "models/base/time.hpp"

namespace p2pcdn::sim {

using Time = p2pcdn::TimeUs;

enum class ResourceId : std::uint32_t {};
enum class FlowId : std::uint32_t {};

// A finished flow: `at` is the first µs at which all its bytes are delivered (rounded up).
struct FlowDone {
  FlowId flow;
  std::uint64_t tag;
  Time at;
  friend bool operator==(const FlowDone&, const FlowDone&) = default;
};

class FlowNetwork {
 public:
  using Done = FlowDone;

  virtual ~FlowNetwork() = default;

  virtual ResourceId add_resource(std::uint64_t capacity_bps) = 0;
  // 0 is allowed (outage): flows crossing it stall until the capacity comes back.
  virtual void set_capacity(Time now, ResourceId resource, std::uint64_t capacity_bps) = 0;
  // A flow crosses `path` (1..k distinct resources), carries `size_bytes`, never exceeds
  // `rate_cap_bps` (0 = uncapped). `tag` is returned in FlowDone. Ids may be recycled after the
  // flow is done or cancelled.
  virtual FlowId start_flow(Time now, std::span<const ResourceId> path, std::uint64_t size_bytes,
                            std::uint64_t rate_cap_bps, std::uint64_t tag) = 0;
  // Removes the flow; the bytes it delivered so far stay delivered.
  virtual void cancel_flow(Time now, FlowId flow) = 0;
  // Bytes delivered so far by an active flow (progress and byte accounting).
  [[nodiscard]] virtual std::uint64_t bytes_done(Time now, FlowId flow) const = 0;
  // Earliest completion time of any active flow, kNever if none can finish.
  [[nodiscard]] virtual Time next_completion() const = 0;
  // Settles everything up to `now` and appends flows finished at or before `now`, ordered by
  // (at, FlowId). Finished flows are removed (their ids become reusable).
  virtual void advance_to(Time now, std::vector<FlowDone>& done) = 0;
  // Current rate of an active flow in bit/s (tests, metrics).
  [[nodiscard]] virtual std::uint64_t rate_bps(FlowId flow) const = 0;
  [[nodiscard]] virtual std::size_t active_flows() const = 0;
};

}  // namespace p2pcdn::sim
