// libFuzzer target for the peer-message decoder: any bytes must decode or fail cleanly,
// and a decoded message must re-encode to exactly the input (the encoding is canonical).
// Built only with clang and -DP2PCDN_FUZZ=ON; see fuzz/CMakeLists.txt.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "p2pcdn/scheduler/wire.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace p2pcdn::sched;
  const auto bytes = std::span<const std::byte>(reinterpret_cast<const std::byte*>(data), size);
  const auto result = wire::decode(bytes);
  if (!result.ok()) {
    if (result.status().code() == Errc::kOk || result.status().detail() == nullptr) {
      std::abort();
    }
    return 0;
  }
  std::array<std::byte, wire::kMaxMessageBytes> buf{};
  const std::size_t n = wire::encode(result.value(), buf);
  if (n != size || std::memcmp(buf.data(), data, size) != 0) {
    std::abort();
  }
  return 0;
}
