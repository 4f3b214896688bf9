#include "captioner/optimizer.h"

#include "adamw_kernel.h"

#include "captioner/error.h"
#include "captioner/safetensors.h"

#include <torch/nn/modules/normalization.h>
#include <torch/torch.h>

#include <charconv>
#include <cmath>
#include <map>
#include <set>

namespace captioner {
namespace {

const std::string kSubject = "AdamW";

// HF's get_parameter_names: a child's parameters count unless the child itself is a LayerNorm
// (recursion still descends into it, then drops the whole subtree's names).
void collectParameterNames(const torch::nn::Module& module, const std::string& prefix, std::vector<std::string>& out) {
    for (const auto& child : module.named_children()) {
        if (dynamic_cast<const torch::nn::LayerNormImpl*>(child.value().get())) continue;
        collectParameterNames(*child.value(), prefix + child.key() + ".", out);
    }
    for (const auto& p : module.named_parameters(/*recurse=*/false)) out.push_back(prefix + p.key());
}

// Locale-independent and round-trip exact (Qt applications switch LC_NUMERIC to the user's locale).
std::string formatDouble(double v) {
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::string shapeText(at::IntArrayRef shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

// adamwFloatStep's case: every tensor float32, contiguous, on the CPU, the same shape, and the gradient
// not the parameter's own memory (the moments are the optimizer's own tensors).
bool fusable(const torch::Tensor& param, const torch::Tensor& grad, const AdamW::State& s) {
    if (!detail::adamwFloatStepAvailable()) return false;
    for (const torch::Tensor* t : {&param, &grad, &s.expAvg, &s.expAvgSq})
        if (!t->device().is_cpu() || t->scalar_type() != torch::kFloat || !t->is_contiguous()) return false;
    return grad.sizes() == param.sizes() && s.expAvg.sizes() == param.sizes() && s.expAvgSq.sizes() == param.sizes() &&
           grad.data_ptr() != param.data_ptr();
}

} // namespace

std::vector<std::string> decayParameterNames(const torch::nn::Module& model) {
    std::vector<std::string> names;
    collectParameterNames(model, "", names);
    std::vector<std::string> decay;
    for (auto& n : names)
        if (n.find("bias") == std::string::npos) decay.push_back(std::move(n));
    return decay;
}

AdamW::AdamW(std::vector<NamedParameter> params, AdamWOptions options)
    : m_params(std::move(params)), m_options(options) {
    if (!(options.lr >= 0.0) || !(options.eps >= 0.0) || !(options.weightDecay >= 0.0))
        throw Error(kSubject, "lr, eps and weight decay must be non-negative");
    if (!(options.beta1 >= 0.0 && options.beta1 < 1.0) || !(options.beta2 >= 0.0 && options.beta2 < 1.0))
        throw Error(kSubject, "betas must lie in [0, 1)");
    std::set<std::string> seen;
    torch::NoGradGuard noGrad;
    m_states.reserve(m_params.size());
    for (const auto& p : m_params) {
        if (!p.tensor.defined()) throw Error(kSubject, "parameter " + p.name + " is undefined");
        if (!seen.insert(p.name).second) throw Error(kSubject, "parameter " + p.name + " is listed twice");
        // Eager zero state equals PyTorch's lazy initialisation and makes every state file complete.
        m_states.push_back({torch::zeros_like(p.tensor), torch::zeros_like(p.tensor), 0});
    }
}

AdamW AdamW::forModule(torch::nn::Module& model, AdamWOptions options) {
    const auto decayNames = decayParameterNames(model);
    const std::set<std::string> decay(decayNames.begin(), decayNames.end());
    std::vector<NamedParameter> params;
    for (const auto& p : model.named_parameters())
        if (p.value().requires_grad()) params.push_back({p.key(), p.value(), decay.count(p.key()) != 0});
    return AdamW(std::move(params), options);
}

void AdamW::setLearningRate(double lr) {
    if (!(lr >= 0.0)) throw Error(kSubject, "learning rate must be non-negative, got " + formatDouble(lr));
    m_options.lr = lr;
}

void AdamW::zeroGrad() {
    for (auto& p : m_params)
        if (p.tensor.grad().defined()) p.tensor.mutable_grad() = torch::Tensor();
}

void AdamW::step() {
    torch::NoGradGuard noGrad;
    const double lr = m_options.lr, beta1 = m_options.beta1, beta2 = m_options.beta2;
    for (size_t i = 0; i < m_params.size(); ++i) {
        torch::Tensor param = m_params[i].tensor;
        const torch::Tensor& grad = param.grad();
        if (!grad.defined()) continue;
        State& s = m_states[i];
        s.step += 1;
        // Same operations, same order and the same double-precision scalars as torch 1.13's
        // _single_tensor_adamw; any reordering changes the last bits.
        const double wd = m_params[i].decay ? m_options.weightDecay : 0.0;
        const double step = static_cast<double>(s.step);
        const double biasCorrection1 = 1.0 - std::pow(beta1, step);
        const double biasCorrection2 = 1.0 - std::pow(beta2, step);
        const double stepSize = lr / biasCorrection1;
        if (m_options.fused && fusable(param, grad, s)) {
            const detail::AdamWScalars k{float(1.0 - lr * wd), float(beta1),       float(1.0 - beta1),
                                         float(beta2),         float(1.0 - beta2), float(std::sqrt(biasCorrection2)),
                                         float(m_options.eps), float(-stepSize)};
            detail::adamwFloatStep(param.data_ptr<float>(), grad.data_ptr<float>(), s.expAvg.data_ptr<float>(),
                                   s.expAvgSq.data_ptr<float>(), param.numel(), k);
            continue;
        }
        param.mul_(1.0 - lr * wd);
        s.expAvg.mul_(beta1).add_(grad, 1.0 - beta1);
        s.expAvgSq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
        torch::Tensor denom = (s.expAvgSq.sqrt() / std::sqrt(biasCorrection2)).add_(m_options.eps);
        param.addcdiv_(s.expAvg, denom, -stepSize);
    }
}

const AdamW::State& AdamW::state(const std::string& name) const {
    for (size_t i = 0; i < m_params.size(); ++i)
        if (m_params[i].name == name) return m_states[i];
    throw Error(kSubject, "no parameter named " + name);
}

void AdamW::saveState(const std::string& path) const {
    std::vector<std::pair<std::string, torch::Tensor>> tensors;
    tensors.reserve(3 * m_params.size());
    for (size_t i = 0; i < m_params.size(); ++i) {
        const auto& n = m_params[i].name;
        tensors.emplace_back(n + ".exp_avg", m_states[i].expAvg);
        tensors.emplace_back(n + ".exp_avg_sq", m_states[i].expAvgSq);
        tensors.emplace_back(n + ".step", torch::tensor(m_states[i].step, torch::kInt64));
    }
    saveSafetensors(path, tensors, {{"format", "pt"}, {"optimizer", "adamw"}, {"lr", formatDouble(m_options.lr)}});
}

void AdamW::loadState(const std::string& path) {
    auto file = SafetensorsFile::open(path);
    std::vector<State> states;
    states.reserve(m_params.size());
    std::set<std::string> expected;
    auto require = [&](const std::string& name, const torch::Tensor& like, bool scalarStep) {
        expected.insert(name);
        if (!file->contains(name)) throw Error(path, "optimizer state has no tensor " + name);
        torch::Tensor t = file->tensor(name);
        if (scalarStep) {
            if (t.dim() != 0 || t.scalar_type() != torch::kInt64)
                throw Error(path, "tensor " + name + " must be an I64 scalar");
            if (t.item<int64_t>() < 0) throw Error(path, "tensor " + name + " holds a negative step count");
            return t;
        }
        if (t.sizes() != like.sizes())
            throw Error(path, "tensor " + name + " has shape " + shapeText(t.sizes()) + ", the parameter has " +
                                  shapeText(like.sizes()));
        if (!t.is_floating_point()) throw Error(path, "tensor " + name + " is not floating point");
        return t.to(like.options(), /*non_blocking=*/false, /*copy=*/true).contiguous();
    };
    for (const auto& p : m_params) {
        State s;
        s.expAvg = require(p.name + ".exp_avg", p.tensor, false);
        s.expAvgSq = require(p.name + ".exp_avg_sq", p.tensor, false);
        s.step = require(p.name + ".step", p.tensor, true).item<int64_t>();
        states.push_back(std::move(s));
    }
    for (const auto& e : file->entries())
        if (!expected.count(e.name)) throw Error(path, "optimizer state has unexpected tensor " + e.name);
    double lr = m_options.lr;
    const auto it = file->metadata().find("lr");
    if (it != file->metadata().end()) {
        const std::string& text = it->second;
        const auto r = std::from_chars(text.data(), text.data() + text.size(), lr);
        if (r.ec != std::errc() || r.ptr != text.data() + text.size())
            throw Error(path, "metadata lr is not a number: " + text);
        if (!(lr >= 0.0)) throw Error(path, "metadata lr is negative: " + it->second);
    }
    m_states = std::move(states);
    m_options.lr = lr;
}

} // namespace captioner
