// Caption metrics: hand-computed cases (arithmetic in the comments), the PTB tokenisation emulation,
// and tests/fixtures/metrics/reference.json (BLEU/CIDEr from pycocoevalcap's own scorers, WER counts
// from real jiwer 2.5.1, ROUGE-L from an independent Python re-implementation; see the README there).
#include "captioner/error.h"
#include "captioner/metrics.h"
#include "test_support.h"

#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace captioner;
using Refs = std::vector<std::vector<std::string>>;

namespace {

bool near(double a, double b, double tol = 1e-9) { return std::abs(a - b) <= tol * std::max(1.0, std::abs(b)); }

std::vector<std::string> strings(const nlohmann::json& j) { return j.get<std::vector<std::string>>(); }

} // namespace

class TestMetrics : public QObject {
    Q_OBJECT
private slots:
    void werHandComputed_data() {
        QTest::addColumn<QStringList>("predictions");
        QTest::addColumn<QStringList>("references");
        QTest::addColumn<int>("s");
        QTest::addColumn<int>("d");
        QTest::addColumn<int>("i");
        QTest::addColumn<int>("h");
        QTest::addColumn<double>("wer");
        // 3 of 6 reference words missing.
        QTest::newRow("deletions") << QStringList{"the cat sat"} << QStringList{"the cat sat on the mat"} << 0 << 3 << 0
                                   << 3 << 0.5;
        QTest::newRow("insertion") << QStringList{"a big red dog"} << QStringList{"a red dog"} << 0 << 0 << 1 << 3
                                   << 1.0 / 3;
        // jiwer does not fold case: both words differ.
        QTest::newRow("case") << QStringList{"The Cat"} << QStringList{"the cat"} << 2 << 0 << 0 << 0 << 1.0;
        // ...nor strip punctuation: "dog." != "dog".
        QTest::newRow("punctuation") << QStringList{"a dog."} << QStringList{"a dog"} << 1 << 0 << 0 << 1 << 0.5;
        QTest::newRow("spaces") << QStringList{"  a   dog  "} << QStringList{"a dog"} << 0 << 0 << 0 << 2 << 0.0;
        // A lone tab is not a word boundary in jiwer (only runs of 2+ whitespace become a space).
        QTest::newRow("lone tab") << QStringList{"a\tdog"} << QStringList{"a dog"} << 1 << 1 << 0 << 0 << 1.0;
        QTest::newRow("double tab") << QStringList{"a\t\tdog"} << QStringList{"a dog"} << 0 << 0 << 0 << 2 << 0.0;
        QTest::newRow("empty hypothesis") << QStringList{""} << QStringList{"a red circle"} << 0 << 3 << 0 << 0 << 1.0;
        // Corpus level: (2 + 1) / (4 + 1) = 0.6, not the mean of per-pair rates (0.75).
        QTest::newRow("corpus level") << QStringList{"a b", "x"} << QStringList{"a b c d", "y"} << 1 << 2 << 0 << 2
                                      << 0.6;
        // An empty reference is counted: its 2 predicted words are insertions, 0 reference words.
        // (2 + 1) / 2 = 1.5.
        QTest::newRow("empty reference counted")
            << QStringList{"a dog", "red"} << QStringList{"", "red circle"} << 0 << 1 << 2 << 1 << 1.5;
        QTest::newRow("no pairs") << QStringList{} << QStringList{} << 0 << 0 << 0 << 0 << 0.0;
    }
    void werHandComputed() {
        QFETCH(QStringList, predictions);
        QFETCH(QStringList, references);
        std::vector<std::string> p, r;
        for (const auto& s : predictions) p.push_back(s.toStdString());
        for (const auto& s : references) r.push_back(s.toStdString());
        const WerResult w = wordErrorRate(p, r);
        QTEST(int(w.substitutions), "s");
        QTEST(int(w.deletions), "d");
        QTEST(int(w.insertions), "i");
        QTEST(int(w.hits), "h");
        QFETCH(double, wer);
        QVERIFY2(near(w.wer, wer), std::to_string(w.wer).c_str());
        QCOMPARE(w.referenceWords, w.substitutions + w.deletions + w.hits);
    }
    void werOnlyEmptyReferences() {
        const WerResult w = wordErrorRate({"a dog"}, {"  "});
        QCOMPARE(w.insertions, int64_t(2));
        QCOMPARE(w.referenceWords, int64_t(0));
        QVERIFY(std::isinf(w.wer));
        QCOMPARE(wordErrorRate({""}, {""}).wer, 0.0);
    }

    void rougeHandComputed() {
        // LCS 6 ("the cat was under the bed"), P = 6/7, R = 1, F = 2PR/(P+R) = 12/13.
        QVERIFY(near(rougeL({"the cat was found under the bed"}, {"the cat was under the bed"}), 12.0 / 13));
        // Lowercased, punctuation is a separator.
        QVERIFY(near(rougeL({"The Cat, sat!"}, {"the cat sat"}), 1.0));
        QVERIFY(near(rougeL({"dog's ball"}, {"dog s ball"}), 1.0));
        // Empty hypothesis scores 0; averaged over pairs: (1 + 0) / 2.
        QVERIFY(near(rougeL({"a b", ""}, {"a b", "c"}), 0.5));
        QVERIFY(near(rougeL({"a b"}, {"..."}), 0.0));
        // Repeats: LCS 1, P = 1/3, R = 1/2, F = (1/3)/(5/6) = 0.4.
        QVERIFY(near(rougeL({"the the the"}, {"the cat"}), 0.4));
        QCOMPARE(rougeL({}, {}), 0.0);
    }

    void cocoTokenizer_data() {
        QTest::addColumn<QString>("caption");
        QTest::addColumn<QString>("tokens");
        QTest::newRow("comma and period") << "A man, sitting on a bench."
                                          << "a man sitting on a bench";
        QTest::newRow("possessive") << "The dog's ball"
                                    << "the dog 's ball";
        QTest::newRow("negation") << "Don't stop"
                                  << "do n't stop";
        QTest::newRow("am") << "I'm here"
                            << "i 'm here";
        QTest::newRow("plural possessive") << "dogs' toys"
                                           << "dogs toys";
        QTest::newRow("hyphenated") << "black-and-white photo"
                                    << "black-and-white photo";
        QTest::newRow("decimal") << "It costs 3.5 dollars"
                                 << "it costs 3.5 dollars";
        QTest::newRow("ellipsis") << "wait...what?!"
                                  << "wait what";
        QTest::newRow("brackets and quotes") << "a (small) \"dog\" `x`"
                                             << "a small dog x";
        QTest::newRow("dashes") << "a - b -- c"
                                << "a b c";
        QTest::newRow("empty") << ""
                               << "";
        QTest::newRow("only punctuation") << " . , ! "
                                          << "";
    }
    void cocoTokenizer() {
        QFETCH(QString, caption);
        QFETCH(QString, tokens);
        std::string joined;
        for (const auto& t : cocoTokenize(caption.toStdString())) joined += (joined.empty() ? "" : " ") + t;
        QCOMPARE(QString::fromStdString(joined), tokens);
    }

    void bleuHandComputed() {
        // All n-gram precisions 1 and lengths equal: 1 up to the 1e-9/1e-15 smoothing constants.
        QVERIFY(near(bleu4({"a b c d"}, Refs{{"a b c d"}}), 1.0, 1e-8));
        // Brevity penalty exp(1 - 8/4) = e^-1.
        QVERIFY(near(bleu4({"a b c d"}, Refs{{"a b c d e f g h"}}), std::exp(-1.0), 1e-8));
        // Closest reference length 6 of {6, 9}: exp(1 - 6/4).
        QVERIFY(near(bleu4({"a b c d"}, Refs{{"a b c d x y", "a b c d x y z w q"}}), std::exp(-0.5), 1e-8));
        // Tie between lengths 3 and 5 for a 4-word hypothesis goes to 3: no penalty (5 would give
        // exp(1 - 5/4) = 0.78).
        QVERIFY(near(bleu4({"a b c d"}, Refs{{"a b c", "a b c d e"}}), 1.0, 1e-8));
        // A 3-word hypothesis has no 4-gram: that precision is 1e-15 / 1e-9, so BLEU-4 = (1e-6)^(1/4).
        QVERIFY(near(bleu4({"a b c"}, Refs{{"a b c"}}), std::pow(1e-6, 0.25), 1e-6));
        // Tokenisation: case and punctuation do not matter.
        QVERIFY(near(bleu4({"A man, on a bench."}, Refs{{"a man on a bench"}}), 1.0, 1e-8));
        QCOMPARE(bleu4({}, Refs{}), 0.0);
    }

    void ciderHandComputed() {
        // One image: every reference n-gram has IDF log(1) - log(1) = 0, so CIDEr-D is 0.
        QCOMPARE(ciderD({"a b"}, Refs{{"a b"}}), 0.0);
        // Two images, disjoint words: unigram and bigram cosines 1, no 3/4-grams: 10 * (1 + 1) / 4 = 5.
        QVERIFY(near(ciderD({"a b", "c d"}, Refs{{"a b"}, {"c d"}}), 5.0));
        // "a" occurs in both images' references: IDF 0, so "a x" matches "a b" in nothing -> 0; the
        // second image scores 5; mean 2.5.
        QVERIFY(near(ciderD({"a x", "a c"}, Refs{{"a b"}, {"a c"}}), 2.5));
        // Length penalty on bigram counts (1 vs 7): unigram cosine 2/(sqrt2 sqrt8) = 0.5, bigram
        // cosine 1/sqrt7, times exp(-36/72); the one-word second image scores 10 * 1 / 4.
        const double first = 2.5 * (0.5 + 1 / std::sqrt(7.0)) * std::exp(-0.5);
        QVERIFY(near(ciderD({"a b", "z"}, Refs{{"a b c d e f g h"}, {"z"}}), (first + 2.5) / 2));
        // Clipping: repeating a matching word cannot raise the score above the exact caption.
        QVERIFY(ciderD({"a a a b", "c d"}, Refs{{"a b"}, {"c d"}}) < 5.0);
        QCOMPARE(ciderD({}, Refs{}), 0.0);
    }

    void matchesReferenceImplementations_data() {
        QTest::addColumn<int>("index");
        const auto cases = testsupport::readJson(testsupport::fixture("metrics/reference.json")).at("cases");
        for (size_t i = 0; i < cases.size(); ++i)
            QTest::newRow(cases[i].at("name").get<std::string>().c_str()) << int(i);
    }
    void matchesReferenceImplementations() {
        QFETCH(int, index);
        const auto c =
            testsupport::readJson(testsupport::fixture("metrics/reference.json")).at("cases").at(size_t(index));
        const auto predictions = strings(c.at("predictions"));
        const auto references = c.at("references").get<Refs>();
        const CaptionMetrics m = computeCaptionMetrics(predictions, references);
        QCOMPARE(m.count, int64_t(predictions.size()));
        QCOMPARE(m.wer.substitutions + m.wer.deletions + m.wer.insertions, c.at("wer_errors").get<int64_t>());
        QCOMPARE(m.wer.referenceWords, c.at("reference_words").get<int64_t>());
        QVERIFY2(near(m.wer.wer, c.at("wer").get<double>()), std::to_string(m.wer.wer).c_str());
        const auto& jiwerCounts = c.at("jiwer_counts");
        // The S/D/I split too, as real jiwer 2.5.1 (python-Levenshtein) reports it.
        QCOMPARE(m.wer.substitutions, jiwerCounts.at("substitutions").get<int64_t>());
        QCOMPARE(m.wer.deletions, jiwerCounts.at("deletions").get<int64_t>());
        QCOMPARE(m.wer.insertions, jiwerCounts.at("insertions").get<int64_t>());
        QCOMPARE(m.wer.hits, jiwerCounts.at("hits").get<int64_t>());
        QVERIFY2(near(m.rougeL, c.at("rouge_l").get<double>()), std::to_string(m.rougeL).c_str());
        QVERIFY2(near(m.bleu4, c.at("bleu4").get<double>()), std::to_string(m.bleu4).c_str());
        QVERIFY2(near(m.cider, c.at("cider").get<double>()), std::to_string(m.cider).c_str());
    }

    void badInputIsAnError() {
        QVERIFY_THROWS_EXCEPTION(Error, wordErrorRate({"a"}, {}));
        QVERIFY_THROWS_EXCEPTION(Error, rougeL({"a"}, {"a", "b"}));
        QVERIFY_THROWS_EXCEPTION(Error, bleu4({"a"}, Refs{{}}));
        QVERIFY_THROWS_EXCEPTION(Error, ciderD({"a", "b"}, Refs{{"a"}}));
        QVERIFY_THROWS_EXCEPTION(Error, computeCaptionMetrics({"a"}, Refs{{}}));
        try {
            bleu4({"a", "b"}, Refs{{"a"}, {}});
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.reason()), QString("image 1 has no reference caption"));
        }
    }
};

QTEST_GUILESS_MAIN(TestMetrics)
#include "test_metrics.moc"
