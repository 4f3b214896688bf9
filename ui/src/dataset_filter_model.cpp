#include "captioner_ui/dataset_filter_model.h"

#include "captioner_ui/dataset_model.h"

#include "captioner/caption_search.h"
#include "captioner/review_store.h"

namespace captioner::ui {

namespace {
// Review order for sorting: what still needs attention first.
int statusRank(int status) {
    switch (static_cast<captioner::ReviewStatus>(status)) {
    case captioner::ReviewStatus::Flagged: return 0;
    case captioner::ReviewStatus::Unreviewed: return 1;
    case captioner::ReviewStatus::Edited: return 2;
    case captioner::ReviewStatus::Accepted: return 3;
    }
    return 1;
}
} // namespace

DatasetFilterModel::DatasetFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
    // Re-filter / re-sort only when a role that can change the outcome changes (not for thumbnails).
    setDynamicSortFilter(true);
    setSortRole(DatasetModel::CaptionRole);
    setFilterRole(DatasetModel::CaptionRole);
}

void DatasetFilterModel::setDatasetModel(DatasetModel* model) {
    m_model = model;
    setSourceModel(model);
    sort(0, sortOrder());
}

void DatasetFilterModel::setQuery(const QString& text, bool wholeWords) {
    if (text == m_text && wholeWords == m_wholeWords) return;
    m_text = text;
    m_terms = captioner::queryTerms(text.toStdString());
    m_wholeWords = wholeWords;
    invalidateFilter();
}

void DatasetFilterModel::setShow(Show show) {
    if (show == m_show) return;
    m_show = show;
    invalidateFilter();
}

void DatasetFilterModel::setSortKey(SortKey key, Qt::SortOrder order) {
    m_sortKey = key;
    switch (key) {
    case SortKey::Dataset:
    case SortKey::Name: setSortRole(DatasetModel::FileNameRole); break;
    case SortKey::CaptionLength: setSortRole(DatasetModel::CaptionLengthRole); break;
    case SortKey::ReviewStatus: setSortRole(DatasetModel::ReviewStatusRole); break;
    case SortKey::LeastConfident: setSortRole(DatasetModel::ConfidenceRole); break;
    }
    invalidate();
    sort(0, order);
}

int DatasetFilterModel::sourceRow(int proxyRow) const {
    const QModelIndex idx = index(proxyRow, 0);
    return idx.isValid() ? mapToSource(idx).row() : -1;
}

int DatasetFilterModel::proxyRow(int sourceRow) const {
    if (!m_model) return -1;
    return mapFromSource(m_model->index(sourceRow)).row();
}

bool DatasetFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex&) const {
    if (!m_model) return true;
    const int problems = m_model->problems(sourceRow);
    const auto status = static_cast<captioner::ReviewStatus>(m_model->reviewEntry(sourceRow).status);
    const auto& item = m_model->dataset().items()[std::size_t(sourceRow)];
    switch (m_show) {
    case Show::All: break;
    case Show::Problems:
        if (!problems) return false;
        break;
    case Show::Unreadable:
        if (!(problems & DatasetModel::Unreadable)) return false;
        break;
    case Show::MissingCaption:
        if (!(problems & DatasetModel::MissingCaption)) return false;
        break;
    case Show::LongCaption:
        if (item.captions.empty() || captioner::captionLength(item.captions.front()) <= captioner::kAltTextGuidance)
            return false;
        break;
    case Show::Unreviewed:
        if (status != captioner::ReviewStatus::Unreviewed) return false;
        break;
    case Show::Accepted:
        if (status != captioner::ReviewStatus::Accepted) return false;
        break;
    case Show::Edited:
        if (status != captioner::ReviewStatus::Edited) return false;
        break;
    case Show::Flagged:
        if (status != captioner::ReviewStatus::Flagged) return false;
        break;
    }
    return captioner::matchesQuery(item, m_terms, m_wholeWords);
}

bool DatasetFilterModel::lessThan(const QModelIndex& left, const QModelIndex& right) const {
    if (!m_model) return left.row() < right.row();
    const int l = left.row(), r = right.row();
    switch (m_sortKey) {
    case SortKey::Dataset: return l < r;
    case SortKey::Name: {
        const int c = m_model->data(left, DatasetModel::FileNameRole)
                          .toString()
                          .compare(m_model->data(right, DatasetModel::FileNameRole).toString(), Qt::CaseInsensitive);
        return c != 0 ? c < 0 : l < r;
    }
    case SortKey::CaptionLength: {
        const int a = m_model->data(left, DatasetModel::CaptionLengthRole).toInt();
        const int b = m_model->data(right, DatasetModel::CaptionLengthRole).toInt();
        return a != b ? a < b : l < r;
    }
    case SortKey::ReviewStatus: {
        const int a = statusRank(int(m_model->reviewEntry(l).status));
        const int b = statusRank(int(m_model->reviewEntry(r).status));
        return a != b ? a < b : l < r;
    }
    case SortKey::LeastConfident: {
        const double a = m_model->modelConfidence(l), b = m_model->modelConfidence(r);
        if ((a >= 0) != (b >= 0)) return a >= 0; // captions with a confidence first
        return a != b ? a < b : l < r;
    }
    }
    return l < r;
}

} // namespace captioner::ui
