// Fine-tuning really learns: the tiny preset, trained on the CPU for the demo recipe's bounded
// 5,000 steps on freshly generated demo data, captions images it never saw with a generated-caption
// WER under 0.3 (issue 5), far better than the untrained model, and every part of the caption
// (colour, size, shape, relation) beats what a prior-only model says. This is exactly what `captioner
// demo` and the desktop app's demo model do, so the shipped demo is what is tested. Measured figures
// are in the README (`captioner demo`). The suite's longest test (minutes); CTest starts it first.
#include "test_support.h"

#include "captioner/demo_model.h"
#include "captioner/trainer.h"
#include "captioner/training_events.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>

namespace {

using Measured = captioner::DemoEvaluation;

void report(const char* name, const Measured& m) {
    const auto& a = m.accuracy;
    qInfo("%s: loss %.4f, WER %.4f (teacher-forced %.4f), BLEU-4 %.4f, CIDEr-D %.3f; exact %.1f%%, shapes %.1f%%, "
          "colours %.1f%%, sizes %.1f%%, relation %.1f%% over %lld images",
          name, m.eval.loss, m.eval.generated.wer.wer, m.eval.werTeacherForced.wer, m.eval.generated.bleu4,
          m.eval.generated.cider, 100 * a.exact, 100 * a.shapes, 100 * a.colours, 100 * a.sizes, 100 * a.relation,
          static_cast<long long>(m.eval.count));
}

class FinishedObserver : public captioner::TrainingObserver {
public:
    void onEvent(const captioner::TrainingEvent& e) override {
        if (e.type == captioner::TrainingEventType::Failed || e.type == captioner::TrainingEventType::NonFiniteLoss)
            problems.push_back(e.toJson().dump());
    }
    std::vector<std::string> problems;
};

} // namespace

class TestDemoTraining : public QObject {
    Q_OBJECT

private slots:
    void trainedTinyModelCaptionsHeldOutImages() {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        captioner::DemoRecipe recipe; // the shipped recipe, unchanged: data, tokenizer, preset, steps
        recipe.dir = tmp.filePath("demo").toStdString();
        const auto started = std::chrono::steady_clock::now();
        const auto paths = captioner::prepareDemo(recipe);

        const Measured before = captioner::evaluateDemoModel(paths.baseModel, recipe);
        report("untrained", before);

        FinishedObserver observer;
        captioner::Trainer trainer(captioner::demoTrainingOptions(recipe), &observer);
        const auto summary = trainer.run();
        QCOMPARE(summary.status, std::string("completed"));
        QCOMPARE(summary.globalStep, recipe.maxSteps);
        QVERIFY2(observer.problems.empty(), observer.problems.empty() ? "" : observer.problems.front().c_str());

        const Measured after = captioner::evaluateDemoModel(paths.model, recipe);
        report("trained", after);
        qInfo("%lld steps of batch %d; %.0f s in all", static_cast<long long>(recipe.maxSteps), recipe.batchSize,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        for (size_t i = 0; i < 5 && i < after.eval.samples.size(); ++i)
            qInfo("  %s | %s", after.eval.samples[i].prediction.c_str(), after.eval.samples[i].reference.c_str());

        QCOMPARE(after.eval.count, before.eval.count);
        QVERIFY(after.eval.count >= 400); // the 10% held out of the demo set: never trained on
        const double werBefore = before.eval.generated.wer.wer, werAfter = after.eval.generated.wer.wer;
        QVERIFY2(werBefore > 0.9, qPrintable(QString::number(werBefore)));
        // Issue 5's bar: generated captions (greedy, max_length 50) of held-out images under WER 0.3,
        // and far below the untrained model.
        QVERIFY2(werAfter < 0.3, qPrintable(QString::number(werAfter)));
        QVERIFY2(werAfter < 0.25 * werBefore, qPrintable(QString("%1 vs %2").arg(werAfter).arg(werBefore)));
        QVERIFY2(after.eval.werTeacherForced.wer < 0.2, qPrintable(QString::number(after.eval.werTeacherForced.wer)));
        QVERIFY(after.eval.loss < 0.1 * before.eval.loss);
        // WER alone can hide a model that always says the commonest words or ignores where things are:
        // every part must beat a prior-only model by far. Chance per image: colours 1 in 6 per object,
        // sizes 1 in 2, both shapes 1 in 5 each, relation 1 in 2 (two-shape images), exact well under 1%.
        const auto& a = after.accuracy;
        QVERIFY2(a.colours > 0.9, qPrintable(QString::number(a.colours)));
        QVERIFY2(a.sizes > 0.7, qPrintable(QString::number(a.sizes)));
        QVERIFY2(a.relation > 0.65, qPrintable(QString::number(a.relation)));
        QVERIFY2(a.shapes > 0.2, qPrintable(QString::number(a.shapes)));
        QVERIFY2(a.exact > 0.15, qPrintable(QString::number(a.exact)));
    }
};

int main(int argc, char** argv) {
    // QtTest stops a test function after 5 minutes by default; this one trains for several.
    if (qEnvironmentVariableIsEmpty("QTEST_FUNCTION_TIMEOUT")) qputenv("QTEST_FUNCTION_TIMEOUT", "2400000");
    QCoreApplication app(argc, argv);
    TestDemoTraining test;
    return QTest::qExec(&test, argc, argv);
}
#include "test_demo_training.moc"
