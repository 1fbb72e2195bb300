// Loader: one test per kind of error (file, line, column and key path checked), all errors
// at once, extends chains and cycles, --set overrides.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "models/scenario/loader.hpp"
#include "p2pcdn/scheduler/policies.hpp"

namespace p2pcdn::models {
namespace {

namespace fs = std::filesystem;

// A scratch directory with files written by the test.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() /
           (std::string("p2pcdn_scen_") + info->test_suite_name() + "_" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~TempDir() { fs::remove_all(dir_); }
  fs::path write(const std::string& name, const std::string& text) const {
    const fs::path p = dir_ / name;
    std::ofstream(p) << text;
    return p;
  }
  [[nodiscard]] const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

LoadResult load_text(const std::string& text, std::vector<std::string> overrides = {}) {
  return load_scenario_text(text, "scenarios/x.yaml", overrides);
}

// Finds the error for `key_path`, failing the test if there is none.
const ScenarioError* find_error(const LoadResult& r, const std::string& key_path) {
  for (const auto& e : r.errors) {
    if (e.key_path == key_path) return &e;
  }
  std::string all;
  for (const auto& e : r.errors) all += format_error(e) + "\n";
  ADD_FAILURE() << "no error for " << key_path << "; errors:\n" << all;
  return nullptr;
}

TEST(ScenarioLoader, MinimalFileLoadsWithDefaults) {
  const auto r = load_text("name: tiny\n");
  ASSERT_TRUE(r.errors.empty()) << format_error(r.errors.front());
  ASSERT_TRUE(r.scenario.has_value());
  EXPECT_EQ(r.scenario->name, "tiny");
  EXPECT_DOUBLE_EQ(r.scenario->population.capacity_derate, 0.8);
  EXPECT_EQ(r.scenario->stream.renditions.size(), 9u);  // Apple ladder
}

TEST(ScenarioLoader, KeysNotModelledAreNotedWithTheirPositionNeverSilently) {
  const auto r = load_text(
      "name: x\n"
      "cdn:\n"
      "  origin: {region: region-1, egress_gbps: 10}\n"
      "nat:\n"
      "  hole_punch_success: 0.8\n"
      "  mapping_timeout_s: 20\n");
  ASSERT_TRUE(r.errors.empty()) << format_error(r.errors.front());
  ASSERT_TRUE(r.scenario.has_value());
  ASSERT_EQ(r.notices.size(), 2u);
  EXPECT_EQ(r.notices[0].key_path, "cdn.origin");
  EXPECT_EQ(r.notices[0].line, 3);
  EXPECT_EQ(r.notices[1].key_path, "nat.mapping_timeout_s");
  EXPECT_EQ(format_error(r.notices[1]),
            "scenarios/x.yaml:6:22: nat.mapping_timeout_s: note: accepted but not modelled in this "
            "version (no effect)");
  // Keys the simulation uses give no notice.
  const auto used = load_text("name: y\nnat:\n  hole_punch_success: 0.8\n");
  EXPECT_TRUE(used.notices.empty());
}

TEST(ScenarioLoader, OutOfRangeNamesLineColumnAndKey) {
  const auto r = load_text(
      "name: x\n"
      "audience:\n"
      "  concurrency:\n"
      "    peak_viewers: -3\n");
  ASSERT_FALSE(r.scenario.has_value());
  ASSERT_EQ(r.errors.size(), 1u);
  const auto& e = r.errors[0];
  EXPECT_EQ(e.file, "scenarios/x.yaml");
  EXPECT_EQ(e.line, 4);
  EXPECT_EQ(e.column, 19);
  EXPECT_EQ(e.key_path, "audience.concurrency.peak_viewers");
  EXPECT_EQ(format_error(e),
            "scenarios/x.yaml:4:19: audience.concurrency.peak_viewers: must be > 0 (got -3)");
}

TEST(ScenarioLoader, RangeMessagesNameTheViolatedBound) {
  const auto r = load_text(
      "run: {duration_s: 1e12}\n"
      "population: {capacity_derate: 1.5}\n");
  const auto* d = find_error(r, "run.duration_s");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->message, "must be <= 2592000 (got 1e12)");
  const auto* c = find_error(r, "population.capacity_derate");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->message, "must be in (0, 1] (got 1.5)");
}

TEST(ScenarioLoader, UnknownKeyWithSuggestion) {
  const auto r = load_text(
      "run:\n"
      "  duraton_s: 10\n");
  ASSERT_EQ(r.errors.size(), 1u);
  const auto& e = r.errors[0];
  EXPECT_EQ(e.key_path, "run.duraton_s");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 3);
  EXPECT_NE(e.message.find("unknown key 'duraton_s'"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("did you mean 'duration_s'?"), std::string::npos) << e.message;
}

TEST(ScenarioLoader, UnknownKeyInsideAListItemAndMalformedCurvePoint) {
  const auto r = load_text(
      "cdn:\n"
      "  pops:\n"
      "    - {name: region-1-pop, region: region-1, egres_gbps: 10}\n"
      "audience:\n"
      "  concurrency:\n"
      "    points: [[0, 10], [60]]\n");
  ASSERT_EQ(r.errors.size(), 2u);
  const auto* key = find_error(r, "cdn.pops[0].egres_gbps");
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->line, 3);
  EXPECT_EQ(key->column, 46);
  EXPECT_NE(key->message.find("did you mean 'egress_gbps'?"), std::string::npos);
  const auto* point = find_error(r, "audience.concurrency.points[1]");
  ASSERT_NE(point, nullptr);
  EXPECT_EQ(point->line, 6);
  EXPECT_EQ(point->message, "expected a pair [t_s, viewers], got a list");
}

TEST(ScenarioLoader, AliasBombIsRejectedNotExpanded) {
  std::ostringstream doc;
  doc << "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 9; ++i) {
    doc << 'a' << i << ": &a" << i << " [";
    for (int j = 0; j < 10; ++j) doc << (j ? ", " : "") << "*a" << (i - 1);
    doc << "]\n";
  }
  const std::string text = doc.str();
  const auto r = load_text(text);  // 10^9 nodes if expanded
  ASSERT_FALSE(r.scenario.has_value());
  bool too_large = false;
  for (const auto& e : r.errors)
    too_large |= e.message.find("document too large") != std::string::npos;
  EXPECT_TRUE(too_large);
}

TEST(ScenarioLoader, UnknownTopLevelKey) {
  const auto r = load_text("name: a\naudiance: {}\n");
  const auto* e = find_error(r, "audiance");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 2);
  EXPECT_NE(e->message.find("did you mean 'audience'?"), std::string::npos);
}

TEST(ScenarioLoader, WrongType) {
  const auto r = load_text(
      "run:\n"
      "  duration_s: long\n"
      "p2p:\n"
      "  enabled: 3\n"
      "cdn:\n"
      "  pops: {name: a}\n");
  ASSERT_EQ(r.errors.size(), 3u);
  const auto* e1 = find_error(r, "run.duration_s");
  ASSERT_NE(e1, nullptr);
  EXPECT_EQ(e1->line, 2);
  EXPECT_EQ(e1->message, "expected a number, got 'long'");
  const auto* e2 = find_error(r, "p2p.enabled");
  ASSERT_NE(e2, nullptr);
  EXPECT_EQ(e2->line, 4);
  EXPECT_EQ(e2->message, "expected true or false, got '3'");
  const auto* e3 = find_error(r, "cdn.pops");
  ASSERT_NE(e3, nullptr);
  EXPECT_EQ(e3->line, 6);
  EXPECT_EQ(e3->message, "expected a list, got a mapping");
}

TEST(ScenarioLoader, QuotedNumberIsAString) {
  const auto r = load_text("run: {duration_s: \"10\"}\n");
  const auto* e = find_error(r, "run.duration_s");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->message, "expected a number, got '10'");
}

TEST(ScenarioLoader, UnknownEnumValue) {
  const auto r = load_text("p2p:\n  policy: windowd\n");
  const auto* e = find_error(r, "p2p.policy");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 2);
  EXPECT_NE(e->message.find("unknown value 'windowd'"), std::string::npos);
  EXPECT_NE(e->message.find("did you mean 'windowed'?"), std::string::npos);
}

// Issue 24, item 5: the loader takes its policies from the scheduler's registry, so a policy
// added there (one file + one registry line) is accepted with no change here, and the error for
// an unknown one lists exactly the registry's names.
TEST(ScenarioLoader, PoliciesAreTheSchedulersRegistry) {
  std::string all;
  for (const std::string_view name : p2pcdn::sched::policy_names()) {
    std::string text = "p2p:\n  policy: ";  // appended piece by piece: GCC 12's -Wrestrict
    text.append(name).append("\n");
    const auto r = load_text(text);
    ASSERT_TRUE(r.scenario.has_value()) << name;
    EXPECT_EQ(r.scenario->p2p.policy, name);
    all.append(all.empty() ? "" : ", ").append(name);
  }
  const auto r = load_text("p2p:\n  policy: nope\n");
  const auto* e = find_error(r, "p2p.policy");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("(one of: " + all + ")"), std::string::npos) << e->message;
  // The default is the library's own default.
  const auto d = load_text("p2p: {}\n");
  ASSERT_TRUE(d.scenario.has_value());
  EXPECT_EQ(d.scenario->p2p.policy, p2pcdn::sched::AgentConfig{}.policy);
}

TEST(ScenarioLoader, AbrPeerSamples) {
  const auto d = load_text("name: tiny\n");
  ASSERT_TRUE(d.scenario.has_value());
  EXPECT_EQ(d.scenario->player.abr_peer_samples, AbrPeerSamples::kPolicy);
  const auto h = load_text("player: {abr_peer_samples: http_only}\n");
  ASSERT_TRUE(h.scenario.has_value());
  EXPECT_EQ(h.scenario->player.abr_peer_samples, AbrPeerSamples::kHttpOnly);
  const auto bad = load_text("player: {abr_peer_samples: some}\n");
  const auto* e = find_error(bad, "player.abr_peer_samples");
  ASSERT_NE(e, nullptr);
  EXPECT_NE(e->message.find("one of: policy, all, http_only"), std::string::npos) << e->message;
}

TEST(ScenarioLoader, StartupKeys) {
  const auto d = load_text("name: tiny\n");
  ASSERT_TRUE(d.scenario.has_value());
  EXPECT_EQ(d.scenario->player.startup.connection_rtts, 2);   // TCP + TLS 1.3
  EXPECT_EQ(d.scenario->player.startup.playlist_fetches, 2);  // master + media playlist
  const auto q = load_text(
      "player:\n  startup: {connection_rtts: 1, playlist_fetches: 3, dns_s: 0.1,\n"
      "            player_init_s: 0, playlist_bytes: 4000, first_frame_s: 0.2}\n");
  ASSERT_TRUE(q.scenario.has_value());
  const StartupParams& s = q.scenario->player.startup;
  EXPECT_EQ(s.connection_rtts, 1);
  EXPECT_EQ(s.playlist_fetches, 3);
  EXPECT_DOUBLE_EQ(s.dns_s, 0.1);
  EXPECT_DOUBLE_EQ(s.player_init_s, 0.0);
  EXPECT_DOUBLE_EQ(s.playlist_bytes, 4000.0);
  EXPECT_DOUBLE_EQ(s.first_frame_s, 0.2);
  EXPECT_NE(find_error(load_text("player: {startup: {connection_rtts: -1}}\n"),
                       "player.startup.connection_rtts"),
            nullptr);
  EXPECT_NE(find_error(load_text("player: {startup: {dns_s: -0.5}}\n"), "player.startup.dns_s"),
            nullptr);
  EXPECT_NE(
      find_error(load_text("player: {startup: {decoder_s: 1}}\n"), "player.startup.decoder_s"),
      nullptr);
}

TEST(ScenarioLoader, SharesMustSumToOne) {
  const auto r = load_text(
      "topology:\n"
      "  regions:\n"
      "    - {name: a, viewer_share: 0.5}\n"
      "    - {name: b, viewer_share: 0.4}\n"
      "  isps: [{name: ia, region: a}, {name: ib, region: b, viewer_share: 0.7}]\n"
      "population:\n"
      "  nat:\n"
      "    cellular: {open: 0.5}\n"
      "cdn: {pops: [{name: p, region: a}], origin: {region: a}}\n");
  ASSERT_EQ(r.errors.size(), 3u);
  const auto* e = find_error(r, "topology.regions");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 3);
  EXPECT_EQ(e->message, "region viewer shares must sum to 1 (got 0.9)");
  const auto* isp = find_error(r, "topology.regions[1]");
  ASSERT_NE(isp, nullptr);
  EXPECT_EQ(isp->line, 4);
  EXPECT_EQ(isp->message, "viewer shares of the ISPs of region 'b' must sum to 1 (got 0.7)");
  const auto* n = find_error(r, "population.nat.cellular");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->line, 8);
  EXPECT_NE(n->message.find("NAT type shares must sum to 1"), std::string::npos);
}

TEST(ScenarioLoader, ShareToleranceIsOneInAMillion) {
  const auto ok = load_text(
      "topology:\n  regions:\n    - {name: a, viewer_share: 0.3333334}\n"
      "    - {name: b, viewer_share: 0.6666666}\n"
      "  isps: [{name: ia, region: a}, {name: ib, region: b}]\n"
      "  interconnects: [{from: a, to: b, latency_ms: 10}]\n"
      "cdn: {pops: [{name: p, region: a}], origin: {region: a}}\n");
  EXPECT_TRUE(ok.errors.empty()) << format_error(ok.errors.front());
  const auto bad = load_text(
      "topology:\n  regions:\n    - {name: a, viewer_share: 0.333334}\n"
      "    - {name: b, viewer_share: 0.666668}\n"
      "  isps: [{name: ia, region: a}, {name: ib, region: b}]\n"
      "cdn: {pops: [{name: p, region: a}], origin: {region: a}}\n");
  EXPECT_NE(find_error(bad, "topology.regions"), nullptr);
}

TEST(ScenarioLoader, UndefinedReferences) {
  const auto r = load_text(
      "topology:\n"
      "  regions: [{name: eu}]\n"
      "  isps: [{name: isp, region: eu}]\n"
      "cdn:\n"
      "  pops:\n"
      "    - {name: fra, region: europe}\n"
      "  origin: {region: eu}\n"
      "  outages:\n"
      "    - {pop: frx, at_s: 10, until_s: 20}\n"
      "audience:\n"
      "  channels:\n"
      "    list: [{name: m, share: 1, renditions: [4k]}]\n"
      "population_typo_free: 1\n");
  const auto* pop_region = find_error(r, "cdn.pops[0].region");
  ASSERT_NE(pop_region, nullptr);
  EXPECT_EQ(pop_region->line, 6);
  EXPECT_EQ(pop_region->message, "undefined region 'europe' (defined: eu)");
  const auto* outage = find_error(r, "cdn.outages[0].pop");
  ASSERT_NE(outage, nullptr);
  EXPECT_EQ(outage->line, 9);
  EXPECT_EQ(outage->message, "undefined PoP 'frx' (defined: fra) (did you mean 'fra'?)");
  const auto* rend = find_error(r, "audience.channels.list[0].renditions[0]");
  ASSERT_NE(rend, nullptr);
  EXPECT_EQ(rend->line, 12);
  EXPECT_NE(rend->message.find("undefined rendition '4k'"), std::string::npos);
  EXPECT_NE(find_error(r, "population_typo_free"), nullptr);
}

TEST(ScenarioLoader, UnreachableRegionFoundByTheTopologyGraph) {
  const auto r = load_text(
      "topology:\n"
      "  regions: [{name: a, viewer_share: 0.5}, {name: b, viewer_share: 0.5}]\n"
      "  isps: [{name: ia, region: a}, {name: ib, region: b}]\n"
      "cdn: {pops: [{name: p, region: a}], origin: {region: a}}\n");
  const auto* e = find_error(r, "topology");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 2);
  EXPECT_NE(e->message.find("unreachable"), std::string::npos) << e->message;
}

TEST(ScenarioLoader, UndefinedAccessTechnology) {
  const auto r = load_text(
      "population:\n"
      "  devices:\n"
      "    tv: {access: {dsl: 1.0}}\n");
  const auto* e = find_error(r, "population.devices.tv.access.dsl");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->line, 3);
  EXPECT_NE(e->message.find("undefined access technology 'dsl'"), std::string::npos);
}

TEST(ScenarioLoader, DuplicateNamesAndOrdering) {
  const auto r = load_text(
      "stream:\n"
      "  renditions:\n"
      "    - {name: lo, bitrate_kbps: 500}\n"
      "    - {name: lo, bitrate_kbps: 400}\n");
  const auto* dup = find_error(r, "stream.renditions[1].name");
  ASSERT_NE(dup, nullptr);
  EXPECT_EQ(dup->line, 4);
  EXPECT_EQ(dup->message, "duplicate name 'lo'");
  const auto* order = find_error(r, "stream.renditions[1].bitrate_kbps");
  ASSERT_NE(order, nullptr);
  EXPECT_NE(order->message.find("increasing bitrates"), std::string::npos);
}

TEST(ScenarioLoader, YamlSyntaxErrorHasPosition) {
  const auto r = load_text(
      "name: x\n"
      "run:\n"
      "  duration_s: [1, 2\n"
      "p2p: {}\n");
  ASSERT_FALSE(r.scenario.has_value());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, "scenarios/x.yaml");
  EXPECT_GE(r.errors[0].line, 3);
  EXPECT_NE(r.errors[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(ScenarioLoader, DuplicateYamlKey) {
  const auto r = load_text("run:\n  seed: 1\n  seed: 2\n");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[0].column, 3);
  EXPECT_EQ(r.errors[0].key_path, "run.seed");
  EXPECT_NE(r.errors[0].message.find("duplicate key 'seed' (first written at line 2"),
            std::string::npos);
  EXPECT_EQ(format_error(r.errors[0]).rfind("scenarios/x.yaml:3:3: run.seed: duplicate key", 0),
            0u);
}

// yaml-cpp keeps both entries of a repeated key wherever it is: flow mappings, list items,
// the top level, a quoted and a plain spelling of the same key, user-named keys.
TEST(ScenarioLoader, DuplicateYamlKeyAnywhereNamesItsPath) {
  const auto r = load_text(
      "name: a\n"
      "cdn: {pops: [{name: p, region: r, name: q}]}\n"
      "\"name\": b\n"
      "p2p: {scheduler_knobs: {peers_min: 2, peers_min: 3}}\n"
      "population:\n"
      "  devices:\n"
      "    tv: {access: {dsl: 0.5, dsl: 0.5}}\n");
  ASSERT_FALSE(r.scenario.has_value());
  for (const auto& [key, line] :
       std::vector<std::pair<std::string, int>>{{"cdn.pops[0].name", 2},
                                                {"name", 3},
                                                {"p2p.scheduler_knobs.peers_min", 4},
                                                {"population.devices.tv.access.dsl", 7}}) {
    const ScenarioError* e = nullptr;
    for (const auto& x : r.errors) {
      if (x.key_path == key && x.message.find("duplicate key") != std::string::npos) e = &x;
    }
    ASSERT_NE(e, nullptr) << key << "\n" << format_errors(r.errors);
    EXPECT_EQ(e->line, line) << key;
  }
}

TEST(ScenarioLoader, DuplicateYamlKeyInAnExtendedFileNamesThatFile) {
  TempDir dir;
  dir.write("base.yaml", "name: base\nstream:\n  segment_duration_s: 4\n  segment_duration_s: 2\n");
  const auto r = load_scenario(dir.write("top.yaml", "extends: base.yaml\n"));
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(fs::path(r.errors[0].file).filename(), "base.yaml");
  EXPECT_EQ(r.errors[0].line, 4);
  EXPECT_EQ(r.errors[0].key_path, "stream.segment_duration_s");
}

TEST(ScenarioLoader, EmptyFileIsAnErrorNotTheDefaults) {
  for (const char* text : {"", "\n\n", "# only a comment\n", "---\n", "~\n", "null\n"}) {
    const auto r = load_text(text);
    EXPECT_FALSE(r.scenario.has_value()) << '"' << text << '"';
    ASSERT_EQ(r.errors.size(), 1u) << '"' << text << '"' << format_errors(r.errors);
    EXPECT_EQ(
        format_error(r.errors[0]).rfind("scenarios/x.yaml:1:1: the scenario file is empty", 0), 0u)
        << format_error(r.errors[0]);
  }
  // --set cannot make an empty file a scenario either.
  EXPECT_FALSE(load_text("", {"name=x"}).scenario.has_value());
  TempDir dir;
  const auto on_disk = load_scenario(dir.write("empty.yaml", ""));
  ASSERT_EQ(on_disk.errors.size(), 1u);
  EXPECT_EQ(fs::path(on_disk.errors[0].file).filename(), "empty.yaml");
  EXPECT_EQ(on_disk.errors[0].line, 1);
}

TEST(ScenarioLoader, EmptyOrNonMappingExtendedFileIsAnError) {
  TempDir dir;
  dir.write("empty.yaml", "# nothing yet\n");
  dir.write("list.yaml", "- a\n- b\n");
  const auto empty = load_scenario(dir.write("a.yaml", "extends: empty.yaml\nname: a\n"));
  ASSERT_EQ(empty.errors.size(), 1u) << format_errors(empty.errors);
  EXPECT_EQ(fs::path(empty.errors[0].file).filename(), "empty.yaml");
  EXPECT_NE(empty.errors[0].message.find("is empty"), std::string::npos);
  const auto list = load_scenario(dir.write("b.yaml", "extends: list.yaml\nname: b\n"));
  ASSERT_EQ(list.errors.size(), 1u) << format_errors(list.errors);
  EXPECT_EQ(fs::path(list.errors[0].file).filename(), "list.yaml");
  EXPECT_NE(list.errors[0].message.find("must be a mapping of sections, got a list"),
            std::string::npos)
      << list.errors[0].message;
}

// Absurd but well-formed values: each refused by the loader with the key that is wrong
// (10^9 viewers is the cap itself; the run's memory check refuses it: tests/sim).
TEST(ScenarioLoader, AbsurdValuesAreRefusedNamingTheKey) {
  const auto viewers = load_text("audience:\n  concurrency: {peak_viewers: 1e10}\n");
  const auto* v = find_error(viewers, "audience.concurrency.peak_viewers");
  ASSERT_NE(v, nullptr);
  EXPECT_EQ(v->line, 2);
  const auto points = load_text("audience:\n  concurrency: {points: [[0, 1000], [60, 5e9]]}\n");
  EXPECT_NE(find_error(points, "audience.concurrency.points[1][1]"), nullptr);
  const auto segments = load_text("stream: {segment_duration_s: 0.001}\n");
  const auto* s = find_error(segments, "stream.segment_duration_s");
  ASSERT_NE(s, nullptr);
  EXPECT_NE(s->message.find("must be >= 0.1 (got 0.001)"), std::string::npos) << s->message;
  std::string ladder = "stream:\n  renditions:\n";
  for (int i = 1; i <= 300; ++i) {
    ladder += "    - {name: r" + std::to_string(i) + ", bitrate_kbps: " + std::to_string(i) + "}\n";
  }
  const auto wide = load_text(ladder);
  bool capped = false;
  for (const auto& e : wide.errors) {
    capped = capped || (e.key_path == "stream.renditions" && e.line == 3 &&
                        e.message == "at most 255 renditions (got 300)");
  }
  EXPECT_TRUE(capped) << format_errors(wide.errors);
}

// 10^6 renditions in a 4 MB file (one anchor, a million aliases): the node budget stops the
// parse inside the list, and the error says which list.
TEST(ScenarioLoader, AMillionRenditionsAreRefusedNamingTheList) {
  std::string text = "r: &r {name: x, bitrate_kbps: 1}\nstream:\n  renditions: [*r";
  for (int i = 1; i < 1'000'000; ++i) text += ", *r";
  text += "]\n";
  const auto r = load_text(text);
  ASSERT_FALSE(r.scenario.has_value());
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors, 5);
  EXPECT_EQ(r.errors[0].key_path.rfind("stream.renditions[", 0), 0u) << r.errors[0].key_path;
  EXPECT_NE(r.errors[0].message.find("document too large"), std::string::npos);
}

TEST(ScenarioLoader, AllErrorsOfAFileAtOnce) {
  const auto r = load_text(
      "run: {duration_s: 0, seeed: 1}\n"
      "audience:\n"
      "  session: {sigma: -1, law: gamma}\n"
      "  concurrency: {baseline_fraction: 2}\n"
      "cdn: {pops: [{name: p, region: nowhere}]}\n"
      "stream: {segment_duration_s: 0}\n");
  EXPECT_FALSE(r.scenario.has_value());
  for (const char* key : {"run.duration_s", "run.seeed", "audience.session.sigma",
                          "audience.session.law", "audience.concurrency.baseline_fraction",
                          "cdn.pops[0].region", "stream.segment_duration_s"}) {
    EXPECT_NE(find_error(r, key), nullptr) << key;
  }
  EXPECT_GE(r.errors.size(), 7u);
}

TEST(ScenarioLoader, MissingFile) {
  const auto errors = validate_scenario_file("/nonexistent/dir/none.yaml");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].file, "/nonexistent/dir/none.yaml");
  EXPECT_EQ(format_error(errors[0]),
            "/nonexistent/dir/none.yaml: cannot read the scenario file: does not exist");
}

TEST(ScenarioLoader, ExtendsMergesMapsAndReplacesLists) {
  TempDir dir;
  dir.write("base.yaml",
            "name: base\n"
            "run: {duration_s: 600, seed: 7}\n"
            "stream:\n"
            "  renditions:\n"
            "    - {name: a, bitrate_kbps: 100}\n"
            "    - {name: b, bitrate_kbps: 200}\n");
  dir.write("mid.yaml", "extends: base.yaml\nname: mid\nrun: {seed: 8}\n");
  const auto top = dir.write("top.yaml",
                             "extends: mid.yaml\n"
                             "stream:\n"
                             "  renditions: [{name: c, bitrate_kbps: 300}]\n");
  const auto r = load_scenario(top);
  ASSERT_TRUE(r.errors.empty()) << format_error(r.errors.front());
  EXPECT_EQ(r.scenario->name, "mid");
  EXPECT_DOUBLE_EQ(r.scenario->run.duration_s, 600.0);  // from base through the chain
  EXPECT_EQ(r.scenario->run.seed, 8u);                  // mid overrides base
  ASSERT_EQ(r.scenario->stream.renditions.size(), 1u);  // lists replace
  EXPECT_EQ(r.scenario->stream.renditions[0].name, "c");
}

TEST(ScenarioLoader, ErrorInExtendedFileNamesThatFile) {
  TempDir dir;
  dir.write("base.yaml", "name: base\nrun:\n  duration_s: -5\n");
  const auto top = dir.write("top.yaml", "extends: base.yaml\nrun: {seed: 3}\n");
  const auto r = load_scenario(top);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(fs::path(r.errors[0].file).filename(), "base.yaml");
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[0].key_path, "run.duration_s");
}

TEST(ScenarioLoader, SyntaxErrorInExtendedFileNamesThatFile) {
  TempDir dir;
  dir.write("base.yaml", "name: [unclosed\n");
  const auto top = dir.write("top.yaml", "extends: base.yaml\n");
  const auto r = load_scenario(top);
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(fs::path(r.errors[0].file).filename(), "base.yaml");
  EXPECT_GE(r.errors[0].line, 1);
}

TEST(ScenarioLoader, ExtendsCycleIsReported) {
  TempDir dir;
  dir.write("a.yaml", "extends: b.yaml\nname: a\n");
  dir.write("b.yaml", "extends: a.yaml\nname: b\n");
  const auto r = load_scenario(dir.path() / "a.yaml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(fs::path(r.errors[0].file).filename(), "b.yaml");
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_EQ(r.errors[0].key_path, "extends");
  EXPECT_NE(r.errors[0].message.find("extends cycle: a.yaml -> b.yaml -> a.yaml"),
            std::string::npos)
      << r.errors[0].message;
}

TEST(ScenarioLoader, ExtendsMissingFile) {
  TempDir dir;
  const auto top = dir.write("top.yaml", "name: t\nextends: nothere.yaml\n");
  const auto r = load_scenario(top);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(fs::path(r.errors[0].file).filename(), "top.yaml");
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find("cannot read extended file"), std::string::npos);
}

TEST(ScenarioLoader, OverridesSetValuesIncludingListIndices) {
  const std::string text =
      "topology: {regions: [{name: r}], isps: [{name: i, region: r}]}\n"
      "cdn:\n"
      "  pops:\n"
      "    - {name: a, region: r, egress_gbps: 100}\n"
      "    - {name: b, region: r, egress_gbps: 100}\n"
      "  origin: {region: r}\n";
  const auto r = load_text(text, {"cdn.pops[1].egress_gbps=400", "p2p.enabled=false",
                                  "audience.channels.zipf={count: 3, exponent: 1}"});
  ASSERT_TRUE(r.errors.empty()) << format_error(r.errors.front());
  EXPECT_DOUBLE_EQ(r.scenario->cdn.pops[1].egress_gbps, 400.0);
  EXPECT_DOUBLE_EQ(r.scenario->cdn.pops[0].egress_gbps, 100.0);
  EXPECT_FALSE(r.scenario->p2p.enabled);
  EXPECT_EQ(r.scenario->p2p.policy, "cdn-only");
  ASSERT_EQ(r.scenario->audience.channels.list.size(), 3u);
  EXPECT_EQ(r.scenario->audience.channels.list[0].name, "ch01");
  EXPECT_NEAR(r.scenario->audience.channels.list[0].share, 6.0 / 11.0, 1e-12);
}

TEST(ScenarioLoader, OverrideErrorsNameTheOverride) {
  const auto r = load_text("name: x\ncdn:\n  pops: [{name: region-1-pop, region: region-1}]\n",
                           {"cdn.popz=3", "cdn.pops[5].egress_gbps=1", "run.duration_s=-1",
                            "novalue", "stream.renditions[0].bitrate_kbps=5"});
  ASSERT_EQ(r.errors.size(), 5u);
  const auto* defaulted = find_error(r, "stream.renditions");
  ASSERT_NE(defaulted, nullptr);
  EXPECT_EQ(defaulted->file, "--set stream.renditions[0].bitrate_kbps=5");
  EXPECT_NE(defaulted->message.find("set the whole list"), std::string::npos);
  const auto* unknown = find_error(r, "cdn.popz");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->file, "--set cdn.popz=3");
  EXPECT_NE(unknown->message.find("did you mean 'pops'?"), std::string::npos);
  const auto* index = find_error(r, "cdn.pops[5]");
  ASSERT_NE(index, nullptr);
  EXPECT_EQ(index->file, "--set cdn.pops[5].egress_gbps=1");
  EXPECT_NE(index->message.find("out of range"), std::string::npos);
  const auto* range = find_error(r, "run.duration_s");
  ASSERT_NE(range, nullptr);
  EXPECT_EQ(range->file, "--set run.duration_s=-1");
  EXPECT_EQ(range->column, 16);
  EXPECT_EQ(format_error(*range),
            "--set run.duration_s=-1:1:16: run.duration_s: must be > 0 (got -1)");
  bool saw_novalue = false;
  for (const auto& e : r.errors) saw_novalue |= e.file == "--set novalue";
  EXPECT_TRUE(saw_novalue);
}

// ---- issue 25: paths that are not scenario files, unterminated quotes, attribution through
// `extends:`, follow-on errors after a fatal one.

TEST(ScenarioFilePaths, DirectoryAsScenarioIsAnError) {
  TempDir dir;
  const auto r = load_scenario(dir.path());
  ASSERT_FALSE(r.scenario.has_value());  // it used to simulate the built-in defaults
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].file, dir.path().generic_string());
  EXPECT_EQ(r.errors[0].message,
            "cannot read the scenario file: is a directory, not a scenario file");
}

TEST(ScenarioFilePaths, ExtendsADirectoryIsAnErrorAtTheExtendsLine) {
  TempDir dir;
  fs::create_directories(dir.path() / "base.yaml");
  const auto top = dir.write("top.yaml", "name: t\nextends: base.yaml\n");
  const auto r = load_scenario(top);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(fs::path(r.errors[0].file).filename(), "top.yaml");
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].key_path, "extends");
  EXPECT_NE(r.errors[0].message.find("is a directory"), std::string::npos) << r.errors[0].message;
}

TEST(ScenarioFilePaths, ExtendsADeviceIsRefusedBeforeReading) {
  for (const char* device : {"/dev/zero", "/dev/urandom"}) {
    if (!fs::exists(device)) continue;
    TempDir dir;
    const auto top = dir.write("top.yaml", std::string("extends: ") + device + "\n");
    const auto r = load_scenario(top);  // used to read until memory ran out
    ASSERT_EQ(r.errors.size(), 1u) << device;
    EXPECT_EQ(r.errors[0].line, 1);
    EXPECT_EQ(r.errors[0].key_path, "extends");
    EXPECT_EQ(r.errors[0].message, std::string("cannot read extended file '") + device +
                                       "': is a device, not a scenario file");
  }
  const auto r = load_scenario("/dev/zero");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message, "cannot read the scenario file: is a device, not a scenario file");
}

TEST(ScenarioFilePaths, PipeIsRefusedWithoutBlocking) {
  TempDir dir;
  const fs::path pipe = dir.path() / "pipe.yaml";
  ASSERT_EQ(::mkfifo(pipe.c_str(), 0600), 0);
  const auto r = load_scenario(pipe);  // opening it would wait for a writer forever
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].message.find("is a pipe"), std::string::npos) << r.errors[0].message;
}

TEST(ScenarioFilePaths, FileOverTheSizeLimitIsRefused) {
  TempDir dir;
  const fs::path big = dir.path() / "big.yaml";
  {
    std::ofstream out(big, std::ios::binary);
    const std::string comment = "# " + std::string(1022, 'x') + "\n";  // 1 KiB
    for (std::size_t i = 0; i < kMaxScenarioFileBytes / 1024 + 1; ++i) out << comment;
    out << "name: big\n";
  }
  const auto r = load_scenario(big);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message,
            "cannot read the scenario file: is 16.0 MiB, more than the 16 MiB a scenario file "
            "may have");
  // Exactly at the limit is a scenario file (a comment and one key).
  fs::resize_file(big, kMaxScenarioFileBytes);
  {
    std::fstream tail(big, std::ios::in | std::ios::out | std::ios::binary);
    tail.seekp(static_cast<std::streamoff>(kMaxScenarioFileBytes) - 10);
    tail << "\nname: ok\n";
  }
  const auto at_limit = load_scenario(big);
  EXPECT_TRUE(at_limit.errors.empty()) << format_errors(at_limit.errors);
}

TEST(ScenarioYaml, UnterminatedDoubleQuoteIsAnErrorAtItsPosition) {
  // Without the final newline yaml-cpp reports it itself ("illegal EOF in scalar").
  EXPECT_FALSE(load_text("name: \"abc").errors.empty());
  const auto r = load_text("name: \"abc\n");
  ASSERT_FALSE(r.scenario.has_value());  // used to load with name "abc"
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(r.errors[0].file, "scenarios/x.yaml");
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_EQ(r.errors[0].column, 7);
  EXPECT_NE(r.errors[0].message.find("unterminated quoted string"), std::string::npos);
}

TEST(ScenarioYaml, UnterminatedQuoteThatSwallowsTheRestIsAnError) {
  const auto r = load_text("run: {seed: 3}\nname: 'abc\nrun2: 1\ndescription: x\n");
  ASSERT_FALSE(r.scenario.has_value());
  bool found = false;
  for (const auto& e : r.errors)
    found |= e.line == 2 && e.message.find("unterminated quoted string") != std::string::npos;
  EXPECT_TRUE(found) << format_errors(r.errors);
}

TEST(ScenarioYaml, ClosedQuotesWithEscapesStillLoad) {
  const auto r = load_text("name: \"a\\\"b\"\ndescription: 'it''s'\n\"run\": {seed: 1}\n");
  ASSERT_TRUE(r.errors.empty()) << format_errors(r.errors);
  EXPECT_EQ(r.scenario->name, "a\"b");
  EXPECT_EQ(r.scenario->description, "it's");
}

TEST(ScenarioYaml, UnterminatedQuoteInAnOverride) {
  const auto r = load_text("name: a\n", {"name=\"abc"});
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(r.errors[0].file, "--set name=\"abc");
  EXPECT_EQ(r.errors[0].key_path, "name");
}

// A base file whose topology is valid; the extending file edits one list.
const char* const kTopologyBase =
    "name: base\n"
    "topology:\n"
    "  regions:\n"
    "    - {name: r, viewer_share: 1}\n"
    "  isps:\n"
    "    - {name: i1, region: r, viewer_share: 0.5}\n"
    "    - {name: i2, region: r, viewer_share: 0.5}\n"
    "cdn: {pops: [{name: p, region: r, egress_gbps: 10}], origin: {region: r}}\n";

TEST(ScenarioExtends, IspSharesOfAnExtendingListAreReportedInTheExtendingFile) {
  TempDir dir;
  dir.write("base.yaml", kTopologyBase);
  const auto top = dir.write("top.yaml",
                             "extends: base.yaml\n"
                             "topology:\n"
                             "  isps:\n"
                             "    - {name: i1, region: r, viewer_share: 0.7}\n");
  const auto r = load_scenario(top);
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors);
  EXPECT_EQ(fs::path(r.errors[0].file).filename(), "top.yaml");
  EXPECT_EQ(r.errors[0].line, 4);
  EXPECT_EQ(r.errors[0].key_path, "topology.isps");
  EXPECT_NE(r.errors[0].message.find("must sum to 1 (got 0.7)"), std::string::npos);
}

TEST(ScenarioExtends, EmptyIspListOfAnExtendingFileIsReportedThere) {
  TempDir dir;
  dir.write("base.yaml", kTopologyBase);
  const auto top = dir.write("top.yaml", "extends: base.yaml\ntopology: {isps: []}\n");
  const auto r = load_scenario(top);
  ASSERT_FALSE(r.errors.empty());
  for (const auto& e : r.errors) {
    EXPECT_EQ(fs::path(e.file).filename(), "top.yaml") << format_error(e);
    EXPECT_EQ(e.line, 2) << format_error(e);
  }
}

TEST(ScenarioExtends, RegionAddedByTheExtendingFileIsReportedAtTheRegion) {
  TempDir dir;
  dir.write("base.yaml", kTopologyBase);
  const auto top = dir.write("top.yaml",
                             "extends: base.yaml\n"
                             "topology:\n"
                             "  regions:\n"
                             "    - {name: r, viewer_share: 0.5}\n"
                             "    - {name: s, viewer_share: 0.5}\n");
  const auto r = load_scenario(top);
  const auto* e = find_error(r, "topology.regions[1]");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(fs::path(e->file).filename(), "top.yaml");
  EXPECT_EQ(e->line, 5);
  EXPECT_NE(e->message.find("region 's' has no ISP"), std::string::npos);
}

TEST(ScenarioYaml, DocumentTooLargeIsOneErrorWithoutFollowOns) {
  std::string text = "cdn:\n  pops:\n";
  for (int i = 0; i < 60'000; ++i) text += "    - {name: p" + std::to_string(i) + "}\n";
  const auto r = load_text(text);
  ASSERT_FALSE(r.scenario.has_value());
  ASSERT_EQ(r.errors.size(), 1u) << format_errors(r.errors, 5);
  EXPECT_NE(r.errors[0].message.find("document too large"), std::string::npos);
  EXPECT_EQ(r.errors[0].key_path.rfind("cdn.pops[", 0), 0u) << r.errors[0].key_path;
}

TEST(ScenarioErrors, ListingIsCappedWithACount) {
  std::vector<ScenarioError> errors;
  for (int i = 1; i <= 70; ++i) errors.push_back({"x.yaml", i, 1, "k", "bad"});
  const std::string text = format_errors(errors);
  std::size_t lines = 0;
  for (const char c : text) lines += c == '\n' ? 1 : 0;
  EXPECT_EQ(lines, kMaxErrorsShown + 1);
  EXPECT_NE(text.find("x.yaml:50:1: k: bad\n"), std::string::npos);
  EXPECT_EQ(text.find("x.yaml:51:1"), std::string::npos);
  EXPECT_NE(text.find("... and 20 more errors"), std::string::npos);
  errors.resize(3);
  EXPECT_EQ(format_errors(errors), "x.yaml:1:1: k: bad\nx.yaml:2:1: k: bad\nx.yaml:3:1: k: bad\n");
}

}  // namespace
}  // namespace p2pcdn::models
