// The CLI's side of the output directory: checked before the first event (so a wrong --out
// costs a second, not the run), and the outputs delivered after it, to a rescue directory if
// the destination fails by then (analysis/io/output_delivery.hpp), one run at a time per
// directory. Printing and exit status.
#pragma once
#include <cstdint>
#include <filesystem>

#include "analysis/io/destination_lock.hpp"
#include "analysis/io/output_delivery.hpp"

namespace p2pcdn::cli {

// Exit status of a run whose outputs went to a rescue directory instead of --out.
inline constexpr int kExitOutputsRescued = 4;

// Throws std::invalid_argument naming `out` and why it cannot take `expected_bytes` of outputs,
// or that another run is writing it; creates and locks it otherwise. Hold the lock until the
// outputs are delivered.
[[nodiscard]] analysis::io::DestinationLock check_output_dir(const std::filesystem::path& out,
                                                             std::uint64_t expected_bytes);

// Writes `outputs` into `out`, else a rescue directory, and says so on stderr. Returns where.
analysis::io::Delivery deliver(const std::filesystem::path& out,
                               const analysis::io::OutputSet& outputs);

// `status` of a verb, or kExitOutputsRescued for a whole run whose outputs were rescued.
int exit_status(int status, const analysis::io::Delivery& delivery);

}  // namespace p2pcdn::cli
