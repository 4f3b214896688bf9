#pragma once
// The job plumbing HubDownload and HubPush share (private to the hub library). Both run on the
// thread they live in with at most one network reply running (held in a QPointer), raise an atomic
// flag when cancel() is called from any thread, and end exactly once with finished(ok).
#include "captioner_hub/hub_client.h"

#include <QEventLoop>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <functional>

class QCryptographicHash;
class QIODevice;
class QNetworkReply;

namespace captioner::hub::job {

// The HTTP status of a reply; 0 when no response came (connection refused, aborted, …).
int httpStatus(QNetworkReply* reply);

// "1.2 MB" (SI units, as the Hub shows sizes).
QString sizeText(qint64 bytes);

// "" when repo.id is a Hub repository id, else the sentence a job fails with.
QString repoIdProblem(const RepoRef& repo);

// The running reply has finished: takes it out of `running` (it is deleted later) for the caller to read.
QNetworkReply* takeFinished(QPointer<QNetworkReply>& running);

// Stops the running reply without `job` hearing of it (the job failed or is being destroyed).
void dropRunning(QPointer<QNetworkReply>& running, QObject* job);

// cancel(), from any thread: raises `cancelled` now, then on the job's thread aborts the running reply
// (its finished handler reports "cancelled"), or calls `whenIdle` where none runs.
void cancelSoon(QObject* job, std::atomic<bool>& cancelled, const QPointer<QNetworkReply>& running,
                std::function<void()> whenIdle = {});

// Feeds `in` from its current position to its end into `hash` in 1 MiB reads; false when `cancelled`
// was raised on the way (large files are hashed on the job's thread).
bool hashRest(QIODevice& in, QCryptographicHash& hash, const std::atomic<bool>& cancelled);

// Starts `job` and runs a local event loop until it reports finished(ok); returns ok (the CLI).
template <class Job> bool runToEnd(Job& job) {
    QEventLoop loop;
    bool ok = false;
    QObject::connect(&job, &Job::finished, &loop, [&](bool result) {
        ok = result;
        loop.quit();
    });
    QMetaObject::invokeMethod(&job, &Job::start, Qt::QueuedConnection);
    loop.exec();
    return ok;
}

} // namespace captioner::hub::job
