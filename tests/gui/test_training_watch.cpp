// The Train page watching a run it does not own: a real `captioner train` in another process writes
// OUTPUT/events.jsonl, the page follows it (from before the file exists) and ends with the charts'
// point counts equal to the events in the file, the run's end in its status, the samples and the
// checkpoints; a resumed run in another process continues the same charts; a run resumed from an
// earlier checkpoint drops the redone steps; a rotated file is followed; Stop Watching frees the form.
// Core (torch) headers before Qt's: Qt's `slots` macro breaks ATen's headers.
#include "captioner/demo_model.h"
#include "captioner/event_log.h"
#include "captioner/trainer.h"

#include "captioner_ui/train_page.h"
#include "gui_test_util.h"
#include "cli_run.h"

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>

using captioner::TrainingEventType;
using captioner::ui::TrainPage;

namespace {
constexpr int kLong = 600000; // generous: the machine may be busy with other builds and runs

using guitest::child;

struct Counts {
    int steps = 0, evals = 0, evalsWithSamples = 0;
};

// What the file holds, read with the core's own reader.
Counts countEvents(const QString& outputFolder) {
    captioner::EventLogFollower follower(captioner::eventLogPath(outputFolder.toStdString()));
    Counts c;
    for (const auto& e : follower.poll().events) {
        if (e.type == TrainingEventType::Step && std::isfinite(e.loss)) ++c.steps;
        if (e.type == TrainingEventType::Evaluated) {
            ++c.evals;
            if (!e.eval.samples.empty()) ++c.evalsWithSamples;
        }
    }
    return c;
}

captioner::TrainingEvent stepEvent(int64_t step) {
    captioner::TrainingEvent e;
    e.type = TrainingEventType::Step;
    e.step = step;
    e.maxSteps = 8;
    e.loss = 1.0;
    e.learningRate = 1e-3;
    return e;
}

captioner::TrainingEvent startedAt(int64_t step) {
    captioner::TrainingEvent e;
    e.type = TrainingEventType::Started;
    e.step = step;
    e.resumedFromStep = step;
    e.maxSteps = 8;
    return e;
}
} // namespace

class TestTrainingWatch : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    captioner::DemoPaths m_demo;

    QStringList trainArgs(const QString& out, int maxSteps) const {
        return testsupport::trainArgs("--threads 1", QString::fromStdString(m_demo.baseModel),
                                      QString::fromStdString(m_demo.data), out,
                                      QStringLiteral("--batch-size 8 --gradient-accumulation 1 --max-steps %1 "
                                                     "--logging-steps 1 --eval-steps 2 --save-steps 2 "
                                                     "--eval-generate 2 --samples 1 --workers 1")
                                          .arg(maxSteps));
    }

    // The run's progress shows in the test log; -1 when it crashed or timed out.
    static int runCli(const QStringList& args) {
        return testsupport::runCli(args, testsupport::CliOptions().forwardingStderr().withTimeout(kLong)).exitCode;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        captioner::DemoRecipe recipe;
        recipe.dir = m_dir.filePath(QStringLiteral("demo")).toStdString();
        recipe.imageCount = 60;
        recipe.workers = 1;
        m_demo = captioner::prepareDemo(recipe);
    }

    void followsACliRunInAnotherProcess() {
        TrainPage page;
        page.show();
        auto* batch = child<QSpinBox>(&page, "trainBatchSize");
        auto* maxSteps = child<QSpinBox>(&page, "trainMaxSteps");
        QCOMPARE(batch->value(), 32); // the guide's recipe, as the form starts
        const QString out = m_dir.filePath(QStringLiteral("run"));
        const QString log = QDir::toNativeSeparators(out + QStringLiteral("/events.jsonl"));
        auto* stats = child<QLabel>(&page, "trainStats");
        QVERIFY(page.watchRun(out));
        QVERIFY(page.isWatching());
        QTRY_COMPARE(stats->text(), QStringLiteral("Waiting for %1: no run has written events there yet.").arg(log));
        QCOMPARE(page.statusText(),
                 QStringLiteral("Watching %1, read-only: the run is controlled where it was started. "
                                "Stop Watching to use the form.")
                     .arg(QDir::toNativeSeparators(out)));
        // Read-only: nothing here can start, pause or cancel the run it watches.
        for (const char* name : {"trainStart", "trainPause", "trainResumeRun", "trainCancel"})
            QVERIFY2(!child<QPushButton>(&page, name)->isEnabled(), name);
        QVERIFY(!child<QLineEdit>(&page, "trainOutput")->isEnabled());
        QVERIFY(child<QPushButton>(&page, "trainStopWatch")->isEnabled());
        QVERIFY(!page.start());

        // The run goes on in its own process while this event loop turns: the page follows it live.
        int stepsSeenWhileRunning = 0;
        const auto run = testsupport::startCli(trainArgs(out, 6), testsupport::CliOptions().forwardingStderr());
        connect(&page, &TrainPage::progressChanged, this, [&] {
            if (run->state() == QProcess::Running) stepsSeenWhileRunning = int(page.currentStep());
        });
        QTRY_COMPARE_WITH_TIMEOUT(page.lastStatus(), QStringLiteral("completed"), kLong);
        QTRY_COMPARE_WITH_TIMEOUT(run->state(), QProcess::NotRunning, kLong);
        QCOMPARE(run->exitStatus(), QProcess::NormalExit);
        QCOMPARE(run->exitCode(), 0);
        // Informational only (a busy machine may delay this process's polls past the run's end).
        qInfo("steps drawn while the run was still going: %d of 6", stepsSeenWhileRunning);
        const Counts first = countEvents(out);
        QCOMPARE(first.steps, 6);
        QCOMPARE(first.evals, 3);
        QCOMPARE(page.chartPointCount(QStringLiteral("loss")), first.steps);
        QCOMPARE(page.chartPointCount(QStringLiteral("loss_smoothed")), first.steps);
        QCOMPARE(page.chartPointCount(QStringLiteral("learning_rate")), first.steps);
        QCOMPARE(page.chartPointCount(QStringLiteral("eval_loss")), first.evals);
        QCOMPARE(page.chartPointCount(QStringLiteral("eval_wer")), first.evals);
        QCOMPARE(page.chartPointCount(QStringLiteral("eval_wer_teacher_forced")), first.evals);
        QCOMPARE(page.currentStep(), qint64{6});
        QCOMPARE(stats->text(),
                 QStringLiteral("Completed at step 6. The best model is in %1.").arg(QDir::toNativeSeparators(out)));
        QCOMPARE(page.statusText(),
                 QStringLiteral("Watching %1: the run completed at step 6. A resumed run would show here too.")
                     .arg(QDir::toNativeSeparators(out)));
        QCOMPARE(child<QProgressBar>(&page, "trainProgress")->value(), 6);
        QCOMPARE(child<QProgressBar>(&page, "trainProgress")->maximum(), 6);
        QCOMPARE(child<QTreeWidget>(&page, "trainSamples")->topLevelItemCount(), first.evalsWithSamples);
        QCOMPARE(child<QTreeWidget>(&page, "trainCheckpoints")->topLevelItemCount(),
                 int(captioner::listCheckpoints(out.toStdString()).size()));
        QCOMPARE(child<QTreeWidget>(&page, "trainCheckpoints")->topLevelItemCount(), 3); // checkpoint-2, -4, -6
        // The locked form shows the watched run's recipe (its training_args.json), not this window's.
        QCOMPARE(batch->value(), 8);
        QCOMPARE(maxSteps->value(), 6);
        QCOMPARE(child<QLineEdit>(&page, "trainModel")->text(),
                 QDir::toNativeSeparators(QString::fromStdString(m_demo.baseModel)));

        // Resumed by another process: the same file goes on and so do the charts.
        QStringList resume = trainArgs(out, 8);
        resume << "--resume";
        QCOMPARE(runCli(resume), 0);
        QTRY_VERIFY_WITH_TIMEOUT(page.currentStep() == 8 && page.lastStatus() == QLatin1String("completed"), kLong);
        const Counts second = countEvents(out);
        QCOMPARE(second.steps, 8);
        QCOMPARE(second.evals, 4);
        QCOMPARE(page.chartPointCount(QStringLiteral("loss")), second.steps);
        QCOMPARE(page.chartPointCount(QStringLiteral("eval_loss")), second.evals);
        QCOMPARE(stats->text(),
                 QStringLiteral("Completed at step 8. The best model is in %1.").arg(QDir::toNativeSeparators(out)));

        // A run resumed from an earlier checkpoint (say the newest was damaged) redoes the later steps:
        // their old points go.
        {
            captioner::EventLogWriter writer(captioner::eventLogPath(out.toStdString()));
            writer.append(startedAt(4));
            writer.append(stepEvent(5));
        }
        QTRY_COMPARE(page.chartPointCount(QStringLiteral("loss")), 5);
        QCOMPARE(page.chartPointCount(QStringLiteral("eval_loss")), 2); // evals at 2 and 4 stay
        QCOMPARE(page.lastStatus(), QString());
        QCOMPARE(page.statusText(),
                 QStringLiteral("Watching %1, read-only: the run is controlled where it was started. "
                                "Stop Watching to use the form.")
                     .arg(QDir::toNativeSeparators(out)));

        // Rotated: renamed away and a new file begun; the page follows the new one.
        std::filesystem::rename(captioner::eventLogPath(out.toStdString()),
                                captioner::eventLogPath(out.toStdString()) + ".1");
        {
            captioner::EventLogWriter writer(captioner::eventLogPath(out.toStdString()));
            writer.append(stepEvent(6));
        }
        QTRY_COMPARE(page.chartPointCount(QStringLiteral("loss")), 6);
        QTRY_VERIFY(
            child<QPlainTextEdit>(&page, "trainLog")
                ->toPlainText()
                .contains(
                    QStringLiteral("%1 was truncated or replaced: reading the new file from its start.").arg(log)));

        page.stopWatching();
        QVERIFY(!page.isWatching());
        QCOMPARE(batch->value(), 32); // the form is as it was before watching
        QCOMPARE(child<QLineEdit>(&page, "trainModel")->text(), QString());
        QCOMPARE(child<QLineEdit>(&page, "trainOutput")->text(), QDir::toNativeSeparators(out));
        QVERIFY(child<QPushButton>(&page, "trainStart")->isEnabled());
        QVERIFY(child<QLineEdit>(&page, "trainOutput")->isEnabled());
        QCOMPARE(page.chartPointCount(QStringLiteral("loss")), 6); // the charts stay
        {
            captioner::EventLogWriter writer(captioner::eventLogPath(out.toStdString()));
            writer.append(stepEvent(7));
        }
        QTest::qWait(600); // two poll periods: a stopped watcher must not draw them
        QCOMPARE(page.chartPointCount(QStringLiteral("loss")), 6);
    }
};

QTEST_MAIN(TestTrainingWatch)
#include "test_training_watch.moc"
