// AdamW's element-wise update in one pass. LibTorch runs it as nine separate operations per
// parameter tensor, each a dispatch and a sweep over memory: for a small model (the demo's 334,628
// parameters in 80 tensors) that was 1.7 ms of a 25 ms training step, serial between the
// data-parallel passes. This file is compiled with -ffp-contract=off (see core/CMakeLists.txt): the
// only fused multiply-adds are the two written out, where LibTorch's kernels fuse too.
#include "adamw_kernel.h"

#include <cmath>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

namespace captioner::detail {

#if defined(__x86_64__) && defined(__GNUC__)

bool adamwFloatStepAvailable() {
    static const bool available = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return available;
}

namespace {

__attribute__((target("avx2,fma"))) inline float one(float p, float g, float& m, float& v, const AdamWScalars& s) {
    const float decayed = p * s.decay;
    m = std::fma(g, s.oneMinusBeta1, m * s.beta1);
    v = std::fma(s.oneMinusBeta2 * g, g, v * s.beta2);
    const float denom = std::sqrt(v) / s.sqrtBiasCorrection2 + s.eps;
    return decayed + (s.negStepSize * m) / denom;
}

} // namespace

__attribute__((target("avx2,fma"))) void adamwFloatStep(float* param, const float* grad, float* expAvg, float* expAvgSq,
                                                        int64_t n, const AdamWScalars& s) {
    const __m256 decay = _mm256_set1_ps(s.decay), beta1 = _mm256_set1_ps(s.beta1),
                 oneMinusBeta1 = _mm256_set1_ps(s.oneMinusBeta1), beta2 = _mm256_set1_ps(s.beta2),
                 oneMinusBeta2 = _mm256_set1_ps(s.oneMinusBeta2), bc2 = _mm256_set1_ps(s.sqrtBiasCorrection2),
                 eps = _mm256_set1_ps(s.eps), step = _mm256_set1_ps(s.negStepSize);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 g = _mm256_loadu_ps(grad + i);
        const __m256 p = _mm256_mul_ps(_mm256_loadu_ps(param + i), decay);
        const __m256 m = _mm256_fmadd_ps(g, oneMinusBeta1, _mm256_mul_ps(_mm256_loadu_ps(expAvg + i), beta1));
        const __m256 v =
            _mm256_fmadd_ps(_mm256_mul_ps(oneMinusBeta2, g), g, _mm256_mul_ps(_mm256_loadu_ps(expAvgSq + i), beta2));
        const __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(v), bc2), eps);
        _mm256_storeu_ps(param + i, _mm256_add_ps(p, _mm256_div_ps(_mm256_mul_ps(step, m), denom)));
        _mm256_storeu_ps(expAvg + i, m);
        _mm256_storeu_ps(expAvgSq + i, v);
    }
    for (; i < n; ++i) param[i] = one(param[i], grad[i], expAvg[i], expAvgSq[i], s);
}

#else

bool adamwFloatStepAvailable() { return false; }

void adamwFloatStep(float*, const float*, float*, float*, int64_t, const AdamWScalars&) {}

#endif

} // namespace captioner::detail
