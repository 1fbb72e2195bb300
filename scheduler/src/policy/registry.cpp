// Policy registry: name -> factory, from the one list (policy_list.hpp: adding a policy is its
// own file plus one line there).
#include <string_view>

#include "policy/policy.hpp"
#include "policy/policy_list.hpp"

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
