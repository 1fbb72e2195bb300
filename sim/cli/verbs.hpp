// The verbs of p2pcdn-sim (run, validate, sweep, compare, check, bound).
// Each returns the process exit status; user errors throw with a clear message.
#pragma once
#include <atomic>

#include "sim/cli/args.hpp"

namespace p2pcdn::cli {

int run_verb(const Args& args, const std::atomic<bool>& stop);

int verb_run(const Args& args, const std::atomic<bool>& stop);
int verb_validate(const Args& args);
int verb_sweep(const Args& args, const std::atomic<bool>& stop);
int verb_compare(const Args& args, const std::atomic<bool>& stop);
int verb_check(const Args& args);
int verb_bound(const Args& args, const std::atomic<bool>& stop);

}  // namespace p2pcdn::cli
