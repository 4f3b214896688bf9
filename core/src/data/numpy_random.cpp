#include "data/numpy_random.h"

#include "captioner/dataset_split.h"

#include <numeric>

namespace captioner::detail {
namespace {

// Constants of numpy.random.SeedSequence (bit_generator.pyx).
constexpr std::uint32_t kInitA = 0x43b0d7e5, kMultA = 0x931e8875;
constexpr std::uint32_t kInitB = 0x8b51f9dd, kMultB = 0x58f38ded;
constexpr std::uint32_t kMixMultL = 0xca01f9dd, kMixMultR = 0x4973f715;
constexpr int kPoolSize = 4;

std::uint32_t hashmix(std::uint32_t value, std::uint32_t& hashConst) {
    value ^= hashConst;
    hashConst *= kMultA;
    value *= hashConst;
    value ^= value >> 16;
    return value;
}

std::uint32_t mix(std::uint32_t x, std::uint32_t y) {
    std::uint32_t r = kMixMultL * x - kMixMultR * y;
    r ^= r >> 16;
    return r;
}

} // namespace

std::vector<std::uint32_t> seedSequenceState(std::uint64_t seed, int words) {
    // The integer entropy as little-endian 32-bit words (at least one word, even for 0).
    std::vector<std::uint32_t> entropy;
    do {
        entropy.push_back(std::uint32_t(seed & 0xffffffffu));
        seed >>= 32;
    } while (seed != 0);

    std::uint32_t pool[kPoolSize];
    std::uint32_t hashConst = kInitA;
    for (int i = 0; i < kPoolSize; ++i) pool[i] = hashmix(i < int(entropy.size()) ? entropy[i] : 0u, hashConst);
    for (int src = 0; src < kPoolSize; ++src)
        for (int dst = 0; dst < kPoolSize; ++dst)
            if (src != dst) pool[dst] = mix(pool[dst], hashmix(pool[src], hashConst));
    for (size_t src = kPoolSize; src < entropy.size(); ++src)
        for (int dst = 0; dst < kPoolSize; ++dst) pool[dst] = mix(pool[dst], hashmix(entropy[src], hashConst));

    std::vector<std::uint32_t> out(words);
    std::uint32_t h = kInitB;
    for (int i = 0; i < words; ++i) {
        std::uint32_t v = pool[i % kPoolSize];
        v ^= h;
        h *= kMultB;
        v *= h;
        v ^= v >> 16;
        out[i] = v;
    }
    return out;
}

namespace {
using u128 = unsigned __int128;
constexpr u128 kMultiplier = (u128(2549297995355413924ULL) << 64) | u128(4865540595714422341ULL);
} // namespace

NumpyPcg64::NumpyPcg64(std::uint64_t seed) {
    const std::vector<std::uint32_t> w = seedSequenceState(seed, 8);
    auto word64 = [&](int i) { return std::uint64_t(w[2 * i]) | (std::uint64_t(w[2 * i + 1]) << 32); };
    const u128 initState = (u128(word64(0)) << 64) | word64(1);
    const u128 initSeq = (u128(word64(2)) << 64) | word64(3);
    // pcg_setseq_128_srandom_r
    m_state = 0;
    m_inc = (initSeq << 1) | 1u;
    m_state = m_state * kMultiplier + m_inc;
    m_state += initState;
    m_state = m_state * kMultiplier + m_inc;
}

std::uint64_t NumpyPcg64::next64() {
    m_state = m_state * kMultiplier + m_inc;
    // XSL-RR output of the new state.
    const std::uint64_t x = std::uint64_t(m_state >> 64) ^ std::uint64_t(m_state);
    const unsigned rot = unsigned(m_state >> 122);
    return (x >> rot) | (x << ((64 - rot) & 63));
}

std::uint32_t NumpyPcg64::next32() {
    if (m_hasHalf) {
        m_hasHalf = false;
        return m_half;
    }
    const std::uint64_t v = next64();
    m_hasHalf = true;
    m_half = std::uint32_t(v >> 32);
    return std::uint32_t(v);
}

std::uint64_t NumpyPcg64::interval(std::uint64_t max) {
    if (max == 0) return 0;
    std::uint64_t mask = max;
    for (int shift = 1; shift < 64; shift *= 2) mask |= mask >> shift;
    std::uint64_t value;
    if (max <= 0xffffffffULL) {
        while ((value = (next32() & mask)) > max) {}
    } else {
        while ((value = (next64() & mask)) > max) {}
    }
    return value;
}

} // namespace captioner::detail

namespace captioner {

std::vector<std::size_t> numpyPermutation(std::size_t n, std::uint64_t seed) {
    std::vector<std::size_t> p(n);
    std::iota(p.begin(), p.end(), std::size_t(0));
    detail::NumpyPcg64 rng(seed);
    // Generator.shuffle: Fisher-Yates from the end, j drawn by random_interval (masked rejection).
    for (std::size_t i = n; i-- > 1;) {
        const std::size_t j = std::size_t(rng.interval(i));
        std::swap(p[i], p[j]);
    }
    return p;
}

} // namespace captioner
