// coco-caption's own published numbers as the oracle: its demo notebook scores 1000 fake captions of
// val2014 images and prints BLEU counts and scores, ROUGE_L and CIDEr. tests/fixtures/metrics holds
// those captions with every reference of each image (coco_fakecap.json.zlib) and the printed numbers
// (coco_fakecap_published.json); the README there says where each one comes from.
#include "captioner/error.h"
#include "captioner/metrics.h"
#include "test_support.h"

#include <QtTest/QtTest>
#include <algorithm>
#include <cmath>

using namespace captioner;

namespace {

struct DemoSet {
    std::vector<long long> imageIds;
    std::vector<std::string> results;
    std::vector<std::vector<std::string>> references;
};

// The fixture is qCompress'd JSON: 4-byte big-endian length, then zlib (the plain text is 370 KB).
const DemoSet& demoSet() {
    static const DemoSet set = [] {
        QFile file(QString::fromStdString(testsupport::fixture("metrics/coco_fakecap.json.zlib")));
        if (!file.open(QIODevice::ReadOnly)) qFatal("cannot open %s", qPrintable(file.fileName()));
        const QByteArray json = qUncompress(file.readAll());
        if (json.isEmpty()) qFatal("%s does not decompress", qPrintable(file.fileName()));
        // Named, not a temporary: a range-for over parse(...).at(...) would iterate a destroyed object.
        const auto doc = nlohmann::json::parse(json.constData(), json.constData() + json.size());
        DemoSet s;
        for (const auto& image : doc.at("images")) {
            s.imageIds.push_back(image.at("image_id").get<long long>());
            s.results.push_back(image.at("result").get<std::string>());
            s.references.push_back(image.at("references").get<std::vector<std::string>>());
        }
        return s;
    }();
    return set;
}

const nlohmann::json& published() {
    static const nlohmann::json j = testsupport::readJson(testsupport::fixture("metrics/coco_fakecap_published.json"));
    return j;
}

// As the notebook prints a score: Python's '%.3f'.
QString threeDecimals(double value) { return QString::number(value, 'f', 3); }

} // namespace

class TestMetricsCoco : public QObject {
    Q_OBJECT
private slots:
    void fixtureIsTheDemoSet() {
        const DemoSet& set = demoSet();
        QCOMPARE(set.results.size(), size_t(1000));
        size_t references = 0;
        for (const auto& r : set.references) references += r.size();
        // 995 images with 5 captions, 5 with 6.
        QCOMPARE(references, size_t(5005));
        QCOMPARE(set.imageIds.front(), 404464LL);
        QCOMPARE(QString::fromStdString(set.results.front()),
                 QString("black and white photo of a man standing in front of a building"));
    }

    // The integer counts pycocoevalcap prints before its BLEU scores: equal, not just close, so the
    // tokenisation agrees on every one of the 9893 hypothesis words and their n-gram matches.
    void bleuCountsEqualPublished() {
        const DemoSet& set = demoSet();
        const BleuStatistics stats = cocoBleu(set.results, set.references);
        const auto& counts = published().at("bleu_counts");
        QCOMPARE(stats.testLength, counts.at("testlen").get<int64_t>());
        QCOMPARE(stats.referenceLength, counts.at("reflen").get<int64_t>());
        for (size_t n = 0; n < 4; ++n) {
            QCOMPARE(stats.guess[n], counts.at("guess").at(n).get<int64_t>());
            QCOMPARE(stats.correct[n], counts.at("correct").at(n).get<int64_t>());
        }
        // Python 2 printed the ratio with str(), i.e. 12 significant digits.
        QCOMPARE(QString::number(stats.ratio(), 'g', 12),
                 QString::fromStdString(published().at("ratio").get<std::string>()));
    }

    void scoresEqualPublished_data() {
        QTest::addColumn<QString>("metric");
        for (const char* metric : {"Bleu_1", "Bleu_2", "Bleu_3", "Bleu_4", "ROUGE_L", "CIDEr"})
            QTest::newRow(metric) << QString(metric);
    }
    void scoresEqualPublished() {
        QFETCH(QString, metric);
        const DemoSet& set = demoSet();
        double ours = 0;
        if (metric.startsWith("Bleu_"))
            ours = cocoBleu(set.results, set.references).bleu[size_t(metric.back().digitValue() - 1)];
        else if (metric == "ROUGE_L") ours = cocoRougeL(set.results, set.references);
        else ours = ciderD(set.results, set.references);
        const auto expected = published().at("scores").at(metric.toStdString()).get<std::string>();
        QCOMPARE(threeDecimals(ours), QString::fromStdString(expected));
    }

    void bleu4IsCocoBleu() {
        const DemoSet& set = demoSet();
        QCOMPARE(bleu4(set.results, set.references), cocoBleu(set.results, set.references).bleu[3]);
    }

    // The notebook's low-score example: one image's CIDEr-D, IDF taken from all 1000 images.
    void perImageCiderEqualsPublished() {
        const DemoSet& set = demoSet();
        const auto& example = published().at("low_score_example");
        const auto it = std::find(set.imageIds.begin(), set.imageIds.end(), example.at("image_id").get<long long>());
        QVERIFY(it != set.imageIds.end());
        const auto index = size_t(it - set.imageIds.begin());
        QCOMPARE(QString::fromStdString(set.results[index]),
                 QString::fromStdString(example.at("result").get<std::string>()));
        const auto scores = ciderDScores(set.results, set.references);
        QCOMPARE(scores.size(), set.results.size());
        QCOMPARE(QString::number(scores[index], 'f', 1),
                 QString::fromStdString(example.at("CIDEr").get<std::string>()));
        double sum = 0;
        for (double s : scores) sum += s;
        QVERIFY(std::abs(sum / double(scores.size()) - ciderD(set.results, set.references)) < 1e-15);
    }

    // Beyond the printed decimals: pycocoevalcap's scorers run on the same tokens (not published, see
    // the README) agree to rounding error, so the 3-decimal match above is not luck.
    void scoresEqualScorersToFullPrecision() {
        const DemoSet& set = demoSet();
        const auto& full = published().at("recomputed_full_precision");
        const BleuStatistics stats = cocoBleu(set.results, set.references);
        for (size_t n = 0; n < 4; ++n)
            QVERIFY2(std::abs(stats.bleu[n] - full.at("Bleu").at(n).get<double>()) < 1e-14,
                     qPrintable(QString::number(n + 1)));
        QVERIFY(std::abs(cocoRougeL(set.results, set.references) - full.at("ROUGE_L").get<double>()) < 1e-14);
        QVERIFY(std::abs(ciderD(set.results, set.references) - full.at("CIDEr").get<double>()) < 1e-14);
    }

    void cocoRougeLHandComputed() {
        using Refs = std::vector<std::vector<std::string>>;
        // LCS 6 of 7 words, reference 6 words: P = 6/7, R = 1, F = 2.44 * (6/7) / (1 + 1.44 * 6/7).
        const double p = 6.0 / 7;
        QVERIFY(std::abs(cocoRougeL({"the cat was found under the bed"}, Refs{{"The cat was under the bed."}}) -
                         2.44 * p / (1 + 1.44 * p)) < 1e-15);
        // Precision and recall maximised separately: P = 1 from "a b", R = 2/2 from "a b" too; adding a
        // longer reference cannot lower the score.
        QCOMPARE(cocoRougeL({"a b"}, Refs{{"a b", "a b c d e f"}}), 1.0);
        // P from one reference (LCS 2/3 with "x y q"), R from another (LCS 1/1 with "z"): 2/3 and 1.
        const double f = 2.44 * (2.0 / 3) / (1 + 1.44 * 2.0 / 3);
        QVERIFY(std::abs(cocoRougeL({"x y z"}, Refs{{"x y q", "z"}}) - f) < 1e-15);
        // No common word scores 0; averaged over images: (1 + 0) / 2.
        QCOMPARE(cocoRougeL({"a", "b"}, Refs{{"a"}, {"c"}}), 0.5);
        // Python's "".split(" ") is [""]: an empty hypothesis matches an empty reference (1), not others.
        QCOMPARE(cocoRougeL({"."}, Refs{{"!"}}), 1.0);
        QCOMPARE(cocoRougeL({""}, Refs{{"a dog"}}), 0.0);
        QCOMPARE(cocoRougeL({}, Refs{}), 0.0);
        QVERIFY_THROWS_EXCEPTION(Error, cocoRougeL({"a"}, Refs{{}}));
        QVERIFY_THROWS_EXCEPTION(Error, cocoRougeL({"a"}, Refs{}));
    }
};

QTEST_GUILESS_MAIN(TestMetricsCoco)
#include "test_metrics_coco.moc"
