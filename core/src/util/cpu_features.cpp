// What the CPU can do for the precision modes (captioner/inference_precision.h): /proc/cpuinfo on Linux,
// cpuid elsewhere on x86-64, and the availability rules built on it.
#include "captioner/error.h"
#include "captioner/inference_precision.h"

#include <ATen/Context.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace captioner {
namespace {

std::string trim(const std::string& s) {
    const auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos) return {};
    return s.substr(begin, s.find_last_not_of(" \t\r") + 1 - begin);
}

// Without /proc/cpuinfo (macOS, Windows): the bits the precision modes look at, under Linux's flag names.
CpuCapabilities cpuCapabilitiesFromCpuid() {
    CpuCapabilities cpu;
#if defined(__x86_64__) || defined(__i386__)
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid_count(1, 0, &a, &b, &c, &d)) {
        if (c & (1u << 12)) cpu.flags.push_back("fma");
        if (c & (1u << 28)) cpu.flags.push_back("avx");
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        if (b & (1u << 5)) cpu.flags.push_back("avx2");
        if (b & (1u << 16)) cpu.flags.push_back("avx512f");
        if (c & (1u << 11)) cpu.flags.push_back("avx512_vnni");
        if (d & (1u << 22)) cpu.flags.push_back("amx_bf16");
        if (d & (1u << 25)) cpu.flags.push_back("amx_int8");
    }
    if (__get_cpuid_count(7, 1, &a, &b, &c, &d)) {
        if (a & (1u << 4)) cpu.flags.push_back("avx_vnni");
        if (a & (1u << 5)) cpu.flags.push_back("avx512_bf16");
    }
    unsigned brand[12] = {};
    if (__get_cpuid(0x80000000u, &a, &b, &c, &d) && a >= 0x80000004u) {
        for (unsigned i = 0; i < 3; ++i)
            __get_cpuid(0x80000002u + i, &brand[4 * i], &brand[4 * i + 1], &brand[4 * i + 2], &brand[4 * i + 3]);
        cpu.modelName = trim(std::string(reinterpret_cast<const char*>(brand), sizeof brand).c_str());
    }
#endif
    std::sort(cpu.flags.begin(), cpu.flags.end());
    return cpu;
}

std::string cpuName(const CpuCapabilities& cpu) { return cpu.modelName.empty() ? "unknown model" : cpu.modelName; }

} // namespace

bool CpuCapabilities::has(const std::string& flag) const {
    return std::binary_search(flags.begin(), flags.end(), flag);
}

CpuCapabilities cpuCapabilitiesFromCpuinfo(const std::string& procCpuinfo) {
    CpuCapabilities cpu;
    std::istringstream in(procCpuinfo);
    std::string line;
    bool seenFlags = false;
    while (std::getline(in, line)) {
        if (trim(line).empty() && (seenFlags || !cpu.modelName.empty())) break; // the first processor only
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
        if (key == "model name" && cpu.modelName.empty()) cpu.modelName = value;
        if ((key == "flags" || key == "Features") && !seenFlags) { // x86 / ARM
            std::istringstream words(value);
            for (std::string w; words >> w;) cpu.flags.push_back(w);
            seenFlags = true;
        }
    }
    std::sort(cpu.flags.begin(), cpu.flags.end());
    cpu.flags.erase(std::unique(cpu.flags.begin(), cpu.flags.end()), cpu.flags.end());
    return cpu;
}

CpuCapabilities detectCpuCapabilities() {
    static const CpuCapabilities cpu = [] {
        // Test hook: another machine's /proc/cpuinfo, so refusals can be checked on any CPU.
        const char* fake = std::getenv("CAPTIONER_CPUINFO");
        std::ifstream f(fake && *fake ? fake : "/proc/cpuinfo");
        if (f) {
            std::ostringstream text;
            text << f.rdbuf();
            CpuCapabilities parsed = cpuCapabilitiesFromCpuinfo(text.str());
            if (!parsed.flags.empty()) return parsed;
        }
        return cpuCapabilitiesFromCpuid();
    }();
    return cpu;
}

PrecisionAvailability bf16Availability(const CpuCapabilities& cpu, bool torchHasOneDnn) {
    std::string native;
    if (cpu.has("amx_bf16")) native = "AMX-BF16";
    else if (cpu.has("avx512_bf16")) native = "AVX512-BF16";
    if (native.empty())
        return {false, "this CPU (" + cpuName(cpu) +
                           ") has no native bf16 (AVX512-BF16/AMX); bf16 would be slower than fp32; use int8 or fp32"};
    if (!torchHasOneDnn)
        return {false, "this LibTorch is built without oneDNN, so it cannot use the CPU's " + native +
                           "; bf16 would be slower than fp32; use int8 or fp32"};
    return {true, "native bf16 (" + native + ") through oneDNN on this CPU (" + cpuName(cpu) + ")"};
}

PrecisionAvailability bf16Availability() { return bf16Availability(detectCpuCapabilities(), at::hasMKLDNN()); }

std::vector<std::string> precisionSummaryLines() {
    const CpuCapabilities cpu = detectCpuCapabilities();
    std::string flags;
    for (const char* f : {"avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_bf16", "amx_int8"})
        if (cpu.has(f)) flags += std::string(flags.empty() ? "" : " ") + f;
    const PrecisionAvailability bf16 = bf16Availability(), int8 = int8Availability();
    return {"cpu: " + cpuName(cpu) + " (" + (flags.empty() ? "none of avx2/avx512/amx" : flags) + ")",
            std::string("precision bf16: ") + (bf16.available ? "available, " : "not available: ") + bf16.detail,
            std::string("precision int8: ") + (int8.available ? "available, " : "not available: ") + int8.detail};
}

} // namespace captioner
