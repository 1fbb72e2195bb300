// Running a partitioned run (run.partition: region): each partition is a whole simulation of
// its regions' viewers; threads take partitions in any order and the outputs are merged in
// partition order, so the result never depends on the thread count. Internal to sim/host.
#pragma once
#include <vector>

#include "analysis/metrics/collector.hpp"
#include "models/scenario/scenario.hpp"
#include "sim/host/simulation.hpp"

namespace p2pcdn::sim {

struct PartitionOutput {
  SimulationResult result;             // this partition alone (its summary, stats, checks)
  analysis::MetricsCollector metrics;  // kept with its concurrency log, for the merge
  TimeUs end_us = 0;                   // where it stopped (the run's end unless partial)
};

// One partition: the viewers whose region is in owned_regions (sim/host/simulation.cpp).
PartitionOutput simulate_partition(const models::Scenario& scenario,
                                   const SimulationOptions& options,
                                   std::vector<bool> owned_regions);

// Runs every partition on up to options.threads threads (0: all cores) and merges them.
SimulationResult simulate_partitions(const models::Scenario& scenario,
                                     const SimulationOptions& options,
                                     const std::vector<std::vector<bool>>& partitions);

// The run's result from its partitions' outputs, in partition order: metrics merged exactly
// (MetricsCollector::merge), counters summed, checks concatenated (each named by its
// partition), memory per viewer weighted by each partition's live viewers.
SimulationResult merge_partitions(std::vector<PartitionOutput>& parts);

}  // namespace p2pcdn::sim
