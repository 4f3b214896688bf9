#pragma once
// Process-wide runtime settings of the core: LibTorch thread count and where plugins live.
// LibTorch defaults to one thread on some machines, so every front end calls configureThreads()
// at start-up (0 = all cores).
#include <string>

namespace captioner {

int hardwareThreads();
// Sets LibTorch intra-op threads; n <= 0 means all cores. Returns the number in effect.
int configureThreads(int n);
int currentThreads();
// Version string of the core library.
std::string version();
// Description of LibTorch build (version, CUDA availability), for --version and About boxes.
std::string torchDescription();

} // namespace captioner
