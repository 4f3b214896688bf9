// TrainPage: layout, validation and the worker thread's life. Event handling is in train_page_run.cpp.
#include "captioner_ui/train_page.h"

#include "captioner/error.h"

#include "captioner_ui/hub_dialogs.h"
#include "captioner_ui/translations.h"
#include "training_charts.h"
#include "training_form.h"
#include "training_watcher.h"
#include "training_worker.h"

#include <QAction>
#include <QDesktopServices>
#include <QDir>
#include <QUrl>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabBar>
#include <QTabWidget>
#include <QThread>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <utility>

namespace captioner::ui {

namespace {
QPushButton* button(QWidget* parent, const QString& text, const QString& name, const QString& description) {
    auto* b = new QPushButton(text, parent);
    b->setObjectName(name);
    b->setAccessibleName(withoutMnemonic(text).remove(QStringLiteral("…")));
    b->setAccessibleDescription(description);
    b->setToolTip(description);
    return b;
}
void name(QWidget* w, const QString& objectName, const QString& accessible, const QString& description) {
    w->setObjectName(objectName);
    w->setAccessibleName(accessible);
    w->setAccessibleDescription(description);
}
} // namespace

TrainPage::TrainPage(QWidget* parent) : QWidget(parent) {
    qRegisterMetaType<captioner::TrainingOptions>();
    qRegisterMetaType<captioner::TrainingEvent>();
    auto* outer = new QHBoxLayout(this);
    outer->setContentsMargins(4, 4, 4, 4);
    auto* split = new QSplitter(Qt::Horizontal, this);
    outer->addWidget(split);

    auto* left = new QWidget(split);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    m_form = new TrainingForm;
    auto* scroll = new QScrollArea(left);
    scroll->setWidget(m_form);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setMinimumWidth(300); // narrower windows scroll the form sideways
    name(scroll, QStringLiteral("trainFormScroll"), tr("Training recipe"),
         tr("Folders and hyper-parameters of the fine-tuning run"));
    leftLayout->addWidget(scroll, 1);
    m_readiness = new QLabel(left);
    m_readiness->setObjectName(QStringLiteral("trainReadiness"));
    m_readiness->setWordWrap(true);
    leftLayout->addWidget(m_readiness);
    m_problem = new QLabel(left);
    m_problem->setObjectName(QStringLiteral("trainProblem"));
    m_problem->setWordWrap(true);
    m_problem->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problem->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_problem->hide();
    leftLayout->addWidget(m_problem);
    auto* buttons = new QHBoxLayout;
    m_start = button(left, tr("&Start"), QStringLiteral("trainStart"), tr("Check the settings and start fine-tuning"));
    m_pause = button(left, tr("Pa&use"), QStringLiteral("trainPause"), tr("Pause after the current step"));
    m_resume = button(left, tr("Resu&me"), QStringLiteral("trainResumeRun"), tr("Continue the paused training"));
    m_cancel = button(left, tr("Ca&ncel"), QStringLiteral("trainCancel"),
                      tr("Stop after the current step and save a checkpoint"));
    for (QPushButton* b : {m_start, m_pause, m_resume, m_cancel}) buttons->addWidget(b);
    leftLayout->addLayout(buttons);
    auto* watchRow = new QHBoxLayout;
    m_watch = button(left, tr("Wa&tch Run Folder…"), QStringLiteral("trainWatch"),
                     tr("Follow a run started elsewhere (the command line, a cluster job, another window) from its "
                        "output folder, read-only (Ctrl+Shift+W)"));
    m_stopWatch = button(left, tr("Stop Watch&ing"), QStringLiteral("trainStopWatch"),
                         tr("Stop following the watched run; its charts stay and the form is usable again"));
    watchRow->addWidget(m_watch);
    watchRow->addWidget(m_stopWatch);
    leftLayout->addLayout(watchRow);
    connect(m_watch, &QPushButton::clicked, this, &TrainPage::chooseWatchFolder);
    connect(m_stopWatch, &QPushButton::clicked, this, &TrainPage::stopWatching);
    auto* watchAction = new QAction(tr("Watch Run Folder…"), this);
    watchAction->setObjectName(QStringLiteral("actionTrainWatch"));
    watchAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_W));
    watchAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(watchAction, &QAction::triggered, this, [this] {
        if (m_watch->isEnabled()) chooseWatchFolder();
    });
    addAction(watchAction);
    connect(m_start, &QPushButton::clicked, this, &TrainPage::start);
    connect(m_pause, &QPushButton::clicked, this, &TrainPage::pause);
    connect(m_resume, &QPushButton::clicked, this, &TrainPage::resume);
    connect(m_cancel, &QPushButton::clicked, this, &TrainPage::cancel);
    connect(m_form, &TrainingForm::foldersChanged, this, &TrainPage::updateReadiness);
    connect(m_form, &TrainingForm::showRunRequested, this, [this] { loadRun(m_form->outputFolder()); });

    auto* right = new QSplitter(Qt::Vertical, split);
    auto* top = new QWidget(right);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_progress = new QProgressBar(top);
    name(m_progress, QStringLiteral("trainProgress"), tr("Training progress"),
         tr("Optimizer steps done of the run's total"));
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_progress->setFormat(tr("Step %v of %m"));
    m_stats = new QLabel(tr("Not started."), top);
    m_stats->setObjectName(QStringLiteral("trainStats"));
    m_stats->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_charts = new TrainingCharts(top);
    topLayout->addWidget(m_progress);
    topLayout->addWidget(m_stats);
    topLayout->addWidget(m_charts, 1);

    auto* tabs = new QTabWidget(right);
    name(tabs, QStringLiteral("trainTabs"), tr("Run details"),
         tr("Sample captions, checkpoints and the log of the run"));
    tabs->tabBar()->setAccessibleName(tr("Run details"));
    tabs->tabBar()->setAccessibleDescription(tabs->accessibleDescription());
    for (QToolButton* arrow : tabs->tabBar()->findChildren<QToolButton*>())
        arrow->setAccessibleDescription(tr("Scroll the run detail tabs"));
    m_samples = new QTreeWidget(tabs);
    name(m_samples, QStringLiteral("trainSamples"), tr("Sample captions"),
         tr("Generated captions of held-out images at each evaluation, against their reference"));
    m_samples->setHeaderLabels({tr("Image"), tr("Prediction"), tr("Reference")});
    m_samples->setIconSize(QSize(64, 64));
    m_samples->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    tabs->addTab(m_samples, tr("Samples"));

    auto* checkpointsPane = new QWidget(tabs);
    auto* checkpointsLayout = new QVBoxLayout(checkpointsPane);
    checkpointsLayout->setContentsMargins(0, 0, 0, 0);
    m_checkpoints = new QTreeWidget(checkpointsPane);
    name(m_checkpoints, QStringLiteral("trainCheckpoints"), tr("Checkpoints"),
         tr("Saved checkpoints with their eval metrics; the best is marked"));
    m_checkpoints->setHeaderLabels(
        {tr("Checkpoint"), tr("Step"), tr("Eval loss"), tr("WER (generated)"), tr("WER (teacher-forced)"), tr("Best")});
    m_checkpoints->setRootIsDecorated(false);
    m_checkpoints->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_useCheckpoint = button(checkpointsPane, tr("Use for &Captioning"), QStringLiteral("trainUseCheckpoint"),
                             tr("Open the selected checkpoint on the Caption page"));
    m_useCheckpoint->setEnabled(false);
    auto* openFolder = button(checkpointsPane, tr("Open &Folder"), QStringLiteral("trainOpenCheckpointFolder"),
                              tr("Show the selected checkpoint's folder in the file manager"));
    openFolder->setEnabled(false);
    connect(openFolder, &QPushButton::clicked, this, [this] {
        if (QTreeWidgetItem* item = m_checkpoints->currentItem())
            QDesktopServices::openUrl(QUrl::fromLocalFile(item->data(0, Qt::UserRole).toString()));
    });
    connect(m_checkpoints, &QTreeWidget::itemSelectionChanged, this, [this, openFolder] {
        m_useCheckpoint->setEnabled(m_checkpoints->currentItem());
        openFolder->setEnabled(m_checkpoints->currentItem());
    });
    auto use = [this] {
        if (QTreeWidgetItem* item = m_checkpoints->currentItem())
            emit useCheckpointRequested(item->data(0, Qt::UserRole).toString());
    };
    connect(m_useCheckpoint, &QPushButton::clicked, this, use);
    connect(m_checkpoints, &QTreeWidget::itemActivated, this, use);
    // A finished run's model folder (its root holds the best or last model) goes to the Hub from here.
    auto* pushToHub = button(checkpointsPane, tr("Push to &Hub…"), QStringLiteral("trainPushToHub"),
                             tr("Upload the run's model with a model card to a Hugging Face Hub repository"));
    pushToHub->setEnabled(false);
    connect(pushToHub, &QPushButton::clicked, this, [this] {
        auto* dialog = new HubPushDialog(m_runOutput, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    auto* useRow = new QHBoxLayout;
    useRow->addWidget(pushToHub);
    useRow->addStretch();
    useRow->addWidget(openFolder);
    useRow->addWidget(m_useCheckpoint);
    checkpointsLayout->addWidget(m_checkpoints, 1);
    checkpointsLayout->addLayout(useRow);
    tabs->addTab(checkpointsPane, tr("Checkpoints"));

    m_log = new QPlainTextEdit(tabs);
    name(m_log, QStringLiteral("trainLog"), tr("Training log"), tr("Messages of the training run"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    tabs->addTab(m_log, tr("Log"));
    right->addWidget(top);
    right->addWidget(tabs);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({m_form->sizeHint().width() + 24, 800});
    updateReadiness();
    updateButtons();
}

TrainPage::~TrainPage() {
    delete m_watcher;
    if (!m_thread) return;
    // As Qt's mandelbrot example: abort the work, then wait for the thread before the page goes away.
    disconnect(m_worker, nullptr, this, nullptr);
    disconnect(m_thread, nullptr, this, nullptr);
    m_worker->resume();
    m_worker->cancel();
    m_thread->wait();
    delete m_worker;
    delete m_thread;
}

void TrainPage::setDatasetFolder(const QString& folder) {
    if (m_thread || m_watcher) { // the form shows the running (or watched) run; take the new folder when it ends
        m_pendingDataset = folder;
        return;
    }
    m_form->setDatasetPath(folder);
    // A sibling output folder follows the dataset until the user picks one.
    if (!folder.isEmpty() && (m_form->outputFolder().isEmpty() || m_form->outputFolder() == m_autoOutput)) {
        m_autoOutput = QDir::cleanPath(folder) + QStringLiteral("-finetuned");
        m_form->setOutputFolder(m_autoOutput);
    }
}

void TrainPage::setModelFolder(const QString& folder) {
    if (m_thread || m_watcher) m_pendingModel = folder;
    else m_form->setModelFolder(folder);
}

void TrainPage::setOutputFolder(const QString& folder) { m_form->setOutputFolder(folder); }

void TrainPage::applyPendingFolders() {
    if (!m_pendingDataset.isEmpty()) setDatasetFolder(std::exchange(m_pendingDataset, QString()));
    if (!m_pendingModel.isEmpty()) setModelFolder(std::exchange(m_pendingModel, QString()));
}

QString TrainPage::statusText() const { return m_readiness->text(); }

void TrainPage::updateReadiness() {
    if (m_thread) {
        m_readiness->setText(tr("Training is running: pause or cancel it below. The window stays usable."));
        return;
    }
    if (m_watcher) {
        m_readiness->setText(watchingText());
        return;
    }
    const bool data = !m_form->datasetPath().isEmpty(), model = !m_form->modelFolder().isEmpty();
    QString text;
    if (!data && !model) text = tr("Open a dataset (Ctrl+O) and a model (Ctrl+Shift+O) to fine-tune.");
    else if (!data) text = tr("Open a dataset (Ctrl+O) to fine-tune this model on.");
    else if (!model) text = tr("Open a model (Ctrl+Shift+O) to fine-tune on this dataset.");
    else text = tr("Dataset and model are chosen: check the recipe and press Start.");
    m_readiness->setText(text);
}

QStringList TrainPage::validate() const { return validateTrainingOptions(m_form->options()); }

bool TrainPage::isRunning() const { return m_thread != nullptr; }

int TrainPage::chartPointCount(const QString& series) const { return m_charts->pointCount(series); }

bool TrainPage::exportChartData(const QString& csvFile) const { return m_charts->exportCsv(csvFile); }

bool TrainPage::exportChartImage(const QString& pngFile) const { return m_charts->exportPng(pngFile); }

void TrainPage::showProblem(const QString& text) {
    m_problem->setText(text);
    m_problem->setVisible(!text.isEmpty());
}

// A new run (started here or watched) begins with empty charts, samples and log and no state.
void TrainPage::clearRunView() {
    showProblem(QString());
    m_charts->clear();
    m_samples->clear();
    m_log->clear();
    m_step = 0;
    m_paused = false;
    m_cancelling = false;
    m_lastStatus.clear();
}

bool TrainPage::start() {
    if (m_thread || m_watcher) return false;
    captioner::TrainingOptions options = m_form->options();
    const QStringList problems = validateTrainingOptions(options);
    if (!problems.isEmpty()) {
        showProblem(tr("Cannot start:\n• %1").arg(problems.join(QStringLiteral("\n• "))));
        return false;
    }
    const QString outputDir = QString::fromStdString(options.outputDir);
    const bool hasRun = QFileInfo::exists(outputDir + QStringLiteral("/trainer_state.json")) ||
                        !QDir(outputDir).entryList({QStringLiteral("checkpoint-*")}, QDir::Dirs).isEmpty();
    if (hasRun && !options.resume) {
        QMessageBox box(
            QMessageBox::Question, tr("Output Folder in Use"),
            tr("%1 already holds a training run. Resume it, or start over (its checkpoints may be replaced)?")
                .arg(QDir::toNativeSeparators(outputDir)),
            QMessageBox::Cancel, this);
        QPushButton* resumeButton = box.addButton(tr("Resume"), QMessageBox::AcceptRole);
        QPushButton* overButton = box.addButton(tr("Start Over"), QMessageBox::DestructiveRole);
        box.exec();
        if (box.clickedButton() == resumeButton) options.resume = true;
        else if (box.clickedButton() != overButton) return false;
    }
    clearRunView();
    m_runOutput = outputDir;
    bool resumedCharts = false;
    if (options.resume) { // the charts continue where the run stopped
        try {
            applyHistory(captioner::readTrainingHistory(options.outputDir));
            resumedCharts = true;
        } catch (const captioner::Error& e) {
            appendLog(tr("The charts start empty: %1").arg(QString::fromStdString(e.what())));
        }
    }
    if (!resumedCharts) refreshCheckpoints();
    appendLog(tr("Starting: %1 → %2")
                  .arg(QDir::toNativeSeparators(QString::fromStdString(options.modelDir)),
                       QDir::toNativeSeparators(outputDir)));
    m_stats->setText(tr("Preparing the data and the model…"));

    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("training"));
    m_worker = new TrainingWorker;
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::started, m_worker, [worker = m_worker, options] { worker->run(options); });
    connect(m_worker, &TrainingWorker::update, this, &TrainPage::onUpdate, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::done, this, &TrainPage::onDone, Qt::QueuedConnection);
    connect(m_worker, &TrainingWorker::done, m_thread, &QThread::quit, Qt::DirectConnection);
    connect(m_thread, &QThread::finished, this, &TrainPage::onThreadFinished, Qt::QueuedConnection);
    m_thread->start();
    updateButtons();
    emit runningChanged(true);
    return true;
}

void TrainPage::pause() {
    if (!m_worker || m_paused || m_cancelling) return;
    m_worker->pause();
    m_stats->setText(tr("Pausing after the current step…"));
    m_pause->setEnabled(false);
}

void TrainPage::resume() {
    if (!m_worker || !m_paused) return;
    m_worker->resume();
    m_resume->setEnabled(false);
}

void TrainPage::cancel() {
    if (!m_worker || m_cancelling) return;
    m_cancelling = true;
    m_worker->cancel();
    m_worker->resume(); // a paused trainer must wake up to see the cancellation
    m_stats->setText(tr("Cancelling: finishing the current step and saving a checkpoint…"));
    updateButtons();
}

void TrainPage::updateButtons() {
    const bool running = m_thread != nullptr, watching = m_watcher != nullptr;
    m_start->setEnabled(!running && !watching);
    m_form->setEnabled(!running && !watching);
    m_watch->setEnabled(!running);
    m_stopWatch->setEnabled(watching);
    m_pause->setEnabled(running && !m_paused && !m_cancelling);
    m_resume->setEnabled(running && m_paused && !m_cancelling);
    m_cancel->setEnabled(running && !m_cancelling);
    if (auto* push = findChild<QPushButton*>(QStringLiteral("trainPushToHub")))
        push->setEnabled(!running && !m_runOutput.isEmpty() &&
                         QFileInfo::exists(m_runOutput + QStringLiteral("/config.json")));
    updateReadiness();
}

void TrainPage::onThreadFinished() {
    m_thread->wait();
    delete m_worker;
    delete m_thread;
    m_worker = nullptr;
    m_thread = nullptr;
    m_paused = false;
    m_cancelling = false;
    updateButtons();
    refreshCheckpoints();
    applyPendingFolders();
    emit runningChanged(false);
    emit progressChanged(-1);
    emit runFinished(m_lastStatus);
}

} // namespace captioner::ui
