// Data-parallel training over NCCL: `captioner train --ddp-backend nccl` started as 2 processes (the
// variables torchrun sets: WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), one GPU each,
// gives the step losses of one process with twice the batch, since gradients are summed across the
// ranks (HF Trainer + DDP semantics). NCCL refuses two ranks on one GPU, so this needs 2 devices and
// is skipped, with the reason, elsewhere (the Gloo path is tested on CPU by the distributed tests).
#include "cli_run.h"
#include "test_support.h"
#include "trainer_test_util.h"

#include "captioner/cuda_info.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

class TestCudaNccl : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    std::string path(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }

    static QStringList trainArgs(const captioner::DemoPaths& demo, const std::string& out, int batch) {
        return testsupport::trainArgs(
            "--threads 2", QString::fromStdString(demo.baseModel), QString::fromStdString(demo.data),
            QString::fromStdString(out),
            QStringLiteral("--json --device cuda --max-steps 3 --batch-size %1 --gradient-accumulation 1 "
                           "--learning-rate 2e-3 --eval-steps 0 --save-steps 0 --workers 1 --seed 5 --no-load-best "
                           "--ddp-backend nccl")
                .arg(batch));
    }

    static std::vector<double> stepLosses(const QString& jsonLines) {
        std::vector<double> losses;
        for (const auto& line : jsonLines.split(QLatin1Char('\n'))) {
            if (line.trimmed().isEmpty()) continue;
            const auto j = nlohmann::json::parse(line.toStdString());
            if (j.value("event", "") == "step") losses.push_back(j.value("loss", NAN));
        }
        return losses;
    }

private slots:
    void twoProcessesEqualOneWithTwiceTheBatch() {
        if (!captioner::cudaBuiltIn())
            QSKIP("LibTorch " TORCH_VERSION " here is CPU-only and has no NCCL; needs a CUDA LibTorch "
                  "(scripts/setup-libtorch2) and 2 GPUs");
        const auto gpus = torch::cuda::device_count();
        if (gpus < 2)
            QSKIP(qPrintable(
                QStringLiteral("NCCL runs one rank per GPU: 2 processes need 2 CUDA devices, %1 visible").arg(gpus)));
        QVERIFY(m_tmp.isValid());
        captioner::DemoRecipe recipe;
        recipe.dir = path("demo");
        recipe.imageCount = 120;
        recipe.workers = 1;
        const auto demo = captioner::prepareDemo(recipe);

        const int port = testsupport::freePort();
        QVERIFY(port > 0);
        std::unique_ptr<QProcess> ranks[2];
        for (int r = 0; r < 2; ++r)
            ranks[r] = testsupport::startCli(trainArgs(demo, path("ddp"), 4),
                                             testsupport::CliOptions()
                                                 .withEnv("WORLD_SIZE", "2")
                                                 .withEnv("RANK", QString::number(r))
                                                 .withEnv("LOCAL_RANK", QString::number(r))
                                                 .withEnv("MASTER_ADDR", "127.0.0.1")
                                                 .withEnv("MASTER_PORT", QString::number(port)));
        testsupport::CliRun done[2];
        for (int r = 0; r < 2; ++r) {
            done[r] = testsupport::finishCli(*ranks[r], 600000);
            QVERIFY(!done[r].timedOut);
            if (done[r].exitCode != 0) qWarning() << done[r].err;
            QCOMPARE(done[r].exitCode, 0);
        }
        const auto ddp = stepLosses(done[0].out);

        QStringList args = trainArgs(demo, path("alone"), 8);
        args.replace(args.indexOf("nccl"), "off");
        const auto alone = testsupport::runCli(args, testsupport::CliOptions().withTimeout(600000));
        QVERIFY(!alone.timedOut);
        QCOMPARE(alone.exitCode, 0);
        const auto one = stepLosses(alone.out);

        QCOMPARE(ddp.size(), size_t{3});
        QCOMPARE(one.size(), size_t{3});
        for (size_t k = 0; k < one.size(); ++k) {
            qInfo("NCCL 2 x batch 4 vs 1 x batch 8, step %zu: loss %.6f vs %.6f", k + 1, ddp[k], one[k]);
            QVERIFY2(std::abs(ddp[k] - one[k]) <= 1e-3, qPrintable(QStringLiteral("step %1").arg(k + 1)));
        }
    }
};

QTEST_GUILESS_MAIN(TestCudaNccl)
#include "test_cuda_nccl.moc"
