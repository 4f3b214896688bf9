#pragma once
// DatasetFilterModel is what the grid shows of a DatasetModel: rows matching the search box (every
// term in the file name or a caption, optionally as whole words; matching is the core's
// captioner::matchesQuery), narrowed to one kind of image (problems, review verdicts, long
// captions), sorted by name, caption length or review status. Ties keep dataset order.
#include <QSortFilterProxyModel>

#include <string>
#include <vector>

namespace captioner::ui {

class DatasetModel;

class DatasetFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
public:
    enum class Show { All, Problems, Unreadable, MissingCaption, LongCaption, Unreviewed, Accepted, Edited, Flagged };
    // LeastConfident: captions from a model, least confident first (DatasetModel::modelConfidence),
    // then the others in dataset order; review mode's Next then goes to the next least confident.
    enum class SortKey { Dataset, Name, CaptionLength, ReviewStatus, LeastConfident };

    explicit DatasetFilterModel(QObject* parent = nullptr);
    void setDatasetModel(DatasetModel* model);
    DatasetModel* datasetModel() const { return m_model; }

    void setQuery(const QString& text, bool wholeWords);
    QString queryText() const { return m_text; }
    bool wholeWords() const { return m_wholeWords; }
    void setShow(Show show);
    Show show() const { return m_show; }
    void setSortKey(SortKey key, Qt::SortOrder order = Qt::AscendingOrder);
    SortKey sortKey() const { return m_sortKey; }
    // Source row of a proxy row (-1 when out of range).
    int sourceRow(int proxyRow) const;
    int proxyRow(int sourceRow) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    DatasetModel* m_model = nullptr;
    QString m_text;
    std::vector<std::string> m_terms;
    bool m_wholeWords = false;
    Show m_show = Show::All;
    SortKey m_sortKey = SortKey::Dataset;
};

} // namespace captioner::ui
