// bf16 and int8 captioning (captioner/inference_precision.h). int8 is dynamic quantization as PyTorch's
// quantize_dynamic does it, on LibTorch's own quantized engine through its dispatcher ops
// quantized::linear_prepack / quantized::linear_dynamic (in 1.13 and 2.x alike; no new dependency): each
// Linear's weight becomes int8 per output channel (symmetric, zero point 0) packed once for the engine, and
// each call quantizes its activations from their own min/max. The forward code keeps calling
// detail::linear(); a registry from the layer to its packed weight routes quantized layers there.
#include "captioner/checkpoint.h"
#include "captioner/error.h"
#include "captioner/inference_precision.h"
#include "model/git_modules.h"

#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace captioner {
namespace {

struct Int8Layer {
    std::weak_ptr<torch::nn::Module> owner; // expired once the model is gone (its address may be reused)
    c10::IValue packed;                     // the engine's LinearPackedParamsBase
};

std::shared_mutex g_mutex;
std::unordered_map<const torch::nn::LinearImpl*, Int8Layer> g_layers;
std::atomic<bool> g_anyInt8{false};

// Without VNNI, x86 int8 kernels add u8*s8 pairs in saturating int16: PyTorch quantizes activations to 7
// bits there (reduce_range), and so do we. With VNNI (and on ARM's QNNPACK) the full 8 bits are exact.
bool reduceRange() {
    static const bool reduce = [] {
#if defined(__x86_64__) || defined(__i386__)
        const CpuCapabilities cpu = detectCpuCapabilities();
        return !(cpu.has("avx512_vnni") || cpu.has("avx_vnni") || cpu.has("amx_int8"));
#else
        return false;
#endif
    }();
    return reduce;
}

// Looked up once (thread-safe static initialisation); findSchemaOrThrow names the op if a LibTorch lacks it.
const c10::OperatorHandle& prepackOp() {
    static const c10::OperatorHandle op =
        c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_prepack", "");
    return op;
}
const c10::OperatorHandle& linearDynamicOp() {
    static const c10::OperatorHandle op =
        c10::Dispatcher::singleton().findSchemaOrThrow("quantized::linear_dynamic", "");
    return op;
}

bool isInt8Layer(const torch::nn::LinearImpl* layer) {
    std::shared_lock<std::shared_mutex> lock(g_mutex);
    auto it = g_layers.find(layer);
    return it != g_layers.end() && !it->second.owner.expired();
}

c10::IValue packInt8(const torch::Tensor& weight, const torch::Tensor& bias) {
    const torch::Tensor w = weight.detach().to(torch::kFloat32).contiguous();
    const torch::Tensor scales = (w.abs().amax(1) / 127.0).clamp_min(1e-12).to(torch::kDouble);
    const torch::Tensor zeros = torch::zeros({w.size(0)}, torch::kLong);
    const torch::Tensor q = at::quantize_per_channel(w, scales, zeros, 0, torch::kQInt8);
    torch::jit::Stack stack{q, bias.defined() ? c10::IValue(bias.detach().to(torch::kFloat32).contiguous())
                                              : c10::IValue()};
    prepackOp().callBoxed(&stack);
    return stack.at(0);
}

void quantizeLinears(GitForCausalLMImpl& model) {
    std::vector<std::pair<std::shared_ptr<torch::nn::LinearImpl>, c10::IValue>> packed;
    for (const auto& item : model.named_modules()) {
        auto layer = std::dynamic_pointer_cast<torch::nn::LinearImpl>(item.value());
        // Only the text decoder's layers: they are read again for every token, so int8's smaller weights pay
        // there. The vision encoder runs once per image, and oneDNN's int8 made it slower than fp32
        // (caption_bench, README "Precision modes"); the output head stays float too (its 30,522 rows decide
        // the greedy choice, and int8 gained nothing there).
        if (!layer || item.key().rfind("git.encoder.", 0) != 0) continue;
        packed.emplace_back(layer, packInt8(layer->weight, layer->bias));
    }
    {
        std::unique_lock<std::shared_mutex> lock(g_mutex);
        for (auto it = g_layers.begin(); it != g_layers.end();)
            it = it->second.owner.expired() ? g_layers.erase(it) : std::next(it);
        for (auto& [layer, params] : packed) g_layers[layer.get()] = Int8Layer{layer, params};
        g_anyInt8.store(true);
    }
    torch::NoGradGuard noGrad;
    for (auto& entry : packed) entry.first->weight.set_data(torch::empty({0}, entry.first->weight.options()));
}

bool forceBf16FromEnvironment() {
    const char* v = std::getenv(kForceBf16Variable);
    return v && *v && std::string(v) != "0";
}

} // namespace

namespace detail {

bool int8LinearRegistered() { return g_anyInt8.load(std::memory_order_relaxed); }

bool runInt8Linear(const torch::nn::LinearImpl* layer, const torch::Tensor& x, torch::Tensor& out) {
    c10::IValue packed;
    {
        std::shared_lock<std::shared_mutex> lock(g_mutex);
        auto it = g_layers.find(layer);
        if (it == g_layers.end() || it->second.owner.expired()) return false;
        packed = it->second.packed;
    }
    torch::jit::Stack stack{x.to(torch::kFloat32).contiguous(), std::move(packed), reduceRange()};
    linearDynamicOp().callBoxed(&stack);
    out = stack.at(0).toTensor();
    return true;
}

} // namespace detail

std::string inferencePrecisionName(InferencePrecision precision) {
    switch (precision) {
    case InferencePrecision::Fp32: return "fp32";
    case InferencePrecision::Bf16: return "bf16";
    case InferencePrecision::Int8: return "int8";
    }
    return "fp32";
}

InferencePrecision parseInferencePrecision(const std::string& name) {
    for (auto p : {InferencePrecision::Fp32, InferencePrecision::Bf16, InferencePrecision::Int8})
        if (inferencePrecisionName(p) == name) return p;
    throw Error("precision", "unknown precision '" + name + "' (expected fp32, bf16 or int8)");
}

std::string int8EngineName() {
    switch (at::globalContext().qEngine()) {
    case at::QEngine::ONEDNN: return "oneDNN";
    case at::QEngine::FBGEMM: return "FBGEMM";
    case at::QEngine::X86: return "x86 (FBGEMM and oneDNN)";
    case at::QEngine::QNNPACK: return "QNNPACK";
    case at::QEngine::NoQEngine: return "";
    }
    return "";
}

PrecisionAvailability int8Availability() {
    const std::string engine = int8EngineName();
    if (engine.empty()) return {false, "this LibTorch has no quantized engine (oneDNN, FBGEMM or QNNPACK); use fp32"};
    return {true, std::string("dynamically quantized Linear layers on LibTorch's ") + engine + " engine" +
                      (reduceRange() ? " (7-bit activations: this CPU has no VNNI)" : "")};
}

InferencePrecision inferencePrecisionOf(const GitCheckpoint& checkpoint) {
    if (!checkpoint.model) return InferencePrecision::Fp32;
    auto& model = *checkpoint.model;
    if (model.outputWeight().scalar_type() == torch::kBFloat16) return InferencePrecision::Bf16;
    if (detail::int8LinearRegistered()) {
        for (const auto& item : model.named_modules()) {
            auto layer = std::dynamic_pointer_cast<torch::nn::LinearImpl>(item.value());
            if (layer && isInt8Layer(layer.get())) return InferencePrecision::Int8;
        }
    }
    return InferencePrecision::Fp32;
}

void applyInferencePrecision(GitCheckpoint& checkpoint, InferencePrecision precision, bool forceBf16) {
    if (!checkpoint.model) throw Error("precision", "no model loaded");
    const InferencePrecision current = inferencePrecisionOf(checkpoint);
    if (current == precision) return;
    if (current != InferencePrecision::Fp32)
        throw Error("precision", "the model is already in " + inferencePrecisionName(current) +
                                     "; load it again to caption in " + inferencePrecisionName(precision));
    auto& model = *checkpoint.model;
    const bool cuda = model.outputWeight().is_cuda();
    if (precision == InferencePrecision::Bf16) {
        if (!cuda && !forceBf16 && !forceBf16FromEnvironment()) {
            const PrecisionAvailability a = bf16Availability();
            if (!a.available)
                throw Error("precision bf16", a.detail + " (set " + kForceBf16Variable + "=1 to run it anyway)");
        }
        torch::NoGradGuard noGrad;
        model.to(torch::kBFloat16);
    } else if (precision == InferencePrecision::Int8) {
        if (cuda)
            throw Error("precision int8", "int8 runs on the CPU's quantized engine only; use fp32 or bf16 on CUDA");
        const PrecisionAvailability a = int8Availability();
        if (!a.available) throw Error("precision int8", a.detail);
        quantizeLinears(model);
    }
    model.eval();
}

} // namespace captioner
