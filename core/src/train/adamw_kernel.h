#pragma once
// One pass of AdamW over a float32 parameter (see adamw_kernel.cpp).
#include <cstdint>

namespace captioner::detail {

// The per-element scalars of one AdamW step, as torch 1.13's single-tensor AdamW hands them to its
// float kernels (each double scalar rounded to float once).
struct AdamWScalars {
    float decay; // 1 - lr * weight_decay
    float beta1, oneMinusBeta1;
    float beta2, oneMinusBeta2;
    float sqrtBiasCorrection2;
    float eps;
    float negStepSize; // -lr / bias_correction1
};

// True where adamwFloatStep can run (x86-64 with AVX2 and FMA, as LibTorch's own AVX2 kernels).
bool adamwFloatStepAvailable();

// In place, for i < n: param *= decay; expAvg = fma(grad, 1 - beta1, expAvg * beta1);
// expAvgSq = fma((1 - beta2) * grad, grad, expAvgSq * beta2);
// param += (-step_size * expAvg) / (sqrt(expAvgSq) / sqrt(bc2) + eps) - bit for bit what
// mul_, mul_().add_(), mul_().addcmul_(), sqrt() / x + eps and addcdiv_ compute on LibTorch 1.13's CPU
// kernels (whose vector and scalar paths both fuse the two multiply-adds).
void adamwFloatStep(float* param, const float* grad, float* expAvg, float* expAvgSq, int64_t n, const AdamWScalars& s);

} // namespace captioner::detail
