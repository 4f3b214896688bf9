#include "captioner/caption_pipeline.h"

#include "captioner/error.h"
#include "captioner/image_io.h"
#include "data/dataset_files.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace captioner {

namespace {
using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
} // namespace

bool hasImageExtension(const std::string& path) { return isImageFileName(path); }

std::vector<std::string> listImageFiles(const std::string& folder) {
    // The dataset layouts' listing (hidden files and folders skipped), so both see the same images.
    std::vector<std::string> out;
    for (std::string& path : detail::listFilesRecursive(folder))
        if (isImageFileName(path)) out.push_back(std::move(path));
    return out;
}

namespace {

// The checkpoint's start/end/pad ids: the tokenizer's when it has one (a SentencePiece model's may
// differ from config.json's BERT-like defaults), else config.json's.
void fillTokenIds(const GitCheckpoint& ck, GenerationOptions& g, bool onlyUnset) {
    const auto set = [&](int64_t& id, int64_t value) {
        if (!onlyUnset || id == GenerationOptions::kUnsetTokenId) id = value;
    };
    set(g.bosTokenId, ck.tokenizer ? ck.tokenizer->clsTokenId() : ck.config.bosTokenId);
    set(g.eosTokenId, ck.tokenizer ? ck.tokenizer->sepTokenId() : ck.config.eosTokenId);
    set(g.padTokenId, ck.config.padTokenId);
}

} // namespace

CaptionOptions captionOptionsFor(const GitCheckpoint& ck) {
    CaptionOptions o;
    fillTokenIds(ck, o.generation, false);
    return o;
}

GenerationOptions generationOptionsFor(const GitCheckpoint& ck, int maxLength, int numBeams, double lengthPenalty) {
    GenerationOptions g;
    g.maxLength = maxLength;
    g.numBeams = numBeams;
    g.lengthPenalty = lengthPenalty;
    fillTokenIds(ck, g, false);
    return g;
}

std::vector<CaptionResult> captionImages(GitCheckpoint& ck, const std::vector<std::string>& paths,
                                         const CaptionOptions& options) {
    if (!ck.tokenizer) throw Error(ck.dir, "the checkpoint has no tokenizer, captions cannot be decoded");
    if (options.generation.maxLength < 2) throw Error("max length", "must be at least 2 (it counts the start token)");
    if (options.generation.numBeams < 1) throw Error("num beams", "must be at least 1");
    GenerationOptions generation = options.generation;
    fillTokenIds(ck, generation, true);
    generation.numReturnSequences = 1; // one caption per image; beam search's first is its best anyway
    // One cancel path: the caller's flag(s) are polled by generate() between steps too; a cancelled
    // generate() returns nothing, and the batch is dropped whole below.
    const auto callerCancel = options.shouldCancel;
    const auto generationCancel = options.generation.shouldCancel;
    const auto cancelled = [&] { return (callerCancel && callerCancel()) || (generationCancel && generationCancel()); };
    generation.shouldCancel = cancelled;
    c10::InferenceMode inference;
    const torch::Device device = ck.model->parameters().front().device();
    const size_t batchSize = static_cast<size_t>(std::max(1, options.batchSize));
    const int gridSide = static_cast<int>(ck.config.vision.imageSize / ck.config.vision.patchSize);
    std::vector<CaptionResult> results;
    results.reserve(paths.size());
    for (size_t start = 0; start < paths.size(); start += batchSize) {
        if (cancelled()) break;
        const size_t end = std::min(paths.size(), start + batchSize);
        std::vector<CaptionResult> batch(end - start);
        std::vector<torch::Tensor> pixels;
        std::vector<size_t> okIndex;
        for (size_t i = start; i < end; ++i) {
            CaptionResult& r = batch[i - start];
            r.image = paths[i];
            const auto t0 = Clock::now();
            try {
                pixels.push_back(ck.processor.preprocess(decodeImageRgb(paths[i])));
                okIndex.push_back(i - start);
            } catch (const Error& e) {
                r.error = e.what();
            } catch (const std::exception& e) {
                r.error = paths[i] + ": " + e.what();
            }
            r.seconds = secondsSince(t0);
        }
        if (!pixels.empty()) {
            const auto t0 = Clock::now();
            auto generated = generateWithProbabilities(ck.model, torch::stack(pixels).to(device), generation);
            const auto& ids = generated.sequences;
            if (ids.size() != okIndex.size()) break; // cancelled mid-generation (the only way to get fewer)
            const double share = secondsSince(t0) / static_cast<double>(okIndex.size());
            for (size_t k = 0; k < okIndex.size(); ++k) {
                CaptionResult& r = batch[okIndex[k]];
                r.tokenIds = ids[k];
                r.caption = ck.tokenizer->decode(r.tokenIds, true);
                r.tokenProbabilities = std::move(generated.tokenProbabilities[k]);
                r.confidence = captionConfidence(r.tokenProbabilities);
                r.words = wordConfidences(*ck.tokenizer, r.tokenIds, r.tokenProbabilities);
                if (!generated.imageAttention.empty()) {
                    r.tokenImageAttention = std::move(generated.imageAttention[k]);
                    r.heatmaps = wordHeatmaps(*ck.tokenizer, r.tokenIds, r.tokenImageAttention, gridSide);
                }
                r.seconds += share;
            }
        }
        for (auto& r : batch) {
            if (options.onResult) options.onResult(r);
            results.push_back(std::move(r));
        }
    }
    return results;
}

double captionConfidence(const std::vector<float>& tokenProbabilities) {
    if (tokenProbabilities.empty()) return 0;
    double sumLog = 0;
    for (float p : tokenProbabilities) sumLog += std::log(static_cast<double>(p));
    return std::exp(sumLog / static_cast<double>(tokenProbabilities.size()));
}

std::vector<WordConfidence> wordConfidences(const Tokenizer& tokenizer, const std::vector<int64_t>& ids,
                                            const std::vector<float>& probabilities) {
    std::vector<WordConfidence> out;
    for (const TokenWord& w : tokenizer.words(ids)) {
        double product = 1;
        for (size_t t : w.tokens)
            product *= t >= 1 && t - 1 < probabilities.size() ? static_cast<double>(probabilities[t - 1]) : 0.0;
        out.push_back({w.text, product});
    }
    return out;
}

double WordHeatmap::mass() const {
    double sum = cls;
    for (float v : grid) sum += v;
    return sum;
}

CaptionHeatmaps wordHeatmaps(const Tokenizer& tokenizer, const std::vector<int64_t>& ids,
                             const std::vector<std::vector<float>>& attention, int gridSide) {
    CaptionHeatmaps out;
    out.rows = out.cols = gridSide;
    const size_t cells = static_cast<size_t>(gridSide) * static_cast<size_t>(gridSide);
    for (const TokenWord& w : tokenizer.words(ids)) {
        WordHeatmap map;
        map.word = w.text;
        map.grid.assign(cells, 0.0f);
        // The mean of the word's tokens' maps (a token without a row, which generate never gives, is left out).
        std::vector<double> sum(cells + 1, 0.0);
        size_t count = 0;
        for (size_t t : w.tokens) {
            if (t < 1 || t - 1 >= attention.size()) continue;
            const auto& row = attention[t - 1];
            if (row.size() != cells + 1)
                throw Error("image attention", "a row of " + std::to_string(row.size()) + " values does not fit a " +
                                                   std::to_string(gridSide) + "x" + std::to_string(gridSide) +
                                                   " patch grid plus CLS");
            for (size_t i = 0; i <= cells; ++i) sum[i] += static_cast<double>(row[i]);
            ++count;
        }
        if (count > 0) {
            map.cls = static_cast<float>(sum[0] / static_cast<double>(count));
            for (size_t i = 0; i < cells; ++i)
                map.grid[i] = static_cast<float>(sum[i + 1] / static_cast<double>(count));
        }
        out.words.push_back(std::move(map));
    }
    return out;
}

ScoreResult scoreCaption(GitCheckpoint& ck, const std::string& imagePath, const std::string& text) {
    if (!ck.tokenizer) throw Error(ck.dir, "the checkpoint has no tokenizer");
    c10::InferenceMode inference;
    const torch::Device device = ck.model->parameters().front().device();
    ScoreResult r;
    r.inputIds = ck.tokenizer->encode(text, true);
    const auto pixels = ck.processor.preprocess(decodeImageRgb(imagePath)).unsqueeze(0).to(device);
    const auto ids = torch::tensor(r.inputIds, torch::kInt64).unsqueeze(0).to(device);
    const auto out = ck.model->forward(pixels, ids, torch::ones_like(ids), ids);
    r.loss = out.loss.item<double>();
    return r;
}

} // namespace captioner
