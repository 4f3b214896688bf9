#include "captioner/evaluation.h"

#include "evaluation_parts.h"

#include "captioner/batch_loader.h"
#include "captioner/caption_pipeline.h"
#include "captioner/dataset.h"
#include "captioner/error.h"
#include "captioner/generation.h"
#include "captioner/mixed_precision.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>

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

std::string tokenizedReference(const Tokenizer& tokenizer, const std::string& caption, int maxTextLength) {
    std::vector<int64_t> ids = tokenizer.encode(caption, true);
    // As the batch loader truncates (HF's truncation): the first tokens, ending with the end token.
    if (maxTextLength > 0 && static_cast<int64_t>(ids.size()) > maxTextLength) {
        ids.resize(static_cast<size_t>(maxTextLength));
        ids.back() = tokenizer.sepTokenId();
    }
    return tokenizer.decode(ids);
}

namespace {
// The one place the trainer's generated-caption metrics are put together.
CaptionMetrics generatedMetrics(const std::vector<std::string>& predictions, const std::vector<std::string>& firstRefs,
                                const std::vector<std::vector<std::string>>& allRefs) {
    CaptionMetrics m = computeCaptionMetrics(predictions, allRefs);
    m.wer = wordErrorRate(predictions, firstRefs);
    return m;
}
} // namespace

CaptionMetrics generatedCaptionMetrics(const Tokenizer& tokenizer, int maxTextLength,
                                       const std::vector<std::string>& predictions,
                                       const std::vector<std::vector<std::string>>& references) {
    if (predictions.size() != references.size())
        throw Error("caption metrics", std::to_string(predictions.size()) + " predictions but " +
                                           std::to_string(references.size()) + " reference sets");
    std::vector<std::string> firstRefs;
    firstRefs.reserve(references.size());
    for (size_t i = 0; i < references.size(); ++i) {
        if (references[i].empty())
            throw Error("caption metrics", "image " + std::to_string(i) + " has no reference caption");
        firstRefs.push_back(tokenizedReference(tokenizer, references[i].front(), maxTextLength));
    }
    return generatedMetrics(predictions, firstRefs, references);
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

namespace detail {

EvalPart evaluatePart(GitCheckpoint& ck, const std::vector<EvalExample>& examples, size_t begin, size_t end,
                      const EvalOptions& options) {
    if (!ck.tokenizer) throw Error(ck.dir, "the checkpoint has no tokenizer, captions cannot be evaluated");
    EvalPart part;
    if (begin >= end) return part;

    std::vector<TrainingExample> firstCaption;
    firstCaption.reserve(end - begin);
    for (size_t i = begin; i < end; ++i) {
        const auto& e = examples[i];
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
    const int64_t generateLimit =
        options.generateLimit < 0 ? static_cast<int64_t>(examples.size()) : options.generateLimit;
    const int64_t partLimit = std::max<int64_t>(0, generateLimit - static_cast<int64_t>(begin));

    while (auto batch = loader.next()) {
        if (options.shouldCancel && options.shouldCancel()) {
            part.cancelled = true;
            break;
        }
        for (const auto& s : batch->skipped) part.skipped.push_back(s.imagePath + ": " + s.reason);
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
            part.lossSum += out.loss.item<double>() * static_cast<double>(rows);
            const int64_t numImage = out.logits.size(1) - ids.size(1);
            predicted =
                out.logits.slice(1, numImage, out.logits.size(1)).argmax(-1).to(torch::kCPU, torch::kLong).contiguous();
        }
        auto cpuMask = batch->attentionMask.to(torch::kLong).contiguous();
        auto cpuIds = batch->inputIds.to(torch::kLong).contiguous();
        for (int64_t b = 0; b < rows; ++b) {
            part.tfPredictions.push_back(ck.tokenizer->decode(teacherForcedIds(predicted, cpuMask, b)));
            part.tfReferences.push_back(ck.tokenizer->decode(realIds(cpuIds, cpuMask, b)));
        }
        // Generated captions for the first generateLimit images, in example order (a part starting at
        // `begin` counts its share from there).
        std::vector<int64_t> genRows;
        for (int64_t b = 0; b < rows; ++b)
            if (static_cast<int64_t>(part.predictions.size() + genRows.size()) < partLimit) genRows.push_back(b);
        if (!genRows.empty()) {
            auto sel = torch::tensor(genRows, torch::kLong).to(device);
            std::vector<std::vector<int64_t>> seqs;
            {
                AutocastGuard autocast(device, options.precision);
                seqs = generate(ck.model, pixels.index_select(0, sel), gen);
            }
            for (size_t k = 0; k < genRows.size() && k < seqs.size(); ++k) {
                const size_t global = begin + batch->indices[static_cast<size_t>(genRows[k])];
                const auto& ex = examples[global];
                part.predictions.push_back(ck.tokenizer->decode(seqs[k]));
                part.firstRefs.push_back(part.tfReferences[part.tfReferences.size() - static_cast<size_t>(rows) +
                                                           static_cast<size_t>(genRows[k])]);
                part.allRefs.push_back(ex.captions);
                if (static_cast<int>(part.samples.size()) < options.sampleCount)
                    part.samples.push_back({ex.imagePath, part.predictions.back(), ex.captions.front()});
            }
        }
        part.count += rows;
        if (options.progress) options.progress(part.count, static_cast<int64_t>(end - begin));
    }
    return part;
}

EvalResult combineEvalParts(const std::vector<EvalPart>& parts, size_t exampleCount, const EvalOptions& options) {
    EvalResult r;
    double lossSum = 0;
    std::vector<std::string> tfPredictions, tfReferences, predictions, firstRefs;
    std::vector<std::vector<std::string>> allRefs;
    auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    for (const auto& p : parts) {
        lossSum += p.lossSum;
        r.count += p.count;
        append(tfPredictions, p.tfPredictions);
        append(tfReferences, p.tfReferences);
        append(predictions, p.predictions);
        append(firstRefs, p.firstRefs);
        append(allRefs, p.allRefs);
        append(r.skipped, p.skipped);
        for (const auto& s : p.samples)
            if (static_cast<int>(r.samples.size()) < options.sampleCount) r.samples.push_back(s);
        r.cancelled = r.cancelled || p.cancelled;
    }
    if (r.count == 0) {
        if (r.cancelled) return r;
        throw Error("evaluation", "none of the " + std::to_string(exampleCount) + " images could be read" +
                                      (r.skipped.empty() ? std::string() : " (first: " + r.skipped.front() + ")"));
    }
    r.loss = lossSum / static_cast<double>(r.count);
    r.werTeacherForced = wordErrorRate(tfPredictions, tfReferences);
    if (!predictions.empty()) r.generated = generatedMetrics(predictions, firstRefs, allRefs);
    return r;
}

std::string serializeEvalPart(const EvalPart& p) {
    nlohmann::json samples = nlohmann::json::array();
    for (const auto& s : p.samples) samples.push_back({s.imagePath, s.prediction, s.reference});
    // Bit-exact loss: the sum travels as its IEEE bits, not as decimal text.
    uint64_t bits = 0;
    std::memcpy(&bits, &p.lossSum, sizeof bits);
    const nlohmann::json j = {{"loss_bits", bits},        {"count", p.count},      {"tf_pred", p.tfPredictions},
                              {"tf_ref", p.tfReferences}, {"pred", p.predictions}, {"first_ref", p.firstRefs},
                              {"all_refs", p.allRefs},    {"samples", samples},    {"skipped", p.skipped},
                              {"cancelled", p.cancelled}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

EvalPart deserializeEvalPart(const std::string& text) {
    const auto j = nlohmann::json::parse(text);
    EvalPart p;
    const auto bits = j.at("loss_bits").get<uint64_t>();
    std::memcpy(&p.lossSum, &bits, sizeof bits);
    p.count = j.at("count").get<int64_t>();
    p.tfPredictions = j.at("tf_pred").get<std::vector<std::string>>();
    p.tfReferences = j.at("tf_ref").get<std::vector<std::string>>();
    p.predictions = j.at("pred").get<std::vector<std::string>>();
    p.firstRefs = j.at("first_ref").get<std::vector<std::string>>();
    p.allRefs = j.at("all_refs").get<std::vector<std::vector<std::string>>>();
    for (const auto& s : j.at("samples")) p.samples.push_back({s.at(0), s.at(1), s.at(2)});
    p.skipped = j.at("skipped").get<std::vector<std::string>>();
    p.cancelled = j.at("cancelled").get<bool>();
    return p;
}

} // namespace detail

EvalResult evaluateCheckpoint(GitCheckpoint& ck, const std::vector<EvalExample>& examples, const EvalOptions& options) {
    if (!ck.tokenizer) throw Error(ck.dir, "the checkpoint has no tokenizer, captions cannot be evaluated");
    if (examples.empty()) throw Error("evaluation", "no images with captions to evaluate");
    const auto t0 = std::chrono::steady_clock::now();
    EvalResult r = detail::combineEvalParts({detail::evaluatePart(ck, examples, 0, examples.size(), options)},
                                            examples.size(), options);
    r.runtimeSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return r;
}

} // namespace captioner
