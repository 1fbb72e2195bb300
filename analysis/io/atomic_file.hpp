// Output files written whole or not at all: data goes to `name.tmp.<pid>` in the
// same directory, is fsync'ed and renamed over the target. Never leaves a temp
// file or a half-written target behind, even when the writer throws.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

namespace p2pcdn::analysis::io {

// One atomic output file. Write any number of chunks, then commit(). If the
// object is destroyed without commit() (an exception, an early return), the
// temp file is removed and the target is untouched.
class AtomicFile {
 public:
  // Creates the temp file; throws std::runtime_error naming the path on failure.
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);  // throws std::runtime_error naming the path
  // fsync, close, rename over the target, fsync the directory. Throws (and removes
  // the temp) on failure.
  void commit();

  const std::filesystem::path& path() const { return path_; }
  const std::filesystem::path& temp_path() const { return temp_path_; }

 private:
  void abandon() noexcept;

  std::filesystem::path path_;
  std::filesystem::path temp_path_;
  int fd_ = -1;
  bool committed_ = false;
};

// The temp name used for `path`: `<dir>/<name>.tmp.<pid>`.
std::filesystem::path temp_path_for(const std::filesystem::path& path);

// Writes `content` to `path` atomically.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

// Lets `produce` append the content; if it throws, nothing is written and the
// exception propagates.
void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(AtomicFile&)>& produce);

// Reads a whole file; throws std::runtime_error naming the path on failure.
std::string read_file(const std::filesystem::path& path);

}  // namespace p2pcdn::analysis::io
