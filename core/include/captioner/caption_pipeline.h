#pragma once
// From image files to captions with a loaded checkpoint: decode, preprocess, batch, generate,
// detokenise. A file that fails to decode yields a result with `error` set; the others in the same
// batch are still captioned. Not thread-safe per checkpoint: run one pipeline per model at a time.
#include "captioner/checkpoint.h"
#include "captioner/generation.h"

#include <functional>
#include <string>
#include <vector>

namespace captioner {

struct CaptionResult {
    std::string image;                 // the path as given
    std::string caption;
    std::vector<int64_t> tokenIds;     // as HF generate returns them, start token included
    double seconds = 0;                // decode + preprocess + this image's share of its batch's generation
    std::string error;                 // non-empty when the image could not be captioned
    bool ok() const { return error.empty(); }
};

struct CaptionOptions {
    GenerationOptions generation;
    int batchSize = 8;
    std::function<bool()> shouldCancel;                // checked between batches
    std::function<void(const CaptionResult&)> onResult; // called as each result is ready, in input order
};

// Generation options from a checkpoint's config (bos/eos/pad ids) with the caller's decoding settings.
GenerationOptions generationOptionsFor(const GitCheckpoint& checkpoint, int maxLength, int numBeams, double lengthPenalty);

std::vector<CaptionResult> captionImages(GitCheckpoint& checkpoint, const std::vector<std::string>& paths,
                                         const CaptionOptions& options);

// Image files in a folder (recursively, sorted by path) with the extensions we decode.
std::vector<std::string> listImageFiles(const std::string& folder);
bool hasImageExtension(const std::string& path);

// The loss GitForCausalLM returns for labels = input_ids for one image and text.
struct ScoreResult { double loss = 0; std::vector<int64_t> inputIds; };
ScoreResult scoreCaption(GitCheckpoint& checkpoint, const std::string& imagePath, const std::string& text);

} // namespace captioner
