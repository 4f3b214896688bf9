// HubCacheDialog: what the Hugging Face cache holds (also what Python's huggingface_hub downloaded),
// scanned off the UI thread, with Open for the selected model or dataset.
#include "captioner_ui/hub_dialogs.h"

#include "captioner_ui/locale_format.h"

#include "captioner/hf_cache.h"

#include <QDateTime>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <vector>

namespace captioner::ui {

namespace {
enum Role { PathRole = Qt::UserRole, DatasetRole, SortRole };

// Sizes, file counts and dates are shown in the user's locale ("2,3 MB", "07.12.26 10:17"), which
// does not sort as text: those columns sort by the value kept in SortRole.
class CacheItem : public QTreeWidgetItem {
public:
    using QTreeWidgetItem::QTreeWidgetItem;
    bool operator<(const QTreeWidgetItem& other) const override {
        const int column = treeWidget() ? treeWidget()->sortColumn() : 0;
        const QVariant mine = data(column, SortRole), theirs = other.data(column, SortRole);
        if (mine.isValid() && theirs.isValid()) return mine.toLongLong() < theirs.toLongLong();
        return QTreeWidgetItem::operator<(other);
    }
};
} // namespace

HubCacheDialog::HubCacheDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle(tr("Hugging Face Cache"));
    setObjectName(QStringLiteral("hubCacheDialog"));
    auto* layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("hubCacheSummary"));
    m_summary->setAccessibleName(tr("Cache summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("hubCacheList"));
    m_list->setAccessibleName(tr("Cached repositories"));
    m_list->setAccessibleDescription(tr("Models and datasets in the Hugging Face cache; Enter opens the selected one"));
    m_list->setHeaderLabels({tr("Repository"), tr("Type"), tr("Revisions"), tr("Size"), tr("Files"), tr("Updated")});
    m_list->setRootIsDecorated(false);
    m_list->setSortingEnabled(true);
    m_list->sortByColumn(0, Qt::AscendingOrder);
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    layout->addWidget(m_list, 1);

    auto* buttons = new QDialogButtonBox(this);
    m_open = buttons->addButton(tr("&Open"), QDialogButtonBox::AcceptRole);
    m_open->setObjectName(QStringLiteral("hubCacheOpen"));
    m_open->setAccessibleDescription(
        tr("Open the selected model on the Caption page, or the dataset on the Dataset page"));
    m_reveal = buttons->addButton(tr("Show &Folder"), QDialogButtonBox::ActionRole);
    m_reveal->setObjectName(QStringLiteral("hubCacheReveal"));
    m_reveal->setAccessibleDescription(tr("Show the selected snapshot's folder in the file manager"));
    auto* download = buttons->addButton(tr("&Download…"), QDialogButtonBox::ActionRole);
    download->setObjectName(QStringLiteral("hubCacheDownload"));
    download->setAccessibleDescription(tr("Download another model or dataset from the Hub"));
    m_refresh = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ResetRole);
    m_refresh->setObjectName(QStringLiteral("hubCacheRefresh"));
    m_refresh->setAccessibleDescription(tr("Scan the cache again"));
    auto* close = buttons->addButton(QDialogButtonBox::Close);
    close->setObjectName(QStringLiteral("hubCacheClose"));
    layout->addWidget(buttons);
    m_open->setEnabled(false);
    m_reveal->setEnabled(false);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this, [this] {
        const QTreeWidgetItem* item = m_list->currentItem();
        const bool usable = item && !item->data(0, PathRole).toString().isEmpty();
        m_open->setEnabled(usable);
        m_reveal->setEnabled(usable);
    });
    connect(m_list, &QTreeWidget::itemActivated, this, &HubCacheDialog::openSelected);
    connect(m_open, &QPushButton::clicked, this, &HubCacheDialog::openSelected);
    connect(m_reveal, &QPushButton::clicked, this, [this] {
        if (const QTreeWidgetItem* item = m_list->currentItem())
            QDesktopServices::openUrl(QUrl::fromLocalFile(item->data(0, PathRole).toString()));
    });
    connect(download, &QPushButton::clicked, this, [this] {
        emit downloadRequested();
        accept();
    });
    connect(m_refresh, &QPushButton::clicked, this, &HubCacheDialog::refresh);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    resize(820, 420);
    refresh();
}

int HubCacheDialog::repoCount() const { return m_list->topLevelItemCount(); }

void HubCacheDialog::refresh() {
    const QString cache = QString::fromStdString(hfHubCacheDir());
    m_summary->setText(tr("Scanning %1…").arg(QDir::toNativeSeparators(cache)));
    m_refresh->setEnabled(false);
    auto* watcher = new QFutureWatcher<std::vector<HfCachedRepo>>(this);
    connect(watcher, &QFutureWatcher<std::vector<HfCachedRepo>>::finished, this, [this, watcher, cache] {
        watcher->deleteLater();
        const std::vector<HfCachedRepo> repos = watcher->result();
        m_list->setSortingEnabled(false);
        m_list->clear();
        qint64 total = 0;
        for (const HfCachedRepo& r : repos) {
            if (r.type == HubRepoType::Space) continue;
            const HfCachedSnapshot* snap = r.preferredSnapshot();
            QStringList refs;
            for (const auto& ref : r.refs) refs << QString::fromStdString(ref.first);
            auto* item = new CacheItem(m_list);
            item->setText(0, QString::fromStdString(r.repoId));
            item->setText(1, r.type == HubRepoType::Dataset ? tr("Dataset") : tr("Model"));
            item->setText(2, refs.isEmpty() ? (snap ? QString::fromStdString(snap->commit).left(10) : tr("none"))
                                            : refs.join(QStringLiteral(", ")));
            item->setText(3, formatDataSize(r.sizeOnDisk));
            item->setData(3, SortRole, qint64(r.sizeOnDisk));
            item->setText(4, snap ? formatCount(qint64(snap->files.size())) : tr("no snapshot"));
            item->setData(4, SortRole, snap ? qint64(snap->files.size()) : qint64(-1));
            item->setText(5,
                          r.lastModified ? formatDateTime(QDateTime::fromSecsSinceEpoch(r.lastModified)) : QString());
            item->setData(5, SortRole, qint64(r.lastModified));
            item->setData(0, PathRole, snap ? QString::fromStdString(snap->path) : QString());
            item->setData(0, DatasetRole, r.type == HubRepoType::Dataset);
            item->setToolTip(0, snap ? QDir::toNativeSeparators(QString::fromStdString(snap->path))
                                     : tr("Nothing downloaded yet"));
            total += r.sizeOnDisk;
        }
        m_list->setSortingEnabled(true);
        m_summary->setText(
            m_list->topLevelItemCount() == 0
                ? tr("The Hugging Face cache %1 holds no models or datasets yet. Download one, or use Python's huggingface_hub: "
                     "Captioner shares its cache.")
                      .arg(QDir::toNativeSeparators(cache))
                : tr("%n repositories, %1 in %2 (shared with Python's huggingface_hub).", nullptr,
                     m_list->topLevelItemCount())
                      .arg(formatDataSize(total), QDir::toNativeSeparators(cache)));
        m_refresh->setEnabled(true);
        if (m_list->topLevelItemCount() > 0) m_list->setCurrentItem(m_list->topLevelItem(0));
    });
    watcher->setFuture(QtConcurrent::run([cache] { return scanHfCache(cache.toStdString()); }));
}

void HubCacheDialog::openSelected() {
    const QTreeWidgetItem* item = m_list->currentItem();
    if (!item || item->data(0, PathRole).toString().isEmpty()) return;
    emit openRequested(item->data(0, PathRole).toString(), item->data(0, DatasetRole).toBool());
    accept();
}

} // namespace captioner::ui
