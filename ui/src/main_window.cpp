#include "captioner_ui/main_window.h"

#include "captioner_ui/locale_format.h"
#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_page.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"
#include "captioner_ui/model_manager.h"
#include "captioner_ui/model_panel.h"
#include "captioner_ui/settings_dialog.h"
#include "captioner_ui/train_page.h"
#include "captioner_ui/translations.h"
#include "captioner_ui/hub_dialogs.h"
#include "shortcuts_dialog.h"

#include "captioner/inference_precision.h"
#include "captioner/runtime.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QPushButton>
#include <QToolBar>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QToolButton>
#include <QUndoStack>

#include <algorithm>
#include <memory>

namespace captioner::ui {

namespace {
constexpr int kMinZoom = -4;
constexpr int kMaxZoom = 16;
} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_tabs(new QTabWidget(this)), m_datasetPage(new DatasetPage(this)),
      m_trainPage(new TrainPage(this)), m_captionPage(new CaptionPage(this)), m_runtimeLabel(new QLabel(this)) {
    setWindowTitle(tr("Captioner"));
    setObjectName(QStringLiteral("MainWindow"));
    m_baseFontSize = font().pointSize() > 0 ? font().pointSize() : 10;

    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_datasetPage, tr("&Dataset"));
    m_tabs->addTab(m_trainPage, tr("&Train"));
    m_tabs->addTab(m_captionPage, tr("&Caption"));
    m_tabs->setAccessibleName(tr("Pages"));
    m_tabs->setAccessibleDescription(tr("Dataset, Train and Caption pages; Ctrl+1 to Ctrl+3 switch between them"));
    m_tabs->tabBar()->setAccessibleName(tr("Pages"));
    m_tabs->tabBar()->setAccessibleDescription(m_tabs->accessibleDescription());
    // The tab bar's scroll arrows (shown when the window is narrow) take focus too.
    for (QToolButton* arrow : m_tabs->tabBar()->findChildren<QToolButton*>())
        arrow->setAccessibleDescription(tr("Scroll the page tabs"));
    setCentralWidget(m_tabs);

    connect(m_datasetPage, &DatasetPage::openRequested, this, &MainWindow::chooseDataset);
    connect(m_datasetPage, &DatasetPage::folderDropped, this, &MainWindow::openDataset);
    connect(m_datasetPage, &DatasetPage::openDemoRequested, this, &MainWindow::openDemoDataset);
    connect(m_datasetPage, &DatasetPage::opened, this, &MainWindow::onDatasetOpened);
    connect(m_datasetPage, &DatasetPage::openFailed, this, &MainWindow::onDatasetFailed);
    connect(m_datasetPage, &DatasetPage::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(m_datasetPage, &DatasetPage::saved, this,
            [this](bool, const QString& text) { statusBar()->showMessage(text, 8000); });
    connect(m_datasetPage->undoStack(), &QUndoStack::cleanChanged, this,
            [this](bool clean) { setWindowModified(!clean); });
    setAcceptDrops(true);
    connect(m_trainPage, &TrainPage::openDatasetRequested, this, &MainWindow::chooseDataset);
    connect(m_trainPage, &TrainPage::openModelRequested, this, &MainWindow::chooseModel);
    connect(m_captionPage, &CaptionPage::openModelRequested, this, &MainWindow::chooseModel);
    connect(m_captionPage, &CaptionPage::message, this,
            [this](const QString& text) { statusBar()->showMessage(text, 8000); });
    // The compare view's references: the open dataset's captions of the compared images.
    m_captionPage->setReferenceLookup([this](const QStringList& images) {
        QVector<QStringList> out(images.size());
        const DatasetModel* model = m_datasetPage->model();
        if (!m_datasetPage->hasDataset() || !model) return out;
        QHash<QString, int> rowOf;
        for (int row = 0; row < model->rowCount(); ++row)
            rowOf.insert(
                QFileInfo(model->data(model->index(row), DatasetModel::ImagePathRole).toString()).absoluteFilePath(),
                row);
        for (int i = 0; i < images.size(); ++i) {
            const auto it = rowOf.constFind(QFileInfo(images[i]).absoluteFilePath());
            if (it != rowOf.constEnd()) out[i] = model->captions(*it);
        }
        return out;
    });
    connect(m_captionPage, &CaptionPage::addToDatasetRequested, this,
            [this](const QStringList& images, const QStringList& captions, const QVector<double>& confidences,
                   const QVector<QVector<QPair<QString, double>>>& words) {
                // Into the open dataset when it holds any of the images; otherwise the images' folder is
                // opened as the dataset first (in the background) and they go in once it is open.
                const QString root = m_datasetPage->hasDataset()
                                         ? QDir(m_datasetPage->rootFolder()).absolutePath() + QLatin1Char('/')
                                         : QString();
                const bool inOpen =
                    !root.isEmpty() && std::any_of(images.begin(), images.end(), [&root](const QString& image) {
                        return QFileInfo(image).absoluteFilePath().startsWith(root);
                    });
                auto apply = [this, images, captions, confidences, words] {
                    QString summary;
                    m_datasetPage->addModelCaptions(images, captions, &summary, confidences, words);
                    showPage(Page::Dataset);
                    statusBar()->showMessage(summary, 10000);
                };
                if (inOpen) return apply();
                auto done = std::make_shared<QMetaObject::Connection>();
                auto failed = std::make_shared<QMetaObject::Connection>();
                *done = connect(m_datasetPage, &DatasetPage::opened, this, [apply, done, failed] {
                    disconnect(*done);
                    disconnect(*failed);
                    apply();
                });
                *failed = connect(m_datasetPage, &DatasetPage::openFailed, this, [done, failed] {
                    disconnect(*done);
                    disconnect(*failed);
                });
                openDataset(QFileInfo(images.first()).absolutePath());
            });
    connect(m_trainPage, &TrainPage::useCheckpointRequested, this, &MainWindow::useCheckpointForCaptioning);
    // Progress stays in sight on the other pages.
    connect(m_trainPage, &TrainPage::progressChanged, this, [this](int percent) {
        const int index = static_cast<int>(Page::Train);
        m_tabs->setTabText(index, percent < 0 ? tr("&Train") : tr("&Train (%1%)").arg(formatCount(percent)));
    });

    m_runtimeLabel->setObjectName(QStringLiteral("runtimeStatus"));
    statusBar()->addPermanentWidget(m_runtimeLabel);
    updateRuntimeStatus();

    // Models are loaded by the manager (off the UI thread); the Caption page gets them when ready.
    m_modelManager = new ModelManager(this);
    m_modelPanel = new ModelPanel(m_modelManager);
    m_captionPage->setModelPanel(m_modelPanel);
    connect(m_modelPanel, &ModelPanel::openRequested, this, &MainWindow::chooseModel);
    connect(m_modelPanel, &ModelPanel::hubModelRequested, this, &MainWindow::downloadHubModel);
    connect(m_modelManager, &ModelManager::modelReady, m_captionPage, &CaptionPage::setModel);
    connect(m_modelManager, &ModelManager::modelReady, this,
            [this](const std::shared_ptr<captioner::GitCheckpoint>&, const QString& folder) {
                statusBar()->showMessage(tr("Model %1 loaded").arg(QDir::toNativeSeparators(folder)), 5000);
            });
    connect(m_modelManager, &ModelManager::loadFailed, this,
            [this](const QString&, const QString& message) { statusBar()->showMessage(message, 10000); });
    connect(m_modelManager, &ModelManager::recentChanged, this, [this] { rebuildRecentMenu(); });
    m_datasetPage->setThumbnailSize(AppSettings::thumbnailSize());

    createActions();
    restoreSettings();
    // Japanese chosen without a font to draw it: say why the window is in English (until the next message).
    if (!languageFallbackNote().isEmpty()) statusBar()->showMessage(languageFallbackNote());
}

void MainWindow::createActions() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* openDataset = file->addAction(tr("Open &Dataset Folder…"), this, &MainWindow::chooseDataset);
    openDataset->setObjectName(QStringLiteral("actionOpenDataset"));
    openDataset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_O));
    openDataset->setStatusTip(tr("Open a folder of images, or a folder holding a dataset's caption files, as the "
                                 "dataset"));
    QAction* openDatasetFile = file->addAction(tr("Open Dataset &File…"), this, &MainWindow::chooseDatasetFile);
    openDatasetFile->setObjectName(QStringLiteral("actionOpenDatasetFile"));
    openDatasetFile->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_O));
    openDatasetFile->setStatusTip(
        tr("Open a dataset file: metadata.jsonl or .csv, a COCO captions .json, a Flickr token file or a .parquet"));
    QAction* openModel = file->addAction(tr("Open &Model…"), this, &MainWindow::chooseModel);
    openModel->setObjectName(QStringLiteral("actionOpenModel"));
    openModel->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    openModel->setStatusTip(tr("Open a GIT model folder (config.json, model.safetensors, vocab.txt)"));
    QAction* openDemo = file->addAction(tr("Open D&emo Dataset"), this, &MainWindow::openDemoDataset);
    openDemo->setObjectName(QStringLiteral("actionOpenDemo"));
    openDemo->setStatusTip(tr("Open the built-in dataset of generated shapes with their captions"));
    // Hugging Face Hub: download into the cache shared with Python, or open what it already holds.
    auto openFromHub = [this](const QString& folder, bool dataset) {
        dataset ? this->openDataset(folder) : this->openModel(folder);
    };
    auto showHubDownload = [this] { showHubDownloadDialog(); };
    QAction* hubDownload = file->addAction(tr("Download from &Hugging Face…"), this, showHubDownload);
    hubDownload->setObjectName(QStringLiteral("actionHubDownload"));
    hubDownload->setStatusTip(tr("Download a model or dataset from the Hugging Face Hub into the shared cache"));
    QAction* hubCache = file->addAction(tr("Hugging Face &Cache…"), this, [this, openFromHub, showHubDownload] {
        auto* dialog = new HubCacheDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &HubCacheDialog::openRequested, this, openFromHub);
        connect(dialog, &HubCacheDialog::downloadRequested, this, showHubDownload);
        dialog->open();
    });
    hubCache->setObjectName(QStringLiteral("actionHubCache"));
    hubCache->setStatusTip(tr("Models and datasets already downloaded, also by Python's huggingface_hub"));
    m_recentMenu = file->addMenu(tr("&Recent"));
    m_recentMenu->setObjectName(QStringLiteral("menuRecent"));
    // Rebuilt on opening too: the Hugging Face cache can change behind our back (Python downloads).
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::rebuildRecentMenu);
    rebuildRecentMenu();
    file->addSeparator();
    const QList<QAction*> editActions = m_datasetPage->editActions();
    file->addAction(editActions[2]); // Save Captions
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setObjectName(QStringLiteral("actionQuit"));
    quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    quit->setMenuRole(QAction::QuitRole);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(editActions[0]);
    edit->addAction(editActions[1]);
    edit->addSeparator();
    edit->addAction(editActions[3]); // Find
    edit->addSeparator();
    QAction* preferences = edit->addAction(tr("&Preferences…"), this, &MainWindow::showSettings);
    preferences->setObjectName(QStringLiteral("actionPreferences"));
    preferences->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    preferences->setMenuRole(QAction::PreferencesRole);
    preferences->setStatusTip(tr("Threads, device, default decoding, thumbnail size and theme"));

    QMenu* review = menuBar()->addMenu(tr("&Review"));
    const QList<QAction*> reviewActions = m_datasetPage->reviewActions();
    for (int i = 0; i < reviewActions.size(); ++i) {
        if (i == 1 || i == reviewActions.size() - 2) review->addSeparator(); // before Import / Export
        review->addAction(reviewActions[i]);
    }

    QToolBar* tools = addToolBar(tr("Main"));
    tools->setObjectName(QStringLiteral("mainToolBar"));
    tools->setAccessibleName(tr("Main toolbar"));
    tools->setToolButtonStyle(Qt::ToolButtonTextOnly);
    tools->addAction(openDataset);
    tools->addAction(openDemo);
    tools->addAction(editActions[2]);
    tools->addSeparator();
    tools->addAction(editActions[0]);
    tools->addAction(editActions[1]);
    tools->addSeparator();
    tools->addAction(reviewActions[0]);
    tools->addAction(reviewActions.last());
    // Toolbar buttons take focus too: they need the description a screen reader reads.
    for (QToolButton* button : tools->findChildren<QToolButton*>()) {
        if (!button->defaultAction()) continue;
        button->setAccessibleDescription(button->defaultAction()->statusTip());
    }

    QMenu* view = menuBar()->addMenu(tr("&View"));
    const QString pageNames[] = {tr("&Dataset"), tr("&Train"), tr("&Caption")};
    const char* pageIds[] = {"actionShowDataset", "actionShowTrain", "actionShowCaption"};
    for (int i = 0; i < 3; ++i) {
        QAction* page = view->addAction(pageNames[i], this, [this, i] { showPage(static_cast<Page>(i)); });
        page->setObjectName(QLatin1String(pageIds[i]));
        page->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + i)));
        page->setStatusTip(tr("Show the %1 page").arg(withoutMnemonic(pageNames[i])));
    }
    view->addSeparator();
    QAction* zoomIn = view->addAction(tr("Zoom &In"), this, [this] { setFontZoom(m_fontZoom + 1); });
    zoomIn->setObjectName(QStringLiteral("actionZoomIn"));
    zoomIn->setShortcuts({QKeySequence(QKeySequence::ZoomIn), QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), this, [this] { setFontZoom(m_fontZoom - 1); });
    zoomOut->setObjectName(QStringLiteral("actionZoomOut"));
    zoomOut->setShortcut(QKeySequence(QKeySequence::ZoomOut));
    QAction* zoomReset = view->addAction(tr("&Reset Zoom"), this, [this] { setFontZoom(0); });
    zoomReset->setObjectName(QStringLiteral("actionZoomReset"));
    zoomReset->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    view->addSeparator();
    QAction* fullScreen = view->addAction(tr("&Full Screen"));
    fullScreen->setObjectName(QStringLiteral("actionFullScreen"));
    fullScreen->setCheckable(true);
    fullScreen->setShortcut(QKeySequence(Qt::Key_F11));
    connect(fullScreen, &QAction::toggled, this, [this](bool on) {
        setWindowState(on ? (windowState() | Qt::WindowFullScreen) : (windowState() & ~Qt::WindowFullScreen));
    });

    QMenu* caption = menuBar()->addMenu(tr("C&aption"));
    caption->setObjectName(QStringLiteral("menuCaption"));
    caption->addActions(m_captionPage->menuActions());

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    QAction* shortcuts = help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
    shortcuts->setObjectName(QStringLiteral("actionShortcuts"));
    shortcuts->setShortcut(QKeySequence(Qt::Key_F1));
    QAction* about = help->addAction(tr("&About Captioner"), this, &MainWindow::showAbout);
    about->setObjectName(QStringLiteral("actionAbout"));
    about->setMenuRole(QAction::AboutRole);
}

MainWindow::Page MainWindow::currentPage() const { return static_cast<Page>(m_tabs->currentIndex()); }

void MainWindow::showPage(Page page) { m_tabs->setCurrentIndex(static_cast<int>(page)); }

void MainWindow::chooseDataset() {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Open Dataset Folder"), m_datasetPage->rootFolder());
    if (!folder.isEmpty()) openDataset(folder);
}

void MainWindow::chooseDatasetFile() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Dataset File"), m_datasetPage->rootFolder(),
                                                      DatasetPage::datasetFileFilter());
    if (!path.isEmpty()) openDataset(path);
}

HubDownloadDialog* MainWindow::showHubDownloadDialog() {
    auto* dialog = new HubDownloadDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &HubDownloadDialog::openRequested, this,
            [this](const QString& folder, bool dataset) { dataset ? openDataset(folder) : openModel(folder); });
    dialog->open();
    return dialog;
}

void MainWindow::downloadHubModel(const QString& repo) {
    HubDownloadDialog* dialog = showHubDownloadDialog();
    dialog->setRepo(repo, false);
    dialog->setOpenWhenDone(true); // the model opens as soon as it is in the cache
    dialog->startDownload();
}

void MainWindow::chooseModel() {
    const QString folder =
        QFileDialog::getExistingDirectory(this, tr("Open Model Folder"), m_captionPage->modelFolder());
    if (!folder.isEmpty()) openModel(folder);
}

void MainWindow::openDataset(const QString& folder) {
    // A folder or a dataset file: the loader (off the UI thread) says why one cannot be read.
    if (!QFileInfo::exists(folder)) {
        QMessageBox::warning(this, tr("Open Dataset"), tr("%1 does not exist.").arg(QDir::toNativeSeparators(folder)));
        return;
    }
    m_datasetPage->openFolder(folder);
    showPage(Page::Dataset);
}

bool MainWindow::openPaths(const QStringList& paths) {
    QString dataset;
    QStringList images;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        const bool isDataset = info.isDir() || (info.isFile() && DatasetPage::isDatasetFileName(info.fileName()));
        if (isDataset && dataset.isEmpty()) dataset = info.absoluteFilePath();
        else if (!isDataset) images << info.absoluteFilePath(); // one dataset at a time: later ones are left
    }
    if (!dataset.isEmpty()) openDataset(dataset);
    if (!images.isEmpty()) {
        m_captionPage->captionFiles(images); // captioned as soon as a model is open
        showPage(Page::Caption);
    }
    return !dataset.isEmpty();
}

void MainWindow::openDemoDataset() {
    m_datasetPage->openDemo();
    showPage(Page::Dataset);
}

void MainWindow::onDatasetOpened(const QString& folder) {
    m_trainPage->setDatasetFolder(folder);
    AppSettings::addRecent(QStringLiteral("dataset"), folder);
    rebuildRecentMenu();
    setWindowTitle(tr("%1[*] — Captioner").arg(QFileInfo(folder).fileName()));
    setWindowModified(false);
    statusBar()->showMessage(tr("Opened dataset %1").arg(QDir::toNativeSeparators(folder)), 5000);
}

void MainWindow::onDatasetFailed(const QString& folder, const QString& message) {
    // Shown in the status bar, not in a dialog: opening runs in the background and the window stays usable.
    statusBar()->showMessage(tr("Could not open %1: %2").arg(QDir::toNativeSeparators(folder), message));
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile()) event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent* event) {
    if (event->mimeData()->hasUrls() && event->mimeData()->urls().first().isLocalFile()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    // Folders and dataset files open as the dataset, images go to the Caption page (as on the command line).
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    openPaths(paths);
}

void MainWindow::openModel(const QString& folder) {
    if (!QFileInfo(folder).isDir()) {
        QMessageBox::warning(this, tr("Open Model"), tr("%1 is not a folder.").arg(QDir::toNativeSeparators(folder)));
        return;
    }
    m_modelManager->open(folder); // the panel shows progress and why a folder cannot be loaded
    const QString path = QFileInfo(folder).absoluteFilePath();
    m_trainPage->setModelFolder(path);
    // Listed at once, like a dataset: the Train page may fine-tune from it whatever the Caption page thinks.
    AppSettings::addRecent(QStringLiteral("model"), path);
    rebuildRecentMenu();
    m_modelPanel->rebuildRecentMenu();
    showPage(Page::Caption);
}

bool MainWindow::openLastModel() {
    for (const ModelManager::RecentModel& recent : ModelManager::recentModels()) {
        if (!recent.available) continue;
        m_modelManager->open(recent.folder);
        m_trainPage->setModelFolder(recent.folder);
        return true;
    }
    return false;
}

void MainWindow::useCheckpointForCaptioning(const QString& folder) {
    // Not openModel(): the Train page keeps the model it fine-tunes from.
    m_modelManager->open(folder);
    showPage(Page::Caption);
    statusBar()->showMessage(tr("Opening %1 for captioning").arg(QDir::toNativeSeparators(folder)), 5000);
}

void MainWindow::showSettings() {
    SettingsDialog dialog(this);
    connect(&dialog, &SettingsDialog::applied, this, &MainWindow::applySettings);
    dialog.exec();
}

void MainWindow::applySettings(bool deviceChanged) {
    m_captionPage->applySettings();
    m_datasetPage->setThumbnailSize(AppSettings::thumbnailSize());
    updateRuntimeStatus();
    // A model already loaded moves to the new device by loading it again (in the background).
    if (deviceChanged && m_modelManager->model()) m_modelManager->open(m_modelManager->folder());
}

void MainWindow::rebuildRecentMenu() {
    m_recentMenu->clear();
    const QStringList recent = AppSettings::recent();
    for (const QString& entry : recent) {
        const int colon = entry.indexOf(QLatin1Char(':'));
        const QString kind = entry.left(colon);
        const QString path = entry.mid(colon + 1);
        const bool isModel = kind == QLatin1String("model");
        const QString label = (isModel ? tr("Model: %1") : tr("Dataset: %1")).arg(QDir::toNativeSeparators(path));
        QAction* action = m_recentMenu->addAction(
            label, this, [this, isModel, path] { isModel ? openModel(path) : openDataset(path); });
        if (!QFileInfo::exists(path)) {
            action->setText(tr("%1 (unavailable)").arg(label));
            action->setEnabled(false);
        }
    }
    if (recent.isEmpty()) m_recentMenu->addAction(tr("No recent folders"))->setEnabled(false);
    // What the shared Hugging Face cache holds (downloaded here or by Python tools).
    addHubCacheActions(m_recentMenu, true, true, [this](const QString& snapshot, bool isModel) {
        isModel ? openModel(snapshot) : openDataset(snapshot);
    });
    if (recent.isEmpty()) return;
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("&Clear Recent"), this, [this] {
        AppSettings::clearRecent();
        rebuildRecentMenu();
    });
}

void MainWindow::setFontZoom(int steps) {
    m_fontZoom = qBound(kMinZoom, steps, kMaxZoom);
    QFont f = font();
    f.setPointSize(m_baseFontSize + m_fontZoom);
    setFont(f);
    AppSettings::setFontZoom(m_fontZoom);
}

void MainWindow::updateRuntimeStatus() {
    // Whether bf16 captioning can run here (issue 19: the CPU's native bf16, said where the user looks).
    const captioner::PrecisionAvailability bf16 = captioner::bf16Availability();
    m_runtimeLabel->setText(tr("Threads: %1 of %2 · %3 · captions in %4 · %5")
                                .arg(captioner::currentThreads())
                                .arg(captioner::hardwareThreads())
                                .arg(QString::fromStdString(captioner::torchDescription()),
                                     AppSettings::captionPrecision(),
                                     bf16.available ? tr("native bf16") : tr("no native bf16")));
    QStringList details;
    for (const auto& line : captioner::precisionSummaryLines()) details << QString::fromStdString(line);
    m_runtimeLabel->setToolTip(details.join(QLatin1Char('\n')));
}

void MainWindow::showShortcuts() {
    ShortcutsDialog dialog(menuBar(), this);
    dialog.exec();
}

void MainWindow::showAbout() {
    QMessageBox::about(this, tr("About Captioner"),
                       tr("<h3>Captioner %1</h3><p>Image captioning with the GIT model (Hugging Face "
                          "GitForCausalLM checkpoints): browse a dataset, fine-tune, caption.</p><p>%2<br>"
                          "Threads: %3 of %4</p>")
                           .arg(QString::fromStdString(captioner::version()),
                                QString::fromStdString(captioner::torchDescription()).toHtmlEscaped())
                           .arg(captioner::currentThreads())
                           .arg(captioner::hardwareThreads()));
}

void MainWindow::restoreSettings() {
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) resize(1100, 720);
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    setFontZoom(AppSettings::fontZoom());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (m_trainPage->isRunning()) {
        QMessageBox box(
            QMessageBox::Question, tr("Training Is Running"),
            tr("Fine-tuning is still running. Cancel it (a checkpoint is saved first, so it can be resumed) "
               "and close, or keep it running?"),
            QMessageBox::NoButton, this);
        QPushButton* stop = box.addButton(tr("Cancel Training and Close"), QMessageBox::DestructiveRole);
        QPushButton* keep = box.addButton(tr("Keep Training"), QMessageBox::RejectRole);
        box.setDefaultButton(keep);
        box.exec();
        event->ignore();
        if (box.clickedButton() != stop) return;
        showPage(Page::Train);
        m_trainPage->cancel();
        // Close once the checkpoint is saved and the training thread has ended.
        connect(
            m_trainPage, &TrainPage::runFinished, this, [this] { close(); }, Qt::SingleShotConnection);
        return;
    }
    if (m_datasetPage->hasUnsavedChanges()) {
        const auto answer = QMessageBox::question(
            this, tr("Unsaved Captions"), tr("Some captions were edited but not saved. Save them before closing?"),
            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
        if (answer == QMessageBox::Cancel) {
            event->ignore();
            return;
        }
        if (answer == QMessageBox::Save) {
            m_datasetPage->save();
            // Saving runs in the background: close once it is done (or stay open when it failed).
            connect(
                m_datasetPage, &DatasetPage::saved, this,
                [this](bool ok) {
                    if (ok) close();
                },
                Qt::SingleShotConnection);
            event->ignore();
            return;
        }
        m_datasetPage->undoStack()->setClean();
    }
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace captioner::ui
