#pragma once
// SplitMix64: turns structured seeds (seed, epoch, index) into well-mixed 64-bit generator seeds, so
// derived streams are independent and reproducible whatever order or thread consumes them.
#include <cstdint>

namespace captioner::detail {

inline uint64_t splitMix64(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

} // namespace captioner::detail
