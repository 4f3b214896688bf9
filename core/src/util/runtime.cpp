#include "captioner/runtime.h"

#include "captioner/cuda_info.h"
#include "captioner/error.h"
#include "captioner/thread_wait_policy.h"
#include "captioner/version.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <cstdlib>
#include <unistd.h>
#include <dlfcn.h>
#include <filesystem>
#include <thread>
#include <vector>

namespace captioner {

int hardwareThreads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

// at::set_num_threads does not reach OpenBLAS's own pool: left alone it spins up one thread per core
// on top of LibTorch's and halves matmul throughput when fewer threads were asked for.
void setBlasThreads(int n) {
    using SetThreads = void (*)(int);
    if (auto f = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) f(n);
}

int currentBlasThreads() {
    using GetThreads = int (*)();
    const auto f = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return f ? f() : 0;
}

void preferPassiveThreadWaiting(char** argv) {
    if (threadWaitPolicySet() || argv == nullptr || argv[0] == nullptr) return;
    if (!setThreadWaitPolicy()) return;
    // Setting it before libgomp's initialiser from the program's .preinit_array does not work with glibc:
    // its own initialiser, which runs after that entry, hands every library the original environment
    // again (OMP_DISPLAY_ENV=VERBOSE showed libgomp's default GOMP_SPINCOUNT 300000, not 0). Only a
    // process that starts with the variable gets the policy.
    ::execv("/proc/self/exe", argv);
    // exec failed (no /proc, say): carry on with the active policy; the variables stay set so a child
    // process started later does not try again.
}

std::string blasSummaryLine() {
    using Config = char* (*)();
    const auto config = reinterpret_cast<Config>(dlsym(RTLD_DEFAULT, "openblas_get_config"));
    const int threads = currentBlasThreads();
    if (!config || threads <= 0) return "BLAS: not OpenBLAS (its thread settings do not apply)";
    std::string line = "BLAS: ";
    if (const char* c = config()) line += c;
    else line += "OpenBLAS";
    line += "; " + std::to_string(threads) + " thread" + (threads == 1 ? "" : "s");
    const char* timeout = std::getenv("OPENBLAS_THREAD_TIMEOUT");
    line += timeout ? std::string("; idle threads sleep after 2^") + timeout +
                          " cycles (OPENBLAS_THREAD_TIMEOUT=" + timeout + ")"
                    : std::string("; idle threads spin 2^28 cycles before they sleep (OPENBLAS_THREAD_TIMEOUT unset)");
    return line;
}

int configureThreads(int n) {
    const int threads = n <= 0 ? hardwareThreads() : n;
    at::set_num_threads(threads);
    setBlasThreads(threads);
    return at::get_num_threads();
}

int currentThreads() { return at::get_num_threads(); }

std::string version() { return CAPTIONER_VERSION; }

std::string torchDescription() {
    std::string s = "LibTorch " TORCH_VERSION;
    // A CUDA build on a machine without a GPU is not "CPU only": say which of the two it is.
    if (torch::cuda::is_available()) s += " (CUDA available)";
    else s += cudaBuiltIn() ? " (CUDA built in, no GPU visible)" : " (CPU only)";
    return s;
}

} // namespace captioner

namespace captioner {

std::string executableDir() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

#ifdef CAPTIONER_DATA_FROM_CORE_DIR // set by core/CMakeLists.txt
namespace {
// The folder of libcaptioner_core itself: a program outside the prefix (linked through
// find_package(Captioner)) still finds the data installed beside the library, wherever the prefix is.
std::string coreLibraryDir() {
    Dl_info info{};
    if (dladdr(reinterpret_cast<const void*>(&findDataFile), &info) == 0 || !info.dli_fname) return {};
    std::error_code ec;
    const auto path = std::filesystem::canonical(info.dli_fname, ec);
    return ec ? std::string() : path.parent_path().string();
}
} // namespace
#endif

std::string findDataFile(const std::string& name) {
    std::vector<std::string> dirs;
    if (const char* env = std::getenv("CAPTIONER_DATA_DIR"); env && *env) dirs.push_back(env);
    if (const auto exe = executableDir(); !exe.empty()) dirs.push_back(exe + "/../share/captioner");
#ifdef CAPTIONER_DATA_FROM_CORE_DIR
    if (const auto lib = coreLibraryDir(); !lib.empty()) dirs.push_back(lib + "/" CAPTIONER_DATA_FROM_CORE_DIR);
#endif
    dirs.push_back(CAPTIONER_DATA_INSTALL_DIR);
    dirs.push_back(CAPTIONER_DATA_SOURCE_DIR);
    std::string searched;
    for (const auto& d : dirs) {
        const auto p = std::filesystem::path(d) / name;
        if (std::filesystem::is_regular_file(p)) return p.lexically_normal().string();
        searched += (searched.empty() ? "" : ", ") + d;
    }
    throw Error(name, "data file not found (searched " + searched + "); set CAPTIONER_DATA_DIR");
}

} // namespace captioner
