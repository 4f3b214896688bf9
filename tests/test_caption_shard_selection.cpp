// Which images a shard takes: K/N from --shard or a launcher's variables (Slurm array, Kubernetes
// Indexed Job, torchrun), shown with --dry-run; torchrun's LOCAL_RANK picking the GPU; bad values.
#include "caption_shards_util.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <torch/cuda.h>

using namespace caption_shards_test;

class TestCaptionShardSelection : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_images;
    std::vector<std::string> m_sorted;

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_images = m_tmp.path() + "/images";
        m_sorted = makeInputs(m_images);
        QCOMPARE(m_sorted.size(), size_t(15));
    }

    void shardFromEnvironment_data() {
        QTest::addColumn<QStringList>("env");
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("first");
        QTest::addColumn<int>("end");
        QTest::newRow("slurm 0-based") << QStringList{"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=3",
                                                      "SLURM_ARRAY_TASK_MIN=0"}
                                       << QStringList{}
                                       << "shard 2/3 from SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_MIN=0, "
                                          "SLURM_ARRAY_TASK_STEP=1, SLURM_ARRAY_TASK_COUNT=3 (Slurm array)"
                                       << 10 << 15;
        QTest::newRow("slurm --array=1-4")
            << QStringList{"SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=4", "SLURM_ARRAY_TASK_MIN=1"}
            << QStringList{}
            << "shard 0/4 from SLURM_ARRAY_TASK_ID=1, SLURM_ARRAY_TASK_MIN=1, "
               "SLURM_ARRAY_TASK_STEP=1, SLURM_ARRAY_TASK_COUNT=4 (Slurm array)"
            << 0 << 4;
        QTest::newRow("slurm --array=0-8:4") << QStringList{"SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_COUNT=3",
                                                            "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_STEP=4"}
                                             << QStringList{}
                                             << "shard 1/3 from SLURM_ARRAY_TASK_ID=4, SLURM_ARRAY_TASK_MIN=0, "
                                                "SLURM_ARRAY_TASK_STEP=4, SLURM_ARRAY_TASK_COUNT=3 (Slurm array)"
                                             << 5 << 10;
        QTest::newRow("indexed job")
            << QStringList{"JOB_COMPLETION_INDEX=1"} << QStringList{"--shard-count", "2"}
            << "shard 1/2 from JOB_COMPLETION_INDEX=1 and --shard-count 2 (Kubernetes Indexed Job)" << 8 << 15;
        QTest::newRow("torchrun") << QStringList{"RANK=1", "WORLD_SIZE=4", "LOCAL_RANK=1"} << QStringList{}
                                  << "shard 1/4 from RANK=1, WORLD_SIZE=4 (torchrun)" << 4 << 8;
        QTest::newRow("--shard wins") << QStringList{"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=3", "RANK=0",
                                                     "WORLD_SIZE=2"}
                                      << QStringList{"--shard", "1/5"} << "shard 1/5 from --shard 1/5" << 3 << 6;
        QTest::newRow("none") << QStringList{} << QStringList{}
                              << "shard 0/1 from no --shard and no launcher variables (all inputs)" << 0 << 15;
    }
    void shardFromEnvironment() {
        QFETCH(QStringList, env);
        QFETCH(QStringList, args);
        QFETCH(QString, source);
        QFETCH(int, first);
        QFETCH(int, end);
        const auto r = runCli(captionArgs(args) + QStringList{"--dry-run", m_images}, env);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, "captioner caption: " + source.toStdString() + ": inputs #" + std::to_string(first) + " to #" +
                            std::to_string(end - 1) + " of 15\n");
        std::string expected;
        for (int i = first; i < end; ++i) expected += std::to_string(i) + "\t" + m_sorted[i] + "\n";
        QCOMPARE(r.out, expected);
    }

    void torchrunRankPicksItsGpu() {
        // Under torchrun, --device cuda means the rank's own GPU. Without CUDA that shows in the error.
        if (torch::cuda::is_available()) QSKIP("CUDA is available here: the CPU-only message cannot be checked");
        const auto r = runCli(captionArgs({"--device", "cuda", m_images}), {"RANK=1", "WORLD_SIZE=2", "LOCAL_RANK=1"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.find("captioner caption: device cuda:1 (LOCAL_RANK=1)\n"
                            "captioner caption: error: --device cuda:1: this LibTorch build has no CUDA device "
                            "available; use cpu or auto\n") != std::string::npos,
                 r.err.c_str());
        // auto falls back to the CPU and captions rank 1's half.
        const auto cpu =
            runCli(captionArgs({"--device", "auto", "--json", m_images}), {"RANK=1", "WORLD_SIZE=2", "LOCAL_RANK=1"});
        QCOMPARE(cpu.exitCode, 1); // the undecodable image is in the second half
        std::istringstream in(cpu.out);
        size_t i = 8;
        for (std::string line; std::getline(in, line); ++i) {
            const auto j = nlohmann::json::parse(line);
            QCOMPARE(j["image"].get<std::string>(), m_sorted[i]);
            QCOMPARE(j["index"].get<size_t>(), i);
            QCOMPARE(j["shard"].get<int>(), 1);
            QCOMPARE(j.contains("caption"), i != 14);
        }
        QCOMPARE(i, size_t(15));
    }

    void badShardValues_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QStringList>("env");
        QTest::addColumn<QString>("message");
        QTest::newRow("3/2") << QStringList{"--shard", "3/2"} << QStringList{}
                             << "--shard 3/2: K must be below N (shards are numbered from 0 to 1)";
        QTest::newRow("2/2") << QStringList{"--shard", "2/2"} << QStringList{}
                             << "--shard 2/2: K must be below N (shards are numbered from 0 to 1)";
        QTest::newRow("x/y") << QStringList{"--shard", "x/y"} << QStringList{}
                             << "--shard x/y: expected K/N, two whole numbers such as 0/4 (K counts from 0)";
        QTest::newRow("-1/2") << QStringList{"--shard", "-1/2"} << QStringList{}
                              << "--shard -1/2: expected K/N, two whole numbers such as 0/4 (K counts from 0)";
        QTest::newRow("0/0") << QStringList{"--shard", "0/0"} << QStringList{} << "--shard 0/0: N must be at least 1";
        QTest::newRow("count disagrees") << QStringList{"--shard", "0/3", "--shard-count", "4"} << QStringList{}
                                         << "--shard-count 4 disagrees with 3 shards from --shard 0/3";
        QTest::newRow("count alone")
            << QStringList{"--shard-count", "4"} << QStringList{}
            << "--shard-count needs a shard index to go with it: --shard K/N or JOB_COMPLETION_INDEX";
        QTest::newRow("indexed job without count")
            << QStringList{} << QStringList{"JOB_COMPLETION_INDEX=0"}
            << "JOB_COMPLETION_INDEX is set (Kubernetes Indexed Job) but --shard-count is not: "
               "pass the Job's completions as --shard-count N";
        QTest::newRow("slurm list")
            << QStringList{}
            << QStringList{"SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=1"}
            << "SLURM_ARRAY_TASK_ID=7, SLURM_ARRAY_TASK_MIN=1, SLURM_ARRAY_TASK_STEP=1, SLURM_ARRAY_TASK_COUNT=3 "
               "name no shard: submit an evenly spaced range such as --array=0-2 (a list such as 1,5,7 "
               "cannot be mapped), or pass --shard K/N";
        QTest::newRow("slurm bad id") << QStringList{}
                                      << QStringList{"SLURM_ARRAY_TASK_ID=a", "SLURM_ARRAY_TASK_COUNT=3"}
                                      << "SLURM_ARRAY_TASK_ID='a' is not a whole number";
    }
    void badShardValues() {
        QFETCH(QStringList, args);
        QFETCH(QStringList, env);
        QFETCH(QString, message);
        const auto r = runCli(captionArgs(args) + QStringList{m_images}, env);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(r.err,
                 "captioner caption: " + message.toStdString() + "\nRun 'captioner caption --help' for usage.\n");
        QCOMPARE(r.out, std::string());
    }
};

QTEST_GUILESS_MAIN(TestCaptionShardSelection)
#include "test_caption_shard_selection.moc"
