// `captioner train --watch OUTPUT`: follows the events.jsonl of a run in another process and prints
// the same progress lines as the run itself, waits for a folder without the file, ends with the run's
// end (0 completed, 130 cancelled, 1 failed) and goes on past a cancelled run that is resumed.
#include "cli_run.h"
#include "test_support.h"

#include "captioner/demo_model.h"
#include "captioner/event_log.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using testsupport::CliRun;

namespace {

constexpr int kLong = 600000; // generous: the machine may be busy with other builds and runs

testsupport::CliOptions longRun() { return testsupport::CliOptions().withTimeout(kLong); }

QStringList linesStartingWith(const QString& text, const QString& prefix) {
    QStringList out;
    for (const QString& line : text.split(QLatin1Char('\n')))
        if (line.startsWith(prefix)) out << line;
    return out;
}

captioner::TrainingEvent makeEvent(captioner::TrainingEventType type, int64_t step) {
    captioner::TrainingEvent e;
    e.type = type;
    e.step = step;
    e.maxSteps = 4;
    return e;
}

} // namespace

class TestTrainWatch : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    captioner::DemoPaths m_demo;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        captioner::DemoRecipe recipe;
        recipe.dir = path(QStringLiteral("demo")).toStdString();
        recipe.imageCount = 60;
        recipe.workers = 1;
        m_demo = captioner::prepareDemo(recipe);
    }

    void followsARunInAnotherProcess() {
        const QString out = path(QStringLiteral("run"));
        const auto watch = testsupport::startCli({"train", "--watch", out, "--logging-steps", "1"});
        watch->setReadChannel(QProcess::StandardError);
        // It says that it waits, before the run exists.
        while (!watch->canReadLine()) QVERIFY(watch->waitForReadyRead(kLong));
        const QString waiting = QString::fromUtf8(watch->readLine());
        QCOMPARE(waiting,
                 QStringLiteral("waiting for %1/events.jsonl: no run has written events there yet\n").arg(out));

        const auto train = testsupport::startCli(testsupport::trainArgs(
            "--threads 1", QString::fromStdString(m_demo.baseModel), QString::fromStdString(m_demo.data), out,
            "--batch-size 8 --gradient-accumulation 1 --max-steps 6 --logging-steps 1 --eval-steps 3 --save-steps 3 "
            "--eval-generate 2 --samples 1 --workers 1"));
        const CliRun trained = testsupport::finishCli(*train, kLong);
        QCOMPARE(trained.exitCode, 0);
        const CliRun watched = testsupport::finishCli(*watch, kLong);
        QCOMPARE(watched.exitCode, 0);

        // The same progress as the run printed itself: every step line, the evals and the end.
        const QStringList steps = linesStartingWith(trained.err, QStringLiteral("step "));
        QCOMPARE(steps.size(), 6);
        QCOMPARE(linesStartingWith(watched.err, QStringLiteral("step ")), steps);
        QCOMPARE(linesStartingWith(watched.err, QStringLiteral("eval at step ")),
                 linesStartingWith(trained.err, QStringLiteral("eval at step ")));
        const QStringList end = linesStartingWith(trained.err, QStringLiteral("training completed at step 6"));
        QCOMPARE(end.size(), 1);
        QCOMPARE(linesStartingWith(watched.err, QStringLiteral("training completed")), end);

        // A finished run's folder: the history at once, then the exit.
        const CliRun history = testsupport::runCli({"train", "--watch", out, "--logging-steps", "1"}, longRun());
        QCOMPARE(history.exitCode, 0);
        QCOMPARE(linesStartingWith(history.err, QStringLiteral("step ")), steps);
        QVERIFY2(!history.err.contains(QStringLiteral("waiting for")), qPrintable(history.err));

        // --json: the file's lines, as they are.
        const CliRun lines = testsupport::runCli({"train", "--watch", out, "--json"}, longRun());
        QCOMPARE(lines.exitCode, 0);
        QFile file(out + QStringLiteral("/events.jsonl"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(lines.out, QString::fromUtf8(file.readAll()));
    }

    void exitCodeFollowsTheEnd_data() {
        QTest::addColumn<QString>("status"); // "completed", "cancelled" or "failed"
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("lastLine");
        QTest::newRow("completed") << "completed" << 0 << "training completed at step 4";
        QTest::newRow("cancelled") << "cancelled" << 130 << "training cancelled at step 4";
        QTest::newRow("failed") << "failed" << 1 << "training failed at step 4: out of memory";
    }
    void exitCodeFollowsTheEnd() {
        QFETCH(QString, status);
        QFETCH(int, exitCode);
        QFETCH(QString, lastLine);
        const QString out = path(QStringLiteral("end-") + status);
        captioner::EventLogWriter writer(captioner::eventLogPath(out.toStdString()));
        writer.append(makeEvent(captioner::TrainingEventType::Started, 0));
        auto end = makeEvent(status == QLatin1String("failed") ? captioner::TrainingEventType::Failed
                                                               : captioner::TrainingEventType::Finished,
                             4);
        end.status = status.toStdString();
        end.message = "out of memory";
        writer.append(end);
        const CliRun r = testsupport::runCli({"train", "--watch", out}, longRun());
        QCOMPARE(r.exitCode, exitCode);
        QCOMPARE(r.err.trimmed().split(QLatin1Char('\n')).last(), lastLine);
    }

    // A cancelled run that is resumed: the watcher goes on until the resumed run ends.
    void goesOnPastAResumedRun() {
        const QString out = path(QStringLiteral("resumed"));
        captioner::EventLogWriter writer(captioner::eventLogPath(out.toStdString()));
        writer.append(makeEvent(captioner::TrainingEventType::Started, 0));
        auto cancelled = makeEvent(captioner::TrainingEventType::Finished, 2);
        cancelled.status = "cancelled";
        writer.append(cancelled);
        auto resumed = makeEvent(captioner::TrainingEventType::Started, 2);
        resumed.resumedFromStep = 2;
        writer.append(resumed);
        const auto watch = testsupport::startCli({"train", "--watch", out});
        watch->setReadChannel(QProcess::StandardError);
        QString seen;
        while (!seen.contains(QStringLiteral("resuming at step 2"))) {
            QVERIFY2(watch->waitForReadyRead(kLong), qPrintable(seen));
            seen += QString::fromUtf8(watch->readAllStandardError());
        }
        QCOMPARE(watch->state(), QProcess::Running); // the file's last event is a start, not an end
        auto done = makeEvent(captioner::TrainingEventType::Finished, 4);
        done.status = "completed";
        writer.append(done);
        const CliRun r = testsupport::finishCli(*watch, kLong);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2((seen + r.err).contains(QStringLiteral("training cancelled at step 2\n")), qPrintable(seen + r.err));
        QCOMPARE((seen + r.err).trimmed().split(QLatin1Char('\n')).last(),
                 QStringLiteral("training completed at step 4"));
    }

    void watchTakesNoRunOptions() {
        const CliRun r =
            testsupport::runCli({"train", "--watch", path(QStringLiteral("x")), "--model", "m"}, longRun());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("--watch follows a run; it takes no --model")), qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestTrainWatch)
#include "test_train_watch.moc"
