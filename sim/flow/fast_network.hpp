// The simulator's flow solver: exact max-min (progressive filling) maintained incrementally.
// A heavily shared resource ("hub": a PoP egress, a TURN relay) keeps its "simple" flows (one
// hub; other resources private, or shared only with flows that never reach their headroom) in
// an O(log n) water-fill with processor-sharing virtual time; the rest ("complex" flows) is
// re-solved per touched component. A resource whose flows' other limits (caps, other
// capacities) sum below its capacity cannot bind: it is left out of the components (exact
// integer bound, so no drift), which cuts them at never-full PoPs and downlinks; a hub is also
// left out while its flows' current rates (fixed-point, rounded up) fit under it. Known cost:
// while a hub may bind and has complex flows, every event at that hub re-solves all of them
// (O(#complex) per event); it never scans simple flows.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <set>
#include <utility>
#include <vector>

#include "sim/flow/flow_math.hpp"
#include "sim/flow/flow_network.hpp"
#include "sim/flow/id_list.hpp"
#include "sim/flow/time_heap.hpp"

namespace p2pcdn::sim {

class FastFlowNetwork final : public FlowNetwork {
 public:
  // A resource becomes a hub once more than `hub_threshold` flows cross it (>= 1; it stays one).
  explicit FastFlowNetwork(std::uint32_t hub_threshold = 32);

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

  // Introspection for tests and benchmarks.
  [[nodiscard]] bool is_hub(ResourceId resource) const;
  [[nodiscard]] std::size_t simple_flows() const;  // flows handled by a hub's water-fill
  // A resource left out of the component solves: its flows' other limits sum below its capacity.
  [[nodiscard]] bool is_transparent(ResourceId resource) const;
  // Heap bytes held: the resource, hub and flow records (capacities, not sizes), their lists
  // and paths, the completion heaps and the solver's scratch. Not malloc's own overhead.
  [[nodiscard]] std::size_t heap_bytes() const;

 private:
  using Key = std::pair<double, std::uint32_t>;  // (value, flow index)
  static constexpr std::int32_t kNone = -1;

  // One per viewer uplink and downlink, so every byte counts: fields ordered by size (no padding
  // holes), the capacity in bytes/µs recomputed from `capacity_bps` (capacity(): the same
  // expression, so the same bits) and the flags packed with `hub`. 72 bytes.
  struct Resource {
    std::uint64_t capacity_bps = 0;
    double frozen = 0.0;  // progressive-filling scratch
    // Every flow crossing it adds its rate bound from the rest of its path (cap, other
    // capacities) to the 96-bit sum (bound_hi, bound_lo); a flow without one adds 2^64 (a carry
    // into bound_hi). Below the capacity (bound_hi == 0) it cannot bind. bound_hi never exceeds
    // `count`: each flow adds less than 2^64 to the low word or exactly 1 to the high one.
    std::uint64_t bound_lo = 0;
    // Non-hub: every flow crossing it. Hub: only its complex (explicitly solved) flows.
    IdList flows;
    std::uint32_t bound_hi = 0;
    std::uint32_t count = 0;  // flows crossing it
    std::uint32_t stamp = 0;
    std::uint32_t unfrozen = 0;
    std::uint32_t bind = 0;
    std::uint32_t version = 0;      // progressive-filling heap entries older than this are stale
    std::int32_t hub : 30 = kNone;  // index in hubs_ (kMaxHubs bounds it)
    bool skip : 1 = false;          // see-through hub in this solve
    // Slack when last solved: left out of the components while it stays slack (a flip is seeded
    // so that the next solve walks it once).
    bool transparent : 1 = false;
    [[nodiscard]] double capacity() const { return flow_math::bytes_per_us(capacity_bps); }
  };
  static constexpr std::int32_t kMaxHubs = std::int32_t{1} << 26;  // fits both hub bit-fields
  struct LevelEntry {
    double level;
    std::uint32_t resource;
    std::uint32_t version;
  };
  // Water-fill over the hub's simple flows, each limited by its own e (cap, private resources):
  // "low" flows (e below the level) run at e with explicit progress; "high" flows all run at
  // `level` and progress implicitly through the virtual time (bytes per high flow so far).
  struct Hub {
    std::uint32_t resource = 0;
    std::set<Key> low;
    std::set<Key> high;
    std::set<Key> vfinish;  // high flows by virtual finish
    double low_sum = 0.0;
    double level = 0.0;
    double vtime = 0.0;
    Time vtime_at = 0;
    Time next = kNever;
    // Fixed-point sums (load_of) of the low flows' limits and of the complex flows' rates.
    std::uint64_t low_load = 0;
    std::uint64_t complex_load = 0;
  };
  // A flow's resources: up to kInline in place (every path the simulator's host builds: no
  // heap block per flow), longer ones on the heap, the pointer stored over the inline ids (16
  // bytes, 4-aligned). Fixed once the flow starts.
  class Path {
   public:
    static constexpr std::size_t kInline = 3;
    Path() = default;
    Path(Path&& other) noexcept { take(other); }
    Path& operator=(Path&& other) noexcept {
      if (this != &other) {
        release();
        take(other);
      }
      return *this;
    }
    Path(const Path&) = delete;
    Path& operator=(const Path&) = delete;
    ~Path() { release(); }
    void assign(const std::uint32_t* ids, std::size_t n) {
      release();
      size_ = static_cast<std::uint32_t>(n);
      std::uint32_t* to = ids_.data();
      if (n > kInline) {
        to = new std::uint32_t[n];
        std::memcpy(ids_.data(), &to, sizeof(to));
      }
      std::copy(ids, ids + n, to);
    }
    [[nodiscard]] const std::uint32_t* begin() const {
      return size_ > kInline ? heap() : ids_.data();
    }
    [[nodiscard]] const std::uint32_t* end() const { return begin() + size_; }
    [[nodiscard]] std::size_t size() const { return size_; }
    [[nodiscard]] std::size_t heap_bytes() const {
      return size_ > kInline ? size_ * sizeof(std::uint32_t) : 0;
    }

   private:
    static_assert(sizeof(std::uint32_t*) <= kInline * sizeof(std::uint32_t));
    [[nodiscard]] std::uint32_t* heap() const {
      std::uint32_t* p;
      std::memcpy(&p, ids_.data(), sizeof(p));
      return p;
    }
    void release() {
      if (size_ > kInline) delete[] heap();
      size_ = 0;
    }
    void take(Path& other) {
      ids_ = other.ids_;
      size_ = other.size_;
      other.size_ = 0;
    }
    std::array<std::uint32_t, kInline> ids_{};  // the ids, or the heap block's address
    std::uint32_t size_ = 0;
  };
  // The pool of flows keeps its high-water mark, so every byte counts (88 bytes): fields ordered
  // by size (no padding holes), flags packed with `hub`, and storage shared by fields that are
  // never live at the same time:
  // - a flow's state is complex (hub == kNone: explicit progress, solved by progressive
  //   filling), simple low (explicit progress, rate e) or simple high (implicit progress);
  // - `remaining` is the explicit progress (bytes left at `settled`) and, while high, the
  //   virtual finish vfinish(): every move into high (hub_insert, hub_rebalance) reads the
  //   explicit progress before it writes vfinish, and every move out reads vfinish before it
  //   writes the explicit progress; remaining_at() reads the one of the flow's state;
  // - `e` is a simple flow's limit outside its hub and, for a complex flow, the progressive-
  //   filling result new_rate(): freeze() writes it for complex flows only, it is read at the
  //   end of the same solve before any flow changes state, and make_simple() writes e first;
  // - the explicit finish time is not stored: it is explicit_next_'s entry (a flow is in that
  //   heap exactly when its explicit finish is not kNever, see set_explicit/drop_explicit);
  // - the cap in bytes/µs is recomputed from `cap_bps` (cap(): the same expression, so the same
  //   bits), and the solve's cap lives in caps_ (scratch), not here.
  struct Flow {
    Path path;
    std::uint64_t cap_bps = 0;  // 0 = none
    double size = 0.0;
    std::uint64_t tag = 0;
    double e = 0.0;          // simple: its limit outside the hub; complex: new_rate()
    double remaining = 0.0;  // explicit: bytes left at `settled`; high: vfinish()
    Time settled = 0;
    double rate = 0.0;       // explicit rate
    std::uint64_t load = 0;  // complex: load_of(rate), counted in every hub of its path
    std::uint32_t stamp = 0;
    std::int32_t hub : 28 = kNone;  // set when simple (kMaxHubs bounds it)
    bool active : 1 = false;
    bool high : 1 = false;        // simple and at the hub's level
    bool unbalanced : 1 = false;  // simple, inserted without its hub rebalanced yet
    bool open : 1 = false;
    [[nodiscard]] double cap() const { return flow_math::bytes_per_us(cap_bps); }  // 0 = none
    [[nodiscard]] double vfinish() const { return remaining; }  // high: virtual finish
    void set_vfinish(double v) { remaining = v; }
    [[nodiscard]] double new_rate() const { return e; }  // complex, during a solve
    void set_new_rate(double r) { e = r; }
  };
  struct CapEntry {  // a flow of the component with a finite cap in this solve
    double cap;
    std::uint32_t flow;
  };

  const Flow& get(FlowId flow) const;
  double current_rate(const Flow& f) const;
  double remaining_at(const Flow& f, Time now) const;
  void set_explicit(std::uint32_t f, Time now, double rate);
  void drop_explicit(std::uint32_t f);
  bool crosses(std::uint32_t f, std::uint32_t resource) const;
  bool eligible(std::uint32_t f, std::int32_t& hub) const;
  bool all_private(std::uint32_t f) const;
  void make_simple(std::uint32_t f, std::int32_t hub, Time now);
  void make_complex(std::uint32_t f, Time now);
  void hub_insert(std::uint32_t f, Time now);
  void hub_erase(std::uint32_t f, Time now);
  void hub_advance(Hub& h, Time now);
  double hub_probe(const Hub& h, double avail, std::uint32_t n) const;
  void hub_rebalance(std::uint32_t hub, Time now, double avail);
  void hub_schedule(Hub& h);
  void promote(std::uint32_t r, Time now, std::vector<std::uint32_t>& seeds);
  void remove_flow(std::uint32_t f, Time now, std::vector<std::uint32_t>& seeds);
  void resolve(Time now, const std::vector<std::uint32_t>& seeds);
  void visit(std::uint32_t f, Time now, std::vector<std::uint32_t>& dirty);
  void solve_component(Time now, const std::vector<std::uint32_t>& seeds,
                       std::vector<std::uint32_t>& dirty);
  void check_time(Time now);
  static constexpr double kLoadScale = 1048576.0;  // load units per byte/µs
  static constexpr std::uint64_t kMaxLoad = std::uint64_t{1} << 40;
  static std::uint64_t load_of(double rate);
  void set_load(std::uint32_t f, double rate);
  bool bound_slack(std::uint32_t resource) const;
  bool slack(std::uint32_t resource) const;
  bool see_through(std::uint32_t resource) const;
  void count_bound(std::uint32_t resource, std::uint32_t f, bool add);
  void count_bounds(std::uint32_t f, bool add);
  void seed_flipped(std::uint32_t f, std::vector<std::uint32_t>& seeds) const;

  std::uint32_t hub_threshold_;
  std::vector<Resource> resources_;
  std::vector<Hub> hubs_;
  std::vector<Flow> flows_;
  std::vector<std::uint32_t> free_ids_;
  TimeHeap explicit_next_;                       // explicit flows by finish
  TimeHeap hub_next_;                            // hubs by their next finish
  std::vector<std::uint32_t> finished_, seeds_;  // advance_to() scratch
  std::vector<std::uint32_t> round_, dirty_;     // resolve() scratch
  std::size_t active_ = 0;
  std::uint32_t stamp_ = 0;
  std::uint32_t bind_stamp_ = 0;
  Time last_now_ = 0;
  // Scratch for resolve().
  std::vector<std::uint32_t> comp_res_, comp_flows_, guests_;
  std::vector<std::uint32_t> seed_flows_;
  std::vector<std::uint32_t> ids_;  // start_flow() scratch: the new path's ids
  std::vector<LevelEntry> heap_;
  std::vector<CapEntry> caps_;
  std::vector<std::uint32_t> binds_, touched_;
};

}  // namespace p2pcdn::sim
