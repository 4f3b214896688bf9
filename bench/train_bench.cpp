// train_bench: training-step throughput and memory of GIT presets, the way the Trainer runs a step
// (autocast forward with labels, backward, gradient clipping, AdamW), at several batch sizes and
// precisions. References in the same run: the same step with LibTorch's own torch::optim::AdamW
// (is our optimizer the bottleneck?) and the batch loader's image throughput on demo images (can
// data loading keep up?).
//
//   train_bench [--presets tiny,git-base] [--batches 1,8] [--precisions fp32,bf16] [--steps N]
//               [--text-length 20] [--vocab N] [--threads N]
//
// --vocab overrides the presets' vocabulary (default bert-base-uncased's 30522; the demo model has 51).
//
// Pixel values and token ids are random (shapes are what cost time). Peak RSS is the process's
// high-water mark so far: configurations run from small to large so each line's figure is its own.
#include "captioner/batch_loader.h"
#include "captioner/demo_dataset.h"
#include "captioner/evaluation.h"
#include "captioner/git_model.h"
#include "captioner/mixed_precision.h"
#include "captioner/model_presets.h"
#include "captioner/optimizer.h"
#include "captioner/precision.h"
#include "bench_util.h"
#include "captioner/runtime.h"
#include "captioner/tokenizer.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using bench::Clock;
using bench::peakRssMiB;
using bench::since;

namespace {

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

struct Timing {
    double forward = 0, backward = 0, optimizer = 0, total = 0;
};

// One Trainer-style step; returns the seconds of each phase.
template <typename StepFn>
Timing timedStep(captioner::GitForCausalLM& model, const torch::Tensor& pixels, const torch::Tensor& ids,
                 const torch::Tensor& mask, captioner::Precision precision, StepFn&& optimizerStep) {
    Timing t;
    const auto t0 = Clock::now();
    torch::Tensor loss;
    {
        captioner::AutocastGuard autocast(torch::kCPU, precision);
        loss = model->forward(pixels, ids, mask, captioner::labelsFor(ids, mask)).loss;
    }
    t.forward = since(t0);
    const auto t1 = Clock::now();
    loss.to(torch::kFloat).backward();
    t.backward = since(t1);
    const auto t2 = Clock::now();
    optimizerStep();
    t.optimizer = since(t2);
    t.total = since(t0);
    return t;
}

void benchConfig(const std::string& preset, int batch, captioner::Precision precision, int steps, int textLength,
                 int64_t vocab) {
    const auto config = vocab > 0 ? captioner::presetConfig(preset, vocab) : captioner::presetConfig(preset);
    captioner::GitForCausalLM model(config);
    captioner::initializeWeights(model, 0);
    model->train();
    torch::manual_seed(0);
    const auto side = config.vision.imageSize;
    auto pixels = torch::randn({batch, 3, side, side});
    auto ids = torch::randint(4, std::min<int64_t>(config.vocabSize, 2000), {batch, textLength}, torch::kLong);
    auto mask = torch::ones({batch, textLength}, torch::kLong);

    auto ours = captioner::AdamW::forModule(*model);
    std::vector<captioner::NamedParameter> params = ours.parameters();
    auto stepOurs = [&] {
        captioner::clipGradNorm(params, 1.0);
        ours.step();
        ours.zeroGrad();
    };
    timedStep(model, pixels, ids, mask, precision, stepOurs); // warm-up
    Timing sum;
    for (int i = 0; i < steps; ++i) {
        const Timing t = timedStep(model, pixels, ids, mask, precision, stepOurs);
        sum.forward += t.forward;
        sum.backward += t.backward;
        sum.optimizer += t.optimizer;
        sum.total += t.total;
    }
    // Reference (fp32 only; a bf16 step on a CPU without AVX512-BF16 takes minutes for git-base): the
    // same step with LibTorch's AdamW (same hyper-parameters; no decay groups needed at weight decay 0).
    double refOptimizer = 0, refTotal = 0;
    if (precision == captioner::Precision::Fp32) {
        std::vector<torch::Tensor> tensors;
        for (const auto& p : params) tensors.push_back(p.tensor);
        torch::optim::AdamW libtorch(tensors, torch::optim::AdamWOptions(5e-5).eps(1e-8).weight_decay(0.0));
        auto stepRef = [&] {
            captioner::clipGradNorm(tensors, 1.0);
            libtorch.step();
            libtorch.zero_grad();
        };
        timedStep(model, pixels, ids, mask, precision, stepRef);
        for (int i = 0; i < steps; ++i) {
            const Timing t = timedStep(model, pixels, ids, mask, precision, stepRef);
            refOptimizer += t.optimizer;
            refTotal += t.total;
        }
    }
    const double n = steps;
    std::printf("%-9s %5d %-5s %9.1f %9.1f %8.1f %8.1f %8.1f | %9.1f %9.1f %8.0f\n", preset.c_str(), batch,
                captioner::precisionName(precision).c_str(), batch * n / sum.total, 1000 * sum.total / n,
                1000 * sum.forward / n, 1000 * sum.backward / n, 1000 * sum.optimizer / n,
                refTotal > 0 ? batch * n / refTotal : 0.0, 1000 * refOptimizer / n, peakRssMiB());
    std::fflush(stdout);
}

void benchLoader(int threads) {
    const fs::path dir = fs::temp_directory_path() / ("captioner-train-bench-" + std::to_string(::getpid()));
    captioner::DemoDatasetOptions d;
    d.count = 512;
    captioner::writeDemoDataset((dir / "data").string(), d);
    std::vector<captioner::TrainingExample> examples;
    for (int i = 0; i < d.count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "%05d.png", i);
        examples.push_back({(dir / "data" / name).string(), {"a small red circle"}});
    }
    const auto config = captioner::presetConfig("tiny");
    captioner::ClipImageProcessorConfig pc;
    pc.shortestEdge = pc.cropHeight = pc.cropWidth = static_cast<int>(config.vision.imageSize);
    const captioner::ClipImageProcessor processor(pc);
    std::shared_ptr<const captioner::Tokenizer> tok =
        captioner::WordPieceTokenizer::fromVocabFile(captioner::findDataFile("bert-base-uncased-vocab.txt"));
    for (int workers : {1, threads}) {
        captioner::BatchLoaderOptions o;
        o.batchSize = 16;
        o.workers = workers;
        captioner::BatchLoader loader(examples, processor, tok, o);
        const auto t0 = Clock::now();
        loader.startEpoch(0);
        int64_t images = 0;
        while (auto b = loader.next()) images += b->inputIds.size(0);
        std::printf("batch loader, 64 px demo PNGs, %d worker%s: %.0f images/s\n", workers, workers == 1 ? "" : "s",
                    images / since(t0));
    }
    fs::remove_all(dir);
}

} // namespace

int main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
    std::string presets = "tiny,git-base", batches = "1,8", precisions = "fp32,bf16";
    int steps = 0, threads = 0, textLength = 20;
    int64_t vocab = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string a = argv[i], v = argv[i + 1];
        if (a == "--presets") presets = v;
        else if (a == "--batches") batches = v;
        else if (a == "--precisions") precisions = v;
        else if (a == "--steps") steps = std::stoi(v);
        else if (a == "--threads") threads = std::stoi(v);
        else if (a == "--text-length") textLength = std::stoi(v);
        else if (a == "--vocab") vocab = std::stoll(v);
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    threads = captioner::configureThreads(threads);
    std::printf("train_bench: %d threads, %s, text length %d tokens\n", threads, captioner::torchDescription().c_str(),
                textLength);
    std::printf("%-9s %5s %-5s %9s %9s %8s %8s %8s | %9s %9s %8s\n", "preset", "batch", "prec", "samples/s", "ms/step",
                "fwd ms", "bwd ms", "opt ms", "ref smp/s", "ref opt", "peak MiB");
    for (const auto& preset : splitList(presets))
        for (const auto& b : splitList(batches))
            for (const auto& p : splitList(precisions)) {
                const int n = steps > 0 ? steps : (preset == "git-base" ? 2 : 20);
                benchConfig(preset, std::stoi(b), captioner::parsePrecision(p), n, textLength, vocab);
            }
    std::printf("(ref: the same step with LibTorch's torch::optim::AdamW instead of ours; fp32 only)\n");
    benchLoader(threads);
    return 0;
}
