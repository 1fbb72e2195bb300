// The decision policies this build of the library holds (src/policy/policy_list.hpp is the one
// list): hosts and scenario loaders validate and list names from here, never from a copy.
#pragma once
#include <span>
#include <string_view>

namespace p2pcdn::sched {

// Every policy name, in registry order ("cdn-only", the baseline, first).
std::span<const std::string_view> policy_names();

// The registry's own spelling of `name` (static storage: safe to keep in an AgentConfig after
// `name`'s buffer is gone), or an empty view if the library has no such policy.
std::string_view find_policy_name(std::string_view name);

}  // namespace p2pcdn::sched
