// captionImages' decoding defaults and its one cancel path: a checkpoint's options carry its own token
// ids, default-constructed options never fall back to BERT's, and a cancel - between batches or in the
// middle of a generation, through CaptionOptions::shouldCancel or GenerationOptions::shouldCancel -
// returns exactly the batches finished before it, in order (before, a cancel inside generate() made
// captionImages index an empty result).
#include "captioner/caption_pipeline.h"
#include "captioner/error.h"
#include "captioner/image_io.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace captioner;

namespace {

std::string imagePath(const std::string& name) { return testsupport::fixture("image/input/" + name); }

const std::vector<std::string>& sixImages() {
    static const std::vector<std::string> paths = {
        imagePath("photo_320x240.jpg"), imagePath("landscape_rgb_400x267.png"), imagePath("photo_150x110.bmp"),
        imagePath("grey_256x300.png"),  imagePath("photo_350x262.webp"),        imagePath("palette_260x230.png")};
    return paths;
}

// Which hook a test cancels through.
enum class Hook { Caption, Generation };

} // namespace

class TestCaptionCancel : public QObject {
    Q_OBJECT
    std::optional<GitCheckpoint> m_ck;
    std::vector<CaptionResult> m_greedy, m_beam; // uncancelled runs of sixImages(), batch 2

    // Without an end token every generation takes all maxLength - 1 steps, so a cancel at step 2 is
    // always in the middle of one.
    CaptionOptions options(int numBeams) {
        CaptionOptions o;
        o.generation = generationOptionsFor(*m_ck, 8, numBeams, 1.0);
        o.generation.eosTokenId = GenerationOptions::kNoEndToken;
        o.batchSize = 2;
        return o;
    }
    const std::vector<CaptionResult>& reference(int numBeams) const { return numBeams == 1 ? m_greedy : m_beam; }

    static void compareResults(const std::vector<CaptionResult>& got, const std::vector<CaptionResult>& expected) {
        for (size_t i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].image, expected.at(i).image);
            QCOMPARE(got[i].tokenIds, expected.at(i).tokenIds);
            QCOMPARE(got[i].caption, expected.at(i).caption);
            QCOMPARE(got[i].error, expected.at(i).error);
        }
    }

private slots:
    void initTestCase() {
        m_ck = loadCheckpoint(testsupport::fixture("pipeline/model"));
        m_greedy = captionImages(*m_ck, sixImages(), options(1));
        m_beam = captionImages(*m_ck, sixImages(), options(3));
        QCOMPARE(m_greedy.size(), size_t(6));
        QCOMPARE(m_beam.size(), size_t(6));
        for (const auto& r : m_greedy) {
            QVERIFY2(r.ok(), r.error.c_str());
            QCOMPARE(r.tokenIds.size(), size_t(8));
        }
    }

    void checkpointOptionsCarryItsIds() {
        for (const char* dir : {"pipeline/model", "pipeline/ours_tiny"}) {
            const auto ck = loadCheckpoint(testsupport::fixture(dir));
            const CaptionOptions o = captionOptionsFor(ck);
            QCOMPARE(o.generation.bosTokenId, ck.tokenizer->clsTokenId());
            QCOMPARE(o.generation.eosTokenId, ck.tokenizer->sepTokenId());
            QCOMPARE(o.generation.padTokenId, ck.config.padTokenId);
            QCOMPARE(o.generation.maxLength, 50);
            QCOMPARE(o.generation.numBeams, 1);
            QCOMPARE(o.batchSize, 0); // automatic: autoCaptionBatchSize (README: Throughput)
        }
        // Both fixtures use BERT's ids; with [CLS] moved to id 1 in the vocabulary, the options follow.
        QTemporaryDir tmp;
        const std::string dir = tmp.path().toStdString();
        for (const char* f : {"config.json", "model.safetensors", "preprocessor_config.json"})
            testsupport::writeFile(dir + "/" + f,
                                   testsupport::readFile(testsupport::fixture("pipeline/ours_tiny/") + f));
        std::string vocab = testsupport::readFile(testsupport::fixture("pipeline/ours_tiny/vocab.txt"));
        const auto swap = [&](const std::string& a, const std::string& b) {
            const size_t i = vocab.find("\n" + a + "\n"), j = vocab.find("\n" + b + "\n");
            QVERIFY(i != std::string::npos && j != std::string::npos && i < j);
            vocab.replace(j + 1, b.size(), a);
            vocab.replace(i + 1, a.size(), b);
        };
        swap("[unused0]", "[CLS]");
        testsupport::writeFile(dir + "/vocab.txt", vocab);
        const auto moved = loadCheckpoint(dir);
        QCOMPARE(moved.tokenizer->clsTokenId(), int64_t(1));
        QCOMPARE(captionOptionsFor(moved).generation.bosTokenId, int64_t(1));
        QCOMPARE(captionOptionsFor(moved).generation.eosTokenId, int64_t(102));
    }

    void defaultOptionsHaveNoIds() {
        const GenerationOptions g;
        QCOMPARE(g.bosTokenId, GenerationOptions::kUnsetTokenId);
        QCOMPARE(g.eosTokenId, GenerationOptions::kUnsetTokenId);
        QCOMPARE(g.padTokenId, GenerationOptions::kUnsetTokenId);
        const auto pixels = m_ck->processor.preprocess(decodeImageRgb(sixImages()[0])).unsqueeze(0);
        try {
            generate(m_ck->model, pixels, g);
            QFAIL("generate accepted options without token ids");
        } catch (const Error& e) {
            QCOMPARE(std::string(e.what()),
                     std::string("generation options: token ids are unset: start from defaultGenerationOptions(config) "
                                 "or captionOptionsFor(checkpoint), which take them from the model"));
        }
        // captionImages fills unset ids from the checkpoint: the same captions as with its options.
        CaptionOptions withIds;
        withIds.generation = generationOptionsFor(*m_ck, 20, 1, 1.0);
        CaptionOptions o;
        o.generation.maxLength = 20;
        const auto results = captionImages(*m_ck, sixImages(), o);
        QCOMPARE(results.size(), size_t(6));
        compareResults(results, captionImages(*m_ck, sixImages(), withIds));
    }

    void moreReturnSequencesStillOneCaptionPerImage() {
        CaptionOptions o = options(3);
        o.generation.numReturnSequences = 3;
        const auto results = captionImages(*m_ck, sixImages(), o);
        QCOMPARE(results.size(), size_t(6));
        compareResults(results, m_beam);
    }

    void cancelBeforeAnything() {
        CaptionOptions o = options(1);
        int delivered = 0;
        o.onResult = [&](const CaptionResult&) { ++delivered; };
        o.shouldCancel = [] { return true; };
        QCOMPARE(captionImages(*m_ck, sixImages(), o).size(), size_t(0));
        QCOMPARE(delivered, 0);
    }

    void cancelBetweenBatches() {
        CaptionOptions o = options(1);
        std::vector<std::string> delivered;
        o.onResult = [&](const CaptionResult& r) { delivered.push_back(r.image); };
        o.shouldCancel = [&] { return delivered.size() >= 4; };
        const auto results = captionImages(*m_ck, sixImages(), o);
        QCOMPARE(results.size(), size_t(4));
        compareResults(results, m_greedy);
        QCOMPARE(delivered, std::vector<std::string>(sixImages().begin(), sixImages().begin() + 4));
    }

    void cancelInsideGeneration_data() {
        QTest::addColumn<int>("hook");
        QTest::addColumn<int>("numBeams");
        QTest::addColumn<int>("finishedBatches");
        QTest::newRow("caption hook, greedy, second batch") << int(Hook::Caption) << 1 << 1;
        QTest::newRow("generation hook, greedy, second batch") << int(Hook::Generation) << 1 << 1;
        QTest::newRow("caption hook, beam 3, third batch") << int(Hook::Caption) << 3 << 2;
        QTest::newRow("generation hook, beam 3, third batch") << int(Hook::Generation) << 3 << 2;
        QTest::newRow("generation hook, greedy, first batch") << int(Hook::Generation) << 1 << 0;
    }
    void cancelInsideGeneration() {
        QFETCH(int, hook);
        QFETCH(int, numBeams);
        QFETCH(int, finishedBatches);
        const size_t finished = static_cast<size_t>(2 * finishedBatches);
        CaptionOptions o = options(numBeams);
        std::vector<std::string> delivered;
        o.onResult = [&](const CaptionResult& r) { delivered.push_back(r.image); };
        // Once the finished batches are delivered: poll 1 is captionImages' check before the next batch,
        // poll 2 comes before generation step 1 of that batch, poll 3 before step 2 - cancel there.
        int polls = 0;
        const auto cancel = [&] { return delivered.size() >= finished && ++polls >= 3; };
        (Hook(hook) == Hook::Caption ? o.shouldCancel : o.generation.shouldCancel) = cancel;
        const auto results = captionImages(*m_ck, sixImages(), o);
        QCOMPARE(polls, 3); // cancelled mid-generation, not between batches
        QCOMPARE(results.size(), finished);
        compareResults(results, reference(numBeams));
        QCOMPARE(delivered, std::vector<std::string>(sixImages().begin(), sixImages().begin() + long(finished)));
    }

    // A file that failed to decode in the batch in flight is dropped with it: results stay a prefix.
    void cancelledBatchIsDroppedWhole() {
        QTemporaryDir tmp;
        const std::string bad = (tmp.path() + "/broken.png").toStdString();
        testsupport::writeFile(bad, "\x89PNG\r\n\x1a\nnot really");
        const std::vector<std::string> paths = {sixImages()[0], sixImages()[1], bad, sixImages()[2]};
        CaptionOptions o = options(1);
        int delivered = 0, polls = 0;
        o.onResult = [&](const CaptionResult&) { ++delivered; };
        o.shouldCancel = [&] { return delivered >= 2 && ++polls >= 3; };
        const auto results = captionImages(*m_ck, paths, o);
        QCOMPARE(results.size(), size_t(2));
        QCOMPARE(delivered, 2);
        compareResults(results, m_greedy);
    }
};

QTEST_GUILESS_MAIN(TestCaptionCancel)
#include "test_caption_cancel.moc"
