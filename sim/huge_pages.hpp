// Whether the p2pcdn-sim process should restart itself with glibc's transparent-huge-page
// malloc tunable. Pure decision (inputs in, new GLIBC_TUNABLES value out): the exec itself is
// in sim/cli/main.cpp. Never changes a simulated result: only where the allocator puts memory.
#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace p2pcdn::sim {

// The environment variable that turns the restart off ("0").
inline constexpr const char* kHugePagesEnv = "P2PCDN_HUGE_PAGES";

// Why: a large run touches one viewer's state per event, scattered over GBs; with 4 KB pages
// nearly every such access also misses the TLB. 2 MB pages cut the CPU time of live-1h at
// 300 000 viewers by ~22 % (bench/scale/README.md). glibc only backs malloc with them when
// GLIBC_TUNABLES has glibc.malloc.hugetlb=1, read once at process start, hence a restart.
//
// Returns the GLIBC_TUNABLES value to restart with, or nullopt to go on as is:
//  - thp_enabled: the text of /sys/kernel/mm/transparent_hugepage/enabled ("" if unreadable);
//    only "[madvise]" needs the tunable ("[always]" already backs the heap, "[never]" cannot);
//  - tunables: the current GLIBC_TUNABLES (nullptr if unset); any hugetlb setting in it is the
//    user's choice and is kept (which also ends the restart loop);
//  - opt_out: the value of P2PCDN_HUGE_PAGES (nullptr if unset); "0" turns this off.
std::optional<std::string> huge_page_tunables(std::string_view thp_enabled, const char* tunables,
                                              const char* opt_out);

}  // namespace p2pcdn::sim
