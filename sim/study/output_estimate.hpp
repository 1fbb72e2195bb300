// How many bytes a verb's outputs will take, estimated from the scenario before it runs, so
// that a destination without room for them is refused before the first event. Upper bounds
// (every CSV field at its widest, every plot at its point cap), checked against real outputs
// in tests/sim/output_estimate_test.cpp; they only decide whether a directory has room.
#pragma once
#include <cstddef>
#include <cstdint>

#include "models/scenario/scenario.hpp"

namespace p2pcdn::sim {

// summary.json + timeseries.csv + report.html of one run.
// timeseries.csv alone (one run's; also what --keep-replications adds per replication).
std::uint64_t estimate_timeseries_bytes(const models::Scenario& scenario);
std::uint64_t estimate_run_output_bytes(const models::Scenario& scenario);

// What `run --replications N` adds: replications.json and replications.csv.
std::uint64_t estimate_replications_output_bytes(std::size_t replications);

// sweep.csv + sweep.html of a grid of `points` points.
std::uint64_t estimate_sweep_output_bytes(std::size_t points);

// compare.json + compare.html of `replications` paired replications.
std::uint64_t estimate_compare_output_bytes(std::size_t replications);

}  // namespace p2pcdn::sim
