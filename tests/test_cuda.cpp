// The CUDA paths no CPU machine exercises: autocast on CUDA (fp16, bf16, nesting), a training step on
// the GPU in fp32/bf16/fp16 against the CPU's fp32 loss, fp16 training with dynamic loss scaling, the
// CUDA generator's state in checkpoints (a resumed dropout run equals an uninterrupted one), and
// captions on `cuda` equal to the CPU's and to transformers'. Each is skipped, with the reason, where
// LibTorch has no CUDA (Debian's 1.13) or no device is visible; scripts/gpu-check runs this first on a
// GPU machine. `captioner info`'s CUDA line is checked everywhere. NCCL: test_cuda_nccl.cpp.
#include "cli_run.h"
#include "test_support.h"
#include "trainer_test_util.h"

#include "captioner/caption_pipeline.h"
#include "captioner/cuda_info.h"
#include "captioner/mixed_precision.h"
#include "captioner/safetensors.h"

#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <filesystem>

namespace fs = std::filesystem;
using captioner::Precision;
using captioner::TrainingEventType;
using trainer_test::Recorder;

namespace {

// Why CUDA tests cannot run here; empty when they can.
std::string whyNoCuda() {
    if (!captioner::cudaBuiltIn())
        return "LibTorch " TORCH_VERSION " here is CPU-only; CUDA tests need a CUDA LibTorch (scripts/setup-libtorch2) "
               "and a GPU (scripts/gpu-check)";
    if (!torch::cuda::is_available())
        return "LibTorch " TORCH_VERSION " has CUDA, but no CUDA device is visible (no GPU or no NVIDIA driver here)";
    return {};
}

#define REQUIRE_CUDA()                                                                                                 \
    do {                                                                                                               \
        const std::string why_ = whyNoCuda();                                                                          \
        if (!why_.empty()) QSKIP(why_.c_str());                                                                        \
    } while (false)

// Largest absolute difference between two safetensors files' tensors of the same names.
double maxWeightDifference(const std::string& a, const std::string& b) {
    const auto ta = captioner::loadSafetensors(a), tb = captioner::loadSafetensors(b);
    double worst = 0;
    for (const auto& [name, t] : ta) {
        const auto it = tb.find(name);
        if (it == tb.end() || !it->second.sizes().equals(t.sizes())) return INFINITY;
        worst = std::max(worst, (t.to(torch::kDouble) - it->second.to(torch::kDouble)).abs().max().item<double>());
    }
    return tb.size() == ta.size() ? worst : INFINITY;
}

// Plain fp32 on the GPU: cuDNN convolutions (the patch embedding) default to TF32, which rounds their
// inputs to 10-bit mantissas; comparing fp32 against the CPU means turning that off for the test.
struct NoTf32 {
    bool previous = at::globalContext().allowTF32CuDNN();
    NoTf32() { at::globalContext().setAllowTF32CuDNN(false); }
    ~NoTf32() { at::globalContext().setAllowTF32CuDNN(previous); }
};

} // namespace

class TestCuda : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_tmp;
    captioner::DemoRecipe m_recipe;
    std::vector<double> m_cpuLosses; // the CPU fp32 run every GPU step is compared with

    std::string out(const std::string& name) const { return (fs::path(m_tmp.path().toStdString()) / name).string(); }

    // The demo data and model, made on first use only (a CPU machine skips before needing them).
    void ensureDemo() {
        if (!m_recipe.dir.empty()) return;
        m_recipe.dir = out("demo");
        m_recipe.imageCount = 120;
        m_recipe.workers = 1;
        captioner::prepareDemo(m_recipe);
    }

    // Losses of the first steps of one seeded run (dropout 0: the same numbers on any device).
    std::vector<double> stepLosses(const std::string& device, Precision precision, const std::string& name) {
        ensureDemo();
        auto o = trainer_test::quickOptions(m_recipe, out(name));
        o.device = device;
        o.precision = precision;
        o.maxSteps = 2;
        o.loadBestModelAtEnd = false;
        Recorder rec;
        const auto summary = captioner::Trainer(o, &rec).run();
        if (summary.status != "completed") qWarning("%s", summary.message.c_str());
        std::vector<double> losses;
        for (const auto& e : rec.of(TrainingEventType::Step)) losses.push_back(e.loss);
        return losses;
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // `captioner info` ends with the CUDA line(s): why there is no CUDA, or each device by name.
    void infoNamesTheCudaDevices() {
        const auto r = testsupport::runCli({"info"});
        QVERIFY(!r.timedOut);
        QCOMPARE(r.exitCode, 0);
        const QString& text = r.out;
        if (!captioner::cudaBuiltIn()) {
            // A line of its own (the CPU and precision lines follow it).
            QVERIFY2(text.contains("\nCUDA: not built into this LibTorch (CPU only)\n"), qPrintable(text));
            return;
        }
        const auto devices = captioner::cudaDevices();
        if (devices.empty()) {
            static const QRegularExpression line(
                QStringLiteral(
                    "^CUDA: built in \\(CUDA [^\n]*, but no device is visible \\(no GPU, or no NVIDIA driver\\)$"),
                QRegularExpression::MultilineOption);
            QVERIFY2(line.match(text).hasMatch(), qPrintable(text));
            return;
        }
        for (const auto& d : devices)
            QVERIFY2(text.contains(QString::fromStdString("cuda:" + std::to_string(d.index) + " " + d.name + ", ")),
                     qPrintable(text));
    }

    // Autocast on CUDA casts matmuls to the guard's type, nests (the inner type ends with the inner
    // guard) and leaves CPU work alone.
    void autocastOnCuda() {
        REQUIRE_CUDA();
        const auto cuda = torch::Device(torch::kCUDA, 0);
        const auto a = torch::randn({8, 8}, torch::TensorOptions().device(cuda));
        const auto c = torch::randn({8, 8});
        {
            captioner::AutocastGuard fp16(cuda, Precision::Fp16);
            QCOMPARE(torch::matmul(a, a).scalar_type(), torch::kHalf);
            QCOMPARE(torch::matmul(c, c).scalar_type(), torch::kFloat);
            {
                captioner::AutocastGuard bf16(cuda, Precision::Bf16);
                QCOMPARE(torch::matmul(a, a).scalar_type(), torch::kBFloat16);
            }
            QCOMPARE(torch::matmul(a, a).scalar_type(), torch::kHalf);
            // Reductions autocast keeps in fp32 (softmax, losses) stay fp32 inside the region.
            QCOMPARE(torch::softmax(torch::matmul(a, a), 1).scalar_type(), torch::kFloat);
        }
        QCOMPARE(torch::matmul(a, a).scalar_type(), torch::kFloat);
        captioner::AutocastGuard fp32(cuda, Precision::Fp32);
        QCOMPARE(torch::matmul(a, a).scalar_type(), torch::kFloat);
    }

    // The first two training steps on the GPU against the CPU's fp32 run (same seed, data order and
    // start): fp32 agrees to 1e-3; bf16 and fp16 round every matmul's inputs (8 and 11 significant
    // bits), so their bound is wider. The figures are printed for scripts/gpu-check.
    void trainingStepMatchesCpu_data() {
        QTest::addColumn<int>("precision");
        QTest::addColumn<double>("tolerance");
        QTest::newRow("fp32") << static_cast<int>(Precision::Fp32) << 1e-3;
        QTest::newRow("bf16") << static_cast<int>(Precision::Bf16) << 3e-2;
        QTest::newRow("fp16") << static_cast<int>(Precision::Fp16) << 5e-3;
    }
    void trainingStepMatchesCpu() {
        REQUIRE_CUDA();
        QFETCH(int, precision);
        QFETCH(double, tolerance);
        const auto p = static_cast<Precision>(precision);
        NoTf32 exact;
        if (m_cpuLosses.empty()) m_cpuLosses = stepLosses("cpu", Precision::Fp32, "cpu-fp32");
        QCOMPARE(m_cpuLosses.size(), size_t{2});
        const auto gpu = stepLosses("cuda", p, "cuda-" + captioner::precisionName(p));
        QCOMPARE(gpu.size(), size_t{2});
        for (size_t k = 0; k < gpu.size(); ++k) {
            const double diff = std::abs(gpu[k] - m_cpuLosses[k]);
            qInfo("training step %zu, %s on cuda: loss %.6f; cpu fp32 %.6f; |diff| %.2e (bound %.0e)", k + 1,
                  captioner::precisionName(p).c_str(), gpu[k], m_cpuLosses[k], diff, tolerance);
            QVERIFY2(diff <= tolerance, qPrintable(QStringLiteral("step %1: |%2 - %3| > %4")
                                                       .arg(k + 1)
                                                       .arg(gpu[k])
                                                       .arg(m_cpuLosses[k])
                                                       .arg(tolerance)));
        }
    }

    // fp16 trains with GradScaler's dynamic scale: every step's loss is finite, the scale starts at 2^16
    // and only ever halves (an overflowing step is skipped) within 2000 steps, the weights move, and the
    // checkpoint carries the scale a resumed run continues with.
    void fp16TrainsWithLossScaling() {
        REQUIRE_CUDA();
        ensureDemo();
        auto o = trainer_test::quickOptions(m_recipe, out("fp16-scaling"));
        o.device = "cuda";
        o.precision = Precision::Fp16;
        o.maxSteps = 6;
        o.saveSteps = 3;
        o.loadBestModelAtEnd = false;
        Recorder rec;
        QCOMPARE(captioner::Trainer(o, &rec).run().status, std::string("completed"));
        const auto steps = rec.of(TrainingEventType::Step);
        QCOMPARE(steps.size(), size_t{6});
        double previous = 65536.0;
        for (const auto& e : steps) {
            QVERIFY2(std::isfinite(e.loss), qPrintable(QStringLiteral("step %1 loss %2").arg(e.step).arg(e.loss)));
            QVERIFY2(
                e.lossScale == previous || e.lossScale == previous / 2,
                qPrintable(QStringLiteral("step %1: scale %2 after %3").arg(e.step).arg(e.lossScale).arg(previous)));
            previous = e.lossScale;
        }
        qInfo("fp16 loss scale after 6 steps: %.0f; losses %.4f -> %.4f", previous, steps.front().loss,
              steps.back().loss);
        const auto state = testsupport::readJson(o.outputDir + "/checkpoint-6/trainer_state.json");
        QCOMPARE(state["captioner"]["loss_scale"].get<double>(), previous);
        QVERIFY(maxWeightDifference(o.outputDir + "/checkpoint-3/model.safetensors",
                                    o.outputDir + "/checkpoint-6/model.safetensors") > 0);
    }

    // The CUDA generator's state is saved with each checkpoint and restored on resume: with dropout on
    // the GPU, a run cancelled at step 2 and resumed ends with the weights of an uninterrupted run.
    // Not bit for bit: CUDA's embedding backward adds with atomics in no fixed order (~1e-7); a wrong
    // dropout mask moves weights by orders of magnitude more (the other-seed run shows how much).
    void cudaGeneratorStateResumes() {
        REQUIRE_CUDA();
        ensureDemo();
        const std::string model =
            trainer_test::withDropout(captioner::demoPaths(m_recipe.dir).baseModel, out("dropout-model"));
        auto base = trainer_test::quickOptions(m_recipe, "");
        base.modelDir = model;
        base.device = "cuda";
        base.maxSteps = 4;
        base.saveSteps = 2;
        base.loadBestModelAtEnd = false;
        auto a = base;
        a.outputDir = out("cuda-uninterrupted");
        QCOMPARE(captioner::Trainer(a).run().status, std::string("completed"));
        const auto rng = captioner::SafetensorsFile::open(a.outputDir + "/checkpoint-2/rng_state.safetensors");
        QVERIFY(rng->contains("cpu"));
        QVERIFY(rng->contains("cuda"));

        auto b = base;
        b.outputDir = out("cuda-interrupted");
        Recorder rec;
        captioner::Trainer first(b, &rec);
        rec.onEach = [&](const captioner::TrainingEvent& e) {
            if (e.type == TrainingEventType::Step && e.step == 2) first.cancel();
        };
        QCOMPARE(first.run().status, std::string("cancelled"));
        b.resume = true;
        QCOMPARE(captioner::Trainer(b).run().status, std::string("completed"));
        const double resumed =
            maxWeightDifference(a.outputDir + "/model.safetensors", b.outputDir + "/model.safetensors");

        auto c = base;
        c.outputDir = out("cuda-other-seed");
        c.seed = 7;
        QCOMPARE(captioner::Trainer(c).run().status, std::string("completed"));
        const double otherSeed =
            maxWeightDifference(a.outputDir + "/model.safetensors", c.outputDir + "/model.safetensors");
        qInfo("resumed vs uninterrupted: max |dw| %.2e; another seed: %.2e", resumed, otherSeed);
        QVERIFY2(resumed <= 1e-5, qPrintable(QString::number(resumed)));
        QVERIFY2(otherSeed > 1e-4, qPrintable(QString::number(otherSeed)));
    }

    // Captions on `cuda` in fp32: the ids the CPU gives and transformers gave (tests/fixtures/pipeline),
    // greedy and beam search.
    void captionOnCudaEqualsCpu_data() {
        QTest::addColumn<int>("numBeams");
        QTest::newRow("greedy") << 1;
        QTest::newRow("beam 3") << 3;
    }
    void captionOnCudaEqualsCpu() {
        REQUIRE_CUDA();
        QFETCH(int, numBeams);
        NoTf32 exact;
        const auto ref = testsupport::readJson(testsupport::fixture("pipeline/model_reference.json"));
        std::vector<std::string> paths;
        for (const auto& n : ref["images"])
            paths.push_back(testsupport::fixture("image/input/" + n.get<std::string>()));
        captioner::CheckpointLoadOptions load;
        load.device = "cuda";
        auto gpu = captioner::loadCheckpoint(testsupport::fixture("pipeline/model"), load);
        auto cpu = captioner::loadCheckpoint(testsupport::fixture("pipeline/model"));
        QVERIFY(gpu.model->parameters().front().device().is_cuda());
        captioner::CaptionOptions opts;
        opts.generation = captioner::generationOptionsFor(gpu, 20, numBeams, 1.0);
        opts.batchSize = 2;
        const auto onGpu = captioner::captionImages(gpu, paths, opts);
        const auto onCpu = captioner::captionImages(cpu, paths, opts);
        QCOMPARE(onGpu.size(), paths.size());
        const auto& expected = ref[numBeams == 1 ? "greedy" : "beam3"];
        for (size_t i = 0; i < paths.size(); ++i) {
            QVERIFY2(onGpu[i].ok(), onGpu[i].error.c_str());
            QCOMPARE(onGpu[i].tokenIds, onCpu[i].tokenIds);
            QCOMPARE(onGpu[i].tokenIds,
                     expected[ref["images"][i].get<std::string>()]["ids"].get<std::vector<int64_t>>());
        }
        qInfo("captions on cuda (%s): %zu images, ids equal to the CPU's and transformers'",
              numBeams == 1 ? "greedy" : "beam 3", paths.size());
    }
};

QTEST_GUILESS_MAIN(TestCuda)
#include "test_cuda.moc"
