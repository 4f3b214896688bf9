#pragma once
// Caption generation with GitForCausalLM, token for token identical to transformers 4.46's
// model.generate(pixel_values=..., max_length=..., num_beams=..., length_penalty=...) for greedy search
// and beam search. Unlike transformers, the image tokens' keys/values are computed once per image (image
// tokens never attend to text) and text keys/values are cached between steps, which is ~50x cheaper for
// git-base and gives the same ids. Runs in eval mode (the model's train/eval state is restored after).
#include "captioner/git_config.h"
#include "captioner/git_model.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace captioner {

// Which decoder layers' text-to-image attention generateWithProbabilities() reports (see
// GenerationResult::imageAttention): none (the default, no cost), the last layer, or the mean of all layers.
// Either way the heads are averaged.
enum class ImageAttention { None, LastLayer, AllLayers };

// Token ids are the model's, not fixed: a default-constructed GenerationOptions has them unset and
// generate() refuses it with an Error; take them from defaultGenerationOptions(config) or, for a loaded
// checkpoint, captionOptionsFor(checkpoint) (caption_pipeline.h).
struct GenerationOptions {
    static constexpr int64_t kUnsetTokenId = std::numeric_limits<int64_t>::min();
    static constexpr int64_t kNoEndToken = -1; // as eosTokenId: no end token (fixed-length runs, benchmarks)

    int maxLength = 50;         // total length including the start token, as transformers' max_length
    int numBeams = 1;           // 1 = greedy search
    double lengthPenalty = 1.0; // beam score = sum of log-probs / generated_length ** lengthPenalty
    // transformers' GenerationConfig default (False): a beam finishes when no running beam can still beat
    // the worst kept hypothesis by its heuristic bound; true: as soon as numBeams hypotheses are finished.
    bool earlyStopping = false;
    int64_t bosTokenId = kUnsetTokenId, eosTokenId = kUnsetTokenId, padTokenId = kUnsetTokenId;
    int numReturnSequences = 1; // beam search only; at most numBeams; results are image-major
    bool useCache = true;       // false re-runs the full model every step, as transformers does (for tests)
    // "Where the model looked": generateWithProbabilities() also returns each generated token's attention over
    // the image tokens. Greedy search only: with numBeams > 1 generateWithProbabilities() refuses it with an
    // Error (generate() ignores it).
    ImageAttention imageAttention = ImageAttention::None;
    // Polled before every step; when it returns true generate() stops and returns an empty vector
    // (captionImages() polls CaptionOptions::shouldCancel here as well; see caption_pipeline.h).
    std::function<bool()> shouldCancel;
};

// The special token ids of a config with otherwise default options.
GenerationOptions defaultGenerationOptions(const GitConfig& config);

// pixelValues [B,C,H,W]. Returns B * numReturnSequences sequences, each as transformers returns its row
// (start token first, end token included when generated) without the padding transformers adds after the
// end token to fill a batch. Results do not depend on how images are batched. Throws Error for invalid
// options (maxLength < 2 or beyond max_position_embeddings, numBeams < 1, numReturnSequences out of range,
// a token id unset or outside the vocabulary). Returns an empty vector when cancelled (shouldCancel).
std::vector<std::vector<int64_t>> generate(GitForCausalLM& model, const torch::Tensor& pixelValues,
                                           const GenerationOptions& opts);

// generate()'s sequences (the same ids) with each generated token's probability under the model:
// tokenProbabilities[i][t] belongs to sequences[i][t + 1] (the start token has none). Greedy: the chosen
// token's softmax probability at its step; beam search: exp of the token's log-softmax along the
// returned beam (transformers' compute_transition_scores with beam_indices). Taken from the log-softmax
// each step computes anyway (greedy adds one logsumexp per row). Empty when cancelled.
//
// With opts.imageAttention set, imageAttention[i][t] is the attention of the query position that produced
// sequences[i][t + 1] (the position whose logits gave it) over the image tokens, numImageTokens floats:
// index 0 the projected CLS token, then the patch tokens row-major over the image_size/patch_size grid (as
// the ViT flattens them). Heads averaged; over the last layer or the mean over all layers. The values are
// softmax weights over [image tokens; text so far], so they sum to the token's attention mass on the image
// (at most 1). Taken from the decoding step's own softmax: the ids are the same as without it.
struct GenerationResult {
    std::vector<std::vector<int64_t>> sequences;
    std::vector<std::vector<float>> tokenProbabilities;
    std::vector<std::vector<std::vector<float>>> imageAttention; // empty unless opts.imageAttention is set
};
GenerationResult generateWithProbabilities(GitForCausalLM& model, const torch::Tensor& pixelValues,
                                           const GenerationOptions& opts);

} // namespace captioner
