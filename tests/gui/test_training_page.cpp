// The Train page end to end: a real short run of the tiny demo model on generated demo data, driven
// through the window's controls. Charts gain points as events arrive, pause holds the step counter,
// resume continues it, cancel leaves a loadable checkpoint, and the event loop stays responsive
// (the worst gap between 10 ms timer ticks during training is printed and must stay under 100 ms).
// Core (torch) headers before Qt's: Qt's `slots` macro breaks ATen's headers.
#include "captioner/checkpoint.h"
#include "captioner/demo_model.h"
#include "captioner/runtime.h"

#include "captioner_ui/caption_page.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/train_page.h"
#include "gui_test_util.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QAbstractButton>
#include <QApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QTreeWidget>
#include <QtTest/QtTest>

using captioner::ui::MainWindow;
using captioner::ui::TrainPage;

namespace {
constexpr int kLong = 300000; // generous: the machine may be busy with other builds and runs

using guitest::child;
} // namespace

class TestTrainingPage : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    captioner::DemoPaths m_demo;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        captioner::DemoRecipe recipe;
        recipe.dir = m_dir.filePath(QStringLiteral("demo")).toStdString();
        recipe.imageCount = 120;
        m_demo = captioner::prepareDemo(recipe);
        // One LibTorch thread leaves a core for the UI thread on a 2-core machine shared with others.
        captioner::configureThreads(1);
    }

    void validationNamesEachProblem() {
        TrainPage page;
        QDir(m_dir.path()).mkpath(QStringLiteral("empty-model"));
        QDir(m_dir.path()).mkpath(QStringLiteral("empty-data"));
        QFile blocker(m_dir.filePath(QStringLiteral("a-file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.write("x");
        blocker.close();
        page.setModelFolder(m_dir.filePath(QStringLiteral("empty-model")));
        page.setDatasetFolder(m_dir.filePath(QStringLiteral("empty-data")));
        page.setOutputFolder(m_dir.filePath(QStringLiteral("a-file/out")));
        QVERIFY(!page.start());
        QVERIFY(!page.isRunning());
        const QString problems = child<QLabel>(&page, "trainProblem")->text();
        QVERIFY2(problems.contains(QStringLiteral("is not a GIT checkpoint")), qPrintable(problems));
        QVERIFY2(problems.contains(QStringLiteral("is empty: it has no images")), qPrintable(problems));
        QVERIFY2(problems.contains(QStringLiteral("cannot be written to")), qPrintable(problems));

        page.setModelFolder(QString::fromStdString(m_demo.baseModel));
        page.setDatasetFolder(QString::fromStdString(m_demo.data));
        page.setOutputFolder(m_dir.filePath(QStringLiteral("ok-out")));
        QVERIFY2(page.validate().isEmpty(), qPrintable(page.validate().join(QLatin1Char('\n'))));
        QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("ok-out")))); // checking creates nothing
    }

    void liveRunPauseResumeCancel() {
        MainWindow w;
        w.show();
        w.showPage(MainWindow::Page::Train);
        TrainPage* page = w.trainPage();
        const QString out = m_dir.filePath(QStringLiteral("run"));
        child<QSpinBox>(page, "trainDataParallelThreads")->setValue(3);
        child<QPushButton>(page, "trainGuideDefaults")->click();
        QCOMPARE(child<QSpinBox>(page, "trainDataParallelThreads")->value(), 1);
        // The demo recipe splits each batch over two threads, as `captioner demo` does.
        child<QPushButton>(page, "trainDemoRecipe")->click();
        QCOMPARE(child<QSpinBox>(page, "trainDataParallelThreads")->value(), 2);
        child<QLineEdit>(page, "trainModel")->setText(QString::fromStdString(m_demo.baseModel));
        child<QLineEdit>(page, "trainDataset")->setText(QString::fromStdString(m_demo.data));
        child<QLineEdit>(page, "trainOutput")->setText(out);
        child<QSpinBox>(page, "trainBatchSize")->setValue(8);
        child<QSpinBox>(page, "trainMaxSteps")->setValue(400); // cancelled long before
        child<QSpinBox>(page, "trainLoggingSteps")->setValue(1);
        child<QSpinBox>(page, "trainEvalSteps")->setValue(4);
        child<QSpinBox>(page, "trainSaveSteps")->setValue(4);
        child<QSpinBox>(page, "trainEvalGenerate")->setValue(4);

        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(200); // the window's first layout and paint are not part of training

        // Event-loop latency: the largest gap between ticks of a 10 ms timer while training runs.
        QElapsedTimer clock;
        qint64 last = -1, worst = 0;
        QTimer ticker;
        ticker.setInterval(10);
        connect(&ticker, &QTimer::timeout, this, [&] {
            const qint64 now = clock.elapsed();
            if (last >= 0 && page->isRunning()) worst = qMax(worst, now - last);
            last = now;
        });
        clock.start();
        ticker.start();

        QSignalSpy finished(page, &TrainPage::runFinished);
        child<QPushButton>(page, "trainStart")->click();
        QVERIFY(page->isRunning());
        QTRY_VERIFY_WITH_TIMEOUT(page->chartPointCount(QStringLiteral("loss")) >= 3, kLong);
        const int seen = page->chartPointCount(QStringLiteral("loss"));
        QTRY_VERIFY_WITH_TIMEOUT(page->chartPointCount(QStringLiteral("loss")) > seen, kLong);
        QCOMPARE(page->chartPointCount(QStringLiteral("loss_smoothed")), page->chartPointCount(QStringLiteral("loss")));
        QVERIFY(page->chartPointCount(QStringLiteral("learning_rate")) >= seen);
        QTRY_VERIFY_WITH_TIMEOUT(page->chartPointCount(QStringLiteral("eval_loss")) >= 1, kLong);
        QVERIFY(page->chartPointCount(QStringLiteral("eval_wer_teacher_forced")) >= 1);
        QVERIFY(page->chartPointCount(QStringLiteral("eval_wer")) >= 1);
        QVERIFY(child<QTreeWidget>(page, "trainSamples")->topLevelItemCount() >= 1);
        // The log scale swaps the y axes; the data stays.
        const int evalPoints = page->chartPointCount(QStringLiteral("eval_loss"));
        child<QCheckBox>(page, "chartsLogScale")->setChecked(true);
        child<QCheckBox>(page, "chartsLogScale")->setChecked(false);
        QVERIFY(page->chartPointCount(QStringLiteral("eval_loss")) >= evalPoints);

        child<QPushButton>(page, "trainPause")->click();
        QTRY_VERIFY_WITH_TIMEOUT(page->isPaused(), kLong);
        const qint64 pausedAt = page->currentStep();
        const int pausedPoints = page->chartPointCount(QStringLiteral("loss"));
        QTest::qWait(1500);
        QCOMPARE(page->currentStep(), pausedAt);
        QCOMPARE(page->chartPointCount(QStringLiteral("loss")), pausedPoints);
        QVERIFY(child<QPushButton>(page, "trainResumeRun")->isEnabled());
        child<QPushButton>(page, "trainResumeRun")->click();
        QTRY_VERIFY_WITH_TIMEOUT(page->currentStep() > pausedAt, kLong);
        QVERIFY(!page->isPaused());
        QTRY_VERIFY_WITH_TIMEOUT(page->chartPointCount(QStringLiteral("eval_loss")) >= 2, kLong);

        child<QPushButton>(page, "trainCancel")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!page->isRunning(), kLong);
        ticker.stop();
        QCOMPARE(finished.count(), 1);
        QCOMPARE(finished.first().first().toString(), QStringLiteral("cancelled"));
        const qint64 stoppedAt = page->currentStep();
        QVERIFY(stoppedAt < 400);

        // Cancel saved a checkpoint at the step it stopped; it loads as a GIT checkpoint.
        auto* checkpoints = child<QTreeWidget>(page, "trainCheckpoints");
        QVERIFY(checkpoints->topLevelItemCount() >= 1);
        QTreeWidgetItem* newest = checkpoints->topLevelItem(0);
        QCOMPARE(newest->text(1).toLongLong(), stoppedAt);
        const QString newestPath = newest->data(0, Qt::UserRole).toString();
        bool best = false;
        for (int i = 0; i < checkpoints->topLevelItemCount(); ++i)
            best |= !checkpoints->topLevelItem(i)->text(5).isEmpty();
        QVERIFY(best);
        try {
            const auto loaded = captioner::loadCheckpoint(newestPath.toStdString());
            QVERIFY(loaded.tokenizer != nullptr);
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }

        // The form's thread count reached the trainer (its event log says how the batches were split).
        QFile events(QDir(out).filePath(QStringLiteral("events.jsonl")));
        QVERIFY(events.open(QIODevice::ReadOnly));
        QVERIFY(events.readAll().contains("data parallel over 2 threads: each batch of 8 in 2 shards"));

        std::printf("event-loop latency during training: worst gap %lld ms (10 ms timer, %lld steps)\n",
                    static_cast<long long>(worst), static_cast<long long>(stoppedAt));
        std::fflush(stdout);
        QVERIFY2(worst < 100, qPrintable(QStringLiteral("worst event-loop gap %1 ms").arg(worst)));

        // "Use for Captioning" hands the checkpoint to the Caption page (loaded in the background).
        checkpoints->setCurrentItem(newest);
        child<QPushButton>(page, "trainUseCheckpoint")->click();
        QCOMPARE(w.currentPage(), MainWindow::Page::Caption);
        QTRY_COMPARE_WITH_TIMEOUT(QDir(w.captionPage()->modelFolder()).absolutePath(), QDir(newestPath).absolutePath(),
                                  20000);

        // Exports: the CSV holds a header and one row per logged step; the PNG is an image.
        const QString csv = m_dir.filePath(QStringLiteral("metrics.csv"));
        QVERIFY(page->exportChartData(csv));
        QFile csvFile(csv);
        QVERIFY(csvFile.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csvFile.readAll().trimmed().split('\n');
        QCOMPARE(lines.first(),
                 QByteArray("step,loss,loss_smoothed,learning_rate,eval_loss,eval_wer,eval_wer_teacher_forced"));
        QCOMPARE(lines.size() - 1, page->chartPointCount(QStringLiteral("loss")));
        const QString png = m_dir.filePath(QStringLiteral("charts.png"));
        QVERIFY(page->exportChartImage(png));
        QVERIFY(!QImage(png).isNull());

        // Resume from the output folder: the charts start from trainer_state.json and go on from there.
        w.showPage(MainWindow::Page::Train);
        child<QCheckBox>(page, "trainResume")->setChecked(true);
        child<QPushButton>(page, "trainStart")->click();
        QVERIFY(page->isRunning());
        QVERIFY(page->chartPointCount(QStringLiteral("loss")) >= int(stoppedAt)); // rebuilt at once
        QTRY_VERIFY_WITH_TIMEOUT(page->currentStep() > stoppedAt, kLong);
        QVERIFY(child<QPlainTextEdit>(page, "trainLog")
                    ->toPlainText()
                    .contains(QStringLiteral("resumed at step %1").arg(stoppedAt)));
        child<QPushButton>(page, "trainCancel")->click();
        QTRY_VERIFY_WITH_TIMEOUT(!page->isRunning(), kLong);
        QCOMPARE(page->lastStatus(), QStringLiteral("cancelled"));
        const qint64 resumedStop = page->currentStep();
        QCOMPARE(page->chartPointCount(QStringLiteral("loss")), int(resumedStop));

        // A new page rebuilds the charts and checkpoints of the run from trainer_state.json.
        TrainPage again;
        QVERIFY(again.loadRun(out));
        QCOMPARE(again.currentStep(), resumedStop);
        QCOMPARE(again.chartPointCount(QStringLiteral("loss")), int(resumedStop));
        QVERIFY(again.chartPointCount(QStringLiteral("eval_loss")) >= 2);
        QCOMPARE(child<QTreeWidget>(&again, "trainCheckpoints")->topLevelItemCount(), checkpoints->topLevelItemCount());
    }

    // A run that fails (here: its output folder is replaced by a file, so the next save cannot be
    // written) says why and keeps the charts it drew.
    void failedRunKeepsCharts() {
        TrainPage page;
        const QString out = m_dir.filePath(QStringLiteral("fail-run"));
        child<QPushButton>(&page, "trainDemoRecipe")->click();
        page.setModelFolder(QString::fromStdString(m_demo.baseModel));
        page.setDatasetFolder(QString::fromStdString(m_demo.data));
        page.setOutputFolder(out);
        child<QSpinBox>(&page, "trainBatchSize")->setValue(8);
        child<QSpinBox>(&page, "trainMaxSteps")->setValue(400);
        child<QSpinBox>(&page, "trainLoggingSteps")->setValue(1);
        child<QSpinBox>(&page, "trainEvalSteps")->setValue(0);
        child<QSpinBox>(&page, "trainSaveSteps")->setValue(6);
        QVERIFY(page.start());
        page.pause(); // hold it before the first save while the folder is swapped
        QTRY_VERIFY_WITH_TIMEOUT(page.isPaused(), kLong);
        QVERIFY(page.currentStep() < 6);
        QVERIFY(QDir(out).removeRecursively());
        QFile blocker(out);
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        const int points = page.chartPointCount(QStringLiteral("loss"));
        page.resume();
        QTRY_VERIFY_WITH_TIMEOUT(!page.isRunning(), kLong);
        QCOMPARE(page.lastStatus(), QStringLiteral("failed"));
        const QString problem = child<QLabel>(&page, "trainProblem")->text();
        QVERIFY2(problem.startsWith(QStringLiteral("Training failed: ")), qPrintable(problem));
        QVERIFY(page.chartPointCount(QStringLiteral("loss")) >= points);
        QVERIFY(page.chartPointCount(QStringLiteral("loss")) >= 1);
    }

    // Closing the window while training asks first: "Keep Training" leaves both running; "Cancel
    // Training and Close" saves a checkpoint, ends the thread, then closes.
    void closeWhileTrainingAsks() {
        MainWindow w;
        w.show();
        TrainPage* page = w.trainPage();
        const QString out = m_dir.filePath(QStringLiteral("close-run"));
        child<QPushButton>(page, "trainDemoRecipe")->click();
        page->setModelFolder(QString::fromStdString(m_demo.baseModel));
        page->setDatasetFolder(QString::fromStdString(m_demo.data));
        page->setOutputFolder(out);
        child<QSpinBox>(page, "trainBatchSize")->setValue(8);
        child<QSpinBox>(page, "trainMaxSteps")->setValue(400);
        child<QSpinBox>(page, "trainEvalSteps")->setValue(0);
        child<QSpinBox>(page, "trainSaveSteps")->setValue(0);
        QVERIFY(page->start());
        QTRY_VERIFY_WITH_TIMEOUT(page->chartPointCount(QStringLiteral("loss")) >= 1, kLong);

        auto answer = [](const QString& text) {
            QTimer::singleShot(0, [text] {
                auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
                QVERIFY(box);
                for (QAbstractButton* b : box->buttons())
                    if (b->text() == text) return b->click();
                QFAIL("no such button");
            });
        };
        answer(QStringLiteral("Keep Training"));
        QVERIFY(!w.close());
        QVERIFY(w.isVisible());
        QVERIFY(page->isRunning());

        answer(QStringLiteral("Cancel Training and Close"));
        QVERIFY(!w.close()); // closes later, once the checkpoint is saved
        QTRY_VERIFY_WITH_TIMEOUT(!page->isRunning(), kLong);
        QTRY_VERIFY(!w.isVisible());
        QCOMPARE(page->lastStatus(), QStringLiteral("cancelled"));
        QVERIFY(!QDir(out).entryList({QStringLiteral("checkpoint-*")}, QDir::Dirs).isEmpty());
    }
};

QTEST_MAIN(TestTrainingPage)
#include "test_training_page.moc"
