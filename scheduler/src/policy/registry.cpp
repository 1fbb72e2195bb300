// Policy registry: name -> factory. Adding a policy = its own file defining
// make_<id>(const AgentConfig&, void* storage) plus ONE line in P2PCDN_POLICIES below; the
// scenario loader, the C API and the simulator take their names from policy_names().
#include <array>
#include <string_view>

#include "p2pcdn/scheduler/policies.hpp"
#include "policy/policy.hpp"

#define P2PCDN_POLICIES(X)                \
  X(cdn_only, "cdn-only")                 \
  X(windowed, "windowed")                 \
  X(buffer_threshold, "buffer-threshold") \
  X(deadline_aware, "deadline-aware")     \
  X(reference, "reference")

namespace p2pcdn::sched {

namespace {
#define P2PCDN_NAME(id, str) std::string_view(str),
constexpr std::array kPolicyNames = {P2PCDN_POLICIES(P2PCDN_NAME)};
#undef P2PCDN_NAME
}  // namespace

std::span<const std::string_view> policy_names() { return kPolicyNames; }

std::string_view find_policy_name(std::string_view name) {
  for (const std::string_view known : kPolicyNames)
    if (known == name) return known;
  return {};
}

}  // namespace p2pcdn::sched

namespace p2pcdn::sched::policy {

#define P2PCDN_DECLARE(id, name) Policy* make_##id(const AgentConfig& config, void* storage);
P2PCDN_POLICIES(P2PCDN_DECLARE)
#undef P2PCDN_DECLARE

Policy* make_policy_at(std::string_view name, const AgentConfig& config, void* storage) {
#define P2PCDN_MATCH(id, str) \
  if (name == (str)) return make_##id(config, storage);
  P2PCDN_POLICIES(P2PCDN_MATCH)
#undef P2PCDN_MATCH
  return nullptr;
}

}  // namespace p2pcdn::sched::policy
