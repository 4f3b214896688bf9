// CaptionPage: layout, commands, and the ways images come in (drop, paste, dialogs, command line).
// Captioning itself is in caption_page_run.cpp, exports in caption_page_export.cpp.
#include "captioner/caption_pipeline.h"

#include "captioner_ui/caption_page.h"

#include "caption_worker.h"
#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_card.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QImage>
#include <QAbstractItemView>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardPaths>
#include <QTextToSpeech>
#include <QThread>
#include <QVBoxLayout>
#include <QVoice>

#include <climits>
#include <initializer_list>

namespace captioner::ui {

namespace {
CaptionPage::TestHooks& testHooks() {
    static CaptionPage::TestHooks hooks;
    return hooks;
}

template <typename W> W* described(W* w, const QString& name, const QString& description) {
    w->setAccessibleName(name);
    w->setAccessibleDescription(description);
    w->setToolTip(description);
    return w;
}
} // namespace

void CaptionPage::setTestHooks(TestHooks hooks) { testHooks() = std::move(hooks); }
const CaptionPage::TestHooks& CaptionPage::hooks() { return testHooks(); }

CaptionPage::CaptionPage(QWidget* parent)
    : QWidget(parent), m_thread(new QThread(this)), m_worker(new CaptionWorker), m_batchClock(new QElapsedTimer) {
    qRegisterMetaType<CaptionJob>();
    qRegisterMetaType<CaptionOutcome>();
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &CaptionWorker::resultReady, this, &CaptionPage::onResult, Qt::QueuedConnection);
    connect(m_worker, &CaptionWorker::jobFinished, this, &CaptionPage::onJobFinished, Qt::QueuedConnection);
    m_thread->setObjectName(QStringLiteral("CaptionWorker"));
    m_thread->start();
    m_thumbSide = AppSettings::thumbnailSize();

    m_dropZone = buildDropZone();
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("captionAnnouncement"));
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setAccessibleDescription(tr("What just happened on the Caption page"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("captionProgress"));
    m_progress->setAccessibleName(tr("Captioning progress"));
    m_progress->setTextVisible(true);
    m_cancel = described(new QPushButton(tr("Cancel"), this), tr("Cancel captioning"),
                         tr("Stop after the images being captioned now (Esc); finished captions are kept"));
    m_cancel->setObjectName(QStringLiteral("captionCancel"));
    connect(m_cancel, &QPushButton::clicked, this, &CaptionPage::cancel);
    auto* progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_cancel);

    m_cardsHost = new QWidget;
    m_cardsLayout = new QVBoxLayout(m_cardsHost);
    m_cardsLayout->setSpacing(6);
    m_cardsLayout->addStretch();
    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("captionResults"));
    m_scroll->setWidget(m_cardsHost);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFocusPolicy(Qt::NoFocus);
    m_scroll->setAccessibleName(tr("Results"));
    m_scroll->setAccessibleDescription(tr("One card per image; Up and Down move between cards"));
    m_scroll->viewport()->setAcceptDrops(true);
    m_scroll->viewport()->installEventFilter(this);

    auto* main = new QWidget(this);
    auto* mainLayout = new QVBoxLayout(main);
    mainLayout->setContentsMargins(0, 0, 0, 0);
    mainLayout->addWidget(m_dropZone, 1);
    mainLayout->addLayout(progressRow);
    mainLayout->addWidget(m_status);
    mainLayout->addWidget(m_scroll, 4);

    m_sidePanel = buildSidePanel();
    // The side panel scrolls rather than setting the window's minimum height.
    auto* sideScroll = new QScrollArea(this);
    sideScroll->setObjectName(QStringLiteral("captionSideScroll"));
    sideScroll->setWidget(m_sidePanel);
    sideScroll->setWidgetResizable(true);
    sideScroll->setFrameShape(QFrame::NoFrame);
    sideScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    sideScroll->setMinimumWidth(m_sidePanel->minimumWidth() + 16);
    sideScroll->setMaximumWidth(m_sidePanel->maximumWidth() + 16);
    sideScroll->setFocusPolicy(Qt::NoFocus);
    auto* splitter = new QSplitter(this);
    splitter->addWidget(main);
    splitter->addWidget(sideScroll);
    splitter->setStretchFactor(0, 1);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(splitter);

    createActions();
    setupSpeech();
    setAcceptDrops(true);
    installEventFilter(this);
    updateProgress();
    updateActions();
}

CaptionPage::~CaptionPage() {
    // The worker finishes the batch it is in (checked between batches) before the thread ends.
    m_worker->cancel();
    m_thread->quit();
    m_thread->wait();
    qDeleteAll(m_folderRuns);
    delete m_batchClock;
}

QWidget* CaptionPage::buildDropZone() {
    auto* zone = new QFrame(this);
    zone->setObjectName(QStringLiteral("captionDropZone"));
    zone->setFrameShape(QFrame::StyledPanel);
    zone->setFrameShadow(QFrame::Sunken);
    zone->setAcceptDrops(true);
    zone->installEventFilter(this);
    zone->setAccessibleName(tr("Drop zone"));
    zone->setAccessibleDescription(tr("Drop images or folders here, paste with Ctrl+V, or use Add Images and Add Folder"));
    m_dropHint = new QLabel(tr("Drop images or folders here to caption them\nor paste an image or file (Ctrl+V)"), zone);
    m_dropHint->setAlignment(Qt::AlignCenter);
    m_dropHint->setWordWrap(true);
    QFont big = m_dropHint->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    m_dropHint->setFont(big);
    auto* images = described(new QPushButton(tr("Add &Images…"), zone), tr("Add Images…"),
                             tr("Choose image files to caption (Ctrl+I)"));
    images->setObjectName(QStringLiteral("captionAddImages"));
    auto* folder = described(new QPushButton(tr("Add &Folder…"), zone), tr("Add Folder…"),
                             tr("Choose a folder; its images and those of its subfolders are captioned (Ctrl+Shift+I)"));
    folder->setObjectName(QStringLiteral("captionAddFolder"));
    auto* paste = described(new QPushButton(tr("&Paste"), zone), tr("Paste"),
                            tr("Caption the image or the image files on the clipboard (Ctrl+V)"));
    paste->setObjectName(QStringLiteral("captionPaste"));
    connect(images, &QPushButton::clicked, this, &CaptionPage::chooseImages);
    connect(folder, &QPushButton::clicked, this, &CaptionPage::chooseFolder);
    connect(paste, &QPushButton::clicked, this, &CaptionPage::paste);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(images);
    buttons->addWidget(folder);
    buttons->addWidget(paste);
    buttons->addStretch();
    auto* layout = new QVBoxLayout(zone);
    layout->addStretch();
    layout->addWidget(m_dropHint);
    layout->addLayout(buttons);
    layout->addStretch();
    return zone;
}

QWidget* CaptionPage::buildSidePanel() {
    auto* panel = new QWidget(this);
    panel->setObjectName(QStringLiteral("captionSidePanel"));
    panel->setMinimumWidth(260);
    panel->setMaximumWidth(420);
    m_sideLayout = new QVBoxLayout(panel);
    m_sideLayout->setContentsMargins(0, 0, 0, 0);

    // Shown until the model manager's panel is set: what model is in use and a way to choose one.
    m_fallbackModelBox = new QGroupBox(tr("Model"), panel);
    m_modelLabel = new QLabel(tr("No model open: images wait until one is."), m_fallbackModelBox);
    m_modelLabel->setObjectName(QStringLiteral("captionModelLabel"));
    m_modelLabel->setWordWrap(true);
    m_modelLabel->setTextFormat(Qt::PlainText);
    auto* open = described(new QPushButton(tr("Open &Model…"), m_fallbackModelBox), tr("Open Model…"),
                           tr("Choose a GIT model folder (Ctrl+Shift+O)"));
    connect(open, &QPushButton::clicked, this, &CaptionPage::openModelRequested);
    auto* modelLayout = new QVBoxLayout(m_fallbackModelBox);
    modelLayout->addWidget(m_modelLabel);
    modelLayout->addWidget(open, 0, Qt::AlignLeft);
    m_sideLayout->addWidget(m_fallbackModelBox);

    const AppSettings::Decoding d = AppSettings::decoding();
    auto* decoding = new QGroupBox(tr("Decoding"), panel);
    m_method = described(new QComboBox(decoding), tr("Search"), tr("Greedy search takes the likeliest word each step; "
                                                                   "beam search keeps several candidates"));
    m_method->setObjectName(QStringLiteral("captionMethod"));
    m_method->addItems({tr("Greedy"), tr("Beam search")});
    m_method->setCurrentIndex(d.beamSearch ? 1 : 0);
    m_method->view()->setAccessibleName(tr("Search methods"));
    m_method->view()->setAccessibleDescription(m_method->accessibleDescription());
    m_beams = described(new QSpinBox(decoding), tr("Beams"), tr("How many candidate captions beam search keeps"));
    m_beams->setObjectName(QStringLiteral("captionBeams"));
    m_beams->setRange(2, 16);
    m_beams->setValue(qBound(2, d.numBeams, 16));
    m_maxLength = described(new QSpinBox(decoding), tr("Max length"),
                            tr("Longest caption in tokens, counting the start token"));
    m_maxLength->setObjectName(QStringLiteral("captionMaxLength"));
    m_maxLength->setRange(2, 512);
    m_maxLength->setValue(qBound(2, d.maxLength, 512));
    m_lengthPenalty = described(new QDoubleSpinBox(decoding), tr("Length penalty"),
                                tr("Beam search: above 1 favours longer captions, below 1 shorter ones"));
    m_lengthPenalty->setObjectName(QStringLiteral("captionLengthPenalty"));
    m_lengthPenalty->setRange(-5.0, 5.0);
    m_lengthPenalty->setSingleStep(0.1);
    m_lengthPenalty->setDecimals(2);
    m_lengthPenalty->setValue(d.lengthPenalty);
    auto updateBeamControls = [this] {
        const bool beam = m_method->currentIndex() == 1;
        m_beams->setEnabled(beam);
        m_lengthPenalty->setEnabled(beam);
    };
    connect(m_method, &QComboBox::currentIndexChanged, this, updateBeamControls);
    updateBeamControls();
    m_recaptionAll = described(new QPushButton(tr("Re-caption &All"), decoding), tr("Re-caption All"),
                               tr("Caption every image again with these options (Shift+F5)"));
    m_recaptionAll->setObjectName(QStringLiteral("captionRecaptionAll"));
    connect(m_recaptionAll, &QPushButton::clicked, this, &CaptionPage::recaptionAll);
    auto* defaults = described(new QPushButton(tr("&Defaults"), decoding), tr("Defaults"),
                               tr("Reset the options to the defaults from Settings"));
    connect(defaults, &QPushButton::clicked, this, [this] {
        const AppSettings::Decoding s = AppSettings::decoding();
        m_method->setCurrentIndex(s.beamSearch ? 1 : 0);
        m_beams->setValue(s.numBeams);
        m_maxLength->setValue(s.maxLength);
        m_lengthPenalty->setValue(s.lengthPenalty);
    });
    // Screen readers announce the spin boxes' editors, not the boxes: they need the names too.
    for (QAbstractSpinBox* box : std::initializer_list<QAbstractSpinBox*>{m_beams, m_maxLength, m_lengthPenalty}) {
        if (auto* edit = box->findChild<QLineEdit*>()) {
            edit->setAccessibleName(box->accessibleName());
            edit->setAccessibleDescription(box->accessibleDescription());
        }
    }
    auto* form = new QFormLayout(decoding);
    form->addRow(tr("&Search:"), m_method);
    form->addRow(tr("&Beams:"), m_beams);
    form->addRow(tr("Max &length:"), m_maxLength);
    form->addRow(tr("Length &penalty:"), m_lengthPenalty);
    auto* decodingButtons = new QHBoxLayout;
    decodingButtons->addWidget(m_recaptionAll);
    decodingButtons->addWidget(defaults);
    form->addRow(decodingButtons);
    m_sideLayout->addWidget(decoding);

    auto* folders = new QGroupBox(tr("Folders"), panel);
    m_skipCaptioned = described(new QCheckBox(tr("S&kip images that have a caption file"), folders),
                                tr("Skip images that have a caption file"),
                                tr("When adding a folder, leave out images with a .txt caption beside them"));
    m_skipCaptioned->setObjectName(QStringLiteral("captionSkipCaptioned"));
    auto* foldersLayout = new QVBoxLayout(folders);
    foldersLayout->addWidget(m_skipCaptioned);
    m_sideLayout->addWidget(folders);

    auto* results = new QGroupBox(tr("Results"), panel);
    m_export = described(new QPushButton(tr("&Export…"), results), tr("Export…"),
                         tr("Save every result as CSV or JSON Lines (Ctrl+E)"));
    m_export->setObjectName(QStringLiteral("captionExport"));
    m_sidecars = described(new QPushButton(tr("&Write Caption Files"), results), tr("Write Caption Files"),
                           tr("Write each caption to a .txt file beside its image (Ctrl+Shift+T)"));
    m_sidecars->setObjectName(QStringLiteral("captionWriteSidecars"));
    m_toDataset = described(new QPushButton(tr("Add to Data&set"), results), tr("Add to Dataset"),
                            tr("Bring the captioned images into the dataset browser for review (Ctrl+Shift+D)"));
    m_toDataset->setObjectName(QStringLiteral("captionAddToDataset"));
    m_clear = described(new QPushButton(tr("C&lear"), results), tr("Clear"), tr("Remove every result from the page"));
    m_clear->setObjectName(QStringLiteral("captionClear"));
    connect(m_export, &QPushButton::clicked, this, &CaptionPage::chooseExport);
    connect(m_sidecars, &QPushButton::clicked, this, &CaptionPage::writeSidecars);
    connect(m_toDataset, &QPushButton::clicked, this, &CaptionPage::addToDataset);
    connect(m_clear, &QPushButton::clicked, this, &CaptionPage::clearResults);
    auto* resultsLayout = new QVBoxLayout(results);
    for (QPushButton* b : {m_export, m_sidecars, m_toDataset, m_clear}) resultsLayout->addWidget(b);
    m_sideLayout->addWidget(results);
    m_sideLayout->addStretch();
    return panel;
}

void CaptionPage::createActions() {
    auto make = [this](const QString& text, const char* name, const QList<QKeySequence>& keys, const QString& tip,
                       auto slot) {
        auto* a = new QAction(text, this);
        a->setObjectName(QLatin1String(name));
        a->setShortcuts(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut); // only while the Caption page has the focus
        a->setStatusTip(tip);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
        m_actions << a;
        return a;
    };
    make(tr("Add &Images…"), "actionCaptionAddImages", {QKeySequence(Qt::CTRL | Qt::Key_I)},
         tr("Choose image files to caption"), [this] { chooseImages(); });
    make(tr("Add &Folder…"), "actionCaptionAddFolder", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I)},
         tr("Choose a folder of images to caption"), [this] { chooseFolder(); });
    make(tr("&Paste Images"), "actionCaptionPaste", {QKeySequence::Paste},
         tr("Caption the image or files on the clipboard"), [this] { paste(); });
    m_copyAction = make(tr("&Copy Caption"), "actionCaptionCopy", {QKeySequence::Copy},
                        tr("Copy the caption of the current card"), [this] { copyCaption(currentCard()); });
    m_speakAction = make(tr("Spea&k Caption"), "actionCaptionSpeak", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K)},
                         tr("Read the caption of the current card aloud"), [this] { speak(currentCard()); });
    m_recaptionAction = make(tr("&Re-caption"), "actionCaptionRecaption", {QKeySequence(Qt::Key_F5)},
                             tr("Caption the current image again"), [this] {
                                 if (CaptionCard* c = currentCard()) queue(c), schedule();
                             });
    m_recaptionAllAction = make(tr("Re-caption &All"), "actionCaptionRecaptionAll", {QKeySequence(Qt::SHIFT | Qt::Key_F5)},
                                tr("Caption every image again with the current options"), [this] { recaptionAll(); });
    m_cancelAction = make(tr("Ca&ncel Captioning"), "actionCaptionCancel", {QKeySequence(Qt::Key_Escape)},
                          tr("Stop captioning after the images in progress"), [this] { cancel(); });
    m_exportAction = make(tr("&Export Captions…"), "actionCaptionExport", {QKeySequence(Qt::CTRL | Qt::Key_E)},
                          tr("Save the results as CSV or JSON Lines"), [this] { chooseExport(); });
    m_sidecarAction = make(tr("&Write Caption Files"), "actionCaptionSidecars", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T)},
                           tr("Write each caption to a .txt file beside its image"), [this] { writeSidecars(); });
    m_datasetAction = make(tr("Add to Data&set"), "actionCaptionToDataset", {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D)},
                           tr("Bring the captioned images into the dataset browser for review"), [this] { addToDataset(); });
    m_clearAction = make(tr("C&lear Results"), "actionCaptionClear", {}, tr("Remove every result from the page"),
                         [this] { clearResults(); });
}

QList<QAction*> CaptionPage::menuActions() const { return m_actions; }

void CaptionPage::setupSpeech() {
    if (QTextToSpeech::availableEngines().isEmpty()) {
        m_speechWhy = tr("Reading aloud is not available: no speech engine is installed (for example the "
                         "qt6-speech-flite-plugin package).");
    } else {
        m_speech = new QTextToSpeech(this);
        if (m_speech->state() == QTextToSpeech::Error) {
            m_speechWhy = tr("Reading aloud is not available: the speech engine did not start (%1).").arg(m_speech->errorString());
        } else if (m_speech->availableVoices().isEmpty()) {
            m_speechWhy = tr("Reading aloud is not available: the speech engine has no voices.");
        } else {
            m_speechAvailable = true;
        }
        connect(m_speech, &QTextToSpeech::errorOccurred, this, [this](QTextToSpeech::ErrorReason, const QString& why) {
            announce(tr("Could not read the caption aloud: %1").arg(why.isEmpty() ? tr("no audio output") : why));
        });
    }
    m_speakAction->setEnabled(m_speechAvailable);
    if (!m_speechAvailable) m_speakAction->setStatusTip(m_speechWhy);
}

void CaptionPage::setModelPanel(QWidget* panel) {
    if (m_modelPanel == panel) return;
    if (m_modelPanel) m_modelPanel->hide();
    m_modelPanel = panel;
    m_fallbackModelBox->setVisible(panel == nullptr);
    if (panel) {
        m_sideLayout->insertWidget(0, panel);
        panel->show();
    }
}

void CaptionPage::applySettings() {
    m_thumbSide = AppSettings::thumbnailSize();
    for (CaptionCard* card : m_cards) card->setThumbnailSide(m_thumbSide);
}

bool CaptionPage::isEmptyStateShown() const { return m_cards.isEmpty(); }

QList<CaptionCard*> CaptionPage::cards() const { return m_cards; }

QString CaptionPage::statusText() const { return m_status->text(); }

// ---- images in ----

QStringList CaptionPage::chooseFilesDialog(const QString& purpose) {
    if (testHooks().chooseFiles) return testHooks().chooseFiles(purpose);
    const QString start = QStandardPaths::writableLocation(QStandardPaths::PicturesLocation);
    if (purpose == QLatin1String("folder")) {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Add Folder"), start);
        return folder.isEmpty() ? QStringList{} : QStringList{folder};
    }
    if (purpose == QLatin1String("export")) {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export Captions"), QDir(start).filePath(QStringLiteral("captions.csv")),
                                                          tr("CSV (*.csv);;JSON Lines (*.jsonl)"));
        return file.isEmpty() ? QStringList{} : QStringList{file};
    }
    QStringList patterns;
    for (const char* ext : {"png", "jpg", "jpeg", "webp", "bmp", "tif", "tiff", "gif", "pnm"})
        patterns << QStringLiteral("*.%1").arg(QLatin1String(ext));
    return QFileDialog::getOpenFileNames(this, tr("Add Images"), start,
                                         tr("Images (%1);;All files (*)").arg(patterns.join(QLatin1Char(' '))));
}

void CaptionPage::chooseImages() { captionFiles(chooseFilesDialog(QStringLiteral("images"))); }

void CaptionPage::chooseFolder() {
    const QStringList folder = chooseFilesDialog(QStringLiteral("folder"));
    if (!folder.isEmpty()) addFolder(folder.first());
}

void CaptionPage::captionFiles(const QStringList& paths) {
    QStringList images;
    QStringList missing;
    for (const QString& path : paths) {
        const QFileInfo info(path);
        if (info.isDir()) {
            addFolder(info.absoluteFilePath());
        } else if (info.isFile()) {
            images << info.absoluteFilePath();
        } else {
            missing << QDir::toNativeSeparators(path);
        }
    }
    addImages(images, QString());
    if (!missing.isEmpty()) announce(tr("Not found: %1").arg(missing.join(QStringLiteral(", "))));
}

void CaptionPage::paste() {
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (!mime) return;
    if (mime->hasUrls()) {
        QStringList paths;
        for (const QUrl& url : mime->urls())
            if (url.isLocalFile()) paths << url.toLocalFile();
        if (!paths.isEmpty()) return captionFiles(paths);
    }
    if (mime->hasImage()) {
        // Pasted pixels become a PNG in the app's data folder so that the card, the exports and
        // re-captioning have a file to point at.
        const QImage image = qvariant_cast<QImage>(mime->imageData());
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/pasted");
        QDir().mkpath(dir);
        const QString file = QDir(dir).filePath(
            QStringLiteral("pasted-%1.png").arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"))));
        if (image.isNull() || !image.save(file, "PNG")) {
            announce(tr("Could not save the pasted image to %1").arg(QDir::toNativeSeparators(file)));
            return;
        }
        return addImages({file}, QString());
    }
    if (mime->hasText()) {
        QStringList paths;
        for (const QString& line : mime->text().split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QString trimmed = line.trimmed();
            const QUrl url(trimmed);
            paths << (url.isLocalFile() ? url.toLocalFile() : trimmed);
        }
        if (!paths.isEmpty()) return captionFiles(paths);
    }
    announce(tr("The clipboard holds no image and no image files."));
}

bool CaptionPage::eventFilter(QObject* watched, QEvent* event) {
    switch (event->type()) {
    case QEvent::DragEnter:
    case QEvent::DragMove: {
        auto* e = static_cast<QDragMoveEvent*>(event);
        const QMimeData* mime = e->mimeData();
        bool local = false;
        if (mime && mime->hasUrls())
            for (const QUrl& url : mime->urls()) local = local || url.isLocalFile();
        if (local || (mime && mime->hasImage())) {
            e->acceptProposedAction();
            return true;
        }
        e->ignore();
        return true;
    }
    case QEvent::Drop: {
        auto* e = static_cast<QDropEvent*>(event);
        QStringList paths;
        if (e->mimeData()->hasUrls())
            for (const QUrl& url : e->mimeData()->urls())
                if (url.isLocalFile()) paths << url.toLocalFile();
        if (paths.isEmpty()) {
            e->ignore();
            return true;
        }
        e->acceptProposedAction();
        captionFiles(paths);
        return true;
    }
    case QEvent::FocusIn:
        if (auto* card = qobject_cast<CaptionCard*>(watched)) m_lastFocused = card;
        break;
    default: break;
    }
    return QWidget::eventFilter(watched, event);
}

// ---- cards ----

CaptionCard* CaptionPage::currentCard() const {
    for (QWidget* w = QApplication::focusWidget(); w; w = w->parentWidget())
        if (auto* card = qobject_cast<CaptionCard*>(w)) return card;
    if (m_lastFocused) return m_lastFocused.data();
    return m_cards.isEmpty() ? nullptr : m_cards.first();
}

void CaptionPage::navigate(CaptionCard* card, int step) {
    if (m_cards.isEmpty()) return;
    const int at = m_cards.indexOf(card);
    int next = step == INT_MIN ? 0 : step == INT_MAX ? m_cards.size() - 1 : qBound(0, at + step, m_cards.size() - 1);
    CaptionCard* target = m_cards[next];
    target->setFocus(Qt::OtherFocusReason);
    m_scroll->ensureWidgetVisible(target);
}

void CaptionPage::copyCaption(CaptionCard* card) {
    if (!card) return;
    if (card->state() != CaptionCard::State::Done || card->caption().isEmpty()) {
        announce(tr("%1 has no caption to copy yet.").arg(QFileInfo(card->path()).fileName()));
        return;
    }
    QApplication::clipboard()->setText(card->caption());
    announce(tr("Copied the caption of %1.").arg(QFileInfo(card->path()).fileName()));
}

void CaptionPage::speak(CaptionCard* card) {
    if (!card || card->caption().isEmpty()) return;
    if (!m_speechAvailable) {
        announce(m_speechWhy);
        return;
    }
    m_speech->say(card->caption());
}

void CaptionPage::announce(const QString& text) {
    // The status label is the page's live region: screen readers are told its name changed, and
    // an alert for the ones that only read alerts.
    m_status->setText(text);
    m_status->setAccessibleName(text);
    QAccessibleEvent changed(m_status, QAccessible::NameChanged);
    QAccessible::updateAccessibility(&changed);
    QAccessibleEvent alert(m_status, QAccessible::Alert);
    QAccessible::updateAccessibility(&alert);
    emit message(text);
}

} // namespace captioner::ui
