// The Scenario: everything a run simulates, as plain structs with sourced defaults.
// Every field carries its unit in its name and the parameters.md key/source it comes from.
// Plain data only: no parsing, no validation, no behaviour (see loader.hpp, validate.hpp).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "models/cdn/cdn_params.hpp"
#include "models/network/nat.hpp"
#include "models/network/topology_params.hpp"
#include "models/player/player_params.hpp"
#include "models/stream/stream_params.hpp"
#include "p2pcdn/scheduler/config.hpp"

namespace p2pcdn::models {

// ---------------------------------------------------------------- run
// How one run is split so that several threads can simulate it (sim/host/partition.hpp).
enum class RunPartition : std::uint8_t {
  kNone,    // one simulation of the whole audience (the default)
  kRegion,  // one simulation per group of regions that share no PoP or TURN relay; the tracker
            // matches peers within their group (a region-scoped tracker, D)
};

struct RunSpec {
  double duration_s = 1800.0;  // simulated time; default.yaml is a 30 min event (D)
  std::uint64_t seed = 1;      // run seed for every RandomStream
  double warmup_s = 0.0;       // metrics before this time are not reported (D)
  RunPartition partition = RunPartition::kNone;
};

// ---------------------------------------------------------------- audience
enum class ChannelLaw : std::uint8_t { kExplicit, kZipf };

struct ChannelSpec {
  std::string name = "main";
  double share = 1.0;  // share of the total concurrency curve (explicit law); sums to 1
  // Rendition names this channel offers; empty = the whole ladder.
  std::vector<std::string> renditions{};
};

struct ChannelsSpec {
  ChannelLaw law = ChannelLaw::kExplicit;
  // Zipf law: `count` channels ch01..chNN, share of rank r proportional to r^-exponent.
  // Olympics: 60 concurrent events, Zipf 1.0: §1.3 [OL24a] (V) / exponent (U), form [SRI04].
  int zipf_count = 1;
  double zipf_exponent = 1.0;
  // Explicit law: the list as written; Zipf law: filled by the loader from count/exponent.
  std::vector<ChannelSpec> list = {ChannelSpec{}};
};

struct CurvePoint {
  double t_s = 0.0;
  double viewers = 0.0;
};

// Logistic ramp N(t) = peak / (1 + exp(-(t - t50)/tau)): §1.3 `ramp` (D).
struct RampSpec {
  double t50_s = 600.0;  // §1.3 `ramp.t50` 5 min before start (U); here relative to run start
  double tau_s = 420.0;  // §1.3 `ramp.tau` 7 min (D; peak join rate N/(4 tau) ~ Hotstar [HS19c])
};

// A key moment: the curve is multiplied by 1 + gain x trapezoid(rise, hold, fall).
// gain < 0 is a drop (gain > -1).
struct SpikeSpec {
  double at_s = 0.0;      // start of the rise
  double gain = 0.3;      // §1.3 key-moment spike +30 % (D; IPL 2018 +34 %/16 min [HS18a])
  double rise_s = 720.0;  // §1.3 "over 10-15 min" (D)
  double hold_s = 300.0;  // time at full gain (D)
  double fall_s = 180.0;  // §1.3 key-moment drop "within 2-5 min" (U)
};

// Target concurrency of the whole audience (all channels). Two ways to give it:
// - points (piecewise linear, viewers at t_s, constant beyond the ends), or
// - parametric: baseline + logistic ramp to a plateau, exponential decay after event_end_s,
//   spikes multiplied on top, then scaled so that the maximum equals peak_viewers.
struct ConcurrencySpec {
  std::vector<CurvePoint> points{};  // non-empty = piecewise mode (ramp/decay unused)
  double peak_viewers = 50000.0;     // default.yaml scale (D); India 25 M [HS19a], US 5 M §1.3
  double baseline_fraction = 0.2;    // §1.3 pre-event baseline 20 % of peak (D, Hotstar 14.8/25.3)
  RampSpec ramp{};
  double event_end_s = -1.0;   // < 0 = no decay within the run
  double decay_tau_s = 300.0;  // §1.3 post-event decay time constant 5 min (U)
  std::vector<SpikeSpec> spikes{};
};

enum class SessionLawKind : std::uint8_t { kLognormal, kWeibull, kExponential };

// Session length: with probability zapper_fraction an exponential "zapper" session, else the
// body law. §2.1 default session model.
struct SessionSpec {
  SessionLawKind law = SessionLawKind::kLognormal;
  double median_s = 1800.0;    // §2.1 `session.lognormal.median_min` 30 (D)
  double sigma = 1.0;          // §2.1 `session.lognormal.sigma` 1.0 (D; mean 49 min ~ [JC23c])
  double weibull_shape = 0.8;  // Weibull law only (U)
  double weibull_scale_s = 2400.0;  // Weibull law only (U)
  double mean_s = 2940.0;           // exponential law only: 49 min like the lognormal (D)
  double zapper_fraction = 0.15;    // §2.1 `session.zapper_fraction` (D; Conviva 19 % [CV18a])
  double zapper_mean_s = 40.0;      // §2.1 zapper exponential mean 40 s (D)
};

// How the arrival rate is derived from the curve (see models/audience/arrival_rate.hpp).
enum class RateMethod : std::uint8_t {
  kRenewal,  // exact: solves C(t) = survivors(0) + integral lambda(s) S(t-s) ds
  kLittle,   // lambda = max(0, C' + C/D): exact only for exponential sessions
};

struct AudienceSpec {
  ChannelsSpec channels{};
  ConcurrencySpec concurrency{};
  SessionSpec session{};
  RateMethod rate_method = RateMethod::kRenewal;
  double rate_step_s = 5.0;  // grid of the piecewise-constant arrival rate (D)
  // Where the curve falls faster than sessions end (post-event decay, key-moment drop), add a
  // forced-departure hazard so concurrency follows it (renewal method only) (D).
  bool forced_departures = true;
};

// ---------------------------------------------------------------- population
enum class DeviceClass : std::uint8_t { kDesktop, kMobileWifi, kMobileCellular, kTv, kCount };
inline constexpr std::size_t kDeviceClassCount = static_cast<std::size_t>(DeviceClass::kCount);

// Which NAT mix an access technology draws from (§4.2 fixed vs mobile cellular columns).
enum class AccessKind : std::uint8_t { kFixed, kCellular };

// Lognormal capacity, median and sigma of log (§3.2 quotes medians).
struct CapacityLaw {
  double median_mbps = 94.0;
  double sigma = 1.0;
};

// One access technology: §3.2 default bandwidth distributions.
struct AccessTechSpec {
  std::string name = "fixed";
  AccessKind kind = AccessKind::kFixed;
  CapacityLaw down{94.0, 1.0};  // fixed global: 94 Mbps [OK24] (V), sigma (U)
  CapacityLaw up{48.0, 1.1};    // fixed global: 48 Mbps [OK24] (V), sigma (U)
};

struct TechShare {
  std::string tech;
  double share = 1.0;  // within the device class; sums to 1
};

struct DeviceSpec {
  double share = 0.25;  // of the audience; sums to 1 over the four classes (§2.3 profiles)
  // Share that can run a WebRTC peer (browsers/WebViews; CTV apps vendor dependent, §2.3 U).
  double can_webrtc_share = 1.0;
  // Share of WebRTC-capable viewers that upload (Teltoo: none on cellular, §2.3/§3.3 [TEL] V).
  double uploads_share = 1.0;
  std::vector<TechShare> access{};  // technology mix; sums to 1
};

// Shares indexed by NatType (§4.2, D calibrated).
using NatMix = std::array<double, kNatTypeCount>;
inline constexpr NatMix kFixedNatMix = {0.10, 0.12, 0.20, 0.45, 0.10, 0.03};
inline constexpr NatMix kCellularNatMix = {0.00, 0.05, 0.10, 0.50, 0.30, 0.05};

// Who watches: devices, access technologies, NAT. Regions and ISPs (with their viewer
// shares) are in Scenario::topology.
struct PopulationSpec {
  // desktop, mobile_wifi, mobile_cellular, tv; defaults = §2.3 `us_olympics` profile (D).
  std::array<DeviceSpec, kDeviceClassCount> devices = {{
      {0.15, 1.0, 1.0, {{"fixed", 1.0}}},
      {0.20, 1.0, 1.0, {{"fixed", 1.0}}},
      {0.15, 1.0, 0.0, {{"cellular", 1.0}}},
      {0.50, 0.0, 0.0, {{"fixed", 1.0}}},
  }};
  // §3.2: fixed global 94/48 Mbps, mobile global 60/12 Mbps (medians V, sigmas U).
  std::vector<AccessTechSpec> access = {
      {"fixed", AccessKind::kFixed, {94.0, 1.0}, {48.0, 1.1}},
      {"cellular", AccessKind::kCellular, {60.0, 1.1}, {12.0, 1.0}},
  };
  // Speed tests overstate sustained throughput: derate 0.8, §3.2 (U).
  double capacity_derate = 0.8;
  // Floor on a sampled capacity so no viewer has a zero-rate link (D).
  double min_capacity_mbps = 0.1;
  NatMix nat_fixed = kFixedNatMix;        // §4.2 fixed column (D)
  NatMix nat_cellular = kCellularNatMix;  // §4.2 mobile (cellular) column (D)
};

// ---------------------------------------------------------------- turn
struct TurnSpec {
  bool enabled = false;                // §4.3 `turn.enabled` false for P2P CDN links (D)
  double capacity_gbps = 10.0;         // relay egress per region (U)
  std::vector<std::string> regions{};  // regions with a relay; empty = all
};

// ---------------------------------------------------------------- p2p
// The CDN-only baseline's policy name (the scheduler registry's first).
inline constexpr std::string_view kCdnOnlyPolicy = "cdn-only";

struct P2pSpec {
  bool enabled = true;  // false = the CDN-only baseline
  // A name of the scheduler's registry (sched::policy_names(), checked by the loader); the
  // default is the library's own (AgentConfig::policy).
  std::string policy = std::string(sched::AgentConfig{}.policy);
  int neighbours = 32;                  // tracker neighbours K (scheduler peers_max = 32)
  double upload_share_of_uplink = 0.5;  // §3.3 `peer.upload_share_of_uplink` (U)
  // Scheduler knob overrides (AgentConfig field name -> value), applied by the host.
  std::map<std::string, double> scheduler_knobs{};
};

// ---------------------------------------------------------------- network model
// How transfers share capacity (flow level, max-min fair).
enum class NetworkModel : std::uint8_t {
  // A transfer shares its sender side (PoP egress, TURN relay, the uploader's uplink) max-min
  // fairly; the receiver's downlink caps it at downlink / (the receiver's transfers in progress
  // when it starts). Exact whenever downlinks are not the bottleneck (the usual case: 20-250
  // Mbit/s downlinks against 0.1-8 Mbit/s segments); O(log n) per transfer at a busy PoP (D).
  kSenderShared,
  // The downlink is a shared resource too: exact max-min over every resource. Couples PoP flows
  // to the P2P mesh through downlinks, so large P2P runs get slow; use it to validate (D).
  kExact,
};

struct NetworkSpec {
  NetworkModel model = NetworkModel::kSenderShared;
};

// ---------------------------------------------------------------- metrics
struct MetricsSpec {
  double interval_s = 10.0;  // time-series sample interval (D)
};
// The run allocates one time-series record per interval up front (~100 B with the per-PoP
// counters): 10^6 samples is 11 days at 1 s, and bounds that memory.
inline constexpr double kMinMetricsIntervalS = 1e-6;  // the simulation's time step
inline constexpr std::size_t kMaxMetricsSamples = 1'000'000;
// Renditions are 8-bit indices in the player, the agent's segment keys and the metrics.
inline constexpr std::size_t kMaxRenditions = 255;

struct Scenario {
  std::string name = "unnamed";
  std::string description{};
  RunSpec run{};
  AudienceSpec audience{};
  PopulationSpec population{};
  TopologyParams topology{};  // regions, ISPs (with viewer shares), interconnects
  CdnParams cdn{};
  NatParams nat{};  // hole punching, ICE set-up; turn_enabled mirrors turn.enabled
  TurnSpec turn{};
  StreamParams stream{};
  PlayerParams player{};
  AbrParams abr{};
  P2pSpec p2p{};
  NetworkSpec network{};
  MetricsSpec metrics{};
};

// Names used in YAML for the enums above (also used in error messages and reports).
const char* to_string(DeviceClass d);
const char* to_string(AccessKind k);
const char* to_string(SessionLawKind k);

}  // namespace p2pcdn::models
