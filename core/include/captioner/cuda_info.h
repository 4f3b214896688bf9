#pragma once
// What CUDA this process can use, for `captioner info`, the app's status bar and bug reports. Torch-free
// header. Where LibTorch was built without CUDA (Debian's 1.13) the list is empty and the summary says so.
#include <cstdint>
#include <string>
#include <vector>

namespace captioner {

struct CudaDeviceInfo {
    int index = 0;
    std::string name;         // "NVIDIA H100 80GB HBM3"
    int major = 0, minor = 0; // compute capability
    int multiprocessors = 0;
    uint64_t totalMemory = 0; // bytes
    uint64_t freeMemory = 0;  // bytes, as the driver reports it now (other processes included)
};

// True when this LibTorch has CUDA compiled in (libtorch_cuda), whether or not a device is visible.
bool cudaBuiltIn();
// The visible devices; empty without CUDA support or without a device.
std::vector<CudaDeviceInfo> cudaDevices();
// One line per device, "cuda:0 NVIDIA H100 80GB HBM3, 79.2 GiB (78.8 GiB free), compute 9.0, 132 SMs",
// or one line saying why there is none: "CUDA: not built into this LibTorch (CPU only)" or
// "CUDA: built in (CUDA 13.0), but no device is visible".
std::vector<std::string> cudaSummaryLines();

} // namespace captioner
