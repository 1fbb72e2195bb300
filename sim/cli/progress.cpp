#include "sim/cli/progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace p2pcdn::cli {

std::string format_clock(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  const auto total = static_cast<long long>(seconds + 0.5);
  const long long h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return fmt::format("{}:{:02}:{:02}", h, m, s);
  return fmt::format("{}:{:02}", m, s);
}

Progress::Progress(std::string label, double sim_end_s, bool enabled)
    : label_(std::move(label)),
      sim_end_s_(sim_end_s),
      enabled_(enabled),
      terminal_(isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(double sim_now_s, std::uint64_t events, std::uint64_t viewers) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const auto since_draw = std::chrono::duration<double>(now - last_draw_).count();
  if (since_draw < (terminal_ ? 0.2 : 10.0)) return;
  last_draw_ = now;
  const double wall = std::chrono::duration<double>(now - start_).count();
  const double fraction = sim_end_s_ > 0 ? std::clamp(sim_now_s / sim_end_s_, 0.0, 1.0) : 0.0;
  const double rate = wall > 0 ? static_cast<double>(events) / wall : 0.0;
  const double eta = fraction > 0 ? wall * (1 - fraction) / fraction : 0.0;
  if (terminal_) {
    constexpr int kWidth = 28;
    const int filled = static_cast<int>(fraction * kWidth);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %s/%s sim  %.2fM ev/s  %llu viewers  ETA %s   ", label_.c_str(),
                 bar.c_str(), format_clock(sim_now_s).c_str(), format_clock(sim_end_s_).c_str(),
                 rate / 1e6, static_cast<unsigned long long>(viewers), format_clock(eta).c_str());
  } else {
    std::fprintf(stderr, "%s: %5.1f%%  sim %s/%s  %.2fM ev/s  %llu viewers  ETA %s\n",
                 label_.c_str(), fraction * 100, format_clock(sim_now_s).c_str(),
                 format_clock(sim_end_s_).c_str(), rate / 1e6,
                 static_cast<unsigned long long>(viewers), format_clock(eta).c_str());
  }
  std::fflush(stderr);
}

void Progress::finish(double sim_now_s, std::uint64_t events, bool partial) {
  if (!enabled_) return;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::fprintf(stderr, "%s%s: %s simulated in %s wall, %llu events (%.2fM ev/s)%s\n",
               terminal_ ? "\r\033[K" : "", label_.c_str(), format_clock(sim_now_s).c_str(),
               format_clock(wall).c_str(), static_cast<unsigned long long>(events),
               wall > 0 ? static_cast<double>(events) / wall / 1e6 : 0.0,
               partial ? "  [stopped early: partial results]" : "");
}

}  // namespace p2pcdn::cli
