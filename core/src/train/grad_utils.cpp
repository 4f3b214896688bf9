#include "captioner/optimizer.h"

#include <torch/torch.h>

#include <cmath>

namespace captioner {

GradNorm clipGradNorm(const std::vector<torch::Tensor>& params, double maxNorm) {
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> grads;
    for (const auto& p : params)
        if (p.defined() && p.grad().defined()) grads.push_back(p.grad());
    if (grads.empty()) return {};
    // torch 1.13: norm of the stacked per-tensor norms (each taken over all dims), all on the
    // first gradient's device; the float32 result is what the trainer logs as grad_norm.
    const auto device = grads.front().device();
    std::vector<torch::Tensor> norms;
    norms.reserve(grads.size());
    for (const auto& g : grads) {
        std::vector<int64_t> dims(static_cast<size_t>(g.dim()));
        for (int64_t d = 0; d < g.dim(); ++d) dims[static_cast<size_t>(d)] = d;
        norms.push_back(at::norm(g, 2, dims, false).to(device));
    }
    const torch::Tensor total = at::norm(torch::stack(norms), 2, {0}, false);
    GradNorm result;
    result.norm = total.item<double>();
    result.finite = std::isfinite(result.norm);
    if (!result.finite || maxNorm <= 0.0) return result;
    // Python evaluates max_norm / tensor as tensor.reciprocal() * max_norm.
    const torch::Tensor coef = ((total + 1e-6).reciprocal() * maxNorm).clamp_max(1.0);
    // A norm under the bound gives a coefficient of exactly 1: multiplying by it changes no bit (the
    // gradients are finite here), so the half of the steps that are not clipped skip it.
    if (coef.item<double>() == 1.0) return result;
    for (auto& g : grads) g.mul_(coef.to(g.device()));
    return result;
}

GradNorm clipGradNorm(const std::vector<NamedParameter>& params, double maxNorm) {
    std::vector<torch::Tensor> tensors;
    tensors.reserve(params.size());
    for (const auto& p : params) tensors.push_back(p.tensor);
    return clipGradNorm(tensors, maxNorm);
}

} // namespace captioner
