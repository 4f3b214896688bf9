#include "captioner/caption_pipeline.h"

#include "captioner/error.h"
#include "captioner/image_io.h"
#include "data/dataset_files.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <future>

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

uint64_t captionActivationBytes(const GitConfig& c, int maxLength, int numBeams) {
    const auto beams = static_cast<uint64_t>(std::max(1, numBeams));
    const auto imageTokens = static_cast<uint64_t>(c.vision.numImageTokens());
    const uint64_t textTokens = imageTokens + static_cast<uint64_t>(std::max(1, maxLength));
    constexpr uint64_t kFloat = 4;
    const uint64_t cache = 2 * static_cast<uint64_t>(c.numHiddenLayers) * textTokens *
                           static_cast<uint64_t>(c.hiddenSize) * kFloat * beams;
    // A layer's input and output beside its widest intermediate: MLP hidden, or attention scores of every head.
    const auto widest = [&](uint64_t tokens, int64_t intermediate, int64_t heads) {
        return tokens * (static_cast<uint64_t>(intermediate) + static_cast<uint64_t>(heads) * tokens) * kFloat * 2;
    };
    const uint64_t vision = widest(imageTokens, c.vision.intermediateSize, c.vision.numAttentionHeads);
    const uint64_t text = widest(textTokens, c.intermediateSize, c.numAttentionHeads) * beams;
    return cache + std::max(vision, text);
}

int autoCaptionBatchSize(const GitConfig& config, int maxLength, int numBeams, int threads, bool cuda,
                         uint64_t memoryBudget) {
    const int preferred = cuda ? 32 : std::min(8, 4 * std::max(1, threads));
    const uint64_t perImage = std::max<uint64_t>(1, captionActivationBytes(config, maxLength, numBeams));
    const uint64_t fit = memoryBudget / perImage;
    return static_cast<int>(std::max<uint64_t>(1, std::min<uint64_t>(static_cast<uint64_t>(preferred), fit)));
}

namespace {
// MemAvailable from /proc/meminfo in bytes; 0 where unknown.
uint64_t availableMemory() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    uint64_t kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib * 1024;
    return 0;
}
} // namespace

uint64_t captionMemoryBudget(const GitCheckpoint& ck) {
    uint64_t parameterBytes = 0;
    for (const auto& p : ck.model->parameters())
        parameterBytes += static_cast<uint64_t>(p.numel()) * static_cast<uint64_t>(p.element_size());
    uint64_t budget = std::max<uint64_t>(uint64_t(64) << 20, parameterBytes / 4);
    if (ck.model->parameters().front().device().is_cpu())
        if (const uint64_t available = availableMemory(); available > 0) budget = std::min(budget, available / 4);
    return budget;
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
    const size_t batchSize = static_cast<size_t>(
        options.batchSize > 0 ? options.batchSize
                              : autoCaptionBatchSize(ck.config, generation.maxLength, generation.numBeams,
                                                     at::get_num_threads(), device.is_cuda(), captionMemoryBudget(ck)));
    const int gridSide = static_cast<int>(ck.config.vision.imageSize / ck.config.vision.patchSize);
    // Decoding and preprocessing one batch, on its own thread while the one before it is generated.
    struct Decoded {
        std::vector<CaptionResult> batch;
        std::vector<torch::Tensor> pixels;
        std::vector<size_t> okIndex;
    };
    const auto decode = [&ck, &paths, batchSize](size_t start) {
        Decoded d;
        const size_t end = std::min(paths.size(), start + batchSize);
        d.batch.resize(end - start);
        for (size_t i = start; i < end; ++i) {
            CaptionResult& r = d.batch[i - start];
            r.image = paths[i];
            const auto t0 = Clock::now();
            try {
                d.pixels.push_back(ck.processor.preprocess(decodeImageRgb(paths[i])));
                d.okIndex.push_back(i - start);
            } catch (const Error& e) {
                r.error = e.what();
            } catch (const std::exception& e) {
                r.error = paths[i] + ": " + e.what();
            }
            r.seconds = secondsSince(t0);
        }
        return d;
    };
    std::vector<CaptionResult> results;
    results.reserve(paths.size());
    std::future<Decoded> next;
    if (!paths.empty() && !cancelled()) next = std::async(std::launch::async, decode, size_t(0));
    for (size_t start = 0; start < paths.size(); start += batchSize) {
        if (cancelled()) break; // (a batch still being decoded is waited for by next's destructor)
        Decoded current = next.get();
        if (start + batchSize < paths.size()) next = std::async(std::launch::async, decode, start + batchSize);
        std::vector<CaptionResult>& batch = current.batch;
        std::vector<torch::Tensor>& pixels = current.pixels;
        const std::vector<size_t>& okIndex = current.okIndex;
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
