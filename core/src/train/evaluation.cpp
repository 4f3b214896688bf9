#include "captioner/evaluation.h"

#include "captioner/batch_loader.h"
#include "captioner/caption_pipeline.h"
#include "captioner/dataset.h"
#include "captioner/error.h"
#include "captioner/generation.h"
#include "captioner/mixed_precision.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>

namespace captioner {

std::vector<EvalExample> evalExamplesFor(const CaptionDataset& dataset, const std::vector<size_t>& indices) {
    std::vector<EvalExample> out;
    out.reserve(indices.size());
    for (size_t i : indices) {
        const auto& item = dataset.items().at(i);
        if (item.captions.empty()) continue;
        out.push_back({item.imagePath, item.captions});
    }
    return out;
}

torch::Tensor labelsFor(const torch::Tensor& inputIds, const torch::Tensor& attentionMask) {
    return inputIds.masked_fill(attentionMask.eq(0), -100);
}

namespace {

// Token ids of row `b` predicted by teacher forcing: the logit at text position j predicts token j+1,
// for every j whose next token is a real (unpadded) one. All tensors are int64 on the CPU.
std::vector<int64_t> teacherForcedIds(const torch::Tensor& predicted, const torch::Tensor& mask, int64_t b) {
    auto pred = predicted.accessor<int64_t, 2>();
    auto m = mask.accessor<int64_t, 2>();
    std::vector<int64_t> ids;
    for (int64_t j = 0; j + 1 < mask.size(1); ++j)
        if (m[b][j + 1] != 0) ids.push_back(pred[b][j]);
    return ids;
}

std::vector<int64_t> realIds(const torch::Tensor& inputIds, const torch::Tensor& mask, int64_t b) {
    auto in = inputIds.accessor<int64_t, 2>();
    auto m = mask.accessor<int64_t, 2>();
    std::vector<int64_t> ids;
    for (int64_t j = 0; j < inputIds.size(1); ++j)
        if (m[b][j] != 0) ids.push_back(in[b][j]);
    return ids;
}

struct ModeRestorer {
    GitForCausalLM& model;
    bool wasTraining;
    ~ModeRestorer() { model->train(wasTraining); }
};

} // namespace

EvalResult evaluateCheckpoint(GitCheckpoint& ck, const std::vector<EvalExample>& examples, const EvalOptions& options) {
    if (!ck.tokenizer) throw Error(ck.dir, "the checkpoint has no tokenizer, captions cannot be evaluated");
    if (examples.empty()) throw Error("evaluation", "no images with captions to evaluate");
    const auto t0 = std::chrono::steady_clock::now();

    std::vector<TrainingExample> firstCaption;
    firstCaption.reserve(examples.size());
    for (const auto& e : examples) {
        if (e.captions.empty()) throw Error(e.imagePath, "has no caption to evaluate against");
        firstCaption.push_back({e.imagePath, {e.captions.front()}});
    }
    BatchLoaderOptions lo;
    lo.batchSize = std::max(1, options.batchSize);
    lo.shuffle = false;
    lo.workers = std::max(1, options.workers);
    lo.prefetchBatches = std::max(2, lo.workers);
    lo.maxTextLength = static_cast<int>(ck.config.maxPositionEmbeddings);
    BatchLoader loader(std::move(firstCaption), ck.processor, ck.tokenizer, lo);
    loader.startEpoch(0);

    ModeRestorer restore{ck.model, ck.model->is_training()};
    ck.model->eval();
    torch::NoGradGuard noGrad;
    const torch::Device device = ck.model->parameters().front().device();
    GenerationOptions gen = generationOptionsFor(ck, options.maxLength, 1, 1.0);
    const int64_t generateLimit = options.generateLimit < 0 ? static_cast<int64_t>(examples.size()) : options.generateLimit;

    EvalResult r;
    double lossSum = 0;
    std::vector<std::string> tfPredictions, tfReferences, predictions, firstRefs;
    std::vector<std::vector<std::string>> allRefs;
    while (auto batch = loader.next()) {
        if (options.shouldCancel && options.shouldCancel()) {
            r.cancelled = true;
            break;
        }
        for (const auto& s : batch->skipped) r.skipped.push_back(s.imagePath + ": " + s.reason);
        const int64_t rows = batch->inputIds.size(0);
        if (rows == 0) continue;
        auto pixels = batch->pixelValues.to(device);
        auto ids = batch->inputIds.to(device);
        auto mask = batch->attentionMask.to(device);
        torch::Tensor predicted;
        {
            AutocastGuard autocast(device, options.precision);
            auto out = ck.model->forward(pixels, ids, mask, labelsFor(ids, mask));
            // Trainer.evaluate averages per-batch mean losses weighted by batch size.
            lossSum += out.loss.item<double>() * static_cast<double>(rows);
            const int64_t numImage = out.logits.size(1) - ids.size(1);
            predicted = out.logits.slice(1, numImage, out.logits.size(1)).argmax(-1).to(torch::kCPU, torch::kLong).contiguous();
        }
        auto cpuMask = batch->attentionMask.to(torch::kLong).contiguous();
        auto cpuIds = batch->inputIds.to(torch::kLong).contiguous();
        for (int64_t b = 0; b < rows; ++b) {
            tfPredictions.push_back(ck.tokenizer->decode(teacherForcedIds(predicted, cpuMask, b)));
            tfReferences.push_back(ck.tokenizer->decode(realIds(cpuIds, cpuMask, b)));
        }
        // Generated captions for the first generateLimit images, in example order.
        std::vector<int64_t> genRows;
        for (int64_t b = 0; b < rows; ++b)
            if (static_cast<int64_t>(predictions.size() + genRows.size()) < generateLimit) genRows.push_back(b);
        if (!genRows.empty()) {
            auto sel = torch::tensor(genRows, torch::kLong).to(device);
            std::vector<std::vector<int64_t>> seqs;
            {
                AutocastGuard autocast(device, options.precision);
                seqs = generate(ck.model, pixels.index_select(0, sel), gen);
            }
            for (size_t k = 0; k < genRows.size(); ++k) {
                const auto& ex = examples[batch->indices[static_cast<size_t>(genRows[k])]];
                predictions.push_back(ck.tokenizer->decode(seqs[k]));
                firstRefs.push_back(tfReferences[tfReferences.size() - static_cast<size_t>(rows) + static_cast<size_t>(genRows[k])]);
                allRefs.push_back(ex.captions);
                if (static_cast<int>(r.samples.size()) < options.sampleCount)
                    r.samples.push_back({ex.imagePath, predictions.back(), ex.captions.front()});
            }
        }
        r.count += rows;
        if (options.progress) options.progress(r.count, static_cast<int64_t>(examples.size()));
    }
    if (r.count == 0) {
        if (r.cancelled) return r;
        throw Error("evaluation", "none of the " + std::to_string(examples.size()) + " images could be read" +
                                      (r.skipped.empty() ? std::string() : " (first: " + r.skipped.front() + ")"));
    }
    r.loss = lossSum / static_cast<double>(r.count);
    r.werTeacherForced = wordErrorRate(tfPredictions, tfReferences);
    if (!predictions.empty()) {
        r.generated = computeCaptionMetrics(predictions, allRefs);
        r.generated.wer = wordErrorRate(predictions, firstRefs);
    }
    r.runtimeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

} // namespace captioner
