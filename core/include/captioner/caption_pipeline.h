#pragma once
// From image files to captions with a loaded checkpoint: decode, preprocess, batch, generate,
// detokenise. A file that fails to decode yields a result with `error` set; the others in the same
// batch are still captioned. Not thread-safe per checkpoint: run one pipeline per model at a time;
// shouldCancel may read state that another thread sets (an std::atomic<bool>).
//
// Usage (errors are captioner::Error, whose what() names the file and the problem):
//
//   #include "captioner/captioner.h"
//
//   captioner::GitCheckpoint model = captioner::loadCheckpoint("models/git-base");
//   captioner::CaptionOptions options = captioner::captionOptionsFor(model); // the model's bos/eos/pad ids
//   options.generation.numBeams = 3;
//   std::atomic<bool> stop{false};                       // set from another thread to cancel
//   options.shouldCancel = [&] { return stop.load(); };
//   options.onResult = [](const captioner::CaptionResult& r) {  // progress: one call per image, in order
//       std::printf("%s\t%s\n", r.image.c_str(), r.ok() ? r.caption.c_str() : r.error.c_str());
//   };
//   std::vector<captioner::CaptionResult> done =
//       captioner::captionImages(model, captioner::listImageFiles("photos"), options);
//   // done.size() < number of files only when cancelled.
#include "captioner/checkpoint.h"
#include "captioner/generation.h"

#include <functional>
#include <string>
#include <vector>

namespace captioner {

struct WordConfidence {
    std::string word;
    double confidence = 0; // the product of its tokens' probabilities
};

// "Where the model looked" at one word of a caption: the text-to-image attention of the query positions
// that produced its tokens (GenerationResult::imageAttention), heads averaged (last layer or all layers, as
// asked). A word of several tokens (Tokenizer::words' grouping) gets the MEAN of its tokens' maps, cell by
// cell, CLS included, so grid + cls still sums to the word's (mean) attention mass on the image.
struct WordHeatmap {
    std::string word;
    std::vector<float> grid; // rows * cols patch weights, row-major: grid[r * cols + c] is patch row r, column c
    float cls = 0;           // the projected CLS token's weight (it has no place on the image)
    double mass() const;     // grid + cls: the word's attention mass on the image tokens (the rest is on text)
};
struct CaptionHeatmaps {
    int rows = 0, cols = 0; // the ViT's patch grid: image_size / patch_size on each side
    std::vector<WordHeatmap> words;
    bool empty() const { return words.empty(); }
};

struct CaptionResult {
    std::string image; // the path as given
    std::string caption;
    std::vector<int64_t> tokenIds; // as HF generate returns them, start token included
    // Each generated token's probability under the model (tokenProbabilities[t] is tokenIds[t + 1]'s;
    // see generateWithProbabilities), the caption's confidence (their geometric mean, the end token
    // included) and its words' confidences (Tokenizer::words grouping).
    std::vector<float> tokenProbabilities;
    double confidence = 0;
    std::vector<WordConfidence> words;
    // Only when options.generation.imageAttention is set (greedy search): words[i]'s heatmap is
    // heatmaps.words[i] (same words, same order), and tokenImageAttention[t] is tokenIds[t + 1]'s attention
    // over the image tokens (GenerationResult::imageAttention).
    std::vector<std::vector<float>> tokenImageAttention;
    CaptionHeatmaps heatmaps;
    double seconds = 0; // decode + preprocess + this image's share of its batch's generation
    std::string error;  // non-empty when the image could not be captioned
    bool ok() const { return error.empty(); }
};

struct CaptionOptions {
    // Token ids left unset (the default) are taken from the checkpoint by captionImages(), as
    // captionOptionsFor() gives them. numReturnSequences is ignored: one caption per image (the best).
    GenerationOptions generation;
    // Images per forward pass; 0 (the default) picks it from the model, the decoding settings and the
    // threads (autoCaptionBatchSize). While a batch is generated, the next one is decoded beside it.
    int batchSize = 0;
    // The one cancel path: polled before each batch and before every generation step (as is
    // generation.shouldCancel, if set). See captionImages() for what a cancelled call returns.
    std::function<bool()> shouldCancel;
    std::function<void(const CaptionResult&)> onResult; // called as each result is ready, in input order
};

// A checkpoint's decoding defaults: its start/end ids (the tokenizer's [CLS]/[SEP] or their
// SentencePiece equivalents, else config.json's) and pad id, with GenerationOptions' other defaults
// (greedy, max length 50).
CaptionOptions captionOptionsFor(const GitCheckpoint& checkpoint);
// Generation options from a checkpoint's config (bos/eos/pad ids) with the caller's decoding settings.
GenerationOptions generationOptionsFor(const GitCheckpoint& checkpoint, int maxLength, int numBeams,
                                       double lengthPenalty);

// The batch size captionImages uses when none is given, on the CPU: 4 images per LibTorch thread, at
// most 8 (one image's text steps read all the text weights for a matrix-vector product each; batching
// turns them into matrix products, and beyond ~8 images per step 2-core throughput stops growing, the
// vision encoder being compute-bound anyway), and at most as many as fit in `memoryBudget` bytes at
// captionActivationBytes each. On CUDA (cuda = true) up to 32 images, by the same memory rule. At least 1.
int autoCaptionBatchSize(const GitConfig& config, int maxLength, int numBeams, int threads, bool cuda,
                         uint64_t memoryBudget);
// The memory one image adds while it is captioned (fp32): its key/value cache (image tokens plus
// maxLength, numBeams times) and the widest layer's activations (MLP hidden plus attention scores).
uint64_t captionActivationBytes(const GitConfig& config, int maxLength, int numBeams);
// The budget captionImages gives autoCaptionBatchSize: a quarter of the model's parameter bytes (so
// batching adds at most a quarter to the model's memory), at least 64 MiB, and at most a quarter of
// the memory the system has available (/proc/meminfo's MemAvailable) on the CPU.
uint64_t captionMemoryBudget(const GitCheckpoint& checkpoint);

// The geometric mean of the probabilities (0 for none).
double captionConfidence(const std::vector<float>& tokenProbabilities);
// The words of decode(ids) with the product of their tokens' probabilities; probabilities[t] belongs to
// ids[t + 1] (ids start with the start token, as generate returns them).
std::vector<WordConfidence> wordConfidences(const Tokenizer& tokenizer, const std::vector<int64_t>& ids,
                                            const std::vector<float>& probabilities);

// Per-word heatmaps from per-token image attention (attention[t] belongs to ids[t + 1], numImageTokens =
// 1 + gridSide * gridSide floats, CLS first): words as Tokenizer::words groups them, each the mean of its
// tokens' maps. Throws Error when a row's size does not fit the grid.
CaptionHeatmaps wordHeatmaps(const Tokenizer& tokenizer, const std::vector<int64_t>& ids,
                             const std::vector<std::vector<float>>& attention, int gridSide);

// One result per path, in order. Throws Error for a checkpoint without tokenizer or invalid decoding
// options. When cancelled, returns the results of the batches finished before the cancel (a prefix
// of `paths`; onResult has been called for exactly these); the batch in flight is dropped.
std::vector<CaptionResult> captionImages(GitCheckpoint& checkpoint, const std::vector<std::string>& paths,
                                         const CaptionOptions& options);

// Image files in a folder (recursively, sorted by path, hidden files and folders skipped) with the
// extensions we decode: the same files the dataset layouts take for images (image_io.h's list).
std::vector<std::string> listImageFiles(const std::string& folder);
bool hasImageExtension(const std::string& path); // = isImageFileName (captioner/image_io.h)

// The loss GitForCausalLM returns for labels = input_ids for one image and text.
struct ScoreResult {
    double loss = 0;
    std::vector<int64_t> inputIds;
};
ScoreResult scoreCaption(GitCheckpoint& checkpoint, const std::string& imagePath, const std::string& text);

} // namespace captioner
