// `captioner metrics` against numbers other projects published for the same captions (nlg-eval's test
// suite, language-evaluation's README, coco-caption's demo notebook; tests/fixtures/metrics and its
// READMEs say where each comes from), against the core's computeCaptionMetrics (what the trainer's eval
// reports) on the same captions, --tokenize none on a case worked out by hand, and its messages for bad
// input. Runs the built CLI.
#include "captioner/metrics.h"
#include "cli_run.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

using nlohmann::json;
using testsupport::runCli;

namespace {

std::string csvField(const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// Python's assertAlmostEqual(a, b, places): round(a - b, places) == 0.
bool almostEqual(double a, double b, int places) { return std::abs(a - b) < 0.5 * std::pow(10.0, -places); }

bool near(double a, double b, double tolerance) { return std::abs(a - b) <= tolerance * std::max(1.0, std::abs(b)); }

} // namespace

class TestMetricsCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;

    QString tmp(const QString& name) const { return m_tmp.filePath(name); }
    static QString fx(const std::string& relative) { return QString::fromStdString(testsupport::fixture(relative)); }

    QString write(const QString& name, const std::string& text) {
        testsupport::writeFile(tmp(name).toStdString(), text);
        return tmp(name);
    }

    // Predictions as JSONL ({"image", "caption"}), references as CSV with one row per caption.
    std::pair<QString, QString> writeCase(const QString& name, const std::vector<std::string>& predictions,
                                          const std::vector<std::vector<std::string>>& references) {
        std::string p, r = "image,caption\n";
        for (size_t i = 0; i < predictions.size(); ++i)
            p += json{{"image", "img" + std::to_string(i) + ".jpg"}, {"caption", predictions[i]}}.dump() + "\n";
        for (size_t i = 0; i < references.size(); ++i)
            for (const auto& c : references[i]) r += "img" + std::to_string(i) + ".jpg," + csvField(c) + "\r\n";
        return {write(name + "_predictions.jsonl", p), write(name + "_references.csv", r)};
    }

    // `captioner metrics ARGS --json`; null (with the reason logged) when it did not succeed.
    static json metricsJson(const QStringList& args) {
        QStringList all{"metrics"};
        all << args << "--json";
        const auto r = runCli(all);
        if (r.exitCode != 0) {
            qWarning().noquote() << "captioner metrics failed (" << r.exitCode << "):" << r.err;
            return nullptr;
        }
        return json::parse(r.out.toStdString());
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // nlg-eval's test_nlgeval.py: its example corpus (2 hypotheses, 2 references each) and its
    // single-sentence cases, to the places its assertions use. nlg-eval does not tokenise (it splits
    // on spaces); these captions are lower case without punctuation, or the differences cancel (the
    // README says which), so both --tokenize modes must give its numbers.
    void nlgEvalPublished_data() {
        QTest::addColumn<QString>("mode");
        QTest::newRow("coco") << "coco";
        QTest::newRow("none") << "none";
    }
    void nlgEvalPublished() {
        QFETCH(QString, mode);
        const json published = testsupport::readJson(testsupport::fixture("metrics/nlg_eval/published.json"));
        const auto& keys = published.at("metric_keys");
        auto check = [&](const json& ours, const json& expected, int places, const std::string& what) {
            for (const auto& [name, value] : expected.items()) {
                const double want = std::stod(value.get<std::string>());
                const double got = ours.at(keys.at(name).get<std::string>()).get<double>();
                QVERIFY2(almostEqual(got, want, places),
                         qPrintable(QString("%1 %2: ours %3, nlg-eval %4")
                                        .arg(QString::fromStdString(what), QString::fromStdString(name))
                                        .arg(got, 0, 'g', 17)
                                        .arg(QString::fromStdString(value.get<std::string>()))));
            }
        };

        const auto& corpus = published.at("corpus");
        const json j = metricsJson({"--predictions", fx("metrics/nlg_eval/predictions.jsonl"), "--references",
                                    fx("metrics/nlg_eval/references.csv"), "--tokenize", mode});
        QVERIFY(!j.is_null());
        QCOMPARE(j.at("count").get<int>(), 2);
        QCOMPARE(j.at("references_per_image").at("min").get<int>(), 2);
        QCOMPARE(j.at("references_per_image").at("max").get<int>(), 2);
        check(j, corpus.at("scores"), corpus.at("places").get<int>(), "corpus");

        int n = 0;
        for (const auto& c : published.at("individual")) {
            const QString name = QString("individual%1_%2").arg(++n).arg(mode);
            const auto files = writeCase(name, {c.at("hypothesis").get<std::string>()},
                                         {c.at("references").get<std::vector<std::string>>()});
            const json one =
                metricsJson({"--predictions", files.first, "--references", files.second, "--tokenize", mode});
            QVERIFY(!one.is_null());
            check(one, c.at("scores"), c.at("places").get<int>(), c.at("hypothesis").get<std::string>());
        }
    }

    // nlg-eval's compute_metrics prints each score with "%0.6f": the table shows the same text.
    void tableShowsNlgEvalsPrintedDigits() {
        const auto r = runCli({"metrics", "--predictions", fx("metrics/nlg_eval/predictions.jsonl"), "--references",
                               fx("metrics/nlg_eval/references.csv")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const QStringList expected{"BLEU-1 0.550000", "BLEU-2 0.428174",         "BLEU-3 0.284043",
                                   "BLEU-4 0.201143", "ROUGE-L (coco) 0.522104", "CIDEr-D 1.242192"};
        const QString simplified = r.out.simplified();
        for (const auto& e : expected) QVERIFY2(simplified.contains(e), qPrintable(e + " not in:\n" + r.out));
        QVERIFY(r.out.contains("Scored 2 image(s)"));
    }

    // language-evaluation's README: its CocoEvaluator (real PTBTokenizer, coco-caption scorers) and its
    // RougeEvaluator (google's rouge_score) on its two sample pairs, printed at full precision. The
    // references end in " ?", which the coco tokenisation drops.
    void languageEvaluationPublished() {
        const json published =
            testsupport::readJson(testsupport::fixture("metrics/language_evaluation/published.json"));
        const json j = metricsJson({"--predictions", fx("metrics/language_evaluation/predictions.json"), "--references",
                                    fx("metrics/language_evaluation/references.jsonl")});
        QVERIFY(!j.is_null());
        QCOMPARE(j.at("count").get<int>(), 2);
        QCOMPARE(j.at("key_fields").at("predictions").get<std::string>(), std::string("image_id"));
        for (const char* evaluator : {"CocoEvaluator", "RougeEvaluator"}) {
            const auto& e = published.at(evaluator);
            for (const auto& [name, value] : e.at("scores").items()) {
                const double want = std::stod(value.get<std::string>());
                const double got = j.at(e.at("metric_keys").at(name).get<std::string>()).get<double>();
                QVERIFY2(near(got, want, 1e-12),
                         qPrintable(QString("%1: ours %2, published %3")
                                        .arg(QString::fromStdString(name))
                                        .arg(got, 0, 'g', 17)
                                        .arg(QString::fromStdString(value.get<std::string>()))));
            }
        }
        // Without coco's tokenisation "?" is a word of each reference: every hypothesis word still
        // matches (8 of 8), but the references are 10 words to the hypotheses' 8, so BLEU-1 is the
        // brevity penalty exp(1 - 10/8).
        const json none =
            metricsJson({"--predictions", fx("metrics/language_evaluation/predictions.json"), "--references",
                         fx("metrics/language_evaluation/references.jsonl"), "--tokenize", "none"});
        QVERIFY(!none.is_null());
        QVERIFY(near(none.at("bleu1").get<double>(), std::exp(1.0 - 10.0 / 8.0), 1e-9));
    }

    // coco-caption's demo notebook (1000 val2014 images, tests/fixtures/metrics/README.md), in coco's
    // own file formats: the results array and an {"annotations": [...]} file keyed by image_id.
    void cocoDemoPublished() {
        QFile file(fx("metrics/coco_fakecap.json.zlib"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = qUncompress(file.readAll());
        const json demo = json::parse(text.constData(), text.constData() + text.size());
        json results = json::array(), annotations = json::array();
        int id = 0;
        for (const auto& image : demo.at("images")) {
            results.push_back({{"image_id", image.at("image_id")}, {"caption", image.at("result")}});
            for (const auto& c : image.at("references"))
                annotations.push_back({{"image_id", image.at("image_id")}, {"id", ++id}, {"caption", c}});
        }
        const QString res = write("fakecap_results.json", results.dump());
        const QString ann = write("captions_val2014_subset.json", json{{"annotations", annotations}}.dump());
        const json j = metricsJson({"--predictions", res, "--references", ann});
        QVERIFY(!j.is_null());
        QCOMPARE(j.at("count").get<int>(), 1000);
        QCOMPARE(j.at("reference_captions").get<int>(), 5005);
        QCOMPARE(j.at("references_per_image").at("min").get<int>(), 5);
        QCOMPARE(j.at("references_per_image").at("max").get<int>(), 6);

        const json published = testsupport::readJson(testsupport::fixture("metrics/coco_fakecap_published.json"));
        const auto& counts = published.at("bleu_counts");
        for (const char* k : {"testlen", "reflen"})
            QCOMPARE(j.at("bleu_counts").at(k).get<int64_t>(), counts.at(k).get<int64_t>());
        for (const char* k : {"guess", "correct"})
            QVERIFY2(j.at("bleu_counts").at(k).get<std::vector<int64_t>>() == counts.at(k).get<std::vector<int64_t>>(),
                     k);
        const std::vector<std::pair<const char*, const char*>> scores{{"Bleu_1", "bleu1"},         {"Bleu_2", "bleu2"},
                                                                      {"Bleu_3", "bleu3"},         {"Bleu_4", "bleu4"},
                                                                      {"ROUGE_L", "rouge_l_coco"}, {"CIDEr", "cider"}};
        for (const auto& [theirs, ours] : scores)
            QCOMPARE(QString::number(j.at(ours).get<double>(), 'f', 3),
                     QString::fromStdString(published.at("scores").at(theirs).get<std::string>()));
    }

    // The same captions through the CLI and through computeCaptionMetrics (the trainer's eval) give the
    // same numbers, bit for bit; BLEU-1..3 and ROUGE-L (coco) equal cocoBleu / cocoRougeL.
    void agreesWithTheTrainersMetrics() {
        const json fixture = testsupport::readJson(testsupport::fixture("metrics/reference.json"));
        int cases = 0;
        for (const auto& c : fixture.at("cases")) {
            const auto predictions = c.at("predictions").get<std::vector<std::string>>();
            const auto references = c.at("references").get<std::vector<std::vector<std::string>>>();
            ++cases;
            const auto files =
                writeCase(QString::fromStdString(c.at("name").get<std::string>()), predictions, references);
            const json j = metricsJson({"--predictions", files.first, "--references", files.second});
            QVERIFY(!j.is_null());
            const auto m = captioner::computeCaptionMetrics(predictions, references);
            const auto bleu = captioner::cocoBleu(predictions, references);
            const std::string name = c.at("name").get<std::string>();
            QVERIFY2(j.at("count").get<int64_t>() == m.count, name.c_str());
            QVERIFY2(j.at("wer").get<double>() == m.wer.wer, name.c_str());
            QVERIFY2(j.at("rouge_l").get<double>() == m.rougeL, name.c_str());
            QVERIFY2(j.at("bleu4").get<double>() == m.bleu4, name.c_str());
            QVERIFY2(j.at("cider").get<double>() == m.cider, name.c_str());
            QVERIFY2(j.at("wer_counts").at("substitutions").get<int64_t>() == m.wer.substitutions, name.c_str());
            for (size_t n = 0; n < 4; ++n)
                QVERIFY2(j.at("bleu" + std::to_string(n + 1)).get<double>() == bleu.bleu[n], name.c_str());
            QVERIFY2(j.at("rouge_l_coco").get<double>() == captioner::cocoRougeL(predictions, references),
                     name.c_str());
        }
        QCOMPARE(cases, 7);
    }

    // One image, worked out by hand. coco: "The Dog's ball." and "the dog's ball" are the same four
    // tokens (the, dog, 's, ball) for BLEU and ROUGE-L (coco), and rouge_score's tokens agree too, but
    // WER compares the raw words: The/the, Dog's/dog's, ball./ball are 3 substitutions of 3.
    // none: the words are the, dog's, ball. and the, dog's, ball: WER 1/3; BLEU-1 2/3, BLEU-2 1/2 of
    // the bigrams, so sqrt(2/3 * 1/2); no trigram; ROUGE-L LCS 2 of 3 both ways: 2/3 for either F.
    // One image has no IDF, so CIDEr-D is 0 in both.
    void tokenizeNoneScoresLowerCasedWords_data() {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<double>("wer");
        QTest::addColumn<double>("bleu1");
        QTest::addColumn<double>("bleu2");
        QTest::addColumn<double>("rouge");
        QTest::newRow("coco") << "coco" << 1.0 << 1.0 << 1.0 << 1.0;
        QTest::newRow("none") << "none" << 1.0 / 3 << 2.0 / 3 << std::sqrt(1.0 / 3) << 2.0 / 3;
    }
    void tokenizeNoneScoresLowerCasedWords() {
        QFETCH(QString, mode);
        QFETCH(double, wer);
        QFETCH(double, bleu1);
        QFETCH(double, bleu2);
        QFETCH(double, rouge);
        const auto files = writeCase("hand_" + mode, {"The Dog's ball."}, {{"the dog's ball"}});
        const json j = metricsJson({"--predictions", files.first, "--references", files.second, "--tokenize", mode});
        QVERIFY(!j.is_null());
        QCOMPARE(j.at("tokenize").get<std::string>(), mode.toStdString());
        // The scorer's smoothing constants (1e-15, 1e-9) move BLEU by ~1e-10.
        QVERIFY2(near(j.at("wer").get<double>(), wer, 1e-12), j.dump().c_str());
        QVERIFY2(near(j.at("bleu1").get<double>(), bleu1, 1e-8), j.dump().c_str());
        QVERIFY2(near(j.at("bleu2").get<double>(), bleu2, 1e-8), j.dump().c_str());
        QVERIFY2(near(j.at("rouge_l").get<double>(), rouge, 1e-12), j.dump().c_str());
        QVERIFY2(near(j.at("rouge_l_coco").get<double>(), rouge, 1e-12), j.dump().c_str());
        QCOMPARE(j.at("cider").get<double>(), 0.0);
        if (mode == "none") QVERIFY2(j.at("bleu3").get<double>() < 1e-4, j.dump().c_str());
    }

    // Keys: unmatched predictions and reference images without a prediction are counted and named;
    // error rows of `captioner caption --out` are left out; --by-name compares file names.
    void matchingAndCounts() {
        const QString refs = write("m_refs.jsonl", R"({"file_name": "a.jpg", "text": "a red circle"}
{"file_name": "b.jpg", "text": ["a blue square", "a square"]}
{"file_name": "c.jpg", "text": "a green triangle"}
)");
        const QString preds = write("m_preds.jsonl", R"({"image": "/data/a.jpg", "caption": "a red circle"}
{"image": "/data/b.jpg", "caption": "a blue square"}
{"image": "/data/x.jpg", "caption": "a cat"}
{"image": "/data/y.jpg", "error": "cannot decode"}
)");
        const auto byKey =
            runCli({"metrics", "--predictions", preds, "--references", refs, "--key-field", "image", "--json"});
        QCOMPARE(byKey.exitCode, 1); // the references have no "image" field: told, not guessed
        QVERIFY2(byKey.err.contains("m_refs.jsonl:1: no field \"image\""), qPrintable(byKey.err));

        const auto exact = runCli({"metrics", "--predictions", preds, "--references", refs});
        QCOMPARE(exact.exitCode, 1);
        QVERIFY2(exact.err.contains("no prediction matches a reference image") && exact.err.contains("'/data/a.jpg'") &&
                     exact.err.contains("'a.jpg'") && exact.err.contains("--by-name"),
                 qPrintable(exact.err));

        const auto r = runCli({"metrics", "--predictions", preds, "--references", refs, "--by-name", "--json"});
        QCOMPARE(r.exitCode, 0);
        const json j = json::parse(r.out.toStdString());
        QCOMPARE(j.at("count").get<int>(), 2);
        QCOMPARE(j.at("predictions").get<int>(), 4);
        QCOMPARE(j.at("predictions_failed").get<int>(), 1);
        QCOMPARE(j.at("predictions_unmatched").get<int>(), 1);
        QVERIFY(j.at("predictions_unmatched_examples").get<std::vector<std::string>>() ==
                std::vector<std::string>{"/data/x.jpg"});
        QCOMPARE(j.at("references_without_prediction").get<int>(), 1);
        QCOMPARE(j.at("reference_images").get<int>(), 3);
        QCOMPARE(j.at("reference_captions").get<int>(), 4);
        QCOMPARE(j.at("references_per_image").at("min").get<int>(), 1);
        QCOMPARE(j.at("references_per_image").at("max").get<int>(), 2);
        QCOMPARE(j.at("wer").get<double>(), 0.0);
        QVERIFY2(r.err.contains("1 prediction(s) are error rows, left out: /data/y.jpg"), qPrintable(r.err));
        QVERIFY2(r.err.contains("1 of 4 prediction(s) have no reference image in") && r.err.contains("/data/x.jpg"),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains("1 of 3 reference image(s) have no prediction: c.jpg"), qPrintable(r.err));
    }

    // CSV cells named "captions" hold JSON lists; quoted fields may hold commas, quotes and newlines.
    void csvListsAndQuoting() {
        const QString refs = write("q_refs.csv", R"(id,captions
7,"[""a dog, running"", ""a \""quick\"" dog""]"
)");
        const QString preds = write("q_preds.csv", "id,caption,note\r\n7,\"a dog, running\",\"two\r\nlines\"\r\n");
        const json j = metricsJson({"--predictions", preds, "--references", refs});
        QVERIFY(!j.is_null());
        QCOMPARE(j.at("reference_captions").get<int>(), 2);
        QCOMPARE(j.at("wer").get<double>(), 0.0);
    }

    void errorsNameTheFileAndLine_data() {
        QTest::addColumn<QString>("predictions");
        QTest::addColumn<QString>("references");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString refs = "image,caption\na.jpg,a dog\nb.jpg,a cat\n";
        QTest::newRow("malformed JSONL line")
            << "{\"image\": \"a.jpg\", \"caption\": \"a dog\"}\n\n{\"image\": \"b.jpg\", "
               "\"caption\": \"a cat\"\n"
            << refs << 1 << "e_preds.jsonl:3: not a JSON object (malformed JSON)";
        QTest::newRow("not an object") << "[\"a.jpg\", \"a dog\"]\n"
                                       << refs << 1 << "e_preds.jsonl:1: not a JSON object but array";
        QTest::newRow("no caption field") << "{\"image\": \"a.jpg\", \"caption\": \"a dog\"}\n{\"image\": \"b.jpg\"}\n"
                                          << refs << 1 << "e_preds.jsonl:2: no \"caption\"";
        QTest::newRow("caption not text")
            << "{\"image\": \"a.jpg\", \"caption\": 3}\n"
            << refs << 1 << "e_preds.jsonl:1: \"caption\" must be a string or a list of strings";
        QTest::newRow("duplicate prediction")
            << "{\"image\": \"a.jpg\", \"caption\": \"a dog\"}\n{\"image\": \"a.jpg\", \"caption\": \"a cat\"}\n"
            << refs << 1 << "e_preds.jsonl:2: a second prediction for image 'a.jpg' (the first is at";
        QTest::newRow("two captions predicted") << "{\"image\": \"a.jpg\", \"caption\": [\"a dog\", \"a cat\"]}\n"
                                                << refs << 1 << "e_preds.jsonl:1: a prediction must be one caption";
        QTest::newRow("CSV field count") << "{\"image\": \"a.jpg\", \"caption\": \"a dog\"}\n"
                                         << "image,caption\na.jpg,a dog\nb.jpg,a cat,extra\n"
                                         << 1 << "e_refs.csv:3: 3 fields, but the header has 2";
        QTest::newRow("CSV open quote") << "{\"image\": \"a.jpg\", \"caption\": \"a dog\"}\n"
                                        << "image,caption\na.jpg,a dog\nb.jpg,\"a cat\n\n"
                                        << 1 << "e_refs.csv:3: unterminated quoted field";
        QTest::newRow("CSV line after a quoted line break")
            << "{\"image\": \"a.jpg\", \"caption\": \"a dog\"}\n"
            << "image,caption\na.jpg,\"a dog\nrunning\"\nb.jpg,a cat,extra\n"
            << 1 << "e_refs.csv:4: 3 fields, but the header has 2";
        QTest::newRow("CSV without key column")
            << "{\"image\": \"a.jpg\", \"caption\": \"a dog\"}\n"
            << "picture,caption\na.jpg,a dog\n"
            << 1 << "e_refs.csv:1: no image key column in the header (looked for image,";
    }
    void errorsNameTheFileAndLine() {
        QFETCH(QString, predictions);
        QFETCH(QString, references);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QString p = write("e_preds.jsonl", predictions.toStdString());
        const QString r = write("e_refs.csv", references.toStdString());
        const auto run = runCli({"metrics", "--predictions", p, "--references", r});
        QCOMPARE(run.exitCode, exitCode);
        QVERIFY(run.out.isEmpty());
        QVERIFY2(run.err.startsWith("captioner metrics: error: "), qPrintable(run.err));
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
    }

    void missingFileAndUsage() {
        const QString refs = write("u_refs.csv", "image,caption\na.jpg,a dog\n");
        const auto missing = runCli({"metrics", "--predictions", tmp("nope.jsonl"), "--references", refs});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains(tmp("nope.jsonl") + ": cannot open: No such file or directory"),
                 qPrintable(missing.err));

        const auto noRefs = runCli({"metrics", "--predictions", refs});
        QCOMPARE(noRefs.exitCode, 2);
        QVERIFY2(noRefs.err.contains("--references FILE is required"), qPrintable(noRefs.err));
        const auto badMode = runCli({"metrics", "--predictions", refs, "--references", refs, "--tokenize", "ptb"});
        QCOMPARE(badMode.exitCode, 2);
        QVERIFY2(badMode.err.contains("--tokenize must be coco or none, not 'ptb'"), qPrintable(badMode.err));

        const auto help = runCli({"metrics", "--help"});
        QCOMPARE(help.exitCode, 0);
        for (const char* s : {"--predictions", "--references", "--tokenize", "file_name", "image_id", "--by-name"})
            QVERIFY2(help.out.contains(s), s);
    }
};

QTEST_GUILESS_MAIN(TestMetricsCli)
#include "test_metrics_cli.moc"
