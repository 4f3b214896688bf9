#pragma once
// DatasetModel is the open dataset as a list model: one row per image, in dataset order, with its
// captions, split, review verdict, problems and (through ThumbnailProvider) its preview. It owns the
// core's CaptionDataset and ReviewStore; caption edits and review verdicts go through it so every
// view stays in step. Review verdicts are written to review.jsonl at once (atomically); caption
// edits stay in memory until save(), which writes through CaptionDataset::save (atomic, .bak).
#include "captioner/dataset.h"
#include "captioner/dataset_report.h"
#include "captioner/review_store.h"

#include <QAbstractListModel>
#include <QHash>
#include <QStringList>
#include <QVector>

namespace captioner::ui {

class ThumbnailProvider;

class DatasetModel : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        FileNameRole = Qt::UserRole + 1, // the review key: image path relative to the dataset root
        CaptionRole,                     // first caption ("" when none)
        CaptionsRole,                    // QStringList of all captions
        CaptionLengthRole,               // code points of the first caption
        SplitRole,                       // "train", "test", ... or ""
        ReviewStatusRole,                // int(captioner::ReviewStatus)
        ReviewReasonRole,
        ProblemsRole,       // int, ProblemFlags
        ProblemTextRole,    // why, for people ("" when fine)
        ImagePathRole,      // absolute path
        ThumbnailStateRole, // ThumbnailState
        ConfidenceRole,     // double: the model's confidence in the first caption; -1 when it is not the model's
    };
    enum ProblemFlag { NoProblem = 0, Unreadable = 1, MissingCaption = 2 };
    enum ThumbnailState { ThumbnailLoading, ThumbnailReady, ThumbnailFailed };

    explicit DatasetModel(QObject* parent = nullptr);

    // Replaces the content (model reset). The review store is the one beside the dataset.
    void setDataset(captioner::CaptionDataset dataset, captioner::ReviewStore review);
    void clear();
    // Marks unreadable images found by the report (header probe or decode).
    void applyReport(const captioner::DatasetReport& report);
    void setThumbnailProvider(ThumbnailProvider* provider);
    ThumbnailProvider* thumbnailProvider() const { return m_thumbnails; }

    bool hasDataset() const { return m_loaded; }
    const captioner::CaptionDataset& dataset() const { return m_dataset; }
    const captioner::ReviewStore& review() const { return m_review; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    QStringList captions(int row) const;
    // Sets one caption (index == count appends one). Emits captionChanged.
    void setCaption(int row, int captionIndex, const QString& text);
    // The caption as it was read from disk, to tell an edited caption from an accepted one.
    QString originalCaption(int row) const;
    captioner::ReviewEntry reviewEntry(int row) const;
    // Records a verdict and writes review.jsonl; false (and reviewError) when it cannot be written.
    bool setReview(int row, const captioner::ReviewEntry& entry);
    // Records that the first caption of `row` came from a model, with its confidence and its words', in
    // review.jsonl at once (the verdict is kept); false (and reviewError) when it cannot be written.
    bool setModelConfidence(int row, const QString& caption, double confidence,
                            const std::vector<captioner::ReviewWord>& words);
    // The model's confidence in the first caption of `row`: -1 when it did not come from a model or
    // was edited since.
    double modelConfidence(int row) const;
    int reviewedCount() const;
    int countWithStatus(captioner::ReviewStatus status) const;
    int countWithProblem(ProblemFlag flag) const;
    int problems(int row) const;

    // Writes captions to disk (CaptionDataset::save). Throws captioner::Error. The caller runs it off
    // the UI thread on a copy (saveCopy) where the dataset is large.
    captioner::CaptionDataset saveCopy() const { return m_dataset; }

signals:
    void captionChanged(int row);
    void reviewChanged(int row);
    void reviewError(const QString& message);

private:
    void onThumbnailReady(const QString& path);
    void onThumbnailFailed(const QString& path, const QString& reason);
    void emitRowsChanged(const QString& path, const QVector<int>& roles);
    QString unreadableReason(int row) const;

    captioner::CaptionDataset m_dataset;
    captioner::ReviewStore m_review;
    bool m_loaded = false;
    std::vector<std::string> m_keys; // review key per row
    QStringList m_paths;             // image path per row (QString, for the thumbnail lookups)
    QStringList m_original;          // first caption as read
    QHash<QString, QVector<int>> m_rowsByPath;
    QHash<int, QString> m_thumbFailures; // row -> decode error met while making its preview
    ThumbnailProvider* m_thumbnails = nullptr;
};

} // namespace captioner::ui
