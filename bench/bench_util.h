#pragma once
// Small helpers the benchmarks share: wall-clock seconds and the process's peak resident memory.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <thread>
#include <vector>

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

// The machine's streaming read rate in GB/s with `threads` threads (best of 5 passes over 256 MiB): what
// batch-1 decoding is bound by, and on a shared virtual machine it moves with the neighbours' load, so the
// caption figures are printed beside it.
inline double memoryReadGBs(int threads) {
    static std::vector<uint64_t> buffer(size_t(256) << 17, 1); // 256 MiB, touched once
    threads = std::max(1, threads);
    std::vector<uint64_t> sums(size_t(threads) * 8);
    double best = 1e30;
    for (int pass = 0; pass < 5; ++pass) {
        const auto t0 = Clock::now();
        std::vector<std::thread> pool;
        const size_t chunk = buffer.size() / size_t(threads);
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                uint64_t sum = 0; // integer sums vectorise (float sums would be bound by the add latency)
                const uint64_t* p = buffer.data() + size_t(t) * chunk;
                for (size_t i = 0; i < chunk; ++i) sum += p[i];
                sums[size_t(t) * 8] = sum;
            });
        for (auto& th : pool) th.join();
        best = std::min(best, since(t0));
    }
    return double(buffer.size() * sizeof(uint64_t)) / best / 1e9;
}

} // namespace bench
