// BatchLoader: batches equal whatever the worker count, rows exactly as decode + preprocess +
// tokenize give them, padding as Hugging Face's tokenizer with padding=True (fixture), seeded order
// and captions, bad images skipped and named, resume by skipping, bounded prefetch.
#include "test_support.h"

#include <captioner/batch_loader.h>
#include <captioner/demo_dataset.h>
#include <captioner/error.h>
#include <captioner/image_io.h>
#include <captioner/runtime.h>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fstream>
#include <set>
#include <thread>

using namespace captioner;

namespace {

ClipImageProcessor smallProcessor() {
    ClipImageProcessorConfig c;
    c.shortestEdge = 32;
    c.cropHeight = c.cropWidth = 32;
    return ClipImageProcessor(c);
}

std::vector<int64_t> row(const torch::Tensor& t, int64_t r) {
    const torch::Tensor x = t[r].contiguous();
    return std::vector<int64_t>(x.data_ptr<int64_t>(), x.data_ptr<int64_t>() + x.numel());
}

bool sameBatch(const Batch& a, const Batch& b) {
    return a.indices == b.indices && a.captions == b.captions && a.batchIndex == b.batchIndex &&
           a.pixelValues.sizes() == b.pixelValues.sizes() && torch::equal(a.pixelValues, b.pixelValues) &&
           torch::equal(a.inputIds, b.inputIds) && torch::equal(a.attentionMask, b.attentionMask) &&
           a.skipped.size() == b.skipped.size();
}

std::vector<Batch> epoch(BatchLoader& loader, int e) {
    loader.startEpoch(e);
    std::vector<Batch> out;
    while (auto b = loader.next()) out.push_back(std::move(*b));
    return out;
}

} // namespace

class TestBatchLoader : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::vector<TrainingExample> m_examples;
    std::shared_ptr<const Tokenizer> m_tokenizer;

    BatchLoader make(BatchLoaderOptions o, std::vector<TrainingExample> ex = {}) {
        return BatchLoader(ex.empty() ? m_examples : std::move(ex), smallProcessor(), m_tokenizer, o);
    }

private slots:
    void initTestCase() {
        DemoDatasetOptions d;
        d.count = 22;
        d.imageSize = 32;
        writeDemoDataset(m_dir.path().toStdString() + "/demo", d);
        std::ifstream meta(m_dir.path().toStdString() + "/demo/metadata.jsonl");
        std::string line;
        while (std::getline(meta, line)) {
            const auto j = nlohmann::json::parse(line);
            const std::string text = j.at("text");
            m_examples.push_back({m_dir.path().toStdString() + "/demo/" + j.at("file_name").get<std::string>(),
                                  {text, "one more caption", "and a third, longer caption for the same picture"}});
        }
        QCOMPARE(int(m_examples.size()), 22);
        m_tokenizer = std::shared_ptr<const Tokenizer>(
            WordPieceTokenizer::fromVocabFile(findDataFile("bert-base-uncased-vocab.txt")));
    }

    void sameBatchesWhateverTheWorkers() {
        BatchLoaderOptions o;
        o.batchSize = 5;
        o.workers = 1;
        o.prefetchBatches = 1;
        BatchLoader one = make(o);
        o.workers = 3;
        o.prefetchBatches = 4;
        BatchLoader three = make(o);
        QCOMPARE(one.batchesPerEpoch(), int64_t(5));
        for (int e : {0, 1}) {
            const auto a = epoch(one, e), b = epoch(three, e);
            QCOMPARE(int(a.size()), 5);
            QCOMPARE(int(b.size()), 5);
            std::multiset<size_t> seen;
            for (size_t k = 0; k < a.size(); ++k) {
                QVERIFY2(sameBatch(a[k], b[k]), qPrintable(QString("epoch %1 batch %2").arg(e).arg(k)));
                QCOMPARE(a[k].batchIndex, int64_t(k));
                QCOMPARE(a[k].pixelValues.size(0), k < 4 ? int64_t(5) : int64_t(2));
                seen.insert(a[k].indices.begin(), a[k].indices.end());
            }
            QCOMPARE(int(seen.size()), 22);
            QCOMPARE(int(std::set<size_t>(seen.begin(), seen.end()).size()), 22); // each once
        }
        // Another epoch, another order; the same epoch again, the same order.
        QVERIFY(epoch(one, 0)[0].indices != epoch(one, 1)[0].indices);
        QVERIFY(sameBatch(epoch(one, 2)[1], epoch(three, 2)[1]));
        o.seed = 43;
        BatchLoader other = make(o);
        QVERIFY(epoch(other, 0)[0].indices != epoch(one, 0)[0].indices);
    }

    void rowsAreDecodedPreprocessedAndTokenized() {
        BatchLoaderOptions o;
        o.batchSize = 8;
        BatchLoader loader = make(o);
        const ClipImageProcessor proc = smallProcessor();
        for (const Batch& b : epoch(loader, 3)) {
            QCOMPARE(b.pixelValues.dim(), int64_t(4));
            QCOMPARE(b.pixelValues.size(1), int64_t(3));
            QCOMPARE(b.pixelValues.size(2), int64_t(32));
            QCOMPARE(b.pixelValues.scalar_type(), torch::kFloat32);
            QCOMPARE(b.inputIds.scalar_type(), torch::kInt64);
            QCOMPARE(b.attentionMask.scalar_type(), torch::kInt64);
            int64_t longest = 0;
            for (size_t r = 0; r < b.indices.size(); ++r) {
                const TrainingExample& ex = m_examples[b.indices[r]];
                QVERIFY(torch::equal(b.pixelValues[int64_t(r)], proc.preprocess(decodeImageRgb(ex.imagePath))));
                QVERIFY(std::find(ex.captions.begin(), ex.captions.end(), b.captions[r]) != ex.captions.end());
                std::vector<int64_t> ids = m_tokenizer->encode(b.captions[r]);
                longest = std::max<int64_t>(longest, int64_t(ids.size()));
                const auto mask = row(b.attentionMask, int64_t(r));
                ids.resize(size_t(b.inputIds.size(1)), m_tokenizer->padTokenId());
                QCOMPARE(row(b.inputIds, int64_t(r)), ids);
                QCOMPARE(std::accumulate(mask.begin(), mask.end(), int64_t(0)),
                         int64_t(m_tokenizer->encode(b.captions[r]).size()));
            }
            QCOMPARE(b.inputIds.size(1), longest); // padded to the longest in the batch only
        }
    }

    void paddingMatchesHuggingFace() {
        const auto ref = testsupport::readJson(testsupport::fixture("batch_loader/padding.json"));
        QCOMPARE(ref.at("pad_token_id").get<int64_t>(), m_tokenizer->padTokenId());
        for (const auto& c : ref.at("cases")) {
            std::vector<TrainingExample> ex;
            for (const auto& cap : c.at("captions")) ex.push_back({m_examples[0].imagePath, {cap.get<std::string>()}});
            BatchLoaderOptions o;
            o.batchSize = 3;
            o.shuffle = false;
            o.maxTextLength = c.at("max_length").get<int>();
            BatchLoader loader = make(o, ex);
            const auto batches = epoch(loader, 0);
            QCOMPARE(int(batches.size()), 1);
            const Batch& b = batches[0];
            const auto ids = c.at("input_ids").get<std::vector<std::vector<int64_t>>>();
            const auto mask = c.at("attention_mask").get<std::vector<std::vector<int64_t>>>();
            QCOMPARE(b.inputIds.size(0), int64_t(ids.size()));
            for (size_t r = 0; r < ids.size(); ++r) {
                QCOMPARE(row(b.inputIds, int64_t(r)), ids[r]);
                QCOMPARE(row(b.attentionMask, int64_t(r)), mask[r]);
            }
        }
    }

    void captionsAreSampledPerEpochAndSeeded() {
        BatchLoaderOptions o;
        o.batchSize = 22;
        o.shuffle = false;
        BatchLoader a = make(o), b = make(o);
        std::set<std::string> chosenForFirst;
        std::vector<std::string> firstEpochCaptions;
        for (int e = 0; e < 8; ++e) {
            const Batch x = epoch(a, e)[0], y = epoch(b, e)[0];
            QCOMPARE(x.captions, y.captions);
            for (size_t r = 0; r < x.indices.size(); ++r) QCOMPARE(x.indices[r], r); // no shuffle
            chosenForFirst.insert(x.captions[0]);
            if (e == 0) firstEpochCaptions = x.captions;
            else QVERIFY(x.captions != firstEpochCaptions);
        }
        QCOMPARE(int(chosenForFirst.size()), 3);
    }

    void dropLastKeepsFullBatches() {
        BatchLoaderOptions o;
        o.batchSize = 5;
        o.dropLast = true;
        BatchLoader loader = make(o);
        QCOMPARE(loader.batchesPerEpoch(), int64_t(4));
        const auto batches = epoch(loader, 0);
        QCOMPARE(int(batches.size()), 4);
        for (const auto& b : batches) QCOMPARE(b.pixelValues.size(0), int64_t(5));
    }

    void badImagesAreSkippedAndNamed() {
        const std::string dir = m_dir.path().toStdString();
        testsupport::writeFile(dir + "/corrupt.png", "\x89PNG\r\n\x1a\n not really");
        std::vector<TrainingExample> ex(m_examples.begin(), m_examples.begin() + 4);
        ex.push_back({dir + "/corrupt.png", {"a red circle"}});
        ex.push_back({dir + "/missing.jpg", {"a blue star"}});
        ex.push_back({m_examples[5].imagePath, {}});
        BatchLoaderOptions o;
        o.batchSize = 4;
        o.workers = 2;
        BatchLoader loader = make(o, ex);
        std::map<size_t, std::string> skipped;
        size_t rows = 0;
        for (const Batch& b : epoch(loader, 0)) {
            QCOMPARE(size_t(b.pixelValues.size(0)), b.indices.size());
            QCOMPARE(size_t(b.inputIds.size(0)), b.indices.size());
            rows += b.indices.size();
            for (const auto& s : b.skipped) {
                QCOMPARE(s.imagePath, ex[s.index].imagePath);
                skipped[s.index] = s.reason;
            }
        }
        QCOMPARE(rows, size_t(4));
        QCOMPARE(int(skipped.size()), 3);
        QVERIFY(!skipped[4].empty() && !skipped[5].empty());
        QCOMPARE(skipped[6], std::string("no caption"));

        // A batch of nothing but bad images comes back empty, with the right shapes.
        std::vector<TrainingExample> bad = {{dir + "/missing.jpg", {"x"}}, {dir + "/corrupt.png", {"y"}}};
        BatchLoader allBad = make(o, bad);
        const auto batches = epoch(allBad, 0);
        QCOMPARE(int(batches.size()), 1);
        QCOMPARE(batches[0].pixelValues.sizes().vec(), (std::vector<int64_t>{0, 3, 32, 32}));
        QCOMPARE(batches[0].inputIds.size(0), int64_t(0));
        QCOMPARE(int(batches[0].skipped.size()), 2);
    }

    void resumingSkipsBatches() {
        BatchLoaderOptions o;
        o.batchSize = 3;
        o.workers = 2;
        BatchLoader loader = make(o);
        const auto full = epoch(loader, 4);
        QCOMPARE(int(full.size()), 8);
        loader.startEpoch(4);
        loader.skipBatches(3);
        std::vector<Batch> rest;
        while (auto b = loader.next()) rest.push_back(std::move(*b));
        QCOMPARE(int(rest.size()), 5);
        for (size_t k = 0; k < rest.size(); ++k) QVERIFY(sameBatch(rest[k], full[k + 3]));
        loader.startEpoch(4, 6);
        QVERIFY(sameBatch(*loader.next(), full[6]));
        loader.skipBatches(100);
        QVERIFY(!loader.next());
        // Restart in the middle of an epoch: the new epoch starts cleanly.
        loader.startEpoch(4);
        loader.next();
        loader.startEpoch(4);
        QVERIFY(sameBatch(*loader.next(), full[0]));
    }

    void prefetchIsBounded() {
        BatchLoaderOptions o;
        o.batchSize = 2;
        o.workers = 3;
        o.prefetchBatches = 2;
        BatchLoader loader = make(o);
        loader.startEpoch(0);
        // Workers run ahead up to the bound and then wait (polling keeps this robust on a busy machine).
        for (int i = 0; i < 500 && loader.stats().batchesBuilt < 2; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        QCOMPARE(loader.stats().batchesBuilt, int64_t(2));
        int n = 0;
        while (loader.next()) ++n;
        QCOMPARE(n, 11);
        QCOMPARE(loader.stats().maxPending, int64_t(2));
    }

    // Pixel tensors are built into pooled buffers: one is used again only once nothing outside the
    // loader holds it (nor a view of it), so a batch kept by the caller never changes under it, and
    // batches released at once cycle through a handful of buffers instead of a new one each.
    void pixelBuffersAreReusedOnlyWhenReleased() {
        BatchLoaderOptions o;
        o.batchSize = 2; // 11 batches an epoch
        o.workers = 1;
        o.prefetchBatches = 2;
        auto first = make(o);
        const auto reference = epoch(first, 0); // every batch held: none could be reused
        std::set<const void*> held;
        for (const auto& b : reference) held.insert(b.pixelValues.data_ptr());
        QCOMPARE(held.size(), reference.size());
        std::vector<torch::Tensor> copies;
        for (const auto& b : reference) copies.push_back(b.pixelValues.clone());

        auto loader = make(o);
        loader.startEpoch(0);
        std::set<const void*> used;
        const torch::Tensor kept = loader.next()->pixelValues[1]; // a view of the first batch, kept
        const torch::Tensor keptCopy = kept.clone();
        for (size_t k = 1; k < reference.size(); ++k) {
            const auto b = loader.next();
            QVERIFY(b);
            QVERIFY2(sameBatch(*b, reference[k]), qPrintable(QString::number(k)));
            QVERIFY(b->pixelValues.storage().data() != kept.storage().data());
            QCOMPARE(b->pixelValues.use_count(), 2); // the batch and the pool: a pooled buffer
            used.insert(b->pixelValues.data_ptr());
        }
        QVERIFY(!loader.next());
        QVERIFY(torch::equal(kept, keptCopy));
        QVERIFY2(used.size() <= 4, qPrintable(QString::number(used.size()))); // 10 batches, 4 buffers
        for (size_t k = 0; k < reference.size(); ++k) QVERIFY(torch::equal(reference[k].pixelValues, copies[k]));
    }

    // A renderer (the demo's fresh images) replaces the files and captions: every row is exactly the
    // rendered image preprocessed and its caption tokenized, a function of (epoch, index) whatever the
    // worker count, new images every epoch, and a throwing renderer leaves the example out, named.
    void renderedExamplesReplaceFiles() {
        auto scene = [](int epoch, size_t index) { return freshDemoScene(7, epoch, index); };
        BatchLoaderOptions o;
        o.batchSize = 5;
        o.renderer = [scene](int epoch, size_t index) {
            if (epoch == 2 && index == 3) throw Error("renderer", "no scene for example 3");
            const DemoScene s = scene(epoch, index);
            return RenderedExample{renderScene(s, 32), describeScene(s)};
        };
        std::vector<TrainingExample> missing; // files that do not exist and no captions: never read
        for (int i = 0; i < 12; ++i) missing.push_back({"/nonexistent/" + std::to_string(i) + ".png", {}});
        o.workers = 1;
        auto one = make(o, missing);
        o.workers = 3;
        auto three = make(o, missing);
        const auto e0 = epoch(one, 0), e0b = epoch(three, 0), e1 = epoch(one, 1);
        QCOMPARE(e0.size(), e0b.size());
        for (size_t b = 0; b < e0.size(); ++b) QVERIFY(sameBatch(e0[b], e0b[b]));
        int rows = 0, differ = 0;
        for (const auto& b : e0) {
            QVERIFY(b.skipped.empty());
            for (size_t r = 0; r < b.indices.size(); ++r, ++rows) {
                const DemoScene s = scene(0, b.indices[r]);
                QCOMPARE(b.captions[r], describeScene(s));
                const auto expected = smallProcessor().preprocess(renderScene(s, 32));
                QVERIFY(torch::equal(b.pixelValues[int64_t(r)], expected));
                const auto ids = m_tokenizer->encode(describeScene(s), true);
                const auto got = row(b.inputIds, int64_t(r));
                QVERIFY(std::equal(ids.begin(), ids.end(), got.begin()));
            }
        }
        QCOMPARE(rows, 12);
        for (const auto& b : e1)
            for (size_t r = 0; r < b.indices.size(); ++r) {
                const DemoScene s = scene(1, b.indices[r]);
                QCOMPARE(b.captions[r], describeScene(s));
                differ += describeScene(s) != describeScene(scene(0, b.indices[r]));
            }
        QVERIFY2(differ >= 6, qPrintable(QString::number(differ))); // new scenes, not the same ones again
        int skipped = 0;
        for (const auto& b : epoch(one, 2))
            for (const auto& k : b.skipped) {
                ++skipped;
                QCOMPARE(k.index, size_t(3));
                QVERIFY2(QString::fromStdString(k.reason).contains("no scene for example 3"), k.reason.c_str());
            }
        QCOMPARE(skipped, 1);
    }

    void misuseGivesErrors() {
        BatchLoaderOptions o;
        BatchLoader loader = make(o);
        QVERIFY_EXCEPTION_THROWN(loader.next(), Error);
        o.batchSize = 0;
        QVERIFY_EXCEPTION_THROWN(make(o), Error);
        o.batchSize = 2;
        o.maxTextLength = 1;
        QVERIFY_EXCEPTION_THROWN(make(o), Error);
        QVERIFY_EXCEPTION_THROWN(BatchLoader(m_examples, smallProcessor(), nullptr, BatchLoaderOptions{}), Error);
        // Destroying a loader that is busy prefetching joins its workers without hanging.
        BatchLoaderOptions busy;
        busy.batchSize = 1;
        busy.workers = 3;
        BatchLoader(m_examples, smallProcessor(), m_tokenizer, busy).startEpoch(0);
    }
};

QTEST_GUILESS_MAIN(TestBatchLoader)
#include "test_batch_loader.moc"
