#include "sim/cli/args.hpp"

#include <charconv>
#include <set>

namespace p2pcdn::cli {
namespace {

const std::set<std::string> kVerbs = {"run", "validate", "sweep", "compare", "check", "bound"};

bool parse_u64(const std::string& text, std::uint64_t& out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && !text.empty();
}

}  // namespace

ParseResult parse_args(int argc, const char* const* argv) {
  ParseResult result;
  Args& args = result.args;
  int i = 1;
  if (i < argc) {
    const std::string first = argv[i];
    if (first == "--help" || first == "-h" || first == "help") {
      args.help = true;
      if (i + 1 < argc) args.verb = argv[i + 1];
      return result;
    }
    if (first == "--version" || first == "-V" || first == "version") {
      args.version = true;
      return result;
    }
    if (!kVerbs.count(first)) {
      result.error = "unknown verb '" + first +
                     "' (expected one of: run, validate, sweep, compare, check, bound)";
      return result;
    }
    args.verb = first;
    ++i;
  } else {
    args.help = true;
    return result;
  }
  auto need_value = [&](const std::string& flag) -> std::optional<std::string> {
    if (i + 1 >= argc) {
      result.error = flag + " needs a value";
      return std::nullopt;
    }
    return std::string(argv[++i]);
  };
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0) {
      if (auto eq = arg.find('='); eq != std::string::npos && arg != "--set" && arg != "--vary") {
        // --out=DIR style; --set/--vary values themselves contain '='.
        const std::string flag = arg.substr(0, eq);
        if (flag != "--set" && flag != "--vary" && flag != "--tolerance" && flag != "--target") {
          inline_value = arg.substr(eq + 1);
          arg = flag;
        }
      }
    }
    auto value = [&](const std::string& flag) -> std::optional<std::string> {
      if (inline_value) return inline_value;
      return need_value(flag);
    };
    if (arg == "--help" || arg == "-h") {
      args.help = true;
    } else if (arg == "--quiet" || arg == "-q") {
      args.quiet = true;
    } else if (arg == "--baseline") {
      args.baseline = true;
    } else if (arg == "--keep-replications") {
      args.keep_replications = true;
    } else if (arg == "--allow-different-scenarios") {
      args.allow_different_scenarios = true;
    } else if (arg == "--junit") {
      auto v = value(arg);
      if (!v) return result;
      args.junit = *v;
    } else if (arg == "--json") {
      auto v = value(arg);
      if (!v) return result;
      args.json_report = *v;
    } else if (arg == "--no-memory-check") {
      args.memory_check = false;
    } else if (arg == "--out" || arg == "-o") {
      auto v = value(arg);
      if (!v) return result;
      args.out = *v;
    } else if (arg == "--seed") {
      auto v = value(arg);
      if (!v) return result;
      std::uint64_t seed = 0;
      if (!parse_u64(*v, seed)) {
        result.error = "--seed: expected a non-negative integer, got '" + *v + "'";
        return result;
      }
      args.seed = seed;
    } else if (arg == "--trace-viewer") {
      auto v = value(arg);
      if (!v) return result;
      std::uint64_t id = 0;
      if (!parse_u64(*v, id)) {
        result.error = "--trace-viewer: expected a viewer id, got '" + *v + "'";
        return result;
      }
      args.trace_viewer = id;
    } else if (arg == "--set") {
      auto v = value(arg);
      if (!v) return result;
      if (v->find('=') == std::string::npos) {
        result.error = "--set: expected key.path=value, got '" + *v + "'";
        return result;
      }
      args.sets.push_back(*v);
    } else if (arg == "--vary") {
      auto v = value(arg);
      if (!v) return result;
      if (v->find('=') == std::string::npos) {
        result.error = "--vary: expected key.path=v1,v2,..., got '" + *v + "'";
        return result;
      }
      args.varies.push_back(*v);
    } else if (arg == "--tolerance") {
      auto v = value(arg);
      if (!v) return result;
      args.tolerances.push_back(*v);
    } else if (arg == "--replications" || arg == "-r") {
      auto v = value(arg);
      if (!v) return result;
      std::uint64_t n = 0;
      if (*v != "auto" && (!parse_u64(*v, n) || n < 1 || n > 10000)) {
        result.error = "--replications: expected a count in 1..10000 or 'auto', got '" + *v + "'";
        return result;
      }
      args.replications = *v;
    } else if (arg == "--max-replications") {
      auto v = value(arg);
      if (!v) return result;
      std::uint64_t n = 0;
      if (!parse_u64(*v, n) || n < 2 || n > 10000) {
        result.error = "--max-replications: expected a count in 2..10000, got '" + *v + "'";
        return result;
      }
      args.max_replications = static_cast<int>(n);
    } else if (arg == "--target") {
      auto v = value(arg);
      if (!v) return result;
      args.target_metric = *v;
    } else if (arg == "--policy-a") {
      auto v = value(arg);
      if (!v) return result;
      args.policy_a = *v;
    } else if (arg == "--policy-b") {
      auto v = value(arg);
      if (!v) return result;
      args.policy_b = *v;
    } else if (arg == "--threads" || arg == "-j") {
      auto v = value(arg);
      if (!v) return result;
      std::uint64_t n = 0;
      if (!parse_u64(*v, n) || n > 256) {
        result.error = "--threads: expected a count in 0..256, got '" + *v + "'";
        return result;
      }
      args.threads = static_cast<int>(n);
    } else if (arg.rfind("-", 0) == 0 && arg.size() > 1) {
      result.error = "unknown option '" + arg + "' for '" + args.verb + "' (see p2pcdn-sim " +
                     args.verb + " --help)";
      return result;
    } else {
      args.positional.push_back(arg);
    }
  }
  return result;
}

std::string help_text(const std::string& verb) {
  if (verb == "run") {
    return R"(usage: p2pcdn-sim run SCENARIO.yaml [--out DIR] [--seed N] [--set key.path=value ...]
                       [--replications R|auto] [--target metric=half_width] [--max-replications N]
                       [--threads N] [--keep-replications] [--baseline] [--quiet]
                       [--no-memory-check]

Runs one scenario and writes DIR/summary.json, DIR/timeseries.csv, DIR/timeseries_pops.csv (the
per-PoP columns in long format, one row per interval and PoP) and DIR/report.html (default DIR:
out/<scenario name>). Files are written whole or not at all. Both include the
theoretical offload bounds (fluid and max-flow) and the cost (CDN per GB, 95th percentile of the
5-minute CDN egress, TURN, saving against the CDN-only baseline).

Before the first event DIR is checked (creatable, a directory, writable, room for the outputs'
estimated size): otherwise the run stops at once, naming the path and the reason. If DIR fails
during the run (disk full, removed, permissions changed), its previous files stay as they were
and the outputs go to ./p2pcdn-sim-rescue-<UTC time>-<pid>/ (else the temp directory): stderr
says where, exit status 4.

  --seed N             run seed (default: the scenario's run.seed); same binary + scenario + seed
                       give the same results bit for bit
  --set key=value      override a scenario field, e.g. --set audience.channels[0].peak_viewers=2e6
  --replications R     R independent seeds (seed, seed+1, ...): every metric with mean, stddev and
                       a Student-t 95 % confidence interval (DIR/replications.json and .csv)
  --replications auto  add replications until the CI half-width of --target metric=H is under H
                       (default target: offload=0.005), at most --max-replications (default 30)
  --threads N          replications, or the partitions of one run (run.partition: region), run in
                       parallel on N threads (default: all cores); results do not depend on N.
                       With replications, DIR/summary.json etc. are those of the first
                       replication (seed N)
  --keep-replications  with --replications: also DIR/replications_timeseries.csv, every
                       replication's time series in one table (timeseries.csv's columns, led by
                       scenario, seed and policy)
  --baseline           also run the CDN-only baseline (same scenario and seed, p2p.enabled=false)
                       for the cost saving; without it the saving is against the counterfactual
                       "all delivered bytes from the CDN" (labelled so). It runs on a second
                       core alongside the main run unless --threads 1 (same results; the peak
                       memory reported then counts both)
  --quiet              no progress output
  --trace-viewer ID    print every scheduler action and player change of viewer ID to stderr
  --no-memory-check    run even when the memory estimate (peak viewers x ~2.5 KB, more for a
                       crowd joining at t = 0; bench/scale/README.md) exceeds the memory this
                       machine has available; by default such a run stops at once with an error

Ctrl-C stops cleanly: what was measured so far is written, marked "partial": true. So does a
machine running out of memory mid-run (less than max(160 MiB, 0.5 % of its memory) left, swap
and the cgroup limit counted): the run stops before the kernel kills it, and summary.json's
run.stopped_by says why (a replication stopped so is an error instead: its statistics would be
wrong).
)";
  }
  if (verb == "validate") {
    return R"(usage: p2pcdn-sim validate SCENARIO.yaml [--set key.path=value ...]

Checks a scenario (and the files it extends) and prints every error as FILE:LINE:COL: KEY: message.
Exit status 0 when valid, 1 when not. A valid scenario also gets its memory estimate (what one
run of it needs at its peak audience; see run --help) and the memory available here.
)";
  }
  if (verb == "sweep") {
    return R"(usage: p2pcdn-sim sweep SCENARIO.yaml --vary key.path=v1,v2,... [--vary ...] [--replications R]
                         [--out DIR] [--seed N] [--set ...] [--threads N]

Runs the grid of scenarios (every combination of the --vary values), each with R replications
(default 3), and writes DIR/sweep.csv (tidy: one row per point and metric, with mean, stddev and
95 % CI) and DIR/sweep.html (the curves with their confidence bands, against the first --vary
key; one line per value of the second). When audience.concurrency.peak_viewers is varied over
>= 3 sizes, also fits CDN peak vs audience (log-log) and extrapolates to 10x the largest size
with a 95 % prediction interval. Default DIR: out/<scenario name>-sweep, checked before anything
runs and rescued if it fails at the end, as `run --help` says.
Before anything runs, every point's memory is estimated (as `run --help` says, times the
replications run at once); a grid with a point that does not fit stops at once with an error
(--no-memory-check runs it anyway).
)";
  }
  if (verb == "compare") {
    return R"(usage: p2pcdn-sim compare A B [--replications R] [--out DIR] [--seed N] [--set ...]
       p2pcdn-sim compare SCENARIO.yaml --policy-a NAME --policy-b NAME [...]

Runs A and B on the same viewers (common random numbers: replication i of both uses seed+i) and
reports paired differences B - A with 95 % confidence intervals (DIR/compare.json, compare.html).
A and B are scenario files, or one scenario with two scheduler policies (--set p2p.policy=NAME).
R replications each (default 5). Default DIR: out/<scenario name>-compare (checked before
anything runs, rescued if it fails at the end: see `run --help`). A and B must each
fit in memory as many times as replications run at once (--no-memory-check skips that check).
)";
  }
  if (verb == "check") {
    return R"(usage: p2pcdn-sim check BASELINE.json CURRENT.json [--tolerance metric=value ...]
                         [--junit FILE] [--json FILE] [--allow-different-scenarios]

The CI regression gate. Compares two summary.json files (or the means of two replications.json)
and prints what moved. Exit status 1 when offload drops, rebuffering or the CDN peak rises, or the
event count changes beyond tolerance; a gated metric missing from CURRENT counts as a regression.
Default tolerances: offload 0.01 absolute, rebuffering/stalls 5 % relative, CDN peak/p95 5 %,
events 1 %; --tolerance metric=value overrides one (a '%' suffix divides by 100).

  --junit FILE         also write the verdict as JUnit XML (one test case per metric, a failure
                       per regressed or missing gated metric) for CI systems; written whole or not
  --json FILE          also write the verdict as JSON (schema p2pcdn-sim/check/1: every metric's
                       values, delta, direction, tolerance and verdict)
  --allow-different-scenarios
                       compare files of different scenarios (scenario.name); by default check
                       refuses them (exit 1): a baseline of another scenario is no baseline
)";
  }
  if (verb == "bound") {
    return R"(usage: p2pcdn-sim bound SCENARIO.yaml [--seed N] [--set ...]

Simulates the scenario once (the bounds need the run's per-interval swarms: viewers per
rendition, NAT class and usable upload) and prints the theoretical offload bounds (fluid and
max-flow over the NAT connectivity graph) beside the achieved offload, with the efficiency
achieved / bound.
)";
  }
  return R"(p2pcdn-sim: a discrete-event simulator of hybrid CDN/P2P live video delivery.

usage: p2pcdn-sim <verb> [options]

verbs:
  run SCENARIO       simulate a scenario; writes summary.json, timeseries.csv, report.html
  validate SCENARIO  check a scenario file and report every error with file:line:column
  sweep SCENARIO     run a grid of scenario variants with replications (--vary key=v1,v2)
  compare A B        paired comparison of two policies or scenarios on the same viewers
  check BASE CUR     regression gate over two summary.json files (exit 1 on regression)
  bound SCENARIO     theoretical offload bounds of a scenario

'p2pcdn-sim <verb> --help' tells more about each verb; 'p2pcdn-sim --version' prints the
simulator's and the scheduler library's versions (also in every summary.json).
)";
}

}  // namespace p2pcdn::cli
