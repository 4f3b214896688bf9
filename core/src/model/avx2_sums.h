#pragma once
// Small AVX2 helpers shared by the CPU row kernels (row_gemv.cpp, row_attention.cpp). Callers check for
// AVX2 and FMA at run time (fp32GemvSupported()) before they call anything compiled for them.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CAPTIONER_AVX2_SUMS 1
#include <immintrin.h>

namespace captioner::detail {

// The eight lanes' sum in a fixed order: halves added, then quarters, then the last two.
__attribute__((target("avx2,fma"))) inline float sumOfEightLanes(__m256 acc) {
    __m128 v = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
    v = _mm_add_ps(v, _mm_movehl_ps(v, v));
    v = _mm_add_ss(v, _mm_movehdup_ps(v));
    return _mm_cvtss_f32(v);
}

} // namespace captioner::detail
#endif
