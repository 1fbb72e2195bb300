// `sweep`: the grid of variants with replications; sweep.csv and sweep.html.
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/io/atomic_file.hpp"
#include "analysis/report/study_report.hpp"
#include "sim/cli/memory_guard.hpp"
#include "sim/cli/output_guard.hpp"
#include "sim/cli/scenario_input.hpp"
#include "sim/cli/verb_common.hpp"
#include "sim/cli/verbs.hpp"
#include "sim/study/output_estimate.hpp"
#include "sim/study/sweep.hpp"

namespace p2pcdn::cli {

int verb_sweep(const Args& args, const std::atomic<bool>& stop) {
  if (args.positional.size() != 1) throw std::invalid_argument("sweep needs one SCENARIO file");
  if (args.varies.empty()) throw std::invalid_argument("sweep needs at least one --vary key=v1,v2");
  if (args.replications && *args.replications == "auto")
    throw std::invalid_argument("sweep: --replications auto is not supported; give a count");
  const LoadedScenario base = load_or_explain(args.positional[0], args.sets);
  study::SweepOptions options;
  options.scenario_path = args.positional[0];
  options.base_sets = args.sets;
  for (const auto& v : args.varies) options.axes.push_back(study::parse_vary(v));
  options.replication.scenario_path = args.positional[0];
  options.replication.base_seed = args.seed.value_or(base.scenario.run.seed);
  options.replication.replications = args.replications ? std::stoul(*args.replications) : 3;
  options.replication.threads = static_cast<unsigned>(args.threads);
  options.replication.stop = &stop;
  if (!args.quiet) {
    options.on_point = [](std::size_t done, std::size_t total) {
      std::fprintf(stderr, "sweep point %zu/%zu done\n", done, total);
    };
  }
  const std::filesystem::path out =
      args.out ? std::filesystem::path(*args.out)
               : std::filesystem::path("out") / (base.scenario.name + "-sweep");
  const std::vector<study::GridPoint> grid = study::expand_grid(options.axes);
  // Every point is checked before the first runs: a grid whose largest audience does not fit
  // fails now, not after hours of its smaller points.
  for (const study::GridPoint& point : grid) {
    std::vector<std::string> sets = args.sets;
    sets.insert(sets.end(), point.sets.begin(), point.sets.end());
    std::string where = args.positional[0] + " (sweep point";
    for (const auto& set : point.sets) where += " " + set;
    check_memory(where + ")", load_or_explain(args.positional[0], sets).scenario,
                 runs_at_once(args.threads, options.replication.replications), args.memory_check,
                 true);
  }
  // Last of the checks: it creates the directory, which a refused sweep should not leave.
  const auto out_lock = check_output_dir(out, sim::estimate_sweep_output_bytes(grid.size()));
  const study::SweepResult result = study::run_sweep(options);

  std::printf("%s sweep: %zu points x %zu replications (seeds %llu..)\n",
              base.scenario.name.c_str(), result.report.points.size(),
              options.replication.replications,
              static_cast<unsigned long long>(options.replication.base_seed));
  for (const auto& p : result.report.points) {
    std::string label;
    for (std::size_t k = 0; k < p.values.size(); ++k)
      label += (k ? ", " : "") + result.report.keys[k] + "=" + p.values[k];
    std::printf("  %s\n", label.c_str());
    for (const auto& m : p.metrics) {
      for (const auto& shown : analysis::sweep_plot_metrics()) {
        if (m.name != shown) continue;
        std::printf("    %-26s %s  [%g, %g]\n", m.name.c_str(),
                    analysis::format_estimate(m.ci).c_str(), m.ci.low, m.ci.high);
      }
    }
  }
  for (const auto& note : result.report.notes) std::printf("  %s\n", note.c_str());
  // After the figures: were no place to take the files, the figures are still on screen.
  std::fflush(stdout);
  const analysis::io::Delivery delivery =
      deliver(out, {{"sweep.csv", "sweep.html"}, [&](const std::filesystem::path& dir) {
                      analysis::io::write_file_atomic(dir / "sweep.csv", study::sweep_csv(result));
                      analysis::io::write_file_atomic(dir / "sweep.html",
                                                      analysis::sweep_html(result.report));
                    }});
  std::printf("  outputs: %s/{sweep.csv, sweep.html}\n", delivery.dir.string().c_str());
  return exit_status(stop.load() ? 130 : 0, delivery);
}

}  // namespace p2pcdn::cli
