// GitForCausalLM against numbers computed by transformers 4.46 (tests/fixtures/model/make_fixtures.py):
// random-initialised models saved with save_pretrained, forward in eval mode on padded batches.
#include "captioner/error.h"
#include "captioner/git_config.h"
#include "captioner/git_model.h"
#include "captioner/model_presets.h"
#include "captioner/safetensors.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <cmath>
#include <map>

using namespace captioner;

namespace {

std::string dir(const QString& name) { return testsupport::fixture("model/" + name.toStdString()); }

GitForCausalLM loadFixtureModel(const QString& name) {
    const GitConfig config = loadGitConfig(dir(name) + "/config.json");
    GitForCausalLM model(config);
    const std::string weights = dir(name) + "/model.safetensors";
    model->loadStateDict(loadSafetensors(weights), weights);
    model->eval();
    return model;
}

torch::Tensor stored(const std::string& file, const std::string& name) {
    return SafetensorsFile::open(file)->tensor(name).clone();
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) {
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

} // namespace

class TestGitModel : public QObject {
    Q_OBJECT
private slots:
    // Results do not depend on the thread count; one thread avoids spin-waits when ctest runs suites in parallel.
    void initTestCase() { torch::set_num_threads(1); }

    void matchesTransformers_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("tiny_a (F16 weights, vocab 30522)") << "tiny_a";
        QTest::newRow("tiny_b (F32 weights, gelu_new/quick_gelu)") << "tiny_b";
    }
    void matchesTransformers() {
        QFETCH(QString, name);
        torch::NoGradGuard noGrad;
        auto model = loadFixtureModel(name);
        const std::string inputs = dir(name) + "/inputs.safetensors", expected = dir(name) + "/expected.safetensors";
        auto pixels = stored(inputs, "pixel_values");
        auto ids = stored(inputs, "input_ids");
        auto mask = stored(inputs, "attention_mask");
        QCOMPARE(ids.scalar_type(), torch::kLong);

        auto visual = model->encodeImage(pixels);
        QVERIFY(maxAbsDiff(visual, stored(expected, "visual_features")) < 1e-4);

        const GitOutput out = model->forward(pixels, ids, mask, ids);
        const auto file = SafetensorsFile::open(expected);
        auto logits = out.logits;
        QCOMPARE(logits.size(1), model->config().vision.numImageTokens() + ids.size(1));
        if (file->contains("vocab_index")) {
            QCOMPARE(logits.size(2), int64_t(30522));
            QVERIFY(maxAbsDiff(torch::logsumexp(logits, -1), stored(expected, "logsumexp")) < 1e-4);
            logits = logits.index_select(2, stored(expected, "vocab_index"));
        }
        const double diff = maxAbsDiff(logits, stored(expected, "logits"));
        qInfo("max |logits - HF| = %.3g", diff);
        QVERIFY(diff < 1e-4);

        const double loss = out.loss.item<double>(), hfLoss = stored(expected, "loss").item<double>();
        QVERIFY2(std::abs(loss - hfLoss) <= 1e-4 * std::abs(hfLoss),
                 qPrintable(QString("%1 vs %2").arg(loss).arg(hfLoss)));
        // Pad labels count unless set to -100, as in transformers.
        auto ignoring = ids.masked_fill(mask.eq(0), -100);
        const double lossIgnore = model->forward(pixels, ids, mask, ignoring).loss.item<double>();
        const double hfIgnore = stored(expected, "loss_ignore").item<double>();
        QVERIFY(std::abs(lossIgnore - hfIgnore) <= 1e-4 * std::abs(hfIgnore));
        QVERIFY(std::abs(lossIgnore - loss) > 1e-3);
    }

    void namesAreTheCheckpointsNames_data() { matchesTransformers_data(); }
    void namesAreTheCheckpointsNames() {
        QFETCH(QString, name);
        auto model = loadFixtureModel(name);
        const auto file = SafetensorsFile::open(dir(name) + "/model.safetensors");
        std::set<std::string> inFile, inModel;
        for (const auto& e : file->entries()) inFile.insert(e.name);
        for (const auto& [n, t] : model->namedTensorsHf()) {
            inModel.insert(n);
            QCOMPARE(t.sizes().vec(), file->entry(n).shape);
        }
        QCOMPARE(inModel, inFile);
        QVERIFY(inModel.count("git.image_encoder.vision_model.encoder.layers.0.self_attn.q_proj.weight"));
        QVERIFY(inModel.count("git.visual_projection.visual_projection.0.weight"));
        QVERIFY(inModel.count("git.embeddings.word_embeddings.weight"));
        QVERIFY(inModel.count("output.bias"));
    }

    void convertsHalfPrecisionTensors() {
        // tiny_a stores F16: hand the raw F16 tensors to loadStateDict, which must convert them itself.
        const std::string weights = dir("tiny_a") + "/model.safetensors";
        const auto file = SafetensorsFile::open(weights);
        std::map<std::string, torch::Tensor> raw;
        for (const auto& e : file->entries()) {
            QCOMPARE(e.dtype, std::string("F16"));
            raw[e.name] = file->tensor(e.name);
        }
        GitForCausalLM model(loadGitConfig(dir("tiny_a") + "/config.json"));
        model->loadStateDict(raw, weights);
        for (const auto& [n, t] : model->namedTensorsHf()) {
            QCOMPARE(t.scalar_type(), torch::kFloat32);
            QVERIFY(torch::equal(t, raw.at(n).to(torch::kFloat32)));
        }
        // BF16 input converts too (values rounded to bfloat16).
        std::map<std::string, torch::Tensor> bf16;
        for (const auto& [n, t] : raw) bf16[n] = t.to(torch::kBFloat16);
        model->loadStateDict(bf16, "bf16");
        QVERIFY(torch::equal(model->namedTensorsHf()[0].second,
                             bf16.at(model->namedTensorsHf()[0].first).to(torch::kFloat32)));
    }

    void strictLoadingNamesEveryProblem() {
        const std::string weights = dir("tiny_b") + "/model.safetensors";
        auto tensors = loadSafetensors(weights);
        GitForCausalLM model(loadGitConfig(dir("tiny_b") + "/config.json"));
        auto broken = tensors;
        broken.erase("git.encoder.layer.1.attention.self.key.bias");
        broken.erase("output.weight");
        broken["git.encoder.layer.9.output.dense.weight"] = torch::zeros({48, 96});
        broken["git.embeddings.position_embeddings.weight"] = torch::zeros({32, 48});
        broken["git.image_encoder.vision_model.embeddings.class_embedding"] = torch::zeros({47});
        testsupport::expectError(
            [&] { model->loadStateDict(broken, weights); }, weights,
            {"missing tensors: git.encoder.layer.1.attention.self.key.bias [48], output.weight [1000, 48]",
             "unexpected tensors: git.encoder.layer.9.output.dense.weight [48, 96]",
             "git.embeddings.position_embeddings.weight (file [32, 48], model [64, 48])",
             "git.image_encoder.vision_model.embeddings.class_embedding (file [47], model [48])"});
        auto integer = tensors;
        integer["output.bias"] = torch::zeros({1000}, torch::kLong);
        testsupport::expectError([&] { model->loadStateDict(integer, weights); }, weights, {"output.bias (Long)"});

        // Older transformers saved the position_ids buffers; they are accepted and ignored.
        auto withBuffers = tensors;
        withBuffers["git.embeddings.position_ids"] = torch::arange(64).unsqueeze(0);
        withBuffers["git.image_encoder.vision_model.embeddings.position_ids"] = torch::arange(10).unsqueeze(0);
        model->loadStateDict(withBuffers, weights);
        for (const auto& [n, t] : model->namedTensorsHf()) QVERIFY(torch::equal(t, tensors.at(n)));
    }

    void trainModeDropoutAndMaskShapes() {
        auto model = loadFixtureModel("tiny_a"); // dropout 0.1 in its config
        auto pixels = stored(dir("tiny_a") + "/inputs.safetensors", "pixel_values");
        auto ids = stored(dir("tiny_a") + "/inputs.safetensors", "input_ids");
        torch::NoGradGuard noGrad;
        auto evalA = model->forward(pixels, ids).logits;
        QVERIFY(torch::equal(evalA, model->forward(pixels, ids).logits));
        model->train();
        auto trainA = model->forward(pixels, ids).logits;
        QVERIFY(maxAbsDiff(trainA, evalA) > 1e-3);
        model->eval();
        // One image for two texts is repeated as transformers does.
        auto two = model->forward(pixels.narrow(0, 0, 1), ids).logits;
        QVERIFY(maxAbsDiff(two[0], evalA[0]) < 1e-5);
        testsupport::expectError([&] { model->forward(pixels.narrow(2, 0, 16), ids); }, "pixel_values",
                                 {"does not match"});
    }

    void gradientsFlow() {
        auto model = loadFixtureModel("tiny_b");
        model->train();
        auto pixels = stored(dir("tiny_b") + "/inputs.safetensors", "pixel_values");
        auto ids = stored(dir("tiny_b") + "/inputs.safetensors", "input_ids");
        auto loss = model->forward(pixels, ids, {}, ids).loss;
        loss.backward();
        for (const auto& [n, t] : model->namedTensorsHf()) {
            QVERIFY2(t.grad().defined(), n.c_str());
        }
        // nn.Embedding(padding_idx=pad): the pad row gets no gradient.
        for (const auto& p : model->named_parameters())
            if (p.key() == "git.embeddings.word_embeddings.weight")
                QCOMPARE(p.value().grad()[model->config().padTokenId].abs().sum().item<double>(), 0.0);
    }

    void initializationFollowsTransformers() {
        GitConfig c = presetConfig("tiny", 300);
        c.initializerRange = 0.05;
        GitForCausalLM a(c), b(c);
        initializeWeights(a, 7);
        initializeWeights(b, 7);
        for (size_t i = 0; i < a->namedTensorsHf().size(); ++i)
            QVERIFY(torch::equal(a->namedTensorsHf()[i].second, b->namedTensorsHf()[i].second));
        GitForCausalLM other(c);
        initializeWeights(other, 8);
        QVERIFY(!torch::equal(other->namedTensorsHf()[0].second, a->namedTensorsHf()[0].second));
        for (const auto& [n, t] : a->namedTensorsHf()) {
            const bool bias = QString::fromStdString(n).endsWith(".bias");
            const bool norm = QString::fromStdString(n).contains(
                QRegularExpression("LayerNorm|layer_norm|layrnorm|layernorm|visual_projection\\.1\\."));
            if (bias) {
                QVERIFY2(t.abs().max().item<double>() == 0.0, n.c_str());
            } else if (norm) {
                QVERIFY2(t.eq(1).all().item<bool>(), n.c_str());
            } else if (t.numel() > 5000) {
                const double expectedStd = n.rfind("git.image_encoder", 0) == 0 ? 0.02 : 0.05;
                const double std = t.std().item<double>();
                QVERIFY2(std::abs(std - expectedStd) < 0.1 * expectedStd, n.c_str());
            }
        }
        for (const auto& [n, t] : a->namedTensorsHf())
            if (n == "git.embeddings.word_embeddings.weight") QCOMPARE(t[c.padTokenId].abs().sum().item<double>(), 0.0);
    }

    void sinCosVisionPositions() {
        GitConfig c = presetConfig("tiny", 300); // 64 px, patch 8: an 8 x 8 grid, width 64 (16 per quarter)
        GitForCausalLM model(c);
        initializeWeights(model, 3);
        std::map<std::string, torch::Tensor> before;
        for (const auto& [n, t] : model->namedTensorsHf()) before[n] = t.clone();
        initVisionPositionsSinCos(model, 1.5);
        const std::string name = "git.image_encoder.vision_model.embeddings.position_embedding.weight";
        for (const auto& [n, t] : model->namedTensorsHf()) {
            if (n != name) {
                QVERIFY2(torch::equal(t, before[n]), n.c_str()); // nothing else is touched
                continue;
            }
            QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{65, 64}));
            QCOMPARE(t[0].abs().max().item<double>(), 0.0); // the class token has no place on the grid
            const double scale = 1.5 / std::sqrt(0.5);
            auto expect = [&](int64_t row, int64_t col, double value) {
                const double got = t[row][col].item<double>();
                QVERIFY2(std::abs(got - value * scale) < 1e-6,
                         qPrintable(QString("[%1][%2] = %3, want %4").arg(row).arg(col).arg(got).arg(value * scale)));
            };
            // Patch 10 is row 1, column 2 (row-major, as the patch convolution flattens): x = 2, y = 1.
            expect(11, 0, std::sin(2.0));  // sin(x), frequency 1
            expect(11, 16, std::cos(2.0)); // cos(x)
            expect(11, 32, std::sin(1.0)); // sin(y)
            expect(11, 48, std::cos(1.0)); // cos(y)
            expect(11, 5, std::sin(2.0 * std::pow(10000.0, -5.0 / 16)));
            expect(11, 53, std::cos(1.0 * std::pow(10000.0, -5.0 / 16)));
            expect(1, 16, 1.0); // patch 0: x = y = 0
            // Over the patch rows the table has the requested standard deviation (root mean square).
            const double rms = t.narrow(0, 1, 64).pow(2).mean().sqrt().item<double>();
            QVERIFY2(std::abs(rms - 1.5) < 1e-5, qPrintable(QString::number(rms)));
        }
        GitConfig odd = presetConfig("tiny", 300);
        odd.vision.hiddenSize = 66;
        odd.vision.numAttentionHeads = 3;
        GitForCausalLM oddModel(odd);
        try {
            initVisionPositionsSinCos(oddModel, 1.0);
            QFAIL("expected an error");
        } catch (const captioner::Error& e) {
            QCOMPARE(std::string(e.what()), std::string("vision_config: hidden_size 66 is not divisible by 4"));
        }
    }

    void presetsBuildAndRun() {
        for (const auto& name : presetNames()) {
            if (name == "git-base") continue; // 177M parameters; built by the benchmark, not in unit tests
            GitForCausalLM model(presetConfig(name, 200));
            initializeWeights(model, 1);
            model->eval();
            torch::NoGradGuard noGrad;
            const auto& c = model->config();
            auto out = model->forward(torch::randn({2, 3, c.vision.imageSize, c.vision.imageSize}),
                                      torch::randint(0, 200, {2, 5}), {}, torch::randint(0, 200, {2, 5}));
            QCOMPARE(out.logits.sizes().vec(), (std::vector<int64_t>{2, 65 + 5, 200}));
            QVERIFY(std::isfinite(out.loss.item<double>()));
        }
        // git-base: the parameter and tensor counts of transformers' GitForCausalLM(GitConfig()).
        GitForCausalLM base(presetConfig("git-base"));
        int64_t count = 0;
        for (const auto& [n, t] : base->namedTensorsHf()) count += t.numel();
        QCOMPARE(count, int64_t(176619066));
        QCOMPARE(base->namedTensorsHf().size(), size_t(305));
    }
};

QTEST_GUILESS_MAIN(TestGitModel)
#include "test_git_model.moc"
