// TrainPage: what the training events do to the page (charts, progress, samples, checkpoints, log).
#include "captioner_ui/train_page.h"

#include "captioner_ui/locale_format.h"

#include "captioner/error.h"
#include "captioner/image_io.h"

#include "training_charts.h"
#include "training_form.h"
#include "core_metatypes.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeWidget>

#include <cmath>

namespace captioner::ui {

namespace {
// Loss, WER and the other metrics as the page shows them (the CSV export writes them for programs).
QString formatMetric(double v) { return std::isfinite(v) ? formatDecimal(v, 4) : QStringLiteral("—"); }
QString qs(const std::string& s) { return QString::fromStdString(s); }
QString native(const std::string& path) { return QDir::toNativeSeparators(qs(path)); }
} // namespace

void TrainPage::appendLog(const QString& line) {
    m_log->appendPlainText(
        QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
}

void TrainPage::showProgress(const TrainingEvent& u) {
    if (u.maxSteps > 0) m_progress->setRange(0, int(u.maxSteps));
    m_progress->setValue(int(qMin<qint64>(u.step, m_progress->maximum())));
    if (u.maxSteps > 0) emit progressChanged(int(100 * u.step / u.maxSteps));
    m_stats->setText(tr("Epoch %1 · step %2 of %3 · %4 samples/s · ETA %5 · loss %6 · lr %7")
                         .arg(formatDecimal(u.epoch, 2), formatCount(u.step), formatCount(u.maxSteps),
                              formatDecimal(u.samplesPerSecond, 1), formatDuration(u.etaSeconds),
                              formatDecimal(u.loss, 4), formatSignificant(u.learningRate, 3)));
}

void TrainPage::onUpdate(const TrainingEvent& u) {
    switch (u.type) {
    case TrainingEventType::Started:
        m_progress->setRange(0, int(qMax<qint64>(1, u.maxSteps)));
        m_progress->setValue(int(u.resumedFromStep));
        m_step = u.resumedFromStep;
        appendLog(tr("Started on %1 (%2): %3 training and %4 held-out images, %5 steps (%6 per epoch)%7")
                      .arg(qs(u.device), qs(u.precision))
                      .arg(formatCount(u.trainCount), formatCount(u.testCount), formatCount(u.maxSteps),
                           formatCount(u.stepsPerEpoch),
                           u.resumedFromStep > 0 ? tr(", resumed at step %1").arg(formatCount(u.resumedFromStep))
                                                 : QString()));
        m_stats->setText(tr("Training: step %1 of %2").arg(formatCount(u.resumedFromStep), formatCount(u.maxSteps)));
        break;
    case TrainingEventType::Step:
        m_step = u.step;
        m_charts->addStep(u.step, u.loss, u.learningRate);
        if (!m_paused && !m_cancelling) showProgress(u);
        break;
    case TrainingEventType::Epoch:
        appendLog(tr("Epoch %1 done at step %2").arg(formatCount(qint64(u.epoch)), formatCount(u.step)));
        break;
    case TrainingEventType::Evaluated: {
        const captioner::EvalResult& e = u.eval;
        const double wer = generatedMetric(e, e.generated.wer.wer);
        m_charts->addEval(u.step, e.loss, wer, e.werTeacherForced.wer);
        appendLog(
            tr("Eval at step %1: loss %2, WER %3 (generated), %4 (teacher-forced), ROUGE-L %5, BLEU-4 %6, CIDEr %7")
                .arg(formatCount(u.step))
                .arg(formatMetric(e.loss), formatMetric(wer), formatMetric(e.werTeacherForced.wer),
                     formatMetric(generatedMetric(e, e.generated.rougeL)),
                     formatMetric(generatedMetric(e, e.generated.bleu4)),
                     formatMetric(generatedMetric(e, e.generated.cider))));
        addSamples(u);
        break;
    }
    case TrainingEventType::CheckpointSaved:
        appendLog(tr("Saved %1%2").arg(native(u.path), u.isBest ? tr(" (best so far)") : QString()));
        refreshCheckpoints();
        break;
    case TrainingEventType::NonFiniteLoss:
        appendLog(tr("Skipped step %1: %2").arg(formatCount(u.step), qs(u.message)));
        break;
    case TrainingEventType::Paused:
        m_paused = true;
        m_stats->setText(tr("Paused at step %1 of %2.").arg(formatCount(u.step), formatCount(m_progress->maximum())));
        appendLog(tr("Paused at step %1").arg(formatCount(u.step)));
        updateButtons();
        break;
    case TrainingEventType::Resumed:
        m_paused = false;
        appendLog(tr("Resumed at step %1").arg(formatCount(u.step)));
        updateButtons();
        break;
    case TrainingEventType::Log: appendLog(qs(u.message)); break;
    case TrainingEventType::Finished:
        appendLog(u.status == "cancelled"
                      ? tr("Cancelled at step %1; the checkpoint is saved.").arg(formatCount(u.step))
                      : tr("Finished at step %1. Best: %2").arg(formatCount(u.step), qs(u.bestCheckpoint)));
        break;
    case TrainingEventType::Failed:
        // The charts stay as they are: they show how far the run got.
        showProblem(tr("Training failed: %1%2")
                        .arg(qs(u.message), u.lastCheckpoint.empty()
                                                ? QString()
                                                : tr("\nThe newest checkpoint is %1; tick Resume to continue from it.")
                                                      .arg(native(u.lastCheckpoint))));
        appendLog(tr("Failed: %1").arg(qs(u.message)));
        break;
    }
}

void TrainPage::onDone(const QString& status, const QString& message) {
    m_lastStatus = status;
    if (status == QLatin1String("completed"))
        m_stats->setText(tr("Completed at step %1. The best model is in %2.")
                             .arg(formatCount(m_step), QDir::toNativeSeparators(m_runOutput)));
    else if (status == QLatin1String("cancelled"))
        m_stats->setText(tr("Cancelled at step %1; a checkpoint was saved. Tick Resume and press Start to continue.")
                             .arg(formatCount(m_step)));
    else m_stats->setText(tr("Failed at step %1: %2").arg(formatCount(m_step), message));
}

void TrainPage::addSamples(const TrainingEvent& u) {
    if (u.eval.samples.empty()) return;
    auto* group = new QTreeWidgetItem(
        m_samples, {tr("Step %1").arg(formatCount(u.step)),
                    tr("WER %1").arg(formatMetric(generatedMetric(u.eval, u.eval.generated.wer.wer)))});
    for (const captioner::EvalSample& sample : u.eval.samples) {
        const QString imagePath = qs(sample.imagePath), prediction = qs(sample.prediction),
                      reference = qs(sample.reference);
        auto* item = new QTreeWidgetItem(group, {QFileInfo(imagePath).fileName(), prediction, reference});
        // Through the core's decoder: it reads every format training does, Parquet rows included.
        try {
            const cv::Mat rgb = captioner::decodeThumbnailRgb(sample.imagePath, 128);
            const QImage image(rgb.data, rgb.cols, rgb.rows, int(rgb.step), QImage::Format_RGB888);
            item->setIcon(0, QIcon(QPixmap::fromImage(image.copy())));
        } catch (const captioner::Error&) {
            // No icon: the row still shows the file name and both captions.
        }
        item->setToolTip(0, QDir::toNativeSeparators(imagePath));
        const bool exact = prediction.trimmed().compare(reference.trimmed(), Qt::CaseInsensitive) == 0;
        item->setForeground(1, exact ? QColor(0, 120, 0) : QColor(170, 60, 0));
    }
    // Newest eval first and open; older ones collapse.
    m_samples->takeTopLevelItem(m_samples->indexOfTopLevelItem(group));
    m_samples->insertTopLevelItem(0, group);
    for (int i = 1; i < m_samples->topLevelItemCount(); ++i) m_samples->topLevelItem(i)->setExpanded(false);
    group->setExpanded(true);
    // Images of old evals are kept for the latest 100 evals only: a long run must not grow without end.
    while (m_samples->topLevelItemCount() > 100) delete m_samples->takeTopLevelItem(m_samples->topLevelItemCount() - 1);
}

void TrainPage::refreshCheckpoints() {
    if (m_batching) { // a watched history may hold hundreds of saves: list the folder once at its end
        m_checkpointsStale = true;
        return;
    }
    const QString selected =
        m_checkpoints->currentItem() ? m_checkpoints->currentItem()->data(0, Qt::UserRole).toString() : QString();
    m_checkpoints->clear();
    if (m_runOutput.isEmpty()) return;
    for (const captioner::CheckpointRecord& record : captioner::listCheckpointRecords(m_runOutput.toStdString())) {
        const captioner::CheckpointRecord& c = record;
        const QString path = qs(c.path);
        auto* item = new QTreeWidgetItem(m_checkpoints,
                                         {QFileInfo(path).fileName(), formatCount(c.step), formatMetric(c.evalLoss),
                                          formatMetric(c.evalWer), formatMetric(c.evalWerTeacherForced),
                                          c.isBest ? tr("★ best") : QString()});
        item->setData(0, Qt::UserRole, path);
        item->setToolTip(0, QDir::toNativeSeparators(path));
        if (c.isBest) {
            QFont bold = item->font(0);
            bold.setBold(true);
            for (int col = 0; col < item->columnCount(); ++col) item->setFont(col, bold);
        }
        if (path == selected) m_checkpoints->setCurrentItem(item);
    }
    m_useCheckpoint->setEnabled(m_checkpoints->currentItem());
}

void TrainPage::applyHistory(const TrainingHistory& history) {
    for (const TrainingEvent& u : history.entries) {
        if (u.type == TrainingEventType::Step) m_charts->addStep(u.step, u.loss, u.learningRate);
        else
            m_charts->addEval(u.step, u.eval.loss, generatedMetric(u.eval, u.eval.generated.wer.wer),
                              u.eval.werTeacherForced.wer);
    }
    m_charts->flush();
    m_step = history.globalStep;
    if (history.maxSteps > 0) m_progress->setRange(0, int(history.maxSteps));
    m_progress->setValue(int(qMin<qint64>(history.globalStep, m_progress->maximum())));
    refreshCheckpoints();
}

bool TrainPage::loadRun(const QString& outputFolder) {
    if (isRunning() || isWatching()) return false;
    TrainingHistory history;
    try {
        history = captioner::readTrainingHistory(QDir::toNativeSeparators(outputFolder).toStdString());
    } catch (const captioner::Error& e) {
        showProblem(tr("Cannot show this run: %1").arg(qs(e.what())));
        return false;
    }
    showProblem(QString());
    m_charts->clear();
    m_samples->clear();
    m_runOutput = outputFolder;
    m_form->setOutputFolder(outputFolder);
    applyHistory(history);
    m_stats->setText(tr("Run in %1: %2 of %3 steps, %n checkpoint(s).", nullptr, int(history.checkpoints.size()))
                         .arg(QDir::toNativeSeparators(outputFolder), formatCount(history.globalStep),
                              formatCount(history.maxSteps)));
    appendLog(tr("Loaded the run in %1").arg(QDir::toNativeSeparators(outputFolder)));
    updateButtons(); // Push to Hub follows the loaded run
    return true;
}

} // namespace captioner::ui
