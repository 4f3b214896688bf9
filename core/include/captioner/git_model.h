#pragma once
// GitForCausalLM: Hugging Face's GIT image-to-text model (CLIP ViT vision tower, visual projection,
// BERT-style text decoder over [image tokens; text tokens], `output` head) in LibTorch. The module tree's
// parameter names are transformers' state-dict names, weights load strictly from HF checkpoints, and
// forward() reproduces transformers 4.46 (eval mode) to float rounding. Not thread-safe: one forward or
// generate at a time per model.
#include "captioner/git_config.h"

#include <torch/nn/module.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace captioner {

namespace detail {
class ClipVisionImpl;
class GitTextLayerImpl;
} // namespace detail

struct GitOutput {
    torch::Tensor logits; // [B, numImageTokens + L, vocab]: image positions first, as transformers returns them
    torch::Tensor loss;   // scalar; undefined when no labels were given
    // With outputAttentions: each decoder layer's attention probabilities [B, heads, T, T] over
    // [image tokens; text tokens] (transformers' output_attentions, text side); empty otherwise.
    std::vector<torch::Tensor> attentions;
};

class GitForCausalLMImpl : public torch::nn::Module {
public:
    explicit GitForCausalLMImpl(const GitConfig& config);

    // pixelValues [B,C,H,W]; inputIds [B,L] (int64); attentionMask [B,L] (1 = token, 0 = padding; optional);
    // labels [B,L] (optional): loss = mean cross-entropy of text logits i against labels i+1, labels -100
    // ignored (pad labels are NOT ignored unless set to -100, as in transformers). Dropout in train() only.
    // outputAttentions fills GitOutput::attentions.
    GitOutput forward(const torch::Tensor& pixelValues, const torch::Tensor& inputIds,
                      const torch::Tensor& attentionMask = {}, const torch::Tensor& labels = {},
                      bool outputAttentions = false);

    const GitConfig& config() const { return m_config; }

    // Every tensor of the HF state dict, in module order, under HF names (what save_pretrained writes: the
    // non-persistent position_ids buffers are not included).
    std::vector<std::pair<std::string, torch::Tensor>> namedTensorsHf() const;

    // Strict load: throws Error(sourcePath, ...) listing every missing, unexpected and mis-shaped tensor by
    // name (mis-shaped with both shapes). position_ids buffers written by older transformers are accepted
    // and ignored. Converts F16/BF16/F64 to the module's dtype and device.
    void loadStateDict(const std::map<std::string, torch::Tensor>& tensors, const std::string& sourcePath);
    // loadStateDict's checks alone, throwing the same Error; only names, shapes and dtypes are read, so
    // `tensors` may be on the meta device (loadCheckpoint checks a file this way, then reads it in place).
    void checkStateDict(const std::map<std::string, torch::Tensor>& tensors, const std::string& sourcePath) const;

    // Projected visual features [B, 1 + patches, hidden] (vision tower + visual projection).
    torch::Tensor encodeImage(const torch::Tensor& pixelValues);

    // Internals used by the cached decoder (core/src/model); not part of the stable API.
    const std::vector<std::shared_ptr<detail::GitTextLayerImpl>>& textLayers() const { return m_layers; }
    torch::Tensor embedText(const torch::Tensor& inputIds, int64_t pastLength); // word + position, LN, dropout
    torch::Tensor outputWeight() const { return m_output->weight; }
    torch::Tensor outputBias() const { return m_output->bias; }

private:
    GitConfig m_config;
    std::shared_ptr<detail::ClipVisionImpl> m_vision;
    torch::nn::Linear m_projLinear{nullptr};
    torch::nn::LayerNorm m_projNorm{nullptr};
    torch::nn::Embedding m_wordEmbeddings{nullptr}, m_positionEmbeddings{nullptr};
    torch::nn::LayerNorm m_embNorm{nullptr};
    std::vector<std::shared_ptr<detail::GitTextLayerImpl>> m_layers;
    torch::nn::Linear m_output{nullptr};
};
TORCH_MODULE(GitForCausalLM);

// Loss labels for a padded batch: the input ids with padding (attention mask 0) set to -100 so it is
// ignored, as the model's loss expects (defined with the evaluation, train/evaluation.cpp).
torch::Tensor labelsFor(const torch::Tensor& inputIds, const torch::Tensor& attentionMask);

// transformers' _init_weights, seeded: Linear/Embedding weights normal(0, initializer_range) with zero biases
// and a zero padding row in the word embeddings, LayerNorm 1/0, vision embeddings normal(0, range). As in
// transformers, the vision tower uses vision_config.initializer_range (it is initialised as its own
// GitVisionModel first), everything else the text config's. Same distribution as HF, not the same numbers.
void initializeWeights(GitForCausalLM& model, uint64_t seed);

// Overwrites the vision tower's position embeddings (class token row zero) with a fixed 2-D sine-cosine
// table over the patch grid (x in the first half of the channels, y in the second, as MAE initialises
// ViT positions), scaled to a standard deviation of `std`. A from-scratch model then sees where each
// patch is from its first step: with HF's normal(0, 0.02) start, a tiny model's image tokens carry
// almost no position and it takes thousands of steps to learn where shapes are (see demo_model.h).
// Requires a hidden size divisible by 4. The weights stay ordinary trainable parameters.
void initVisionPositionsSinCos(GitForCausalLM& model, double std);

} // namespace captioner
