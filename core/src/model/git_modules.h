#pragma once
// Building blocks of GitForCausalLM (private to the core). Each block registers its parameters under the
// names transformers' GitForCausalLM uses, so the module tree's named_parameters() are the HF state-dict
// names. Forward code calls ATen's fused functions (linear, layer_norm) on the parameters directly.
#include "captioner/git_config.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <string>
#include <vector>

namespace captioner::detail {

enum class Activation {
    Gelu,
    Gelu10,
    GeluFast,
    GeluNew,
    GeluPytorchTanh,
    GeluAccurate,
    Laplace,
    LeakyRelu,
    Linear,
    Mish,
    QuickGelu,
    Relu,
    Relu2,
    Relu6,
    Sigmoid,
    Silu,
    Tanh
};
Activation activationFromName(const std::string& name); // names as in transformers' ACT2FN
torch::Tensor applyActivation(Activation act, const torch::Tensor& x);

// int8 captioning (precision_modes.cpp) runs a quantized Linear layer through LibTorch's dynamically
// quantized matmul: int8LinearRegistered() stays false until a model is quantized, so fp32 and bf16 take
// the plain path unchanged. runInt8Linear() returns false for a layer that was not quantized.
bool int8LinearRegistered();
bool runInt8Linear(const torch::nn::LinearImpl* layer, const torch::Tensor& x, torch::Tensor& out);
inline torch::Tensor linear(const torch::Tensor& x, const torch::nn::Linear& l) {
    torch::Tensor out;
    if (int8LinearRegistered() && runInt8Linear(l.get(), x, out)) return out;
    return torch::linear(x, l->weight, l->bias);
}
// Under bf16/fp16 autocast the input arrives in the low-precision type while the weights stay float32;
// LibTorch 1.13's CPU layer_norm cannot mix them, so normalise in the weights' type, as PyTorch's
// autocast does for layer_norm (an fp32 op there).
inline torch::Tensor layerNorm(const torch::Tensor& x, const torch::nn::LayerNorm& n) {
    const torch::Tensor in = x.scalar_type() == n->weight.scalar_type() ? x : x.to(n->weight.scalar_type());
    return torch::layer_norm(in, n->options.normalized_shape(), n->weight, n->bias, n->options.eps());
}

// A plain node in the module tree, only there to give children their dotted HF names.
inline std::shared_ptr<torch::nn::Module> addNode(torch::nn::Module& parent, const std::string& name) {
    return parent.register_module(name, std::make_shared<torch::nn::Module>());
}

// CLIP encoder layer: pre-LayerNorm self-attention and MLP, both residual.
class ClipEncoderLayerImpl : public torch::nn::Module {
public:
    explicit ClipEncoderLayerImpl(const GitVisionConfig& c);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::Linear qProj{nullptr}, kProj{nullptr}, vProj{nullptr}, outProj{nullptr}, fc1{nullptr}, fc2{nullptr};
    torch::nn::LayerNorm layerNorm1{nullptr}, layerNorm2{nullptr};

private:
    int64_t m_heads, m_headDim;
    double m_dropout;
    Activation m_act;
};

// CLIP vision transformer: patch + class embeddings, pre-LN, encoder, post-LN applied to every token
// (GitVisionTransformer returns the post-LayerNorm'd last hidden state, not a pooled output).
class ClipVisionImpl : public torch::nn::Module {
public:
    explicit ClipVisionImpl(const GitVisionConfig& c);
    torch::Tensor forward(const torch::Tensor& pixelValues);

    torch::Tensor classEmbedding;
    torch::nn::Conv2d patchEmbedding{nullptr};
    torch::nn::Embedding positionEmbedding{nullptr};
    torch::nn::LayerNorm preLayernorm{nullptr}, postLayernorm{nullptr};
    std::vector<std::shared_ptr<ClipEncoderLayerImpl>> layers;

private:
    GitVisionConfig m_config;
};

// BERT-style post-LayerNorm decoder layer of GIT's text side.
class GitTextLayerImpl : public torch::nn::Module {
public:
    GitTextLayerImpl(const GitConfig& c);
    // x [B,S,D]; mask additive, broadcastable to [B,1,S,S]. probsOut, when given, receives the attention
    // probabilities [B,H,S,S] (after dropout, as transformers' output_attentions).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask, torch::Tensor* probsOut = nullptr);
    // Everything after attention: output dense + residual LayerNorm, then the feed-forward block.
    torch::Tensor afterAttention(const torch::Tensor& context, const torch::Tensor& residual);
    // [.., S, D] -> [.., H, S, d] (for [B,S,D]: [B,H,S,d]).
    torch::Tensor splitHeads(const torch::Tensor& x) const;

    torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, attnDense{nullptr}, intermediate{nullptr},
        outDense{nullptr};
    torch::nn::LayerNorm attnLayerNorm{nullptr}, outLayerNorm{nullptr};
    int64_t heads, headDim;

private:
    double m_hiddenDropout, m_attnDropout;
    Activation m_act;
};

} // namespace captioner::detail
