// Every shipped scenario validates, and the shipped ones say what their names promise.
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "models/audience/audience_model.hpp"
#include "models/scenario/loader.hpp"

namespace p2pcdn::models {
namespace {

namespace fs = std::filesystem;

fs::path scenarios_dir() { return fs::path(P2PCDN_SOURCE_DIR) / "scenarios"; }

std::optional<Scenario> load_ok(const std::string& name) {
  auto r = load_scenario(scenarios_dir() / name);
  for (const auto& e : r.errors) ADD_FAILURE() << format_error(e);
  return std::move(r.scenario);
}

TEST(ScenarioFiles, EveryShippedScenarioValidates) {
  std::set<std::string> seen;
  for (const auto& entry : fs::directory_iterator(scenarios_dir())) {
    if (entry.path().extension() != ".yaml") continue;
    seen.insert(entry.path().filename().string());
    const auto errors = validate_scenario_file(entry.path());
    for (const auto& e : errors) ADD_FAILURE() << format_error(e);
    // The audience model builds and reaches the configured peak.
    const auto r = load_scenario(entry.path());
    ASSERT_TRUE(r.scenario.has_value()) << entry.path();
    const AudienceModel audience(*r.scenario);
    const auto& c = r.scenario->audience.concurrency;
    if (c.points.empty()) {
      EXPECT_NEAR(audience.curve().peak_viewers(), c.peak_viewers, 1e-6 * c.peak_viewers);
    }
  }
  for (const char* required : {"smoke.yaml", "default.yaml", "olympics-opening.yaml",
                               "cricket-final.yaml", "flash-crowd.yaml", "cdn-only.yaml"}) {
    EXPECT_EQ(seen.count(required), 1u) << required;
  }
}

TEST(ScenarioFiles, ShippedScenariosMatchTheirDescriptions) {
  const auto smoke_file = load_ok("smoke.yaml");
  ASSERT_TRUE(smoke_file.has_value());
  const Scenario& smoke = *smoke_file;
  EXPECT_DOUBLE_EQ(smoke.audience.concurrency.peak_viewers, 1000.0);
  EXPECT_LE(smoke.run.duration_s, 300.0);

  const auto def_file = load_ok("default.yaml");
  ASSERT_TRUE(def_file.has_value());
  const Scenario& def = *def_file;
  EXPECT_DOUBLE_EQ(def.audience.concurrency.peak_viewers, 50000.0);
  EXPECT_DOUBLE_EQ(def.run.duration_s, 1800.0);
  EXPECT_GE(def.stream.renditions.size(), 3u);
  EXPECT_LE(def.stream.renditions.size(), 4u);
  EXPECT_TRUE(def.p2p.enabled);

  const auto base_file = load_ok("cdn-only.yaml");
  ASSERT_TRUE(base_file.has_value());
  const Scenario& base = *base_file;
  EXPECT_FALSE(base.p2p.enabled);
  EXPECT_EQ(base.p2p.policy, "cdn-only");
  // Same audience as default.yaml: same curve, seed and population.
  EXPECT_EQ(base.run.seed, def.run.seed);
  EXPECT_DOUBLE_EQ(base.audience.concurrency.peak_viewers, def.audience.concurrency.peak_viewers);
  EXPECT_EQ(base.topology.isps.size(), def.topology.isps.size());
  EXPECT_EQ(base.cdn.pops.size(), def.cdn.pops.size());

  const auto olympics_file = load_ok("olympics-opening.yaml");
  ASSERT_TRUE(olympics_file.has_value());
  const Scenario& olympics = *olympics_file;
  EXPECT_DOUBLE_EQ(olympics.audience.concurrency.peak_viewers, 2.5e6);
  EXPECT_DOUBLE_EQ(olympics.run.duration_s, 3 * 3600.0);
  EXPECT_GE(olympics.cdn.pops.size(), 4u);
  EXPECT_GE(olympics.stream.renditions.size(), 5u);

  const auto cricket_file = load_ok("cricket-final.yaml");
  ASSERT_TRUE(cricket_file.has_value());
  const Scenario& cricket = *cricket_file;
  EXPECT_DOUBLE_EQ(cricket.audience.concurrency.peak_viewers, 25e6);
  const auto& d = cricket.population.devices;
  EXPECT_GE(d[static_cast<std::size_t>(DeviceClass::kMobileCellular)].share +
                d[static_cast<std::size_t>(DeviceClass::kMobileWifi)].share,
            0.6);

  const auto flash_file = load_ok("flash-crowd.yaml");
  ASSERT_TRUE(flash_file.has_value());
  const Scenario& flash = *flash_file;
  EXPECT_FALSE(flash.audience.concurrency.points.empty());
  EXPECT_TRUE(flash.audience.concurrency.spikes.empty());
  EXPECT_EQ(flash.cdn.outages.size(), 1u);
}

TEST(ScenarioFiles, OverridesOnAShippedScenario) {
  const std::vector<std::string> sets = {"cdn.pops[0].egress_gbps=400", "p2p.policy=deadline-aware",
                                         "p2p.scheduler_knobs={seed_wait_us: 2000000}"};
  const auto r = load_scenario(scenarios_dir() / "default.yaml", sets);
  ASSERT_TRUE(r.scenario.has_value()) << format_error(r.errors.front());
  EXPECT_DOUBLE_EQ(r.scenario->cdn.pops[0].egress_gbps, 400.0);
  EXPECT_EQ(r.scenario->p2p.policy, "deadline-aware");
  EXPECT_DOUBLE_EQ(r.scenario->p2p.scheduler_knobs.at("seed_wait_us"), 2e6);
}

}  // namespace
}  // namespace p2pcdn::models
