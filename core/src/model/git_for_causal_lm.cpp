#include "captioner/git_model.h"

#include "captioner/error.h"
#include "model/git_modules.h"

#include <limits>

namespace captioner {

using detail::addNode;
using detail::layerNorm;
using detail::linear;

GitForCausalLMImpl::GitForCausalLMImpl(const GitConfig& config) : m_config(config) {
    const int64_t d = config.hiddenSize;
    auto git = addNode(*this, "git");
    auto embeddings = addNode(*git, "embeddings");
    m_wordEmbeddings = embeddings->register_module(
        "word_embeddings",
        torch::nn::Embedding(torch::nn::EmbeddingOptions(config.vocabSize, d).padding_idx(config.padTokenId)));
    m_positionEmbeddings =
        embeddings->register_module("position_embeddings", torch::nn::Embedding(config.maxPositionEmbeddings, d));
    m_embNorm = embeddings->register_module(
        "LayerNorm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(config.layerNormEps)));

    auto imageEncoder = addNode(*git, "image_encoder");
    m_vision = imageEncoder->register_module("vision_model", std::make_shared<detail::ClipVisionImpl>(config.vision));

    auto encoder = addNode(*git, "encoder");
    auto layerList = addNode(*encoder, "layer");
    for (int64_t i = 0; i < config.numHiddenLayers; ++i)
        m_layers.push_back(
            layerList->register_module(std::to_string(i), std::make_shared<detail::GitTextLayerImpl>(config)));

    // GitProjection: Linear then LayerNorm with the *vision* config's epsilon (modeling_git.py).
    auto projection = addNode(*addNode(*git, "visual_projection"), "visual_projection");
    m_projLinear = projection->register_module("0", torch::nn::Linear(config.vision.hiddenSize, d));
    m_projNorm = projection->register_module(
        "1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({d}).eps(config.vision.layerNormEps)));

    m_output = register_module("output", torch::nn::Linear(d, config.vocabSize));
}

torch::Tensor GitForCausalLMImpl::encodeImage(const torch::Tensor& pixelValues) {
    return layerNorm(linear(m_vision->forward(pixelValues), m_projLinear), m_projNorm);
}

torch::Tensor GitForCausalLMImpl::embedText(const torch::Tensor& inputIds, int64_t pastLength) {
    const int64_t length = inputIds.size(-1);
    if (pastLength + length > m_config.maxPositionEmbeddings)
        throw Error("input_ids", "text of " + std::to_string(pastLength + length) +
                                     " tokens exceeds max_position_embeddings (" +
                                     std::to_string(m_config.maxPositionEmbeddings) + ")");
    auto words = torch::embedding(m_wordEmbeddings->weight, inputIds, m_config.padTokenId);
    auto positions = m_positionEmbeddings->weight.narrow(0, pastLength, length);
    auto h = layerNorm(words + positions, m_embNorm);
    return torch::dropout(h, m_config.hiddenDropoutProb, is_training());
}

GitOutput GitForCausalLMImpl::forward(const torch::Tensor& pixelValues, const torch::Tensor& inputIds,
                                      const torch::Tensor& attentionMask, const torch::Tensor& labels,
                                      bool outputAttentions) {
    if (inputIds.dim() != 2) throw Error("input_ids", "must have shape [batch, length]");
    const int64_t batch = inputIds.size(0), length = inputIds.size(1);
    if (pixelValues.dim() != 4 || pixelValues.size(0) == 0 || batch % pixelValues.size(0) != 0)
        throw Error("pixel_values", "batch of " + std::to_string(pixelValues.dim() == 4 ? pixelValues.size(0) : -1) +
                                        " images does not match " + std::to_string(batch) + " texts");
    auto visual = encodeImage(pixelValues);
    if (visual.size(0) != batch) visual = visual.repeat({batch / visual.size(0), 1, 1}); // as transformers does
    auto text = embedText(inputIds, 0);
    const int64_t numImage = visual.size(1), total = numImage + length;
    auto hidden = torch::cat({visual, text}, 1);

    // GIT's mask: image tokens see all image tokens only; text tokens see every image token and earlier
    // text; padded text columns are hidden from everyone. -inf and transformers' finfo.min both give exact
    // zeros after softmax, and no row is fully masked because image columns are always visible.
    const auto opts = hidden.options();
    const float inf = std::numeric_limits<float>::infinity();
    auto mask = torch::zeros({total, total}, opts);
    mask.narrow(0, 0, numImage).narrow(1, numImage, length).fill_(-inf);
    mask.narrow(0, numImage, length)
        .narrow(1, numImage, length)
        .copy_(torch::full({length, length}, -inf, opts).triu(1));
    mask = mask.unsqueeze(0).unsqueeze(0); // [1,1,T,T]
    if (attentionMask.defined()) {
        if (attentionMask.sizes() != inputIds.sizes()) throw Error("attention_mask", "shape differs from input_ids");
        auto pad = torch::zeros({batch, total}, opts);
        pad.narrow(1, numImage, length).masked_fill_(attentionMask.to(hidden.device()).eq(0), -inf);
        // Only text rows get the padding mask in transformers; image rows already hide all text columns.
        auto rowIsText = torch::zeros({total, 1}, opts);
        rowIsText.narrow(0, numImage, length).fill_(1);
        auto padMask = torch::where(rowIsText.to(torch::kBool).unsqueeze(0), pad.unsqueeze(1), torch::zeros({}, opts));
        mask = mask + padMask.unsqueeze(1); // [B,1,T,T]
    }

    GitOutput out;
    for (auto& layer : m_layers) {
        torch::Tensor probs;
        hidden = layer->forward(hidden, mask, outputAttentions ? &probs : nullptr);
        if (outputAttentions) out.attentions.push_back(probs);
    }
    out.logits = linear(hidden, m_output);
    if (labels.defined()) {
        if (labels.sizes() != inputIds.sizes()) throw Error("labels", "shape differs from input_ids");
        // transformers 4.46: logits of text positions 0..L-2 predict labels 1..L-1.
        const int64_t numImageTokens = m_config.vision.numImageTokens();
        auto shifted = out.logits.narrow(1, numImageTokens, length - 1).reshape({-1, m_config.vocabSize});
        auto target = labels.narrow(1, 1, length - 1).reshape({-1}).to(shifted.device(), torch::kLong);
        out.loss = torch::nn::functional::cross_entropy(
            shifted.to(torch::kFloat32), target, torch::nn::functional::CrossEntropyFuncOptions().ignore_index(-100));
    }
    return out;
}

} // namespace captioner
