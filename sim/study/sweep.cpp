#include "sim/study/sweep.hpp"

#include <fmt/format.h>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>

#include "analysis/io/csv.hpp"
#include "models/scenario/loader.hpp"
#include "sim/host/run_checks.hpp"

namespace p2pcdn::study {

VaryAxis parse_vary(const std::string& spec) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0)
    throw std::invalid_argument("--vary: expected key.path=v1,v2,..., got '" + spec + "'");
  VaryAxis axis;
  axis.key = spec.substr(0, eq);
  const std::string list = spec.substr(eq + 1);
  std::size_t start = 0;
  for (;;) {
    const auto comma = list.find(',', start);
    std::string v = list.substr(start, comma == std::string::npos ? comma : comma - start);
    if (v.empty())
      throw std::invalid_argument("--vary " + axis.key + ": empty value in '" + list + "'");
    axis.values.push_back(std::move(v));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return axis;
}

std::vector<GridPoint> expand_grid(const std::vector<VaryAxis>& axes) {
  if (axes.empty()) throw std::invalid_argument("sweep needs at least one --vary key=v1,v2,...");
  std::set<std::string> keys;
  for (const auto& a : axes) {
    if (!keys.insert(a.key).second)
      throw std::invalid_argument("--vary: key '" + a.key + "' is varied twice");
    if (a.values.empty()) throw std::invalid_argument("--vary " + a.key + ": no values");
  }
  std::vector<GridPoint> grid(1);
  for (const auto& axis : axes) {
    std::vector<GridPoint> next;
    for (const auto& p : grid) {
      for (const auto& v : axis.values) {
        GridPoint q = p;
        q.values.push_back(v);
        q.sets.push_back(axis.key + "=" + v);
        next.push_back(std::move(q));
      }
    }
    grid = std::move(next);
  }
  return grid;
}

models::Scenario load_with_sets(const std::string& path, const std::vector<std::string>& sets) {
  auto loaded = models::load_scenario(path, sets, sim::runnable_check());
  if (!loaded.errors.empty()) {
    std::string msg = std::to_string(loaded.errors.size()) + " error(s) in " + path + ":\n";
    msg += models::format_errors(loaded.errors);
    msg.pop_back();  // the last '\n'
    throw std::invalid_argument(msg);
  }
  return std::move(*loaded.scenario);
}

std::vector<AudienceFit> fit_audience(const std::vector<VaryAxis>& axes,
                                      const std::vector<GridPoint>& grid,
                                      const std::vector<std::vector<ReplicationResult>>& runs,
                                      const std::string& metric) {
  std::vector<AudienceFit> fits;
  std::size_t audience_axis = axes.size();
  for (std::size_t a = 0; a < axes.size(); ++a)
    if (axes[a].key == kAudienceKey) audience_axis = a;
  if (audience_axis == axes.size()) return fits;
  // Group points by the other keys' values, in first-seen order.
  std::vector<std::string> order;
  std::map<std::string, std::pair<std::vector<double>, std::vector<double>>> groups;
  for (std::size_t p = 0; p < grid.size(); ++p) {
    std::string group;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      if (a == audience_axis) continue;
      if (!group.empty()) group += ", ";
      group += axes[a].key + "=" + grid[p].values[a];
    }
    double x = 0;
    try {
      x = std::stod(grid[p].values[audience_axis]);
    } catch (const std::exception&) {
      continue;
    }
    if (!groups.count(group)) order.push_back(group);
    auto& [xs, ys] = groups[group];
    for (const auto& r : runs[p]) {
      const double y = metric_value(r.metrics, metric);
      if (std::isfinite(y) && y > 0 && x > 0) {
        xs.push_back(x);
        ys.push_back(y);
      }
    }
  }
  for (const auto& group : order) {
    const auto& [xs, ys] = groups[group];
    const std::set<double> distinct(xs.begin(), xs.end());
    if (distinct.size() < 3) continue;
    AudienceFit f;
    f.group = group;
    f.viewers = xs;
    f.values = ys;
    try {
      f.fit = analysis::fit_line(xs, ys, analysis::Scale::kLogLog);
      f.extrapolate_to = 10 * *distinct.rbegin();
      f.prediction = analysis::predict(f.fit, f.extrapolate_to);
    } catch (const std::invalid_argument&) {
      continue;  // degenerate (e.g. identical values): no fit to report
    }
    fits.push_back(std::move(f));
  }
  return fits;
}

SweepResult run_sweep(const SweepOptions& options) {
  const std::vector<GridPoint> grid = expand_grid(options.axes);
  // Load every point first so a bad value fails before hours of simulation.
  std::vector<models::Scenario> scenarios;
  for (const auto& p : grid) {
    std::vector<std::string> sets = options.base_sets;
    sets.insert(sets.end(), p.sets.begin(), p.sets.end());
    scenarios.push_back(load_with_sets(options.scenario_path, sets));
  }
  SweepResult result;
  result.report.scenario_path = options.scenario_path;
  result.report.scenario_name = scenarios.front().name;
  for (const auto& a : options.axes) result.report.keys.push_back(a.key);
  result.report.replications = options.replication.replications;
  for (std::size_t i = 0; i < grid.size(); ++i) {
    ReplicationOptions ro = options.replication;
    ro.keep_first_outcome = false;
    ReplicationSet set;
    try {
      set = run_replications(scenarios[i], ro);
    } catch (const std::exception& e) {
      std::string label;
      for (const auto& kv : grid[i].sets) label += (label.empty() ? "" : ", ") + kv;
      throw std::runtime_error("sweep point " + label + ": " + e.what());
    }
    // A point interrupted mid-run (Ctrl-C) is left out whole: its statistics would mix spans.
    if (whole_runs(set.runs).size() != set.runs.size()) break;
    analysis::SweepReportPoint point;
    point.values = grid[i].values;
    for (const auto& s : set.stats) point.metrics.push_back({s.name, s.ci});
    result.report.points.push_back(std::move(point));
    result.runs.push_back(std::move(set.runs));
    if (options.on_point) options.on_point(i + 1, grid.size());
    if (options.replication.stop != nullptr && options.replication.stop->load()) break;
  }
  const std::vector<GridPoint> done(grid.begin(),
                                    grid.begin() + static_cast<std::ptrdiff_t>(result.runs.size()));
  result.fits = fit_audience(options.axes, done, result.runs);
  for (const auto& f : result.fits) {
    analysis::AudienceFitChart chart;
    chart.group = f.group;
    chart.viewers = f.viewers;
    chart.values = f.values;
    chart.fit = f.fit;
    chart.extrapolate_to = f.extrapolate_to;
    result.report.audience_fits.push_back(std::move(chart));
    result.report.notes.push_back(fmt::format(
        "CDN peak vs audience{}: cdn.peak_gbps = {:.4g} x viewers^{:.3f} (log-log OLS, n = {}, "
        "R² = {:.3f}, slope ± SE {:.3f} ± {:.3f}). Extrapolated to {:.4g} viewers: {:.4g} Gbit/s "
        "(95 % prediction interval {:.4g} – {:.4g}; fitted-line CI {:.4g} – {:.4g}).",
        f.group.empty() ? "" : " (" + f.group + ")", std::exp(f.fit.intercept), f.fit.slope,
        f.fit.n, f.fit.r_squared, f.fit.slope, f.fit.slope_se, f.extrapolate_to, f.prediction.value,
        f.prediction.low, f.prediction.high, f.prediction.mean_low, f.prediction.mean_high));
  }
  return result;
}

std::string sweep_csv(const SweepResult& result) {
  analysis::io::CsvWriter w;
  std::vector<std::string> header = result.report.keys;
  for (const char* c : {"metric", "mean", "stddev", "ci_low", "ci_high", "n"}) header.push_back(c);
  w.row(header);
  for (const auto& p : result.report.points) {
    for (const auto& m : p.metrics) {
      for (const auto& v : p.values) w.field(v);
      w.field(m.name)
          .field(m.ci.mean)
          .field(m.ci.stddev)
          .field(m.ci.low)
          .field(m.ci.high)
          .field(static_cast<std::uint64_t>(m.ci.n));
      w.end_row();
    }
  }
  return w.str();
}

}  // namespace p2pcdn::study
