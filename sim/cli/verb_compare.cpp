// `compare`: A vs B on common random numbers; compare.json, compare.html, the table.
#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "analysis/io/atomic_file.hpp"
#include "sim/cli/memory_guard.hpp"
#include "sim/cli/output_guard.hpp"
#include "sim/cli/scenario_input.hpp"
#include "sim/cli/verb_common.hpp"
#include "sim/cli/verbs.hpp"
#include "sim/study/compare.hpp"
#include "sim/study/output_estimate.hpp"

namespace p2pcdn::cli {

int verb_compare(const Args& args, const std::atomic<bool>& stop) {
  study::CompareSide a, b;
  if (args.policy_a || args.policy_b) {
    if (!args.policy_a || !args.policy_b || args.positional.size() != 1)
      throw std::invalid_argument(
          "compare SCENARIO --policy-a X --policy-b Y needs one scenario and both policies");
    std::vector<std::string> sets_a = args.sets, sets_b = args.sets;
    sets_a.push_back("p2p.policy=" + *args.policy_a);
    sets_b.push_back("p2p.policy=" + *args.policy_b);
    a = {*args.policy_a, args.positional[0], load_or_explain(args.positional[0], sets_a).scenario};
    b = {*args.policy_b, args.positional[0], load_or_explain(args.positional[0], sets_b).scenario};
  } else {
    if (args.positional.size() != 2)
      throw std::invalid_argument("compare needs two scenario files A B (or --policy-a/-b)");
    a = {std::filesystem::path(args.positional[0]).stem().string(), args.positional[0],
         load_or_explain(args.positional[0], args.sets).scenario};
    b = {std::filesystem::path(args.positional[1]).stem().string(), args.positional[1],
         load_or_explain(args.positional[1], args.sets).scenario};
    if (a.label == b.label) {
      a.label = "A:" + a.label;
      b.label = "B:" + b.label;
    }
  }
  if (args.replications && *args.replications == "auto")
    throw std::invalid_argument("compare: --replications auto is not supported; give a count");
  study::ReplicationOptions options;
  options.base_seed = args.seed.value_or(a.scenario.run.seed);
  options.replications = args.replications ? std::stoul(*args.replications) : 5;
  options.threads = static_cast<unsigned>(args.threads);
  options.stop = &stop;
  options.on_done = progress_printer(args.quiet, "replication");
  const std::filesystem::path out =
      args.out ? std::filesystem::path(*args.out)
               : std::filesystem::path("out") / (a.scenario.name + "-compare");
  const unsigned at_once = runs_at_once(args.threads, 2 * options.replications);
  check_memory(a.path, a.scenario, at_once, args.memory_check, args.quiet);
  check_memory(b.path, b.scenario, at_once, args.memory_check, true);
  // Last of the checks: it creates the directory, which a refused compare should not leave.
  const auto out_lock =
      check_output_dir(out, sim::estimate_compare_output_bytes(options.replications));
  const analysis::CompareReportData data = study::run_compare(a, b, options);

  std::printf("compare: A = %s, B = %s, %zu paired replications (seeds %llu..%llu)\n",
              data.label_a.c_str(), data.label_b.c_str(), data.seeds.size(),
              static_cast<unsigned long long>(data.seeds.front()),
              static_cast<unsigned long long>(data.seeds.back()));
  std::fputs(study::compare_table(data).c_str(), stdout);
  // After the figures: were no place to take the files, the figures are still on screen.
  std::fflush(stdout);
  const analysis::io::Delivery delivery = deliver(
      out, {{"compare.json", "compare.html"}, [&](const std::filesystem::path& dir) {
              analysis::io::write_file_atomic(dir / "compare.json",
                                              analysis::io::dump(study::compare_to_json(data)));
              analysis::io::write_file_atomic(dir / "compare.html", analysis::compare_html(data));
            }});
  std::printf("  outputs: %s/{compare.json, compare.html}\n", delivery.dir.string().c_str());
  return exit_status(stop.load() ? 130 : 0, delivery);
}

}  // namespace p2pcdn::cli
