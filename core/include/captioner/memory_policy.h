#pragma once
// Header only (the thin `captioner` executable links no core): how Captioner's programs ask glibc's
// malloc to treat large blocks.
//
// glibc serves blocks over M_MMAP_THRESHOLD with mmap and unmaps them on free, but by default it raises
// that threshold to the size of every such block freed (up to 32 MiB), so later tensors of that size
// come from the heap and stay resident after they are freed. Captioning with git-base at batch 8
// (activations, key/value caches and per-step buffers of 1-30 MB) then peaked at 1,053,424 kB of RSS;
// with a fixed 1 MiB threshold (which also turns the adjustment off) 1,012,532 kB, with the same
// captions and time (/usr/bin/time -v, 2 loaded cores). A threshold the user set through
// MALLOC_MMAP_THRESHOLD_ or GLIBC_TUNABLES stays.
#include <cstdlib>
#include <cstring>
#include <malloc.h>

namespace captioner {

inline void largeAllocationsFromMmap() {
#if defined(__GLIBC__) && defined(M_MMAP_THRESHOLD)
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (std::getenv("MALLOC_MMAP_THRESHOLD_") || (tunables && std::strstr(tunables, "mmap_threshold"))) return;
    ::mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

} // namespace captioner
