// Sharded batch captioning as a cluster job runs it: `captioner caption --shard K/N --out FILE` (K/N
// also from Slurm array, Kubernetes Indexed Job and torchrun variables), resumed after SIGKILL, and
// `captioner caption merge`. Inputs: the 14 fixture images plus one undecodable file (15 in all, so
// 3 shards take 5 each), captioned by the small pipeline model.
#include "caption_shards_util.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace caption_shards_test;

class TestCaptionShards : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    QString m_images;                  // folder of the 15 inputs
    std::vector<std::string> m_sorted; // their paths, sorted
    QString m_all;                     // the unsharded run's --out file
    std::vector<nlohmann::json> m_allRecords;

    QString path(const QString& name) const { return m_tmp.path() + "/" + name; }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_images = path("images");
        m_sorted = makeInputs(m_images);
        QCOMPARE(m_sorted.size(), size_t(15));

        // The reference: one process, every input, the same record file format.
        m_all = path("all.jsonl");
        const auto r = runCli(captionArgs({"--batch-size", "4", "--out", m_all, m_images}));
        QCOMPARE(r.exitCode, 0); // the undecodable image is recorded as an error line: the file is complete
        m_allRecords = records(m_all.toStdString());
        QCOMPARE(m_allRecords.size(), size_t(15));
        for (size_t i = 0; i < 15; ++i) {
            QCOMPARE(m_allRecords[i]["index"].get<size_t>(), i);
            QCOMPARE(m_allRecords[i]["image"].get<std::string>(), m_sorted[i]);
            QCOMPARE(m_allRecords[i]["total"].get<int>(), 15);
            QCOMPARE(m_allRecords[i]["shards"].get<int>(), 1);
        }
        QCOMPARE(m_allRecords[14]["error"].is_string(), true);
        QVERIFY(!m_allRecords[14].contains("caption"));
        QCOMPARE(m_allRecords[0]["caption"].is_string(), true);
    }

    void threeShardsMergedEqualUnsharded() {
        // Three sources of K/N, and shard 1 gets its inputs as files in another order with a repeat:
        // the sorted, de-duplicated list is the same, so the slice is too.
        const QString pattern = path("three-{shard}.jsonl");
        QStringList reversed;
        for (auto it = m_sorted.rbegin(); it != m_sorted.rend(); ++it) reversed << QString::fromStdString(*it);
        reversed << QString::fromStdString(m_sorted[3]);
        const auto s0 = runCli(captionArgs({"--shard", "0/3", "--out", pattern, m_images}));
        const auto s1 = runCli(captionArgs({"--batch-size", "2", "--out", pattern}) + reversed,
                               {"SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=3"});
        const auto s2 =
            runCli(captionArgs({"--shard-count", "3", "--out", pattern, m_images}), {"JOB_COMPLETION_INDEX=2"});
        QCOMPARE(s0.exitCode, 0);
        QCOMPARE(s1.exitCode, 0);
        QCOMPARE(s2.exitCode, 0); // its undecodable image is an error line
        QVERIFY2(s1.err.find(
                     "captioner caption: shard 1/3 from SLURM_ARRAY_TASK_ID=2, SLURM_ARRAY_TASK_MIN=1, "
                     "SLURM_ARRAY_TASK_STEP=1, SLURM_ARRAY_TASK_COUNT=3 (Slurm array): inputs #5 to #9 of 15\n") == 0,
                 s1.err.c_str());
        for (int k = 0; k < 3; ++k) {
            const auto shard = records(path(QString("three-%1.jsonl").arg(k)).toStdString());
            QCOMPARE(shard.size(), size_t(5));
            for (const auto& r : shard) {
                QCOMPARE(r["shard"].get<int>(), k);
                QCOMPARE(r["shards"].get<int>(), 3);
            }
        }

        const QString merged = path("three-merged.jsonl");
        const auto m =
            runCli({"caption", "merge", merged, path("three-2.jsonl"), path("three-0.jsonl"), path("three-1.jsonl")});
        QCOMPARE(m.exitCode, 0);
        QCOMPARE(m.out, "merged 15 of 15 images (1 failed) from 3 shard files into " + merged.toStdString() + "\n");
        QCOMPARE(m.err, std::string());
        const auto lines = records(merged.toStdString());
        QCOMPARE(lines.size(), m_allRecords.size());
        for (size_t i = 0; i < lines.size(); ++i) {
            QCOMPARE(deterministic(lines[i]), deterministic(m_allRecords[i]));
            QVERIFY(sameConfidence(lines[i], m_allRecords[i]));
            QVERIFY(lines[i].contains("confidence") == !lines[i].contains("error"));
            QCOMPARE(lines[i]["shard"].get<size_t>(), i / 5);
        }

        // The plain --json output of an unsharded run says the same for every image it captioned.
        const auto plain = runCli(captionArgs({"--json", m_images}));
        QCOMPARE(plain.exitCode, 1);
        std::istringstream in(plain.out);
        size_t i = 0;
        for (std::string line; std::getline(in, line); ++i) {
            const auto j = nlohmann::json::parse(line);
            QCOMPARE(j["image"], lines[i]["image"]);
            QCOMPARE(j["caption"], lines[i]["caption"]);
            QCOMPARE(j["token_ids"], lines[i]["token_ids"]);
            QVERIFY(sameConfidence(j, lines[i]));
            QCOMPARE(j["words"].size() > 0, !j["caption"].get<std::string>().empty());
        }
        QCOMPARE(i, size_t(14));

        // A shard's file written by another shard is refused, not mixed.
        const auto wrong = runCli(captionArgs({"--shard", "1/3", "--out", path("three-0.jsonl"), m_images}));
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY2(wrong.err.find("captioner caption: error: " + path("three-0.jsonl").toStdString() +
                                ":1: holds shard 0/3 of 15 inputs, but this run is shard 1/3 of 15 inputs: give each "
                                "shard and input list its own --out file\n") != std::string::npos,
                 wrong.err.c_str());
    }

    void killedShardResumesWithTheRest() {
        // Shard 0/2 (8 images, one at a time) stops after its 2nd record and is killed with SIGKILL.
        const QString out = path("killed.jsonl");
        const auto p = testsupport::startCli(
            captionArgs({"--batch-size", "1", "--shard", "0/2", "--out", out, m_images}),
            testsupport::CliOptions().withEnvironment(environment({"CAPTIONER_TEST_STALL_AFTER_RECORDS=2"})));
        QVERIFY(p->waitForStarted());
        for (int polls = 0; countNewlines(out) < 2 && p->state() != QProcess::NotRunning && polls < 12000; ++polls)
            p->waitForFinished(10);
        QCOMPARE(countNewlines(out), 2);

        // While it holds the file, a second writer with the same --out is turned away.
        const auto second = runCli(captionArgs({"--shard", "0/2", "--out", out, m_images}));
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.find("captioner caption: error: " + out.toStdString() +
                                 ": another captioner is writing this file; "
                                 "give each shard its own --out (e.g. captions-{shard}.jsonl)\n") != std::string::npos,
                 second.err.c_str());

        p->kill();
        QVERIFY(p->waitForFinished());
        QCOMPARE(p->exitStatus(), QProcess::CrashExit);
        QCOMPARE(textLines(out.toStdString()).size(), size_t(2));
        // What a kill in the middle of a write leaves: a last line without its newline.
        const std::string whole = testsupport::readFile(out.toStdString());
        testsupport::writeFile(out.toStdString(), whole + "{\"image\": \"" + m_sorted[2].substr(0, 10));

        // merge reads the interrupted shard as far as it got.
        const auto partial = runCli({"caption", "merge", "--allow-gaps", path("partial-merged.jsonl"), out});
        QCOMPARE(partial.exitCode, 0);
        QCOMPARE(partial.err, "captioner caption merge: " + out.toStdString() +
                                  ": ignored a partial last line (the shard was interrupted; re-run it to finish it)\n"
                                  "captioner caption merge: images missing:\n"
                                  "  #2 to #7: shard 0/2, expected in " +
                                  out.toStdString() +
                                  " (it holds 2 of the shard's 8 images)\n"
                                  "  #8 to #14: shard 1/2, which none of the given files holds\n"
                                  "captioner caption merge: 13 of 15 images missing\n");
        QCOMPARE(textLines(path("partial-merged.jsonl").toStdString()).size(), size_t(2));

        const auto rerun = runCli(captionArgs({"--batch-size", "1", "--shard", "0/2", "--out", out, m_images}));
        QCOMPARE(rerun.exitCode, 0);
        QCOMPARE(rerun.err, "captioner caption: shard 0/2 from --shard 0/2: inputs #0 to #7 of 15\n"
                            "captioner caption: " +
                                out.toStdString() +
                                ": cut off a partial last line (an interrupted write)\n"
                                "captioner caption: " +
                                out.toStdString() +
                                " holds 2 of the shard's 8 images; 6 to caption\n"
                                "captioner caption: shard 0/2: captioned 6 images (0 failed); " +
                                out.toStdString() + " holds all 8 of the shard's images\n");
        const auto done = records(out.toStdString());
        QCOMPARE(done.size(), size_t(8));
        for (size_t i = 0; i < done.size(); ++i) {
            QCOMPARE(deterministic(done[i]), deterministic(m_allRecords[i]));
            QVERIFY(sameConfidence(done[i], m_allRecords[i]));
        }

        // Nothing left: a third run captions nothing and leaves the file as it is.
        const std::string before = testsupport::readFile(out.toStdString());
        const auto third = runCli(captionArgs({"--shard", "0/2", "--out", out, m_images}));
        QCOMPARE(third.exitCode, 0);
        QVERIFY2(third.err.find(" holds 8 of the shard's 8 images; 0 to caption\n") != std::string::npos,
                 third.err.c_str());
        QVERIFY2(third.err.find("captioned 0 images (0 failed)") != std::string::npos, third.err.c_str());
        QCOMPARE(testsupport::readFile(out.toStdString()), before);
    }

    void mergeReportsMissingFilesGapsAndDuplicates() {
        // Shard files of the 3-shard run, made here from the reference's lines.
        const auto all = textLines(m_all.toStdString());
        auto shardFile = [&](int k, size_t from, size_t to, const QString& name) {
            std::string text;
            for (size_t i = from; i < to; ++i) {
                auto j = nlohmann::ordered_json::parse(all[i]);
                j["shard"] = k;
                j["shards"] = 3;
                text += j.dump() + "\n";
            }
            testsupport::writeFile(path(name).toStdString(), text);
            return path(name);
        };
        const QString s0 = shardFile(0, 0, 5, "m-0.jsonl"), s0copy = shardFile(0, 0, 5, "m-0-copy.jsonl");
        const QString s1part = shardFile(1, 5, 8, "m-1.jsonl"), s2 = shardFile(2, 10, 15, "m-2.jsonl");
        const QString out = path("m-merged.jsonl");

        const auto missingFile = runCli({"caption", "merge", out, s0, path("m-9.jsonl"), s2});
        QCOMPARE(missingFile.exitCode, 1);
        QCOMPARE(missingFile.err,
                 "captioner caption: error: " + path("m-9.jsonl").toStdString() + ": no such shard file\n");

        const auto gap = runCli({"caption", "merge", out, s0, s2});
        QCOMPARE(gap.exitCode, 1);
        QCOMPARE(gap.err,
                 std::string("captioner caption merge: images missing:\n"
                             "  #5 to #9: shard 1/3, which none of the given files holds\n"
                             "captioner caption merge: 5 of 15 images missing; nothing written (re-run those shards, "
                             "which resume, or pass --allow-gaps)\n"));
        QVERIFY(!QFile::exists(out));

        const auto allowed = runCli({"caption", "merge", "--allow-gaps", out, s0, s1part, s2, s0copy});
        QCOMPARE(allowed.exitCode, 0);
        std::string dups;
        for (int i = 0; i < 5; ++i)
            dups += "captioner caption merge: #" + std::to_string(i) + " (" + m_sorted[i] + ") is in " +
                    s0.toStdString() + ":" + std::to_string(i + 1) + " and " + s0copy.toStdString() + ":" +
                    std::to_string(i + 1) + "; kept " + s0.toStdString() + ":" + std::to_string(i + 1) + "\n";
        QCOMPARE(allowed.err, dups +
                                  "captioner caption merge: images missing:\n"
                                  "  #8 to #9: shard 1/3, expected in " +
                                  s1part.toStdString() +
                                  " (it holds 3 of the shard's 5 images)\n"
                                  "captioner caption merge: 2 of 15 images missing\n");
        QCOMPARE(allowed.out, "merged 13 of 15 images (1 failed) from 4 shard files into " + out.toStdString() + "\n");
        const auto merged = records(out.toStdString());
        QCOMPARE(merged.size(), size_t(13));
        QCOMPARE(merged[7]["index"].get<int>(), 7);
        QCOMPARE(merged[8]["index"].get<int>(), 10);

        // Files of different runs (3 shards against 1) are not joined.
        const auto mixed = runCli({"caption", "merge", out, s0, m_all});
        QCOMPARE(mixed.exitCode, 1);
        QCOMPARE(mixed.err, "captioner caption: error: " + m_all.toStdString() +
                                ":1: is from a run of 1 shards over 15 inputs, but " + s0.toStdString() +
                                ":1 is from 3 shards over 15 inputs: these files come from different runs\n");
    }
};

QTEST_GUILESS_MAIN(TestCaptionShards)
#include "test_caption_shards.moc"
