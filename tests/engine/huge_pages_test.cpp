// The restart-with-huge-pages decision of sim/huge_pages.hpp: when, and with what value.
#include "sim/huge_pages.hpp"

#include <gtest/gtest.h>

namespace p2pcdn::sim {
namespace {

constexpr std::string_view kMadvise = "always [madvise] never\n";

TEST(HugePages, MadviseModeAddsTheTunable) {
  EXPECT_EQ(huge_page_tunables(kMadvise, nullptr, nullptr), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(huge_page_tunables(kMadvise, "", nullptr), "glibc.malloc.hugetlb=1");
}

TEST(HugePages, KeepsTheUsersOtherTunables) {
  EXPECT_EQ(huge_page_tunables(kMadvise, "glibc.malloc.arena_max=2", nullptr),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
}

TEST(HugePages, NoRestartWhenAlreadySetOrOptedOutOrUseless) {
  // Already set (by the user, or by the restart itself: this ends the loop).
  EXPECT_EQ(huge_page_tunables(kMadvise, "glibc.malloc.hugetlb=1", nullptr), std::nullopt);
  EXPECT_EQ(huge_page_tunables(kMadvise, "glibc.malloc.hugetlb=0", nullptr), std::nullopt);
  EXPECT_EQ(huge_page_tunables(kMadvise, nullptr, "0"), std::nullopt);
  EXPECT_EQ(huge_page_tunables("[always] madvise never\n", nullptr, nullptr), std::nullopt);
  EXPECT_EQ(huge_page_tunables("always madvise [never]\n", nullptr, nullptr), std::nullopt);
  EXPECT_EQ(huge_page_tunables("", nullptr, nullptr), std::nullopt);  // no THP (not Linux)
  // Anything but "0" keeps it on.
  EXPECT_EQ(huge_page_tunables(kMadvise, nullptr, "1"), "glibc.malloc.hugetlb=1");
}

}  // namespace
}  // namespace p2pcdn::sim
