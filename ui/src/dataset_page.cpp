#include "captioner_ui/dataset_page.h"

#include "accessible.h"

#include "captioner_ui/locale_format.h"
#include "captioner_ui/dataset_filter_model.h"
#include "captioner_ui/dataset_loader.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/thumbnail_provider.h"
#include "detail_pane.h"
#include "empty_state.h"
#include "review_panel.h"
#include "thumbnail_delegate.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSlider>
#include <QSplitter>
#include <QStackedLayout>
#include <QStandardPaths>
#include <QUndoStack>
#include <QVBoxLayout>
#include <QWheelEvent>

namespace captioner::ui {

namespace {
constexpr int kMinThumb = 64, kMaxThumb = 256, kThumbStep = 16;

// The dataset a drop refers to: the first local directory or dataset file, or the folder of the
// first other local file.
QString droppedFolder(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile()) continue;
        const QFileInfo info(url.toLocalFile());
        if (info.isDir()) return info.absoluteFilePath();
        if (info.isFile())
            return DatasetPage::isDatasetFileName(info.fileName()) ? info.absoluteFilePath() : info.absolutePath();
    }
    return {};
}

} // namespace

DatasetPage::DatasetPage(QWidget* parent)
    : QWidget(parent), m_empty(new EmptyState(this)), m_content(new QWidget(this)), m_loading(new QWidget(this)),
      m_stack(new QStackedLayout), m_summary(new QLabel(m_content)), m_problems(new QLabel(m_content)),
      m_counter(new QLabel(m_content)), m_loadingLabel(new QLabel(m_loading)),
      m_loadingBar(new QProgressBar(m_loading)), m_reportBar(new QProgressBar(m_content)),
      m_search(new QLineEdit(m_content)), m_wholeWords(new QCheckBox(tr("&Whole words"), m_content)),
      m_show(new QComboBox(m_content)), m_sort(new QComboBox(m_content)),
      m_size(new QSlider(Qt::Horizontal, m_content)), m_splitter(new QSplitter(m_content)),
      m_view(new QListView(m_splitter)), m_model(new DatasetModel(this)), m_filter(new DatasetFilterModel(this)),
      m_thumbnails(new ThumbnailProvider(QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                                             QStringLiteral("/thumbnails"),
                                         kMaxThumb, this)),
      m_delegate(new ThumbnailDelegate(this)), m_loader(new DatasetLoader(this)), m_undo(new QUndoStack(this)) {
    setAcceptDrops(true);
    m_model->setThumbnailProvider(m_thumbnails);
    m_filter->setDatasetModel(m_model);

    m_empty->setTitle(tr("No dataset open"));
    m_empty->setText(tr("Open a dataset folder (Ctrl+O) or a dataset file (Ctrl+Alt+O), or drop one here. A "
                        "dataset is a folder of images, optionally with their captions, or a caption file: "
                        "metadata.jsonl/.csv, COCO .json, Flickr token file, .parquet."));
    QPushButton* open = m_empty->addButton(tr("&Open Dataset…"), tr("Choose a folder of images to use as the dataset"));
    connect(open, &QPushButton::clicked, this, &DatasetPage::openRequested);
    QPushButton* demo = m_empty->addButton(tr("Open the &Demo Dataset"),
                                           tr("Open the built-in dataset of generated shapes with their captions"));
    connect(demo, &QPushButton::clicked, this, &DatasetPage::openDemoRequested);

    // Loading state: what is being done, a progress bar, and a way out.
    auto* loadingLayout = new QVBoxLayout(m_loading);
    loadingLayout->addStretch();
    m_loadingLabel->setObjectName(QStringLiteral("loadingLabel"));
    m_loadingLabel->setAlignment(Qt::AlignCenter);
    m_loadingLabel->setWordWrap(true);
    loadingLayout->addWidget(m_loadingLabel);
    described(m_loadingBar, tr("Opening progress"), tr("How far opening the dataset has come"));
    loadingLayout->addWidget(m_loadingBar);
    auto* cancel = described(new QPushButton(tr("Cancel"), m_loading), tr("Cancel"), tr("Stop opening this dataset"));
    cancel->setObjectName(QStringLiteral("cancelOpen"));
    connect(cancel, &QPushButton::clicked, m_loader, &DatasetLoader::cancel);
    loadingLayout->addWidget(cancel, 0, Qt::AlignCenter);
    loadingLayout->addStretch();

    m_view->setObjectName(QStringLiteral("datasetGrid"));
    m_view->setViewMode(QListView::IconMode);
    m_view->setResizeMode(QListView::Adjust);
    m_view->setMovement(QListView::Static);
    m_view->setUniformItemSizes(true);
    m_view->setWrapping(true);
    m_view->setSpacing(4);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_view->setItemDelegate(m_delegate);
    m_view->setModel(m_filter);
    m_view->viewport()->installEventFilter(this);
    described(m_view, tr("Dataset images"),
              tr("Images of the dataset with their captions; arrow keys move, the detail pane shows the selected one"));
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &DatasetPage::onCurrentChanged);

    m_undo->setObjectName(QStringLiteral("captionUndoStack"));
    m_detail = new DetailPane(m_model, m_undo, m_splitter);
    m_review = new ReviewPanel(m_model, m_splitter);
    auto* side = new QWidget(m_splitter);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_detail, 1);
    sideLayout->addWidget(m_review);
    m_review->setVisible(false);
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(side);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);

    m_summary->setObjectName(QStringLiteral("datasetSummary"));
    m_summary->setWordWrap(true);
    m_problems->setObjectName(QStringLiteral("datasetProblems"));
    m_problems->setWordWrap(true);
    m_problems->setTextFormat(Qt::RichText);
    m_problems->setTextInteractionFlags(Qt::LinksAccessibleByKeyboard | Qt::LinksAccessibleByMouse);
    described(m_problems, tr("Dataset problems"), tr("Problems found in the dataset; activate the link to list them"));
    connect(m_problems, &QLabel::linkActivated, this,
            [this] { m_show->setCurrentIndex(int(DatasetFilterModel::Show::Problems)); });
    described(m_reportBar, tr("Image check progress"), tr("Images checked for problems so far"));
    m_reportBar->setObjectName(QStringLiteral("reportProgress"));
    m_reportBar->setMaximumHeight(m_reportBar->sizeHint().height());
    m_reportBar->hide();

    createActions();
    auto* contentLayout = new QVBoxLayout(m_content);
    contentLayout->addWidget(m_summary);
    contentLayout->addWidget(m_problems);
    contentLayout->addWidget(buildToolbar());
    contentLayout->addWidget(m_splitter, 1);
    contentLayout->addWidget(m_reportBar);

    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_loading);
    m_stack->addWidget(m_content);
    setLayout(m_stack);

    connect(m_loader, &DatasetLoader::progress, this, [this](const QString& phase, qint64 done, qint64 total) {
        QProgressBar* bar = m_stack->currentWidget() == m_loading ? m_loadingBar : m_reportBar;
        if (bar == m_loadingBar)
            m_loadingLabel->setText(tr("%1 — %2…").arg(QDir::toNativeSeparators(m_pendingFolder), phase));
        bar->setRange(0, total > 0 ? int(qMin<qint64>(total, INT_MAX)) : 0);
        bar->setValue(int(qMin<qint64>(done, INT_MAX)));
        bar->setFormat(total > 0 ? tr("%1: %2 of %3").arg(phase, formatCount(done), formatCount(total)) : phase);
    });
    connect(m_loader, &DatasetLoader::opened, this,
            [this](const QString& folder, std::shared_ptr<captioner::CaptionDataset> dataset,
                   std::shared_ptr<captioner::ReviewStore> review) {
                m_undo->clear();
                m_model->setDataset(std::move(*dataset), std::move(*review));
                onOpened(folder);
            });
    connect(m_loader, &DatasetLoader::reportReady, this,
            [this](std::shared_ptr<captioner::DatasetReport> report) { onReport(*report); });
    connect(m_loader, &DatasetLoader::failed, this, [this](const QString& folder, const QString& why) {
        m_stack->setCurrentWidget(m_model->hasDataset() ? m_content : static_cast<QWidget*>(m_empty));
        m_reportBar->hide();
        if (folder == m_pendingFolder && m_model->hasDataset() && QDir(folder) == QDir(m_folder)) {
            emit message(why); // the report of the open dataset failed; the grid still holds it
            return;
        }
        if (!m_model->hasDataset())
            m_empty->setText(tr("Could not open %1: %2\n\nOpen another folder (Ctrl+O) or file (Ctrl+Alt+O), or the "
                                "demo dataset.")
                                 .arg(QDir::toNativeSeparators(folder), why));
        emit openFailed(folder, why);
    });
    connect(m_loader, &DatasetLoader::cancelled, this, [this] {
        m_stack->setCurrentWidget(m_model->hasDataset() ? m_content : static_cast<QWidget*>(m_empty));
        m_reportBar->hide();
        emit message(tr("Opening cancelled"));
    });
    connect(m_model, &DatasetModel::reviewChanged, this, [this] { updateCounter(); });
    connect(m_model, &DatasetModel::reviewError, this, &DatasetPage::message);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &DatasetPage::updateCounter);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &DatasetPage::updateCounter);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &DatasetPage::updateCounter);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &DatasetPage::updateCounter);
    connect(m_undo, &QUndoStack::cleanChanged, this, &DatasetPage::updateActions);
    connect(m_undo, &QUndoStack::indexChanged, this, [this] {
        // Undo may change an image that is not on screen: bring it into view.
        updateActions();
    });
    updateActions();
}

DatasetPage::~DatasetPage() {
    // ~QUndoStack (a child, deleted by ~QWidget after this body) clears itself and emits
    // indexChanged/cleanChanged into this page's slots when it is already half destroyed.
    m_undo->disconnect(this);
}

QWidget* DatasetPage::buildToolbar() {
    auto* bar = new QWidget(m_content);
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 0, 0);
    m_search->setObjectName(QStringLiteral("searchBox"));
    m_search->setClearButtonEnabled(true);
    m_search->setPlaceholderText(tr("Search captions and file names (Ctrl+F)"));
    described(m_search, tr("Search"), tr("Shows only images whose captions or file names contain every word typed"));
    connect(m_search, &QLineEdit::textChanged, this, &DatasetPage::applyFilter);
    m_wholeWords->setObjectName(QStringLiteral("wholeWords"));
    described(m_wholeWords, tr("Whole words"), tr("Match search words only as whole words"));
    connect(m_wholeWords, &QCheckBox::toggled, this, &DatasetPage::applyFilter);

    m_show->setObjectName(QStringLiteral("showFilter"));
    m_show->addItems({tr("All images"), tr("Problems"), tr("Unreadable images"), tr("Missing captions"),
                      tr("Captions over 125 characters"), tr("Not reviewed"), tr("Accepted"), tr("Edited"),
                      tr("Flagged")});
    described(m_show, tr("Show"), tr("Which images the grid shows"));
    connect(m_show, &QComboBox::currentIndexChanged, this, &DatasetPage::applyFilter);
    described(m_show->view(), tr("Show choices"), tr("Kinds of images the grid can show"));
    auto* showLabel = new QLabel(tr("S&how:"), bar);
    showLabel->setBuddy(m_show);

    m_sort->setObjectName(QStringLiteral("sortOrder"));
    m_sort->addItems(
        {tr("Dataset order"), tr("Name"), tr("Caption length"), tr("Review status"), tr("Least confident first")});
    described(m_sort, tr("Sort by"), tr("Order of the images in the grid"));
    connect(m_sort, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_filter->setSortKey(static_cast<DatasetFilterModel::SortKey>(i)); });
    described(m_sort->view(), tr("Sort choices"), tr("Orders the grid can use"));
    auto* sortLabel = new QLabel(tr("S&ort:"), bar);
    sortLabel->setBuddy(m_sort);

    m_size->setObjectName(QStringLiteral("thumbnailSize"));
    m_size->setRange(kMinThumb, kMaxThumb);
    m_size->setSingleStep(kThumbStep);
    m_size->setPageStep(2 * kThumbStep);
    m_size->setMaximumWidth(160);
    described(m_size, tr("Thumbnail size"), tr("Size of the images in the grid; Ctrl+mouse wheel over the grid too"));
    connect(m_size, &QSlider::valueChanged, this, &DatasetPage::setThumbnailSize);
    auto* sizeLabel = new QLabel(tr("Si&ze:"), bar);
    sizeLabel->setBuddy(m_size);
    m_size->setValue(128);

    m_counter->setObjectName(QStringLiteral("shownCounter"));
    row->addWidget(m_search, 2);
    row->addWidget(m_wholeWords);
    row->addWidget(showLabel);
    row->addWidget(m_show);
    row->addWidget(sortLabel);
    row->addWidget(m_sort);
    row->addWidget(sizeLabel);
    row->addWidget(m_size);
    row->addWidget(m_counter);
    return bar;
}

QStringList DatasetPage::imageNameFilters() {
    return {QStringLiteral("*.jpg"),  QStringLiteral("*.jpeg"), QStringLiteral("*.png"),  QStringLiteral("*.bmp"),
            QStringLiteral("*.webp"), QStringLiteral("*.tif"),  QStringLiteral("*.tiff"), QStringLiteral("*.JPG"),
            QStringLiteral("*.JPEG"), QStringLiteral("*.PNG")};
}

bool DatasetPage::isDatasetFileName(const QString& path) {
    const QString suffix = QFileInfo(path).suffix().toLower();
    static const QStringList kSuffixes = {QStringLiteral("json"),    QStringLiteral("jsonl"), QStringLiteral("csv"),
                                          QStringLiteral("parquet"), QStringLiteral("txt"),   QStringLiteral("token")};
    return kSuffixes.contains(suffix);
}

QString DatasetPage::datasetFileFilter() {
    return tr("Dataset files (*.json *.jsonl *.csv *.parquet *.txt *.token);;All files (*)");
}

QString DatasetPage::rootFolder() const {
    const QFileInfo info(m_folder);
    return m_folder.isEmpty() || info.isDir() ? m_folder : info.absolutePath();
}

bool DatasetPage::isEmptyStateShown() const { return m_stack->currentWidget() == m_empty; }
bool DatasetPage::isLoading() const { return m_loader->isBusy(); }
bool DatasetPage::hasDataset() const { return m_model->hasDataset(); }

void DatasetPage::openFolder(const QString& folder) { startOpen(QDir(folder).absolutePath(), false); }

void DatasetPage::openDemo() { startOpen(DatasetLoader::demoFolder(), true); }

void DatasetPage::startOpen(const QString& folder, bool demo) {
    ++m_datasetSerial; // an import running for the dataset shown until now is dropped
    m_pendingFolder = folder;
    m_loadingLabel->setText(tr("Opening %1…").arg(QDir::toNativeSeparators(folder)));
    m_loadingBar->setRange(0, 0);
    m_stack->setCurrentWidget(m_loading);
    m_reportBar->hide();
    if (demo) m_loader->openDemo(folder);
    else m_loader->open(folder);
}

void DatasetPage::onOpened(const QString& folder) {
    ++m_datasetSerial;
    m_folder = folder;
    m_stack->setCurrentWidget(m_content);
    m_problems->hide();
    m_reportBar->setRange(0, 0);
    m_reportBar->setFormat(tr("Checking images"));
    m_reportBar->show();
    updateSummary();
    updateCounter();
    updateActions();
    if (m_filter->rowCount() > 0) selectRow(m_filter->sourceRow(0));
    emit opened(folder);
}

void DatasetPage::onReport(const captioner::DatasetReport& report) {
    m_reportBar->hide();
    m_model->applyReport(report);
    QStringList parts;
    const int unreadable = m_model->countWithProblem(DatasetModel::Unreadable);
    const int missing = m_model->countWithProblem(DatasetModel::MissingCaption);
    // Plural forms: the English ones come from resources/translations/captioner_en.ts.
    if (unreadable) parts << tr("%n unreadable image(s)", nullptr, unreadable);
    if (missing) parts << tr("%n image(s) without caption", nullptr, missing);
    if (const auto n = int(report.orphanCaptions.size()))
        parts << tr("%n caption(s) whose image is missing", nullptr, n);
    if (const auto n = int(report.duplicates.size())) parts << tr("%n group(s) of duplicate images", nullptr, n);
    const QString separator = tr(", ", "between the problems of a list");
    m_problems->setVisible(!parts.isEmpty());
    if (!parts.isEmpty())
        m_problems->setText(tr("⚠ Problems: %1. <a href=\"#problems\">Show images with problems</a>")
                                .arg(parts.join(separator).toHtmlEscaped()));
    m_problems->setAccessibleDescription(parts.join(separator));
    applyFilter(); // the Problems filters depend on the report
    emit reportReady();
}

void DatasetPage::updateSummary() {
    const int images = m_model->rowCount();
    const QString count = tr("%n image(s)", nullptr, images);
    m_summary->setText(tr("%1 — %2").arg(QDir::toNativeSeparators(m_folder), count));
}

void DatasetPage::updateCounter() {
    m_counter->setText(tr("%1 of %2 shown").arg(formatCount(m_filter->rowCount()), formatCount(m_model->rowCount())));
    m_counter->setAccessibleName(m_counter->text());
}

void DatasetPage::applyFilter() {
    const int current = currentRow();
    m_filter->setQuery(m_search->text(), m_wholeWords->isChecked());
    m_filter->setShow(static_cast<DatasetFilterModel::Show>(m_show->currentIndex()));
    updateCounter();
    if (current >= 0 && m_filter->proxyRow(current) >= 0) selectRow(current);
    else if (m_filter->rowCount() > 0) selectRow(m_filter->sourceRow(0));
    else onCurrentChanged();
}

int DatasetPage::thumbnailSize() const { return m_delegate->thumbnailSize(); }

void DatasetPage::setThumbnailSize(int side) {
    side = qBound(kMinThumb, side, kMaxThumb);
    m_delegate->setThumbnailSize(side);
    if (m_size->value() != side) m_size->setValue(side);
    m_view->setIconSize(QSize(side, side)); // makes the view lay its items out again
}

bool DatasetPage::eventFilter(QObject* watched, QEvent* event) {
    if (watched == m_view->viewport() && event->type() == QEvent::Wheel) {
        auto* wheel = static_cast<QWheelEvent*>(event);
        if (wheel->modifiers() & Qt::ControlModifier) {
            const int steps = wheel->angleDelta().y() / 120;
            if (steps) setThumbnailSize(thumbnailSize() + steps * kThumbStep);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void DatasetPage::dragEnterEvent(QDragEnterEvent* event) {
    if (!droppedFolder(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void DatasetPage::dragMoveEvent(QDragMoveEvent* event) {
    if (!droppedFolder(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void DatasetPage::dropEvent(QDropEvent* event) {
    const QString folder = droppedFolder(event->mimeData());
    if (folder.isEmpty()) return;
    event->acceptProposedAction();
    emit folderDropped(folder);
}

} // namespace captioner::ui
