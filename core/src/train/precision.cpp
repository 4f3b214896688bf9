#include "captioner/precision.h"
#include "captioner/mixed_precision.h"

#include "captioner/error.h"

#include "util/torch_compat.h"

#include <ATen/autocast_mode.h>

namespace captioner {

namespace {

// Both builds must compile without deprecation warnings (see util/torch_compat.h).
#if CAPTIONER_TORCH_AUTOCAST_BY_DEVICE
bool autocastEnabled(bool cuda) { return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU); }
void setAutocastEnabled(bool cuda, bool on) { at::autocast::set_autocast_enabled(cuda ? at::kCUDA : at::kCPU, on); }
at::ScalarType autocastType(bool cuda) { return at::autocast::get_autocast_dtype(cuda ? at::kCUDA : at::kCPU); }
void setAutocastType(bool cuda, at::ScalarType t) { at::autocast::set_autocast_dtype(cuda ? at::kCUDA : at::kCPU, t); }
#else
bool autocastEnabled(bool cuda) { return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled(); }
void setAutocastEnabled(bool cuda, bool on) {
    if (cuda) at::autocast::set_enabled(on);
    else at::autocast::set_cpu_enabled(on);
}
at::ScalarType autocastType(bool cuda) {
    return cuda ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
}
void setAutocastType(bool cuda, at::ScalarType t) {
    if (cuda) at::autocast::set_autocast_gpu_dtype(t);
    else at::autocast::set_autocast_cpu_dtype(t);
}
#endif

} // namespace

std::string precisionName(Precision precision) {
    switch (precision) {
    case Precision::Fp32: return "fp32";
    case Precision::Bf16: return "bf16";
    case Precision::Fp16: return "fp16";
    }
    return "fp32";
}

Precision parsePrecision(const std::string& name) {
    if (name == "fp32" || name == "float32") return Precision::Fp32;
    if (name == "bf16" || name == "bfloat16") return Precision::Bf16;
    if (name == "fp16" || name == "float16") return Precision::Fp16;
    throw Error("precision", "unknown precision '" + name + "' (valid: fp32, bf16, fp16)");
}

void checkPrecisionSupported(Precision precision, const torch::Device& device) {
    if (precision == Precision::Fp16 && !device.is_cuda())
        throw Error("precision", "fp16 mixed precision needs a CUDA device (PyTorch's autocast has no fp16 on " +
                                     device.str() + "); use bf16 or fp32 there");
}

AutocastGuard::AutocastGuard(const torch::Device& device, Precision precision) {
    if (precision == Precision::Fp32) return;
    checkPrecisionSupported(precision, device);
    m_cuda = device.is_cuda();
    m_active = true;
    m_wasEnabled = autocastEnabled(m_cuda);
    m_previousType = autocastType(m_cuda);
    setAutocastEnabled(m_cuda, true);
    setAutocastType(m_cuda, precision == Precision::Bf16 ? at::kBFloat16 : at::kHalf);
    at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
    if (!m_active) return;
    // The cast cache holds low-precision copies of the weights; it must go when the outermost
    // region ends or the next step would use stale copies after the optimizer changed the weights.
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    setAutocastEnabled(m_cuda, m_wasEnabled);
    setAutocastType(m_cuda, m_previousType);
}

LossScaler::LossScaler(bool enabled, double initialScale, double growthFactor, double backoffFactor,
                       int64_t growthInterval)
    : m_enabled(enabled), m_scale(initialScale), m_growthFactor(growthFactor), m_backoffFactor(backoffFactor),
      m_growthInterval(growthInterval) {
    if (initialScale <= 0 || growthFactor <= 1 || backoffFactor <= 0 || backoffFactor >= 1 || growthInterval < 1)
        throw Error("loss scaler", "invalid settings");
}

void LossScaler::update(bool gradientsFinite) {
    if (!m_enabled) return;
    if (!gradientsFinite) {
        m_scale *= m_backoffFactor;
        m_goodSteps = 0;
        return;
    }
    if (++m_goodSteps >= m_growthInterval) {
        m_scale *= m_growthFactor;
        m_goodSteps = 0;
    }
}

void LossScaler::restore(double scale, int64_t goodSteps) {
    if (!(scale > 0) || goodSteps < 0)
        throw Error("loss scaler", "invalid saved state (scale " + std::to_string(scale) + ")");
    m_scale = scale;
    m_goodSteps = goodSteps;
}

} // namespace captioner
