// The CI smoke expectation (issue 5): scenarios/smoke.yaml as shipped, with its own seed, must
// reproduce the key metrics committed in tests/sim/smoke_expected.json within their
// tolerances. The run is deterministic, so any change moves the figures a little; the
// tolerances only let through changes too small to matter and catch behaviour changes.
//
// Updating (after an intended change of behaviour, a model or smoke.yaml): run
//   build/sim/p2pcdn-sim run scenarios/smoke.yaml --out /tmp/smoke
// or this test (a failure prints the measured figures as JSON), check the new figures make
// sense (say why in the commit), and copy them into the "value" fields of smoke_expected.json.
// Keep the tolerances unless their reason changed.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "analysis/io/json.hpp"
#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

analysis::io::Json read_expected() {
  const std::string path = std::string(P2PCDN_SOURCE_DIR) + "/tests/sim/smoke_expected.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  return analysis::io::parse_json(text.str());
}

TEST(Smoke, KeyMetricsMatchCommittedExpectations) {
  const analysis::io::Json expected = read_expected();
  const models::Scenario scenario = testing::load("smoke.yaml", {});
  ASSERT_EQ(scenario.run.seed, static_cast<std::uint64_t>(expected.at("seed").as_int()));
  const testing::Run r = testing::run(scenario);
  ASSERT_TRUE(r.result.violations.empty()) << testing::violations_text(r.result);
  ASSERT_FALSE(r.result.partial);
  const analysis::Summary& s = r.result.summary;

  const std::vector<std::pair<std::string, double>> measured = {
      {"offload", s.offload},
      {"cdn_peak_gbps", s.cdn.peak_gbps},
      {"cdn_p95_gbps", s.cdn.p95_gbps},
      {"rebuffering_ratio_mean", s.rebuffering_ratio.mean},
      {"stalled_share", s.stalled_share},
      {"startup_s_p50", s.startup_s.p50},
      {"avg_bitrate_kbps_mean", s.avg_bitrate_kbps.mean},
      {"viewers", static_cast<double>(s.viewers)},
      {"peak_concurrency", static_cast<double>(s.peak_concurrency)},
      {"connection_success_rate", s.connection_attempts > 0
                                      ? static_cast<double>(s.connection_successes) /
                                            static_cast<double>(s.connection_attempts)
                                      : 0.0},
      {"events", static_cast<double>(r.result.host.events)},
  };
  std::string as_json = "measured: {";
  for (const auto& [name, value] : measured) {
    as_json += "\"" + name + "\": " + analysis::io::format_double(value) + ", ";
  }
  as_json += "}";

  const analysis::io::Json& metrics = expected.at("metrics");
  std::size_t checked = 0;
  for (const auto& [name, value] : measured) {
    const analysis::io::Json* e = metrics.find(name);
    ASSERT_NE(e, nullptr) << "smoke_expected.json has no metric " << name;
    const double want = e->at("value").as_double();
    double tolerance = 0;
    if (const auto* abs = e->find("abs_tol")) tolerance += abs->as_double();
    if (const auto* rel = e->find("rel_tol")) tolerance += rel->as_double() * std::abs(want);
    EXPECT_NEAR(value, want, tolerance) << name << "\n" << as_json;
    ++checked;
  }
  EXPECT_EQ(checked, metrics.as_object().size()) << "metrics in the file that are not checked";
}

}  // namespace
}  // namespace p2pcdn::sim
