// caption_bench: how fast Captioner captions, next to the way transformers' generate works
// (vision encoder and all image tokens re-run at every step, no image K/V cache), in the same run.
//
//   caption_bench [--model DIR | --preset git-base|tiny] [--images 8] [--new-tokens 50] [--runs 3]
//                 [--threads N] [--reference-tokens 5] [--modes fp32,bf16,int8] [--force-bf16] [--costs]
//
// One table, one row per mode, each measured in its own child process (this program re-run with --child
// MODE) so each row's peak RSS is that mode's alone: transformers-style generation (its ms/token over
// --reference-tokens, the 50-token latency extrapolated), our fp32, bf16 (where the CPU has native bf16,
// else a line saying why not; --force-bf16 runs it anyway) and int8: load + conversion time, latency for
// --new-tokens at batch 1 (median over runs), ms/token, vision encoder ms, images/s at batch 8 and peak RSS.
// Then each mode's agreement with fp32 on the bench images (greedy ids, max logit difference), and with
// --costs the cost of per-token probabilities (confidence) and of heatmaps. Generation is greedy with a
// fixed number of new tokens (end-of-sequence disabled) so runs are comparable across models. Every process
// runs with the programs' memory and thread wait policies (memory_policy.h, thread_wait_policy.h).
#include "captioner/caption_pipeline.h"
#include "captioner/image_io.h"
#include "captioner/inference_precision.h"
#include "captioner/memory_policy.h"
#include "captioner/model_presets.h"
#include "captioner/precision_agreement.h"
#include "bench_util.h"
#include "captioner/runtime.h"
#include "captioner/tokenizer.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
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

struct Settings {
    std::string model, preset = "git-base", child, modes = "fp32,bf16,int8", imagesDir;
    int images = 8, newTokens = 50, runs = 3, threads = 0, refTokens = 5;
    bool forceBf16 = false, costs = false;
};

std::vector<std::string> benchImages(const Settings& s) {
    std::vector<std::string> paths;
    for (int i = 0; i < std::max(s.images, 8); ++i)
        paths.push_back((fs::path(s.imagesDir) / ("bench_" + std::to_string(i) + ".jpg")).string());
    return paths;
}

captioner::CaptionOptions fixedLengthOptions(const captioner::GitCheckpoint& ck, int newTokens) {
    captioner::CaptionOptions opts;
    opts.generation = captioner::generationOptionsFor(ck, 1 + newTokens, 1, 1.0);
    opts.generation.eosTokenId = -1; // fixed number of new tokens
    return opts;
}

// The cost of per-token probabilities (confidence, issue 17) and of heatmaps, fp32, batch 8.
void printCosts(captioner::GitCheckpoint& ck, const std::vector<std::string>& eight,
                const captioner::CaptionOptions& opts, int runs) {
    std::vector<torch::Tensor> px;
    for (const auto& p : eight) px.push_back(ck.processor.preprocess(captioner::decodeImageRgb(p)));
    const auto pixels = torch::stack(px);
    for (int beams : {1, 3}) {
        auto g = opts.generation;
        g.numBeams = beams;
        std::vector<double> plain, withProbs;
        for (int r = 0; r < std::max(3, runs); ++r) {
            auto t0 = Clock::now();
            const auto ids = captioner::generate(ck.model, pixels, g);
            plain.push_back(since(t0));
            t0 = Clock::now();
            const auto res = captioner::generateWithProbabilities(ck.model, pixels, g);
            withProbs.push_back(since(t0));
            if (res.sequences != ids) throw std::runtime_error("probabilities changed the ids");
        }
        std::printf("confidence cost, %d beam(s), batch 8: %8.3f s without, %8.3f s with (median, %+.1f%%)\n", beams,
                    median(plain), median(withProbs), 100.0 * (median(withProbs) / median(plain) - 1.0));
    }
    // generateWithProbabilities() without and with GenerationOptions::imageAttention, alternated.
    std::vector<double> none, lastLayer, allLayers;
    for (int r = 0; r < std::max(3, runs); ++r) {
        auto g = opts.generation;
        const auto timed = [&](captioner::ImageAttention which, std::vector<double>& into) {
            g.imageAttention = which;
            const auto t0 = Clock::now();
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
                median(none), median(lastLayer), 100.0 * (median(lastLayer) / median(none) - 1.0), median(allLayers),
                100.0 * (median(allLayers) / median(none) - 1.0));
}

// One row of the table, in this (child) process: prints it as a JSON line on stdout.
int runChild(const Settings& s) {
    const auto paths = benchImages(s);
    nlohmann::json row{{"mode", s.child}};
    auto t0 = Clock::now();
    auto ck = captioner::loadCheckpoint(s.model);
    row["load_s"] = since(t0);
    const bool reference = s.child == "reference";
    t0 = Clock::now();
    if (!reference) captioner::applyInferencePrecision(ck, captioner::parseInferencePrecision(s.child), s.forceBf16);
    row["convert_s"] = since(t0);
    {
        // The once-per-image part (vision tower + projection).
        c10::InferenceMode guard;
        const auto pixels = ck.processor.preprocess(captioner::decodeImageRgb(paths[0])).unsqueeze(0);
        ck.model->encodeImage(pixels); // warm-up
        std::vector<double> enc;
        for (int r = 0; r < s.runs; ++r) {
            t0 = Clock::now();
            ck.model->encodeImage(pixels);
            enc.push_back(since(t0));
        }
        row["vision_s"] = median(enc);
    }
    if (reference) {
        const double perToken = referenceSecondsPerToken(ck, paths[0], s.refTokens);
        row["ms_per_token"] = 1000 * perToken;
        row["latency_s"] = perToken * s.newTokens; // extrapolated
    } else {
        auto opts = fixedLengthOptions(ck, s.newTokens);
        opts.batchSize = 1;
        captioner::captionImages(ck, {paths[0]}, opts); // warm-up
        std::vector<double> single;
        for (int r = 0; r < s.runs; ++r) {
            t0 = Clock::now();
            captioner::captionImages(ck, {paths[static_cast<size_t>(r) % paths.size()]}, opts);
            single.push_back(since(t0));
        }
        const double lat = median(single);
        row["latency_s"] = lat;
        row["ms_per_token"] = 1000 * lat / s.newTokens;
        row["text_ms_per_token"] = 1000 * (lat - row["vision_s"].get<double>()) / s.newTokens;
        opts.batchSize = 8;
        const std::vector<std::string> eight(paths.begin(), paths.begin() + 8);
        std::vector<double> batched;
        for (int r = 0; r < std::max(1, s.runs / 2); ++r) {
            t0 = Clock::now();
            captioner::captionImages(ck, eight, opts);
            batched.push_back(since(t0));
        }
        row["images_per_s_b8"] = 8.0 / median(batched);
        if (s.costs && s.child == "fp32") printCosts(ck, eight, opts, s.runs);
    }
    row["peak_rss_mib"] = peakRssMiB();
    std::printf("ROW %s\n", row.dump().c_str());
    return 0;
}

// Runs this program with --child MODE and returns its row (peak RSS from the child's own rusage too).
nlohmann::json runMode(const Settings& s, const std::string& mode) {
    std::vector<std::string> args{"/proc/self/exe",
                                  "--child",
                                  mode,
                                  "--model",
                                  s.model,
                                  "--images-dir",
                                  s.imagesDir,
                                  "--new-tokens",
                                  std::to_string(s.newTokens),
                                  "--runs",
                                  std::to_string(s.runs),
                                  "--threads",
                                  std::to_string(s.threads),
                                  "--reference-tokens",
                                  std::to_string(s.refTokens),
                                  "--images",
                                  std::to_string(s.images)};
    if (s.forceBf16) args.push_back("--force-bf16");
    if (s.costs) args.push_back("--costs");
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
    std::fflush(stdout);
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        ::close(out[0]);
        ::close(out[1]);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv("/proc/self/exe", argv.data());
        ::_exit(127);
    }
    ::close(out[1]);
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    ::close(out[0]);
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    nlohmann::json row;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("ROW ", 0) == 0) row = nlohmann::json::parse(line.substr(4));
        else std::printf("%s\n", line.c_str()); // the child's other output (--costs)
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || row.is_null())
        throw std::runtime_error("the " + mode + " run failed (status " + std::to_string(status) + ")");
    row["child_max_rss_mib"] = static_cast<double>(usage.ru_maxrss) / 1024.0;
    return row;
}

void printRow(const nlohmann::json& r, const std::string& label) {
    auto num = [&](const char* key, const char* fmt, double scale = 1) {
        if (!r.contains(key)) return std::string("       -");
        char b[32];
        std::snprintf(b, sizeof b, fmt, r[key].get<double>() * scale);
        return std::string(b);
    };
    std::printf("%-22s %8s %9s %9s %9s %9s %8s\n", label.c_str(), num("latency_s", "%8.2f").c_str(),
                num("ms_per_token", "%9.1f").c_str(), num("vision_s", "%9.0f", 1000).c_str(),
                num("images_per_s_b8", "%9.2f").c_str(), num("child_max_rss_mib", "%9.0f").c_str(),
                num("load_s", "%8.2f").c_str());
}

// Each precision mode's greedy ids and logits against fp32's on the bench images (all models in this process).
void printAgreement(const Settings& s, const std::vector<std::string>& modes) {
    auto fp32 = captioner::loadCheckpoint(s.model);
    std::vector<torch::Tensor> px;
    for (const auto& p : benchImages(s)) px.push_back(fp32.processor.preprocess(captioner::decodeImageRgb(p)));
    const auto pixels = torch::stack(px);
    const auto opts = fixedLengthOptions(fp32, s.newTokens).generation;
    for (const auto& mode : modes) {
        if (mode == "fp32") continue;
        auto other = captioner::loadCheckpoint(s.model);
        captioner::applyInferencePrecision(other, captioner::parseInferencePrecision(mode), s.forceBf16);
        const auto a = captioner::comparePrecision(fp32.model, other.model, pixels, opts);
        std::printf("agreement %s vs fp32 (%lld images, %d new tokens): %lld identical (%.0f%%), tokens %.1f%%, "
                    "max logit difference %.3g (max |logit| %.3g)\n",
                    mode.c_str(), static_cast<long long>(a.images), s.newTokens,
                    static_cast<long long>(a.identicalImages), 100 * a.imageAgreement(), 100 * a.tokenAgreement(),
                    a.maxLogitDifference, a.maxAbsLogit);
    }
}

} // namespace

int main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
    captioner::largeAllocationsFromMmap(); // as `captioner` and captioner-gui run (memory_policy.h)
    Settings s;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::cerr << a << " needs a value\n";
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--model") s.model = next();
        else if (a == "--preset") s.preset = next();
        else if (a == "--images") s.images = std::stoi(next());
        else if (a == "--new-tokens") s.newTokens = std::stoi(next());
        else if (a == "--runs") s.runs = std::stoi(next());
        else if (a == "--threads") s.threads = std::stoi(next());
        else if (a == "--reference-tokens") s.refTokens = std::stoi(next());
        else if (a == "--modes") s.modes = next();
        else if (a == "--force-bf16") s.forceBf16 = true;
        else if (a == "--costs") s.costs = true;
        else if (a == "--child") s.child = next();
        else if (a == "--images-dir") s.imagesDir = next();
        else {
            std::cerr << "usage: caption_bench [--model DIR | --preset NAME] [--images N] [--new-tokens N] [--runs N] "
                         "[--threads N] [--reference-tokens N] [--modes fp32,bf16,int8] [--force-bf16] [--costs]\n";
            return a == "--help" ? 0 : 2;
        }
    }
    try {
        captioner::configureThreads(s.threads);
        if (!s.child.empty()) return runChild(s);
        const fs::path tmp = fs::temp_directory_path() / ("caption_bench_" + std::to_string(::getpid()));
        fs::create_directories(tmp);
        if (s.model.empty()) {
            // A preset with random weights, saved and loaded like a real download.
            auto tok = std::shared_ptr<captioner::Tokenizer>(
                captioner::WordPieceTokenizer::fromVocabFile(captioner::findDataFile("bert-base-uncased-vocab.txt")));
            captioner::saveCheckpoint(captioner::initCheckpoint(captioner::presetConfig(s.preset), tok, 0),
                                      (tmp / "model").string());
            s.model = (tmp / "model").string();
        }
        s.imagesDir = tmp.string();
        makeImages(tmp, std::max(s.images, 8));
        std::printf("caption_bench: %s, %d threads, %s\n", s.model.c_str(), captioner::currentThreads(),
                    captioner::torchDescription().c_str());
        std::printf("CPU: %s\n", bench::cpuDescription().c_str());
        std::printf("memory read: %.1f GB/s on 1 thread, %.1f GB/s on %d (a batch-1 step reads every text-decoder "
                    "weight once)\n",
                    bench::memoryReadGBs(1), bench::memoryReadGBs(captioner::currentThreads()),
                    captioner::currentThreads());
        for (const auto& line : captioner::precisionSummaryLines()) std::printf("%s\n", line.c_str());
        std::printf(
            "\n%d new tokens at batch 1 (median of %d runs), images/s at batch 8 (%d new tokens each), each mode "
            "in its own process\n",
            s.newTokens, s.runs, s.newTokens);
        std::printf("%-22s %8s %9s %9s %9s %9s %8s\n", "mode", "latency", "ms/token", "vision", "images/s", "peak RSS",
                    "load");
        std::printf("%-22s %8s %9s %9s %9s %9s %8s\n", "", "s", "", "ms", "batch 8", "MiB", "s");
        if (s.refTokens > 0)
            printRow(runMode(s, "reference"), "transformers-style (" + std::to_string(s.refTokens) + " tok)");
        std::vector<std::string> ran, skipped;
        std::istringstream list(s.modes);
        for (std::string mode; std::getline(list, mode, ',');) {
            const auto precision = captioner::parseInferencePrecision(mode);
            if (precision == captioner::InferencePrecision::Bf16 && !s.forceBf16) {
                const auto a = captioner::bf16Availability();
                if (!a.available) {
                    skipped.push_back("bf16 skipped: " + a.detail + " (--force-bf16 runs it anyway)");
                    continue;
                }
            }
            printRow(runMode(s, mode),
                     mode + (precision == captioner::InferencePrecision::Bf16 && s.forceBf16 ? " (forced)" : ""));
            ran.push_back(mode);
        }
        for (const auto& line : skipped) std::printf("%s\n", line.c_str());
        std::printf("(transformers-style: ms/token over %d tokens, latency extrapolated to %d; peak RSS of each "
                    "mode's own process)\n\n",
                    s.refTokens, s.newTokens);
        printAgreement(s, ran);
        fs::remove_all(tmp);
    } catch (const std::exception& e) {
        std::cerr << "caption_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
