#include "sim/cli/output_guard.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

#include "analysis/io/output_destination.hpp"

namespace p2pcdn::cli {

analysis::io::DestinationLock check_output_dir(const std::filesystem::path& out,
                                               std::uint64_t expected_bytes) {
  analysis::io::prepare_destination(out, expected_bytes, "output directory");
  try {
    return analysis::io::DestinationLock::acquire(out);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("output directory: ") + e.what());
  }
}

analysis::io::Delivery deliver(const std::filesystem::path& out,
                               const analysis::io::OutputSet& outputs) {
  analysis::io::Delivery delivery = analysis::io::deliver_outputs(out, outputs);
  if (delivery.rescued) {
    std::fprintf(stderr, "p2pcdn-sim: could not write the outputs where asked:\n");
    for (const auto& failure : delivery.failures) std::fprintf(stderr, "  %s\n", failure.c_str());
    std::fprintf(
        stderr, "p2pcdn-sim: the outputs are in '%s' instead; %s\n", delivery.dir.string().c_str(),
        delivery.destination_partly_replaced ? "some files of the destination were already replaced"
                                             : "what the destination held before is untouched");
  }
  return delivery;
}

int exit_status(int status, const analysis::io::Delivery& delivery) {
  return status == 0 && delivery.rescued ? kExitOutputsRescued : status;
}

}  // namespace p2pcdn::cli
