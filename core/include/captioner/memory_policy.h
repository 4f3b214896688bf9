#pragma once
// Header only (the thin `captioner` executable links no core): how Captioner's programs ask glibc's
// malloc to treat large blocks.
//
// glibc serves blocks over M_MMAP_THRESHOLD with mmap and unmaps them on free, but by default it raises
// that threshold to the size of every such block freed (up to 32 MiB), so later tensors of that size
// come from the heap and stay resident after they are freed. Captioning with git-base at batch 8
// (activations, key/value caches and per-step buffers of 1-30 MB) then peaked at 1,053,424 kB of RSS.
// A fixed threshold turns that adjustment off. At 1 MiB (issue 19's first choice) the peak was 1,012,532
// kB, but every activation of a batch-1 caption over 1 MiB (the vision encoder's [197, 3072] MLP blocks and
// [12, 197, 197] attention scores, ~8.5 MB per layer) was a fresh mapping the kernel zeroed page by page:
// ~22,000 page faults per vision encoder and ~40,000 per image with the prefill. At 4 MiB those come from
// the heap and are reused from layer to layer, while batch 8's larger blocks (a [8, 197, 3072] block is
// 19 MB) are still mapped and returned. Fixing the threshold also fixes glibc's trim threshold (128 KiB
// unless set), which returned the heap's free top after every layer to fault it back in at the next: 32 MiB
// keeps it. `captioner caption` on git-base (random weights, 8 images, 2 cores): batch 1 1.03 -> 0.82 s per
// image, batch 8 11.2 -> 6.7 s, peak RSS 999,556 -> 1,001,388 kB (README.md, Benchmarks,
// Precision modes). Thresholds the user
// set through MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ or GLIBC_TUNABLES stay.
#include <cstdlib>
#include <cstring>
#include <malloc.h>

namespace captioner {

inline void largeAllocationsFromMmap() {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD) && defined(M_TRIM_THRESHOLD)
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    const auto userSet = [tunables](const char* variable, const char* tunable) {
        return std::getenv(variable) != nullptr || (tunables && std::strstr(tunables, tunable));
    };
    if (!userSet("MALLOC_MMAP_THRESHOLD_", "mmap_threshold")) ::mallopt(M_MMAP_THRESHOLD, 4 << 20);
    if (!userSet("MALLOC_TRIM_THRESHOLD_", "trim_threshold")) ::mallopt(M_TRIM_THRESHOLD, 32 << 20);
#endif
}

} // namespace captioner
