#include "captioner/runtime.h"

#include "captioner/version.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <thread>

namespace captioner {

int hardwareThreads() {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

int configureThreads(int n) {
    at::set_num_threads(n <= 0 ? hardwareThreads() : n);
    return at::get_num_threads();
}

int currentThreads() { return at::get_num_threads(); }

std::string version() { return CAPTIONER_VERSION; }

std::string torchDescription() {
    std::string s = "LibTorch " TORCH_VERSION;
    s += torch::cuda::is_available() ? " (CUDA available)" : " (CPU only)";
    return s;
}

} // namespace captioner
