// timeseries.csv writer.
#include "analysis/report/timeseries_csv.hpp"

#include "analysis/io/atomic_file.hpp"
#include "analysis/io/csv.hpp"

namespace p2pcdn::analysis {

std::string timeseries_csv(const Summary& s, const RunInfo* info) {
  io::CsvWriter w;
  if (info != nullptr) w.field("scenario").field("seed").field("policy");
  for (const char* h : {"t_start_s", "t_end_s", "viewers", "viewers_peak", "cdn_gbps", "p2p_gbps",
                        "turn_gbps", "offload", "stalling_share", "mean_bitrate_kbps"}) {
    w.field(h);
  }
  for (const auto& pop : s.pops) w.field("cdn_gbps." + pop);
  w.end_row();
  for (const auto& r : s.timeseries) {
    if (info != nullptr) w.field(info->scenario_name).field(info->seed).field(info->policy);
    w.field(r.t_start_s).field(r.t_end_s).field(r.viewers).field(r.viewers_peak);
    w.field(r.cdn_gbps).field(r.p2p_gbps).field(r.turn_gbps).field(r.offload);
    w.field(r.stalling_share).field(r.mean_bitrate_kbps);
    for (const double v : r.cdn_gbps_by_pop) w.field(v);
    w.end_row();
  }
  return w.str();
}

void write_timeseries_csv(const std::filesystem::path& path, const Summary& summary,
                          const RunInfo* info) {
  io::write_file_atomic(path, timeseries_csv(summary, info));
}

std::string timeseries_pops_csv(const Summary& s, const RunInfo* info) {
  io::CsvWriter w;
  if (info != nullptr) w.field("scenario").field("seed").field("policy");
  for (const char* h : {"t_start_s", "t_end_s", "pop", "cdn_gbps"}) w.field(h);
  w.end_row();
  for (const auto& r : s.timeseries) {
    for (std::size_t p = 0; p < s.pops.size(); ++p) {
      if (info != nullptr) w.field(info->scenario_name).field(info->seed).field(info->policy);
      w.field(r.t_start_s).field(r.t_end_s).field(s.pops[p]);
      w.field(p < r.cdn_gbps_by_pop.size() ? r.cdn_gbps_by_pop[p] : 0.0);
      w.end_row();
    }
  }
  return w.str();
}

void write_timeseries_pops_csv(const std::filesystem::path& path, const Summary& summary,
                               const RunInfo* info) {
  io::write_file_atomic(path, timeseries_pops_csv(summary, info));
}

}  // namespace p2pcdn::analysis
