#pragma once
// CaptionComparer captions the Caption page's images with a second model, for the page's compare view:
// it loads the model folder off the UI thread, then runs its own CaptionWorker (on its own QThread, one
// job with every image) with the page's decoding options, and keeps each image's outcome. With the
// images' reference captions it also computes both models' metrics off the UI thread, with the trainer's
// definitions (captioner::generatedCaptionMetrics, each model's captions against the references with
// that model's tokenizer). cancel() never waits: while the model loads it drops the load's result and
// finishes at once (nothing compared); while captioning it tells the worker to stop (polled before each
// generation step), the images captioned so far are kept and finished(true) follows. The destructor
// cancels and waits.
#include "caption_worker.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

class QThread;

namespace captioner {
struct GitCheckpoint;
}

namespace captioner::ui {

// Both models' metrics on the images with references that both captioned.
struct CompareSummary {
    struct Metrics {
        double wer = 0, rougeL = 0, bleu4 = 0, cider = 0;
    };
    Metrics a, b;
    int count = 0; // images scored
    QString error; // why there are no metrics ("" when there are)
};

class CaptionComparer : public QObject {
    Q_OBJECT
public:
    explicit CaptionComparer(QObject* parent = nullptr);
    ~CaptionComparer() override;

    // Loads the model in `folder`, then captions `paths` (the page's item ids parallel to them) with it.
    // Forgets the previous comparison; a running one is cancelled first.
    void start(const QString& folder, const QVector<qint64>& ids, const QStringList& paths,
               const CaptionQueue::Decoding& decoding, int imagesPerPass);
    void cancel();
    // Forgets every outcome and the model (a running job is cancelled).
    void clear();
    bool isBusy() const { return m_loading || m_running; }
    bool isLoading() const { return m_loading; }
    bool isCancelling() const { return m_running && m_cancelling; } // told to stop, not stopped yet
    bool isActive() const { return !m_folder.isEmpty(); }           // started and not cleared
    QString folder() const { return m_folder; }
    int total() const { return static_cast<int>(m_ids.size()); }
    int done() const { return static_cast<int>(m_outcomes.size()); }
    const CaptionOutcome* outcome(qint64 id) const;
    bool compares(qint64 id) const { return m_ids.contains(id); }
    const QVector<qint64>& ids() const { return m_ids; }

    // Computes both models' metrics off the UI thread; summaryReady follows. predictionsA/B and
    // references are parallel (one entry per image).
    void computeSummary(std::shared_ptr<captioner::GitCheckpoint> modelA, const QStringList& predictionsA,
                        const QStringList& predictionsB, const QVector<QStringList>& references);

signals:
    void modelLoaded(const QString& folder);
    void modelFailed(const QString& folder, const QString& error);
    void resultReady(qint64 id);
    void finished(bool cancelled);
    void summaryReady(const captioner::ui::CompareSummary& summary);

private:
    void onResult(const captioner::ui::CaptionOutcome& outcome);
    void onJobFinished(quint64 serial, bool cancelled);
    void send(const CaptionJob& job);

    QThread* m_thread;
    CaptionWorker* m_worker;
    std::shared_ptr<captioner::GitCheckpoint> m_model;
    QString m_folder;
    QVector<qint64> m_ids;
    QHash<qint64, CaptionOutcome> m_outcomes;
    quint64 m_serial = 0; // the current comparison; results of an older one are dropped
    bool m_loading = false;
    bool m_running = false;
    bool m_cancelling = false;
    // The worker runs one job at a time: a cleared comparison's job may still be stopping when the next
    // one is ready, which then waits here (sending it at once would reset the stopping job's cancel).
    bool m_jobInFlight = false;
    CaptionJob m_nextJob;
    bool m_hasNextJob = false;
};

} // namespace captioner::ui

Q_DECLARE_METATYPE(captioner::ui::CompareSummary)
