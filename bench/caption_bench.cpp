// caption_bench: how fast Captioner captions, next to the way transformers' generate works
// (vision encoder and all image tokens re-run at every step, no image K/V cache), in the same run.
//
//   caption_bench [--model DIR | --preset git-base|tiny] [--images 8] [--new-tokens 20] [--runs 3]
//                 [--threads N] [--reference-tokens 5]
//
// Prints load time, per-image latency (median over runs) at batch 1, images/s at batch 1 and 8,
// the reference's seconds per token, the cost of per-token probabilities (confidence) and of heatmaps, and peak RSS.
// Generation is greedy with a fixed number of new tokens (end-of-sequence disabled) so runs are comparable across
// models.
#include "captioner/caption_pipeline.h"
#include "captioner/image_io.h"
#include "captioner/model_presets.h"
#include "bench_util.h"
#include "captioner/passive_wait.h"
#include "captioner/runtime.h"
#include "captioner/tokenizer.h"

#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace fs = std::filesystem;
using bench::Clock;
using bench::peakRssMiB;
using bench::since;

namespace {

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// Photo-sized synthetic images (640x480, gradients + noise + shapes) so decode and resize cost is real.
std::vector<std::string> makeImages(const fs::path& dir, int n) {
    std::vector<std::string> paths;
    cv::RNG rng(1234);
    for (int i = 0; i < n; ++i) {
        cv::Mat img(480, 640, CV_8UC3);
        for (int y = 0; y < img.rows; ++y)
            for (int x = 0; x < img.cols; ++x)
                img.at<cv::Vec3b>(y, x) = cv::Vec3b(static_cast<uchar>((x + i * 40) % 256), static_cast<uchar>(y % 256),
                                                    static_cast<uchar>((x + y) % 256));
        cv::Mat noise(img.size(), CV_8UC3);
        rng.fill(noise, cv::RNG::UNIFORM, 0, 40);
        img += noise;
        cv::circle(img, {320 + i * 7, 240}, 90, cv::Scalar(30, 200, 60), cv::FILLED);
        const auto p = dir / ("bench_" + std::to_string(i) + ".jpg");
        cv::imwrite(p.string(), img);
        paths.push_back(p.string());
    }
    return paths;
}

// transformers' way: each new token re-runs the whole model on image + all text so far.
double referenceSecondsPerToken(captioner::GitCheckpoint& ck, const std::string& image, int tokens) {
    c10::InferenceMode guard;
    const auto pixels = ck.processor.preprocess(captioner::decodeImageRgb(image)).unsqueeze(0);
    auto ids = torch::full({1, 1}, ck.config.bosTokenId, torch::kInt64);
    const auto t0 = Clock::now();
    for (int t = 0; t < tokens; ++t) {
        const auto logits = ck.model->forward(pixels, ids).logits;
        const auto next = logits.select(1, logits.size(1) - 1).argmax(-1, true);
        ids = torch::cat({ids, next}, 1);
    }
    return since(t0) / tokens;
}

} // namespace

CAPTIONER_PASSIVE_WAIT_AT_LOAD();

int main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
    std::string model, preset = "git-base";
    int images = 8, newTokens = 20, runs = 3, threads = 0, refTokens = 5;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--model") model = next();
        else if (a == "--preset") preset = next();
        else if (a == "--images") images = std::stoi(next());
        else if (a == "--new-tokens") newTokens = std::stoi(next());
        else if (a == "--runs") runs = std::stoi(next());
        else if (a == "--threads") threads = std::stoi(next());
        else if (a == "--reference-tokens") refTokens = std::stoi(next());
        else {
            std::cerr << "usage: caption_bench [--model DIR | --preset NAME] [--images N] [--new-tokens N] [--runs N] "
                         "[--threads N] [--reference-tokens N]\n";
            return a == "--help" ? 0 : 2;
        }
    }
    try {
        captioner::configureThreads(threads);
        const fs::path tmp = fs::temp_directory_path() / ("caption_bench_" + std::to_string(::getpid()));
        fs::create_directories(tmp);
        if (model.empty()) {
            // A preset with random weights, saved and loaded like a real download.
            auto tok = std::shared_ptr<captioner::Tokenizer>(
                captioner::WordPieceTokenizer::fromVocabFile(captioner::findDataFile("bert-base-uncased-vocab.txt")));
            captioner::saveCheckpoint(captioner::initCheckpoint(captioner::presetConfig(preset), tok, 0),
                                      (tmp / "model").string());
            model = (tmp / "model").string();
        }
        std::printf("caption_bench: %s, %d threads, %s\n", model.c_str(), captioner::currentThreads(),
                    captioner::torchDescription().c_str());
        auto t0 = Clock::now();
        auto ck = captioner::loadCheckpoint(model);
        std::printf("load time                 %8.3f s   (%lld parameters, stored %s)\n", since(t0),
                    static_cast<long long>(ck.parameterCount()), ck.storedDtype.c_str());
        const auto paths = makeImages(tmp, std::max(images, 8));

        captioner::CaptionOptions opts;
        opts.generation = captioner::generationOptionsFor(ck, 1 + newTokens, 1, 1.0);
        opts.generation.eosTokenId = -1;                // fixed number of new tokens
        captioner::captionImages(ck, {paths[0]}, opts); // warm-up

        std::vector<double> single;
        opts.batchSize = 1;
        for (int r = 0; r < runs; ++r) {
            t0 = Clock::now();
            captioner::captionImages(ck, {paths[r % paths.size()]}, opts);
            single.push_back(since(t0));
        }
        const double lat = median(single);
        std::printf("latency, batch 1 (median)  %8.3f s/image   %6.1f ms/token   (%d new tokens, %d runs)\n", lat,
                    1000 * lat / newTokens, newTokens, runs);
        std::printf("throughput, batch 1        %8.2f images/s\n", 1.0 / lat);
        opts.batchSize = 8;
        std::vector<std::string> eight(paths.begin(), paths.begin() + 8);
        std::vector<double> batched;
        for (int r = 0; r < std::max(1, runs / 2); ++r) {
            t0 = Clock::now();
            captioner::captionImages(ck, eight, opts);
            batched.push_back(since(t0));
        }
        std::printf("throughput, batch 8        %8.2f images/s\n", 8.0 / median(batched));
        {
            // The once-per-image part (vision tower + projection), to split latency into its two costs.
            c10::InferenceMode guard;
            const auto pixels = ck.processor.preprocess(captioner::decodeImageRgb(paths[0])).unsqueeze(0);
            std::vector<double> enc;
            for (int r = 0; r < runs; ++r) {
                t0 = Clock::now();
                ck.model->encodeImage(pixels);
                enc.push_back(since(t0));
            }
            std::printf("  of which vision encoder  %8.3f s (median), text steps %.1f ms/token after it\n", median(enc),
                        1000 * (lat - median(enc)) / newTokens);
        }
        {
            // The cost of per-token probabilities (confidence, issue 17): generate() vs
            // generateWithProbabilities() on the same pixels, alternated, greedy and 3 beams, batch 8.
            std::vector<torch::Tensor> px;
            for (const auto& p : eight) px.push_back(ck.processor.preprocess(captioner::decodeImageRgb(p)));
            const auto pixels = torch::stack(px);
            for (int beams : {1, 3}) {
                auto g = opts.generation;
                g.numBeams = beams;
                std::vector<double> plain, withProbs;
                for (int r = 0; r < std::max(3, runs); ++r) {
                    t0 = Clock::now();
                    const auto ids = captioner::generate(ck.model, pixels, g);
                    plain.push_back(since(t0));
                    t0 = Clock::now();
                    const auto res = captioner::generateWithProbabilities(ck.model, pixels, g);
                    withProbs.push_back(since(t0));
                    if (res.sequences != ids) throw std::runtime_error("probabilities changed the ids");
                }
                std::printf("confidence cost, %d beam(s), batch 8: %8.3f s without, %8.3f s with (median, %+.1f%%)\n",
                            beams, median(plain), median(withProbs), 100.0 * (median(withProbs) / median(plain) - 1.0));
            }
            // The cost of heatmaps (issue 17, greedy only): generateWithProbabilities() without and with
            // GenerationOptions::imageAttention (last layer, all layers), alternated, batch 8.
            std::vector<double> none, lastLayer, allLayers;
            for (int r = 0; r < std::max(3, runs); ++r) {
                auto g = opts.generation;
                const auto timed = [&](captioner::ImageAttention which, std::vector<double>& into) {
                    g.imageAttention = which;
                    t0 = Clock::now();
                    const auto res = captioner::generateWithProbabilities(ck.model, pixels, g);
                    into.push_back(since(t0));
                    return res.sequences;
                };
                const auto ids = timed(captioner::ImageAttention::None, none);
                if (timed(captioner::ImageAttention::LastLayer, lastLayer) != ids ||
                    timed(captioner::ImageAttention::AllLayers, allLayers) != ids)
                    throw std::runtime_error("heatmaps changed the ids");
            }
            std::printf("heatmap cost, greedy, batch 8: %8.3f s without, %8.3f s last layer (%+.1f%%), %8.3f s all "
                        "layers (%+.1f%%) (median)\n",
                        median(none), median(lastLayer), 100.0 * (median(lastLayer) / median(none) - 1.0),
                        median(allLayers), 100.0 * (median(allLayers) / median(none) - 1.0));
        }
        if (refTokens > 0) {
            const double ref = referenceSecondsPerToken(ck, paths[0], refTokens);
            std::printf("reference (transformers-style generate: whole model re-run per token): %6.1f ms/token over %d "
                        "tokens -> a %d-token caption takes %.1f s there vs %.1f s here (%.1fx)\n",
                        1000 * ref, refTokens, newTokens, ref * newTokens, lat, ref * newTokens / lat);
        }
        std::printf("peak RSS                  %8.1f MiB\n", peakRssMiB());
        fs::remove_all(tmp);
    } catch (const std::exception& e) {
        std::cerr << "caption_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
