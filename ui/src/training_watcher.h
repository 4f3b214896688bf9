#pragma once
// TrainingWatcher follows the event log (OUTPUT/events.jsonl, see captioner/event_log.h) of a run
// this window does not own — started by the CLI, a cluster job on a shared file system, or another
// window — and delivers its events as the training worker delivers its own, so the Train page draws
// them on the same path. The file is polled (every 250 ms; network file systems send no change
// notifications) and read and parsed on the watcher's own thread, in pieces of at most 1 MiB, so a
// long run's history of many megabytes arrives as a few batches without blocking the window.
#include "core_metatypes.h"

#include <QList>
#include <QObject>
#include <QStringList>

class QThread;

namespace captioner::ui {

class TrainingWatcher : public QObject {
    Q_OBJECT
public:
    // Follows outputFolder/events.jsonl (from its beginning) once start() is called.
    explicit TrainingWatcher(const QString& outputFolder, QObject* parent = nullptr);
    ~TrainingWatcher() override; // stops the polling thread and waits for it

    // Starts the polling thread. Connect to batch() first: the first batch (the whole file so far) can
    // be sent before the caller's next statement, and a batch sent before the connection is lost.
    void start();

    QString outputFolder() const { return m_folder; }
    QString logPath() const;

signals:
    // Queued to the owner's thread, in file order. `exists`: the file exists now; `restarted`: it was
    // truncated or replaced since the last batch; `problems`: lines that are not events, unreadable file.
    void batch(const QList<captioner::TrainingEvent>& events, bool exists, bool restarted, const QStringList& problems);

private:
    QString m_folder;
    QThread* m_thread;
    QObject* m_poller; // lives on m_thread once started
};

} // namespace captioner::ui
