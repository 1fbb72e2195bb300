// A PoP outage seen from the viewers' requests: failed HTTP requests are retried with a
// backoff, not in a tight loop. Regression test for the retry storm found by these tests
// (70e74b5: ~1 700 requests per viewer in a 30 s outage), fixed in the scheduler by 86a0c02.
#include <gtest/gtest.h>

#include "tests/sim/sim_test_support.hpp"

namespace p2pcdn::sim {
namespace {

// When the only PoP is down every HTTP request fails at once. A player retries with a delay
// (hls.js fragLoadPolicy.errorRetry: 1 s, growing to 8 s). Expected: at most one retry per
// viewer per second on average over a 10 s outage.
TEST(Outage, HttpFailuresAreRetriedWithBackoff) {
  const auto base = testing::small({"audience.session.zapper_fraction=0"});
  auto with_outage = base;
  with_outage.push_back("cdn.outages=[{pop: iad, at_s: 40, until_s: 50}]");
  const testing::Run normal = testing::run(testing::load("smoke.yaml", base));
  const testing::Run outage = testing::run(testing::load("smoke.yaml", with_outage));
  ASSERT_TRUE(outage.result.violations.empty()) << testing::violations_text(outage.result);
  const double extra_requests = static_cast<double>(outage.result.host.http_transfers) -
                                static_cast<double>(normal.result.host.http_transfers);
  const double viewer_seconds = static_cast<double>(outage.result.summary.peak_concurrency) * 10;
  EXPECT_LE(extra_requests, viewer_seconds * 1.0)
      << "HTTP requests during a 10 s outage: " << extra_requests << " for "
      << outage.result.summary.peak_concurrency << " viewers";
}

}  // namespace
}  // namespace p2pcdn::sim
