// See huge_pages.hpp.
#include "sim/huge_pages.hpp"

namespace p2pcdn::sim {

std::optional<std::string> huge_page_tunables(std::string_view thp_enabled, const char* tunables,
                                              const char* opt_out) {
  if (opt_out != nullptr && std::string_view(opt_out) == "0") return std::nullopt;
  if (thp_enabled.find("[madvise]") == std::string_view::npos) return std::nullopt;
  const std::string_view current = tunables != nullptr ? tunables : "";
  if (current.find("glibc.malloc.hugetlb") != std::string_view::npos) return std::nullopt;
  std::string value(current);
  if (!value.empty()) value += ':';
  value += "glibc.malloc.hugetlb=1";
  return value;
}

}  // namespace p2pcdn::sim
