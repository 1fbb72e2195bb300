// THE list of policies: (identifier, registry name). Adding a policy = its own file defining
// `Policy* make_<id>(const AgentConfig&, void* storage)` plus ONE line here. registry.cpp makes
// the factories from it, policy_names.cpp the names that the scenario loader, the C API and the
// simulator take (p2pcdn/scheduler/policies.hpp).
#pragma once

#define P2PCDN_POLICIES(X)                \
  X(cdn_only, "cdn-only")                 \
  X(windowed, "windowed")                 \
  X(buffer_threshold, "buffer-threshold") \
  X(deadline_aware, "deadline-aware")     \
  X(reference, "reference")
