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

void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Every file complete in a staging directory first, then renamed in: until the first rename
// the destination holds exactly what it held before.
std::optional<std::string> write_staged(const fs::path& destination, const OutputSet& outputs,
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
  if (auto failure = write_all(staging, outputs)) {
    fs::remove_all(staging, ec);
    return failure;
  }
  for (std::size_t i = 0; i < outputs.files.size(); ++i) {
    const std::string& file = outputs.files[i];
    if (::rename((staging / file).c_str(), (destination / file).c_str()) != 0) {
      const int err = errno;
      fs::remove_all(staging, ec);
      partly_replaced = i > 0;
      return "cannot move " + quoted(staging / file) + " in: " + std::strerror(err);
    }
  }
  fs::remove(staging, ec);
  sync_directory(destination);
  return std::nullopt;
}

// A fresh directory of our own: on failure it is removed again, never reused.
std::optional<std::string> write_rescue(const fs::path& dir, const OutputSet& outputs) {
  if (::mkdir(dir.c_str(), 0755) != 0)
    return "cannot create " + quoted(dir) + ": " + std::strerror(errno);
  if (auto failure = write_all(dir, outputs)) {
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
  if (options.before_write) options.before_write();
  auto failure = write_staged(destination, outputs, delivery.destination_partly_replaced);
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
    failure = write_rescue(dir, outputs);
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
