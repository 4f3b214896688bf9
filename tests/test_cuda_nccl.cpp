// Data-parallel training over NCCL: `captioner train --ddp-backend nccl` started as 2 processes (the
// variables torchrun sets: WORLD_SIZE, RANK, LOCAL_RANK, MASTER_ADDR, MASTER_PORT), one GPU each,
// gives the step losses of one process with twice the batch, since gradients are summed across the
// ranks (HF Trainer + DDP semantics). NCCL refuses two ranks on one GPU, so this needs 2 devices and
// is skipped, with the reason, elsewhere (the Gloo path is tested on CPU by the distributed tests).
#include "test_support.h"
#include "trainer_test_util.h"

#include "captioner/cuda_info.h"

#include <torch/cuda.h>
#include <torch/version.h>

#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;

namespace {
// A free local port for the rendezvous store: bound to port 0, read, released just before the ranks
// start (plain sockets: Qt Network is built only with the GUI).
int freePort() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = -1;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}
} // namespace

class TestCudaNccl : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;

    std::string path(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }

    static QStringList trainArgs(const captioner::DemoPaths& demo, const std::string& out, int batch) {
        return {"--threads",
                "2",
                "train",
                "--model",
                QString::fromStdString(demo.baseModel),
                "--data",
                QString::fromStdString(demo.data),
                "--out",
                QString::fromStdString(out),
                "--json",
                "--device",
                "cuda",
                "--max-steps",
                "3",
                "--batch-size",
                QString::number(batch),
                "--gradient-accumulation",
                "1",
                "--learning-rate",
                "2e-3",
                "--eval-steps",
                "0",
                "--save-steps",
                "0",
                "--workers",
                "1",
                "--seed",
                "5",
                "--no-load-best",
                "--ddp-backend",
                "nccl"};
    }

    static std::vector<double> stepLosses(const QByteArray& jsonLines) {
        std::vector<double> losses;
        for (const auto& line : jsonLines.split('\n')) {
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
        const QString exe = QString::fromStdString(testsupport::binDir() + "/captioner");

        const int port = freePort();
        QVERIFY(port > 0);
        QProcess ranks[2];
        for (int r = 0; r < 2; ++r) {
            auto env = QProcessEnvironment::systemEnvironment();
            env.insert("WORLD_SIZE", "2");
            env.insert("RANK", QString::number(r));
            env.insert("LOCAL_RANK", QString::number(r));
            env.insert("MASTER_ADDR", "127.0.0.1");
            env.insert("MASTER_PORT", QString::number(port));
            ranks[r].setProcessEnvironment(env);
            ranks[r].start(exe, trainArgs(demo, path("ddp"), 4));
        }
        for (auto& p : ranks) {
            QVERIFY(p.waitForFinished(600000));
            if (p.exitCode() != 0) qWarning() << p.readAllStandardError();
            QCOMPARE(p.exitCode(), 0);
        }
        const auto ddp = stepLosses(ranks[0].readAllStandardOutput());

        QProcess alone;
        QStringList args = trainArgs(demo, path("alone"), 8);
        args.replace(args.indexOf("nccl"), "off");
        alone.start(exe, args);
        QVERIFY(alone.waitForFinished(600000));
        QCOMPARE(alone.exitCode(), 0);
        const auto one = stepLosses(alone.readAllStandardOutput());

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
