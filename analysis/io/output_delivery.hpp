// Delivering a finished run's outputs so that the run is never lost: they are written into a
// staging directory inside the destination and renamed in only once every file is complete,
// so a write that fails (disk full, directory removed, permissions changed since the
// pre-flight check) leaves the destination's previous outputs as they were; the outputs then
// go to a rescue directory (in the working directory, else the system temp directory) and
// the caller says where. The set is committed as a whole by its manifest (outputs.json,
// analysis/io/output_manifest.hpp): the previous one is removed before the first file is
// renamed in and the new one renamed in after the last, and a rename that fails midway is
// rolled back, so the destination holds the complete previous set or the complete new one. The
// destination is never re-created: a directory removed during the run may have been an unmounted
// share, and writing under its mount point would hide them.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace p2pcdn::analysis::io {

struct OutputSet {
  // The files `write` produces, in the order they are renamed in (then the manifest, which
  // alone says the set is complete).
  std::vector<std::string> files;
  // Writes every file of `files` into the directory given (which exists). Throws on failure.
  std::function<void(const std::filesystem::path&)> write;
};

struct DeliveryOptions {
  // Where a rescue directory may be created, in order. Empty: the working directory, then the
  // system temp directory.
  std::vector<std::filesystem::path> rescue_parents;
  // The rescue directory's name. Empty: "p2pcdn-sim-rescue-<UTC time>-<pid>" (the name goes
  // into no output, so the outputs do not depend on it).
  std::string rescue_name;
  // Test seam: called just before the destination is written (a test removes it, fills its
  // filesystem, or takes its permissions away here).
  std::function<void()> before_write;
  // Test seam: the rename(2) the commit into the destination uses (a test fails one of them,
  // as a disk full or a directory removed between two files would). Empty: ::rename.
  std::function<int(const std::filesystem::path& from, const std::filesystem::path& to)> rename;
};

struct Delivery {
  std::filesystem::path dir;  // where the outputs are
  std::string run_id;         // the set's id in its manifest
  bool rescued = false;       // true: not the destination asked for
  // Only when a rename of the commit failed and undoing it failed too (the destination
  // vanished between two files): some of its files are already the new ones, and it holds no
  // manifest. Otherwise a rescued delivery left it exactly as it was.
  bool destination_partly_replaced = false;
  // Why each place that failed failed, in order ("'<dir>': <reason>").
  std::vector<std::string> failures;
};

// Writes `outputs` into `destination` (an existing directory), else into a rescue directory.
// Throws std::runtime_error listing every failure when no place could take them.
Delivery deliver_outputs(const std::filesystem::path& destination, const OutputSet& outputs,
                         const DeliveryOptions& options = {});

// "p2pcdn-sim-rescue-20261207-112321-4242".
std::string default_rescue_name();

}  // namespace p2pcdn::analysis::io
