// generate() against transformers 4.46's model.generate on the fixture models (make_fixtures.py):
// greedy and beam search ids exactly, batched and per image, cached and uncached.
#include "captioner/error.h"
#include "captioner/generation.h"
#include "captioner/git_config.h"
#include "captioner/git_model.h"
#include "captioner/runtime.h"
#include "captioner/safetensors.h"
#include "test_support.h"

#include <QtTest/QtTest>

using namespace captioner;
using Ids = std::vector<std::vector<int64_t>>;

namespace {

std::string dir(const std::string& name) { return testsupport::fixture("model/" + name); }

struct Fixture {
    GitForCausalLM model{nullptr};
    torch::Tensor pixels; // the generation images [3, C, H, W]
    nlohmann::json reference;
};

Fixture& fixture(const std::string& name) {
    static std::map<std::string, Fixture> cache;
    auto it = cache.find(name);
    if (it != cache.end()) return it->second;
    Fixture f;
    f.model = GitForCausalLM(loadGitConfig(dir(name) + "/config.json"));
    f.model->loadStateDict(loadSafetensors(dir(name) + "/model.safetensors"), name);
    f.model->eval();
    f.pixels = SafetensorsFile::open(dir(name) + "/inputs.safetensors")->tensor("gen_pixel_values").clone();
    f.reference = testsupport::readJson(dir(name) + "/generation.json");
    return cache.emplace(name, std::move(f)).first->second;
}

GenerationOptions optionsFrom(const GitConfig& config, const nlohmann::json& s) {
    GenerationOptions o = defaultGenerationOptions(config);
    o.maxLength = s.at("max_length").get<int>();
    o.numBeams = s.at("num_beams").get<int>();
    o.lengthPenalty = s.value("length_penalty", 1.0);
    o.earlyStopping = s.value("early_stopping", false);
    o.numReturnSequences = s.value("num_return_sequences", 1);
    return o;
}

// transformers pads finished rows of a batch after their end token; generate() returns them unpadded.
std::vector<int64_t> trimmed(std::vector<int64_t> row, int64_t eos) {
    for (size_t i = 1; i < row.size(); ++i)
        if (row[i] == eos) {
            row.resize(i + 1);
            break;
        }
    return row;
}

Ids referenceRows(const nlohmann::json& rows, int64_t eos) {
    Ids out;
    for (const auto& r : rows) out.push_back(trimmed(r.get<std::vector<int64_t>>(), eos));
    return out;
}

QString show(const Ids& ids) {
    QStringList rows;
    for (const auto& r : ids) {
        QStringList t;
        for (auto v : r) t << QString::number(v);
        rows << "[" + t.join(",") + "]";
    }
    return rows.join(" ");
}

} // namespace

class TestGeneration : public QObject {
    Q_OBJECT
private slots:
    // Results do not depend on the thread count; one thread avoids spin-waits when ctest runs suites in parallel.
    void initTestCase() { torch::set_num_threads(1); }

    void matchesTransformers_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("run");
        for (const char* name : {"tiny_a", "tiny_b"}) {
            const auto& runs = fixture(name).reference.at("runs");
            for (int i = 0; i < static_cast<int>(runs.size()); ++i)
                QTest::newRow(
                    qPrintable(QString("%1 %2").arg(name, QString::fromStdString(runs[i].at("settings").dump()))))
                    << QString(name) << i;
        }
    }
    void matchesTransformers() {
        QFETCH(QString, name);
        QFETCH(int, run);
        Fixture& f = fixture(name.toStdString());
        const auto& ref = f.reference.at("runs").at(run);
        const GenerationOptions opts = optionsFrom(f.model->config(), ref.at("settings"));

        const Ids expected = referenceRows(ref.at("batched"), opts.eosTokenId);
        const Ids batched = generate(f.model, f.pixels, opts);
        QVERIFY2(batched == expected, qPrintable("got " + show(batched) + "\nexpected " + show(expected)));

        // Image by image, transformers' single-image runs give the same rows; so must we.
        for (int64_t i = 0; i < f.pixels.size(0); ++i) {
            const Ids single = generate(f.model, f.pixels.narrow(0, i, 1), opts);
            const Ids hfSingle = referenceRows(ref.at("single").at(i), opts.eosTokenId);
            QVERIFY2(single == hfSingle, qPrintable("image " + QString::number(i) + ": " + show(single)));
        }

        // The key/value cache changes nothing: recomputing everything per step gives the same ids.
        GenerationOptions full = opts;
        full.useCache = false;
        QCOMPARE(generate(f.model, f.pixels, full), batched);
    }

    void batchOneDecodingChoosesThreadsAndRestoresThem() {
        // With two configured threads, batch-1 greedy decoding times one and two (generation.cpp's
        // DecodeThreadChoice) and keeps the faster: the ids are transformers' either way, and the configured
        // counts of LibTorch and OpenBLAS are back afterwards, also when the search is cancelled mid-way.
        Fixture& f = fixture("tiny_a");
        const auto& ref = f.reference.at("runs").at(0);
        GenerationOptions opts = optionsFrom(f.model->config(), ref.at("settings"));
        configureThreads(2);
        const bool openBlas = currentBlasThreads() > 0; // 0: LibTorch's BLAS is not OpenBLAS
        for (int64_t i = 0; i < f.pixels.size(0); ++i) {
            const Ids single = generate(f.model, f.pixels.narrow(0, i, 1), opts);
            QCOMPARE(single, referenceRows(ref.at("single").at(i), opts.eosTokenId));
            QCOMPARE(currentThreads(), 2);
            if (openBlas) QCOMPARE(currentBlasThreads(), 2);
        }
        int steps = 0;
        opts.shouldCancel = [&steps] { return ++steps > 3; }; // stops inside the timed steps
        QVERIFY(generate(f.model, f.pixels.narrow(0, 0, 1), opts).empty());
        QCOMPARE(currentThreads(), 2);
        if (openBlas) QCOMPARE(currentBlasThreads(), 2);
        configureThreads(1);
    }

    void fixturesCoverEarlyStopsAndBeams() {
        // Guards the fixture itself: some sequences end early, some run to max length, beams differ from greedy.
        for (const char* name : {"tiny_a", "tiny_b"}) {
            const auto& runs = fixture(name).reference.at("runs");
            const int64_t eos = fixture(name).reference.at("eos_token_id").get<int64_t>();
            const Ids greedy = referenceRows(runs[0].at("batched"), eos),
                      beam = referenceRows(runs[1].at("batched"), eos);
            bool early = false, full = false;
            for (const auto& r : greedy) (r.back() == eos ? early : full) = true;
            QVERIFY(early && full);
            QVERIFY(greedy != beam);
        }
    }

    void cachedLogitsMatchFullForward() {
        // Greedy ids from the cache equal those of a plain forward over the generated prefix, step by step.
        Fixture& f = fixture("tiny_b");
        GenerationOptions opts = defaultGenerationOptions(f.model->config());
        opts.maxLength = 12;
        const Ids ids = generate(f.model, f.pixels.narrow(0, 0, 1), opts);
        torch::NoGradGuard noGrad;
        auto input = torch::tensor(ids[0], torch::kLong).unsqueeze(0);
        auto logits = f.model->forward(f.pixels.narrow(0, 0, 1), input).logits;
        const int64_t image = f.model->config().vision.numImageTokens();
        for (size_t t = 0; t + 1 < ids[0].size(); ++t)
            QCOMPARE(logits[0][image + static_cast<int64_t>(t)].argmax().item<int64_t>(), ids[0][t + 1]);
    }

    void keepsTrainMode() {
        Fixture& f = fixture("tiny_a");
        f.model->train();
        GenerationOptions opts = defaultGenerationOptions(f.model->config());
        opts.maxLength = 20;
        const Ids ids = generate(f.model, f.pixels, opts);
        QVERIFY(f.model->is_training());
        f.model->eval();
        QCOMPARE(ids, referenceRows(f.reference.at("runs")[0].at("batched"), opts.eosTokenId));
    }

    void cancels() {
        Fixture& f = fixture("tiny_a");
        GenerationOptions opts = defaultGenerationOptions(f.model->config());
        int calls = 0;
        opts.shouldCancel = [&] { return ++calls > 3; };
        QVERIFY(generate(f.model, f.pixels, opts).empty());
        QCOMPARE(calls, 4);
        opts.numBeams = 2;
        calls = 0;
        QVERIFY(generate(f.model, f.pixels, opts).empty());
    }

    void refusesBadOptions_data() {
        QTest::addColumn<int>("maxLength");
        QTest::addColumn<int>("numBeams");
        QTest::addColumn<int>("numReturn");
        QTest::addColumn<int>("eos");
        QTest::addColumn<QString>("expected");
        QTest::newRow("max length 1") << 1 << 1 << 1 << 2 << "maxLength must be at least 2";
        QTest::newRow("beyond positions") << 65 << 1 << 1 << 2 << "exceeds the model's max_position_embeddings (64)";
        QTest::newRow("no beams") << 10 << 0 << 1 << 2 << "numBeams must be at least 1";
        QTest::newRow("beams > vocab / 2") << 10 << 501 << 1 << 2 << "numBeams 501 needs a vocabulary of at least 1002";
        QTest::newRow("greedy n") << 10 << 1 << 2 << 2 << "numReturnSequences must be between 1 and numBeams (1)";
        QTest::newRow("too many") << 10 << 2 << 3 << 2 << "numReturnSequences must be between 1 and numBeams (2)";
        QTest::newRow("eos outside") << 10 << 1 << 1 << 1000 << "token id 1000 is outside the vocabulary";
    }
    void refusesBadOptions() {
        QFETCH(int, maxLength);
        QFETCH(int, numBeams);
        QFETCH(int, numReturn);
        QFETCH(int, eos);
        QFETCH(QString, expected);
        Fixture& f = fixture("tiny_b");
        GenerationOptions opts = defaultGenerationOptions(f.model->config());
        opts.maxLength = maxLength;
        opts.numBeams = numBeams;
        opts.numReturnSequences = numReturn;
        opts.eosTokenId = eos;
        try {
            generate(f.model, f.pixels, opts);
            QFAIL("no error");
        } catch (const Error& e) {
            if (!QString(e.what()).contains(expected)) QFAIL(e.what());
        }
        QVERIFY_EXCEPTION_THROWN(
            generate(f.model, torch::zeros({3, 48, 48}), defaultGenerationOptions(f.model->config())), Error);
    }
};

QTEST_GUILESS_MAIN(TestGeneration)
#include "test_generation.moc"
