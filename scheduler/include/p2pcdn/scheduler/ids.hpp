// Time and identifier types shared by the agent, the tracker and the wire code.
// Strong ids so a PeerId is never mistaken for a TransferId.
#pragma once
#include <cstdint>
#include <limits>

namespace p2pcdn::sched {

using TimeUs = std::int64_t;  // the host's monotonic clock, microseconds
inline constexpr TimeUs kNever = std::numeric_limits<TimeUs>::max();

enum class PeerId : std::uint32_t {};      // chosen by the host, stable while connected
enum class TransferId : std::uint32_t {};  // chosen by the agent, echoed back by the host

struct SegmentKey {
  std::uint32_t index = 0;
  std::uint16_t rendition = 0;
  friend constexpr bool operator==(const SegmentKey&, const SegmentKey&) = default;
};

}  // namespace p2pcdn::sched
