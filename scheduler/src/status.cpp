#include "p2pcdn/scheduler/status.hpp"

namespace p2pcdn::sched {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::kOk:
      return "ok";
    case Errc::kTruncated:
      return "truncated";
    case Errc::kBadVersion:
      return "bad version";
    case Errc::kUnknownType:
      return "unknown type";
    case Errc::kBadLength:
      return "bad length";
    case Errc::kOutOfRange:
      return "out of range";
    case Errc::kTrailingBytes:
      return "trailing bytes";
    case Errc::kInvalidArgument:
      return "invalid argument";
    case Errc::kCapacityExceeded:
      return "capacity exceeded";
    case Errc::kUnknownPeer:
      return "unknown peer";
    case Errc::kUnknownTransfer:
      return "unknown transfer";
    case Errc::kProtocolViolation:
      return "protocol violation";
    case Errc::kRateLimited:
      return "rate limited";
  }
  return "unknown error";  // a value outside the enum (cast from an integer)
}

}  // namespace p2pcdn::sched
