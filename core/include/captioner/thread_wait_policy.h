#pragma once
// Header only (the thin `captioner` executable links no core): how idle worker threads wait, set in the
// environment before LibTorch's libgomp and OpenBLAS are loaded, since both read it once, at load.
//   - OMP_WAIT_POLICY=PASSIVE: libgomp's threads sleep instead of spinning 300,000 rounds between parallel
//     regions; on a few cores the spinning threads and OpenBLAS's steal each other's time slices (training
//     steps measured 1.6-2x slower).
//   - OPENBLAS_THREAD_TIMEOUT=4: OpenBLAS's threads sleep after 2^4 cycles without work instead of 2^28
//     (~0.1 s here) spent calling sched_yield. After the vision encoder's matrix products its thread spun
//     on through the first ~10 decoding steps and took the core the row kernels' partner thread needed: a
//     git-base fp32 step with the partner took 18-21 ms then, 8.9-10 ms with the timeout (the thread choice
//     of generation.cpp kept the partner in 11 of 12 captions instead of 2). Waking OpenBLAS's thread for
//     each of the vision encoder's matrix products costs no measurable time: git-base's encoder took
//     238-300 ms at 2^28 and 252-266 ms at 2^4 in step_bench (min of 5, two runs each, alternating), within
//     this machine's noise (README.md, Benchmarks, Precision modes).
// A value the user set stays.
#include <cstdlib>

namespace captioner {

inline constexpr const char* kOpenBlasThreadTimeout = "4";

inline bool threadWaitPolicySet() {
    return std::getenv("OMP_WAIT_POLICY") != nullptr && std::getenv("OPENBLAS_THREAD_TIMEOUT") != nullptr;
}

// Returns false where the environment could not be changed.
inline bool setThreadWaitPolicy() {
    return ::setenv("OMP_WAIT_POLICY", "PASSIVE", 0) == 0 &&
           ::setenv("OPENBLAS_THREAD_TIMEOUT", kOpenBlasThreadTimeout, 0) == 0;
}

} // namespace captioner
