// Fine-tuning really learns: the tiny preset (96 px in 16-px patches), trained on the CPU for the demo
// recipe's bounded steps on images rendered afresh for every example (never the same image twice),
// captions the 500 held-out images of the demo dataset, never trained on, at issue 20's bar: every
// object's shape right on at least 90% of them and a generated-caption WER of at most 0.05, with colours,
// sizes and relations right nearly always. This is exactly what `captioner demo` and the desktop app's
// demo model do, so the shipped demo is what is tested. Measured figures are in the README (`captioner
// demo`) and bench/README.md. The suite's longest test (minutes); CTest starts it first.
// Its second test checks that the heatmaps of issue 17 look where the named shape is.
#include "test_support.h"

#include "captioner/caption_pipeline.h"
#include "captioner/demo_dataset.h"
#include "captioner/demo_model.h"
#include "captioner/generation.h"
#include "captioner/trainer.h"
#include "captioner/training_events.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

namespace {

using Measured = captioner::DemoEvaluation;

void report(const char* name, const Measured& m) {
    const auto& a = m.accuracy;
    qInfo("%s: loss %.4f, WER %.4f (teacher-forced %.4f), BLEU-4 %.4f, CIDEr-D %.3f; exact %.1f%%, shapes %.1f%%, "
          "colours %.1f%%, sizes %.1f%%, relation %.1f%% over %lld images",
          name, m.eval.loss, m.eval.generated.wer.wer, m.eval.werTeacherForced.wer, m.eval.generated.bleu4,
          m.eval.generated.cider, 100 * a.exact, 100 * a.shapes, 100 * a.colours, 100 * a.sizes, 100 * a.relation,
          static_cast<long long>(m.eval.count));
}

class FinishedObserver : public captioner::TrainingObserver {
public:
    void onEvent(const captioner::TrainingEvent& e) override {
        if (e.type == captioner::TrainingEventType::Failed || e.type == captioner::TrainingEventType::NonFiniteLoss)
            problems.push_back(e.toJson().dump());
    }
    std::vector<std::string> problems;
};

// "Where the model looked" (issue 17) on demo scenes of two shapes far apart: how much of the attention
// that the word naming the FIRST shape's colour ("a <size> <COLOUR> <shape> ...": the caption's third word)
// puts on the patch grid falls inside that shape's bounding box, against the box's share of the image.
struct HeatmapScore {
    int images = 0, passed = 0, colourWordFound = 0, colourRight = 0;
    double ratioSum = 0;
    std::vector<double> ratios;
    double fraction() const { return images ? double(passed) / images : 0; }
    double meanRatio() const { return images ? ratioSum / images : 0; }
    double median() const {
        auto r = ratios;
        if (r.empty()) return 0;
        std::sort(r.begin(), r.end());
        return r[r.size() / 2];
    }
};

struct FarApartScene {
    captioner::DemoScene scene;
    captioner::DemoBox box; // the first shape's
};

// `count` scenes from a seed the training data never used (the demo set is rendered from seed 1 with
// another sequence of draws), each of two shapes whose boxes are at least `minGap` of the image side apart
// along their relation's axis.
std::vector<FarApartScene> farApartScenes(int count, uint64_t seed, double minGap) {
    std::mt19937_64 rng(seed);
    std::vector<FarApartScene> out;
    while (static_cast<int>(out.size()) < count) {
        const auto scene = captioner::randomScene(rng);
        if (scene.objects.size() != 2) continue;
        const auto a = captioner::demoObjectBox(scene.objects[0]), b = captioner::demoObjectBox(scene.objects[1]);
        const double gap = scene.relation == captioner::DemoRelation::LeftOf ? b.x0 - a.x1 : b.y0 - a.y1;
        if (gap >= minGap) out.push_back({scene, a});
    }
    return out;
}

// The share of a map's patch mass inside a box (cells weighted by how much of them the box covers).
double massInBox(const std::vector<float>& grid, int rows, int cols, const captioner::DemoBox& box) {
    double inside = 0, total = 0;
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) {
            const double v = grid[size_t(r * cols + c)];
            const double ox =
                std::max(0.0, std::min(box.x1, double(c + 1) / cols) - std::max(box.x0, double(c) / cols));
            const double oy =
                std::max(0.0, std::min(box.y1, double(r + 1) / rows) - std::max(box.y0, double(r) / rows));
            inside += v * ox * oy * rows * cols; // the covered fraction of the cell
            total += v;
        }
    return total > 0 ? inside / total : 0;
}

// Scores the maps of every variant on the same scenes: "last" (the default: last layer, heads averaged),
// "all" (mean over layers), "layer 0" (the first layer, for a two-layer model: 2 * all - last) and
// "last, CLS in the total" (the box's share of patch + CLS mass rather than of the patch mass alone).
std::map<std::string, HeatmapScore> scoreHeatmaps(const std::string& modelDir, int count) {
    auto ck = captioner::loadCheckpoint(modelDir);
    const auto scenes = farApartScenes(count, 20261207, 0.2);
    const int side = int(ck.config.vision.imageSize / ck.config.vision.patchSize);
    std::vector<torch::Tensor> pixels;
    for (const auto& s : scenes)
        pixels.push_back(ck.processor.preprocess(captioner::renderScene(s.scene, int(ck.config.vision.imageSize))));
    const auto batch = torch::stack(pixels);
    auto opts = captioner::captionOptionsFor(ck).generation;
    opts.imageAttention = captioner::ImageAttention::LastLayer;
    const auto last = captioner::generateWithProbabilities(ck.model, batch, opts);
    opts.imageAttention = captioner::ImageAttention::AllLayers;
    const auto all = captioner::generateWithProbabilities(ck.model, batch, opts);
    const auto plainIds = captioner::generate(ck.model, batch, opts);
    if (last.sequences != plainIds || all.sequences != plainIds) throw std::runtime_error("attention changed the ids");

    std::map<std::string, HeatmapScore> scores;
    const std::vector<std::string> colours = {"red", "green", "blue", "yellow", "purple", "orange"};
    for (size_t i = 0; i < scenes.size(); ++i) {
        const auto lastMaps = captioner::wordHeatmaps(*ck.tokenizer, plainIds[i], last.imageAttention[i], side);
        const auto allMaps = captioner::wordHeatmaps(*ck.tokenizer, plainIds[i], all.imageAttention[i], side);
        const auto& box = scenes[i].box;
        const double share = (box.x1 - box.x0) * (box.y1 - box.y0);
        const bool found = lastMaps.words.size() > 2 && lastMaps.words[0].word == "a" &&
                           std::find(colours.begin(), colours.end(), lastMaps.words[2].word) != colours.end();
        std::map<std::string, double> ratio; // 0 (a failure) when the caption names no colour there
        if (found) {
            const auto& l = lastMaps.words[2];
            const auto& a = allMaps.words[2];
            std::vector<float> first(l.grid.size());
            for (size_t k = 0; k < first.size(); ++k) first[k] = std::max(0.0f, 2 * a.grid[k] - l.grid[k]);
            double patch = 0;
            for (float v : l.grid) patch += v;
            ratio["last"] = massInBox(l.grid, side, side, box) / share;
            ratio["all"] = massInBox(a.grid, side, side, box) / share;
            ratio["last, CLS in the total"] = massInBox(l.grid, side, side, box) * patch / (patch + l.cls) / share;
            if (ck.config.numHiddenLayers == 2) ratio["layer 0"] = massInBox(first, side, side, box) / share;
        }
        for (const char* name : {"last", "all", "last, CLS in the total", "layer 0"}) {
            if (std::string(name) == "layer 0" && ck.config.numHiddenLayers != 2) continue;
            auto& sc = scores[name];
            const double r = found ? ratio[name] : 0.0;
            ++sc.images;
            sc.colourWordFound += found;
            sc.colourRight += found && lastMaps.words[2].word == captioner::toString(scenes[i].scene.objects[0].colour);
            sc.passed += r >= 3.0;
            sc.ratioSum += r;
            sc.ratios.push_back(r);
        }
    }
    return scores;
}

void checkHeatmaps(const std::string& modelDir) {
    const auto scores = scoreHeatmaps(modelDir, 100);
    for (const auto& [name, s] : scores)
        qInfo("heatmaps (%s): first colour word's patch mass inside its shape's box >= 3x the box's share on %d of %d "
              "held-out far-apart images (%.0f%%); mean ratio %.2f, median %.2f; colour word found %d, right %d",
              name.c_str(), s.passed, s.images, 100 * s.fraction(), s.meanRatio(), s.median(), s.colourWordFound,
              s.colourRight);
    // Issue 17's bar: >= 3x the box's share on at least 80% of the images. On the demo model of issue 20's
    // recipe (96 px in 16-px patches: a 6x6 grid) the mean over the layers (captioner explain --all-layers)
    // holds it on 99% (mean ratio 7.0), the first layer alone on 100%, the last layer alone, the default, on 97%
    // (mean ratio 6.2). The 64 px / 8-px models before it: 98%, 100% and 78-87% (mean ratio 4.7-5.5), so
    // the last layer varies between trainings: it must stay far from a uniform map (ratio 1), a mean
    // ratio above 3.
    const auto& all = scores.at("all");
    QCOMPARE(all.images, 100);
    QVERIFY2(all.fraction() >= 0.8, qPrintable(QString::number(all.fraction())));
    const auto& last = scores.at("last");
    QVERIFY2(last.meanRatio() > 3, qPrintable(QString::number(last.meanRatio())));
}

} // namespace

class TestDemoTraining : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_trainedModel; // set by the training test for the heatmap test

private slots:
    void trainedTinyModelCaptionsHeldOutImages() {
        if (!qEnvironmentVariableIsEmpty("CAPTIONER_DEMO_MODEL")) QSKIP("CAPTIONER_DEMO_MODEL is set: no training");
        QVERIFY(m_tmp.isValid());
        captioner::DemoRecipe recipe; // the shipped recipe, unchanged: data, tokenizer, preset, steps
        recipe.dir = m_tmp.filePath("demo").toStdString();
        const auto started = std::chrono::steady_clock::now();
        const auto paths = captioner::prepareDemo(recipe);

        const Measured before = captioner::evaluateDemoModel(paths.baseModel, recipe);
        report("untrained", before);

        FinishedObserver observer;
        captioner::Trainer trainer(captioner::demoTrainingOptions(recipe), &observer);
        const auto summary = trainer.run();
        QCOMPARE(summary.status, std::string("completed"));
        QCOMPARE(summary.globalStep, recipe.maxSteps);
        QVERIFY2(observer.problems.empty(), observer.problems.empty() ? "" : observer.problems.front().c_str());
        m_trainedModel = paths.model;

        const Measured after = captioner::evaluateDemoModel(paths.model, recipe);
        report("trained", after);
        qInfo("%lld steps of batch %d; %.0f s in all", static_cast<long long>(recipe.maxSteps), recipe.batchSize,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        for (size_t i = 0; i < 5 && i < after.eval.samples.size(); ++i)
            qInfo("  %s | %s", after.eval.samples[i].prediction.c_str(), after.eval.samples[i].reference.c_str());

        QCOMPARE(after.eval.count, before.eval.count);
        QVERIFY(after.eval.count >= 400); // the 10% held out of the demo set: never trained on
        const double werBefore = before.eval.generated.wer.wer, werAfter = after.eval.generated.wer.wer;
        QVERIFY2(werBefore > 0.9, qPrintable(QString::number(werBefore)));
        // Generated captions (greedy, max_length 50) of held-out images, issue 20's bar: WER at most 0.05.
        // The shipped recipe measured 0.004 in demo_recipe_bench (seed 42; seeds 3 and 7: 0.009, 0.002).
        QVERIFY2(werAfter <= 0.05, qPrintable(QString::number(werAfter)));
        QVERIFY2(werAfter < 0.1 * werBefore, qPrintable(QString("%1 vs %2").arg(werAfter).arg(werBefore)));
        QVERIFY2(after.eval.werTeacherForced.wer <= 0.05, qPrintable(QString::number(after.eval.werTeacherForced.wer)));
        QVERIFY(after.eval.loss < 0.05 * before.eval.loss);
        // WER alone can hide a model that always says the commonest words or ignores where things are:
        // every part of the caption is held to issue 20's bar. Chance per image: colours 1 in 6 per object,
        // sizes 1 in 2, both shapes 1 in 5 each, relation 1 in 2 (two-shape images), exact well under 1%.
        // Measured (demo_recipe_bench, seed 42): shapes and exact 98.0%, colours 99.8%, sizes 99.6%, relation 99.7%;
        // the worst of seeds 3 and 7 94.4%, 99.8%, 99.8%, 99.7%. Before issue 20 the demo (64 px, 8-px patches, 5,000
        // steps) had shapes right on 40.8% of the images (colours 99.8%, sizes 93.8%, relation 100%); every seed of
        // the new recipe has colours, sizes and relations at 99.6% or more, so the bounds below leave room only
        // for another CPU's rounding.
        const auto& a = after.accuracy;
        QVERIFY2(a.shapes >= 0.9, qPrintable(QString::number(a.shapes)));
        QVERIFY2(a.exact >= 0.8, qPrintable(QString::number(a.exact)));
        QVERIFY2(a.colours >= 0.97, qPrintable(QString::number(a.colours)));
        QVERIFY2(a.sizes >= 0.95, qPrintable(QString::number(a.sizes)));
        QVERIFY2(a.relation >= 0.97, qPrintable(QString::number(a.relation)));
    }

    // The heatmap is real: the model trained above (or CAPTIONER_DEMO_MODEL, a trained demo model folder, to
    // check one without training) looks at the shape whose colour it names.
    void heatmapsPointAtTheNamedShape() {
        const std::string model = qEnvironmentVariableIsEmpty("CAPTIONER_DEMO_MODEL")
                                      ? m_trainedModel
                                      : qEnvironmentVariable("CAPTIONER_DEMO_MODEL").toStdString();
        if (model.empty()) QFAIL("the training test did not produce a model");
        checkHeatmaps(model);
    }
};

int main(int argc, char** argv) {
    // QtTest stops a test function after 5 minutes by default; this one trains for several.
    if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT")) qputenv("QTEST_FUNCTION_TIMEOUT", "2400000");
    QCoreApplication app(argc, argv);
    TestDemoTraining test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_demo_training.moc"
