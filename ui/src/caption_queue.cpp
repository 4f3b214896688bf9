// CaptionQueue: the Caption page's items, the job scheduling on the worker thread, cancel, batch
// progress, folders (listed off the UI thread) and their progress files.
// Core (torch) headers first: Qt's `slots` keyword macro breaks ATen's headers that come after it.
#include "captioner/caption_pipeline.h"

#include "captioner_ui/caption_queue.h"

#include "caption_worker.h"
#include "captioner_ui/caption_export.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>
#include <utility>

namespace captioner::ui {

QString CaptionQueue::Decoding::key() const {
    return QStringLiteral("max_length=%1 num_beams=%2 length_penalty=%3")
        .arg(maxLength)
        .arg(numBeams)
        .arg(lengthPenalty, 0, 'f', 2);
}

CaptionQueue::CaptionQueue(QObject* parent)
    : QObject(parent), m_thread(new QThread(this)), m_worker(new CaptionWorker) {
    qRegisterMetaType<CaptionJob>();
    qRegisterMetaType<CaptionOutcome>();
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &CaptionWorker::resultReady, this, &CaptionQueue::onResult, Qt::QueuedConnection);
    connect(m_worker, &CaptionWorker::jobFinished, this, &CaptionQueue::onJobFinished, Qt::QueuedConnection);
    m_thread->setObjectName(QStringLiteral("CaptionWorker"));
    m_thread->start();
}

CaptionQueue::~CaptionQueue() {
    m_worker->cancel();
    m_thread->quit();
    m_thread->wait();
}

void CaptionQueue::setJobSize(int imagesPerJob, int imagesPerPass) {
    m_jobSize = qMax(1, imagesPerJob);
    m_passSize = qMax(0, imagesPerPass);
}

const CaptionQueue::Item* CaptionQueue::item(qint64 id) const {
    for (const Item& i : m_items)
        if (i.id == id) return &i;
    return nullptr;
}

CaptionQueue::Item* CaptionQueue::find(qint64 id) { return const_cast<Item*>(std::as_const(*this).item(id)); }

int CaptionQueue::count(State state) const {
    int n = 0;
    for (const Item& i : m_items) n += i.state == state ? 1 : 0;
    return n;
}

bool CaptionQueue::isBusy() const { return m_running || count(State::Queued) > 0; }

void CaptionQueue::setState(Item& item, State state) {
    item.state = state;
    if (state != State::Done && state != State::Failed) item.restored = false;
    emit itemChanged(item.id);
}

void CaptionQueue::resetBatch() { m_batchTotal = m_batchDone = m_batchErrors = 0; }

// ---- items in ----

void CaptionQueue::setModel(std::shared_ptr<captioner::GitCheckpoint> model, const QString& folder) {
    ++m_modelGeneration;
    m_model = std::move(model);
    m_modelFolder = m_model ? QDir(folder).absolutePath() : QString();
    // A job of the previous model stops after its current batch; its unfinished images return to the
    // queue (onJobFinished) and go to the new model.
    if (m_running) m_worker->cancel();
    for (Item& item : m_items) {
        if (m_model && item.state == State::Waiting) enqueue(item);
        else if (!m_model && item.state == State::Queued) setState(item, State::Waiting);
    }
    schedule();
}

CaptionQueue::Item& CaptionQueue::append(const QString& path, const QString& folder) {
    Item item;
    item.id = m_nextId++;
    item.path = path;
    item.folder = folder;
    m_items.push_back(item);
    emit itemAdded(item.id, path);
    return m_items.last();
}

void CaptionQueue::add(const QStringList& images, const QString& folder) {
    int already = 0;
    for (const QString& image : images) {
        if (std::any_of(m_items.cbegin(), m_items.cend(), [&](const Item& i) { return i.path == image; })) {
            ++already;
            continue;
        }
        enqueue(append(image, folder));
    }
    if (already > 0) emit duplicatesLeft(already);
    schedule();
}

void CaptionQueue::addFolder(const QString& folder, bool skipCaptioned) {
    // Listing a large folder (and checking each image for a caption file) can take seconds on a slow
    // disk: it runs off the UI thread and the items follow.
    struct Listing {
        QStringList images;
        int skipped = 0;
        QString error;
    };
    auto* watcher = new QFutureWatcher<Listing>(this);
    connect(watcher, &QFutureWatcher<Listing>::finished, this, [this, watcher, folder] {
        watcher->deleteLater();
        const Listing listing = watcher->result();
        if (!listing.error.isEmpty()) emit folderFailed(folder, listing.error);
        else onFolderListed(folder, listing.images, listing.skipped);
    });
    watcher->setFuture(QtConcurrent::run([folder, skipCaptioned] {
        Listing out;
        try {
            for (const std::string& path : captioner::listImageFiles(folder.toStdString())) {
                const QString image = QString::fromStdString(path);
                if (skipCaptioned && QFileInfo::exists(sidecarPathFor(image))) ++out.skipped;
                else out.images << image;
            }
        } catch (const std::exception& e) {
            out.error = QString::fromStdString(e.what());
        }
        return out;
    }));
}

void CaptionQueue::onFolderListed(const QString& folder, const QStringList& images, int skipped) {
    m_folders.insert(folder);
    const int restored = restoreFolderProgress(folder, images);
    QSet<QString> present;
    for (const Item& i : m_items) present.insert(i.path);
    QStringList rest;
    for (const QString& image : images)
        if (!present.contains(image)) rest << image;
    add(rest, folder);
    emit folderListed(folder, static_cast<int>(images.size()), skipped, restored);
}

// ---- the queue ----

void CaptionQueue::enqueue(Item& item) {
    const State state = item.state;
    if (state == State::Queued || (state == State::Waiting && !m_model)) return;
    if (!m_model) {
        setState(item, State::Waiting);
        return;
    }
    // A running item's result from its job is dropped (onResult) and it goes round again; it is
    // already counted in this batch.
    if (state != State::Running) {
        if (!isBusy() || m_batchTotal == 0) {
            resetBatch();
            m_batchClock.start();
        }
        ++m_batchTotal;
    }
    setState(item, State::Queued);
}

void CaptionQueue::schedule() {
    if (m_running || !m_model) return;
    CaptionJob job;
    job.serial = ++m_jobSerial;
    job.model = m_model;
    job.maxLength = m_decoding.maxLength;
    job.numBeams = m_decoding.numBeams;
    job.lengthPenalty = m_decoding.lengthPenalty;
    job.batchSize = m_passSize;
    for (Item& item : m_items) {
        if (item.state != State::Queued) continue;
        setState(item, State::Running);
        job.ids << item.id;
        job.paths << item.path;
        if (job.ids.size() == m_jobSize) break;
    }
    if (job.ids.isEmpty()) return;
    m_running = true;
    m_runningSerial = job.serial;
    m_runningGeneration = m_modelGeneration;
    m_worker->resetCancel();
    QMetaObject::invokeMethod(m_worker, "run", Qt::QueuedConnection, Q_ARG(captioner::ui::CaptionJob, job));
    emit busyChanged(true);
}

void CaptionQueue::onResult(const CaptionOutcome& outcome) {
    if (outcome.serial != m_runningSerial || m_runningGeneration != m_modelGeneration) return; // old model
    Item* item = find(outcome.id);
    if (!item || item->state != State::Running) return; // removed or re-queued meanwhile
    item->caption = outcome.error.isEmpty() ? outcome.caption : QString();
    item->error = outcome.error;
    item->seconds = outcome.seconds;
    item->confidence = outcome.error.isEmpty() ? outcome.confidence : -1;
    item->words = outcome.error.isEmpty() ? outcome.words : QVector<CaptionWord>();
    item->restored = false;
    setState(*item, outcome.error.isEmpty() ? State::Done : State::Failed);
    ++m_batchDone;
    if (!outcome.error.isEmpty()) ++m_batchErrors;
    const QString folder = item->folder;
    if (!folder.isEmpty() && !m_dirtyFolders.contains(folder)) m_dirtyFolders << folder;
    emit resultReady(outcome.id);
}

void CaptionQueue::onJobFinished(quint64 serial, bool) {
    if (serial != m_runningSerial) return;
    m_running = false;
    for (Item& item : m_items) {
        if (item.state != State::Running) continue;
        if (m_cancelRequested) setState(item, State::Cancelled);
        else setState(item, m_model ? State::Queued : State::Waiting);
    }
    const QStringList dirty = m_dirtyFolders;
    m_dirtyFolders.clear();
    for (const QString& folder : dirty) saveFolderProgress(folder);
    const bool wasCancel = m_cancelRequested;
    m_cancelRequested = false;
    schedule();
    if (!m_running) {
        emit busyChanged(false);
        if (m_batchTotal > 0) emit batchFinished(wasCancel, m_batchDone - m_batchErrors, m_batchErrors, m_batchTotal);
        resetBatch();
    }
    emit jobEnded();
}

CaptionQueue::CancelOutcome CaptionQueue::cancel() {
    bool any = false;
    for (Item& item : m_items) {
        if (item.state == State::Queued || item.state == State::Waiting) {
            setState(item, State::Cancelled);
            any = true;
        }
    }
    if (m_running) {
        m_cancelRequested = true;
        m_worker->cancel();
        return CancelOutcome::Stopping;
    }
    if (!any) return CancelOutcome::Nothing;
    resetBatch();
    return CancelOutcome::Cancelled;
}

void CaptionQueue::recaption(qint64 id) {
    if (Item* item = find(id)) enqueue(*item);
    schedule();
}

void CaptionQueue::recaptionAll() {
    for (Item& item : m_items) enqueue(item);
    schedule();
}

void CaptionQueue::remove(qint64 id) {
    for (int at = 0; at < m_items.size(); ++at) {
        if (m_items[at].id != id) continue;
        if (m_items[at].state == State::Queued && m_batchTotal > 0) --m_batchTotal;
        m_items.removeAt(at);
        return;
    }
}

void CaptionQueue::clear() {
    if (m_running) {
        m_cancelRequested = true;
        m_worker->cancel();
    }
    m_items.clear();
    resetBatch();
}

// ---- folder progress files ----

QString CaptionQueue::progressFilePath(const QString& folder) const {
    const QByteArray hash = QCryptographicHash::hash(folder.toUtf8(), QCryptographicHash::Sha1).toHex().left(16);
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/caption-progress/") + QString::fromLatin1(hash) + QStringLiteral(".json");
}

void CaptionQueue::saveFolderProgress(const QString& folder) {
    if (!m_folders.contains(folder)) return;
    QJsonArray results;
    bool complete = true;
    for (const Item& item : m_items) {
        if (item.folder != folder) continue;
        if (item.state != State::Done && item.state != State::Failed) {
            complete = false;
            continue;
        }
        results.append(QJsonObject{{QStringLiteral("image"), item.path},
                                   {QStringLiteral("caption"), item.caption},
                                   {QStringLiteral("seconds"), item.seconds},
                                   {QStringLiteral("error"), item.error},
                                   {QStringLiteral("confidence"), item.confidence}});
    }
    const QString file = progressFilePath(folder);
    if (complete) {
        // The folder is done: nothing to resume. Its results live on the page and in exports.
        QFile::remove(file);
        return;
    }
    const QJsonObject root{{QStringLiteral("folder"), folder},
                           {QStringLiteral("model"), m_modelFolder},
                           {QStringLiteral("decoding"), m_decoding.key()},
                           {QStringLiteral("results"), results}};
    QDir().mkpath(QFileInfo(file).absolutePath());
    QString error;
    if (!writeFileAtomically(file, QJsonDocument(root).toJson(QJsonDocument::Compact), &error))
        emit folderProgressError(error);
}

int CaptionQueue::restoreFolderProgress(const QString& folder, const QStringList& images) {
    QFile file(progressFilePath(folder));
    if (!file.open(QIODevice::ReadOnly)) return 0;
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    // Results of another model or other decoding options are not this run's: caption afresh.
    if (root.value(QStringLiteral("folder")).toString() != folder ||
        root.value(QStringLiteral("model")).toString() != m_modelFolder ||
        root.value(QStringLiteral("decoding")).toString() != m_decoding.key())
        return 0;
    const QSet<QString> wanted(images.begin(), images.end());
    QSet<QString> present;
    for (const Item& i : m_items) present.insert(i.path);
    int restored = 0;
    for (const QJsonValue& v : root.value(QStringLiteral("results")).toArray()) {
        const QJsonObject r = v.toObject();
        const QString image = r.value(QStringLiteral("image")).toString();
        if (!wanted.contains(image) || present.contains(image)) continue;
        Item& item = append(image, folder);
        const QString error = r.value(QStringLiteral("error")).toString();
        item.caption = error.isEmpty() ? r.value(QStringLiteral("caption")).toString() : QString();
        item.error = error;
        item.seconds = r.value(QStringLiteral("seconds")).toDouble();
        item.confidence = error.isEmpty() ? r.value(QStringLiteral("confidence")).toDouble(-1) : -1;
        item.restored = true;
        setState(item, error.isEmpty() ? State::Done : State::Failed);
        ++restored;
    }
    return restored;
}

} // namespace captioner::ui
