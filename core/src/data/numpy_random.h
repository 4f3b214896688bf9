#pragma once
// numpy's default random generator, reproduced so that seeded splits equal Hugging Face datasets'
// (np.random.default_rng(seed) = Generator(PCG64(SeedSequence(seed)))). Only what the split needs.
#include <cstdint>
#include <vector>

namespace captioner::detail {

class NumpyPcg64 {
public:
    explicit NumpyPcg64(std::uint64_t seed); // as np.random.default_rng(seed) for seed >= 0
    std::uint64_t next64();
    std::uint32_t next32(); // numpy buffers: low half of a 64-bit draw first, then the high half
    // numpy's random_interval: uniform in [0, max] by masked rejection, 32-bit draws when max fits.
    std::uint64_t interval(std::uint64_t max);

private:
    unsigned __int128 m_state = 0, m_inc = 0;
    bool m_hasHalf = false;
    std::uint32_t m_half = 0;
};

// SeedSequence(seed).generate_state(words, uint32).
std::vector<std::uint32_t> seedSequenceState(std::uint64_t seed, int words);

} // namespace captioner::detail
