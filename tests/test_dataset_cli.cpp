// `captioner dataset` as a user runs it: the JSON report's keys and values, the text report, convert,
// and the answers to bad input (exit codes and messages naming the path).
#include "test_dataset_util.h"

#include "cli_run.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using nlohmann::json;

namespace {
struct Result {
    int exitCode = -1;
    std::string out, err;
};

// The runs' text as std::string, which these checks use.
Result run(const QStringList& args) {
    const auto r = testsupport::runCli(args);
    return {r.exitCode, r.out.toStdString(), r.err.toStdString()};
}
} // namespace

class TestDatasetCli : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_root;

private slots:
    void initTestCase() {
        QVERIFY(QFileInfo(testsupport::captionerBin()).isExecutable());
        m_root = m_tmp.path().toStdString() + "/ds";
        dstest::image(m_root + "/train/a.png", 1);
        dstest::image(m_root + "/train/b.png", 2);
        dstest::image(m_root + "/test/c.png", 3);
        dstest::put(m_root + "/test/broken.png", "not a png");
        dstest::put(m_root + "/train/metadata.jsonl", "{\"file_name\": \"a.png\", \"text\": \"one two\", \"k\": 1}\n"
                                                      "{\"file_name\": \"ghost.png\", \"text\": \"boo\"}\n");
        dstest::put(m_root + "/test/metadata.jsonl", "{\"file_name\": \"c.png\", \"text\": [\"x\", \"y z\"]}\n"
                                                     "{\"file_name\": \"broken.png\", \"text\": \"bad\"}\n");
    }

    void jsonReport() {
        const Result r = run({"dataset", QString::fromStdString(m_root), "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, std::string());
        const json j = json::parse(r.out);
        for (const char* key : {"format", "images", "captions", "unreadable", "missing_captions", "orphan_captions",
                                "duplicates", "splits"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["format"], json("imagefolder"));
        QCOMPARE(j["images"], json(4));
        QCOMPARE(j["captions"], json(4));
        QCOMPARE(j["unreadable"],
                 json::parse(R"J([{"file": "broken.png", "reason": "not an image (unrecognised file format)"}])J"));
        QCOMPARE(j["missing_captions"], json::parse(R"(["b.png"])"));
        QCOMPARE(j["orphan_captions"], json::parse(R"(["ghost.png"])"));
        QCOMPARE(j["duplicates"], json::array());
        QCOMPARE(j["splits"], json::parse(R"({"test": 2, "train": 2})"));
        QCOMPARE(j["caption_words"], json::parse(R"({"min": 1, "max": 2, "mean": 1.5, "median": 1.5})"));
    }

    void textReport() {
        const Result r = run({"dataset", QString::fromStdString(m_root)});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.find("Images: 4, captions: 4\nSplits: test=2 train=2\n") != std::string::npos, r.out.c_str());
        QVERIFY(r.out.find("  broken.png: not an image (unrecognised file format)") != std::string::npos);
    }

    void convert() {
        const std::string out = m_tmp.path().toStdString() + "/side";
        const Result r = run({"dataset", "convert", QString::fromStdString(m_root), "--to", "sidecar", "--out",
                              QString::fromStdString(out)});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, "wrote 4 images and 4 captions as sidecar to " + out + "\n");
        QCOMPARE(dstest::read(out + "/test/c.txt"), std::string("x\ny z\n"));
        QCOMPARE(dstest::read(out + "/train/a.txt"), std::string("one two\n"));
        const Result again = run({"dataset", QString::fromStdString(out), "--json", "--no-decode"});
        QCOMPARE(again.exitCode, 0);
        const json j = json::parse(again.out);
        QCOMPARE(j["format"], json("sidecar"));
        QCOMPARE(j["captions"], json(4));
        QCOMPARE(j["orphan_captions"], json::parse(R"(["ghost.png"])"));
    }

    void badInput_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString missing = m_tmp.path() + "/nope";
        QTest::newRow("missing path") << QStringList{"dataset", missing} << 1
                                      << "captioner dataset: error: " + missing + ": no such file or folder";
        QTest::newRow("no path") << QStringList{"dataset"} << 2 << "missing argument PATH";
        QTest::newRow("convert without --to") << QStringList{"dataset", "convert", missing, "--out", "x"} << 2
                                              << "convert needs --to imagefolder|sidecar";
        QTest::newRow("convert to coco") << QStringList{"dataset", "convert", missing, "--to", "coco", "--out", "x"}
                                         << 2 << "--to expects imagefolder or sidecar, got 'coco'";
        QTest::newRow("empty folder") << QStringList{"dataset", m_tmp.path() + "/empty"} << 1
                                      << "no dataset found: looked for";
    }
    void badInput() {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        QDir().mkpath(m_tmp.path() + "/empty");
        const Result r = run(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.find(message.toStdString()) != std::string::npos, r.err.c_str());
        QCOMPARE(r.out, std::string());
    }
};

QTEST_GUILESS_MAIN(TestDatasetCli)
#include "test_dataset_cli.moc"
