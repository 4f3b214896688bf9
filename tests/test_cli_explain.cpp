// `captioner explain` (issue 17, "where the model looked") run as a user runs it: one PNG overlay per
// word of the caption and heatmaps.json, and clear errors for a bad model, image or output folder.
#include "captioner/image_io.h"

#include "cli_run.h"
#include "test_support.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cctype>
#include <cmath>

namespace {

testsupport::CliRun run(const QStringList& args) {
    return testsupport::runCli(args, testsupport::CliOptions().withTimeout(120000));
}

QString fx(const std::string& rel) { return QString::fromStdString(testsupport::fixture(rel)); }
QString model() { return fx("pipeline/model"); }
QString image() { return fx("image/input/photo_320x240.jpg"); }

} // namespace

class TestCliExplain : public QObject {
    Q_OBJECT
private slots:
    void writesOneOverlayPerWordAndTheJson_data() {
        QTest::addColumn<bool>("allLayers");
        QTest::newRow("last layer") << false;
        QTest::newRow("all layers") << true;
    }
    void writesOneOverlayPerWordAndTheJson() {
        QFETCH(bool, allLayers);
        QTemporaryDir tmp;
        const QString out = tmp.path() + "/maps/nested";
        QStringList args{"explain", "--model", model(), image(), "--out", out, "--max-length", "12"};
        if (allLayers) args << "--all-layers";
        const auto r = run(args);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto doc = testsupport::readJson((out + "/heatmaps.json").toStdString());

        // The caption is the one `captioner caption` gives (greedy): heatmaps change no id.
        const auto plain = run({"caption", "--model", model(), "--max-length", "12", "--json", image()});
        QCOMPARE(plain.exitCode, 0);
        const auto captioned = nlohmann::json::parse(plain.out.toStdString());
        QCOMPARE(doc.at("caption").get<std::string>(), captioned.at("caption").get<std::string>());
        QCOMPARE(r.out.trimmed().toStdString(), captioned.at("caption").get<std::string>());
        QCOMPARE(doc.at("layers").get<std::string>(), std::string(allLayers ? "all" : "last"));
        QCOMPARE(doc.at("grid").at("rows").get<int>(), 4); // the fixture: 32 px images, 8 px patches
        QCOMPARE(doc.at("grid").at("cols").get<int>(), 4);

        const auto& words = doc.at("words");
        const auto& refWords = captioned.at("words");
        QCOMPARE(words.size(), refWords.size());
        QVERIFY(!words.empty());
        QStringList pngs = QDir(out).entryList({"*.png"}, QDir::Files, QDir::Name);
        QCOMPARE(pngs.size(), int(words.size()));
        QCOMPARE(QDir(out).entryList(QDir::Files).size(), int(words.size()) + 1); // + heatmaps.json, no temp files
        for (size_t w = 0; w < words.size(); ++w) {
            const auto& word = words[w];
            QCOMPARE(word.at("index").get<size_t>(), w);
            QCOMPARE(word.at("word"), refWords[w].at("word"));
            QVERIFY(std::abs(word.at("confidence").get<double>() - refWords[w].at("confidence").get<double>()) < 1e-12);
            const std::string file = word.at("file").get<std::string>();
            QCOMPARE(QString::fromStdString(file), pngs[int(w)]);
            QVERIFY2(file.rfind((w < 10 ? "0" : "") + std::to_string(w) + "_", 0) == 0, file.c_str());
            for (char c : file)
                QVERIFY2(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.', file.c_str());
            // rows x cols non-negative floats that, with CLS, add up to the word's attention mass on the image.
            const auto& grid = word.at("grid");
            QCOMPARE(grid.size(), size_t(4));
            double sum = word.at("cls").get<double>();
            QVERIFY(sum >= 0);
            for (const auto& row : grid) {
                QCOMPARE(row.size(), size_t(4));
                for (const auto& v : row) {
                    QVERIFY(v.get<double>() >= 0);
                    sum += v.get<double>();
                }
            }
            const double mass = word.at("image_mass").get<double>();
            QVERIFY2(std::abs(sum - mass) < 1e-5, qPrintable(QString("%1 vs %2").arg(sum).arg(mass)));
            QVERIFY(mass > 0 && mass <= 1 + 1e-6);
            // The overlay: the 32 px model input enlarged 12x.
            const cv::Mat png = captioner::decodeImageRgb((out + "/" + QString::fromStdString(file)).toStdString());
            QCOMPARE(png.cols, 384);
            QCOMPARE(png.rows, 384);
        }
    }

    void beamSearchIsNotOffered() {
        const auto r = run({"explain", "--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("--all-layers"));
        QVERIFY(!r.out.contains("--num-beams"));
    }

    void clearErrors() {
        QTemporaryDir tmp;
        const QString out = tmp.path() + "/out";
        // No such model folder: named.
        auto r = run({"explain", "--model", tmp.path() + "/no-model", image(), "--out", out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(tmp.path() + "/no-model"), qPrintable(r.err));
        // An image that is not one: named.
        const QString bad = tmp.path() + "/broken.png";
        testsupport::writeFile(bad.toStdString(), "not a png");
        r = run({"explain", "--model", model(), bad, "--out", out});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(bad), qPrintable(r.err));
        // --out names a file: named, and the file is left alone.
        const QString file = tmp.path() + "/a-file";
        testsupport::writeFile(file.toStdString(), "keep me");
        r = run({"explain", "--model", model(), image(), "--out", file});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(file) && r.err.contains("not a folder"), qPrintable(r.err));
        QCOMPARE(testsupport::readFile(file.toStdString()), std::string("keep me"));
        // Missing --out: a usage error.
        r = run({"explain", "--model", model(), image()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--out"), qPrintable(r.err));
        QVERIFY(!QDir(out).exists());
    }
};

QTEST_GUILESS_MAIN(TestCliExplain)
#include "test_cli_explain.moc"
