// Checkpoint folders end to end against transformers 4.46 (tests/fixtures/pipeline/README.md):
// image files -> our decoder + CLIP preprocessing -> GIT -> generate -> BERT decode must give the ids
// and captions HF's GitProcessor + generate give; a checkpoint we write must be read by HF the way we
// read it; saving is lossless and atomic; broken folders are refused with the file named.
#include "captioner/caption_pipeline.h"
#include "captioner/error.h"
#include "captioner/image_io.h"
#include "captioner/model_presets.h"
#include "captioner/safetensors.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>

namespace fs = std::filesystem;
using namespace captioner;

namespace {

std::string imagePath(const std::string& name) { return testsupport::fixture("image/input/" + name); }

std::vector<int64_t> idsOf(const nlohmann::json& j) { return j.get<std::vector<int64_t>>(); }

void copyDir(const std::string& from, const std::string& to) {
    fs::create_directories(to);
    for (const auto& e : fs::directory_iterator(from)) fs::copy_file(e.path(), fs::path(to) / e.path().filename());
}

} // namespace

class TestCaptionPipeline : public QObject {
    Q_OBJECT
    nlohmann::json m_ref;
    nlohmann::json m_oursRef;

private slots:
    // The batch size `captioner caption` and the app use when none is given (README: Throughput).
    void automaticBatchSize() {
        const GitConfig base = presetConfig("git-base");
        // Per image: the key/value cache of 6 layers over 197 image + 50 text tokens (9,105,408 bytes) and
        // the widest text layer over those 247 tokens, MLP 3072 + 12 heads' scores, in and out (11,927,136).
        QCOMPARE(captionActivationBytes(base, 50, 1), uint64_t(21032544));
        QCOMPARE(captionActivationBytes(base, 50, 3), uint64_t(63097632));           // all of it per beam
        const uint64_t quarterOfWeights = 176000000;                                 // git-base: 706 MB of fp32 weights
        QCOMPARE(autoCaptionBatchSize(base, 50, 1, 2, false, quarterOfWeights), 8);  // 2 cores
        QCOMPARE(autoCaptionBatchSize(base, 50, 1, 1, false, quarterOfWeights), 4);  // 4 per thread
        QCOMPARE(autoCaptionBatchSize(base, 50, 1, 16, false, quarterOfWeights), 8); // at most 8 on the CPU
        QCOMPARE(autoCaptionBatchSize(base, 50, 1, 2, false, 100000000), 4);         // bounded by memory
        QCOMPARE(autoCaptionBatchSize(base, 50, 3, 2, false, quarterOfWeights), 2);  // beams count
        QCOMPARE(autoCaptionBatchSize(base, 50, 1, 2, false, 0), 1);                 // never 0
        QCOMPARE(autoCaptionBatchSize(base, 50, 1, 2, true, uint64_t(1) << 30), 32); // CUDA
        QCOMPARE(autoCaptionBatchSize(base, 50, 1, 2, true, uint64_t(1) << 28), 12);
    }

    void initTestCase() {
        m_ref = testsupport::readJson(testsupport::fixture("pipeline/model_reference.json"));
        m_oursRef = testsupport::readJson(testsupport::fixture("pipeline/ours_reference.json"));
    }

    void captionsEqualTransformers_data() {
        QTest::addColumn<int>("numBeams");
        QTest::addColumn<int>("batchSize");
        QTest::newRow("greedy, batch 1") << 1 << 1;
        QTest::newRow("greedy, batch 3") << 1 << 3;
        QTest::newRow("beam 3, batch 1") << 3 << 1;
        QTest::newRow("beam 3, batch 4") << 3 << 4;
    }
    void captionsEqualTransformers() {
        QFETCH(int, numBeams);
        QFETCH(int, batchSize);
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/model"));
        QCOMPARE(ck.storedDtype, std::string("F16"));
        QCOMPARE(ck.tokenizer->kind(), std::string("wordpiece"));
        CaptionOptions opts;
        opts.generation = generationOptionsFor(ck, 20, numBeams, 1.0);
        opts.batchSize = batchSize;
        std::vector<std::string> paths;
        for (const auto& n : m_ref["images"]) paths.push_back(imagePath(n.get<std::string>()));
        int streamed = 0;
        opts.onResult = [&](const CaptionResult& r) { QCOMPARE(r.image, paths[static_cast<size_t>(streamed++)]); };
        const auto results = captionImages(ck, paths, opts);
        QCOMPARE(streamed, static_cast<int>(paths.size()));
        const auto& expected = m_ref[numBeams == 1 ? "greedy" : "beam3"];
        for (size_t i = 0; i < results.size(); ++i) {
            const auto& e = expected[m_ref["images"][i].get<std::string>()];
            QVERIFY2(results[i].ok(), results[i].error.c_str());
            QCOMPARE(results[i].tokenIds, idsOf(e["ids"]));
            QCOMPARE(results[i].caption, e["caption"].get<std::string>());
            QVERIFY(results[i].seconds > 0);
        }
    }

    void badImageIsReportedOthersStillCaptioned() {
        QTemporaryDir tmp;
        const std::string bad = (tmp.path() + "/broken.png").toStdString();
        testsupport::writeFile(bad, "\x89PNG\r\n\x1a\nnot really");
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/model"));
        CaptionOptions opts;
        opts.generation = generationOptionsFor(ck, 20, 1, 1.0);
        const std::string good = imagePath("photo_320x240.jpg");
        const auto results = captionImages(ck, {good, bad, good}, opts);
        QCOMPARE(results.size(), size_t(3));
        QVERIFY(results[0].ok() && results[2].ok());
        QVERIFY(!results[1].ok());
        QVERIFY2(results[1].error.find(bad) != std::string::npos, results[1].error.c_str());
        QCOMPARE(results[0].tokenIds, idsOf(m_ref["greedy"]["photo_320x240.jpg"]["ids"]));
        QCOMPARE(results[2].tokenIds, results[0].tokenIds);
    }

    void cancelStopsBetweenBatches() {
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/model"));
        CaptionOptions opts;
        opts.generation = generationOptionsFor(ck, 20, 1, 1.0);
        opts.batchSize = 1;
        int done = 0;
        opts.onResult = [&](const CaptionResult&) { ++done; };
        opts.shouldCancel = [&] { return done >= 2; };
        const std::string img = imagePath("photo_320x240.jpg");
        QCOMPARE(captionImages(ck, {img, img, img, img}, opts).size(), size_t(2));
    }

    void scoreEqualsTransformersLoss() {
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/model"));
        const auto& s = m_ref["score"];
        const auto r = scoreCaption(ck, imagePath(s["image"].get<std::string>()), s["text"].get<std::string>());
        QCOMPARE(r.inputIds, idsOf(s["input_ids"]));
        const double expected = s["loss"].get<double>();
        QVERIFY2(std::abs(r.loss - expected) <= 1e-4 * std::abs(expected),
                 qPrintable(QString("loss %1 vs HF %2").arg(r.loss, 0, 'g', 10).arg(expected, 0, 'g', 10)));
    }

    void tokenizerOfFolderEqualsTransformers() {
        const auto tok = loadTokenizer(testsupport::fixture("pipeline/model"));
        for (const auto& t : m_ref["tokenize"])
            QCOMPARE(tok->encode(t["text"].get<std::string>()), idsOf(t["input_ids"]));
    }

    // `captioner init` wrote ours_tiny; transformers loaded it (make_fixtures.py) and computed these.
    void checkpointWeWriteReadsAsTransformersReadsIt() {
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/ours_tiny"));
        QCOMPARE(ck.config.vocabSize, int64_t(1100));
        const auto& s = m_oursRef["score"];
        const auto r = scoreCaption(ck, imagePath(s["image"].get<std::string>()), s["text"].get<std::string>());
        QCOMPARE(r.inputIds, idsOf(s["input_ids"]));
        QVERIFY(std::abs(r.loss - s["loss"].get<double>()) <= 1e-4 * s["loss"].get<double>());
        CaptionOptions opts;
        opts.generation = generationOptionsFor(ck, 20, 1, 1.0);
        for (const auto& name : m_oursRef["images"]) {
            const auto res = captionImages(ck, {imagePath(name.get<std::string>())}, opts);
            QCOMPARE(res.at(0).tokenIds, idsOf(m_oursRef["greedy"][name.get<std::string>()]["ids"]));
        }
        // Logits at the last text position for the first 64 vocabulary entries.
        c10::InferenceMode guard;
        const auto pixels =
            ck.processor.preprocess(decodeImageRgb(imagePath(s["image"].get<std::string>()))).unsqueeze(0);
        const auto ids = torch::tensor(idsOf(s["input_ids"])).unsqueeze(0);
        const auto logits = ck.model->forward(pixels, ids).logits[0][-1].slice(0, 0, 64);
        const auto expected = torch::tensor(m_oursRef["logits_first_image_last_position"].get<std::vector<float>>());
        QVERIFY2(torch::allclose(logits, expected, 0, 1e-4), "logits differ from transformers' reading of our files");
    }

    void saveRoundTripIsLossless() {
        QTemporaryDir tmp;
        const std::string out = (tmp.path() + "/saved").toStdString();
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/ours_tiny"));
        saveCheckpoint(ck, out);
        for (const char* f : {"model.safetensors", "config.json", "vocab.txt", "preprocessor_config.json"})
            QCOMPARE(testsupport::readFile(out + "/" + f),
                     testsupport::readFile(testsupport::fixture("pipeline/ours_tiny/") + f));
        // F16 weights are saved as F32 with the same values.
        const std::string out2 = (tmp.path() + "/from_f16").toStdString();
        auto half = loadCheckpoint(testsupport::fixture("pipeline/model"));
        saveCheckpoint(half, out2);
        const auto a = loadSafetensors(testsupport::fixture("pipeline/model/model.safetensors"));
        const auto b = loadSafetensors(out2 + "/model.safetensors");
        QCOMPARE(a.size(), b.size());
        for (const auto& [name, t] : a) QVERIFY2(torch::equal(t, b.at(name)), name.c_str());
        QCOMPARE(SafetensorsFile::open(out2 + "/model.safetensors")->entries().front().dtype, std::string("F32"));
        QVERIFY(!fs::exists(tmp.path().toStdString() + "/.saved.tmp"));
        for (const auto& e : fs::directory_iterator(tmp.path().toStdString()))
            QVERIFY2(e.path().filename().string()[0] != '.', e.path().c_str()); // no temp folders left
    }

    void saveIntoExistingFolderKeepsOtherFiles() {
        QTemporaryDir tmp;
        const std::string out = tmp.path().toStdString();
        fs::create_directories(out + "/checkpoint-50");
        testsupport::writeFile(out + "/README.md", "model card");
        auto ck = loadCheckpoint(testsupport::fixture("pipeline/ours_tiny"));
        saveCheckpoint(ck, out);
        QVERIFY(fs::is_directory(out + "/checkpoint-50"));
        QCOMPARE(testsupport::readFile(out + "/README.md"), std::string("model card"));
        QVERIFY(isGitCheckpoint(out));
        QCOMPARE(loadCheckpoint(out).parameterCount(), ck.parameterCount());
    }

    void brokenFoldersNameTheProblem() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        testsupport::expectError([&] { loadCheckpoint(root + "/nope"); }, root + "/nope", {"does not exist"});
        testsupport::expectError([&] { loadCheckpoint(root); }, root, {"no config.json"});

        const std::string pickle = root + "/pickle";
        copyDir(testsupport::fixture("pipeline/ours_tiny"), pickle);
        fs::rename(pickle + "/model.safetensors", pickle + "/pytorch_model.bin");
        testsupport::expectError([&] { loadCheckpoint(pickle); }, pickle + "/pytorch_model.bin", {"convert"});

        const std::string bert = root + "/bert";
        copyDir(testsupport::fixture("pipeline/ours_tiny"), bert);
        auto cfg = testsupport::readJson(bert + "/config.json");
        cfg["model_type"] = "bert";
        testsupport::writeFile(bert + "/config.json", cfg.dump());
        testsupport::expectError([&] { loadCheckpoint(bert); }, bert + "/config.json", {"bert"});
        std::string why;
        QVERIFY(!isGitCheckpoint(bert, &why));
        QVERIFY2(why.find("bert") != std::string::npos, why.c_str());

        const std::string notok = root + "/notok";
        copyDir(testsupport::fixture("pipeline/ours_tiny"), notok);
        fs::remove(notok + "/vocab.txt");
        testsupport::expectError([&] { loadCheckpoint(notok); }, notok, {"tokenizer"});

        const std::string size = root + "/size";
        copyDir(testsupport::fixture("pipeline/ours_tiny"), size);
        auto pp = testsupport::readJson(size + "/preprocessor_config.json");
        pp["crop_size"] = {{"height", 224}, {"width", 224}};
        testsupport::writeFile(size + "/preprocessor_config.json", pp.dump());
        testsupport::expectError([&] { loadCheckpoint(size); }, size + "/preprocessor_config.json", {"expects 64x64"});

        const std::string trunc = root + "/trunc";
        copyDir(testsupport::fixture("pipeline/ours_tiny"), trunc);
        fs::resize_file(trunc + "/model.safetensors", 5000);
        testsupport::expectError([&] { loadCheckpoint(trunc); }, trunc + "/model.safetensors", {""});
    }

    void devices() {
        QCOMPARE(resolveDevice("cpu"), torch::Device(torch::kCPU));
        testsupport::expectError([] { resolveDevice("tpu"); }, "--device tpu", {"unknown device"});
        if (!torch::cuda::is_available())
            testsupport::expectError([] { resolveDevice("cuda"); }, "--device cuda", {"no CUDA"});
    }
};

QTEST_GUILESS_MAIN(TestCaptionPipeline)
#include "test_caption_pipeline.moc"
