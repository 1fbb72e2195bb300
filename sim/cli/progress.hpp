// Progress display on stderr: a bar redrawn in place on a terminal, a plain
// line every few seconds otherwise (logs, CI). Reads the wall clock for display
// only: nothing it does can change a simulation result.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace p2pcdn::cli {

class Progress {
 public:
  Progress(std::string label, double sim_end_s, bool enabled);
  // Called often by the run loop; redraws at most ~5 times a second.
  void update(double sim_now_s, std::uint64_t events, std::uint64_t viewers);
  // Final line (keeps the bar on screen on a terminal).
  void finish(double sim_now_s, std::uint64_t events, bool partial);

 private:
  std::string label_;
  double sim_end_s_;
  bool enabled_;
  bool terminal_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

// "1:02:03" from seconds.
std::string format_clock(double seconds);

}  // namespace p2pcdn::cli
