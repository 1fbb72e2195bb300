// Section-by-section decoding of a merged scenario tree into a Scenario (types and ranges of
// single fields), and the cross-field checks (shares, names, references) run after it.
// Must never stop at the first error: every problem is pushed to the Ctx.
#pragma once
#include "models/scenario/reader.hpp"
#include "models/scenario/scenario.hpp"
#include "models/scenario/yaml_tree.hpp"

namespace p2pcdn::models::detail {

void decode_scenario(Ctx& ctx, const yaml::Node& root, Scenario& out);

// Shares sum to 1, names unique, references defined, orderings; fills derived fields
// (Zipf channel list, nat.turn_enabled).
void check_scenario(Ctx& ctx, Scenario& s);

inline constexpr double kShareTolerance = 1e-6;

}  // namespace p2pcdn::models::detail
