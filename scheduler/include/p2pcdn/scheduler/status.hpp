// Errors a peer or the host can cause, as values: no exception crosses the
// scheduler's API. Broken invariants are asserts, never Status.
#pragma once
#include <cstdint>
#include <utility>
#include <variant>

namespace p2pcdn::sched {

enum class Errc : std::uint8_t {
  kOk = 0,
  kTruncated,          // message shorter than its fields say
  kBadVersion,         // protocol version we do not speak
  kUnknownType,        // message type we do not know
  kBadLength,          // a length/count field out of its bound
  kOutOfRange,         // a field's value outside its domain
  kTrailingBytes,      // bytes after a complete message
  kInvalidArgument,    // the host passed something invalid
  kCapacityExceeded,   // a bounded table is full
  kUnknownPeer,        // input names a peer we do not know
  kUnknownTransfer,    // input names a transfer we do not know
  kProtocolViolation,  // well-formed but not allowed now (e.g. unsolicited data)
  kRateLimited,        // peer sends requests faster than allowed
};

// Static description of an error code (never null).
const char* errc_name(Errc code);

class [[nodiscard]] Status {
 public:
  constexpr Status() = default;
  constexpr Status(Errc code, const char* detail) : code_(code), detail_(detail) {}
  static constexpr Status ok_status() { return Status(); }
  [[nodiscard]] constexpr bool ok() const { return code_ == Errc::kOk; }
  [[nodiscard]] constexpr Errc code() const { return code_; }
  // Static string naming the field or rule that failed; "" when ok.
  [[nodiscard]] constexpr const char* detail() const { return detail_; }

 private:
  Errc code_ = Errc::kOk;
  const char* detail_ = "";
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status error) : value_(error) {}        // NOLINT: must not be ok()
  [[nodiscard]] bool ok() const { return std::holds_alternative<T>(value_); }
  [[nodiscard]] const T& value() const& { return std::get<T>(value_); }
  [[nodiscard]] T& value() & { return std::get<T>(value_); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(value_)); }
  [[nodiscard]] Status status() const { return ok() ? Status() : std::get<Status>(value_); }

 private:
  std::variant<T, Status> value_;
};

}  // namespace p2pcdn::sched
