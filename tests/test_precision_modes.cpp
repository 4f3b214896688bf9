// The opt-in precision modes (captioner/inference_precision.h): fp32 stays bit-identical to transformers'
// ids, int8 and bf16 run and stay within the agreement README's "Precision modes" table documents on the
// fixture models and the demo model, and bf16 is refused, with the reason, on a CPU without native bf16.
#include "captioner/caption_pipeline.h"
#include "captioner/demo_model.h"
#include "captioner/error.h"
#include "captioner/image_io.h"
#include "captioner/inference_precision.h"
#include "captioner/precision_agreement.h"
#include "captioner/safetensors.h"

#include "cli_run.h"
#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>

namespace fs = std::filesystem;
using namespace captioner;
using testsupport::CliOptions;
using testsupport::runCli;

namespace {

// The documented agreement (README, "Precision modes"): the bounds these tests hold each mode to.
struct Bounds {
    double minImageAgreement, minTokenAgreement, maxLogitDifference;
};
// The fixture models are random and tiny (hidden 16, 30,522 words): many near-ties between the top two
// logits, so a small change flips a greedy choice and the rest of the caption with it.
constexpr Bounds kInt8Fixture{0.375, 0.55, 0.5};
constexpr Bounds kBf16Fixture{0.5, 0.55, 0.3};
constexpr Bounds kInt8Demo{0.7, 0.8, 0.1};
constexpr Bounds kBf16Demo{0.7, 0.8, 0.1};

const char* kAvx2Cpuinfo = "processor\t: 0\n"
                           "model name\t: Example AVX2 CPU\n"
                           "flags\t\t: fpu sse2 avx fma avx2\n"
                           "\n"
                           "processor\t: 1\n"
                           "model name\t: Example AVX2 CPU\n"
                           "flags\t\t: fpu sse2 avx fma avx2 avx512_bf16\n";

std::string modelDir(const std::string& name) { return testsupport::fixture("model/" + name); }

GitCheckpoint fixtureCheckpoint(const std::string& name) {
    GitCheckpoint ck;
    ck.config = loadGitConfig(modelDir(name) + "/config.json");
    ck.model = GitForCausalLM(ck.config);
    ck.model->loadStateDict(loadSafetensors(modelDir(name) + "/model.safetensors"), name);
    ck.model->eval();
    return ck;
}

// The fixture's three generation images and 13 more, seeded, in the processor's value range.
torch::Tensor fixtureImages(const std::string& name) {
    auto pixels = SafetensorsFile::open(modelDir(name) + "/inputs.safetensors")->tensor("gen_pixel_values").clone();
    torch::manual_seed(7);
    auto more = torch::randn({13, pixels.size(1), pixels.size(2), pixels.size(3)});
    return torch::cat({pixels, more}, 0);
}

void checkWithin(const PrecisionAgreement& a, const Bounds& b, const char* what) {
    qInfo("%s: %lld/%lld images identical (%.3f), tokens %.4f, max logit difference %.4g (max |logit| %.3g)", what,
          static_cast<long long>(a.identicalImages), static_cast<long long>(a.images), a.imageAgreement(),
          a.tokenAgreement(), a.maxLogitDifference, a.maxAbsLogit);
    QVERIFY2(a.imageAgreement() >= b.minImageAgreement, what);
    QVERIFY2(a.tokenAgreement() >= b.minTokenAgreement, what);
    QVERIFY2(a.maxLogitDifference <= b.maxLogitDifference, what);
    QVERIFY2(a.maxLogitDifference > 0, what); // the mode really ran: its arithmetic differs from fp32's
}

} // namespace

class TestPrecisionModes : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    DemoRecipe m_recipe;

    std::vector<std::string> demoImages() const {
        auto all = listImageFiles(demoPaths(m_recipe.dir).data);
        all.resize(std::min<size_t>(all.size(), 24));
        return all;
    }

    // The demo base model's greedy ids for its first images, through the caption pipeline.
    std::vector<std::vector<int64_t>> demoIds(GitCheckpoint& ck) const {
        CaptionOptions options = captionOptionsFor(ck);
        options.batchSize = 8;
        std::vector<std::vector<int64_t>> ids;
        for (const auto& r : captionImages(ck, demoImages(), options)) ids.push_back(r.tokenIds);
        return ids;
    }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_recipe.dir = m_tmp.filePath(QStringLiteral("demo")).toStdString();
        m_recipe.imageCount = 24;
        m_recipe.workers = 1;
        prepareDemo(m_recipe);
    }

    void namesRoundTrip() {
        for (auto p : {InferencePrecision::Fp32, InferencePrecision::Bf16, InferencePrecision::Int8})
            QCOMPARE(parseInferencePrecision(inferencePrecisionName(p)), p);
        testsupport::expectError([] { parseInferencePrecision("fp16"); }, "precision",
                                 {"unknown precision 'fp16' (expected fp32, bf16 or int8)"});
    }

    void cpuinfoFirstProcessorOnly() {
        const CpuCapabilities cpu = cpuCapabilitiesFromCpuinfo(kAvx2Cpuinfo);
        QCOMPARE(cpu.modelName, std::string("Example AVX2 CPU"));
        QCOMPARE(cpu.flags, (std::vector<std::string>{"avx", "avx2", "fma", "fpu", "sse2"}));
        QVERIFY(cpu.has("avx2"));
        QVERIFY(!cpu.has("avx512_bf16"));
    }

    void bf16NeedsNativeSupport() {
        const CpuCapabilities avx2 = cpuCapabilitiesFromCpuinfo(kAvx2Cpuinfo);
        const PrecisionAvailability refused = bf16Availability(avx2, true);
        QVERIFY(!refused.available);
        QCOMPARE(refused.detail, std::string("this CPU (Example AVX2 CPU) has no native bf16 (AVX512-BF16/AMX); bf16 "
                                             "would be slower than fp32; use int8 or fp32"));
        CpuCapabilities bf16Cpu = avx2;
        bf16Cpu.flags = {"avx2", "avx512_bf16", "avx512f"};
        QVERIFY(bf16Availability(bf16Cpu, true).available);
        QCOMPARE(bf16Availability(bf16Cpu, true).detail,
                 std::string("native bf16 (AVX512-BF16) through oneDNN on this CPU (Example AVX2 CPU)"));
        QVERIFY(!bf16Availability(bf16Cpu, false).available);
        bf16Cpu.flags = {"amx_bf16", "avx2"};
        QVERIFY(bf16Availability(bf16Cpu, true).detail.find("AMX-BF16") != std::string::npos);
        QVERIFY(int8Availability().available);
        QVERIFY(!int8EngineName().empty());
    }

    // `captioner caption --precision bf16` on an AVX2-only CPU (its /proc/cpuinfo faked): refused, with why.
    void cliRefusesBf16WithoutNativeSupport() {
        const QString cpuinfo = m_tmp.filePath(QStringLiteral("cpuinfo"));
        testsupport::writeFile(cpuinfo.toStdString(), kAvx2Cpuinfo);
        const QString model = QString::fromStdString(testsupport::fixture("pipeline/model"));
        const QString image = QString::fromStdString(testsupport::fixture("image/input/photo_320x240.jpg"));
        const auto opts = CliOptions().withEnv(QStringLiteral("CAPTIONER_CPUINFO"), cpuinfo);
        auto r = runCli({"caption", "--model", model, "--precision", "bf16", image},
                        CliOptions(opts).withoutEnv(kForceBf16Variable));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("this CPU (Example AVX2 CPU) has no native bf16 (AVX512-BF16/AMX); "
                                               "bf16 would be slower than fp32; use int8 or fp32")),
                 qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
        r = runCli({"info"}, opts);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("cpu: Example AVX2 CPU (avx2 fma)\nprecision bf16: not available: "
                                               "this CPU (Example AVX2 CPU) has no native bf16")),
                 qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("precision int8: available, dynamically quantized Linear layers")));
        // Forced, it runs (slowly) and captions the image.
        r = runCli({"caption", "--model", model, "--precision", "bf16", image},
                   CliOptions(opts).withEnv(kForceBf16Variable, QStringLiteral("1")));
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(image + QLatin1Char('\t')));
        r = runCli({"caption", "--model", model, "--precision", "fp16", image});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QStringLiteral("--precision must be fp32, bf16 or int8")));
    }

    void cliCaptionsInInt8() {
        const QString model = QString::fromStdString(testsupport::fixture("pipeline/model"));
        const QString image = QString::fromStdString(testsupport::fixture("image/input/photo_320x240.jpg"));
        const auto r = runCli({"caption", "--model", model, "--precision", "int8", "--json", image});
        QCOMPARE(r.exitCode, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j.at("image").get<std::string>(), image.toStdString());
        QVERIFY(j.at("token_ids").size() >= 2);
    }

    // fp32 is the default and changes nothing: the same weight tensors, transformers' ids exactly.
    void fp32IsUnchanged() {
        for (const char* name : {"tiny_a", "tiny_b"}) {
            GitCheckpoint ck = fixtureCheckpoint(name);
            const auto before = ck.model->outputWeight().data_ptr();
            applyInferencePrecision(ck, InferencePrecision::Fp32);
            QCOMPARE(inferencePrecisionOf(ck), InferencePrecision::Fp32);
            QCOMPARE(ck.model->outputWeight().data_ptr(), before);
            const auto reference = testsupport::readJson(modelDir(name) + "/generation.json");
            auto pixels =
                SafetensorsFile::open(modelDir(name) + "/inputs.safetensors")->tensor("gen_pixel_values").clone();
            int checked = 0;
            for (const auto& run : reference.at("runs")) {
                if (run.at("settings").at("num_beams").get<int>() != 1) continue;
                GenerationOptions o = defaultGenerationOptions(ck.config);
                o.maxLength = run.at("settings").at("max_length").get<int>();
                const auto ids = generate(ck.model, pixels, o);
                const auto want = run.at("batched").get<std::vector<std::vector<int64_t>>>(); // padded after the end
                QCOMPARE(ids.size(), want.size());
                for (size_t i = 0; i < ids.size(); ++i)
                    for (size_t t = 0; t < ids[i].size(); ++t) QCOMPARE(ids[i][t], want[i][t]);
                ++checked;
            }
            QVERIFY(checked > 0);
        }
    }

    void int8OnFixtures() {
        for (const char* name : {"tiny_a", "tiny_b"}) {
            GitCheckpoint fp32 = fixtureCheckpoint(name), int8 = fixtureCheckpoint(name);
            applyInferencePrecision(int8, InferencePrecision::Int8);
            QCOMPARE(inferencePrecisionOf(int8), InferencePrecision::Int8);
            QCOMPARE(inferencePrecisionOf(fp32), InferencePrecision::Fp32);
            checkWithin(
                comparePrecision(fp32.model, int8.model, fixtureImages(name), defaultGenerationOptions(fp32.config)),
                kInt8Fixture, name);
            testsupport::expectError([&] { applyInferencePrecision(int8, InferencePrecision::Bf16, true); },
                                     "precision", {"the model is already in int8; load it again to caption in bf16"});
        }
    }

    // Forced where the CPU has no native bf16: slow, but the arithmetic is the same.
    void bf16OnFixtures() {
        for (const char* name : {"tiny_a", "tiny_b"}) {
            GitCheckpoint fp32 = fixtureCheckpoint(name), bf16 = fixtureCheckpoint(name);
            applyInferencePrecision(bf16, InferencePrecision::Bf16, true);
            QCOMPARE(inferencePrecisionOf(bf16), InferencePrecision::Bf16);
            QCOMPARE(bf16.model->outputWeight().scalar_type(), torch::kBFloat16);
            checkWithin(
                comparePrecision(fp32.model, bf16.model, fixtureImages(name), defaultGenerationOptions(fp32.config)),
                kBf16Fixture, name);
        }
    }

    // The demo model (its base model here: training takes minutes) on the demo's own images, through the
    // caption pipeline the CLI and the app use.
    void demoModel() {
        const std::string dir = demoPaths(m_recipe.dir).baseModel;
        GitCheckpoint fp32 = loadCheckpoint(dir), int8 = loadCheckpoint(dir), bf16 = loadCheckpoint(dir);
        applyInferencePrecision(int8, InferencePrecision::Int8);
        applyInferencePrecision(bf16, InferencePrecision::Bf16, true);
        const auto want = demoIds(fp32);
        QCOMPARE(want.size(), size_t(24));
        PrecisionAgreement a8 = compareSequences(want, demoIds(int8)), a16 = compareSequences(want, demoIds(bf16));
        // Logits on the same images, preprocessed as the pipeline does.
        std::vector<torch::Tensor> images;
        for (const auto& path : demoImages()) images.push_back(fp32.processor.preprocess(decodeImageRgb(path)));
        const auto pixels = torch::stack(images);
        const auto opts = captionOptionsFor(fp32).generation;
        const auto l8 = comparePrecision(fp32.model, int8.model, pixels, opts);
        const auto l16 = comparePrecision(fp32.model, bf16.model, pixels, opts);
        // Dynamic quantization scales each call's activations by the batch's own range: the pipeline's
        // batches of 8 and this batch of 24 may differ in an image or two, each within the bounds.
        checkWithin(l8, kInt8Demo, "demo int8, generate() on one batch");
        checkWithin(l16, kBf16Demo, "demo bf16, generate() on one batch");
        a8.maxLogitDifference = l8.maxLogitDifference;
        a8.maxAbsLogit = l8.maxAbsLogit;
        a16.maxLogitDifference = l16.maxLogitDifference;
        a16.maxAbsLogit = l16.maxAbsLogit;
        checkWithin(a8, kInt8Demo, "demo int8");
        checkWithin(a16, kBf16Demo, "demo bf16");
    }
};

QTEST_GUILESS_MAIN(TestPrecisionModes)
#include "test_precision_modes.moc"
