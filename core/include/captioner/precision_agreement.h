#pragma once
// How a precision mode's captions compare with fp32's (captioner/inference_precision.h): the figures of
// README's "Precision modes" table, measured by caption_bench and asserted by tests.
#include "captioner/generation.h"
#include "captioner/git_model.h"

#include <torch/types.h>

#include <cstdint>
#include <vector>

namespace captioner {

struct PrecisionAgreement {
    int64_t images = 0, identicalImages = 0; // greedy ids identical to fp32's, whole sequence
    // Position by position over the longer sequence of each pair (a missing token never agrees).
    int64_t tokens = 0, agreeingTokens = 0;
    // max |logit - fp32 logit| over every text position and vocabulary entry, both models teacher-forced on
    // fp32's ids (so a divergence early in a caption does not inflate it), and fp32's largest |logit| beside it.
    double maxLogitDifference = 0, maxAbsLogit = 0;

    double imageAgreement() const { return images ? double(identicalImages) / double(images) : 1.0; }
    double tokenAgreement() const { return tokens ? double(agreeingTokens) / double(tokens) : 1.0; }
    PrecisionAgreement& operator+=(const PrecisionAgreement& other);
};

// Token-level comparison of two sets of sequences (same images, same order).
PrecisionAgreement compareSequences(const std::vector<std::vector<int64_t>>& reference,
                                    const std::vector<std::vector<int64_t>>& other);

// Greedy-decodes pixelValues [B,C,H,W] with both models (opts as for generate()) and compares them: ids as
// compareSequences, logits teacher-forced one image at a time. `fp32Model` is the reference.
PrecisionAgreement comparePrecision(GitForCausalLM& fp32Model, GitForCausalLM& otherModel,
                                    const torch::Tensor& pixelValues, const GenerationOptions& opts);

} // namespace captioner
