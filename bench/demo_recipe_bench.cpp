// demo_recipe_bench: how well variants of the demo recipe learn, side by side with the shipped
// recipe. Each variant renders (or reuses) its demo data, creates its tiny model, trains, and prints
// held-out generated-caption WER, the teacher-forced WER and the per-part accuracy, with the wall time.
//
//   demo_recipe_bench [--dir DIR] [--threads N] VARIANT...
//
// A VARIANT is a comma-separated list of key=value overrides of the shipped recipe ("shipped" for
// none): images, image_size, patch, hidden, layers, vision_layers, heads, intermediate, batch, lr,
// warmup, steps, seed, data_seed, vocab, workers, init (initializer_range), positions (std of the
// sine-cosine vision positions, 0 for HF's random ones), beta2, clip (max grad norm, 0 none), wd,
// sched, dp_threads (data-parallel threads). Data is shared between variants with the same images/image_size/data_seed.
// With no VARIANT it runs the shipped recipe beside the same recipe from HF's initialisation
// ("init=0.02,positions=0"), the reference the shipped one is measured against.
#include "captioner/checkpoint.h"
#include "captioner/demo_model.h"
#include "captioner/runtime.h"
#include "captioner/trainer.h"
#include "bench_util.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

struct Variant {
    std::string label;
    captioner::DemoRecipe recipe;
    int hidden = 0, layers = 0, visionLayers = 0, heads = 0, intermediate = 0;
    double beta2 = 0.999, clip = 1.0, weightDecay = 0;
    std::string scheduler = "linear";
};

Variant parseVariant(const std::string& text) {
    Variant v;
    v.label = text;
    if (text == "shipped") return v;
    std::stringstream in(text);
    for (std::string kv; std::getline(in, kv, ',');) {
        const auto eq = kv.find('=');
        if (eq == std::string::npos) throw std::runtime_error("not key=value: " + kv);
        const std::string k = kv.substr(0, eq), val = kv.substr(eq + 1);
        auto& r = v.recipe;
        if (k == "images") r.imageCount = std::stoi(val);
        else if (k == "image_size") r.imageSize = std::stoi(val);
        else if (k == "batch") r.batchSize = std::stoi(val);
        else if (k == "lr") r.learningRate = std::stod(val);
        else if (k == "warmup") r.warmupRatio = std::stod(val);
        else if (k == "steps") r.maxSteps = std::stoll(val);
        else if (k == "seed") r.seed = std::stoull(val);
        else if (k == "data_seed") r.dataSeed = std::stoull(val);
        else if (k == "vocab") r.tokenizerVocab = std::stoi(val);
        else if (k == "workers") r.workers = std::stoi(val);
        else if (k == "patch_init") r.patchInit = val;
        else if (k == "fresh") r.freshImages = std::stoi(val) != 0;
        else if (k == "compute_threads") r.computeThreads = std::stoi(val);
        else if (k == "dp_threads") r.dataParallelThreads = std::stoi(val);
        else if (k == "init") r.initializerRange = std::stod(val);
        else if (k == "positions") r.positionStd = std::stod(val);
        else if (k == "beta2") v.beta2 = std::stod(val);
        else if (k == "clip") v.clip = std::stod(val);
        else if (k == "wd") v.weightDecay = std::stod(val);
        else if (k == "sched") v.scheduler = val;
        else if (k == "patch") r.patchSize = std::stoi(val);
        else if (k == "hidden") v.hidden = std::stoi(val);
        else if (k == "layers") v.layers = std::stoi(val);
        else if (k == "vision_layers") v.visionLayers = std::stoi(val);
        else if (k == "heads") v.heads = std::stoi(val);
        else if (k == "intermediate") v.intermediate = std::stoi(val);
        else throw std::runtime_error("unknown key " + k);
    }
    return v;
}

// prepareDemo's data and model, with the variant's architecture overrides applied to the base model.
captioner::DemoPaths prepare(const Variant& v) {
    const auto paths = captioner::prepareDemo(v.recipe);
    if (!v.hidden && !v.layers && !v.visionLayers && !v.heads && !v.intermediate) return paths;
    auto base = captioner::loadCheckpoint(paths.baseModel);
    captioner::GitConfig c = base.config;
    if (v.hidden) c.hiddenSize = c.vision.hiddenSize = v.hidden;
    if (v.intermediate) c.intermediateSize = c.vision.intermediateSize = v.intermediate;
    if (v.layers) c.numHiddenLayers = v.layers;
    if (v.visionLayers) c.vision.numHiddenLayers = v.visionLayers;
    if (v.heads) c.numAttentionHeads = c.vision.numAttentionHeads = v.heads;
    captioner::saveCheckpoint(captioner::initDemoCheckpoint(c, base.tokenizer, v.recipe), paths.baseModel);
    return paths;
}

} // namespace

int main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
    std::string dir = "demo-recipe-bench";
    int threads = 0;
    std::vector<Variant> variants;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--dir" && i + 1 < argc) dir = argv[++i];
        else if (a == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
        else variants.push_back(parseVariant(a));
    }
    if (variants.empty()) {
        variants.push_back(parseVariant("shipped"));
        variants.push_back(parseVariant("init=0.02,positions=0"));
    }
    captioner::configureThreads(threads);

    std::printf("%-60s %7s %7s %7s | %6s %6s %6s %6s %6s | %7s\n", "variant", "loss", "WER", "WER-tf", "exact", "shape",
                "colour", "size", "rel.", "train s");
    std::fflush(stdout);
    for (size_t n = 0; n < variants.size(); ++n) {
        Variant v = variants[n];
        const auto& r = v.recipe;
        // Data shared by variants that render the same images; models and runs are per variant.
        const fs::path data = fs::path(dir) / ("data-" + std::to_string(r.imageCount) + "-" +
                                               std::to_string(r.imageSize) + "-" + std::to_string(r.dataSeed));
        const fs::path runDir = fs::path(dir) / ("run-" + std::to_string(n));
        fs::remove_all(runDir);
        fs::create_directories(runDir);
        if (fs::exists(data / "metadata.jsonl")) fs::create_directory_symlink(fs::absolute(data), runDir / "data");
        v.recipe.dir = runDir.string();
        const auto paths = prepare(v);
        if (!fs::exists(data / "metadata.jsonl")) {
            fs::rename(paths.data, data);
            fs::create_directory_symlink(fs::absolute(data), paths.data);
        }
        const auto t0 = bench::Clock::now();
        auto options = captioner::demoTrainingOptions(v.recipe);
        options.adamBeta2 = v.beta2;
        options.maxGradNorm = v.clip;
        options.weightDecay = v.weightDecay;
        options.lrScheduler = v.scheduler;
        captioner::Trainer trainer(options);
        const auto summary = trainer.run();
        const double seconds = bench::since(t0);
        if (summary.status != "completed") {
            std::printf("%-60s failed: %s\n", v.label.c_str(), summary.message.c_str());
            continue;
        }
        const auto m = captioner::evaluateDemoModel(paths.model, v.recipe);
        {
            std::ofstream tsv(runDir / "samples.tsv");
            for (const auto& s : m.eval.samples)
                tsv << s.imagePath << '\t' << s.prediction << '\t' << s.reference << '\n';
        }
        const auto& a = m.accuracy;
        std::printf("%-60s %7.4f %7.4f %7.4f | %5.1f%% %5.1f%% %5.1f%% %5.1f%% %5.1f%% | %7.0f\n", v.label.c_str(),
                    m.eval.loss, m.eval.generated.wer.wer, m.eval.werTeacherForced.wer, 100 * a.exact, 100 * a.shapes,
                    100 * a.colours, 100 * a.sizes, 100 * a.relation, seconds);
        std::fflush(stdout);
    }
    return 0;
}
