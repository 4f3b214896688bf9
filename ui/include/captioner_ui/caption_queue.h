#pragma once
// CaptionQueue is the Caption page's captioning without its widgets: the images on the page in order
// (one Item each, with its state and result), which of them wait for a model, which are queued, the
// one job running on the CaptionWorker's thread (a few images per job, one job at a time, so the model
// — not thread-safe — is used by one job at a time and the UI thread never waits), cancel, the
// current batch's progress counts, and the per-folder progress files (app data folder) that let an
// interrupted folder resume where it stopped when it is added again.
//
// The page shows each item as a card and follows the queue through its signals; every signal is
// emitted on the queue's (the UI) thread. Receivers of itemAdded and itemChanged only read the queue
// (they are told in the middle of a change); the other signals may be answered with any call.
// Tests drive it without any widget.
#include <QElapsedTimer>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>

class QThread;

namespace captioner {
struct GitCheckpoint;
}

namespace captioner::ui {

class CaptionWorker;
struct CaptionOutcome;

// One word of a caption with its confidence (captioner::WordConfidence: its tokens' probability product).
struct CaptionWord {
    QString word;
    double confidence = 0;
    // Where the model looked for it (captioner::WordHeatmap): rows x cols patch weights, row-major;
    // empty when not computed (beam search, restored results).
    int rows = 0, cols = 0;
    QVector<float> heatmap;
};

class CaptionQueue : public QObject {
    Q_OBJECT
public:
    // Added: listed, not yet queued. Waiting: for a model. Running: in the worker's current job.
    enum class State { Waiting, Queued, Running, Done, Failed, Cancelled, Added };
    struct Item {
        qint64 id = 0;
        QString path;
        State state = State::Added;
        QString caption; // empty when error is set
        QString error;
        double seconds = 0;
        double confidence = -1;     // the caption's confidence; -1: unknown (an error, or restored without one)
        QVector<CaptionWord> words; // its words' confidences, in order; empty when unknown (restored)
        bool restored = false;      // the result came from a folder's progress file
        QString folder;             // the folder it was added with; empty for single images
    };
    // The decoding options of the jobs sent from now on; key() tells a folder's saved results whether
    // they were made with these options.
    struct Decoding {
        int maxLength = 50;
        int numBeams = 1; // 1: greedy search
        double lengthPenalty = 1.0;
        QString key() const;
    };
    enum class CancelOutcome {
        Nothing,   // nothing was queued, waiting or running
        Cancelled, // queued and waiting images were cancelled; no job was running
        Stopping,  // the running job stops after its current batch; jobEnded() follows
    };

    explicit CaptionQueue(QObject* parent = nullptr);
    // The running job finishes the batch it is in (checked between batches) before the thread ends.
    ~CaptionQueue() override;

    // The model to caption with (nullptr: none; queued images then wait). A running job finishes its
    // current batch with the model it started with; its unfinished images go to the new model.
    void setModel(std::shared_ptr<captioner::GitCheckpoint> model, const QString& folder);
    bool hasModel() const { return m_model != nullptr; }
    QString modelFolder() const { return m_modelFolder; }
    std::shared_ptr<captioner::GitCheckpoint> model() const { return m_model; }
    void setDecoding(const Decoding& decoding) { m_decoding = decoding; }
    Decoding decoding() const { return m_decoding; }
    // Images per job (what a cancel or model change waits for) and per forward pass; 8 and 0 unless set
    // (0: the core picks the pass size from the model and the threads, as `captioner caption` does).
    void setJobSize(int imagesPerJob, int imagesPerPass);
    int passSize() const { return m_passSize; } // 0: automatic

    const QVector<Item>& items() const { return m_items; }
    const Item* item(qint64 id) const;
    int count(State state) const;
    // A job runs or images are queued.
    bool isBusy() const;
    // The current batch: images queued since the queue was last idle, how many of them have a result
    // (captions and errors), and the milliseconds since it began.
    int batchTotal() const { return m_batchTotal; }
    int batchDone() const { return m_batchDone; }
    qint64 batchElapsedMs() const { return m_batchClock.elapsed(); }

public slots:
    // Appends the images not in the queue yet and captions them (or lets them wait for a model).
    void add(const QStringList& images, const QString& folder = QString());
    // Lists `folder` recursively off the UI thread (leaving out images with a caption file when
    // skipCaptioned), restores the results of an interrupted run of it, and adds the rest;
    // folderListed or folderFailed follows.
    void addFolder(const QString& folder, bool skipCaptioned);
    void recaption(qint64 id);
    void recaptionAll();
    CancelOutcome cancel();
    void remove(qint64 id);
    // Removes every item; a running job is cancelled.
    void clear();

signals:
    void itemAdded(qint64 id, const QString& path);
    void itemChanged(qint64 id); // state or result
    // Images that were in the queue already and were left as they are (before add() schedules).
    void duplicatesLeft(int count);
    // A caption or an error came from the worker (after itemChanged); emitted last, so a receiver may
    // cancel or change the model.
    void resultReady(qint64 id);
    void busyChanged(bool busy);
    // The queue went idle after a batch of `total` images: `captioned` of them have a caption, `failed`
    // an error; `cancelled` when it ended by cancel().
    void batchFinished(bool cancelled, int captioned, int failed, int total);
    // A job ended (after its items' changes, the next job's start and batchFinished).
    void jobEnded();
    void folderListed(const QString& folder, int images, int skipped, int restored);
    void folderFailed(const QString& folder, const QString& error);
    void folderProgressError(const QString& error);

private:
    Item* find(qint64 id);
    Item& append(const QString& path, const QString& folder);
    void setState(Item& item, State state);
    void enqueue(Item& item);
    void schedule();
    void resetBatch();
    void onResult(const captioner::ui::CaptionOutcome& outcome);
    void onJobFinished(quint64 serial, bool cancelled);
    void onFolderListed(const QString& folder, const QStringList& images, int skipped);
    QString progressFilePath(const QString& folder) const;
    void saveFolderProgress(const QString& folder);
    int restoreFolderProgress(const QString& folder, const QStringList& images);

    std::shared_ptr<captioner::GitCheckpoint> m_model;
    QString m_modelFolder;
    quint64 m_modelGeneration = 0;
    Decoding m_decoding;
    int m_jobSize = 8;
    int m_passSize = 0; // automatic (captioner::autoCaptionBatchSize)

    QThread* m_thread;
    CaptionWorker* m_worker;
    quint64 m_jobSerial = 0;
    quint64 m_runningSerial = 0;
    quint64 m_runningGeneration = 0;
    bool m_running = false;
    bool m_cancelRequested = false;

    QVector<Item> m_items;
    qint64 m_nextId = 1;
    QSet<QString> m_folders;    // folders added (their progress files are kept up to date)
    QStringList m_dirtyFolders; // folders with new results since the last job ended

    int m_batchTotal = 0;
    int m_batchDone = 0;
    int m_batchErrors = 0;
    QElapsedTimer m_batchClock;
};

} // namespace captioner::ui
