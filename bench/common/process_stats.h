// What the benchmarks report about their own process and the machine: CPU
// time used so far and the load average, so every figure says how busy the
// two shared cores were.
#ifndef MICROREACH_BENCH_COMMON_PROCESS_STATS_H_
#define MICROREACH_BENCH_COMMON_PROCESS_STATS_H_

#include <string>

namespace microreach::bench {

// User + system CPU seconds of this process (all threads).
double SelfCpuSeconds();

// The 1-, 5- and 15-minute load averages, as /proc/loadavg prints them.
std::string LoadAverage();

}  // namespace microreach::bench

#endif  // MICROREACH_BENCH_COMMON_PROCESS_STATS_H_
