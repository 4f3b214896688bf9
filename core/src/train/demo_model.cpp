#include "captioner/demo_model.h"

#include "captioner/checkpoint.h"
#include "captioner/dataset.h"
#include "captioner/dataset_split.h"
#include "captioner/demo_dataset.h"
#include "captioner/error.h"
#include "captioner/git_config.h"
#include "captioner/git_model.h"
#include "captioner/image_io.h"
#include "captioner/model_presets.h"
#include "captioner/tokenizer.h"

#include <torch/torch.h>

#include <filesystem>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace captioner {

namespace {

struct ParsedObject {
    std::string size, colour, shape;
};
struct ParsedCaption {
    bool valid = false;
    std::vector<ParsedObject> objects;
    std::string relation; // "", "left", "above"
};

// Reads "a <size> <colour> <shape>[ (to the left of|above) a <size> <colour> <shape>]".
ParsedCaption parseDemoCaption(const std::string& caption) {
    std::istringstream in(caption);
    std::vector<std::string> w;
    for (std::string word; in >> word;) w.push_back(word);
    ParsedCaption p;
    size_t i = 0;
    auto object = [&]() -> bool {
        if (i + 4 > w.size() || w[i] != "a") return false;
        p.objects.push_back({w[i + 1], w[i + 2], w[i + 3]});
        i += 4;
        return true;
    };
    if (!object()) return p;
    if (i < w.size()) {
        if (w[i] == "above") {
            p.relation = "above";
            i += 1;
        } else if (i + 4 <= w.size() && w[i] == "to" && w[i + 1] == "the" && w[i + 2] == "left" && w[i + 3] == "of") {
            p.relation = "left";
            i += 4;
        } else {
            return p;
        }
        if (!object()) return p;
    }
    p.valid = i == w.size();
    return p;
}

} // namespace

DemoPaths demoPaths(const std::string& dir) {
    const fs::path d(dir);
    return {(d / "data").string(), (d / "base-model").string(), (d / "model").string()};
}

DemoPaths prepareDemo(const DemoRecipe& r, const std::function<void(const std::string&)>& log,
                      const std::function<bool()>& shouldCancel) {
    if (r.dir.empty()) throw Error("demo", "no demo folder given");
    const DemoPaths paths = demoPaths(r.dir);
    std::error_code ec;
    fs::create_directories(r.dir, ec);
    if (ec) throw Error(r.dir, "cannot create folder: " + ec.message());
    // A folder made by an earlier recipe (64 px, 8-px patches before issue 20) is made again, not mixed
    // with this one: images of another size take the base model and training output with them; a base
    // model of another image or patch size only its training output.
    auto startOver = [&](const std::string& why, std::initializer_list<std::string> folders) {
        if (log) log(why + ": making the demo again");
        for (const auto& d : folders) fs::remove_all(d, ec);
    };
    if (fs::exists(fs::path(paths.data) / "metadata.jsonl")) {
        const auto items = CaptionDataset::open(paths.data).items();
        const cv::Mat first = items.empty() ? cv::Mat() : decodeImageRgb(items.front().imagePath);
        if (first.rows != r.imageSize || first.cols != r.imageSize)
            startOver("the demo images in " + paths.data + " are " + std::to_string(first.cols) + "x" +
                          std::to_string(first.rows) + " px, the recipe's " + std::to_string(r.imageSize) + " px",
                      {paths.data, paths.baseModel, paths.model});
    }
    if (isGitCheckpoint(paths.baseModel)) {
        const GitConfig c = loadGitConfig((fs::path(paths.baseModel) / "config.json").string());
        if (c.vision.imageSize != r.imageSize || c.vision.patchSize != r.patchSize)
            startOver("the demo base model in " + paths.baseModel + " sees " + std::to_string(c.vision.imageSize) +
                          " px in " + std::to_string(c.vision.patchSize) + "-px patches, the recipe " +
                          std::to_string(r.imageSize) + " px in " + std::to_string(r.patchSize) + "-px patches",
                      {paths.baseModel, paths.model});
    }
    if (!fs::exists(fs::path(paths.data) / "metadata.jsonl")) {
        if (log) log("rendering " + std::to_string(r.imageCount) + " demo images into " + paths.data);
        fs::remove_all(paths.data, ec); // an empty or leftover folder; writeDemoDataset is atomic itself
        DemoDatasetOptions o;
        o.count = r.imageCount;
        o.seed = r.dataSeed;
        o.imageSize = r.imageSize;
        o.shouldCancel = shouldCancel;
        writeDemoDataset(paths.data, o);
    }
    if (!isGitCheckpoint(paths.baseModel)) {
        if (log)
            log("training a SentencePiece tokenizer on the training captions and creating the tiny model in " +
                paths.baseModel);
        // The tokenizer sees only the training split's captions, so held-out captions stay unseen.
        const auto dataset = CaptionDataset::open(paths.data);
        const auto split = splitDataset(dataset, 0.1, r.seed);
        std::vector<std::string> captions;
        for (size_t i : split.train)
            for (const auto& c : dataset.items()[i].captions) captions.push_back(c);
        const fs::path tmp = fs::path(r.dir) / (".tokenizer-" + std::to_string(::getpid()));
        std::shared_ptr<Tokenizer> tokenizer =
            SentencePieceTokenizer::train(captions, r.tokenizerVocab, tmp.string(), "bpe");
        fs::remove_all(tmp, ec);
        GitConfig config = presetConfig("tiny");
        config.vision.imageSize = r.imageSize;
        config.vision.patchSize = r.patchSize;
        const auto ck = initDemoCheckpoint(config, tokenizer, r);
        fs::remove_all(paths.baseModel, ec);
        saveCheckpoint(ck, paths.baseModel);
    }
    return paths;
}

namespace {

// The patch embedding as a whitened PCA of demo patches: row k is the k-th principal direction of the
// (uncentred, as the convolution has no bias) second moment of preprocessed patches of fresh demo
// scenes, divided by the square root of its variance, so every embedding dimension starts with unit
// variance over demo images and uncorrelated with the others: colour and edges of every orientation
// and scale from the first step rather than a random mix. Dimensions beyond the patch's values keep
// their random start.
void initPatchEmbeddingPca(GitCheckpoint& ck, const DemoRecipe& r) {
    const GitVisionConfig& v = ck.config.vision;
    const int64_t p = v.patchSize, values = 3 * p * p, hidden = v.hiddenSize;
    std::vector<torch::Tensor> images;
    for (size_t i = 0; i < 256; ++i)
        images.push_back(ck.processor.preprocess(renderScene(freshDemoScene(r.dataSeed, -1, i), r.imageSize)));
    // [N,3,G,G,p,p] -> one row per patch, in the convolution weight's (channel, y, x) order.
    const auto patches = torch::stack(images).to(torch::kFloat64).unfold(2, p, p).unfold(3, p, p);
    const auto rows = patches.permute({0, 2, 3, 1, 4, 5}).reshape({-1, values});
    const auto moment = rows.t().matmul(rows) / double(rows.size(0));
    const auto [eigenvalues, eigenvectors] = at::linalg_eigh(moment, "L"); // ascending
    const int64_t k = std::min(hidden, values);
    const auto top = eigenvectors.flip({1}).narrow(1, 0, k).t();  // [k, values]
    const auto variance = eigenvalues.flip({0}).narrow(0, 0, k);  // [k]
    const double floor = 1e-3 * eigenvalues.max().item<double>(); // flat directions are not blown up
    const auto weights = top / (variance.clamp_min(0) + floor).sqrt().unsqueeze(1);
    torch::NoGradGuard noGrad;
    for (auto& item : ck.model->named_parameters(true))
        if (item.key() == "git.image_encoder.vision_model.embeddings.patch_embedding.weight")
            item.value().view({hidden, values}).narrow(0, 0, k).copy_(weights.to(item.value().options()));
}

} // namespace

GitCheckpoint initDemoCheckpoint(GitConfig config, std::shared_ptr<Tokenizer> tokenizer, const DemoRecipe& r) {
    config.initializerRange = config.vision.initializerRange = r.initializerRange;
    auto ck = initCheckpoint(config, std::move(tokenizer), r.seed);
    if (r.positionStd > 0) initVisionPositionsSinCos(ck.model, r.positionStd);
    if (r.patchInit == "pca") initPatchEmbeddingPca(ck, r);
    else if (r.patchInit != "random")
        throw Error("demo recipe", "patch embedding start '" + r.patchInit + "' is neither pca nor random");
    return ck;
}

TrainingOptions demoTrainingOptions(const DemoRecipe& r) {
    const DemoPaths paths = demoPaths(r.dir);
    TrainingOptions o;
    o.modelDir = paths.baseModel;
    o.dataPath = paths.data;
    o.outputDir = paths.model;
    o.device = "cpu";
    o.learningRate = r.learningRate;
    o.warmupRatio = r.warmupRatio;
    o.batchSize = r.batchSize;
    o.gradientAccumulation = 1;
    o.maxSteps = r.maxSteps;
    o.loggingSteps = 10;
    o.evalSteps = r.evalSteps;
    o.saveSteps = r.evalSteps;
    o.saveTotalLimit = 2;
    o.evalGenerateLimit = r.evalGenerate;
    o.seed = r.seed;
    o.workers = r.workers;
    o.computeThreads = r.computeThreads;
    o.dataParallelThreads = r.dataParallelThreads;
    if (r.freshImages) {
        o.trainRenderer = [seed = r.dataSeed, size = r.imageSize](int epoch, size_t index) {
            const DemoScene scene = freshDemoScene(seed, epoch, index);
            return RenderedExample{renderScene(scene, size), describeScene(scene)};
        };
    }
    return o;
}

DemoCaptionAccuracy demoCaptionAccuracy(const std::vector<std::string>& predictions,
                                        const std::vector<std::string>& references) {
    if (predictions.size() != references.size())
        throw Error("demo accuracy", std::to_string(predictions.size()) + " predictions for " +
                                         std::to_string(references.size()) + " references");
    DemoCaptionAccuracy a;
    int64_t exact = 0, objects = 0, shapes = 0, colours = 0, sizes = 0, relation = 0;
    for (size_t i = 0; i < predictions.size(); ++i) {
        const ParsedCaption ref = parseDemoCaption(references[i]);
        if (!ref.valid) throw Error("demo accuracy", "reference '" + references[i] + "' is not a demo caption");
        const ParsedCaption pred = parseDemoCaption(predictions[i]);
        ++a.count;
        if (ref.objects.size() == 2) ++a.twoShapeCount;
        if (!pred.valid) continue;
        exact += predictions[i] == references[i];
        const bool sameCount = pred.objects.size() == ref.objects.size();
        objects += sameCount;
        if (!sameCount) continue;
        bool s = true, c = true, z = true;
        for (size_t k = 0; k < ref.objects.size(); ++k) {
            s = s && pred.objects[k].shape == ref.objects[k].shape;
            c = c && pred.objects[k].colour == ref.objects[k].colour;
            z = z && pred.objects[k].size == ref.objects[k].size;
        }
        shapes += s;
        colours += c;
        sizes += z;
        if (ref.objects.size() == 2) relation += pred.relation == ref.relation;
    }
    if (a.count > 0) {
        const double n = static_cast<double>(a.count);
        a.exact = exact / n;
        a.objects = objects / n;
        a.shapes = shapes / n;
        a.colours = colours / n;
        a.sizes = sizes / n;
    }
    if (a.twoShapeCount > 0) a.relation = static_cast<double>(relation) / static_cast<double>(a.twoShapeCount);
    return a;
}

DemoEvaluation evaluateDemoModel(const std::string& modelDir, const DemoRecipe& recipe) {
    auto ck = loadCheckpoint(modelDir);
    const auto dataset = CaptionDataset::open(demoPaths(recipe.dir).data);
    const auto split = splitDataset(dataset, 0.1, recipe.seed);
    const auto examples = evalExamplesFor(dataset, split.test);
    EvalOptions eo;
    eo.batchSize = 64;
    eo.maxLength = 50;
    eo.sampleCount = static_cast<int>(examples.size()); // all, for the accuracy breakdown
    eo.workers = recipe.workers;
    DemoEvaluation d;
    d.eval = evaluateCheckpoint(ck, examples, eo);
    std::vector<std::string> predictions, references;
    for (const auto& s : d.eval.samples) {
        predictions.push_back(s.prediction);
        references.push_back(s.reference);
    }
    d.accuracy = demoCaptionAccuracy(predictions, references);
    return d;
}

} // namespace captioner
