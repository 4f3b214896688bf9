// Trainer behaviour on a small demo dataset: events and learning-rate schedule, checkpoint folder
// layout and trainer_state.json, rotation keeping the best, load-best-at-end, NaN handling, pause /
// resume / cancel from another thread, in-process resume equal to an uninterrupted run, bad options.
#include "test_support.h"
#include "trainer_test_util.h"

#include "captioner/checkpoint.h"
#include "captioner/dataset.h"
#include "captioner/image_io.h"
#include "captioner/error.h"
#include "captioner/runtime.h"
#include "captioner/safetensors.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>
#include <thread>

namespace fs = std::filesystem;
using captioner::TrainingEventType;
using testsupport::readFile;
using testsupport::readJson;
using trainer_test::Recorder;

class TestTrainer : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    captioner::DemoRecipe m_recipe;
    std::string out(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }
    static std::set<std::string> checkpointNames(const std::string& dir) {
        std::set<std::string> names;
        for (const auto& p : captioner::listCheckpoints(dir)) names.insert(fs::path(p).filename().string());
        return names;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_recipe.dir = out("demo");
        m_recipe.imageCount = 120; // 108 train / 12 test
        m_recipe.workers = 1;
        captioner::prepareDemo(m_recipe);
    }

    void eventsScheduleAndCheckpointLayout() {
        auto o = trainer_test::quickOptions(m_recipe, out("layout"));
        o.maxSteps = 6;
        o.evalSteps = 3;
        o.saveSteps = 3;
        o.evalGenerateLimit = 4;
        o.sampleCount = 2;
        o.lrScheduler = "linear";
        o.learningRate = 2e-3;
        o.warmupSteps = 2;
        Recorder rec;
        captioner::Trainer trainer(o, &rec);
        const auto summary = trainer.run();
        QCOMPARE(summary.status, std::string("completed"));
        QCOMPARE(summary.globalStep, int64_t{6});

        const auto started = rec.of(TrainingEventType::Started);
        QCOMPARE(started.size(), size_t{1});
        QCOMPARE(started[0].trainCount, int64_t{108});
        QCOMPARE(started[0].testCount, int64_t{12});
        QCOMPARE(started[0].stepsPerEpoch, int64_t{7}); // ceil(ceil(108 / 8) / 2)
        QCOMPARE(started[0].maxSteps, int64_t{6});

        const auto steps = rec.of(TrainingEventType::Step);
        QCOMPARE(steps.size(), size_t{6});
        for (size_t i = 0; i < steps.size(); ++i) {
            const int64_t k = static_cast<int64_t>(i) + 1;
            QCOMPARE(steps[i].step, k);
            // HF linear schedule with 2 warm-up steps over 6, as logged after step k.
            const double factor = k < 2 ? double(k) / 2 : double(6 - k) / double(6 - 2);
            QCOMPARE(steps[i].learningRate, 2e-3 * factor);
            QVERIFY(std::isfinite(steps[i].loss) && steps[i].loss > 0);
            QVERIFY(steps[i].samplesPerSecond > 0);
            QCOMPARE(steps[i].epoch, double(k) / 7.0);
        }
        const auto evals = rec.of(TrainingEventType::Evaluated);
        QCOMPARE(evals.size(), size_t{2});
        QCOMPARE(evals[0].step, int64_t{3});
        QCOMPARE(evals[0].eval.count, int64_t{12});
        QCOMPARE(evals[0].eval.generated.count, int64_t{4});
        QCOMPARE(evals[0].eval.samples.size(), size_t{2});
        const auto saved = rec.of(TrainingEventType::CheckpointSaved);
        QCOMPARE(saved.size(), size_t{2});
        QCOMPARE(fs::path(saved[1].path).filename().string(), std::string("checkpoint-6"));
        QCOMPARE(rec.events().back().type, TrainingEventType::Finished);

        const fs::path c3 = fs::path(o.outputDir) / "checkpoint-3";
        for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json", "tokenizer.model",
                              "optimizer.safetensors", "scheduler.json", "rng_state.safetensors", "trainer_state.json",
                              "training_args.json"})
            QVERIFY2(fs::exists(c3 / f), f);
        const auto state = readJson((c3 / "trainer_state.json").string());
        QCOMPARE(state["global_step"].get<int64_t>(), int64_t{3});
        QCOMPARE(state["max_steps"].get<int64_t>(), int64_t{6});
        QCOMPARE(state["best_model_checkpoint"].get<std::string>(), c3.string());
        QCOMPARE(state["best_metric"].get<double>(), evals[0].eval.loss);
        const auto& history = state["log_history"];
        QCOMPARE(history.size(), size_t{4}); // loss at steps 1, 2, 3 and the eval at 3
        QCOMPARE(history[0]["step"].get<int64_t>(), int64_t{1});
        QCOMPARE(history[0]["loss"].get<double>(), std::round(steps[0].loss * 1e4) / 1e4);
        QCOMPARE(history[3]["eval_loss"].get<double>(), evals[0].eval.loss);
        QCOMPARE(history[3]["eval_wer"].get<double>(), evals[0].eval.generated.wer.wer);
        const auto sched = readJson((c3 / "scheduler.json").string());
        QCOMPARE(sched["last_step"].get<int64_t>(), int64_t{3});
        QCOMPARE(sched["warmup_steps"].get<int64_t>(), int64_t{2});

        // The end: the best checkpoint's weights at the output root, with the final log entry.
        const auto root = readJson((fs::path(o.outputDir) / "trainer_state.json").string());
        QVERIFY(root["log_history"].back().contains("train_runtime"));
        const std::string best = root["best_model_checkpoint"].get<std::string>();
        QCOMPARE(readFile((fs::path(o.outputDir) / "model.safetensors").string()),
                 readFile((fs::path(best) / "model.safetensors").string()));
        auto ck = captioner::loadCheckpoint(o.outputDir);
        QCOMPARE(ck.tokenizer->kind(), std::string("sentencepiece"));
    }

    void rotationKeepsNewestAndBest() {
        auto o = trainer_test::quickOptions(m_recipe, out("rotate"));
        o.maxSteps = 5;
        o.evalSteps = 1;
        o.saveSteps = 1;
        o.saveTotalLimit = 2;
        o.evalGenerateLimit = 0;
        o.learningRate = 0.05; // large enough that eval loss is not monotonic
        Recorder rec;
        captioner::Trainer trainer(o, &rec);
        QCOMPARE(trainer.run().status, std::string("completed"));
        const auto state = readJson((fs::path(o.outputDir) / "trainer_state.json").string());
        const std::string best = fs::path(state["best_model_checkpoint"].get<std::string>()).filename().string();
        std::set<std::string> expected{"checkpoint-5", best};
        if (best == "checkpoint-5") expected.insert("checkpoint-4");
        QCOMPARE(checkpointNames(o.outputDir), expected);
        // The best is the lowest eval loss of all five evals.
        double lowest = std::numeric_limits<double>::infinity();
        int64_t at = 0;
        for (const auto& e : rec.of(TrainingEventType::Evaluated))
            if (e.eval.loss < lowest) lowest = e.eval.loss, at = e.step;
        QCOMPARE(best, "checkpoint-" + std::to_string(at));
    }

    void nanLossSkipsTheStep() {
        auto o = trainer_test::quickOptions(m_recipe, out("nan-once"));
        o.maxSteps = 4;
        o.saveSteps = 1;
        o.loadBestModelAtEnd = false;
        o.lossHook = [](int64_t step, double loss) {
            return step == 2 ? loss * std::numeric_limits<double>::quiet_NaN() : loss;
        };
        Recorder rec;
        captioner::Trainer trainer(o, &rec);
        QCOMPARE(trainer.run().status, std::string("completed"));
        const auto bad = rec.of(TrainingEventType::NonFiniteLoss);
        QCOMPARE(bad.size(), size_t{1});
        QCOMPARE(bad[0].step, int64_t{3});
        QVERIFY(bad[0].message.find("the loss is NaN; the step was skipped") != std::string::npos);
        auto weights = [&](int step) {
            return readFile(
                (fs::path(o.outputDir) / ("checkpoint-" + std::to_string(step)) / "model.safetensors").string());
        };
        auto moments = [&](int step) {
            return readFile(
                (fs::path(o.outputDir) / ("checkpoint-" + std::to_string(step)) / "optimizer.safetensors").string());
        };
        QCOMPARE(weights(3), weights(2)); // the skipped step changed nothing
        QCOMPARE(moments(3), moments(2));
        QVERIFY(weights(4) != weights(3)); // and training went on
        QCOMPARE(rec.of(TrainingEventType::Step).size(), size_t{4});
    }

    void repeatedNanStopsWithLastGoodCheckpoint() {
        auto o = trainer_test::quickOptions(m_recipe, out("nan-many"));
        o.maxSteps = 10;
        o.saveSteps = 2;
        o.maxConsecutiveNonFinite = 2;
        o.lossHook = [](int64_t step, double loss) {
            return step >= 2 ? loss + std::numeric_limits<double>::infinity() : loss;
        };
        Recorder rec;
        captioner::Trainer trainer(o, &rec);
        const auto summary = trainer.run();
        QCOMPARE(summary.status, std::string("failed"));
        const std::string good = (fs::path(o.outputDir) / "checkpoint-2").string();
        QCOMPARE(summary.lastCheckpoint, good);
        QVERIFY2(summary.message.find("NaN/Inf in 2 steps in a row (steps 3 to 4)") != std::string::npos,
                 summary.message.c_str());
        QVERIFY2(summary.message.find("The last good checkpoint is " + good) != std::string::npos,
                 summary.message.c_str());
        const auto failed = rec.of(TrainingEventType::Failed);
        QCOMPARE(failed.size(), size_t{1});
        QCOMPARE(failed[0].lastCheckpoint, good);
        QCOMPARE(checkpointNames(o.outputDir), std::set<std::string>{"checkpoint-2"});
        auto ck = captioner::loadCheckpoint(good); // intact
        QCOMPARE(ck.config.hiddenSize, int64_t{64});
        QVERIFY(!fs::exists(fs::path(o.outputDir) / "model.safetensors")); // no final model from a failed run
    }

    void pauseResumeCancelFromAnotherThread() {
        auto o = trainer_test::quickOptions(m_recipe, out("pause"));
        o.maxSteps = 100000;
        Recorder rec;
        captioner::Trainer trainer(o, &rec);
        captioner::TrainingSummary summary;
        std::thread worker([&] { summary = trainer.run(); });
        QVERIFY(rec.waitFor([](const auto& e) { return e.type == TrainingEventType::Step && e.step >= 2; }));
        trainer.pause();
        QVERIFY(trainer.isPaused());
        QVERIFY(rec.waitFor([](const auto& e) { return e.type == TrainingEventType::Paused; }));
        const int64_t pausedAt = rec.lastStep();
        std::this_thread::sleep_for(std::chrono::milliseconds(400));
        QCOMPARE(rec.lastStep(), pausedAt); // no step runs while paused
        trainer.resume();
        QVERIFY(rec.waitFor([&](const auto& e) { return e.type == TrainingEventType::Step && e.step > pausedAt + 1; }));
        trainer.cancel();
        worker.join();
        QCOMPARE(summary.status, std::string("cancelled"));
        QVERIFY(rec.of(TrainingEventType::Resumed).size() == 1);
        const int64_t last = rec.lastStep();
        QCOMPARE(summary.globalStep, last);
        const std::string ckDir = (fs::path(o.outputDir) / ("checkpoint-" + std::to_string(last))).string();
        QCOMPARE(summary.lastCheckpoint, ckDir);
        QCOMPARE(readJson((fs::path(ckDir) / "trainer_state.json").string())["global_step"].get<int64_t>(), last);
        auto ck = captioner::loadCheckpoint(ckDir);
        QVERIFY(ck.parameterCount() > 0);
        QVERIFY(!fs::exists(fs::path(o.outputDir) / "model.safetensors")); // cancelled: no final model
    }

    void cancelWhilePausedSaves() {
        auto o = trainer_test::quickOptions(m_recipe, out("pause-cancel"));
        o.maxSteps = 100000;
        Recorder rec;
        captioner::Trainer trainer(o, &rec);
        captioner::TrainingSummary summary;
        std::thread worker([&] { summary = trainer.run(); });
        QVERIFY(rec.waitFor([](const auto& e) { return e.type == TrainingEventType::Step && e.step >= 1; }));
        trainer.pause();
        QVERIFY(rec.waitFor([](const auto& e) { return e.type == TrainingEventType::Paused; }));
        trainer.cancel();
        worker.join();
        QCOMPARE(summary.status, std::string("cancelled"));
        QCOMPARE(captioner::listCheckpoints(o.outputDir).size(), size_t{1});
        QCOMPARE(summary.globalStep, rec.lastStep());
    }

    // Stopping at step 3 (cancel) and resuming gives the weights of an uninterrupted 6-step run,
    // bit for bit, with dropout on: data order, dropout RNG, AdamW moments and schedule all resume.
    void resumeEqualsUninterruptedRun() {
        const std::string model =
            trainer_test::withDropout(captioner::demoPaths(m_recipe.dir).baseModel, out("dropout-model"));
        auto base = trainer_test::quickOptions(m_recipe, "");
        base.modelDir = model;
        base.maxSteps = 6;
        base.saveSteps = 2;
        base.loadBestModelAtEnd = false;
        auto a = base;
        a.outputDir = out("uninterrupted");
        QCOMPARE(captioner::Trainer(a).run().status, std::string("completed"));

        auto b = base;
        b.outputDir = out("interrupted");
        Recorder rec;
        captioner::Trainer first(b, &rec);
        rec.onEach = [&](const captioner::TrainingEvent& e) {
            if (e.type == TrainingEventType::Step && e.step == 3) first.cancel();
        };
        QCOMPARE(first.run().status, std::string("cancelled"));
        QCOMPARE(checkpointNames(b.outputDir), (std::set<std::string>{"checkpoint-2", "checkpoint-3"}));
        b.resume = true;
        Recorder rec2;
        QCOMPARE(captioner::Trainer(b, &rec2).run().status, std::string("completed"));
        QCOMPARE(rec2.of(TrainingEventType::Started)[0].resumedFromStep, int64_t{3});
        QCOMPARE(rec2.of(TrainingEventType::Step).front().step, int64_t{4});
        QCOMPARE(readFile(b.outputDir + "/model.safetensors"), readFile(a.outputDir + "/model.safetensors"));
        QCOMPARE(readFile(b.outputDir + "/checkpoint-6/optimizer.safetensors"),
                 readFile(a.outputDir + "/checkpoint-6/optimizer.safetensors"));
        // And the dropout really draws random numbers: a different seed's run differs.
        auto c = base;
        c.outputDir = out("other-seed");
        c.seed = 7;
        QCOMPARE(captioner::Trainer(c).run().status, std::string("completed"));
        QVERIFY(readFile(c.outputDir + "/model.safetensors") != readFile(a.outputDir + "/model.safetensors"));
    }

    // The demo recipe's training: its images rendered afresh (never read from the dataset, so the model
    // differs from one trained on the files), on one compute thread while it runs, the configured
    // threads back afterwards.
    void freshImagesOnOneThread() {
        struct ThreadsSeen : captioner::TrainingObserver {
            void onEvent(const captioner::TrainingEvent& e) override {
                if (e.type == captioner::TrainingEventType::Step) threads.insert(captioner::currentThreads());
                if (e.type == captioner::TrainingEventType::Log) messages.push_back(e.message);
            }
            std::set<int> threads;
            std::vector<std::string> messages;
        } seen;
        captioner::configureThreads(2);
        auto fresh = captioner::demoTrainingOptions(m_recipe);
        QVERIFY(static_cast<bool>(fresh.trainRenderer));
        QCOMPARE(fresh.computeThreads, 1);
        auto files = trainer_test::quickOptions(m_recipe, out("from-files"));
        fresh.outputDir = out("fresh");
        for (auto* o : {&fresh, &files}) {
            o->batchSize = 8;
            o->gradientAccumulation = 1;
            o->maxSteps = 3;
            o->evalSteps = o->saveSteps = 0;
            o->workers = 1;
        }
        QCOMPARE(captioner::Trainer(fresh, &seen).run().status, std::string("completed"));
        QCOMPARE(captioner::currentThreads(), 2);
        QCOMPARE(seen.threads, std::set<int>{1});
        QVERIFY(std::find(seen.messages.begin(), seen.messages.end(),
                          "training images are rendered afresh for every example of every epoch") !=
                seen.messages.end());
        QCOMPARE(captioner::Trainer(files).run().status, std::string("completed"));
        QVERIFY(readFile(fresh.outputDir + "/model.safetensors") != readFile(files.outputDir + "/model.safetensors"));
        // Rendering is a function of (seed, epoch, index): the same run again gives the same weights.
        auto again = fresh;
        again.outputDir = out("fresh-again");
        QCOMPARE(captioner::Trainer(again).run().status, std::string("completed"));
        QCOMPARE(readFile(again.outputDir + "/model.safetensors"), readFile(fresh.outputDir + "/model.safetensors"));
    }

    // TrainingOptions::dataParallelThreads: the batch split into shards on threads gives the loss and
    // the update of one thread (up to the order of the sums), the same weights on every run, shards of
    // unequal size included; a model with dropout is refused.
    void dataParallelThreadsMatchOneThread() {
        auto base = trainer_test::quickOptions(m_recipe, "");
        base.maxSteps = 4;
        base.loadBestModelAtEnd = false;
        auto run = [&](int threads, const std::string& name, Recorder* rec = nullptr) {
            auto o = base;
            o.dataParallelThreads = threads;
            o.outputDir = out(name);
            const auto s = captioner::Trainer(o, rec).run();
            if (s.status != "completed") qWarning("%s", s.message.c_str());
            return o.outputDir;
        };
        Recorder one, two, three;
        const auto a = run(1, "dp-1", &one);
        const auto b = run(2, "dp-2", &two);
        const auto c = run(3, "dp-3", &three); // batch 8 in shards of 2, 3 and 3 rows
        const auto again = run(2, "dp-2-again");
        QCOMPARE(readFile(again + "/model.safetensors"), readFile(b + "/model.safetensors"));
        const auto logs = two.of(TrainingEventType::Log);
        QVERIFY(std::any_of(logs.begin(), logs.end(), [](const captioner::TrainingEvent& e) {
            return e.message == "data parallel over 2 threads: each batch of 8 in 2 shards";
        }));
        const auto stepsA = one.of(TrainingEventType::Step);
        for (const auto* rec : {&two, &three}) {
            const auto steps = rec->of(TrainingEventType::Step);
            QCOMPARE(steps.size(), stepsA.size());
            // The first step starts from the same weights on the same batches: the same loss and norm.
            QVERIFY2(std::abs(steps[0].loss - stepsA[0].loss) < 1e-5,
                     (std::to_string(steps[0].loss) + " vs " + std::to_string(stepsA[0].loss)).c_str());
            QVERIFY(std::abs(steps[0].gradNorm - stepsA[0].gradNorm) < 1e-4 * stepsA[0].gradNorm);
            for (size_t i = 0; i < steps.size(); ++i) QVERIFY(std::abs(steps[i].loss - stepsA[i].loss) < 1e-3);
        }
        const auto wa = captioner::loadCheckpoint(a).model->named_parameters();
        for (const auto& dir : {b, c}) {
            const auto w = captioner::loadCheckpoint(dir).model->named_parameters();
            double worst = 0;
            for (const auto& p : wa) worst = std::max(worst, (w[p.key()] - p.value()).abs().max().item<double>());
            QVERIFY2(worst < 1e-4, std::to_string(worst).c_str());
        }
        QVERIFY(readFile(b + "/model.safetensors") != readFile(a + "/model.safetensors")); // sums in another order

        auto o = base;
        o.dataParallelThreads = 2;
        o.modelDir = trainer_test::withDropout(captioner::demoPaths(m_recipe.dir).baseModel, out("dp-dropout-model"));
        o.outputDir = out("dp-dropout");
        const auto s = captioner::Trainer(o).run();
        QCOMPARE(s.status, std::string("failed"));
        QVERIFY2(s.message.find("data-parallel threads: need a model without dropout (" + o.modelDir) !=
                     std::string::npos,
                 s.message.c_str());
    }

    // A demo folder of an earlier recipe (64 px in 8-px patches) is made again with the current one, not
    // trained on with a model that does not fit it; a folder of the current recipe is reused as it is.
    void demoFolderOfAnEarlierRecipeIsMadeAgain() {
        captioner::DemoRecipe old = m_recipe;
        old.dir = out("old-demo");
        old.imageCount = 20;
        old.imageSize = 64;
        old.patchSize = 8;
        const auto paths = captioner::prepareDemo(old);
        fs::create_directories(fs::path(paths.model) / "checkpoint-5"); // an earlier training's output
        captioner::DemoRecipe current = old;
        current.imageSize = m_recipe.imageSize;
        current.patchSize = m_recipe.patchSize;
        std::vector<std::string> said;
        captioner::prepareDemo(current, [&](const std::string& s) { said.push_back(s); });
        QVERIFY(!said.empty());
        QCOMPARE(said.front(), "the demo images in " + paths.data + " are 64x64 px, the recipe's " +
                                   std::to_string(current.imageSize) + " px: making the demo again");
        QVERIFY(!fs::exists(paths.model));
        const auto ck = captioner::loadCheckpoint(paths.baseModel);
        QCOMPARE(ck.config.vision.imageSize, int64_t(current.imageSize));
        QCOMPARE(ck.config.vision.patchSize, int64_t(current.patchSize));
        const auto first = captioner::CaptionDataset::open(paths.data).items().front().imagePath;
        QCOMPARE(captioner::decodeImageRgb(first).rows, current.imageSize);
        // Only the base model of another patch size: the images stay, the model is made again.
        current.patchSize = 12;
        said.clear();
        captioner::prepareDemo(current, [&](const std::string& s) { said.push_back(s); });
        QVERIFY(!said.empty());
        QVERIFY2(said.front().find("-px patches: making the demo again") != std::string::npos, said.front().c_str());
        for (const auto& line : said) QVERIFY2(line.rfind("rendering", 0) != 0, line.c_str());
        QVERIFY(fs::exists(fs::path(paths.data) / "metadata.jsonl"));
        QCOMPARE(captioner::loadCheckpoint(paths.baseModel).config.vision.patchSize, int64_t(12));
        said.clear();
        captioner::prepareDemo(current, [&](const std::string& s) { said.push_back(s); });
        QVERIFY2(said.empty(), said.empty() ? "" : said.front().c_str());
    }

    void resumeWithoutCheckpointFails() {
        auto o = trainer_test::quickOptions(m_recipe, out("nothing-to-resume"));
        o.resume = true;
        const auto s = captioner::Trainer(o).run();
        QCOMPARE(s.status, std::string("failed"));
        QVERIFY2(s.message.find("no complete checkpoint-<step> folder to resume from") != std::string::npos,
                 s.message.c_str());
    }

    void badOptionsFailWithClearMessages_data() {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing model") << "model"
                                       << "/nonexistent/model"
                                       << "/nonexistent/model: checkpoint folder does not exist";
        QTest::newRow("missing data") << "data"
                                      << "/nonexistent/data"
                                      << "/nonexistent/data";
        QTest::newRow("metric")
            << "metric"
            << "bogus"
            << "unknown metric 'bogus' (valid: loss, wer, wer_teacher_forced, rouge_l, bleu4, cider)";
        QTest::newRow("fp16 on cpu") << "precision"
                                     << "fp16"
                                     << "fp16 mixed precision needs a CUDA device";
        QTest::newRow("scheduler") << "scheduler"
                                   << "sawtooth"
                                   << "sawtooth";
        QTest::newRow("batch") << "batch"
                               << "0"
                               << "batch size: must be at least 1";
        QTest::newRow("data-parallel threads") << "threads"
                                               << "0"
                                               << "data-parallel threads: must be at least 1";
    }
    void badOptionsFailWithClearMessages() {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        auto o = trainer_test::quickOptions(m_recipe, out("bad"));
        const std::string v = value.toStdString();
        if (field == "model") o.modelDir = v;
        if (field == "data") o.dataPath = v;
        if (field == "metric") o.metricForBest = v;
        if (field == "precision") o.precision = captioner::parsePrecision(v);
        if (field == "scheduler") o.lrScheduler = v;
        if (field == "batch") o.batchSize = std::stoi(v);
        if (field == "threads") o.dataParallelThreads = std::stoi(v);
        Recorder rec;
        const auto s = captioner::Trainer(o, &rec).run();
        QCOMPARE(s.status, std::string("failed"));
        QVERIFY2(s.message.find(expected.toStdString()) != std::string::npos, s.message.c_str());
        QCOMPARE(rec.events().back().type, TrainingEventType::Failed);
        QCOMPARE(rec.events().back().message, s.message);
    }

    void eventJsonLines() {
        captioner::TrainingEvent e;
        e.type = TrainingEventType::Step;
        e.step = 7;
        e.maxSteps = 10;
        e.epoch = 0.5;
        e.loss = std::numeric_limits<double>::quiet_NaN();
        e.learningRate = 1e-4;
        const auto j = e.toJson();
        QCOMPARE(j["event"].get<std::string>(), std::string("step"));
        QCOMPARE(j["step"].get<int64_t>(), int64_t{7});
        QVERIFY(j["loss"].is_null()); // JSON has no NaN
        QCOMPARE(j["learning_rate"].get<double>(), 1e-4);
        QVERIFY(!j.contains("loss_scale"));
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
