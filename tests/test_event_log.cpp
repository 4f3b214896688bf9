// The training event log (OUTPUT/events.jsonl): TrainingEvent's JSON round trip, the writer and the
// tail -F style follower (partial lines, a file that appears later, truncation, rotation by rename,
// a resumed run appending), and the trainer writing it beside its observer.
#include "test_support.h"
#include "trainer_test_util.h"

#include "captioner/error.h"
#include "captioner/event_log.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

namespace fs = std::filesystem;
using captioner::EventLogFollower;
using captioner::EventLogWriter;
using captioner::TrainingEvent;
using captioner::TrainingEventType;

namespace {

TrainingEvent makeEvent(TrainingEventType type, int64_t step) {
    TrainingEvent e;
    e.type = type;
    e.step = step;
    e.maxSteps = 10;
    e.epoch = double(step) / 4;
    return e;
}

TrainingEvent stepEvent(int64_t step, double loss) {
    TrainingEvent e = makeEvent(TrainingEventType::Step, step);
    e.loss = loss;
    e.learningRate = 1e-3 / double(step);
    e.gradNorm = 0.5;
    e.samplesPerSecond = 12.25;
    e.etaSeconds = 30;
    return e;
}

TrainingEvent started(int64_t resumedFrom) {
    TrainingEvent e = makeEvent(TrainingEventType::Started, resumedFrom);
    e.stepsPerEpoch = 4;
    e.numEpochs = 3;
    e.trainCount = 108;
    e.testCount = 12;
    e.resumedFromStep = resumedFrom;
    e.device = "cpu";
    e.precision = "fp32";
    return e;
}

// One event of every kind, with values that a lossy reader would get wrong.
std::vector<TrainingEvent> everyKind() {
    std::vector<TrainingEvent> all{started(0), stepEvent(1, 2.5),
                                   stepEvent(2, std::numeric_limits<double>::quiet_NaN())};
    all.back().lossScale = 1024;
    all.push_back(makeEvent(TrainingEventType::Epoch, 4));
    TrainingEvent eval = makeEvent(TrainingEventType::Evaluated, 4);
    eval.eval.loss = 1.75;
    eval.eval.werTeacherForced.wer = 0.5;
    eval.eval.generated.count = 12;
    eval.eval.generated.wer.wer = 0.25;
    eval.eval.generated.rougeL = 0.8;
    eval.eval.generated.bleu4 = 0.125;
    eval.eval.generated.cider = 1.5;
    eval.eval.count = 12;
    eval.eval.runtimeSeconds = 2;
    eval.eval.samples = {{"/data/a.png", "a red circle", "a red circle"},
                         {"/data/ü b.png", "two \"squares\"", "a blue square"}};
    all.push_back(eval);
    TrainingEvent lossOnly = makeEvent(TrainingEventType::Evaluated, 5); // no captions generated: no eval_wer
    lossOnly.eval.loss = 1.5;
    lossOnly.eval.count = 12;
    all.push_back(lossOnly);
    TrainingEvent saved = makeEvent(TrainingEventType::CheckpointSaved, 4);
    saved.path = "/runs/a/checkpoint-4";
    saved.isBest = true;
    all.push_back(saved);
    TrainingEvent nonFinite = makeEvent(TrainingEventType::NonFiniteLoss, 5);
    nonFinite.message = "the loss is NaN";
    all.push_back(nonFinite);
    all.push_back(makeEvent(TrainingEventType::Paused, 5));
    all.push_back(makeEvent(TrainingEventType::Resumed, 5));
    TrainingEvent log = makeEvent(TrainingEventType::Log, 5);
    log.message = "resuming from checkpoint-4";
    all.push_back(log);
    TrainingEvent finished = makeEvent(TrainingEventType::Finished, 10);
    finished.status = "completed";
    finished.path = "/runs/a";
    finished.bestCheckpoint = "/runs/a/checkpoint-4";
    finished.bestMetric = 1.75;
    finished.metricForBest = "eval_loss";
    all.push_back(finished);
    TrainingEvent failed = makeEvent(TrainingEventType::Failed, 6);
    failed.message = "out of memory";
    failed.lastCheckpoint = "/runs/a/checkpoint-4";
    all.push_back(failed);
    return all;
}

std::vector<std::string> dumps(const std::vector<TrainingEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.toJson().dump());
    return out;
}

void appendRaw(const std::string& path, const std::string& bytes) {
    std::ofstream f(path, std::ios::binary | std::ios::app);
    f << bytes;
}

std::vector<std::string> fileLines(const std::string& path) {
    std::ifstream f(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(f, line);) lines.push_back(line);
    return lines;
}

} // namespace

class TestEventLog : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string path(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }

private slots:
    void jsonRoundTripOfEveryKind() {
        for (const TrainingEvent& e : everyKind()) {
            const nlohmann::json j = nlohmann::json::parse(e.toJson().dump());
            const TrainingEvent back = TrainingEvent::fromJson(j);
            QCOMPARE(back.toJson().dump(), j.dump());
            QCOMPARE(int(back.type), int(e.type));
            QCOMPARE(back.step, e.step);
        }
        const auto all = everyKind();
        const TrainingEvent nanStep = TrainingEvent::fromJson(all[2].toJson());
        QVERIFY(std::isnan(nanStep.loss));
        QCOMPARE(nanStep.lossScale, 1024.0);
        QCOMPARE(nanStep.learningRate, 1e-3 / 2);
        const TrainingEvent eval = TrainingEvent::fromJson(all[4].toJson());
        QCOMPARE(eval.eval.generated.count, int64_t{12});
        QCOMPARE(eval.eval.generated.cider, 1.5);
        QCOMPARE(eval.eval.samples.size(), size_t{2});
        QCOMPARE(eval.eval.samples[1].imagePath, std::string("/data/ü b.png"));
        QCOMPARE(eval.eval.samples[1].prediction, std::string("two \"squares\""));
        QCOMPARE(TrainingEvent::fromJson(all[5].toJson()).eval.generated.count, int64_t{0});
        const TrainingEvent s = TrainingEvent::fromJson(all[0].toJson());
        QCOMPARE(s.trainCount, int64_t{108});
        QCOMPARE(s.device, std::string("cpu"));
    }

    void fromJsonNamesTheProblem_data() {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("message");
        QTest::newRow("not an object") << "[1,2]"
                                       << "training event: not a JSON object";
        QTest::newRow("no event key") << R"({"step":1})"
                                      << "training event: no 'event' key";
        QTest::newRow("unknown event") << R"({"event":"bogus"})"
                                       << "training event: unknown event 'bogus'";
        QTest::newRow("step not integer") << R"({"event":"step","step":"3"})"
                                          << "training event: 'step' is not an integer";
        QTest::newRow("loss not number") << R"({"event":"step","step":3,"loss":"x"})"
                                         << "training event: 'loss' is not a number";
        QTest::newRow("eval without metrics") << R"({"event":"eval","step":3})"
                                              << "training event: an eval event without 'metrics'";
        QTest::newRow("samples not list") << R"({"event":"eval","step":3,"metrics":{},"samples":{}})"
                                          << "training event: 'samples' is not a list";
    }
    void fromJsonNamesTheProblem() {
        QFETCH(QString, line);
        QFETCH(QString, message);
        try {
            TrainingEvent::fromJson(nlohmann::json::parse(line.toStdString()));
            QFAIL("no error");
        } catch (const captioner::Error& e) {
            QCOMPARE(QString::fromStdString(e.what()), message);
        }
    }

    void writerAndFollowerRoundTrip() {
        const std::string file = path("roundtrip/sub/events.jsonl"); // the writer creates the folders
        EventLogFollower follower(file);
        auto none = follower.poll();
        QVERIFY(!none.exists);
        QVERIFY(none.events.empty());
        EventLogWriter writer(file);
        const auto all = everyKind();
        for (const auto& e : all) QVERIFY2(writer.append(e), writer.error().c_str());
        QCOMPARE(fileLines(file), dumps(all));
        const auto chunk = follower.poll();
        QVERIFY(chunk.exists && chunk.atEnd && !chunk.restarted);
        QVERIFY(chunk.problems.empty());
        QCOMPARE(dumps(chunk.events), dumps(all));
        QCOMPARE(follower.linesRead(), int64_t(all.size()));
        QVERIFY(follower.poll().events.empty()); // nothing new
    }

    void readsInPiecesWhenAsked() {
        const std::string file = path("pieces.jsonl");
        EventLogWriter writer(file);
        for (int i = 1; i <= 2000; ++i) writer.append(stepEvent(i, 1.0 / i));
        EventLogFollower follower(file);
        std::vector<TrainingEvent> got;
        int polls = 0;
        for (;;) {
            auto chunk = follower.poll(64 * 1024);
            ++polls;
            got.insert(got.end(), chunk.events.begin(), chunk.events.end());
            if (chunk.atEnd) break;
        }
        QVERIFY2(polls > 2, qPrintable(QString::number(polls))); // ~190 kB in 64 kB pieces
        QCOMPARE(got.size(), size_t{2000});
        QCOMPARE(got.back().step, int64_t{2000});
        QCOMPARE(follower.offset(), int64_t(fs::file_size(file)));
    }

    void partialLineWaitsForItsNewline() {
        const std::string file = path("partial.jsonl");
        const std::string line = stepEvent(1, 2.5).toJson().dump();
        appendRaw(file, started(0).toJson().dump() + "\n" + line.substr(0, 20));
        EventLogFollower follower(file);
        auto first = follower.poll();
        QCOMPARE(first.events.size(), size_t{1});
        QCOMPARE(int(first.events[0].type), int(TrainingEventType::Started));
        QVERIFY(first.problems.empty());
        QCOMPARE(follower.offset(), int64_t(started(0).toJson().dump().size() + 1));
        appendRaw(file, line.substr(20));
        QVERIFY(follower.poll().events.empty()); // still no newline
        appendRaw(file, "\n\n{broken\n");
        auto second = follower.poll();
        QCOMPARE(dumps(second.events), std::vector<std::string>{line});
        QCOMPARE(second.problems, std::vector<std::string>{file + " line 4: not valid JSON"}); // line 3 is blank
    }

    void truncatedFileIsReadFromTheStart() {
        const std::string file = path("truncated.jsonl");
        EventLogWriter writer(file);
        for (int i = 1; i <= 3; ++i) writer.append(stepEvent(i, 1));
        EventLogFollower follower(file);
        QCOMPARE(follower.poll().events.size(), size_t{3});
        fs::resize_file(file, 0); // copytruncate rotation; the writer's O_APPEND goes on at the new end
        writer.append(started(0));
        auto chunk = follower.poll();
        QVERIFY(chunk.restarted);
        QCOMPARE(dumps(chunk.events), dumps({started(0)}));
        QCOMPARE(follower.linesRead(), int64_t{1});
    }

    void rotationByRenameFollowsTheNewFile() {
        const std::string file = path("rotated.jsonl");
        EventLogWriter writer(file);
        writer.append(started(0));
        writer.append(stepEvent(1, 3));
        EventLogFollower follower(file);
        QCOMPARE(follower.poll().events.size(), size_t{2});
        writer.append(stepEvent(2, 2.5)); // not yet seen by the follower when the file is renamed
        fs::rename(file, file + ".1");
        auto gone = follower.poll(); // the old file's last line still arrives while no new file exists
        QVERIFY(!gone.exists);
        QCOMPARE(dumps(gone.events), dumps({stepEvent(2, 2.5)}));
        writer.append(stepEvent(3, 2)); // the writer notices the rename and begins a new file
        writer.append(stepEvent(4, 1.5));
        QCOMPARE(fileLines(file), dumps({stepEvent(3, 2), stepEvent(4, 1.5)}));
        QCOMPARE(fileLines(file + ".1").size(), size_t{3});
        auto chunk = follower.poll();
        QVERIFY(chunk.exists && chunk.restarted);
        QCOMPARE(dumps(chunk.events), dumps({stepEvent(3, 2), stepEvent(4, 1.5)}));

        // Replaced while the follower is away: the old file's unread lines come first, then the new one's.
        writer.append(stepEvent(5, 1));
        const std::string replacement = path("replacement.jsonl");
        appendRaw(replacement, started(5).toJson().dump() + "\n");
        fs::rename(replacement, file);
        auto replaced = follower.poll();
        QVERIFY(replaced.restarted);
        QCOMPARE(dumps(replaced.events), dumps({stepEvent(5, 1), started(5)}));
    }

    void resumedRunAppendsToTheHistory() {
        const std::string file = path("resume/events.jsonl");
        EventLogFollower follower(file);
        std::vector<TrainingEvent> first{started(0), stepEvent(1, 3), stepEvent(2, 2)};
        TrainingEvent cancelled = makeEvent(TrainingEventType::Finished, 2);
        cancelled.status = "cancelled";
        first.push_back(cancelled);
        {
            EventLogWriter writer(file);
            for (const auto& e : first) writer.append(e);
        }
        QCOMPARE(follower.poll().events.size(), size_t{4});
        std::vector<TrainingEvent> second{started(2), stepEvent(3, 1.5)};
        EventLogWriter resumed(file); // a new process: appends, never truncates
        for (const auto& e : second) resumed.append(e);
        auto chunk = follower.poll();
        QVERIFY(!chunk.restarted);
        QCOMPARE(dumps(chunk.events), dumps(second));
        auto all = first;
        all.insert(all.end(), second.begin(), second.end());
        QCOMPARE(fileLines(file), dumps(all));
    }

    void writerReportsWhatFailed() {
        const std::string blocker = path("a-file");
        appendRaw(blocker, "x");
        EventLogWriter writer(blocker + "/out/events.jsonl");
        QVERIFY(!writer.append(started(0)));
        QCOMPARE(writer.error(), blocker + "/out/events.jsonl: cannot create its folder: Not a directory");
        fs::create_directories(path("dir-in-the-way/events.jsonl"));
        EventLogWriter second(path("dir-in-the-way/events.jsonl"));
        QVERIFY(!second.append(started(0)));
        QCOMPARE(second.error(), path("dir-in-the-way/events.jsonl") + ": cannot open for appending: Is a directory");
    }

    // The trainer appends what its observer sees; a log it cannot write is reported and training goes on.
    void trainerWritesTheEventLog() {
        captioner::DemoRecipe recipe;
        recipe.dir = path("demo");
        recipe.imageCount = 60;
        recipe.workers = 1;
        captioner::prepareDemo(recipe);
        auto o = trainer_test::quickOptions(recipe, path("run"));
        o.maxSteps = 3;
        o.evalSteps = 2;
        o.evalGenerateLimit = 2;
        o.sampleCount = 1;
        trainer_test::Recorder rec;
        QCOMPARE(captioner::Trainer(o, &rec).run().status, std::string("completed"));
        QCOMPARE(fileLines(path("run/events.jsonl")), dumps(rec.events()));
        QCOMPARE(rec.of(TrainingEventType::Evaluated).size(), size_t{2}); // step 2 and the end (for the best model)

        o.maxSteps = 5; // resumed: the same file goes on
        o.resume = true;
        trainer_test::Recorder resumed;
        QCOMPARE(captioner::Trainer(o, &resumed).run().status, std::string("completed"));
        auto all = rec.events();
        for (const auto& e : resumed.events()) all.push_back(e);
        QCOMPARE(fileLines(path("run/events.jsonl")), dumps(all));
        QCOMPARE(resumed.of(TrainingEventType::Started).at(0).resumedFromStep, int64_t{3});

        auto off = trainer_test::quickOptions(recipe, path("no-log"));
        off.maxSteps = 1;
        off.writeEventLog = false;
        QCOMPARE(captioner::Trainer(off).run().status, std::string("completed"));
        QVERIFY(!fs::exists(path("no-log/events.jsonl")));

        auto blocked = trainer_test::quickOptions(recipe, path("blocked"));
        blocked.maxSteps = 2;
        fs::create_directories(path("blocked/events.jsonl"));
        trainer_test::Recorder warned;
        QCOMPARE(captioner::Trainer(blocked, &warned).run().status, std::string("completed"));
        std::vector<std::string> aboutTheLog; // said once, not at every event
        for (const auto& e : warned.of(TrainingEventType::Log))
            if (e.message.find("events.jsonl") != std::string::npos) aboutTheLog.push_back(e.message);
        QCOMPARE(aboutTheLog,
                 std::vector<std::string>{
                     path("blocked/events.jsonl") +
                     ": cannot open for appending: Is a directory (training goes on without the event log)"});
        QCOMPARE(warned.of(TrainingEventType::Step).size(), size_t{2});
    }
};

QTEST_GUILESS_MAIN(TestEventLog)
#include "test_event_log.moc"
