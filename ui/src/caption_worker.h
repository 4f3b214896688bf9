#pragma once
// CaptionWorker runs the core's captionImages for the Caption page's CaptionQueue on its own QThread.
// A job is a handful of images with the model and decoding settings to use; results come back one by
// one as queued signals, so the page shows each card as soon as its caption is ready. The queue sends
// one job at a time, which keeps a checkpoint (not thread-safe) in one job's hands; the job holds its
// own reference to the model, so swapping models while it runs is safe. cancel() stops a job between
// batches; nothing throws out of run().
#include "captioner_ui/caption_queue.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <atomic>
#include <memory>

namespace captioner {
struct GitCheckpoint;
}

namespace captioner::ui {

struct CaptionJob {
    quint64 serial = 0; // which job, for jobFinished
    std::shared_ptr<captioner::GitCheckpoint> model;
    QVector<qint64> ids; // the queue's item ids, parallel to paths
    QStringList paths;
    int maxLength = 50;
    int numBeams = 1;
    double lengthPenalty = 1.0;
    int batchSize = 0; // images per forward pass; 0: automatic
};

struct CaptionOutcome {
    quint64 serial = 0;
    qint64 id = 0;
    QString caption;
    double seconds = 0;
    QString error;
    double confidence = -1;     // the caption's (captioner::CaptionResult::confidence); -1 with an error
    QVector<CaptionWord> words; // captioner::CaptionResult::words
};

class CaptionWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    void cancel() { m_cancel.store(true); }
    // Called by the queue before it sends a job (never while one runs), so a cancel sent right after
    // the job was queued is not lost.
    void resetCancel() { m_cancel.store(false); }

public slots:
    void run(const captioner::ui::CaptionJob& job);

signals:
    void resultReady(const captioner::ui::CaptionOutcome& outcome);
    void jobFinished(quint64 serial, bool cancelled);

private:
    std::atomic<bool> m_cancel{false};
};

} // namespace captioner::ui

Q_DECLARE_METATYPE(captioner::ui::CaptionJob)
Q_DECLARE_METATYPE(captioner::ui::CaptionOutcome)
