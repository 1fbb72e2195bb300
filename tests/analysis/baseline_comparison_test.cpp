// With and without P2P (issue 24, item 1): the saving splits exactly into bytes peers carried
// and bytes not delivered; a lower bitrate or more stalls than the CDN-only run is a warning; the
// figures reach summary.json and the report, first after the cards.
#include <gtest/gtest.h>

#include <cmath>

#include "analysis/report/baseline_comparison.hpp"
#include "analysis/report/report_html.hpp"
#include "analysis/report/summary_json.hpp"

namespace p2pcdn::analysis {
namespace {

Summary run(std::uint64_t cdn, std::uint64_t p2p, double bitrate, double stalled,
            std::uint64_t started) {
  Summary s;
  s.bytes_cdn = cdn;
  s.bytes_p2p = p2p;
  s.avg_bitrate_kbps.mean = bitrate;
  s.stalled_share = stalled;
  s.viewers_started = started;
  s.viewers = started;
  s.cdn.peak_gbps = static_cast<double>(cdn) / 1e9;
  s.rebuffering_ratio.mean = stalled / 10;
  s.timeseries.resize(3);
  for (std::size_t i = 0; i < 3; ++i) {
    s.timeseries[i].t_start_s = 10.0 * static_cast<double>(i);
    s.timeseries[i].t_end_s = s.timeseries[i].t_start_s + 10;
    s.timeseries[i].cdn_gbps = s.cdn.peak_gbps * static_cast<double>(i + 1) / 3;
  }
  return s;
}

// The olympics-opening case of the issue: offload 11.6 %, "saving 35 %", bitrate -29 %.
TEST(BaselineComparison, SavingSplitsIntoPeersAndNotDelivered) {
  const Summary with = run(600, 200, 2520, 0.032, 10000);
  const Summary without = run(1000, 0, 3560, 0.0003, 10000);
  const BaselineComparison c = compare_with_baseline(with, without);
  EXPECT_DOUBLE_EQ(c.saving_bytes, 400);
  EXPECT_DOUBLE_EQ(c.peer_bytes, 200);
  EXPECT_DOUBLE_EQ(c.not_delivered_bytes, 200);
  EXPECT_DOUBLE_EQ(c.saving_bytes, c.peer_bytes + c.not_delivered_bytes);
  EXPECT_DOUBLE_EQ(c.saving_fraction, 0.4);
  EXPECT_DOUBLE_EQ(c.peer_fraction, 0.2);
  EXPECT_DOUBLE_EQ(c.not_delivered_fraction, 0.2);
  EXPECT_DOUBLE_EQ(c.without_p2p.cdn_peak_gbps, 1e-6);
  EXPECT_DOUBLE_EQ(c.with_p2p.avg_bitrate_kbps_mean, 2520);
  ASSERT_GE(c.warnings.size(), 2u);
  EXPECT_NE(c.warnings[0].find("lowered the average bitrate from 3.56 Mbit/s to 2.52 Mbit/s"),
            std::string::npos)
      << c.warnings[0];
  EXPECT_NE(c.warnings[0].find("50.00 % of the CDN saving is bytes not delivered"),
            std::string::npos)
      << c.warnings[0];
  EXPECT_NE(c.warnings[1].find("stalled from 0.03 % to 3.20 %"), std::string::npos)
      << c.warnings[1];
}

TEST(BaselineComparison, NoWarningWhenQualityHolds) {
  // Bitrate -0.5 % (under the 1 % threshold); stalled share up but within its interval.
  const BaselineComparison c =
      compare_with_baseline(run(500, 500, 3542, 0.011, 1000), run(1000, 0, 3560, 0.010, 1000));
  EXPECT_TRUE(c.warnings.empty()) << c.warnings.front();
  EXPECT_DOUBLE_EQ(c.not_delivered_bytes, 0);
  EXPECT_DOUBLE_EQ(c.peer_fraction, c.saving_fraction);
  // The same rise over 100 times the viewers is beyond the interval.
  const BaselineComparison many = compare_with_baseline(run(500, 500, 3560, 0.011, 1000000),
                                                        run(1000, 0, 3560, 0.010, 1000000));
  ASSERT_EQ(many.warnings.size(), 1u);
  EXPECT_NE(many.warnings[0].find("stalled"), std::string::npos);
}

TEST(BaselineComparison, InSummaryJsonAndFirstInTheReport) {
  const Summary with = run(600, 200, 2520, 0.032, 10000);
  const BaselineComparison c = compare_with_baseline(with, run(1000, 0, 3560, 0.0003, 10000));
  SummaryExtras extras;
  extras.baseline = baseline_to_json(c);
  const io::Json doc = summary_to_json(with, RunInfo{}, extras);
  const io::Json& b = doc.at("baseline");
  EXPECT_DOUBLE_EQ(b.at("without_p2p").at("avg_bitrate_kbps_mean").as_double(), 3560);
  EXPECT_DOUBLE_EQ(b.at("with_p2p").at("avg_bitrate_kbps_mean").as_double(), 2520);
  EXPECT_DOUBLE_EQ(b.at("without_p2p").at("cdn_peak_gbps").as_double(), 1e-6);
  EXPECT_DOUBLE_EQ(b.at("saving").at("peer_fraction").as_double(), 0.2);
  EXPECT_DOUBLE_EQ(b.at("saving").at("not_delivered_fraction").as_double(), 0.2);
  EXPECT_GE(b.at("warnings").as_array().size(), 2u);
  EXPECT_EQ(doc.as_object().back().first, "run");
  EXPECT_TRUE(check_summary_json(doc).empty());

  const std::string html = report_html(with, RunInfo{}, {baseline_section(c)});
  const auto section = html.find("<h2>With and without P2P</h2>");
  ASSERT_NE(section, std::string::npos);
  EXPECT_LT(section, html.find("<h2>Key figures</h2>"));  // read first, after the cards
  EXPECT_GT(section, html.find("id=\"key-figures\""));
  EXPECT_NE(html.find("<td>bytes peers carried</td><td>200 B</td><td>20.00 %</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<p class=\"warning\">"), std::string::npos);
  EXPECT_NE(html.find("CDN egress with and without P2P"), std::string::npos);
  EXPECT_NE(html.find("<td>average bitrate (mean)</td><td>3.56 Mbit/s</td><td>2.52 Mbit/s</td>"
                      "<td>-29.2 %</td>"),
            std::string::npos);
}

}  // namespace
}  // namespace p2pcdn::analysis
