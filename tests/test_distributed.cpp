// Data-parallel training on torch.distributed (c10d, Gloo): processes started by the real torchrun
// (Debian's python3-torch) and by a plain environment-variable launch, as Kubeflow or a job script
// would. 2 processes x batch 4 must end where 1 process x batch 8 ends; a rank killed with SIGKILL
// must stop the other with a message naming it, and --resume must then end where an uninterrupted
// run ends.
#include "cli_run.h"
#include "test_support.h"

#include "captioner/demo_model.h"
#include "captioner/distributed.h"
#include "captioner/error.h"
#include "captioner/safetensors.h"

#include <QElapsedTimer>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <torch/types.h>

#include <csignal>
#include <filesystem>
#include <map>
#include <set>

namespace fs = std::filesystem;
using testsupport::captionerBin;
using testsupport::CliOptions;
using testsupport::finishCli;
using testsupport::freePort;

namespace {

constexpr int kRunTimeout = 240000; // a whole training run of the test's size

std::map<std::string, torch::Tensor> weights(const std::string& dir) {
    return captioner::loadSafetensors((fs::path(dir) / "model.safetensors").string());
}

// max over tensors of max|a - b| / max|b|. The attention key biases (whose gradient the softmax
// cancels exactly, so all they ever get is rounding noise, ~1e-9) and tensors still at their zero
// start have no scale to be relative to: their absolute difference is checked instead.
struct Difference {
    double relative = 0;     // the worst over tensors with a scale
    double absoluteFree = 0; // the worst over the scale-free ones
    std::string worst;
};
Difference difference(const std::map<std::string, torch::Tensor>& a, const std::map<std::string, torch::Tensor>& b) {
    Difference d;
    if (a.size() != b.size()) return {1e9, 1e9, "tensor count"};
    for (const auto& [name, t] : a) {
        const auto& u = b.at(name);
        const double scale = u.abs().max().item<double>();
        const double diff = (t - u).abs().max().item<double>();
        const bool keyBias =
            name.find("k_proj.bias") != std::string::npos || name.find("self.key.bias") != std::string::npos;
        if (keyBias || scale < 1e-6) {
            d.absoluteFree = std::max(d.absoluteFree, diff);
        } else if (diff / scale > d.relative) {
            d.relative = diff / scale;
            d.worst = name;
        }
    }
    return d;
}

bool identical(const std::map<std::string, torch::Tensor>& a, const std::map<std::string, torch::Tensor>& b) {
    if (a.size() != b.size()) return false;
    for (const auto& [name, t] : a)
        if (!b.count(name) || !t.equal(b.at(name))) return false;
    return true;
}

std::set<std::string> entries(const std::string& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

} // namespace

class TestDistributed : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    captioner::DemoRecipe m_recipe;
    captioner::DemoPaths m_demo;

    std::string out(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }

    QStringList trainArgs(const std::string& outDir, int batch, int steps, int saveSteps, int evalSteps,
                          const QString& adamEpsilon = "1e-8") const {
        return testsupport::trainArgs(
            "", QString::fromStdString(m_demo.baseModel), QString::fromStdString(m_demo.data),
            QString::fromStdString(outDir),
            QStringLiteral("--batch-size %1 --gradient-accumulation 1 --max-steps %2 --save-steps %3 --eval-steps %4 "
                           "--eval-generate -1 --learning-rate 1e-3 --workers 1 --save-total-limit 0 --ddp-timeout 60 "
                           "--adam-epsilon %5")
                .arg(batch)
                .arg(steps)
                .arg(saveSteps)
                .arg(evalSteps)
                .arg(adamEpsilon));
    }

    // Starts `ranks` processes with the variables torchrun would set (LOCAL_RANK included).
    std::vector<std::unique_ptr<QProcess>> launchByEnvironment(int ranks, const QStringList& args, int port) const {
        std::vector<std::unique_ptr<QProcess>> procs;
        for (int r = 0; r < ranks; ++r) {
            auto p = testsupport::startCli(args, CliOptions()
                                                     .withEnv("WORLD_SIZE", QString::number(ranks))
                                                     .withEnv("RANK", QString::number(r))
                                                     .withEnv("LOCAL_RANK", QString::number(r))
                                                     .withEnv("MASTER_ADDR", "127.0.0.1")
                                                     .withEnv("MASTER_PORT", QString::number(port))
                                                     .withEnv("OMP_NUM_THREADS", "1"));
            p->waitForStarted();
            procs.push_back(std::move(p));
        }
        return procs;
    }

    testsupport::CliRun runAlone(const QStringList& args) const {
        return testsupport::runCli(args, CliOptions().withEnv("OMP_NUM_THREADS", "1").withTimeout(kRunTimeout));
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_recipe.dir = out("demo");
        m_recipe.imageCount = 120; // 108 train / 12 test
        m_recipe.workers = 1;
        m_demo = captioner::prepareDemo(m_recipe);
        const auto config = testsupport::readJson((fs::path(m_demo.baseModel) / "config.json").string());
        // Dropout would draw differently in 1 and 2 processes: the comparison needs it off.
        QCOMPARE(config.value("hidden_dropout_prob", -1.0), 0.0);
    }

    void environmentOfTheLaunchers() {
        using captioner::distributedConfigFromEnvironment;
        auto from = [](std::map<std::string, std::string> vars) {
            return distributedConfigFromEnvironment([vars = std::move(vars)](const char* name) -> const char* {
                auto it = vars.find(name);
                return it == vars.end() ? nullptr : it->second.c_str();
            });
        };
        QVERIFY(!from({}).enabled());
        QVERIFY(!from({{"WORLD_SIZE", "1"}, {"RANK", "0"}}).enabled());
        const auto t = from({{"WORLD_SIZE", "4"},
                             {"RANK", "3"},
                             {"LOCAL_RANK", "1"},
                             {"MASTER_ADDR", "node7"},
                             {"MASTER_PORT", "29555"},
                             {"TORCHELASTIC_RUN_ID", "abc"},
                             {"TORCHELASTIC_USE_AGENT_STORE", "True"},
                             {"TORCHELASTIC_RESTART_COUNT", "2"}});
        QCOMPARE(t.worldSize, 4);
        QCOMPARE(t.rank, 3);
        QCOMPARE(t.localRank, 1);
        QCOMPARE(t.masterAddr, std::string("node7"));
        QCOMPARE(t.masterPort, 29555);
        QVERIFY(t.agentStore);
        QCOMPARE(t.runId, std::string("abc.2"));
        QCOMPARE(t.describe(), std::string("rank 3 of 4 (torchrun, node7:29555)"));
        const auto s = from({{"SLURM_PROCID", "5"},
                             {"SLURM_NTASKS", "8"},
                             {"SLURM_LOCALID", "1"},
                             {"SLURM_JOB_ID", "991"},
                             {"MASTER_ADDR", "n01"}});
        QCOMPARE(s.launcher, std::string("slurm"));
        QCOMPARE(s.rank, 5);
        QCOMPARE(s.worldSize, 8);
        QCOMPARE(s.localRank, 1);
        QVERIFY(!s.agentStore);
        QCOMPARE(s.runId, std::string("991"));
        auto message = [&](std::map<std::string, std::string> vars) {
            try {
                from(std::move(vars));
            } catch (const captioner::Error& e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        QCOMPARE(message({{"WORLD_SIZE", "2"}, {"RANK", "2"}, {"MASTER_ADDR", "h"}}),
                 std::string("RANK: '2' is not a whole number from 0 to 1"));
        QCOMPARE(message({{"WORLD_SIZE", "two"}}),
                 std::string("WORLD_SIZE: 'two' is not a whole number from 1 to 1048576"));
        QCOMPARE(message({{"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}}),
                 std::string("RANK: is not set, but WORLD_SIZE is 2"));
        QCOMPARE(message({{"WORLD_SIZE", "2"}, {"RANK", "1"}}),
                 std::string("MASTER_ADDR: is not set, but WORLD_SIZE is 2"));
        QVERIFY(message({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}})
                    .rfind("MASTER_ADDR: is not set: under Slurm export", 0) == 0);
        QCOMPARE(message({{"WORLD_SIZE", "2"}, {"RANK", "0"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}}),
                 std::string("MASTER_PORT: '70000' is not a whole number from 1 to 65535"));
    }

    void shardRanges() {
        using captioner::shardRange;
        QCOMPARE(shardRange(8, 0, 2).begin, size_t{0});
        QCOMPARE(shardRange(8, 1, 2).begin, size_t{4});
        QCOMPARE(shardRange(8, 1, 2).end, size_t{8});
        // 7 over 3: 3, 2, 2 in order, covering everything once.
        QCOMPARE(shardRange(7, 0, 3).size(), size_t{3});
        QCOMPARE(shardRange(7, 1, 3).begin, size_t{3});
        QCOMPARE(shardRange(7, 2, 3).begin, size_t{5});
        QCOMPARE(shardRange(7, 2, 3).end, size_t{7});
        QCOMPARE(shardRange(1, 1, 2).size(), size_t{0});
        QVERIFY_THROWS_EXCEPTION(captioner::Error, shardRange(4, 2, 2));
    }

    // The bar: 2 x batch 4 for 6 steps equals 1 x batch 8; both ranks agree bit for bit
    // (the trainer compares digests across ranks and fails otherwise); one set of checkpoints.
    // Adam's first steps are g / (|g| + eps): gradients near eps (1e-8) turn rounding differences of
    // the two batch splits into visible weight differences (measured 6.5e-5 after one step), which
    // says nothing about data parallelism. The bar is checked with eps 1e-4, where the update is
    // smooth near zero; the default's figure (measured 1.9e-3) is printed and held to 1e-2, which a
    // wrong split or weighting (differences of order 1) would still fail.
    void twoProcessesEqualOne() {
        for (const QString& eps : {QString("1e-4"), QString("1e-8")}) {
            const std::string one = out("one-" + eps.toStdString()), two = out("two-env-" + eps.toStdString());
            const auto alone = runAlone(trainArgs(one, 8, 6, 2, 3, eps));
            QVERIFY2(alone.exitCode == 0, qPrintable(alone.err));

            auto procs = launchByEnvironment(2, trainArgs(two, 4, 6, 2, 3, eps), freePort());
            const auto r0 = finishCli(*procs[0], kRunTimeout);
            const auto r1 = finishCli(*procs[1], kRunTimeout);
            QVERIFY2(r0.exitCode == 0, qPrintable(r0.err));
            QVERIFY2(r1.exitCode == 0, qPrintable(r1.err));
            QVERIFY2(r0.err.contains("weights identical on all 2 ranks at step 6"), qPrintable(r0.err));
            QVERIFY2(r0.err.contains("global batch 8 = 4 per process x 2 processes x 1 accumulation"),
                     qPrintable(r0.err));
            QCOMPARE(r1.out, QString()); // rank 1 says nothing when all is well
            QVERIFY2(!r1.err.contains("step"), qPrintable(r1.err));

            const auto d = difference(weights(two), weights(one));
            qInfo("adam eps %s: 2 x 4 vs 1 x 8 after 6 steps: max relative difference %.3g (%s); gradient-free "
                  "tensors differ by %.3g",
                  qPrintable(eps), d.relative, d.worst.c_str(), d.absoluteFree);
            QVERIFY2(d.relative <= (eps == "1e-4" ? 1e-5 : 1e-2), qPrintable(QString::number(d.relative)));
            // The key biases' gradients are pure rounding noise (~1e-9): with eps 1e-4 Adam scales that
            // down to nothing; with eps 1e-8 it turns it into steps of a sizeable part of the learning rate
            // (1e-3), whose sign follows the noise of each batch split (measured 1.7e-5 after 6 steps).
            // Either way a difference of one whole learning-rate step would mean real gradient reached them.
            const double freeBound = eps == "1e-4" ? 1e-6 : 1e-3;
            QVERIFY2(d.absoluteFree <= freeBound, qPrintable(QString::number(d.absoluteFree)));
            // Exactly one set of checkpoints, as one process writes it.
            QCOMPARE(entries(two), entries(one));
            QVERIFY(entries(two).count("checkpoint-6"));
            const auto state = testsupport::readJson(two + "/trainer_state.json");
            const auto stateOne = testsupport::readJson(one + "/trainer_state.json");
            QCOMPARE(state["global_step"].get<int>(), 6);
            QCOMPARE(state["log_history"].size(), stateOne["log_history"].size());
            // Evaluation split over the ranks and gathered scores the same 12 held-out images.
            const auto evalOf = [](const nlohmann::json& s) {
                for (const auto& e : s["log_history"])
                    if (e.contains("eval_loss") && e["step"] == 6) return e;
                return nlohmann::json();
            };
            QCOMPARE(evalOf(state)["eval_count"], evalOf(stateOne)["eval_count"]);
            // (eval_loss averages per-batch means, as Trainer.evaluate does, so it depends on how the
            // images fall into batches; the corpus-level WER does not.)
            QCOMPARE(evalOf(state)["eval_wer_teacher_forced"], evalOf(stateOne)["eval_wer_teacher_forced"]);
        }
    }

    void torchrunLaunch() {
        // The torchrun of this build's LibTorch (CAPTIONER_TORCHRUN, set by tests/CMakeLists.txt): a 2.x
        // wheel's venv has its own; otherwise the one on PATH.
        QString torchrun = qEnvironmentVariable("CAPTIONER_TORCHRUN");
        if (torchrun.isEmpty() || torchrun.endsWith("-NOTFOUND")) torchrun = QStandardPaths::findExecutable("torchrun");
        QVERIFY2(!torchrun.isEmpty(), "torchrun not found: scripts/setup installs python3-torch");
        // Debian's torchrun 1.13 needs --redirects/--tee set (see DESIGN.md).
        const QString logs = QString::fromStdString(out("torchrun-logs"));
        QStringList args = {"--nnodes",
                            "1",
                            "--nproc_per_node",
                            "2",
                            "--master_addr",
                            "127.0.0.1",
                            "--master_port",
                            QString::number(freePort()),
                            "--redirects",
                            "2",
                            "--tee",
                            "1",
                            "--log_dir",
                            logs,
                            "--no_python",
                            captionerBin()};
        args += trainArgs(out("two-torchrun"), 4, 6, 2, 3);
        const auto r = testsupport::runCli(
            args, CliOptions().withProgram(torchrun).withEnv("OMP_NUM_THREADS", "1").withTimeout(kRunTimeout));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const auto a = weights(out("two-torchrun"));
        QVERIFY(identical(a, weights(out("two-env-1e-8")))); // the launcher changes nothing
        QCOMPARE(entries(out("two-torchrun")), entries(out("one-1e-8")));
    }

    // SIGKILL one rank mid-run: the other stops within the timeout naming it; the last complete
    // checkpoint loads, and --resume with 2 processes ends with the uninterrupted run's weights.
    void killedRankStopsTheOtherAndResumes() {
        const int steps = 120;
        {
            auto procs = launchByEnvironment(2, trainArgs(out("whole"), 4, steps, 10, 0), freePort());
            const auto r0 = finishCli(*procs[0], kRunTimeout);
            const auto r1 = finishCli(*procs[1], kRunTimeout);
            QVERIFY2(r0.exitCode == 0 && r1.exitCode == 0, qPrintable(r0.err + r1.err));
        }
        auto procs = launchByEnvironment(2, trainArgs(out("killed"), 4, steps, 10, 0), freePort());
        QElapsedTimer t;
        t.start();
        while (!fs::exists(out("killed") + "/checkpoint-20") && t.elapsed() < 120000 &&
               procs[1]->state() == QProcess::Running)
            QTest::qWait(5);
        if (procs[1]->state() != QProcess::Running) {
            const auto r0 = finishCli(*procs[0], kRunTimeout);
            const auto r1 = finishCli(*procs[1], kRunTimeout);
            QFAIL(qPrintable("rank 1 ended before it could be killed:\n" + r0.err + "\n" + r1.err));
        }
        ::kill(static_cast<pid_t>(procs[1]->processId()), SIGKILL);
        const auto r1 = finishCli(*procs[1], kRunTimeout);
        QVERIFY(r1.crashed);
        const auto r0 = finishCli(*procs[0], 120000);
        qInfo("rank 0 stopped %.1f s after rank 1 was killed", r0.seconds);
        QVERIFY2(r0.exitCode != 0, qPrintable(r0.err));
        QVERIFY2(r0.seconds < 60, qPrintable(QString::number(r0.seconds)));
        QVERIFY2(r0.err.contains("rank 1 (of 2) is gone: its process died, was stopped or lost its connection"),
                 qPrintable(r0.err));
        QVERIFY2(!fs::exists(out("killed") + "/model.safetensors"), "a killed run wrote a final model");
        // The newest complete checkpoint loads.
        QVERIFY(!weights(out("killed") + "/checkpoint-20").empty());

        auto args = trainArgs(out("killed"), 4, steps, 10, 0);
        args << "--resume";
        auto again = launchByEnvironment(2, args, freePort());
        const auto a0 = finishCli(*again[0], kRunTimeout);
        const auto a1 = finishCli(*again[1], kRunTimeout);
        QVERIFY2(a0.exitCode == 0 && a1.exitCode == 0, qPrintable(a0.err + a1.err));
        QVERIFY2(a0.err.contains("resumed from"), qPrintable(a0.err));
        QVERIFY(identical(weights(out("killed")), weights(out("whole"))));
    }

    // A rank that hangs (SIGSTOP: alive, silent) holds the others only until --ddp-timeout.
    void hungRankStopsTheOtherAfterTheTimeout() {
        auto args = trainArgs(out("hung"), 4, 400, 0, 0);
        args.replace(args.indexOf("--ddp-timeout") + 1, "10");
        auto procs = launchByEnvironment(2, args, freePort());
        QElapsedTimer t;
        t.start();
        while (!fs::exists(out("hung") + "/events.jsonl") && t.elapsed() < 120000) QTest::qWait(20);
        QTest::qWait(1500); // into the steps
        ::kill(static_cast<pid_t>(procs[1]->processId()), SIGSTOP);
        const auto r0 = finishCli(*procs[0], 120000);
        ::kill(static_cast<pid_t>(procs[1]->processId()), SIGKILL);
        finishCli(*procs[1], kRunTimeout);
        qInfo("rank 0 stopped %.1f s after rank 1 was frozen (timeout 10 s)", r0.seconds);
        QVERIFY2(r0.exitCode != 0, qPrintable(r0.err));
        QVERIFY2(r0.seconds < 40, qPrintable(QString::number(r0.seconds)));
        QVERIFY2(r0.err.contains("rank 1 (of 2)"), qPrintable(r0.err));
    }

    void aloneWhenTheLauncherSaysOne() {
        const auto r =
            testsupport::runCli(trainArgs(out("world-one"), 8, 6, 2, 3),
                                CliOptions().withEnv("WORLD_SIZE", "1").withEnv("RANK", "0").withTimeout(kRunTimeout));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!r.err.contains("process group"));
        QVERIFY(identical(weights(out("world-one")), weights(out("one-1e-8"))));
    }

    void badEnvironmentIsNamed() {
        const auto r =
            testsupport::runCli(trainArgs(out("bad-env"), 8, 6, 2, 3), CliOptions()
                                                                           .withEnv("WORLD_SIZE", "2")
                                                                           .withEnv("RANK", "5")
                                                                           .withEnv("MASTER_ADDR", "127.0.0.1")
                                                                           .withTimeout(kRunTimeout));
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("RANK: '5' is not a whole number from 0 to 1"), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestDistributed)
#include "test_distributed.moc"
