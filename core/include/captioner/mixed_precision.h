#pragma once
// The mixed-precision machinery behind a Precision choice (captioner/precision.h): autocast while the
// model runs, as torch.autocast does, and torch.cuda.amp.GradScaler's dynamic loss scaling for fp16.
// Needs LibTorch; the trainer, the evaluation and benchmarks use it.
#include "captioner/precision.h"

#include <torch/types.h>

#include <cstdint>

namespace captioner {

// Throws Error when the combination cannot run: fp16 autocast exists on CUDA only (as in PyTorch).
void checkPrecisionSupported(Precision precision, const torch::Device& device);

// Enables autocast for `device` with the precision's type while alive and restores the previous
// state after (nesting like torch.autocast, clearing the cast cache when the outermost one ends).
// Fp32 does nothing. Autocast state is thread-local: construct it on the thread that runs the model.
class AutocastGuard {
public:
    AutocastGuard(const torch::Device& device, Precision precision);
    ~AutocastGuard();
    AutocastGuard(const AutocastGuard&) = delete;
    AutocastGuard& operator=(const AutocastGuard&) = delete;

private:
    bool m_active = false;
    bool m_cuda = false;
    bool m_wasEnabled = false;
    at::ScalarType m_previousType = at::kFloat;
};

// torch.cuda.amp.GradScaler's dynamic loss scale with its defaults: start at 2^16; a step whose
// gradients hold Inf/NaN is skipped and halves the scale; 2000 good steps in a row double it.
// Disabled (scale 1, never skipping) for fp32 and bf16. Plain state, saved with the trainer state.
class LossScaler {
public:
    explicit LossScaler(bool enabled, double initialScale = 65536.0, double growthFactor = 2.0,
                        double backoffFactor = 0.5, int64_t growthInterval = 2000);
    bool enabled() const { return m_enabled; }
    double scale() const { return m_enabled ? m_scale : 1.0; }
    // Call after each optimizer step attempt with whether the unscaled gradients were all finite.
    void update(bool gradientsFinite);
    int64_t goodSteps() const { return m_goodSteps; }
    void restore(double scale, int64_t goodSteps); // from a checkpoint; throws Error for scale <= 0

private:
    bool m_enabled;
    double m_scale;
    double m_growthFactor, m_backoffFactor;
    int64_t m_growthInterval;
    int64_t m_goodSteps = 0;
};

} // namespace captioner
