#include "model/git_modules.h"

#include "captioner/error.h"

#include <cmath>
#include <map>

namespace captioner::detail {

Activation activationFromName(const std::string& name) {
    static const std::map<std::string, Activation> table = {{"gelu", Activation::Gelu},
                                                            {"gelu_python", Activation::Gelu},
                                                            {"gelu_10", Activation::Gelu10},
                                                            {"gelu_fast", Activation::GeluFast},
                                                            {"gelu_new", Activation::GeluNew},
                                                            {"gelu_pytorch_tanh", Activation::GeluPytorchTanh},
                                                            {"gelu_accurate", Activation::GeluAccurate},
                                                            {"laplace", Activation::Laplace},
                                                            {"leaky_relu", Activation::LeakyRelu},
                                                            {"linear", Activation::Linear},
                                                            {"mish", Activation::Mish},
                                                            {"quick_gelu", Activation::QuickGelu},
                                                            {"relu", Activation::Relu},
                                                            {"relu2", Activation::Relu2},
                                                            {"relu6", Activation::Relu6},
                                                            {"sigmoid", Activation::Sigmoid},
                                                            {"silu", Activation::Silu},
                                                            {"swish", Activation::Silu},
                                                            {"tanh", Activation::Tanh}};
    auto it = table.find(name);
    if (it == table.end()) throw Error("hidden_act", "unknown activation '" + name + "'");
    return it->second;
}

// Formulas as transformers' activations.py writes them (same operation order, so the same rounding).
torch::Tensor applyActivation(Activation act, const torch::Tensor& x) {
    const double sqrt2OverPi = std::sqrt(2.0 / M_PI);
    switch (act) {
    case Activation::Gelu: return torch::gelu(x);
    case Activation::Gelu10: return torch::clamp(torch::gelu(x), -10.0, 10.0);
    case Activation::GeluFast: return 0.5 * x * (1.0 + torch::tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x)));
    case Activation::GeluNew:
    case Activation::GeluAccurate:
        return 0.5 * x * (1.0 + torch::tanh(sqrt2OverPi * (x + 0.044715 * torch::pow(x, 3.0))));
    case Activation::GeluPytorchTanh: return torch::gelu(x, "tanh");
    case Activation::Laplace: {
        const double mu = 0.707107, sigma = 0.282095;
        return 0.5 * (1.0 + torch::erf((x - mu) / (sigma * std::sqrt(2.0))));
    }
    case Activation::LeakyRelu: return torch::leaky_relu(x, 0.01);
    case Activation::Linear: return x;
    case Activation::Mish: return torch::mish(x);
    case Activation::QuickGelu: {
        // Without autograd (captioning), in place on one temporary: the same products bit for bit, one
        // pass and one allocation fewer at each of git-base's twelve vision layers ([197, 3072] each).
        if (!x.requires_grad() || !torch::GradMode::is_enabled()) return (x * 1.702).sigmoid_().mul_(x);
        return x * torch::sigmoid(1.702 * x);
    }
    case Activation::Relu: return torch::relu(x);
    case Activation::Relu2: {
        auto r = torch::relu(x);
        return r * r;
    }
    case Activation::Relu6: return torch::clamp(x, 0.0, 6.0);
    case Activation::Sigmoid: return torch::sigmoid(x);
    case Activation::Silu: return torch::silu(x);
    case Activation::Tanh: return torch::tanh(x);
    }
    return x;
}

namespace {
torch::nn::Linear makeLinear(torch::nn::Module& parent, const std::string& name, int64_t in, int64_t out) {
    return parent.register_module(name, torch::nn::Linear(in, out));
}
torch::nn::LayerNorm makeNorm(torch::nn::Module& parent, const std::string& name, int64_t dim, double eps) {
    return parent.register_module(name, torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(eps)));
}
} // namespace

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const GitVisionConfig& c)
    : m_heads(c.numAttentionHeads), m_headDim(c.hiddenSize / c.numAttentionHeads), m_dropout(c.attentionDropout),
      m_act(activationFromName(c.hiddenAct)) {
    const int64_t d = c.hiddenSize;
    auto attn = addNode(*this, "self_attn");
    kProj = makeLinear(*attn, "k_proj", d, d);
    vProj = makeLinear(*attn, "v_proj", d, d);
    qProj = makeLinear(*attn, "q_proj", d, d);
    outProj = makeLinear(*attn, "out_proj", d, d);
    layerNorm1 = makeNorm(*this, "layer_norm1", d, c.layerNormEps);
    auto mlp = addNode(*this, "mlp");
    fc1 = makeLinear(*mlp, "fc1", d, c.intermediateSize);
    fc2 = makeLinear(*mlp, "fc2", c.intermediateSize, d);
    layerNorm2 = makeNorm(*this, "layer_norm2", d, c.layerNormEps);
}

torch::Tensor ClipEncoderLayerImpl::forward(const torch::Tensor& x) {
    const int64_t b = x.size(0), s = x.size(1), d = x.size(2);
    auto h = layerNorm(x, layerNorm1);
    const double scale = std::pow(static_cast<double>(m_headDim), -0.5);
    auto q = (linear(h, qProj) * scale).view({b, s, m_heads, m_headDim}).transpose(1, 2);
    auto k = linear(h, kProj).view({b, s, m_heads, m_headDim}).transpose(1, 2);
    auto v = linear(h, vProj).view({b, s, m_heads, m_headDim}).transpose(1, 2);
    auto probs = torch::softmax(torch::matmul(q, k.transpose(-1, -2)), -1);
    probs = torch::dropout(probs, m_dropout, is_training());
    auto ctx = torch::matmul(probs, v).transpose(1, 2).reshape({b, s, d});
    auto out = x + linear(ctx, outProj);
    return out + linear(applyActivation(m_act, linear(layerNorm(out, layerNorm2), fc1)), fc2);
}

ClipVisionImpl::ClipVisionImpl(const GitVisionConfig& c) : m_config(c) {
    const int64_t d = c.hiddenSize;
    auto emb = addNode(*this, "embeddings");
    classEmbedding = emb->register_parameter("class_embedding", torch::randn({d}));
    patchEmbedding = emb->register_module(
        "patch_embedding",
        torch::nn::Conv2d(torch::nn::Conv2dOptions(c.numChannels, d, c.patchSize).stride(c.patchSize).bias(false)));
    positionEmbedding = emb->register_module("position_embedding", torch::nn::Embedding(c.numImageTokens(), d));
    preLayernorm = makeNorm(*this, "pre_layrnorm", d, c.layerNormEps); // sic: HF's attribute name
    auto encoder = addNode(*this, "encoder");
    auto list = addNode(*encoder, "layers");
    for (int64_t i = 0; i < c.numHiddenLayers; ++i)
        layers.push_back(list->register_module(std::to_string(i), std::make_shared<ClipEncoderLayerImpl>(c)));
    postLayernorm = makeNorm(*this, "post_layernorm", d, c.layerNormEps);
}

torch::Tensor ClipVisionImpl::forward(const torch::Tensor& pixelValues) {
    if (pixelValues.dim() != 4 || pixelValues.size(1) != m_config.numChannels ||
        pixelValues.size(2) != m_config.imageSize || pixelValues.size(3) != m_config.imageSize) {
        std::string shape;
        for (auto s : pixelValues.sizes()) shape += (shape.empty() ? "" : ", ") + std::to_string(s);
        throw Error("pixel_values",
                    "shape [" + shape + "] does not match the model's [B, " + std::to_string(m_config.numChannels) +
                        ", " + std::to_string(m_config.imageSize) + ", " + std::to_string(m_config.imageSize) + "]");
    }
    const auto& w = patchEmbedding->weight;
    auto patches = torch::conv2d(pixelValues.to(w.dtype()), w, {}, m_config.patchSize).flatten(2).transpose(1, 2);
    auto cls = classEmbedding.expand({pixelValues.size(0), 1, -1});
    auto h = torch::cat({cls, patches}, 1) + positionEmbedding->weight;
    h = layerNorm(h, preLayernorm);
    for (auto& layer : layers) h = layer->forward(h);
    return layerNorm(h, postLayernorm);
}

GitTextLayerImpl::GitTextLayerImpl(const GitConfig& c)
    : heads(c.numAttentionHeads), headDim(c.hiddenSize / c.numAttentionHeads), m_hiddenDropout(c.hiddenDropoutProb),
      m_attnDropout(c.attentionProbsDropoutProb), m_act(activationFromName(c.hiddenAct)) {
    const int64_t d = c.hiddenSize;
    auto attention = addNode(*this, "attention");
    auto self = addNode(*attention, "self");
    query = makeLinear(*self, "query", d, d);
    key = makeLinear(*self, "key", d, d);
    value = makeLinear(*self, "value", d, d);
    auto attnOut = addNode(*attention, "output");
    attnDense = makeLinear(*attnOut, "dense", d, d);
    attnLayerNorm = makeNorm(*attnOut, "LayerNorm", d, c.layerNormEps);
    auto inter = addNode(*this, "intermediate");
    intermediate = makeLinear(*inter, "dense", d, c.intermediateSize);
    auto out = addNode(*this, "output");
    outDense = makeLinear(*out, "dense", c.intermediateSize, d);
    outLayerNorm = makeNorm(*out, "LayerNorm", d, c.layerNormEps);
}

torch::Tensor GitTextLayerImpl::splitHeads(const torch::Tensor& x) const {
    auto sizes = x.sizes().vec();
    sizes.back() = heads;
    sizes.push_back(headDim);
    return x.view(sizes).transpose(-3, -2);
}

torch::Tensor GitTextLayerImpl::forward(const torch::Tensor& x, const torch::Tensor& mask, torch::Tensor* probsOut) {
    const int64_t b = x.size(0), s = x.size(1), d = x.size(2);
    auto q = splitHeads(linear(x, query));
    auto k = splitHeads(linear(x, key));
    auto v = splitHeads(linear(x, value));
    auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(headDim));
    if (mask.defined()) scores = scores + mask;
    auto probs = torch::dropout(torch::softmax(scores, -1), m_attnDropout, is_training());
    if (probsOut) *probsOut = probs;
    auto ctx = torch::matmul(probs, v).transpose(1, 2).reshape({b, s, d});
    return afterAttention(ctx, x);
}

torch::Tensor GitTextLayerImpl::afterAttention(const torch::Tensor& context, const torch::Tensor& residual) {
    auto attn =
        layerNorm(torch::dropout(linear(context, attnDense), m_hiddenDropout, is_training()) + residual, attnLayerNorm);
    auto inter = applyActivation(m_act, linear(attn, intermediate));
    return layerNorm(torch::dropout(linear(inter, outDense), m_hiddenDropout, is_training()) + attn, outLayerNorm);
}

} // namespace captioner::detail
