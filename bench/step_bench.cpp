// step_bench: where batch-1 caption time goes (issue 19's fp32 path), phase by phase, at 1 and 2 threads.
//
//   step_bench [--preset git-base|tiny] [--new-tokens 50] [--runs 5] [--threads N (default: 1, then 2)]
//
// A preset with random weights (no files). For each thread count it prints, as the minimum over runs
// (the machine is shared: the minimum is the least disturbed run):
//   - a plain large matmul's GFLOP/s (the rate the vision encoder can reach) and the vision encoder's
//     (encodeImage) ms and GFLOP/s;
//   - one row times the output head's matrix (the largest of a step's projections) through the row kernels
//     (row_gemv.h: fp32 alone and with a partner thread as decoding runs it, bf16) beside LibTorch's path;
//   - vision+prefill: the stepper's set-up, the vision encoder then the image tokens through the text
//     layers (their keys/values), in ms (a separate minimum, so not exactly the vision figure plus the prefill);
//   - ms per decoding step and the total for N new tokens, greedy, for the cached stepper the core uses
//     now (on this section's threads, without the partner thread generate() may add) and for a copy of the stepper as
//     it was before issue 19 (the reference, kept below verbatim in its logic), with whether their ids agree and their
//     largest logit difference.
//   - generate() end to end, as captionImages runs it: there batch-1 greedy decoding times its first steps
//     in two thread configurations and keeps the faster (generation.cpp's DecodeThreadChoice);
//   - at the end, whether the current stepper's ids and logits at the first thread count equal those at the
//     others (the thread choice must not change a caption).
// Figures only; correctness is for the tests (test_generation and the parity tests).
#include "bench_util.h"
#include "captioner/generation.h"
#include "captioner/git_model.h"
#include "captioner/model_presets.h"
#include "captioner/runtime.h"
#include "model/git_modules.h"
#include "model/row_gemv.h"
#include "model/text_stepper.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

using bench::Clock;
using bench::since;
using namespace captioner;

namespace {

// The cached stepper as it was before issue 19 (greedy rows only: one row per image): text keys/values
// grown in place but every projection through torch::linear (addmm), the image and text scores
// concatenated, fresh tensors everywhere.
class ReferenceStepper {
public:
    ReferenceStepper(GitForCausalLMImpl& model, const torch::Tensor& pixelValues, int64_t maxText) : m_model(model) {
        using captioner::detail::linear;
        auto h = model.encodeImage(pixelValues);
        const int64_t images = h.size(0);
        m_imageTokens = h.size(1);
        const auto& layers = model.textLayers();
        for (size_t l = 0; l < layers.size(); ++l) {
            auto& layer = *layers[l];
            auto k = layer.splitHeads(linear(h, layer.key)).contiguous();
            auto v = layer.splitHeads(linear(h, layer.value)).contiguous();
            if (l + 1 < layers.size()) {
                auto q = layer.splitHeads(linear(h, layer.query));
                auto scores = torch::matmul(q, k.transpose(-1, -2)) / std::sqrt(static_cast<double>(layer.headDim));
                auto ctx = torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2).reshape(h.sizes());
                h = layer.afterAttention(ctx, h);
            }
            m_imageKeys.push_back(k);
            m_imageValues.push_back(v);
            m_textKeys.push_back(torch::empty({images, layer.heads, maxText, layer.headDim}, k.options()));
            m_textValues.push_back(torch::empty({images, layer.heads, maxText, layer.headDim}, k.options()));
        }
    }

    torch::Tensor step(const torch::Tensor& tokens) {
        using captioner::detail::linear;
        const int64_t rows = tokens.size(0), images = rows, r = 1;
        const int64_t t = m_length, numImage = m_imageTokens;
        auto x = m_model.embedText(tokens.view({rows, 1}), t).view({rows, -1});
        const int64_t d = x.size(1);
        for (const auto& layerPtr : m_model.textLayers()) {
            auto& layer = *layerPtr;
            const size_t l = static_cast<size_t>(&layerPtr - m_model.textLayers().data());
            const int64_t heads = layer.heads, hd = layer.headDim;
            auto q = linear(x, layer.query).view({rows, heads, hd});
            m_textKeys[l].select(2, t).copy_(linear(x, layer.key).view({rows, heads, hd}));
            m_textValues[l].select(2, t).copy_(linear(x, layer.value).view({rows, heads, hd}));
            auto keys = m_textKeys[l].narrow(2, 0, t + 1);
            auto values = m_textValues[l].narrow(2, 0, t + 1);
            auto qImage = q.view({images, r, heads, hd}).permute({0, 2, 1, 3});
            auto sImage = torch::matmul(qImage, m_imageKeys[l].transpose(-1, -2))
                              .permute({0, 2, 1, 3})
                              .reshape({rows, heads, numImage});
            auto sText = torch::matmul(q.unsqueeze(2), keys.transpose(-1, -2)).squeeze(2);
            auto probs = torch::softmax(torch::cat({sImage, sText}, -1) / std::sqrt(static_cast<double>(hd)), -1);
            auto pImage = probs.narrow(-1, 0, numImage).reshape({images, r, heads, numImage}).permute({0, 2, 1, 3});
            auto cImage = torch::matmul(pImage, m_imageValues[l]).permute({0, 2, 1, 3}).reshape({rows, heads, hd});
            auto cText = torch::matmul(probs.narrow(-1, numImage, t + 1).unsqueeze(2), values).squeeze(2);
            x = layer.afterAttention((cImage + cText).reshape({rows, d}), x);
        }
        ++m_length;
        return torch::linear(x, m_model.outputWeight(), m_model.outputBias()).to(torch::kFloat32);
    }

private:
    GitForCausalLMImpl& m_model;
    int64_t m_imageTokens = 0, m_length = 0;
    std::vector<torch::Tensor> m_imageKeys, m_imageValues, m_textKeys, m_textValues;
};

struct Run {
    double setup = 0;              // stepper construction (vision encoder + prefill), s
    double steps = 0;              // all steps, s
    double firstStep = 0;          // the first step, s
    std::vector<int64_t> ids;      // greedy ids
    std::vector<torch::Tensor> lg; // logits per step (kept only when asked)
};

template <class MakeStepper> Run greedy(MakeStepper make, int64_t bos, int newTokens, bool keepLogits) {
    Run run;
    auto t0 = Clock::now();
    auto stepper = make();
    run.setup = since(t0);
    int64_t token = bos;
    t0 = Clock::now();
    for (int i = 0; i < newTokens; ++i) {
        const auto ts = Clock::now();
        auto logits = stepper->step(torch::full({1}, token, torch::kLong));
        token = logits.argmax(-1).template item<int64_t>();
        if (i == 0) run.firstStep = since(ts);
        run.ids.push_back(token);
        if (keepLogits) run.lg.push_back(logits.clone());
    }
    run.steps = since(t0);
    return run;
}

double visionGflop(const GitVisionConfig& v, int64_t textHidden) {
    const double s = static_cast<double>(v.numImageTokens()), d = static_cast<double>(v.hiddenSize),
                 i = static_cast<double>(v.intermediateSize), p = static_cast<double>(v.numPatches());
    const double layer = 2 * s * d * (4 * d + 2 * i) + 2 * 2 * s * s * d;
    const double patch = 2 * p * (static_cast<double>(v.numChannels * v.patchSize * v.patchSize)) * d;
    return (static_cast<double>(v.numHiddenLayers) * layer + patch + 2 * s * d * static_cast<double>(textHidden)) / 1e9;
}

template <class F> double minSeconds(int runs, F f) {
    double best = 1e30;
    for (int r = 0; r < runs; ++r) {
        const auto t0 = Clock::now();
        f();
        best = std::min(best, since(t0));
    }
    return best;
}

} // namespace

int main(int argc, char** argv) {
    preferPassiveThreadWaiting(argv);
    std::string preset = "git-base";
    int newTokens = 50, runs = 5, onlyThreads = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 < argc && a == "--preset") preset = argv[++i];
        else if (i + 1 < argc && a == "--new-tokens") newTokens = std::stoi(argv[++i]);
        else if (i + 1 < argc && a == "--runs") runs = std::stoi(argv[++i]);
        else if (i + 1 < argc && a == "--threads") onlyThreads = std::stoi(argv[++i]);
        else {
            std::cerr << "usage: step_bench [--preset NAME] [--new-tokens N] [--runs N] [--threads N]\n";
            return a == "--help" ? 0 : 2;
        }
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0); // each figure as it is measured, also into a pipe
    const GitConfig config = presetConfig(preset);
    GitForCausalLM model(config);
    initializeWeights(model, 0);
    model->eval();
    c10::InferenceMode inference;
    torch::manual_seed(1);
    const auto& v = config.vision;
    const auto pixels = torch::randn({1, v.numChannels, v.imageSize, v.imageSize});
    const int maxLength = 1 + newTokens;
    std::printf("step_bench: %s, random weights, %d new tokens, min over %d runs\n%s\n%s\n", preset.c_str(), newTokens,
                runs, bench::cpuDescription().c_str(), torchDescription().c_str());

    const double gflop = visionGflop(v, config.hiddenSize);
    Run firstCount; // the current stepper's run at the first thread count
    int firstThreads = 0;
    for (int threads : onlyThreads > 0 ? std::vector<int>{onlyThreads} : std::vector<int>{1, 2}) {
        configureThreads(threads);
        std::printf("\n--- %d thread%s ---\n", currentThreads(), threads == 1 ? "" : "s");
        std::printf("memory read               %8.1f GB/s\n", bench::memoryReadGBs(currentThreads()));
        const auto a = torch::randn({1024, 1024}), b = torch::randn({1024, 1024});
        const double mm = minSeconds(runs, [&] { (void)torch::mm(a, b); });
        const auto x = torch::randn({v.numImageTokens(), v.hiddenSize}),
                   w = torch::randn({v.intermediateSize, v.hiddenSize});
        const double lin = minSeconds(runs, [&] { (void)torch::linear(x, w); });
        std::printf("matmul 1024^3             %8.1f GFLOP/s\n", 2.0 * 1024 * 1024 * 1024 / mm / 1e9);
        std::printf("linear %lldx%lld -> %lld      %8.1f GFLOP/s\n", static_cast<long long>(v.numImageTokens()),
                    static_cast<long long>(v.hiddenSize), static_cast<long long>(v.intermediateSize),
                    2.0 * static_cast<double>(x.size(0) * x.size(1) * w.size(0)) / lin / 1e9);
        if (captioner::detail::bf16GemvSupported()) { // the bf16 mode's batch-1 projections (row_gemv.h)
            const auto wb = torch::randn({config.vocabSize, config.hiddenSize}).to(torch::kBFloat16);
            const auto xb = torch::randn({1, config.hiddenSize}).to(torch::kBFloat16);
            const auto bb = torch::randn({config.vocabSize}).to(torch::kBFloat16);
            auto out = torch::empty({1, config.vocabSize}, torch::kBFloat16);
            const double kernel = minSeconds(runs, [&] { (void)captioner::detail::bf16Gemv(wb, xb, bb, out); });
            const double libtorch = minSeconds(runs, [&] { (void)torch::linear(xb, wb, bb); });
            const double bytes = 2.0 * static_cast<double>(wb.numel());
            std::printf(
                "bf16 row x %lldx%lld        kernel %6.2f ms (%5.1f GB/s)   LibTorch linear %6.2f ms (%5.1f GB/s)\n",
                static_cast<long long>(wb.size(0)), static_cast<long long>(wb.size(1)), 1e3 * kernel,
                bytes / kernel / 1e9, 1e3 * libtorch, bytes / libtorch / 1e9);
        }
        if (captioner::detail::fp32GemvSupported()) { // the fp32 path's batch-1 projections (row_gemv.h)
            const auto w = torch::randn({config.vocabSize, config.hiddenSize});
            const auto x = torch::randn({1, config.hiddenSize}), b = torch::randn({config.vocabSize});
            auto out = torch::empty({config.vocabSize});
            const double alone = minSeconds(runs, [&] { (void)captioner::detail::fp32Gemv(w, x, b, out); });
            double shared = 0;
            {
                const int saved = at::get_num_threads();
                at::set_num_threads(1); // as decoding runs it: LibTorch on one thread, a partner for the rows
                captioner::detail::RowGemvPartner partner;
                shared = minSeconds(runs, [&] { (void)captioner::detail::fp32Gemv(w, x, b, out); });
                at::set_num_threads(saved);
            }
            const double blas = minSeconds(runs, [&] { at::addmv_out(out, b, w, x.reshape({-1})); });
            const double bytes = 4.0 * static_cast<double>(w.numel());
            std::printf(
                "fp32 row x %lldx%lld        kernel %6.2f ms (%5.1f GB/s), with partner %6.2f ms (%5.1f GB/s)   "
                "BLAS addmv %6.2f ms (%5.1f GB/s)\n",
                static_cast<long long>(w.size(0)), static_cast<long long>(w.size(1)), 1e3 * alone, bytes / alone / 1e9,
                1e3 * shared, bytes / shared / 1e9, 1e3 * blas, bytes / blas / 1e9);
        }
        const double vision = minSeconds(runs, [&] { (void)model->encodeImage(pixels); });
        std::printf("vision encoder            %8.1f ms   %6.1f GFLOP/s (%.1f GFLOP)\n", 1e3 * vision, gflop / vision,
                    gflop);

        // Reference (before) and current, alternated so both see the same machine load.
        Run bestRef, bestNew;
        bestRef.setup = bestRef.steps = bestRef.firstStep = 1e30;
        bestNew = bestRef;
        Run keepRef, keepNew;
        for (int r = 0; r < runs; ++r) {
            const bool keep = r == 0;
            Run ref = greedy([&] { return std::make_unique<ReferenceStepper>(*model, pixels, maxLength); },
                             config.bosTokenId, newTokens, keep);
            Run cur = greedy([&] { return captioner::detail::makeCachedStepper(*model, pixels, 1, maxLength); },
                             config.bosTokenId, newTokens, keep);
            if (keep) {
                keepRef = ref;
                keepNew = cur;
            }
            bestRef.setup = std::min(bestRef.setup, ref.setup);
            bestRef.steps = std::min(bestRef.steps, ref.steps);
            bestRef.firstStep = std::min(bestRef.firstStep, ref.firstStep);
            bestNew.setup = std::min(bestNew.setup, cur.setup);
            bestNew.steps = std::min(bestNew.steps, cur.steps);
            bestNew.firstStep = std::min(bestNew.firstStep, cur.firstStep);
        }
        double maxDiff = 0;
        for (size_t i = 0; i < keepRef.lg.size(); ++i)
            maxDiff = std::max(maxDiff, (keepRef.lg[i] - keepNew.lg[i]).abs().max().item<double>());
        const auto print = [&](const char* name, const Run& r) {
            std::printf("%-10s vision+prefill %7.1f ms   step %6.2f ms/token (first %6.2f)   %d tokens %7.1f ms   "
                        "total %7.1f ms\n",
                        name, 1e3 * r.setup, 1e3 * r.steps / newTokens, 1e3 * r.firstStep, newTokens, 1e3 * r.steps,
                        1e3 * (r.setup + r.steps));
        };
        print("before", bestRef);
        print("now", bestNew);
        std::printf("ids %s; max |logit difference| now vs before %.3g\n",
                    keepRef.ids == keepNew.ids ? "identical" : "DIFFER", maxDiff);
        if (firstThreads == 0) {
            firstCount = keepNew;
            firstThreads = currentThreads();
        } else {
            double threadDiff = 0;
            for (size_t i = 0; i < keepNew.lg.size(); ++i)
                threadDiff = std::max(threadDiff, (firstCount.lg[i] - keepNew.lg[i]).abs().max().item<double>());
            std::printf("ids %s those at %d thread%s; max |logit difference| %.3g\n",
                        firstCount.ids == keepNew.ids ? "identical to" : "DIFFER from", firstThreads,
                        firstThreads == 1 ? "" : "s", threadDiff);
        }

        // The public entry point end to end (greedy, no end token), as captionImages calls it.
        GenerationOptions opts = defaultGenerationOptions(config);
        opts.maxLength = maxLength;
        opts.eosTokenId = GenerationOptions::kNoEndToken;
        std::vector<std::vector<int64_t>> ids;
        const double gen = minSeconds(runs, [&] { ids = generate(model, pixels, opts); });
        std::printf("generate() end to end     %8.1f ms   ids %s the stepper's\n", 1e3 * gen,
                    std::vector<int64_t>(ids[0].begin() + 1, ids[0].end()) == keepNew.ids ? "equal" : "DIFFER from");
    }
    return 0;
}
