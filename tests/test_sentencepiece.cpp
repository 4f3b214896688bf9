// SentencePieceTokenizer through the isolated plugin. The point of the plugin is that sentencepiece
// (with its protobuf 3.14) and LibTorch (protobuf 3.21) can live in one process: these tests train,
// encode and decode with sentencepiece and run LibTorch ops in the same process, interleaved.
#include "captioner/error.h"
#include "captioner/tokenizer.h"
#include "test_support.h"
#include "../core/src/text/sentencepiece_plugin.h"

#include <QTemporaryDir>
#include <QtTest>
#include <torch/torch.h>

using captioner::Error;
using captioner::SentencePieceTokenizer;

namespace {

// Deterministic caption-like lines, varied enough for a 200-piece vocabulary.
std::vector<std::string> captions() {
    const char* colours[] = {"red",   "green", "blue", "yellow", "purple", "orange",    "white",   "black",
                             "brown", "pink",  "grey", "golden", "silver", "turquoise", "crimson", "violet"};
    const char* things[] = {"square",   "circle",     "triangle", "star",     "hexagon",    "dog",
                            "cat",      "horse",      "bicycle",  "umbrella", "giraffe",    "elephant",
                            "kitchen",  "mountain",   "sandwich", "airplane", "skateboard", "television",
                            "building", "motorcycle", "banana",   "keyboard"};
    const char* relations[] = {"to the left of", "above",       "below",      "to the right of", "next to",
                               "behind",         "in front of", "underneath", "standing near",   "sitting on"};
    const char* sizes[] = {"small", "large", "tiny", "enormous", "wooden", "shiny", "striped", "old"};
    std::vector<std::string> lines;
    unsigned state = 12345;
    const auto next = [&state](unsigned n) {
        state = state * 1103515245u + 12345u;
        return (state >> 16) % n;
    };
    for (int i = 0; i < 400; ++i)
        lines.push_back(std::string("a ") + sizes[next(8)] + " " + colours[next(16)] + " " + things[next(22)] + " " +
                        relations[next(10)] + " a " + colours[next(16)] + " " + things[next(22)]);
    return lines;
}

// 2x3 times 3x2 with a known product, so a broken LibTorch shows as a wrong number, not a pass.
void checkTorchMatmul() {
    const auto a = torch::arange(1, 7, torch::kFloat32).reshape({2, 3});
    const auto b = torch::arange(1, 7, torch::kFloat32).reshape({3, 2});
    const auto c = torch::matmul(a, b);
    QCOMPARE(c.index({0, 0}).item<float>(), 22.0f);
    QCOMPARE(c.index({0, 1}).item<float>(), 28.0f);
    QCOMPARE(c.index({1, 0}).item<float>(), 49.0f);
    QCOMPARE(c.index({1, 1}).item<float>(), 64.0f);
}

} // namespace

class TestSentencePiece : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<SentencePieceTokenizer> m_tok;

private slots:
    void initTestCase() {
        std::string why;
        QVERIFY2(captioner::sentencePieceAvailable(&why), why.c_str());
        checkTorchMatmul(); // LibTorch works with the plugin loaded
    }

    void trainEncodeDecodeBesideLibTorch() {
        const std::string dir = m_tmp.filePath("sp").toStdString();
        m_tok = SentencePieceTokenizer::train(captions(), 200, dir);
        QCOMPARE(QDir(QString::fromStdString(dir)).entryList(QDir::Files | QDir::Hidden),
                 QStringList{"tokenizer.model"});
        // 200 is an upper bound: unigram training keeps whole words once they are frequent, so a corpus of
        // ~70 distinct words settles near 120 pieces.
        QVERIFY2(m_tok->vocabSize() >= 100 && m_tok->vocabSize() <= 200,
                 qPrintable(QString::number(m_tok->vocabSize())));
        QCOMPARE(QString::fromStdString(m_tok->kind()), QStringLiteral("sentencepiece"));
        QCOMPARE(m_tok->padTokenId(), int64_t(0));
        QCOMPARE(m_tok->unkTokenId(), int64_t(1));
        QCOMPARE(m_tok->clsTokenId(), int64_t(2));
        QCOMPARE(m_tok->sepTokenId(), int64_t(3));
        QCOMPARE(m_tok->idToPiece(2), std::string("[CLS]"));
        QCOMPARE(m_tok->idToPiece(3), std::string("[SEP]"));

        checkTorchMatmul();
        const std::string sentence = "a large purple elephant to the right of a white bicycle";
        const auto ids = m_tok->encode(sentence);
        QVERIFY(ids.size() > 3);
        QCOMPARE(ids.front(), int64_t(2));
        QCOMPARE(ids.back(), int64_t(3));
        for (std::size_t i = 1; i + 1 < ids.size(); ++i) {
            QVERIFY(ids[i] > 3 && ids[i] < 200); // no specials, no [UNK] inside
        }
        QCOMPARE(m_tok->encode(sentence, false), std::vector<int64_t>(ids.begin() + 1, ids.end() - 1));
        QCOMPARE(m_tok->decode(ids), sentence);
        QCOMPARE(m_tok->decode(ids, false), "[CLS] " + sentence + " [SEP]");

        // The pieces spell the sentence with "▁" marking word starts, one piece per id.
        const auto pieces = m_tok->tokenize(sentence);
        QCOMPARE(pieces.size(), ids.size() - 2);
        std::string spelled;
        for (std::size_t i = 0; i < pieces.size(); ++i) {
            QCOMPARE(pieces[i], m_tok->idToPiece(ids[i + 1]));
            spelled += pieces[i];
        }
        std::string expected;
        for (char c : " " + sentence) expected += c == ' ' ? std::string("\xe2\x96\x81") : std::string(1, c);
        QCOMPARE(spelled, expected);

        // Ids outside the vocabulary decode as [UNK] (skipped by default) instead of failing.
        QCOMPARE(m_tok->decode({2, ids[1], 99999, -5, 3}), m_tok->decode({ids[1]}));
        checkTorchMatmul();
    }

    void vocabularySizeLimitBinds() {
        const auto small = SentencePieceTokenizer::train(captions(), 64, m_tmp.filePath("sp64").toStdString());
        QCOMPARE(small->vocabSize(), int64_t(64));
        const std::string sentence = "a tiny crimson giraffe sitting on a wooden keyboard";
        QCOMPARE(small->decode(small->encode(sentence)), sentence);
    }

    void saveAndLoadTokenizerRoundTrip() {
        QVERIFY(m_tok);
        const std::string dir = m_tmp.filePath("saved").toStdString();
        m_tok->save(dir);
        const auto config = testsupport::readJson(dir + "/tokenizer_config.json");
        QCOMPARE(config["cls_token"].get<std::string>(), std::string("[CLS]"));
        QCOMPARE(testsupport::readJson(dir + "/special_tokens_map.json")["pad_token"].get<std::string>(),
                 std::string("[PAD]"));
        QCOMPARE(testsupport::readFile(dir + "/tokenizer.model"),
                 testsupport::readFile(m_tmp.filePath("sp/tokenizer.model").toStdString()));
        const auto loaded = captioner::loadTokenizer(dir);
        QCOMPARE(QString::fromStdString(loaded->kind()), QStringLiteral("sentencepiece"));
        for (const auto& line : captions()) QCOMPARE(loaded->encode(line), m_tok->encode(line));
    }

    void concurrentEncodeWithTorch() {
        QVERIFY(m_tok);
        const auto lines = captions();
        std::vector<std::vector<int64_t>> expected;
        for (const auto& l : lines) expected.push_back(m_tok->encode(l));
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&] {
                for (std::size_t i = 0; i < lines.size(); ++i)
                    if (m_tok->encode(lines[i]) != expected[i] || m_tok->decode(expected[i]) != lines[i]) ++mismatches;
            });
        const auto x = torch::ones({256, 256});
        const float sum = torch::matmul(x, x).sum().item<float>();
        for (auto& t : threads) t.join();
        QCOMPARE(mismatches.load(), 0);
        QCOMPARE(sum, 256.0f * 256.0f * 256.0f);
    }

    void missingModelFileNamesIt() {
        const std::string missing = m_tmp.filePath("nowhere/tokenizer.model").toStdString();
        try {
            SentencePieceTokenizer::fromModelFile(missing);
            QFAIL("expected an Error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(missing));
        }
    }

    void garbageModelFileIsRefused() {
        const std::string garbage = m_tmp.filePath("garbage.model").toStdString();
        testsupport::writeFile(garbage, "this is not a protobuf model");
        try {
            SentencePieceTokenizer::fromModelFile(garbage);
            QFAIL("expected an Error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(garbage));
            QVERIFY2(QString::fromStdString(e.reason()).contains(QStringLiteral("not a SentencePiece model")),
                     e.what());
        }
    }

    void trainingWithoutCaptionsFails() {
        const std::string dir = m_tmp.filePath("empty").toStdString();
        QVERIFY_THROWS_EXCEPTION(Error, SentencePieceTokenizer::train({"", "   "}, 100, dir));
    }

    void missingPluginGivesClearMessage() {
        QTemporaryDir empty;
        try {
            captioner::text::findSentencePiecePlugin({empty.path().toStdString()});
            QFAIL("expected an Error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QStringLiteral("captioner_sentencepiece.so"));
            const QString reason = QString::fromStdString(e.reason());
            QVERIFY2(reason.contains(QStringLiteral("not found")) && reason.contains(empty.path()) &&
                         reason.contains(QStringLiteral("CAPTIONER_PLUGIN_DIR")),
                     e.what());
        }
        const std::string missing = empty.filePath("captioner_sentencepiece.so").toStdString();
        QVERIFY_THROWS_EXCEPTION(Error, captioner::text::loadSentencePiecePlugin(missing));
        // A file that is there but is no shared library.
        testsupport::writeFile(missing, "not an ELF file");
        try {
            captioner::text::loadSentencePiecePlugin(missing);
            QFAIL("expected an Error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(missing));
            QVERIFY2(QString::fromStdString(e.reason()).contains(QStringLiteral("cannot load")), e.what());
        }
    }

    void searchPathHonoursEnvironmentFirst() {
        qputenv("CAPTIONER_PLUGIN_DIR", "/some/plugin/dir");
        const auto dirs = captioner::text::sentencePiecePluginSearchPath();
        qunsetenv("CAPTIONER_PLUGIN_DIR");
        QVERIFY(!dirs.empty());
        QCOMPARE(dirs.front(), std::string("/some/plugin/dir"));
        QVERIFY(dirs.size() >= 4);
    }

    void wordsJoinPiecesAtWordStarts() {
        // A small vocabulary splits words into several pieces; words() joins them where "▁" starts a word.
        const auto tok = SentencePieceTokenizer::train(captions(), 64, m_tmp.filePath("spwords").toStdString());
        const std::string sentence = "a large purple elephant to the right of a white bicycle";
        const auto ids = tok->encode(sentence);
        const auto words = tok->words(ids);
        QStringList texts;
        size_t covered = 0;
        bool multiPiece = false;
        const std::string wordStart = "\xe2\x96\x81";
        for (const auto& w : words) {
            texts << QString::fromStdString(w.text);
            QVERIFY(!w.tokens.empty());
            QVERIFY(tok->idToPiece(ids[w.tokens.front()]).rfind(wordStart, 0) == 0);
            for (size_t k = 1; k < w.tokens.size(); ++k) {
                QCOMPARE(w.tokens[k], w.tokens[k - 1] + 1);
                QVERIFY(tok->idToPiece(ids[w.tokens[k]]).rfind(wordStart, 0) != 0);
            }
            multiPiece |= w.tokens.size() > 1;
            covered += w.tokens.size();
        }
        QCOMPARE(texts.join(' '), QString::fromStdString(sentence));
        QCOMPARE(texts.size(), QString::fromStdString(sentence).split(' ').size());
        QVERIFY(multiPiece);
        QCOMPARE(covered, ids.size() - 2); // every piece but [CLS] and [SEP]
    }
};

QTEST_GUILESS_MAIN(TestSentencePiece)
#include "test_sentencepiece.moc"
