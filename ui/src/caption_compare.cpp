// Core (torch) headers first: Qt's `slots` keyword macro breaks ATen's headers that come after it.
#include "captioner/checkpoint.h"
#include "captioner/error.h"
#include "captioner/evaluation.h"

#include "caption_compare.h"

#include <QDir>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QPointer>
#include <QThread>
#include <QtConcurrent/QtConcurrentRun>

#include <exception>

namespace captioner::ui {

namespace {

struct Loaded {
    std::shared_ptr<captioner::GitCheckpoint> model;
    QString error;
};

Loaded loadModel(const QString& folder) {
    Loaded out;
    try {
        if (!QFileInfo(folder).isDir())
            throw captioner::Error(QDir::toNativeSeparators(folder).toStdString(), "the model folder does not exist");
        auto ck = std::make_shared<captioner::GitCheckpoint>(captioner::loadCheckpoint(folder.toStdString()));
        if (!ck->tokenizer)
            throw captioner::Error(folder.toStdString(), "the checkpoint has no tokenizer, it cannot caption");
        out.model = std::move(ck);
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    }
    return out;
}

std::vector<std::string> toStd(const QStringList& list) {
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(list.size()));
    for (const QString& s : list) out.push_back(s.toStdString());
    return out;
}

CompareSummary::Metrics metricsOf(const captioner::CaptionMetrics& m) {
    return {m.wer.wer, m.rougeL, m.bleu4, m.cider};
}

} // namespace

CaptionComparer::CaptionComparer(QObject* parent)
    : QObject(parent), m_thread(new QThread(this)), m_worker(new CaptionWorker) {
    qRegisterMetaType<CaptionJob>();
    qRegisterMetaType<CaptionOutcome>();
    qRegisterMetaType<CompareSummary>();
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &CaptionWorker::resultReady, this, &CaptionComparer::onResult, Qt::QueuedConnection);
    connect(m_worker, &CaptionWorker::jobFinished, this, &CaptionComparer::onJobFinished, Qt::QueuedConnection);
    m_thread->setObjectName(QStringLiteral("CompareWorker"));
    m_thread->start();
}

CaptionComparer::~CaptionComparer() {
    m_worker->cancel();
    m_thread->quit();
    m_thread->wait();
}

void CaptionComparer::start(const QString& folder, const QVector<qint64>& ids, const QStringList& paths,
                            const CaptionQueue::Decoding& decoding, int imagesPerPass) {
    clear();
    const quint64 serial = ++m_serial;
    m_folder = folder;
    m_ids = ids;
    m_loading = true;
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, [=] {
        watcher->deleteLater();
        if (serial != m_serial) return; // cleared or restarted meanwhile
        m_loading = false;
        const Loaded loaded = watcher->result();
        if (!loaded.model) {
            m_folder.clear();
            m_ids.clear();
            emit modelFailed(folder, loaded.error);
            return;
        }
        m_model = loaded.model;
        CaptionJob job;
        job.serial = serial;
        job.model = m_model;
        job.ids = ids;
        job.paths = paths;
        job.maxLength = decoding.maxLength;
        job.numBeams = decoding.numBeams;
        job.lengthPenalty = decoding.lengthPenalty;
        job.batchSize = qMax(1, imagesPerPass);
        // Running before modelLoaded is told, so a cancel from its handlers reaches the job.
        m_running = true;
        send(job);
        emit modelLoaded(folder);
    });
    watcher->setFuture(QtConcurrent::run(loadModel, folder));
}

void CaptionComparer::send(const CaptionJob& job) {
    if (m_jobInFlight) {
        m_nextJob = job;
        m_hasNextJob = true;
        return;
    }
    m_hasNextJob = false;
    m_nextJob = {};
    m_jobInFlight = true;
    m_worker->resetCancel();
    QMetaObject::invokeMethod(m_worker, "run", Qt::QueuedConnection, Q_ARG(captioner::ui::CaptionJob, job));
}

void CaptionComparer::cancel() {
    if (m_running && !m_cancelling) {
        m_cancelling = true;
        if (m_hasNextJob && m_nextJob.serial == m_serial) {
            // Not sent yet (an older job is still stopping): it finishes here, having captioned nothing.
            m_hasNextJob = false;
            m_nextJob = {};
            m_running = false;
            m_cancelling = false;
            emit finished(true);
            return;
        }
        m_worker->cancel();
    }
    if (m_loading) {
        // The load finishes in the background; its result is dropped.
        ++m_serial;
        m_loading = false;
        m_folder.clear();
        m_ids.clear();
        emit finished(true);
    }
}

void CaptionComparer::clear() {
    if (m_jobInFlight) m_worker->cancel();
    ++m_serial;
    m_hasNextJob = false;
    m_nextJob = {};
    m_loading = false;
    m_running = false;
    m_cancelling = false;
    m_model.reset();
    m_folder.clear();
    m_ids.clear();
    m_outcomes.clear();
}

const CaptionOutcome* CaptionComparer::outcome(qint64 id) const {
    const auto it = m_outcomes.constFind(id);
    return it == m_outcomes.constEnd() ? nullptr : &*it;
}

void CaptionComparer::onResult(const CaptionOutcome& outcome) {
    if (outcome.serial != m_serial) return;
    m_outcomes.insert(outcome.id, outcome);
    emit resultReady(outcome.id);
}

void CaptionComparer::onJobFinished(quint64 serial, bool cancelled) {
    m_jobInFlight = false;
    if (m_hasNextJob) {
        const CaptionJob next = m_nextJob;
        send(next);
    }
    if (serial != m_serial) return;
    m_running = false;
    m_cancelling = false;
    emit finished(cancelled);
}

void CaptionComparer::computeSummary(std::shared_ptr<captioner::GitCheckpoint> modelA, const QStringList& predictionsA,
                                     const QStringList& predictionsB, const QVector<QStringList>& references) {
    auto modelB = m_model;
    const quint64 serial = m_serial;
    std::vector<std::vector<std::string>> refs;
    for (const QStringList& r : references) refs.push_back(toStd(r));
    auto work = [modelA, modelB, a = toStd(predictionsA), b = toStd(predictionsB), refs]() {
        CompareSummary s;
        try {
            if (!modelA || !modelA->tokenizer || !modelB || !modelB->tokenizer)
                throw captioner::Error("compare", "a model is missing");
            // Tokenizers are immutable and thread-safe; the models' weights are not touched here.
            s.a = metricsOf(captioner::generatedCaptionMetrics(
                *modelA->tokenizer, static_cast<int>(modelA->config.maxPositionEmbeddings), a, refs));
            s.b = metricsOf(captioner::generatedCaptionMetrics(
                *modelB->tokenizer, static_cast<int>(modelB->config.maxPositionEmbeddings), b, refs));
            s.count = static_cast<int>(a.size());
        } catch (const std::exception& e) {
            s.error = QString::fromStdString(e.what());
        }
        return s;
    };
    auto* watcher = new QFutureWatcher<CompareSummary>(this);
    connect(watcher, &QFutureWatcher<CompareSummary>::finished, this, [this, watcher, serial] {
        watcher->deleteLater();
        if (serial == m_serial) emit summaryReady(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(work));
}

} // namespace captioner::ui
