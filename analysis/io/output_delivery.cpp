// Staged delivery of a run's outputs, with a rescue directory when the destination fails.
#include "analysis/io/output_delivery.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <exception>
#include <optional>
#include <stdexcept>
#include <system_error>

#include "analysis/io/atomic_file.hpp"
#include "analysis/io/output_commit.hpp"
#include "analysis/io/output_manifest.hpp"

namespace p2pcdn::analysis::io {
namespace {

namespace fs = std::filesystem;

// Appended piece by piece: "'" + string + "'" trips a GCC 12 -Wrestrict false positive.
std::string quoted(const fs::path& path) {
  std::string text = "'";
  text += path.string();
  text += '\'';
  return text;
}

// Runs the writer into `dir` and checks it produced every file it promised.
std::optional<std::string> write_all(const fs::path& dir, const OutputSet& outputs) {
  try {
    outputs.write(dir);
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  for (const std::string& file : outputs.files) {
    std::error_code ec;
    if (!fs::is_regular_file(dir / file, ec)) return quoted(dir / file) + " was not written";
  }
  return std::nullopt;
}

// The manifest of the files `write_all` produced in `dir`, written into it.
std::optional<std::string> write_manifest(const fs::path& dir, const OutputSet& outputs,
                                          const std::string& run_id) {
  try {
    Manifest manifest{run_id, {}};
    for (const std::string& file : outputs.files)
      manifest.files.push_back(describe_file(dir, file));
    write_file_atomic(dir / kManifestName, manifest_json(manifest));
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

// Every file complete in a staging directory first, then committed: until the commit the
// destination holds exactly what it held before, and a commit that fails is undone.
std::optional<std::string> write_staged(const fs::path& destination, const OutputSet& outputs,
                                        const std::string& run_id, const DeliveryOptions& options,
                                        bool& partly_replaced) {
  struct stat info {};
  if (::stat(destination.c_str(), &info) != 0)
    return std::string("no longer there (") + std::strerror(errno) + ")";
  if (!S_ISDIR(info.st_mode)) return std::string("no longer a directory");
  const fs::path staging = destination / (".p2pcdn-sim-staging." + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove_all(staging, ec);  // a leftover of a killed run that had this pid
  if (::mkdir(staging.c_str(), 0755) != 0)
    return "cannot create " + quoted(staging) + ": " + std::strerror(errno);
  auto failure = write_all(staging, outputs);
  if (!failure) failure = write_manifest(staging, outputs, run_id);
  if (!failure) {
    const CommitOutcome commit = commit_set(staging, destination, outputs.files, options.rename);
    failure = commit.failure;
    partly_replaced = commit.partly_replaced;
  }
  fs::remove_all(staging, ec);
  return failure;
}

// A fresh directory of our own: on failure it is removed again, never reused.
std::optional<std::string> write_rescue(const fs::path& dir, const OutputSet& outputs,
                                        const std::string& run_id) {
  if (::mkdir(dir.c_str(), 0755) != 0)
    return "cannot create " + quoted(dir) + ": " + std::strerror(errno);
  auto failure = write_all(dir, outputs);
  if (!failure) failure = write_manifest(dir, outputs, run_id);
  if (failure) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    return failure;
  }
  return std::nullopt;
}

std::vector<fs::path> default_rescue_parents() {
  std::vector<fs::path> parents;
  std::error_code ec;
  if (fs::path cwd = fs::current_path(ec); !ec) parents.push_back(cwd);
  if (fs::path tmp = fs::temp_directory_path(ec); !ec && (parents.empty() || tmp != parents[0]))
    parents.push_back(tmp);
  return parents;
}

}  // namespace

std::string default_rescue_name() {
  const std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &utc);
  return "p2pcdn-sim-rescue-" + std::string(stamp) + "-" + std::to_string(::getpid());
}

Delivery deliver_outputs(const fs::path& destination, const OutputSet& outputs,
                         const DeliveryOptions& options) {
  Delivery delivery;
  delivery.run_id = new_run_id();
  if (options.before_write) options.before_write();
  auto failure = write_staged(destination, outputs, delivery.run_id, options,
                              delivery.destination_partly_replaced);
  if (!failure) {
    delivery.dir = destination;
    return delivery;
  }
  delivery.failures.push_back(quoted(destination) + ": " + *failure);
  const std::vector<fs::path> parents =
      options.rescue_parents.empty() ? default_rescue_parents() : options.rescue_parents;
  const std::string name =
      options.rescue_name.empty() ? default_rescue_name() : options.rescue_name;
  for (const fs::path& parent : parents) {
    const fs::path dir = parent / name;
    failure = write_rescue(dir, outputs, delivery.run_id);
    if (!failure) {
      delivery.dir = dir;
      delivery.rescued = true;
      return delivery;
    }
    delivery.failures.push_back(quoted(dir) + ": " + *failure);
  }
  std::string message = "the outputs could not be written anywhere:";
  for (const std::string& f : delivery.failures) message += "\n  " + f;
  throw std::runtime_error(message);
}

}  // namespace p2pcdn::analysis::io
