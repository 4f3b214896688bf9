#pragma once
// Process-wide runtime settings of the core: LibTorch thread count and where plugins live.
// LibTorch defaults to one thread on some machines, so every front end calls configureThreads()
// at start-up (0 = all cores).
#include <string>

namespace captioner {

int hardwareThreads();

// LibTorch's OpenMP pool (libgomp) and OpenBLAS's pool both spin while they wait for work; on a few
// cores the two steal each other's time slices (training steps measured 1.6-2x slower here). Both read
// their settings once, when they are loaded, before main() runs, so this sets the thread wait policy
// (thread_wait_policy.h: OMP_WAIT_POLICY=PASSIVE, OPENBLAS_THREAD_TIMEOUT) and re-executes the program
// once with the same arguments. It does nothing when both variables are already set (by the user or by
// the first pass) or /proc/self/exe is unavailable. Call first in main().
void preferPassiveThreadWaiting(char** argv);
// Sets LibTorch intra-op threads and OpenBLAS's pool to the same count; n <= 0 means all cores. Returns
// the number in effect.
int configureThreads(int n);
// For `captioner info`: the BLAS LibTorch's CPU matrix products run on, and, for OpenBLAS, its kernel set,
// thread count and how long its idle threads spin (OPENBLAS_THREAD_TIMEOUT as this process was started with;
// OpenBLAS read it when it was loaded). One line.
std::string blasSummaryLine();
int currentThreads();
// OpenBLAS's own pool, which at::set_num_threads does not reach: looked up at run time, since the BLAS
// LibTorch uses is Debian's alternatives' choice. currentBlasThreads() is 0 and setBlasThreads() does
// nothing where that BLAS is not OpenBLAS.
void setBlasThreads(int n);
int currentBlasThreads();
// Version string of the core library.
std::string version();
// Description of LibTorch build (version, CUDA availability), for --version and About boxes.
std::string torchDescription();

// Directory of the running executable ("" if unknown).
std::string executableDir();
// Finds a file shipped with Captioner (e.g. "bert-base-uncased-vocab.txt"): $CAPTIONER_DATA_DIR,
// <exe>/../share/captioner, the install prefix, then the source tree's resources/data.
// Throws Error naming the file and the places searched when it is nowhere.
std::string findDataFile(const std::string& name);

} // namespace captioner
