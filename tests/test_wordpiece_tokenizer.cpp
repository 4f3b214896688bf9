// WordPieceTokenizer against Hugging Face's slow BertTokenizer (fixtures/tokenizer/bert_reference.json,
// made by make_fixtures.py), plus tokenizer.json loading, saving, folder detection and bad input.
#include "captioner/error.h"
#include "captioner/tokenizer.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest>

#include <future>
#include <thread>

using captioner::Error;
using captioner::WordPieceTokenizer;
using nlohmann::json;

namespace {

QString show(const std::vector<std::string>& v) {
    QStringList l;
    for (const auto& s : v) l << QString::fromStdString(s);
    return l.join(QStringLiteral(" | "));
}

const json& reference() {
    static const json j = testsupport::readJson(testsupport::fixture("tokenizer/bert_reference.json"));
    return j;
}

const WordPieceTokenizer& bert() {
    static const auto t = WordPieceTokenizer::fromVocabFile(testsupport::fixture("tokenizer/vocab.txt"));
    return *t;
}

// Asserts tokens, ids and both decodes of one reference case.
void checkCase(const WordPieceTokenizer& tok, const json& c) {
    const std::string text = c["text"];
    const auto tokens = tok.tokenize(text);
    const auto expectedTokens = c["tokens"].get<std::vector<std::string>>();
    QVERIFY2(tokens == expectedTokens,
             qPrintable(QStringLiteral("text %1\n got      %2\n expected %3")
                            .arg(QString::fromStdString(text), show(tokens), show(expectedTokens))));
    const auto ids = tok.encode(text);
    QCOMPARE(ids, c["ids"].get<std::vector<int64_t>>());
    QCOMPARE(tok.encode(text, false), std::vector<int64_t>(ids.begin() + 1, ids.end() - 1));
    QCOMPARE(QString::fromStdString(tok.decode(ids)), QString::fromStdString(c["decoded"].get<std::string>()));
    QCOMPARE(QString::fromStdString(tok.decode(ids, false)),
             QString::fromStdString(c["decoded_with_specials"].get<std::string>()));
}

void addCaseRows(const json& cases, const char* prefix) {
    for (std::size_t i = 0; i < cases.size(); ++i)
        QTest::newRow(qPrintable(QStringLiteral("%1%2").arg(prefix).arg(i))) << static_cast<int>(i);
}

} // namespace

class TestWordPieceTokenizer : public QObject {
    Q_OBJECT

private slots:
    void specialIds() {
        QCOMPARE(bert().vocabSize(), int64_t(30522));
        QCOMPARE(bert().padTokenId(), int64_t(0));
        QCOMPARE(bert().unkTokenId(), int64_t(100));
        QCOMPARE(bert().clsTokenId(), int64_t(101));
        QCOMPARE(bert().sepTokenId(), int64_t(102));
        QCOMPARE(QString::fromStdString(bert().kind()), QStringLiteral("wordpiece"));
        QVERIFY(reference()["cases"].size() >= 300);
    }

    void matchesHuggingFace_data() {
        QTest::addColumn<int>("index");
        addCaseRows(reference()["cases"], "case");
    }
    void matchesHuggingFace() {
        QFETCH(int, index);
        checkCase(bert(), reference()["cases"][static_cast<std::size_t>(index)]);
    }

    void optionVariantsMatchHuggingFace_data() {
        QTest::addColumn<int>("variant");
        QTest::addColumn<int>("index");
        const auto& variants = reference()["variants"];
        for (std::size_t v = 0; v < variants.size(); ++v)
            for (std::size_t i = 0; i < variants[v]["cases"].size(); ++i)
                QTest::newRow(qPrintable(
                    QStringLiteral("%1/%2").arg(QString::fromStdString(variants[v]["name"].get<std::string>())).arg(i)))
                    << static_cast<int>(v) << static_cast<int>(i);
    }
    void optionVariantsMatchHuggingFace() {
        QFETCH(int, variant);
        QFETCH(int, index);
        static std::map<int, std::unique_ptr<WordPieceTokenizer>> cache;
        const json& v = reference()["variants"][static_cast<std::size_t>(variant)];
        auto& tok = cache[variant];
        if (!tok) {
            WordPieceTokenizer::Options o;
            o.doLowerCase = v["options"]["do_lower_case"];
            o.stripAccents = v["options"]["strip_accents"];
            o.tokenizeChineseChars = v["options"]["tokenize_chinese_chars"];
            tok = WordPieceTokenizer::fromVocabFile(testsupport::fixture("tokenizer/vocab.txt"), o);
        }
        checkCase(*tok, v["cases"][static_cast<std::size_t>(index)]);
    }

    void decodeMatchesHuggingFace() {
        for (const auto& c : reference()["decode_cases"]) {
            const auto ids = c["ids"].get<std::vector<int64_t>>();
            QCOMPARE(QString::fromStdString(bert().decode(ids)),
                     QString::fromStdString(c["decoded"].get<std::string>()));
            QCOMPARE(QString::fromStdString(bert().decode(ids, false)),
                     QString::fromStdString(c["decoded_with_specials"].get<std::string>()));
        }
    }

    void invalidUtf8IsReplacedAndDropped() {
        // Python would decode the stray bytes as U+FFFD, which BERT's clean-up removes.
        QCOMPARE(bert().tokenize("caf\xff"
                                 "e \xc3 ok\xe2\x82"),
                 (std::vector<std::string>{"cafe", "ok"}));
        QCOMPARE(bert().tokenize("a\xef\xbf\xbd"
                                 "b"),
                 (std::vector<std::string>{"ab"}));
    }

    void tokenizerJsonTokenizesIdentically() {
        const auto fast = WordPieceTokenizer::fromTokenizerJson(testsupport::fixture("tokenizer/tokenizer.json"));
        QCOMPARE(fast->vocabSize(), bert().vocabSize());
        QVERIFY(fast->options().doLowerCase && fast->options().stripAccents && fast->options().tokenizeChineseChars);
        for (const auto& c : reference()["cases"]) {
            const std::string text = c["text"];
            QCOMPARE(show(fast->tokenize(text)), show(c["tokens"].get<std::vector<std::string>>()));
            QCOMPARE(fast->encode(text), c["ids"].get<std::vector<int64_t>>());
        }
    }

    void tokenizerJsonHonoursNormalizerOptions() {
        QTemporaryDir tmp;
        json j = testsupport::readJson(testsupport::fixture("tokenizer/tokenizer.json"));
        j["normalizer"]["lowercase"] = false;
        const std::string path = tmp.filePath("tokenizer.json").toStdString();
        testsupport::writeFile(path, j.dump());
        const auto cased = WordPieceTokenizer::fromTokenizerJson(path);
        QVERIFY(!cased->options().doLowerCase);
        QVERIFY(!cased->options().stripAccents); // null strip_accents follows lowercase
        QCOMPARE(cased->tokenize("Hello"), (std::vector<std::string>{"[UNK]"}));
    }

    void rejectsUnsupportedTokenizerJson_data() {
        QTest::addColumn<QString>("patch");
        QTest::addColumn<QString>("reason");
        QTest::newRow("bpe") << R"({"model": {"type": "BPE", "vocab": {}, "merges": []}})"
                             << "BPE";
        QTest::newRow("normalizer") << R"({"normalizer": {"type": "NFKC"}})"
                                    << "NFKC";
        QTest::newRow("gap") << R"({"model": {"vocab": {"[PAD]": 0, "[UNK]": 5}}})"
                             << "without gaps";
        QTest::newRow("no cls") << R"({"model": {"vocab": {"[PAD]": 0, "[UNK]": 1, "[SEP]": 2}}})"
                                << "[CLS]";
    }
    void rejectsUnsupportedTokenizerJson() {
        QFETCH(QString, patch);
        QFETCH(QString, reason);
        QTemporaryDir tmp;
        json j = testsupport::readJson(testsupport::fixture("tokenizer/tokenizer.json"));
        const json p = json::parse(patch.toStdString());
        j.merge_patch(p);
        if (p.contains("model") && p["model"].contains("vocab"))
            j["model"]["vocab"] = p["model"]["vocab"]; // replace, not merge
        const std::string path = tmp.filePath("tokenizer.json").toStdString();
        testsupport::writeFile(path, j.dump());
        try {
            WordPieceTokenizer::fromTokenizerJson(path);
            QFAIL("expected an Error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(path));
            QVERIFY2(QString::fromStdString(e.reason()).contains(reason), e.what());
        }
    }

    void badFilesGiveErrorsNamingThem() {
        QTemporaryDir tmp;
        const std::string missing = tmp.filePath("nope/vocab.txt").toStdString();
        try {
            WordPieceTokenizer::fromVocabFile(missing);
            QFAIL("expected an Error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(missing));
        }
        const std::string noSpecials = tmp.filePath("vocab.txt").toStdString();
        testsupport::writeFile(noSpecials, "[PAD]\n[UNK]\nhello\n");
        QVERIFY_THROWS_EXCEPTION(Error, WordPieceTokenizer::fromVocabFile(noSpecials));
        const std::string broken = tmp.filePath("tokenizer.json").toStdString();
        testsupport::writeFile(broken, "{ not json");
        try {
            WordPieceTokenizer::fromTokenizerJson(broken);
            QFAIL("expected an Error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(broken));
            QVERIFY(QString::fromStdString(e.reason()).contains(QStringLiteral("JSON")));
        }
    }

    void saveWritesHuggingFaceLayout() {
        QTemporaryDir tmp;
        const std::string dir = tmp.filePath("saved").toStdString();
        bert().save(dir);
        QCOMPARE(testsupport::readFile(dir + "/vocab.txt"),
                 testsupport::readFile(testsupport::fixture("tokenizer/vocab.txt")));
        const json config = testsupport::readJson(dir + "/tokenizer_config.json");
        QCOMPARE(config["tokenizer_class"].get<std::string>(), std::string("BertTokenizer"));
        QCOMPARE(config["do_lower_case"].get<bool>(), true);
        QVERIFY(config["strip_accents"].is_null());
        QCOMPARE(config["added_tokens_decoder"]["101"]["content"].get<std::string>(), std::string("[CLS]"));
        QCOMPARE(testsupport::readJson(dir + "/special_tokens_map.json")["sep_token"].get<std::string>(),
                 std::string("[SEP]"));
        QCOMPARE(QDir(QString::fromStdString(dir)).entryList(QDir::Files).size(), 3); // no temporary files left

        const auto reloaded = captioner::loadTokenizer(dir);
        QCOMPARE(QString::fromStdString(reloaded->kind()), QStringLiteral("wordpiece"));
        for (const auto& c : reference()["cases"])
            QCOMPARE(reloaded->encode(c["text"]), c["ids"].get<std::vector<int64_t>>());
    }

    void loadTokenizerPicksTheRightFile() {
        QTemporaryDir tmp;
        const QString dir = tmp.path();
        // vocab.txt with a cased config.
        testsupport::writeFile(tmp.filePath("vocab.txt").toStdString(),
                               testsupport::readFile(testsupport::fixture("tokenizer/vocab.txt")));
        testsupport::writeFile(tmp.filePath("tokenizer_config.json").toStdString(),
                               R"({"tokenizer_class": "BertTokenizer", "do_lower_case": false})");
        auto t = captioner::loadTokenizer(dir.toStdString());
        QCOMPARE(t->tokenize("Hello"), (std::vector<std::string>{"[UNK]"}));
        // tokenizer.json wins over vocab.txt.
        testsupport::writeFile(tmp.filePath("tokenizer.json").toStdString(),
                               testsupport::readFile(testsupport::fixture("tokenizer/tokenizer.json")));
        t = captioner::loadTokenizer(dir.toStdString());
        QCOMPARE(t->tokenize("Hello"), (std::vector<std::string>{"hello"}));
        // A BPE tokenizer.json is refused, not skipped.
        testsupport::writeFile(tmp.filePath("tokenizer.json").toStdString(), R"({"model": {"type": "BPE"}})");
        QVERIFY_THROWS_EXCEPTION(Error, captioner::loadTokenizer(dir.toStdString()));

        QTemporaryDir empty;
        try {
            captioner::loadTokenizer(empty.path().toStdString());
            QFAIL("expected an Error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), empty.path());
            QVERIFY(QString::fromStdString(e.reason()).contains(QStringLiteral("no tokenizer")));
        }
    }

    void concurrentUseGivesTheSameResults() {
        const auto& cases = reference()["cases"];
        std::vector<std::future<bool>> results;
        for (int t = 0; t < 4; ++t)
            results.push_back(std::async(std::launch::async, [&cases] {
                for (const auto& c : cases)
                    if (bert().encode(c["text"]) != c["ids"].get<std::vector<int64_t>>()) return false;
                return true;
            }));
        for (auto& r : results) QVERIFY(r.get());
    }
};

QTEST_GUILESS_MAIN(TestWordPieceTokenizer)
#include "test_wordpiece_tokenizer.moc"
