// `captioner train` killed with SIGKILL in the middle of a run and started again with --resume ends
// with exactly the weights of an uninterrupted run; a damaged newest checkpoint is skipped for the
// previous one. Also `captioner eval --json` keys. Runs the real CLI binary.
#include "cli_run.h"
#include "test_support.h"
#include "trainer_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace fs = std::filesystem;
using testsupport::readFile;

class TestTrainerResume : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    captioner::DemoRecipe m_recipe;
    std::string m_model;

    std::string path(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }
    QStringList trainArgs(const std::string& out) const {
        const auto paths = captioner::demoPaths(m_recipe.dir);
        return testsupport::trainArgs("--threads 2", QString::fromStdString(m_model),
                                      QString::fromStdString(paths.data), QString::fromStdString(out),
                                      "--json --max-steps 8 --batch-size 8 --gradient-accumulation 2 --learning-rate "
                                      "2e-3 --save-steps 2 --save-total-limit 0 --eval-steps 4 --eval-generate 4 "
                                      "--eval-batch-size 16 --workers 1 --seed 11");
    }

    // Runs to the end; returns the JSON events.
    std::vector<nlohmann::json> runToEnd(const QStringList& args, int expectedExit = 0) {
        const auto r = testsupport::runCli(args, testsupport::CliOptions().withTimeout(300000));
        if (r.timedOut) return {};
        if (r.exitCode != expectedExit) qWarning() << r.err;
        [&] { QCOMPARE(r.exitCode, expectedExit); }();
        std::vector<nlohmann::json> events;
        for (const auto& line : r.out.split(QLatin1Char('\n')))
            if (!line.trimmed().isEmpty()) events.push_back(nlohmann::json::parse(line.toStdString()));
        return events;
    }

    // Starts a run and SIGKILLs it as soon as it reports the checkpoint of `step`.
    void runAndKillAfterCheckpoint(const std::string& out, int step) {
        const auto run = testsupport::startCli(trainArgs(out));
        QProcess& p = *run;
        QVERIFY(p.waitForStarted());
        bool seen = false;
        QByteArray buffer;
        while (!seen && p.state() == QProcess::Running) {
            p.waitForReadyRead(1000);
            buffer += p.readAllStandardOutput();
            int nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const auto j = nlohmann::json::parse(buffer.left(nl).toStdString());
                buffer.remove(0, nl + 1);
                if (j["event"] == "checkpoint" && j["step"] == step) seen = true;
            }
        }
        QVERIFY2(seen, "the run ended before the checkpoint to kill at");
        p.kill(); // SIGKILL: no chance to clean up
        p.waitForFinished();
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_recipe.dir = path("demo");
        m_recipe.imageCount = 100;
        m_recipe.workers = 1;
        captioner::prepareDemo(m_recipe);
        m_model = trainer_test::withDropout(captioner::demoPaths(m_recipe.dir).baseModel, path("model"));
        const auto events = runToEnd(trainArgs(path("uninterrupted")));
        QVERIFY(!events.empty());
        QCOMPARE(events.back()["event"].get<std::string>(), std::string("finished"));
    }

    void killedRunResumesToIdenticalWeights() {
        const std::string out = path("killed");
        runAndKillAfterCheckpoint(out, 4);
        QVERIFY(!fs::exists(fs::path(out) / "model.safetensors")); // it never finished
        auto args = trainArgs(out);
        args << "--resume";
        const auto events = runToEnd(args);
        QVERIFY(!events.empty());
        const auto& started =
            *std::find_if(events.begin(), events.end(), [](const auto& j) { return j["event"] == "started"; });
        QVERIFY(started["resumed_from_step"].get<int64_t>() >= 4);
        QCOMPARE(events.back()["event"].get<std::string>(), std::string("finished"));
        QCOMPARE(readFile(out + "/model.safetensors"), readFile(path("uninterrupted") + "/model.safetensors"));
        QCOMPARE(readFile(out + "/checkpoint-8/optimizer.safetensors"),
                 readFile(path("uninterrupted") + "/checkpoint-8/optimizer.safetensors"));
        // No temporary folder of an interrupted save is left behind.
        for (const auto& e : fs::directory_iterator(out))
            QVERIFY2(e.path().filename().string().rfind(".checkpoint-", 0) != 0, e.path().c_str());
    }

    void damagedNewestCheckpointIsSkipped() {
        const std::string out = path("damaged");
        runAndKillAfterCheckpoint(out, 6);
        const std::string newest = captioner::listCheckpoints(out).front();
        QCOMPARE(fs::path(newest).filename().string(), std::string("checkpoint-6"));
        const std::string weights = newest + "/model.safetensors";
        fs::resize_file(weights, fs::file_size(weights) / 2); // torn write / disk trouble
        auto args = trainArgs(out);
        args << "--resume";
        const auto events = runToEnd(args);
        QVERIFY(!events.empty());
        bool skipped = false, resumedFrom4 = false;
        for (const auto& j : events) {
            if (j["event"] != "log") continue;
            const auto m = j["message"].get<std::string>();
            skipped = skipped || (m.find("skipping damaged checkpoint") != std::string::npos &&
                                  m.find("checkpoint-6/model.safetensors") != std::string::npos);
            resumedFrom4 = resumedFrom4 || m.find("checkpoint-4 at step 4") != std::string::npos;
        }
        QVERIFY(skipped);
        QVERIFY(resumedFrom4);
        QCOMPARE(readFile(out + "/model.safetensors"), readFile(path("uninterrupted") + "/model.safetensors"));
    }

    void evalJsonHasTheDocumentedKeys() {
        const auto paths = captioner::demoPaths(m_recipe.dir);
        const auto r = testsupport::runCli({"eval", "--model", QString::fromStdString(path("uninterrupted")), "--data",
                                            QString::fromStdString(paths.data), "--seed", "11", "--generate", "3",
                                            "--json", "--workers", "1", "--batch-size", "16", "--threads", "2"},
                                           testsupport::CliOptions().withTimeout(120000));
        QVERIFY(!r.timedOut);
        QCOMPARE(r.exitCode, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        for (const char* k : {"loss", "wer", "wer_teacher_forced", "rouge_l", "bleu4", "cider", "count"})
            QVERIFY2(j.contains(k) && !j[k].is_null(), k);
        QCOMPARE(j["count"].get<int64_t>(), int64_t{10}); // ceil(0.1 * 100) held out with the trainer's split
        QCOMPARE(j["generated_count"].get<int64_t>(), int64_t{3});
        // The output root holds the best checkpoint's weights: eval gives the loss the trainer logged there.
        const auto state = testsupport::readJson(path("uninterrupted") + "/trainer_state.json");
        const auto best = fs::path(state["best_model_checkpoint"].get<std::string>()).filename().string();
        bool found = false;
        for (const auto& e : state["log_history"])
            if (e.contains("eval_loss") && "checkpoint-" + std::to_string(e["step"].get<int64_t>()) == best) {
                QCOMPARE(j["loss"].get<double>(), e["eval_loss"].get<double>());
                QCOMPARE(j["wer_teacher_forced"].get<double>(), e["eval_wer_teacher_forced"].get<double>());
                found = true;
            }
        QVERIFY(found);
    }

    void trainReportsBadArgumentsWithExitCode2() {
        const auto r = testsupport::runCli({"train", "--model", "x"}, testsupport::CliOptions().withTimeout(30000));
        QVERIFY(!r.timedOut);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--data is required"));
    }
};

QTEST_GUILESS_MAIN(TestTrainerResume)
#include "test_trainer_resume.moc"
