#pragma once
// The decoding strategies of generate(): greedy and beam search over a TextStepper, following transformers 4.46's
// _sample (greedy) and _beam_search + BeamSearchScorer + BeamHypotheses step for step. Images whose search is over are
// dropped from the batch (transformers keeps feeding them padding), which changes no other row.
#include "captioner/generation.h"
#include "model/text_stepper.h"

#include <vector>

namespace captioner::detail {

// Told about every step of a greedy search, before and after it (generation.cpp times batch-1 steps with it).
class StepObserver {
public:
    virtual ~StepObserver() = default;
    virtual void beforeStep() = 0;
    virtual void afterStep() = 0;
};

// Empty result when opts.shouldCancel() returned true. When probs is given it receives each returned
// sequence's per-token probabilities (see GenerationResult); null skips that work. attention, when given
// (greedy only), receives each generated token's image attention (GenerationResult::imageAttention) from a
// stepper capturing it.
std::vector<std::vector<int64_t>> greedySearch(TextStepper& stepper, int64_t images, const GenerationOptions& opts,
                                               const torch::Device& device,
                                               std::vector<std::vector<float>>* probs = nullptr,
                                               std::vector<std::vector<std::vector<float>>>* attention = nullptr,
                                               StepObserver* observer = nullptr);
std::vector<std::vector<int64_t>> beamSearch(TextStepper& stepper, int64_t images, const GenerationOptions& opts,
                                             const torch::Device& device,
                                             std::vector<std::vector<float>>* probs = nullptr);

} // namespace captioner::detail
