// captioner/training_history.h: a run's output folder read back without LibTorch — the curves of
// trainer_state.json's log_history as events, the checkpoints with their metrics and the best marked,
// the newer of the root's and the newest checkpoint's state, and errors that name the file.
#include "captioner/error.h"
#include "captioner/training_history.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace {

// log_history as the trainer writes it (HF's keys): training loss every 2 steps, eval at 2 and 4
// (generated metrics at 4 only), and the final summary entry.
nlohmann::json logUpTo(int64_t lastStep) {
    auto log = nlohmann::json::array();
    for (int64_t step = 2; step <= lastStep; step += 2) {
        log.push_back({{"loss", 3.5 - 0.5 * double(step)},
                       {"learning_rate", 1e-3 / double(step)},
                       {"grad_norm", 0.25 * double(step)},
                       {"epoch", 0.5 * double(step)},
                       {"step", step}});
        nlohmann::json eval = {{"eval_loss", 2.0 - 0.25 * double(step)},
                               {"eval_wer_teacher_forced", 0.5 / double(step)},
                               {"eval_runtime", 0.1},
                               {"eval_count", 12},
                               {"epoch", 0.5 * double(step)},
                               {"step", step}};
        if (step == 4) {
            eval["eval_wer"] = 0.125;
            eval["eval_rouge_l"] = 0.75;
            eval["eval_bleu4"] = 0.5;
            eval["eval_cider"] = 1.25;
        }
        log.push_back(eval);
    }
    return log;
}

void writeState(const fs::path& folder, int64_t step, const std::string& best, nlohmann::json log) {
    fs::create_directories(folder);
    nlohmann::json state = {{"global_step", step}, {"max_steps", 6}, {"log_history", std::move(log)}};
    state["best_model_checkpoint"] = best.empty() ? nlohmann::json(nullptr) : nlohmann::json(best);
    testsupport::writeFile((folder / "trainer_state.json").string(), state.dump(2));
}

} // namespace

class TestTrainingHistory : public QObject {
    Q_OBJECT

private slots:
    void curvesAndCheckpoints() {
        QTemporaryDir dir;
        const fs::path out = dir.path().toStdString();
        // An interrupted run: the root's state is from an older run end (step 2), checkpoint-4 is newer.
        writeState(out, 2, "", logUpTo(2));
        writeState(out / "checkpoint-2", 2, "runs/x/checkpoint-2", logUpTo(2));
        writeState(out / "checkpoint-4", 4, "runs/x/checkpoint-2", logUpTo(4));
        fs::create_directories(out / "checkpoint-6"); // no trainer_state.json: incomplete, not listed
        fs::create_directories(out / "notes");

        const captioner::TrainingHistory h = captioner::readTrainingHistory(out.string());
        QCOMPARE(h.globalStep, int64_t{4});
        QCOMPARE(h.maxSteps, int64_t{6});
        QCOMPARE(h.bestCheckpoint, std::string("runs/x/checkpoint-2"));
        QCOMPARE(h.entries.size(), size_t{4});
        using captioner::TrainingEventType;
        QCOMPARE(h.entries[0].type, TrainingEventType::Step);
        QCOMPARE(h.entries[0].step, int64_t{2});
        QCOMPARE(h.entries[0].loss, 2.5);
        QCOMPARE(h.entries[0].learningRate, 5e-4);
        QCOMPARE(h.entries[0].gradNorm, 0.5);
        QCOMPARE(h.entries[0].epoch, 1.0);
        QCOMPARE(h.entries[0].maxSteps, int64_t{6});
        QCOMPARE(h.entries[1].type, TrainingEventType::Evaluated);
        QCOMPARE(h.entries[1].eval.loss, 1.5);
        QCOMPARE(h.entries[1].eval.werTeacherForced.wer, 0.25);
        QCOMPARE(h.entries[1].eval.generated.count, int64_t{0}); // no captions generated at step 2
        QCOMPARE(h.entries[3].type, TrainingEventType::Evaluated);
        QCOMPARE(h.entries[3].step, int64_t{4});
        QVERIFY(h.entries[3].eval.generated.count > 0);
        QCOMPARE(h.entries[3].eval.generated.wer.wer, 0.125);
        QCOMPARE(h.entries[3].eval.generated.rougeL, 0.75);
        QCOMPARE(h.entries[3].eval.generated.bleu4, 0.5);
        QCOMPARE(h.entries[3].eval.generated.cider, 1.25);

        QCOMPARE(h.checkpoints.size(), size_t{2});
        QCOMPARE(h.checkpoints[0].step, int64_t{4}); // newest first
        QCOMPARE(h.checkpoints[0].path, (out / "checkpoint-4").lexically_normal().string());
        QVERIFY(!h.checkpoints[0].isBest);
        QCOMPARE(h.checkpoints[0].evalLoss, 1.0);
        QCOMPARE(h.checkpoints[0].evalWer, 0.125);
        QCOMPARE(h.checkpoints[0].evalWerTeacherForced, 0.125);
        QCOMPARE(h.checkpoints[1].step, int64_t{2});
        QVERIFY(h.checkpoints[1].isBest); // named by the newest state, relative to where the run started
        QVERIFY(std::isnan(h.checkpoints[1].evalWer));
        QCOMPARE(h.checkpoints[1].evalLoss, 1.5);
    }

    void rootStateWinsWhenNewer() {
        QTemporaryDir dir;
        const fs::path out = dir.path().toStdString();
        writeState(out / "checkpoint-2", 2, "", logUpTo(2));
        writeState(out, 6, "", logUpTo(6)); // a completed run: the end state is the newest
        const auto h = captioner::readTrainingHistory(out.string());
        QCOMPARE(h.globalStep, int64_t{6});
        QCOMPARE(h.entries.size(), size_t{6});
        QCOMPARE(h.entries.back().step, int64_t{6});
    }

    void trainingArgsOfTheNewestCheckpoint() {
        QTemporaryDir dir;
        const fs::path out = dir.path().toStdString();
        QVERIFY(!captioner::readTrainingArgs(out.string()).has_value()); // nothing saved yet
        writeState(out / "checkpoint-2", 2, "", logUpTo(2));
        QVERIFY(!captioner::readTrainingArgs(out.string()).has_value()); // a checkpoint without the file
        testsupport::writeFile((out / "checkpoint-2" / "training_args.json").string(),
                               R"({"model": "m", "data": "d", "output_dir": "o", "precision": "bf16",
                                   "learning_rate": 0.001, "per_device_train_batch_size": 8,
                                   "per_device_eval_batch_size": 8, "gradient_accumulation_steps": 1,
                                   "max_steps": 600, "eval_steps": 25, "seed": 7, "eval_generate_limit": 40,
                                   "some_future_key": true})");
        const auto o = captioner::readTrainingArgs(out.string());
        QVERIFY(o.has_value());
        QCOMPARE(o->modelDir, std::string("m"));
        QCOMPARE(o->dataPath, std::string("d"));
        QVERIFY(o->precision == captioner::Precision::Bf16);
        QCOMPARE(o->learningRate, 1e-3);
        QCOMPARE(o->batchSize, 8);
        QCOMPARE(o->evalBatchSize, 0); // written as the batch size when it was unset
        QCOMPARE(o->gradientAccumulation, 1);
        QCOMPARE(o->maxSteps, int64_t{600});
        QCOMPARE(o->evalSteps, int64_t{25});
        QCOMPARE(o->seed, uint64_t{7});
        QCOMPARE(o->evalGenerateLimit, 40);
        QCOMPARE(o->saveSteps, captioner::TrainingOptions{}.saveSteps); // not in the file: the default
        testsupport::writeFile((out / "checkpoint-2" / "training_args.json").string(),
                               R"({"per_device_train_batch_size": "eight"})");
        testsupport::expectError([&] { captioner::readTrainingArgs(out.string()); },
                                 (out / "checkpoint-2" / "training_args.json").string(),
                                 {"unexpected training arguments"});
    }

    void errorsNameTheFile() {
        QTemporaryDir dir;
        const std::string out = dir.path().toStdString();
        testsupport::expectError([&] { captioner::readTrainingHistory(out); }, out,
                                 {"no trainer_state.json here or in a checkpoint-<step> folder"});
        testsupport::writeFile(out + "/trainer_state.json", "{\"global_step\": 3, \"log_history\": {}}");
        testsupport::expectError([&] { captioner::readTrainingHistory(out); }, out + "/trainer_state.json",
                                 {"log_history is not a list"});
        testsupport::writeFile(out + "/trainer_state.json",
                               "{\"global_step\": 3, \"log_history\": [{\"step\": \"three\", \"loss\": 1}]}");
        testsupport::expectError([&] { captioner::readTrainingHistory(out); }, out + "/trainer_state.json",
                                 {"log_history: training event: 'step' is not an integer"});
        // A checkpoint with a damaged state is still listed (it is complete), without metrics.
        fs::create_directories(out + "/checkpoint-3");
        testsupport::writeFile(out + "/checkpoint-3/trainer_state.json", "{not json");
        const auto records = captioner::listCheckpointRecords(out);
        QCOMPARE(records.size(), size_t{1});
        QCOMPARE(records[0].step, int64_t{3});
        QVERIFY(std::isnan(records[0].evalLoss));
    }
};

QTEST_GUILESS_MAIN(TestTrainingHistory)
#include "test_training_history.moc"
