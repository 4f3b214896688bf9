#pragma once
// The built-in demo model: the tiny GIT preset with a SentencePiece tokenizer trained on the demo
// captions, fine-tuned on the generated demo dataset with a recipe that learns in CPU minutes
// (64 px images, batch 16, lr 2e-3 with warm-up and linear decay, no dropout). `captioner demo` runs
// it headless and the desktop app uses it so that captioning works on a fresh install.
// Layout of the demo folder: data/ (the dataset), base-model/ (untrained), model/ (the training
// output: checkpoint-N/ folders, the best model at its root).
#include "captioner/checkpoint.h"
#include "captioner/evaluation.h"
#include "captioner/trainer.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace captioner {

struct DemoRecipe {
    std::string dir;       // the demo folder
    int imageCount = 5000; // 600 images overfit (held-out WER ~0.3); 5,000 generalise
    uint64_t dataSeed = 1;
    // 96 px in 16-px patches, a 6x6 grid of 37 image tokens: shapes need pixels per object (64 px in 8-px
    // patches reached 64% of images with every shape right at 10,000 steps, 96 px 93% at 12,000) and the
    // coarser grid pays for them (537 samples/s on one thread against ~260). bench/README.md has the rest.
    int imageSize = 96;
    int patchSize = 16;
    int tokenizerVocab = 100; // BPE: letters, merges and the 19 caption words, each one piece
    // Relations are learnt by ~8,000 steps, shapes keep improving to the end: 12,000 left one seed of
    // three at 87.8% shapes, 15,000 give 98.0 / 94.4 / 98.4% (seeds 42 / 3 / 7), 16,000 97.4 / 94.8 / 99.0%.
    int64_t maxSteps = 15000;
    int batchSize = 16;
    double learningRate = 1e-3; // 64 px / patch 8: 2e-3 learnt slower, 5e-4 too
    // How the tiny model starts. HF's initializer_range 0.02 is sized for 768-wide layers: at width 64
    // attention stays uniform and image tokens carry next to no position, so colours are learnt but
    // shapes, binding and relations stay at chance for thousands of steps. 0.07 (0.02 * sqrt(768/64))
    // plus sine-cosine vision positions (std 1) takes held-out WER from 0.50 to 0.20 at 3,000 steps.
    double initializerRange = 0.07;
    // 0: HF's random position embeddings. With 16-px patches the patch embedding starts about twice as
    // strong as with 8-px ones (std 0.07 over 768 pixel values, not 192): positions of std 1 are drowned,
    // and relations stay at chance until ~11,000 steps; std 2 brings them by ~8,000, std 3 by ~5,000 but
    // costs shapes (64% at 10,000 steps).
    double positionStd = 2.0;
    // The patch embedding's start: "pca" (whitened principal directions of demo patches) or "random".
    std::string patchInit = "random";
    double warmupRatio = 0.05;
    int64_t evalSteps = 2000; // each eval captions evalGenerate images: time the demo does not train
    int evalGenerate = 200;   // held-out images captioned at each eval
    uint64_t seed = 42;
    int workers = 1; // one renderer keeps up with two compute threads, and leaves them the cores
    // Render a fresh scene for every training example of every epoch (freshDemoScene) instead of reading
    // the dataset's training images again each epoch: the model never sees an image twice.
    bool freshImages = true;
    // The tiny model's operations are too small to share between threads (each would wait for the other
    // hundreds of times a step): every step's batch is split over two threads instead, each computing alone.
    int computeThreads = 1;
    int dataParallelThreads = 2; // TrainingOptions::dataParallelThreads
};

struct DemoPaths {
    std::string data, baseModel, model;
};
DemoPaths demoPaths(const std::string& dir);

// Writes data/ and base-model/ where they are missing (each atomically), logging what it does.
// Throws Error; `shouldCancel` is polled while rendering.
DemoPaths prepareDemo(const DemoRecipe& recipe, const std::function<void(const std::string&)>& log = {},
                      const std::function<bool()>& shouldCancel = {});

// An untrained demo model of `config` (the tiny preset with the recipe's image and patch size, or a variant of
// it) started the recipe's way: its initializer_range, seed and sine-cosine vision positions.
GitCheckpoint initDemoCheckpoint(GitConfig config, std::shared_ptr<Tokenizer> tokenizer, const DemoRecipe& recipe);

// The training options of the recipe (data/ -> model/, starting from base-model/).
TrainingOptions demoTrainingOptions(const DemoRecipe& recipe);

// How often the parts of generated demo captions are right, image by image, against the reference
// caption: exact (whole caption), objects (same number of shapes), shapes, colours, sizes (every
// object's word right, in order) and relation (the relation phrase of two-shape captions; over those
// images only). A caption outside the demo grammar counts as wrong in every part.
struct DemoCaptionAccuracy {
    double exact = 0, objects = 0, shapes = 0, colours = 0, sizes = 0, relation = 0;
    int64_t count = 0, twoShapeCount = 0;
};
DemoCaptionAccuracy demoCaptionAccuracy(const std::vector<std::string>& predictions,
                                        const std::vector<std::string>& references);

// A model's generated captions (greedy, max_length 50) for every held-out image of the demo split
// (the 10% the recipe's seed keeps out of training), with the per-part accuracy: what `captioner
// demo` prints before and after training.
struct DemoEvaluation {
    EvalResult eval; // every held-out image's sample is kept
    DemoCaptionAccuracy accuracy;
};
DemoEvaluation evaluateDemoModel(const std::string& modelDir, const DemoRecipe& recipe);

} // namespace captioner
