// CaptionPage: layout, commands, and the ways images come in (drop, paste, dialogs, command line).
// The cards and what the page shows of the captioning are in caption_page_run.cpp (the captioning
// itself is CaptionQueue, caption_queue.cpp), exports in caption_page_export.cpp.
#include "captioner_ui/caption_page.h"

#include "accessible.h"
#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_queue.h"

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
#include <QVBoxLayout>
#include <QVoice>

#include <climits>
#include <initializer_list>

namespace captioner::ui {

namespace {

// The side panel's scroll area asks for the panel's width plus its vertical scroll bar's: QScrollArea's
// own hint leaves the bar out, so when the panel is taller than the window (Japanese at 1280x800, with
// the Compare box) the bar took its width from the panel and clipped the widest label.
class SidePanelScrollArea : public QScrollArea {
public:
    using QScrollArea::QScrollArea;
    QSize sizeHint() const override {
        QSize hint = QScrollArea::sizeHint();
        hint.rwidth() += verticalScrollBar()->sizeHint().width();
        return hint;
    }
};
CaptionPage::TestHooks& testHooks() {
    static CaptionPage::TestHooks hooks;
    return hooks;
}

} // namespace

void CaptionPage::setTestHooks(TestHooks hooks) { testHooks() = std::move(hooks); }
const CaptionPage::TestHooks& CaptionPage::hooks() { return testHooks(); }

CaptionPage::CaptionPage(QWidget* parent) : QWidget(parent), m_queue(new CaptionQueue(this)) {
    connect(m_queue, &CaptionQueue::itemAdded, this, &CaptionPage::addCard);
    connect(m_queue, &CaptionQueue::itemChanged, this, &CaptionPage::syncCard);
    connect(m_queue, &CaptionQueue::duplicatesLeft, this, [this](int count) {
        announce(tr("%n image(s) already on the page were left as they are.", nullptr, count));
    });
    connect(m_queue, &CaptionQueue::resultReady, this, &CaptionPage::onResult);
    connect(m_queue, &CaptionQueue::busyChanged, this, &CaptionPage::busyChanged);
    connect(m_queue, &CaptionQueue::batchFinished, this, &CaptionPage::onBatchFinished);
    connect(m_queue, &CaptionQueue::jobEnded, this, [this] {
        updateProgress();
        updateActions();
    });
    connect(m_queue, &CaptionQueue::folderListed, this, &CaptionPage::onFolderListed);
    connect(m_queue, &CaptionQueue::folderFailed, this, [this](const QString& folder, const QString& error) {
        announce(tr("Could not read %1: %2").arg(QDir::toNativeSeparators(folder), error));
    });
    connect(m_queue, &CaptionQueue::folderProgressError, this,
            [this](const QString& error) { announce(tr("Could not save the folder's progress: %1").arg(error)); });
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

    m_sort = new QComboBox(this);
    m_sort->setObjectName(QStringLiteral("captionSort"));
    m_sort->addItems({tr("Order added"), tr("Least confident first"), tr("Most confident first")});
    m_sort->setAccessibleName(tr("Sort results"));
    m_sort->setAccessibleDescription(tr("Order the caption cards by when they were added or by their confidence"));
    m_sort->setToolTip(m_sort->accessibleDescription());
    m_sort->view()->setAccessibleName(tr("Sort orders"));
    m_sort->view()->setAccessibleDescription(tr("Orders the caption cards can be shown in"));
    connect(m_sort, &QComboBox::currentIndexChanged, this, &CaptionPage::applySort);
    auto* sortLabel = new QLabel(tr("S&ort results:"), this);
    sortLabel->setBuddy(m_sort);
    auto* sortRow = new QHBoxLayout;
    sortRow->addWidget(sortLabel);
    sortRow->addWidget(m_sort);
    sortRow->addStretch();

    auto* main = new QWidget(this);
    auto* mainLayout = new QVBoxLayout(main);
    mainLayout->setContentsMargins(0, 0, 0, 0);
    mainLayout->addWidget(m_dropZone, 1);
    mainLayout->addLayout(progressRow);
    mainLayout->addWidget(m_status);
    mainLayout->addLayout(sortRow);
    mainLayout->addWidget(m_scroll, 4);

    m_sidePanel = buildSidePanel();
    // The side panel scrolls rather than setting the window's minimum height.
    auto* sideScroll = new SidePanelScrollArea(this);
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
    // The queue's worker finishes the batch it is in (checked between batches) and its thread ends
    // before the cards go.
    delete m_queue;
}

QList<QAction*> CaptionPage::menuActions() const { return m_actions; }

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
    if (purpose == QLatin1String("compare-model")) {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Compare With Model"), modelFolder());
        return folder.isEmpty() ? QStringList{} : QStringList{folder};
    }
    if (purpose == QLatin1String("compare-export")) {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export Comparison"),
                                                          QDir(start).filePath(QStringLiteral("comparison.csv")),
                                                          tr("CSV (*.csv);;JSON Lines (*.jsonl)"));
        return file.isEmpty() ? QStringList{} : QStringList{file};
    }
    if (purpose == QLatin1String("export")) {
        const QString file = QFileDialog::getSaveFileName(this, tr("Export Captions"),
                                                          QDir(start).filePath(QStringLiteral("captions.csv")),
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
    addImages(images);
    if (!missing.isEmpty()) announce(tr("Not found: %1").arg(missing.join(QStringLiteral(", "))));
}

void CaptionPage::addFolder(const QString& folderIn) {
    const QString folder = QDir(folderIn).absolutePath();
    announce(tr("Looking for images in %1…").arg(QDir::toNativeSeparators(folder)));
    m_queue->addFolder(folder, m_skipCaptioned->isChecked()); // listed off the UI thread; cards follow
}

void CaptionPage::onFolderListed(const QString& folder, int images, int skipped, int restored) {
    updateProgress();
    updateActions();
    if (images == 0 && skipped == 0) {
        announce(tr("No images in %1.").arg(QDir::toNativeSeparators(folder)));
        return;
    }
    QStringList parts;
    parts << tr("%n image(s) in %1", nullptr, images + skipped).arg(QDir::toNativeSeparators(folder));
    if (skipped) parts << tr("%n skipped (caption file present)", nullptr, skipped);
    if (restored) parts << tr("%n restored from an interrupted run", nullptr, restored);
    announce(parts.join(tr("; ", "between the parts of a summary")) + tr(".", "ends a summary"));
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
        const QString dir =
            QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) + QStringLiteral("/pasted");
        QDir().mkpath(dir);
        const QString file =
            QDir(dir).filePath(QStringLiteral("pasted-%1.png")
                                   .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"))));
        if (image.isNull() || !image.save(file, "PNG")) {
            announce(tr("Could not save the pasted image to %1").arg(QDir::toNativeSeparators(file)));
            return;
        }
        return addImages({file});
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
