#include "captioner_ui/dataset_page.h"

#include "empty_state.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileInfo>
#include <QFileSystemModel>
#include <QLabel>
#include <QListView>
#include <QMimeData>
#include <QPushButton>
#include <QStackedLayout>
#include <QVBoxLayout>

namespace captioner::ui {

namespace {
// The folder a drop refers to: the first local directory, or the folder of the first local file.
QString droppedFolder(const QMimeData* mime) {
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile()) continue;
        const QFileInfo info(url.toLocalFile());
        if (info.isDir()) return info.absoluteFilePath();
        if (info.isFile()) return info.absolutePath();
    }
    return {};
}
} // namespace

DatasetPage::DatasetPage(QWidget* parent)
    : QWidget(parent), m_empty(new EmptyState(this)), m_content(new QWidget(this)),
      m_stack(new QStackedLayout), m_summary(new QLabel(m_content)), m_view(new QListView(m_content)),
      m_model(new QFileSystemModel(this)) {
    setAcceptDrops(true);

    m_empty->setTitle(tr("No dataset open"));
    m_empty->setText(tr("Open a dataset folder (Ctrl+O) or drop one here. A dataset is a folder of "
                        "images, optionally with their captions."));
    QPushButton* open = m_empty->addButton(tr("&Open Dataset…"), tr("Choose a folder of images to use as the dataset"));
    connect(open, &QPushButton::clicked, this, &DatasetPage::openRequested);

    m_model->setFilter(QDir::Files | QDir::NoDotAndDotDot);
    m_model->setNameFilters(imageNameFilters());
    m_model->setNameFilterDisables(false);
    m_model->setReadOnly(true);
    m_summary->setObjectName(QStringLiteral("datasetSummary"));
    m_view->setModel(m_model);
    m_view->setUniformItemSizes(true);
    m_view->setAccessibleName(tr("Dataset images"));
    m_view->setAccessibleDescription(tr("Image files in the open dataset folder"));
    connect(m_model, &QFileSystemModel::directoryLoaded, this, [this](const QString& path) {
        if (QDir(path) != QDir(m_folder)) return;
        m_loaded = true;
        updateSummary();
    });
    connect(m_model, &QFileSystemModel::rowsInserted, this, &DatasetPage::updateSummary);
    connect(m_model, &QFileSystemModel::rowsRemoved, this, &DatasetPage::updateSummary);

    auto* contentLayout = new QVBoxLayout(m_content);
    contentLayout->addWidget(m_summary);
    contentLayout->addWidget(m_view, 1);

    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_content);
    setLayout(m_stack);
}

QStringList DatasetPage::imageNameFilters() {
    return {QStringLiteral("*.jpg"), QStringLiteral("*.jpeg"), QStringLiteral("*.png"), QStringLiteral("*.bmp"),
            QStringLiteral("*.webp"), QStringLiteral("*.tif"), QStringLiteral("*.tiff"),
            QStringLiteral("*.JPG"), QStringLiteral("*.JPEG"), QStringLiteral("*.PNG")};
}

bool DatasetPage::isEmptyStateShown() const { return m_stack->currentWidget() == m_empty; }

void DatasetPage::openFolder(const QString& folder) {
    const QString absolute = QDir(folder).absolutePath();
    if (absolute != m_folder) m_loaded = false; // reopening a read folder gets no new directoryLoaded
    m_folder = absolute;
    m_view->setRootIndex(m_model->setRootPath(m_folder));
    m_stack->setCurrentWidget(m_content);
    m_summary->setText(tr("%1 — reading folder…").arg(QDir::toNativeSeparators(m_folder)));
    updateSummary();
}

void DatasetPage::updateSummary() {
    if (m_folder.isEmpty() || !m_loaded) return;
    const int images = m_model->rowCount(m_view->rootIndex());
    const QString count = images == 1 ? tr("1 image") : tr("%1 images").arg(images);
    m_summary->setText(tr("%1 — %2").arg(QDir::toNativeSeparators(m_folder), count));
}

void DatasetPage::dragEnterEvent(QDragEnterEvent* event) {
    if (!droppedFolder(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void DatasetPage::dropEvent(QDropEvent* event) {
    const QString folder = droppedFolder(event->mimeData());
    if (folder.isEmpty()) return;
    event->acceptProposedAction();
    emit folderDropped(folder);
}

} // namespace captioner::ui
