// The policies' names, from the one list (policy_list.hpp). Alone in its file, with no
// dependency on the policies themselves, so a loader can validate names without linking them.
#include <array>
#include <string_view>

#include "p2pcdn/scheduler/policies.hpp"
#include "policy/policy_list.hpp"

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
