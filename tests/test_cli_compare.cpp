// `captioner compare` on the two fixture models (tests/fixtures/pipeline: model, ours_tiny): the metrics it
// prints for each model equal, number for number, what the trainer's evaluation (evaluateCheckpoint)
// gives for the same model on the same images; the images whose captions differ and the exported rows
// (CSV and JSON Lines) match the core's captions and confidences; missing folders are named. Runs the
// built CLI.
#include "captioner/caption_comparison.h"
#include "captioner/caption_pipeline.h"
#include "captioner/csv.h"
#include "captioner/dataset.h"
#include "captioner/evaluation.h"
#include "cli_run.h"
#include "test_support.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

using nlohmann::json;
using testsupport::runCli;

class TestCliCompare : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_modelA, m_modelB, m_data;
    std::vector<std::string> m_images;                // in the dataset, sorted as the dataset lists them
    std::vector<std::vector<std::string>> m_captions; // [model][image]
    std::vector<std::vector<double>> m_confidence;    // [model][image]

    static QString fx(const std::string& relative) { return QString::fromStdString(testsupport::fixture(relative)); }

    std::vector<captioner::CaptionResult> captionWith(const QString& dir) {
        auto ck = captioner::loadCheckpoint(dir.toStdString());
        captioner::CaptionOptions options;
        options.generation = captioner::generationOptionsFor(ck, 50, 1, 1.0);
        return captioner::captionImages(ck, m_images, options);
    }

    captioner::EvalResult trainerEval(const QString& dir) {
        auto ck = captioner::loadCheckpoint(dir.toStdString());
        const auto dataset = captioner::CaptionDataset::open(m_data.toStdString());
        std::vector<size_t> all(dataset.items().size());
        std::iota(all.begin(), all.end(), size_t{0});
        captioner::EvalOptions options;
        options.sampleCount = static_cast<int>(all.size());
        return captioner::evaluateCheckpoint(ck, captioner::evalExamplesFor(dataset, all), options);
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_modelA = fx("pipeline/model");
        m_modelB = fx("pipeline/ours_tiny");
        m_data = m_tmp.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(m_data));
        const char* names[] = {"grey_256x300.png", "palette_260x230.png", "photo_320x240.jpg",
                               "photo_96x72.tif",  "rgba_300x225.png",    "small_rgb_180x130.png"};
        for (const char* name : names) {
            const QString to = m_data + QLatin1Char('/') + QLatin1String(name);
            QVERIFY(QFile::copy(fx(std::string("image/input/") + name), to));
            m_images.push_back(to.toStdString());
        }
        m_captions.resize(2);
        m_confidence.resize(2);
        int m = 0;
        for (const QString& dir : {m_modelA, m_modelB}) {
            for (const auto& r : captionWith(dir)) {
                QVERIFY2(r.ok(), r.error.c_str());
                m_captions[m].push_back(r.caption);
                m_confidence[m].push_back(r.confidence);
            }
            ++m;
        }
        int differ = 0;
        for (size_t i = 0; i < m_images.size(); ++i) differ += m_captions[0][i] != m_captions[1][i] ? 1 : 0;
        QVERIFY2(differ >= 3, "the two models must caption differently for this test to mean anything");
        // References that share words with the captions, so every metric is away from 0: model A's caption
        // (in capitals, which only the tokenizer-decoded WER reference forgives) for even images, model B's
        // for odd ones (model B says the same of every image: in half the references, its n-grams keep a
        // non-zero IDF), and a second reference for BLEU-4 and CIDEr-D.
        std::string metadata;
        for (size_t i = 0; i < m_images.size(); ++i) {
            std::string first = m_captions[i % 2][i];
            if (i % 2 == 0)
                for (char& c : first) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
            metadata += json{{"file_name", QFileInfo(QString::fromStdString(m_images[i])).fileName().toStdString()},
                             {"text", {first, "a picture of thing " + std::to_string(i)}}}
                            .dump() +
                        "\n";
        }
        testsupport::writeFile((m_data + QStringLiteral("/metadata.jsonl")).toStdString(), metadata);
    }

    void metricsEqualTheTrainersEvaluation() {
        const QString out = m_tmp.filePath(QStringLiteral("rows.jsonl"));
        const auto r = runCli({"compare", "--model", m_modelA, "--model", m_modelB, "--data", m_data, "--split", "all",
                               "--json", "--out", out},
                              testsupport::CliOptions().withTimeout(300000));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const json j = json::parse(r.out.toStdString());
        QCOMPARE(j.at("count").get<int>(), static_cast<int>(m_images.size()));
        int m = 0;
        for (const QString& dir : {m_modelA, m_modelB}) {
            const auto e = trainerEval(dir);
            const json& got = j.at(m == 0 ? "a" : "b");
            QCOMPARE(e.generated.count, static_cast<int64_t>(m_images.size()));
            QCOMPARE(got.at("wer").get<double>(), e.generated.wer.wer);
            QCOMPARE(got.at("rouge_l").get<double>(), e.generated.rougeL);
            QCOMPARE(got.at("bleu4").get<double>(), e.generated.bleu4);
            QCOMPARE(got.at("cider").get<double>(), e.generated.cider);
            QCOMPARE(got.at("wer_counts").at("substitutions").get<int64_t>(), e.generated.wer.substitutions);
            QCOMPARE(got.at("wer_counts").at("reference_words").get<int64_t>(), e.generated.wer.referenceWords);
            // Not trivially 0, so equality means something.
            QVERIFY(std::isfinite(e.generated.wer.wer));
            QVERIFY(e.generated.cider > 0);
            QVERIFY(e.generated.bleu4 > 0);
            QVERIFY(e.generated.rougeL > 0);
            // The trainer's generated captions are the ones compared.
            QCOMPARE(e.samples.size(), m_images.size());
            for (size_t i = 0; i < m_images.size(); ++i) QCOMPARE(e.samples[i].prediction, m_captions[m][i]);
            ++m;
        }
        // The images that differ, in dataset order.
        std::vector<std::string> differ;
        for (size_t i = 0; i < m_images.size(); ++i)
            if (m_captions[0][i] != m_captions[1][i]) differ.push_back(m_images[i]);
        QCOMPARE(j.at("differ_count").get<size_t>(), differ.size());
        for (size_t k = 0; k < differ.size(); ++k)
            QCOMPARE(j.at("differ").at(k).at("image").get<std::string>(), differ[k]);

        // The exported rows.
        QStringList lines = QString::fromStdString(testsupport::readFile(out.toStdString())).split('\n');
        QCOMPARE(lines.takeLast(), QString());
        QCOMPARE(static_cast<size_t>(lines.size()), m_images.size());
        for (size_t i = 0; i < m_images.size(); ++i) {
            const json row = json::parse(lines[static_cast<int>(i)].toStdString());
            QCOMPARE(row.at("image").get<std::string>(), m_images[i]);
            QCOMPARE(row.at("references").size(), size_t{2});
            QCOMPARE(row.at("caption_a").get<std::string>(), m_captions[0][i]);
            QCOMPARE(row.at("caption_b").get<std::string>(), m_captions[1][i]);
            // Another process's forward pass may sum in another order (the captions are the same): agree
            // to 1e-6 relative.
            QVERIFY(std::abs(row.at("confidence_a").get<double>() - m_confidence[0][i]) <= 1e-6 * m_confidence[0][i]);
            QVERIFY(std::abs(row.at("confidence_b").get<double>() - m_confidence[1][i]) <= 1e-6 * m_confidence[1][i]);
            QCOMPARE(row.at("differs").get<bool>(), m_captions[0][i] != m_captions[1][i]);
        }
    }

    void textAndCsv() {
        const QString out = m_tmp.filePath(QStringLiteral("rows.csv"));
        const auto r = runCli(
            {"compare", "--model", m_modelA, "--model", m_modelB, "--data", m_data, "--split", "all", "--out", out},
            testsupport::CliOptions().withTimeout(300000));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("Compared on 6 image(s) of the all split")), qPrintable(r.out));
        for (const char* metric : {"WER", "ROUGE-L", "BLEU-4", "CIDEr-D"})
            QVERIFY2(
                r.out.contains(QRegularExpression(QStringLiteral("\\n  %1 +\\d\\.\\d{4} +\\d\\.\\d{4} ").arg(metric))),
                qPrintable(r.out));
        int differ = 0;
        for (size_t i = 0; i < m_images.size(); ++i) differ += m_captions[0][i] != m_captions[1][i] ? 1 : 0;
        QVERIFY2(r.out.contains(QStringLiteral("Captions differ on %1 of 6 image(s):").arg(differ)), qPrintable(r.out));
        const auto records = captioner::parseCsv(testsupport::readFile(out.toStdString()), out.toStdString());
        QCOMPARE(records.size(), m_images.size() + 1);
        QCOMPARE(records[0].fields,
                 (std::vector<std::string>{"image", "references", "caption_a", "caption_b", "confidence_a",
                                           "confidence_b", "differs", "error_a", "error_b"}));
        for (size_t i = 0; i < m_images.size(); ++i) {
            const auto& f = records[i + 1].fields;
            QCOMPARE(f[0], m_images[i]);
            QCOMPARE(json::parse(f[1]).size(), size_t{2});
            QCOMPARE(f[2], m_captions[0][i]);
            QCOMPARE(f[3], m_captions[1][i]);
            // Six decimals (another process's float noise aside).
            QCOMPARE(f[5].size() - f[5].find('.'), size_t{7});
            QVERIFY(std::abs(std::stod(f[5]) - m_confidence[1][i]) <= 1e-6);
            QCOMPARE(f[6], std::string(m_captions[0][i] != m_captions[1][i] ? "true" : "false"));
        }
    }

    void missingFoldersAreNamed() {
        const QString nowhere = m_tmp.filePath(QStringLiteral("no-such-model"));
        auto r = runCli({"compare", "--model", m_modelA, "--model", nowhere, "--data", m_data});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(nowhere + QStringLiteral(": model folder (second --model) does not exist")),
                 qPrintable(r.err));
        const QString noData = m_tmp.filePath(QStringLiteral("no-such-data"));
        r = runCli({"compare", "--model", m_modelA, "--model", m_modelB, "--data", noData});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(noData + QStringLiteral(": dataset (--data) does not exist")), qPrintable(r.err));
        r = runCli({"compare", "--model", m_modelA, "--data", m_data});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--model must be given twice")), qPrintable(r.err));
        r = runCli({"compare", "--model", m_modelA, "--model", m_modelB, "--data", m_data, "--out", "rows.txt"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--out must name a .csv or .jsonl file")), qPrintable(r.err));
    }

    void wordDiffIsTheLongestCommonSubsequence() {
        const auto d = captioner::diffWords({"a", "red", "circle", "left", "of", "a", "square"},
                                            {"a", "blue", "circle", "above", "a", "square"});
        QCOMPARE(d.changedA, (std::vector<bool>{false, true, false, true, true, false, false}));
        QCOMPARE(d.changedB, (std::vector<bool>{false, true, false, true, false, false}));
        QCOMPARE(d.changedCountA(), 3);
        QCOMPARE(d.changedCountB(), 2);
        const auto same = captioner::diffWords(captioner::splitWords(" a  cat\tsits "), {"a", "cat", "sits"});
        QCOMPARE(same.changedCountA() + same.changedCountB(), 0);
        const auto none = captioner::diffWords({}, {"x"});
        QCOMPARE(none.changedB, std::vector<bool>{true});
    }
};

QTEST_GUILESS_MAIN(TestCliCompare)
#include "test_cli_compare.moc"
