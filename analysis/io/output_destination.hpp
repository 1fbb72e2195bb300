// The check a verb makes on its output directory before it simulates anything: an hour of
// simulation must not end in "cannot create directories: Not a directory". It asks the
// filesystem itself (a probe file, statvfs), not the permission bits, since root bypasses the
// bits but not a read-only mount, and a full disk shows in neither.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace p2pcdn::analysis::io {

// Room kept on top of the outputs' expected size: directory entries, block rounding, the
// staging directory.
inline constexpr std::uint64_t kDestinationSlackBytes = 64 * 1024;

// Why `dir` cannot receive `expected_bytes` of outputs, naming the path at fault and the
// reason (not a directory, cannot be created, not writable, too little room); nullopt when it
// can. Creates nothing: a missing `dir` is judged by its nearest existing ancestor.
std::optional<std::string> destination_problem(const std::filesystem::path& dir,
                                               std::uint64_t expected_bytes);

// destination_problem, then creates `dir` (and its parents). Throws std::invalid_argument with
// the reason, prefixed by `what` (e.g. "--out"), when the directory cannot take the outputs.
void prepare_destination(const std::filesystem::path& dir, std::uint64_t expected_bytes,
                         const std::string& what);

// Free bytes an unprivileged user may still write on the filesystem holding `path` (statvfs
// f_bavail); nullopt when it cannot be read.
std::optional<std::uint64_t> free_bytes(const std::filesystem::path& path);

}  // namespace p2pcdn::analysis::io
