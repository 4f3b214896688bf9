#pragma once
// Small helpers the benchmarks share: wall-clock seconds and the process's peak resident memory.
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
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

// "Intel(R) Xeon(R) ... (2 logical CPUs; avx2 avx512f avx512_bf16 amx_bf16)": the CPU every figure
// is measured on, with the vector features that decide fp32/bf16 speed, read at run time.
inline std::string cpuDescription() {
    std::ifstream in("/proc/cpuinfo");
    std::string line, model = "unknown CPU", flags;
    int cpus = 0;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string key = line.substr(0, line.find_last_not_of(" \t", colon - 1) + 1);
        const std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
        if (key == "processor") ++cpus;
        if (key == "model name") model = value;
        if (key == "flags" && flags.empty()) flags = " " + value + " ";
    }
    std::string features;
    for (const char* f : {"avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_int8"})
        if (flags.find(" " + std::string(f) + " ") != std::string::npos)
            features += (features.empty() ? "" : " ") + std::string(f);
    std::ostringstream s;
    s << model << " (" << cpus << " logical CPUs; " << (features.empty() ? "no AVX2" : features) << ")";
    return s.str();
}

} // namespace bench
