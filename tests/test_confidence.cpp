// Per-token probabilities and confidences (issue 17) against transformers 4.46's
// generate(output_scores=True) on the fixture models (tests/fixtures/confidence/make_fixtures.py):
// greedy = softmax of the step's scores at the chosen id, beam search = the returned beam's per-step
// scores (compute_transition_scores). The ids must not change when probabilities are asked for.
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"
#include "captioner/generation.h"
#include "captioner/git_config.h"
#include "captioner/git_model.h"
#include "captioner/safetensors.h"
#include "captioner/tokenizer.h"

#include "test_support.h"

#include <QtTest/QtTest>

#include <cmath>

using namespace captioner;
using Ids = std::vector<std::vector<int64_t>>;

namespace {

const nlohmann::json& reference() {
    static const nlohmann::json ref = testsupport::readJson(testsupport::fixture("confidence/reference.json"));
    return ref;
}

const nlohmann::json& caseOf(const std::string& model, int beams) {
    for (const auto& c : reference().at("cases"))
        if (c.at("model") == model && c.at("num_beams") == beams) return c;
    throw std::runtime_error("no reference case " + model);
}

// Largest |ours - HF| over all tokens; fails on any id or length mismatch.
double compareRows(const Ids& ids, const std::vector<std::vector<float>>& probs, const nlohmann::json& rows) {
    double worst = 0;
    if (ids.size() != rows.size() || probs.size() != rows.size()) throw std::runtime_error("row count differs");
    for (size_t i = 0; i < rows.size(); ++i) {
        if (ids[i] != rows[i].at("ids").get<std::vector<int64_t>>())
            throw std::runtime_error("ids of row " + std::to_string(i) + " differ from transformers'");
        const auto ref = rows[i].at("probs").get<std::vector<double>>();
        if (probs[i].size() != ref.size() || ref.size() + 1 != ids[i].size())
            throw std::runtime_error("row " + std::to_string(i) + ": one probability per generated token expected");
        for (size_t t = 0; t < ref.size(); ++t) worst = std::max(worst, std::abs(double(probs[i][t]) - ref[t]));
    }
    return worst;
}

constexpr double kTolerance = 2e-6; // float32 logits; the probabilities here are ~1e-3 .. 1e-1

} // namespace

class TestConfidence : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { torch::set_num_threads(1); }

    void probabilitiesMatchTransformers_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("beams");
        for (const char* name : {"tiny_a", "tiny_b"})
            for (int beams : {1, 3})
                QTest::newRow(qPrintable(QString("%1 beams %2").arg(name).arg(beams))) << name << beams;
    }
    void probabilitiesMatchTransformers() {
        QFETCH(QString, name);
        QFETCH(int, beams);
        const std::string dir = testsupport::fixture("model/" + name.toStdString());
        GitForCausalLM model(loadGitConfig(dir + "/config.json"));
        model->loadStateDict(loadSafetensors(dir + "/model.safetensors"), name.toStdString());
        model->eval();
        const auto pixels = SafetensorsFile::open(dir + "/inputs.safetensors")->tensor("gen_pixel_values").clone();
        const auto& ref = caseOf("model/" + name.toStdString(), beams);
        GenerationOptions opts = defaultGenerationOptions(model->config());
        opts.maxLength = ref.at("max_length").get<int>();
        opts.numBeams = beams;

        const GenerationResult withProbs = generateWithProbabilities(model, pixels, opts);
        // Asking for probabilities changes no id.
        QCOMPARE(withProbs.sequences, generate(model, pixels, opts));
        double worst = 0;
        try {
            worst = compareRows(withProbs.sequences, withProbs.tokenProbabilities, ref.at("rows"));
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        qInfo("%s beams %d: max |p_ours - p_HF| = %.3g", qPrintable(name), beams, worst);
        QVERIFY2(worst < kTolerance, qPrintable(QString::number(worst)));
    }

    void captionsCarryConfidence_data() {
        QTest::addColumn<int>("beams");
        QTest::newRow("greedy") << 1;
        QTest::newRow("beams 3") << 3;
    }
    void captionsCarryConfidence() {
        QFETCH(int, beams);
        const auto& ref = caseOf("pipeline/model", beams);
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/model"));
        CaptionOptions options = captionOptionsFor(ck);
        options.generation.maxLength = ref.at("max_length").get<int>();
        options.generation.numBeams = beams;
        std::vector<std::string> paths;
        for (const auto& n : ref.at("input"))
            paths.push_back(testsupport::fixture("image/input/" + n.get<std::string>()));
        const auto results = captionImages(ck, paths, options);
        QCOMPARE(results.size(), paths.size());
        Ids ids;
        std::vector<std::vector<float>> probs;
        for (const auto& r : results) {
            QVERIFY2(r.ok(), r.error.c_str());
            ids.push_back(r.tokenIds);
            probs.push_back(r.tokenProbabilities);
            // The caption's confidence: the geometric mean over its generated tokens.
            double sumLog = 0;
            for (float p : r.tokenProbabilities) sumLog += std::log(double(p));
            QVERIFY(std::abs(r.confidence - std::exp(sumLog / double(r.tokenProbabilities.size()))) < 1e-12);
            // Each word's: the product of its tokens' probabilities; the words spell the caption.
            const auto words = ck.tokenizer->words(r.tokenIds);
            QCOMPARE(r.words.size(), words.size());
            QStringList spelled;
            for (size_t w = 0; w < words.size(); ++w) {
                double product = 1;
                for (size_t t : words[w].tokens) product *= double(r.tokenProbabilities[t - 1]);
                QCOMPARE(r.words[w].word, words[w].text);
                QVERIFY(std::abs(r.words[w].confidence - product) < 1e-15);
                spelled << QString::fromStdString(r.words[w].word);
            }
            QCOMPARE(spelled.join(' '), QString::fromStdString(r.caption));
        }
        double worst = 0;
        try {
            worst = compareRows(ids, probs, ref.at("rows"));
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
        qInfo("pipeline model, image files, beams %d: max |p_ours - p_HF| = %.3g", beams, worst);
        QVERIFY2(worst < kTolerance, qPrintable(QString::number(worst)));
    }

    void wordPieceWordsJoinContinuations() {
        const auto tok = WordPieceTokenizer::fromVocabFile(testsupport::fixture("tokenizer/vocab.txt"));
        const auto ids = tok->encode("An unbelievably playful kitten, sleeping.");
        // "unbelievably" is not a vocabulary token: it comes as a piece and "##" continuations.
        const auto words = tok->words(ids);
        std::vector<std::string> texts;
        for (const auto& w : words) texts.push_back(w.text);
        QCOMPARE(texts, (std::vector<std::string>{"an", "unbelievably", "playful", "kitten", ",", "sleeping", "."}));
        size_t covered = 0;
        bool multiPiece = false;
        for (const auto& w : words) {
            QVERIFY(!w.tokens.empty());
            QVERIFY(tok->idToToken(ids[w.tokens.front()]).rfind("##", 0) != 0);
            for (size_t k = 1; k < w.tokens.size(); ++k) {
                QCOMPARE(w.tokens[k], w.tokens[k - 1] + 1);
                QVERIFY(tok->idToToken(ids[w.tokens[k]]).rfind("##", 0) == 0);
            }
            multiPiece |= w.tokens.size() > 1;
            covered += w.tokens.size();
        }
        QVERIFY(multiPiece);
        QCOMPARE(covered, ids.size() - 2); // every token but [CLS] and [SEP]
        // A confidence per word is the product of its pieces' probabilities.
        std::vector<float> probs(ids.size() - 1, 0.5f);
        probs[words[1].tokens[0] - 1] = 0.25f;
        const auto conf = wordConfidences(*tok, ids, probs);
        QCOMPARE(conf.size(), words.size());
        QCOMPARE(conf[1].word, std::string("unbelievably"));
        QCOMPARE(conf[1].confidence, 0.25 * std::pow(0.5, double(words[1].tokens.size() - 1)));
        QCOMPARE(conf[0].confidence, 0.5);
        QCOMPARE(captionConfidence({0.5f, 0.125f}), 0.25);
        QCOMPARE(captionConfidence({}), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestConfidence)
#include "test_confidence.moc"
