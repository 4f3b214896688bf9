#pragma once
// Small helpers the benchmarks share: wall-clock seconds and the process's peak resident memory.
#include <chrono>
#include <sys/resource.h>

namespace bench {

using Clock = std::chrono::steady_clock;

inline double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// High-water mark of resident memory so far, MiB (getrusage ru_maxrss).
inline double peakRssMiB() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_maxrss) / 1024.0;
}

} // namespace bench
