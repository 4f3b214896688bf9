// The model subcommands of `captioner` (caption, score, tokenize, preprocess, init) run as a user runs
// them, against the transformers references of tests/fixtures/pipeline.
#include "captioner/runtime.h"

#include "cli_run.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <cmath>
#include <QtTest/QtTest>

namespace {

struct Result {
    int exitCode = -1;
    std::string out, err;
};

// The runs' text as std::string, which these checks use.
Result runCli(const QStringList& args) {
    const auto r = testsupport::runCli(args, testsupport::CliOptions().withTimeout(120000));
    return {r.exitCode, r.out.toStdString(), r.err.toStdString()};
}

QString fx(const std::string& rel) { return QString::fromStdString(testsupport::fixture(rel)); }
QString model() { return fx("pipeline/model"); }

std::vector<nlohmann::json> jsonLines(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

} // namespace

class TestCliModel : public QObject {
    Q_OBJECT
    nlohmann::json m_ref;

private slots:
    void initTestCase() { m_ref = testsupport::readJson(testsupport::fixture("pipeline/model_reference.json")); }

    void captionJsonLinesMatchTransformers() {
        QTemporaryDir tmp;
        const QString bad = tmp.path() + "/corrupt.jpg";
        testsupport::writeFile(bad.toStdString(), "\xff\xd8\xff\xe0 truncated");
        QStringList args{"caption", "--model", model(), "--max-length", "20", "--batch-size", "2", "--json"};
        for (const auto& n : m_ref["images"]) args << fx("image/input/" + n.get<std::string>());
        args << bad;
        const auto r = runCli(args);
        QCOMPARE(r.exitCode, 1); // one image failed
        QVERIFY2(r.err.find(bad.toStdString()) != std::string::npos, r.err.c_str());
        const auto lines = jsonLines(r.out);
        QCOMPARE(lines.size(), m_ref["images"].size());
        const auto confidenceRef = testsupport::readJson(testsupport::fixture("confidence/reference.json"));
        nlohmann::json greedyConfidence;
        for (const auto& c : confidenceRef.at("cases"))
            if (c.at("model") == "pipeline/model" && c.at("num_beams") == 1) greedyConfidence = c;
        QCOMPARE(greedyConfidence.at("input"), m_ref["images"]);
        for (size_t i = 0; i < lines.size(); ++i) {
            const std::string name = m_ref["images"][i].get<std::string>();
            QCOMPARE(lines[i]["image"].get<std::string>(), testsupport::fixture("image/input/" + name));
            QCOMPARE(lines[i]["caption"], m_ref["greedy"][name]["caption"]);
            QCOMPARE(lines[i]["token_ids"], m_ref["greedy"][name]["ids"]);
            QVERIFY(lines[i]["seconds"].get<double>() > 0);
            // confidence: the geometric mean of transformers' per-token probabilities for these ids
            // (tests/fixtures/confidence); words spell the caption, each with a confidence in (0, 1].
            double sumLog = 0;
            const auto& probs = greedyConfidence.at("rows").at(i).at("probs");
            for (const auto& p : probs) sumLog += std::log(p.get<double>());
            const double expected = std::exp(sumLog / static_cast<double>(probs.size()));
            QVERIFY2(std::abs(lines[i]["confidence"].get<double>() - expected) < 1e-6 * expected,
                     lines[i].dump().c_str());
            std::string spelled;
            for (const auto& w : lines[i]["words"]) {
                spelled += (spelled.empty() ? "" : " ") + w["word"].get<std::string>();
                QVERIFY(w["confidence"].get<double>() > 0 && w["confidence"].get<double>() <= 1);
            }
            QCOMPARE(spelled, lines[i]["caption"].get<std::string>());
        }
    }

    void captionPlainBeamFolder() {
        // A folder is searched recursively and sorted; plain output is path<TAB>caption.
        QTemporaryDir tmp;
        const std::string name = "photo_320x240.jpg";
        QVERIFY(QFile::copy(fx("image/input/" + name), tmp.path() + "/sub_b.jpg"));
        QDir(tmp.path()).mkdir("a");
        QVERIFY(QFile::copy(fx("image/input/" + name), tmp.path() + "/a/first.jpg"));
        testsupport::writeFile((tmp.path() + "/notes.txt").toStdString(), "not an image");
        const auto r = runCli({"caption", "--model", model(), "--max-length", "20", "--num-beams", "3", tmp.path()});
        QCOMPARE(r.exitCode, 0);
        const std::string cap = m_ref["beam3"][name]["caption"].get<std::string>();
        const std::string expected = tmp.path().toStdString() + "/a/first.jpg\t" + cap + "\n" +
                                     tmp.path().toStdString() + "/sub_b.jpg\t" + cap + "\n";
        QCOMPARE(r.out, expected);
    }

    void captionUsageErrors_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no model") << QStringList{"caption", "x.png"} << "--model DIR is required";
        QTest::newRow("no images") << QStringList{"caption", "--model", "m"} << "missing argument IMAGE_OR_FOLDER";
        QTest::newRow("max length") << QStringList{"caption", "--model", "m", "--max-length", "1", "x"}
                                    << "--max-length must be at least 2";
        QTest::newRow("beams") << QStringList{"caption", "--model", "m", "--num-beams", "zero", "x"}
                               << "expects an integer";
    }
    void captionUsageErrors() {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = runCli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.find(message.toStdString()) != std::string::npos, r.err.c_str());
        QVERIFY(r.out.empty());
    }

    void missingModelFolderIsAnError() {
        const auto r = runCli({"caption", "--model", "/nonexistent/model", fx("image/input/photo_320x240.jpg")});
        QCOMPARE(r.exitCode, 1);
        QCOMPARE(r.err,
                 std::string("captioner caption: error: /nonexistent/model: checkpoint folder does not exist\n"));
    }

    void scoreJson() {
        const auto& s = m_ref["score"];
        const auto r =
            runCli({"score", "--model", model(), "--image", fx("image/input/" + s["image"].get<std::string>()),
                    "--text", QString::fromStdString(s["text"].get<std::string>()), "--json"});
        QCOMPARE(r.exitCode, 0);
        const auto j = nlohmann::json::parse(r.out);
        QCOMPARE(j["input_ids"], s["input_ids"]);
        QVERIFY(std::abs(j["loss"].get<double>() - s["loss"].get<double>()) <= 1e-4 * s["loss"].get<double>());
    }

    void tokenize() {
        QStringList args{"tokenize", "--model", model(), "--json"};
        for (const auto& t : m_ref["tokenize"]) args << QString::fromStdString(t["text"].get<std::string>());
        const auto r = runCli(args);
        QCOMPARE(r.exitCode, 0);
        const auto lines = jsonLines(r.out);
        QCOMPARE(lines.size(), m_ref["tokenize"].size());
        for (size_t i = 0; i < lines.size(); ++i) QCOMPARE(lines[i]["input_ids"], m_ref["tokenize"][i]["input_ids"]);
        const auto plain = runCli({"tokenize", "--model", model(), "a red circle"});
        QCOMPARE(plain.out, std::string("101 1037 2417 4418 102\n"));
    }

    void preprocessWritesNpy() {
        QTemporaryDir tmp;
        const QString out = tmp.path() + "/pv.npy";
        const auto r =
            runCli({"preprocess", "--model", model(), "--image", fx("image/input/photo_320x240.jpg"), "--out", out});
        QCOMPARE(r.exitCode, 0);
        const std::string bytes = testsupport::readFile(out.toStdString());
        QCOMPARE(bytes.substr(0, 6), std::string("\x93NUMPY"));
        QVERIFY2(bytes.find("'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 32, 32)") != std::string::npos,
                 bytes.substr(0, 128).c_str());
        QCOMPARE(bytes.size() - 128, size_t(1 * 3 * 32 * 32 * 4));
    }

    void initCreatesLoadableCheckpoint() {
        QTemporaryDir tmp;
        const QString out = tmp.path() + "/new";
        const auto r = runCli(
            {"init", "--preset", "tiny", "--vocab", fx("pipeline/vocab_small.txt"), "--seed", "7", "--out", out});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.find("preset tiny, 428556 parameters, vocabulary 1100 (wordpiece), image 64 px, seed 7") !=
                     std::string::npos,
                 r.out.c_str());
        // Same seed, same bytes as the committed checkpoint that transformers loaded.
        QCOMPARE(testsupport::readFile(out.toStdString() + "/model.safetensors"),
                 testsupport::readFile(testsupport::fixture("pipeline/ours_tiny/model.safetensors")));
        const auto again =
            runCli({"init", "--preset", "tiny", "--vocab", fx("pipeline/vocab_small.txt"), "--out", out});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.find("already holds a checkpoint") != std::string::npos, again.err.c_str());
        const auto bad = runCli({"init", "--preset", "huge", "--out", tmp.path() + "/x"});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.find("huge") != std::string::npos && bad.err.find("tiny") != std::string::npos,
                 bad.err.c_str());
    }
};

QTEST_GUILESS_MAIN(TestCliModel)
#include "test_cli_model.moc"
