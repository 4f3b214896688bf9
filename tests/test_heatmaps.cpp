// "Where the model looked" (issue 17): the text-to-image attention generation reports for each generated
// token, and the per-word heatmaps built from it. The cached decoding step's rows are checked against an
// independent full forward pass over the finished sequence with the attention probabilities returned
// (GitOutput::attentions), the ids against generation without attention, and the pipeline's word maps
// against their definition (mean of the word's tokens' maps).
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"
#include "captioner/generation.h"
#include "captioner/git_config.h"
#include "captioner/git_model.h"
#include "captioner/safetensors.h"
#include "captioner/tokenizer.h"

#include "test_support.h"

#include <QtTest/QtTest>
#include <c10/core/InferenceMode.h>

#include <cmath>

using namespace captioner;

namespace {

constexpr double kTolerance = 1e-5;

struct Fixture {
    GitForCausalLM model{nullptr};
    torch::Tensor pixels;
};

Fixture loadFixture(const std::string& name) {
    const std::string dir = testsupport::fixture("model/" + name);
    Fixture f;
    f.model = GitForCausalLM(loadGitConfig(dir + "/config.json"));
    f.model->loadStateDict(loadSafetensors(dir + "/model.safetensors"), name);
    f.model->eval();
    f.pixels = SafetensorsFile::open(dir + "/inputs.safetensors")->tensor("gen_pixel_values").clone();
    return f;
}

// The attention rows of a full forward pass over `ids` (one image): for every text position t that
// produced ids[t + 1], heads averaged over the image columns, of the last layer or averaged over layers.
std::vector<std::vector<float>> fullForwardRows(GitForCausalLM& model, const torch::Tensor& pixels,
                                                const std::vector<int64_t>& ids, ImageAttention which) {
    c10::InferenceMode inference;
    const auto input = torch::tensor(ids, torch::kLong).unsqueeze(0);
    const GitOutput out = model->forward(pixels, input, {}, {}, true);
    const int64_t numImage = model->config().vision.numImageTokens();
    const size_t layers = out.attentions.size();
    const size_t first = which == ImageAttention::AllLayers ? 0 : layers - 1;
    torch::Tensor sum;
    for (size_t l = first; l < layers; ++l) {
        // [1, H, T, T] -> rows of the text positions over the image columns, heads averaged: [L, I]
        auto rows = out.attentions[l][0].narrow(1, numImage, input.size(1)).narrow(2, 0, numImage).mean(0);
        sum = sum.defined() ? sum + rows : rows;
    }
    sum = (sum / double(layers - first)).to(torch::kFloat32).contiguous();
    std::vector<std::vector<float>> result;
    for (int64_t t = 0; t + 1 < input.size(1); ++t) {
        const float* p = sum.data_ptr<float>() + t * numImage;
        result.emplace_back(p, p + numImage);
    }
    return result;
}

double maxDifference(const std::vector<std::vector<float>>& a, const std::vector<std::vector<float>>& b) {
    if (a.size() != b.size()) return INFINITY;
    double worst = 0;
    for (size_t t = 0; t < a.size(); ++t) {
        if (a[t].size() != b[t].size()) return INFINITY;
        for (size_t i = 0; i < a[t].size(); ++i) worst = std::max(worst, std::abs(double(a[t][i]) - double(b[t][i])));
    }
    return worst;
}

} // namespace

class TestHeatmaps : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { torch::set_num_threads(1); }

    void cachedRowsEqualFullForward_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("allLayers");
        for (const char* name : {"tiny_a", "tiny_b"})
            for (bool all : {false, true})
                QTest::newRow(qPrintable(QString("%1 %2").arg(name, all ? "all layers" : "last layer"))) << name << all;
    }
    void cachedRowsEqualFullForward() {
        QFETCH(QString, name);
        QFETCH(bool, allLayers);
        Fixture f = loadFixture(name.toStdString());
        GenerationOptions opts = defaultGenerationOptions(f.model->config());
        opts.maxLength = 20;
        const GenerationResult plain = generateWithProbabilities(f.model, f.pixels, opts);
        opts.imageAttention = allLayers ? ImageAttention::AllLayers : ImageAttention::LastLayer;
        const GenerationResult res = generateWithProbabilities(f.model, f.pixels, opts);

        // Asking for attention changes neither the ids nor the probabilities.
        QCOMPARE(res.sequences, plain.sequences);
        QCOMPARE(res.sequences, generate(f.model, f.pixels, opts));
        QCOMPARE(res.tokenProbabilities, plain.tokenProbabilities);
        QVERIFY(plain.imageAttention.empty());
        QCOMPARE(res.imageAttention.size(), res.sequences.size());

        const size_t numImage = size_t(f.model->config().vision.numImageTokens());
        double worstFull = 0, worstUncached = 0, minMass = 1;
        opts.useCache = false; // the stepper that re-runs the whole model each step, as transformers does
        const GenerationResult uncached = generateWithProbabilities(f.model, f.pixels, opts);
        QCOMPARE(uncached.sequences, res.sequences);
        for (size_t i = 0; i < res.sequences.size(); ++i) {
            const auto& rows = res.imageAttention[i];
            QCOMPARE(rows.size() + 1, res.sequences[i].size()); // one row per generated token
            for (const auto& row : rows) {
                QCOMPARE(row.size(), numImage);
                double mass = 0;
                for (float v : row) {
                    QVERIFY(v >= 0);
                    mass += v;
                }
                QVERIFY2(mass <= 1 + 1e-6, qPrintable(QString::number(mass)));
                minMass = std::min(minMass, mass);
            }
            const auto full =
                fullForwardRows(f.model, f.pixels.narrow(0, int64_t(i), 1), res.sequences[i], opts.imageAttention);
            worstFull = std::max(worstFull, maxDifference(rows, full));
            worstUncached = std::max(worstUncached, maxDifference(rows, uncached.imageAttention[i]));
        }
        qInfo("%s %s: max |cached - full forward| %.3g, |cached - uncached steps| %.3g; smallest image mass %.3f",
              qPrintable(name), allLayers ? "all layers" : "last layer", worstFull, worstUncached, minMass);
        QVERIFY2(worstFull < kTolerance, qPrintable(QString::number(worstFull)));
        QVERIFY2(worstUncached < kTolerance, qPrintable(QString::number(worstUncached)));
    }

    void beamSearchIsRefused() {
        Fixture f = loadFixture("tiny_a");
        GenerationOptions opts = defaultGenerationOptions(f.model->config());
        opts.maxLength = 10;
        opts.numBeams = 3;
        opts.imageAttention = ImageAttention::LastLayer;
        testsupport::expectError([&] { generateWithProbabilities(f.model, f.pixels, opts); }, "generation options",
                                 {"greedy search only", "numBeams 1"});
        // generate() has no attention output and ignores the option.
        QCOMPARE(generate(f.model, f.pixels, opts).size(), size_t(f.pixels.size(0)));
    }

    void pipelineWordHeatmaps_data() {
        QTest::addColumn<bool>("allLayers");
        QTest::newRow("last layer") << false;
        QTest::newRow("all layers") << true;
    }
    void pipelineWordHeatmaps() {
        QFETCH(bool, allLayers);
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/model"));
        CaptionOptions options = captionOptionsFor(ck);
        options.generation.maxLength = 20;
        const std::vector<std::string> paths = {testsupport::fixture("image/input/photo_320x240.jpg"),
                                                testsupport::fixture("image/input/grey_256x300.png"),
                                                testsupport::fixture("image/input/rgba_300x225.png")};
        const auto plain = captionImages(ck, paths, options);
        options.generation.imageAttention = allLayers ? ImageAttention::AllLayers : ImageAttention::LastLayer;
        const auto results = captionImages(ck, paths, options);
        QCOMPARE(results.size(), paths.size());
        const int side = int(ck.config.vision.imageSize / ck.config.vision.patchSize);
        for (size_t k = 0; k < results.size(); ++k) {
            const CaptionResult& r = results[k];
            QVERIFY2(r.ok(), r.error.c_str());
            QCOMPARE(r.tokenIds, plain[k].tokenIds);
            QCOMPARE(r.caption, plain[k].caption);
            QVERIFY(plain[k].heatmaps.empty() && plain[k].tokenImageAttention.empty());
            QCOMPARE(r.heatmaps.rows, side);
            QCOMPARE(r.heatmaps.cols, side);
            QCOMPARE(r.tokenImageAttention.size() + 1, r.tokenIds.size());
            QCOMPARE(r.heatmaps.words.size(), r.words.size());
            const auto words = ck.tokenizer->words(r.tokenIds);
            for (size_t w = 0; w < words.size(); ++w) {
                const WordHeatmap& map = r.heatmaps.words[w];
                QCOMPARE(map.word, r.words[w].word);
                QCOMPARE(map.grid.size(), size_t(side * side));
                QVERIFY(map.cls >= 0);
                for (float v : map.grid) QVERIFY(v >= 0);
                // The mean of the word's tokens' maps, cell by cell, CLS first in the token rows.
                double expectedMass = 0;
                for (size_t t : words[w].tokens)
                    for (float v : r.tokenImageAttention[t - 1]) expectedMass += v;
                expectedMass /= double(words[w].tokens.size());
                QVERIFY2(std::abs(map.mass() - expectedMass) < kTolerance,
                         qPrintable(QString("%1 vs %2").arg(map.mass()).arg(expectedMass)));
                QVERIFY(map.mass() <= 1 + 1e-6);
                for (int cell = 0; cell < side * side; ++cell) {
                    double mean = 0;
                    for (size_t t : words[w].tokens) mean += r.tokenImageAttention[t - 1][size_t(cell) + 1];
                    mean /= double(words[w].tokens.size());
                    QVERIFY(std::abs(map.grid[size_t(cell)] - mean) < 1e-7);
                }
            }
        }
        // Beam search with heatmaps: the same clear refusal through the pipeline.
        options.generation.numBeams = 2;
        testsupport::expectError([&] { captionImages(ck, paths, options); }, "generation options",
                                 {"greedy search only"});
    }

    void wordMapsAreTheMeanOfTheirPieces() {
        const auto tok = WordPieceTokenizer::fromVocabFile(testsupport::fixture("tokenizer/vocab.txt"));
        const auto ids = tok->encode("an unbelievably playful kitten");
        const auto words = tok->words(ids);
        QCOMPARE(words.size(), size_t(4));
        QVERIFY(words[1].tokens.size() > 1); // "unbelievably" comes in pieces
        // Token t's row: CLS = t / 100, cell c = (t + c) / 1000, on a 2x2 grid.
        std::vector<std::vector<float>> rows;
        for (size_t t = 1; t < ids.size(); ++t) {
            std::vector<float> row{float(t) / 100};
            for (int c = 0; c < 4; ++c) row.push_back(float(t + size_t(c)) / 1000);
            rows.push_back(row);
        }
        const CaptionHeatmaps maps = wordHeatmaps(*tok, ids, rows, 2);
        QCOMPARE(maps.rows, 2);
        QCOMPARE(maps.words.size(), words.size());
        for (size_t w = 0; w < words.size(); ++w) {
            double meanT = 0;
            for (size_t t : words[w].tokens) meanT += double(t);
            meanT /= double(words[w].tokens.size());
            QCOMPARE(maps.words[w].word, words[w].text);
            QVERIFY(std::abs(maps.words[w].cls - meanT / 100) < 1e-6);
            for (int c = 0; c < 4; ++c) QVERIFY(std::abs(maps.words[w].grid[size_t(c)] - (meanT + c) / 1000) < 1e-6);
        }
        testsupport::expectError([&] { wordHeatmaps(*tok, ids, rows, 3); }, "image attention", {"3x3"});
    }
};

QTEST_GUILESS_MAIN(TestHeatmaps)
#include "test_heatmaps.moc"
