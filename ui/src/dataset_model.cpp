#include "captioner_ui/dataset_model.h"

#include "captioner_ui/thumbnail_provider.h"

#include "captioner/caption_search.h"
#include "captioner/error.h"

#include <QFileInfo>

namespace captioner::ui {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
} // namespace

DatasetModel::DatasetModel(QObject* parent) : QAbstractListModel(parent) {}

void DatasetModel::setThumbnailProvider(ThumbnailProvider* provider) {
    if (m_thumbnails) disconnect(m_thumbnails, nullptr, this, nullptr);
    m_thumbnails = provider;
    if (!provider) return;
    connect(provider, &ThumbnailProvider::ready, this, &DatasetModel::onThumbnailReady);
    connect(provider, &ThumbnailProvider::failed, this, &DatasetModel::onThumbnailFailed);
}

void DatasetModel::setDataset(captioner::CaptionDataset dataset, captioner::ReviewStore review) {
    beginResetModel();
    m_dataset = std::move(dataset);
    m_review = std::move(review);
    m_loaded = true;
    const auto& items = m_dataset.items();
    m_keys.clear();
    m_keys.reserve(items.size());
    m_paths.clear();
    m_paths.reserve(int(items.size()));
    m_original.clear();
    m_original.reserve(int(items.size()));
    m_rowsByPath.clear();
    m_rowsByPath.reserve(int(items.size()));
    m_thumbFailures.clear();
    for (std::size_t i = 0; i < items.size(); ++i) {
        m_keys.push_back(captioner::ReviewStore::keyFor(m_dataset, items[i]));
        m_paths << qs(items[i].imagePath);
        m_original << (items[i].captions.empty() ? QString() : qs(items[i].captions.front()));
        m_rowsByPath[m_paths.back()].push_back(int(i));
    }
    if (m_thumbnails) m_thumbnails->clear();
    endResetModel();
}

void DatasetModel::clear() {
    beginResetModel();
    m_dataset = {};
    m_review = {};
    m_loaded = false;
    m_keys.clear();
    m_paths.clear();
    m_original.clear();
    m_rowsByPath.clear();
    m_thumbFailures.clear();
    if (m_thumbnails) m_thumbnails->clear();
    endResetModel();
}

void DatasetModel::applyReport(const captioner::DatasetReport& report) {
    // The report names images by their file name as written in the source.
    QHash<QString, QString> reasons;
    for (const auto& problem : report.unreadable) reasons.insert(qs(problem.file), qs(problem.reason));
    auto& items = m_dataset.items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto it = reasons.constFind(qs(items[i].fileName));
        if (it == reasons.constEnd() || !items[i].unreadable.empty()) continue;
        items[i].unreadable = it.value().toStdString();
        const QModelIndex idx = index(int(i));
        emit dataChanged(idx, idx, {ProblemsRole, ProblemTextRole});
    }
}

int DatasetModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_dataset.items().size());
}

QString DatasetModel::unreadableReason(int row) const {
    const auto& item = m_dataset.items()[std::size_t(row)];
    if (!item.unreadable.empty()) return qs(item.unreadable);
    return m_thumbFailures.value(row);
}

int DatasetModel::problems(int row) const {
    if (row < 0 || row >= rowCount()) return NoProblem;
    int flags = NoProblem;
    if (!unreadableReason(row).isEmpty()) flags |= Unreadable;
    const auto& captions = m_dataset.items()[std::size_t(row)].captions;
    bool anyText = false;
    for (const auto& c : captions) anyText = anyText || !c.empty();
    if (!anyText) flags |= MissingCaption;
    return flags;
}

QVariant DatasetModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount()) return {};
    const int row = index.row();
    const auto& item = m_dataset.items()[std::size_t(row)];
    switch (role) {
    case Qt::DisplayRole:
    case CaptionRole: return item.captions.empty() ? QString() : qs(item.captions.front());
    case Qt::ToolTipRole: {
        QString tip = qs(m_keys[std::size_t(row)]);
        if (!item.captions.empty()) tip += QLatin1Char('\n') + qs(item.captions.front());
        const QString problem = data(index, ProblemTextRole).toString();
        if (!problem.isEmpty()) tip += QLatin1Char('\n') + problem;
        return tip;
    }
    case Qt::AccessibleTextRole: {
        // What a screen reader says for a tile: the caption first, then the facts around it.
        QString text =
            item.captions.empty() || item.captions.front().empty() ? tr("No caption") : qs(item.captions.front());
        text += QStringLiteral(". ") + qs(m_keys[std::size_t(row)]);
        const auto status = m_review.entry(m_keys[std::size_t(row)]).status;
        if (status != captioner::ReviewStatus::Unreviewed)
            text += QStringLiteral(", ") + qs(captioner::toString(status));
        const QString problem = data(index, ProblemTextRole).toString();
        if (!problem.isEmpty()) text += QStringLiteral(", ") + problem;
        return text;
    }
    case Qt::DecorationRole: return m_thumbnails ? m_thumbnails->thumbnail(m_paths[row]) : QImage();
    case FileNameRole: return qs(m_keys[std::size_t(row)]);
    case CaptionsRole: return captions(row);
    case CaptionLengthRole: return int(item.captions.empty() ? 0 : captioner::captionLength(item.captions.front()));
    case SplitRole: return qs(item.split);
    case ReviewStatusRole: return int(m_review.entry(m_keys[std::size_t(row)]).status);
    case ReviewReasonRole: return qs(m_review.entry(m_keys[std::size_t(row)]).reason);
    case ProblemsRole: return problems(row);
    case ProblemTextRole: {
        QStringList why;
        const QString unreadable = unreadableReason(row);
        if (!unreadable.isEmpty()) why << tr("Unreadable image: %1").arg(unreadable);
        if (problems(row) & MissingCaption) why << tr("No caption");
        return why.join(QStringLiteral("; "));
    }
    case ImagePathRole: return m_paths[row];
    case ConfidenceRole: return modelConfidence(row);
    case ThumbnailStateRole:
        if (!m_thumbnails || m_thumbnails->hasFailed(m_paths[row]) || !item.unreadable.empty()) return ThumbnailFailed;
        return m_thumbnails->isPending(m_paths[row]) ? ThumbnailLoading : ThumbnailReady;
    default: return {};
    }
}

QHash<int, QByteArray> DatasetModel::roleNames() const {
    QHash<int, QByteArray> names = QAbstractListModel::roleNames();
    names.insert(FileNameRole, "fileName");
    names.insert(CaptionRole, "caption");
    names.insert(CaptionsRole, "captions");
    names.insert(CaptionLengthRole, "captionLength");
    names.insert(SplitRole, "split");
    names.insert(ReviewStatusRole, "reviewStatus");
    names.insert(ReviewReasonRole, "reviewReason");
    names.insert(ProblemsRole, "problems");
    names.insert(ProblemTextRole, "problemText");
    names.insert(ImagePathRole, "imagePath");
    names.insert(ThumbnailStateRole, "thumbnailState");
    names.insert(ConfidenceRole, "confidence");
    return names;
}

QStringList DatasetModel::captions(int row) const {
    QStringList out;
    if (row < 0 || row >= rowCount()) return out;
    for (const auto& c : m_dataset.items()[std::size_t(row)].captions) out << qs(c);
    return out;
}

void DatasetModel::setCaption(int row, int captionIndex, const QString& text) {
    if (row < 0 || row >= rowCount() || captionIndex < 0) return;
    std::vector<std::string> list = m_dataset.items()[std::size_t(row)].captions;
    if (captionIndex > int(list.size())) return;
    if (captionIndex == int(list.size())) {
        if (text.isEmpty()) return;
        list.push_back(text.toStdString());
    } else if (list[std::size_t(captionIndex)] == text.toStdString()) {
        return;
    } else if (text.isEmpty() && captionIndex == int(list.size()) - 1) {
        list.pop_back(); // an emptied last caption is gone, so undoing an added caption leaves none behind
    } else {
        list[std::size_t(captionIndex)] = text.toStdString();
    }
    m_dataset.setCaptions(std::size_t(row), std::move(list));
    const QModelIndex idx = index(row);
    emit dataChanged(idx, idx,
                     {Qt::DisplayRole, CaptionRole, CaptionsRole, CaptionLengthRole, ProblemsRole, ProblemTextRole,
                      Qt::ToolTipRole, Qt::AccessibleTextRole, ConfidenceRole});
    emit captionChanged(row);
}

QString DatasetModel::originalCaption(int row) const { return m_original.value(row); }

captioner::ReviewEntry DatasetModel::reviewEntry(int row) const {
    if (row < 0 || row >= rowCount()) return {};
    return m_review.entry(m_keys[std::size_t(row)]);
}

bool DatasetModel::setReview(int row, const captioner::ReviewEntry& given) {
    if (row < 0 || row >= rowCount()) return false;
    const std::string& key = m_keys[std::size_t(row)];
    const captioner::ReviewEntry previous = m_review.entry(key);
    captioner::ReviewEntry entry = given;
    if (!entry.hasModelConfidence() && previous.hasModelConfidence()) {
        // A verdict keeps what the model said of the caption.
        entry.modelCaption = previous.modelCaption;
        entry.confidence = previous.confidence;
        entry.words = previous.words;
    }
    m_review.set(key, entry);
    try {
        m_review.save();
    } catch (const captioner::Error& e) {
        m_review.set(key, previous); // what is shown must be what is on disk
        emit reviewError(QString::fromStdString(e.what()));
        return false;
    }
    const QModelIndex idx = index(row);
    emit dataChanged(idx, idx, {ReviewStatusRole, ReviewReasonRole, Qt::AccessibleTextRole});
    emit reviewChanged(row);
    return true;
}

bool DatasetModel::setModelConfidence(int row, const QString& caption, double confidence,
                                      const std::vector<captioner::ReviewWord>& words) {
    if (row < 0 || row >= rowCount()) return false;
    const std::string& key = m_keys[std::size_t(row)];
    const captioner::ReviewEntry previous = m_review.entry(key);
    captioner::ReviewEntry entry = previous;
    entry.modelCaption = caption.toStdString();
    entry.confidence = confidence;
    entry.words = words;
    m_review.set(key, entry);
    try {
        m_review.save();
    } catch (const captioner::Error& e) {
        m_review.set(key, previous);
        emit reviewError(QString::fromStdString(e.what()));
        return false;
    }
    const QModelIndex idx = index(row);
    emit dataChanged(idx, idx, {ConfidenceRole});
    emit reviewChanged(row);
    return true;
}

double DatasetModel::modelConfidence(int row) const {
    if (row < 0 || row >= rowCount()) return -1;
    const auto& captions = m_dataset.items()[std::size_t(row)].captions;
    return m_review.entry(m_keys[std::size_t(row)]).confidenceFor(captions.empty() ? std::string() : captions.front());
}

int DatasetModel::reviewedCount() const {
    int n = 0;
    for (const auto& key : m_keys) {
        const auto it = m_review.entries().find(key);
        if (it != m_review.entries().end() && it->second.status != captioner::ReviewStatus::Unreviewed) ++n;
    }
    return n;
}

int DatasetModel::countWithStatus(captioner::ReviewStatus status) const {
    int n = 0;
    for (const auto& key : m_keys)
        if (m_review.entry(key).status == status) ++n;
    return n;
}

int DatasetModel::countWithProblem(ProblemFlag flag) const {
    int n = 0;
    for (int row = 0; row < rowCount(); ++row)
        if (problems(row) & flag) ++n;
    return n;
}

void DatasetModel::onThumbnailReady(const QString& path) {
    emitRowsChanged(path, {Qt::DecorationRole, ThumbnailStateRole});
}

void DatasetModel::onThumbnailFailed(const QString& path, const QString& reason) {
    for (int row : m_rowsByPath.value(path)) m_thumbFailures.insert(row, reason);
    emitRowsChanged(path, {Qt::DecorationRole, ThumbnailStateRole, ProblemsRole, ProblemTextRole});
}

void DatasetModel::emitRowsChanged(const QString& path, const QVector<int>& roles) {
    for (int row : m_rowsByPath.value(path)) {
        const QModelIndex idx = index(row);
        emit dataChanged(idx, idx, QList<int>(roles.begin(), roles.end()));
    }
}

} // namespace captioner::ui
