// GitConfig against config.json files written by transformers' save_pretrained (tests/fixtures/model).
#include "captioner/error.h"
#include "captioner/git_config.h"
#include "captioner/model_presets.h"
#include "test_support.h"

#include <QtTest/QtTest>

using namespace captioner;

class TestGitConfig : public QObject {
    Q_OBJECT
private slots:
    void loadsHfWrittenConfigWithOmittedDefaults() {
        // tiny_a's vision_config omits hidden_act, layer_norm_eps, num_channels... (equal to the defaults).
        const GitConfig c = loadGitConfig(testsupport::fixture("model/tiny_a/config.json"));
        QCOMPARE(c.vocabSize, int64_t(30522));
        QCOMPARE(c.hiddenSize, int64_t(16));
        QCOMPARE(c.numHiddenLayers, int64_t(2));
        QCOMPARE(c.numAttentionHeads, int64_t(4));
        QCOMPARE(c.intermediateSize, int64_t(64));
        QCOMPARE(c.initializerRange, 0.3);
        QCOMPARE(c.layerNormEps, 1e-12);
        QCOMPARE(c.hiddenDropoutProb, 0.1);
        QCOMPARE(c.bosTokenId, int64_t(101));
        QCOMPARE(c.eosTokenId, int64_t(102));
        QVERIFY(!c.numImageWithEmbedding.has_value());
        QCOMPARE(c.vision.hiddenSize, int64_t(32));
        QCOMPARE(c.vision.imageSize, int64_t(32));
        QCOMPARE(c.vision.patchSize, int64_t(8));
        QCOMPARE(c.vision.hiddenAct, std::string("quick_gelu"));
        QCOMPARE(c.vision.layerNormEps, 1e-5);
        QCOMPARE(c.vision.numChannels, int64_t(3));
        QCOMPARE(c.vision.numImageTokens(), int64_t(17));
        QCOMPARE(c.extra.at("torch_dtype").get<std::string>(), std::string("float16"));

        const GitConfig b = loadGitConfig(testsupport::fixture("model/tiny_b/config.json"));
        QCOMPARE(b.vision.hiddenAct, std::string("gelu_new"));
        QCOMPARE(b.vision.layerNormEps, 1e-6);
        QCOMPARE(b.hiddenAct, std::string("quick_gelu"));
        QCOMPARE(b.maxPositionEmbeddings, int64_t(64));
        QCOMPARE(b.bosTokenId, int64_t(1));
        QCOMPARE(b.vision.numImageTokens(), int64_t(10));
    }

    void writesWhatTransformersWrites_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("tiny_a") << "model/tiny_a/config.json";
        QTest::newRow("tiny_b") << "model/tiny_b/config.json";
    }
    void writesWhatTransformersWrites() {
        QFETCH(QString, file);
        const auto path = testsupport::fixture(file.toStdString());
        const nlohmann::json original = testsupport::readJson(path);
        const GitConfig c = gitConfigFromJson(original, path);
        QCOMPARE(gitConfigToJson(c).dump(1), original.dump(1));
        QVERIFY(gitConfigFromJson(gitConfigToJson(c), "round trip") == c);
    }

    void absentKeysAreDefaults() {
        const GitConfig c = gitConfigFromJson({{"model_type", "git"}}, "minimal.json");
        QVERIFY(c == GitConfig());
        QCOMPARE(c.vision.imageSize, int64_t(224));
        QCOMPARE(c.vision.numImageTokens(), int64_t(197));
        const auto j = gitConfigToJson(c);
        QCOMPARE(j.at("vision_config"), nlohmann::json({{"model_type", "git_vision_model"}}));
        QCOMPARE(j.at("architectures"), nlohmann::json({"GitForCausalLM"}));
        QVERIFY(j.at("num_image_with_embedding").is_null());
    }

    void roundTripsEveryField() {
        GitConfig c = presetConfig("tiny", 1234);
        c.hiddenAct = "gelu_new";
        c.vision.hiddenAct = "relu";
        c.vision.layerNormEps = 1e-6;
        c.vision.attentionDropout = 0.25;
        c.vision.initializerRange = 0.5;
        c.vision.numChannels = 1;
        c.layerNormEps = 1e-7;
        c.useCache = false;
        c.maxPositionEmbeddings = 77;
        c.padTokenId = 3;
        c.bosTokenId = 4;
        c.eosTokenId = 5;
        c.extra["custom_key"] = {1, 2};
        c.extra["transformers_version"] = "4.46.0";
        c.vision.extra["projection_dim"] = 512;
        QVERIFY(gitConfigFromJson(gitConfigToJson(c), "round trip") == c);
        // A config without the bookkeeping keys gets them on writing; the JSON is then stable.
        const auto once = gitConfigToJson(GitConfig());
        QCOMPARE(gitConfigToJson(gitConfigFromJson(once, "again")), once);
        QCOMPARE(once.at("transformers_version").get<std::string>(), std::string("4.46.0"));
        QCOMPARE(once.at("torch_dtype").get<std::string>(), std::string("float32"));
        GitConfig d = c;
        d.vision.patchSize = 16;
        QVERIFY(!(gitConfigFromJson(gitConfigToJson(d), "round trip") == c));
    }

    void refusesBadConfigs_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bert") << R"({"model_type": "bert"})"
                              << "model_type 'bert' is not a GIT model";
        QTest::newRow("no model_type") << R"({"hidden_size": 8})"
                                       << "no model_type";
        QTest::newRow("string size") << R"({"model_type": "git", "hidden_size": "768"})"
                                     << "'hidden_size' must be an integer";
        QTest::newRow("fraction") << R"({"model_type": "git", "num_hidden_layers": 2.5})"
                                  << "'num_hidden_layers' must be an integer";
        QTest::newRow("negative") << R"({"model_type": "git", "num_hidden_layers": -1})"
                                  << "'num_hidden_layers' must be at least 0";
        QTest::newRow("dropout") << R"({"model_type": "git", "hidden_dropout_prob": 1.5})"
                                 << "'hidden_dropout_prob' must be in [0, 1]";
        QTest::newRow("relative") << R"({"model_type": "git", "position_embedding_type": "relative_key"})"
                                  << "'position_embedding_type' 'relative_key' is not supported";
        QTest::newRow("video") << R"({"model_type": "git", "num_image_with_embedding": 6})"
                               << "'num_image_with_embedding' is set: video GIT models";
        QTest::newRow("tied") << R"({"model_type": "git", "tie_word_embeddings": true})"
                              << "'tie_word_embeddings' is true";
        QTest::newRow("activation") << R"({"model_type": "git", "hidden_act": "swishy"})"
                                    << "'hidden_act' names unknown activation 'swishy'";
        QTest::newRow("vision key") << R"({"model_type": "git", "vision_config": {"patch_size": "x"}})"
                                    << "'vision_config.patch_size' must be an integer";
        QTest::newRow("vision heads")
            << R"({"model_type": "git", "vision_config": {"num_attention_heads": 7}})"
            << "'vision_config.hidden_size' (768) must be a multiple of num_attention_heads (7)";
        QTest::newRow("patches") << R"({"model_type": "git", "vision_config": {"image_size": 100}})"
                                 << "'vision_config.image_size' (100) must be a multiple of patch_size (16)";
        QTest::newRow("heads") << R"({"model_type": "git", "num_attention_heads": 5})"
                               << "must be a multiple of num_attention_heads (5)";
        QTest::newRow("eos") << R"({"model_type": "git", "vocab_size": 50})"
                             << "'bos_token_id' (101) must be below vocab_size (50)";
        QTest::newRow("vision not object") << R"({"model_type": "git", "vision_config": 3})"
                                           << "'vision_config' must be an object";
        QTest::newRow("use_cache") << R"({"model_type": "git", "use_cache": "yes"})"
                                   << "'use_cache' must be true or false";
    }
    void refusesBadConfigs() {
        QFETCH(QString, json);
        QFETCH(QString, expected);
        try {
            gitConfigFromJson(nlohmann::json::parse(json.toStdString()), "/some/config.json");
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QString("/some/config.json"));
            if (!QString::fromStdString(e.reason()).contains(expected)) QFAIL(e.what());
        }
    }

    void fileErrorsNameTheFile() {
        const QString dir = QDir::tempPath() + "/captioner_test_git_config";
        QDir().mkpath(dir);
        const std::string bad = (dir + "/broken.json").toStdString();
        testsupport::writeFile(bad, "{not json");
        try {
            loadGitConfig(bad);
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), bad);
            QVERIFY(QString(e.what()).contains("not valid JSON"));
        }
        QVERIFY_EXCEPTION_THROWN(loadGitConfig((dir + "/absent.json").toStdString()), Error);
    }

    void presets() {
        QCOMPARE(presetNames(), (std::vector<std::string>{"git-base", "tiny"}));
        const GitConfig base = presetConfig("git-base");
        QCOMPARE(base.hiddenSize, int64_t(768));
        QCOMPARE(base.numHiddenLayers, int64_t(6));
        QCOMPARE(base.vision.numHiddenLayers, int64_t(12));
        QCOMPARE(base.vision.numImageTokens(), int64_t(197));
        QCOMPARE(base.vocabSize, int64_t(30522));
        const GitConfig tiny = presetConfig("tiny", 500);
        QCOMPARE(tiny.vocabSize, int64_t(500));
        QCOMPARE(tiny.vision.imageSize, int64_t(64));
        QCOMPARE(tiny.vision.patchSize, int64_t(8));
        QCOMPARE(tiny.hiddenSize, int64_t(64));
        QCOMPARE(tiny.vision.hiddenSize, int64_t(64));
        QCOMPARE(tiny.numHiddenLayers + tiny.vision.numHiddenLayers, int64_t(4));
        QCOMPARE(tiny.numAttentionHeads, int64_t(4));
        QCOMPARE(tiny.intermediateSize, int64_t(256));
        QCOMPARE(tiny.hiddenDropoutProb, 0.0);
        QCOMPARE(tiny.attentionProbsDropoutProb, 0.0);
        try {
            presetConfig("huge");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY(QString(e.what()).contains("unknown preset 'huge' (valid: git-base, tiny)"));
        }
    }
};

QTEST_GUILESS_MAIN(TestGitConfig)
#include "test_git_config.moc"
