// Atomic output files (temp + fsync + rename), POSIX.
#include "analysis/io/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace p2pcdn::analysis::io {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int err) {
  throw std::runtime_error(what + " '" + path.string() + "': " + std::strerror(err));
}

}  // namespace

std::filesystem::path temp_path_for(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(static_cast<long long>(::getpid()));
  return tmp;
}

AtomicFile::AtomicFile(std::filesystem::path path)
    : path_(std::move(path)), temp_path_(temp_path_for(path_)) {
  if (path_.filename().empty()) {
    throw std::runtime_error("cannot write '" + path_.string() + "': not a file name");
  }
  fd_ = ::open(temp_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create", temp_path_, errno);
}

AtomicFile::~AtomicFile() {
  if (!committed_) abandon();
}

void AtomicFile::abandon() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  ::unlink(temp_path_.c_str());
}

void AtomicFile::write(std::string_view data) {
  if (fd_ < 0) throw std::logic_error("AtomicFile::write after commit: " + path_.string());
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      abandon();
      fail("cannot write", temp_path_, err);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void AtomicFile::commit() {
  if (fd_ < 0) throw std::logic_error("AtomicFile::commit twice: " + path_.string());
  if (::fsync(fd_) != 0) {
    const int err = errno;
    abandon();
    fail("cannot fsync", temp_path_, err);
  }
  if (::close(fd_) != 0) {
    const int err = errno;
    fd_ = -1;
    abandon();
    fail("cannot close", temp_path_, err);
  }
  fd_ = -1;
  if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    abandon();
    fail("cannot rename temp file to", path_, err);
  }
  committed_ = true;
  // Make the rename itself durable; a failure here does not undo a complete file.
  std::filesystem::path dir = path_.parent_path();
  if (dir.empty()) dir = ".";
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  file.commit();
}

void write_file_atomic(const std::filesystem::path& path,
                       const std::function<void(AtomicFile&)>& produce) {
  AtomicFile file(path);
  produce(file);
  file.commit();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open '" + path.string() + "' for reading");
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw std::runtime_error("cannot read '" + path.string() + "'");
  return ss.str();
}

}  // namespace p2pcdn::analysis::io
