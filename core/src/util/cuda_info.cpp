#include "captioner/cuda_info.h"

#include <torch/cuda.h>

#ifdef CAPTIONER_WITH_CUDA // set by core/CMakeLists.txt when Torch's CMake config has torch_cuda
#include <ATen/cuda/CUDAContext.h>
#include <cuda_runtime_api.h>
#endif

#include <cstdio>

namespace captioner {

namespace {
std::string gib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
    return buf;
}
} // namespace

bool cudaBuiltIn() {
#ifdef CAPTIONER_WITH_CUDA
    return true;
#else
    return false;
#endif
}

std::vector<CudaDeviceInfo> cudaDevices() {
    std::vector<CudaDeviceInfo> out;
#ifdef CAPTIONER_WITH_CUDA
    if (!torch::cuda::is_available()) return out;
    const int n = static_cast<int>(torch::cuda::device_count());
    for (int i = 0; i < n; ++i) {
        const cudaDeviceProp* p = at::cuda::getDeviceProperties(i);
        CudaDeviceInfo d;
        d.index = i;
        d.name = p->name;
        d.major = p->major;
        d.minor = p->minor;
        d.multiprocessors = p->multiProcessorCount;
        d.totalMemory = p->totalGlobalMem;
        size_t freeBytes = 0, totalBytes = 0;
        int previous = 0;
        // cudaMemGetInfo answers for the current device; put it back so the caller's device stays.
        if (cudaGetDevice(&previous) == cudaSuccess && cudaSetDevice(i) == cudaSuccess) {
            if (cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess) d.freeMemory = freeBytes;
            cudaSetDevice(previous);
        }
        out.push_back(d);
    }
#endif
    return out;
}

std::vector<std::string> cudaSummaryLines() {
    if (!cudaBuiltIn()) return {"CUDA: not built into this LibTorch (CPU only)"};
    std::string runtime;
#ifdef CAPTIONER_WITH_CUDA
    runtime = std::to_string(CUDART_VERSION / 1000) + "." + std::to_string(CUDART_VERSION % 1000 / 10);
#endif
    const auto devices = cudaDevices();
    if (devices.empty())
        return {"CUDA: built in (CUDA " + runtime + "), but no device is visible (no GPU, or no NVIDIA driver)"};
    std::vector<std::string> lines;
    for (const auto& d : devices)
        lines.push_back("cuda:" + std::to_string(d.index) + " " + d.name + ", " + gib(d.totalMemory) + " (" +
                        gib(d.freeMemory) + " free), compute " + std::to_string(d.major) + "." +
                        std::to_string(d.minor) + ", " + std::to_string(d.multiprocessors) + " SMs, CUDA " + runtime);
    return lines;
}

} // namespace captioner
