// TrainPage: watching a run this window does not own, through its output folder's events.jsonl.
// The watcher's events take the same path as the worker's (onUpdate), so charts, progress, samples,
// checkpoints and the log look as they do for a run started here.
#include "captioner_ui/train_page.h"

#include "captioner_ui/locale_format.h"

#include "training_charts.h"
#include "training_form.h"
#include "training_watcher.h"

#include "captioner/error.h"
#include "captioner/training_history.h"

#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QTreeWidget>

#include <utility>

namespace captioner::ui {

namespace {
// addSamples keeps the newest 100 evals' samples: older ones of a long history need no image decoding.
constexpr int kSampleEvalsKept = 100;
} // namespace

void TrainPage::chooseWatchFolder() {
    if (m_thread) return;
    const QString start = m_watcher ? m_watcher->outputFolder() : m_form->outputFolder();
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Watch Run Folder"), start);
    if (!folder.isEmpty()) watchRun(folder);
}

bool TrainPage::watchRun(const QString& outputFolder) {
    if (m_thread || outputFolder.trimmed().isEmpty()) return false;
    delete std::exchange(m_watcher, nullptr);
    if (!m_formBeforeWatch) m_formBeforeWatch = std::make_unique<captioner::TrainingOptions>(m_form->options());
    m_watchRecipeShown = false;
    clearRunView();
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_runOutput = QDir::cleanPath(outputFolder);
    m_form->setOutputFolder(m_runOutput);
    m_watcher = new TrainingWatcher(m_runOutput, this);
    const int generation = ++m_watchGeneration;
    connect(
        m_watcher, &TrainingWatcher::batch, this,
        [this, generation](const QList<captioner::TrainingEvent>& updates, bool exists, bool restarted,
                           const QStringList& problems) {
            if (generation == m_watchGeneration) onWatchedBatch(updates, exists, restarted, problems);
        },
        Qt::QueuedConnection);
    m_watcher->start(); // after the connection: the first batch holds the file so far
    appendLog(tr("Watching %1").arg(QDir::toNativeSeparators(m_watcher->logPath())));
    m_stats->setText(tr("Reading %1…").arg(QDir::toNativeSeparators(m_watcher->logPath())));
    refreshCheckpoints();
    updateButtons();
    return true;
}

void TrainPage::stopWatching() {
    if (!m_watcher) return;
    ++m_watchGeneration;
    appendLog(tr("Stopped watching %1").arg(QDir::toNativeSeparators(m_watcher->logPath())));
    delete std::exchange(m_watcher, nullptr);
    if (m_formBeforeWatch) {
        // The form is the user's again, as it was; the watched run's output folder stays chosen (the
        // charts shown are its), so Start there asks before touching it.
        captioner::TrainingOptions before = *std::exchange(m_formBeforeWatch, nullptr);
        before.outputDir = QDir::toNativeSeparators(m_runOutput).toStdString();
        m_form->setOptions(before);
    }
    m_paused = false;
    updateButtons();
    applyPendingFolders();
    emit progressChanged(-1);
}

void TrainPage::showWatchedRecipe() {
    if (m_watchRecipeShown) return;
    try {
        const auto options = captioner::readTrainingArgs(QDir::toNativeSeparators(m_runOutput).toStdString());
        if (!options) return; // no checkpoint yet: the next batch looks again
        m_form->setRecipe(*options);
        m_form->setModelFolder(QString::fromStdString(options->modelDir));
        m_form->setDatasetPath(QString::fromStdString(options->dataPath));
        appendLog(tr("The form shows the watched run's recipe (per process: batch %1).")
                      .arg(formatCount(options->batchSize)));
    } catch (const captioner::Error& e) {
        appendLog(tr("The watched run's recipe cannot be shown: %1").arg(QString::fromStdString(e.what())));
    }
    m_watchRecipeShown = true;
}

QString TrainPage::watchingText() const {
    const QString folder = QDir::toNativeSeparators(m_watcher->outputFolder());
    if (m_lastStatus == QLatin1String("completed"))
        return tr("Watching %1: the run completed at step %2. A resumed run would show here too.")
            .arg(folder, formatCount(m_step));
    if (m_lastStatus == QLatin1String("cancelled"))
        return tr("Watching %1: the run was cancelled at step %2. A resumed run would show here too.")
            .arg(folder, formatCount(m_step));
    if (m_lastStatus == QLatin1String("failed"))
        return tr("Watching %1: the run failed at step %2. A resumed run would show here too.")
            .arg(folder, formatCount(m_step));
    return tr("Watching %1, read-only: the run is controlled where it was started. Stop Watching to use the form.")
        .arg(folder);
}

void TrainPage::onWatchedBatch(const QList<captioner::TrainingEvent>& updates, bool exists, bool restarted,
                               const QStringList& problems) {
    for (const QString& problem : problems) appendLog(tr("Skipped: %1").arg(problem));
    if (restarted)
        appendLog(tr("%1 was truncated or replaced: reading the new file from its start.")
                      .arg(QDir::toNativeSeparators(m_watcher->logPath())));
    if (!exists && updates.isEmpty() && m_step == 0 && m_lastStatus.isEmpty())
        m_stats->setText(tr("Waiting for %1: no run has written events there yet.")
                             .arg(QDir::toNativeSeparators(m_watcher->logPath())));
    int unsampled = 0;
    for (const captioner::TrainingEvent& u : updates)
        if (u.type == TrainingEventType::Evaluated && !u.eval.samples.empty()) ++unsampled;
    unsampled -= kSampleEvalsKept;
    m_batching = true;
    for (captioner::TrainingEvent u : updates) {
        if (u.type == TrainingEventType::Started) {
            // A run that starts from scratch in this folder replaces what was drawn; a resumed one redoes
            // the steps after its checkpoint, so the points after it go.
            if (u.resumedFromStep == 0) {
                m_charts->clear();
                m_samples->clear();
            } else {
                m_charts->truncateAfter(u.resumedFromStep);
            }
            m_lastStatus.clear();
            m_paused = false;
            showProblem(QString());
        }
        if (u.type == TrainingEventType::Evaluated && !u.eval.samples.empty() && unsampled-- > 0)
            u.eval.samples.clear();
        onUpdate(u);
        if (u.type == TrainingEventType::Finished) onDone(QString::fromStdString(u.status), QString());
        else if (u.type == TrainingEventType::Failed)
            onDone(QStringLiteral("failed"), QString::fromStdString(u.message));
        if (u.type == TrainingEventType::Finished || u.type == TrainingEventType::Failed) emit progressChanged(-1);
    }
    m_batching = false;
    if (std::exchange(m_checkpointsStale, false)) refreshCheckpoints();
    if (!updates.isEmpty()) showWatchedRecipe();
    updateReadiness();
}

} // namespace captioner::ui
