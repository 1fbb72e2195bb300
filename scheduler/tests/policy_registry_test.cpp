// The policy registry is the one list of policy names (issue 24, item 5): every name it lists
// makes an agent, its spelling is the registry's own (static storage), and nothing else does.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>

#include "p2pcdn/scheduler/agent.hpp"
#include "p2pcdn/scheduler/policies.hpp"

namespace p2pcdn::sched {
namespace {

TEST(PolicyRegistry, EveryListedNameMakesAnAgent) {
  const auto names = policy_names();
  ASSERT_GE(names.size(), 5u);
  EXPECT_EQ(names[0], "cdn-only");  // the baseline first
  std::set<std::string_view> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
  for (const std::string_view name : names) {
    AgentConfig config;
    config.policy = name;
    EXPECT_TRUE(Agent::create(config, 1, 0).ok()) << name;
    // A copy of the name (a scenario's buffer) finds the registry's own storage.
    const std::string copy(name);
    EXPECT_EQ(find_policy_name(copy).data(), name.data()) << name;
  }
  EXPECT_EQ(unique.count(AgentConfig{}.policy), 1u) << "the default is a registered policy";
}

// What the loader tells the player's ABR: deadline-aware keeps peer transfers out of it (their
// time measures the sender and the swarm's pacing); the policies reproducing a vendor do not.
TEST(PolicyRegistry, OnlyDeadlineAwareKeepsPeerTransfersFromTheAbr) {
  for (const std::string_view name : policy_names()) {
    AgentConfig config;
    config.policy = name;
    auto agent = Agent::create(config, 1, 0);
    ASSERT_TRUE(agent.ok()) << name;
    EXPECT_EQ(agent.value().abr_learns_from_peers(), name != "deadline-aware") << name;
  }
}

TEST(PolicyRegistry, UnknownNamesAreNotFoundAndMakeNoAgent) {
  for (const std::string_view bad : {"", "Windowed", "windowed ", "deadline_aware", "nope"}) {
    EXPECT_TRUE(find_policy_name(bad).empty()) << bad;
    AgentConfig config;
    config.policy = bad;
    EXPECT_FALSE(Agent::create(config, 1, 0).ok()) << bad;
  }
}

}  // namespace
}  // namespace p2pcdn::sched
