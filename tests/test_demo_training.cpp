// Fine-tuning really learns: the tiny preset, trained on the CPU for the demo recipe's bounded
// 3,000 steps on freshly generated demo data, captions images it never saw far better than the
// untrained model, and every part of the caption (colour, size, shape, relation) is learnt beyond
// what a prior-only model says. This is exactly what `captioner demo` and the desktop app's demo
// model do, so the shipped demo is what is tested. Measured here (2 cores): untrained WER 1.51,
// trained WER 0.46 (teacher-forced 0.21), colours 61%, sizes 63%, exact 14%. Issue 5 asks for a
// generated WER under 0.3: not reached yet (see the notes), so the bounds below guard what
// the recipe does today, with margin. The suite's longest test (minutes); CTest starts it first.
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
        QVERIFY2(werAfter < 0.6, qPrintable(QString::number(werAfter)));
        QVERIFY2(werAfter < 0.45 * werBefore, qPrintable(QString("%1 vs %2").arg(werAfter).arg(werBefore)));
        QVERIFY2(after.eval.werTeacherForced.wer < 0.35, qPrintable(QString::number(after.eval.werTeacherForced.wer)));
        QVERIFY(after.eval.loss < 0.15 * before.eval.loss);
        // WER alone can hide a model that always says the commonest words: colours and sizes of every
        // object must be right far more often than a guess (1 in 6 colours, 1 in 2 sizes per object).
        QVERIFY2(after.accuracy.colours > 0.45, qPrintable(QString::number(after.accuracy.colours)));
        QVERIFY2(after.accuracy.sizes > 0.45, qPrintable(QString::number(after.accuracy.sizes)));
        QVERIFY2(after.accuracy.exact > 0.06, qPrintable(QString::number(after.accuracy.exact)));
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
