#pragma once
// One decoding step at a time for generation. Rows are hypotheses: `rowsPerImage` consecutive rows per
// image (beams), all starting from the same image. Two implementations: CachedStepper computes the image
// tokens' keys/values once per image (they never attend to text) and keeps text keys/values between
// steps; FullStepper re-runs the whole model on every step as transformers' generate does (the reference
// the cached one is tested against).
#include "captioner/generation.h"
#include "captioner/git_model.h"

#include <memory>
#include <vector>

namespace captioner::detail {

class TextStepper {
public:
    virtual ~TextStepper() = default;
    // tokens [rows] int64: the newest token of each row. Returns float32 logits [rows, vocab] for the next one,
    // valid until the next step() (the cached stepper writes them into a buffer it reuses).
    virtual torch::Tensor step(const torch::Tensor& tokens) = 0;
    // New row i continues old row rowIndex[i]; rows must stay with their own image.
    virtual void reorderRows(const torch::Tensor& rowIndex) = 0;
    // Keep only these images (indices into the current image list, ascending) and their rows.
    virtual void keepImages(const std::vector<int64_t>& images) = 0;
    // Off (None) by default. Otherwise every later step() also keeps, for each row's new query position, its
    // attention probabilities over the image tokens, heads averaged (layers too for AllLayers), read with
    // imageAttention(): float32 [rows, numImageTokens].
    void captureImageAttention(ImageAttention which) { m_capture = which; }
    const torch::Tensor& imageAttention() const { return m_attention; }

protected:
    ImageAttention m_capture = ImageAttention::None;
    torch::Tensor m_attention;
};

std::unique_ptr<TextStepper> makeCachedStepper(GitForCausalLMImpl& model, const torch::Tensor& pixelValues,
                                               int64_t rowsPerImage, int64_t maxTextLength);
std::unique_ptr<TextStepper> makeFullStepper(GitForCausalLMImpl& model, const torch::Tensor& pixelValues,
                                             int64_t rowsPerImage);

} // namespace captioner::detail
