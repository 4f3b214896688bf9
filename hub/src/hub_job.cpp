#include "hub_job.h"

#include <QCryptographicHash>
#include <QIODevice>
#include <QLocale>
#include <QNetworkReply>
#include <QNetworkRequest>

namespace captioner::hub::job {

int httpStatus(QNetworkReply* reply) { return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); }

QString sizeText(qint64 bytes) { return QLocale::c().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat); }

QString repoIdProblem(const RepoRef& repo) {
    std::string why;
    if (isValidHubRepoId(repo.id.toStdString(), &why)) return QString();
    return QStringLiteral("\"%1\" is not a repository id: %2").arg(repo.id, QString::fromStdString(why));
}

QNetworkReply* takeFinished(QPointer<QNetworkReply>& running) {
    QNetworkReply* reply = running;
    running = nullptr;
    reply->deleteLater();
    return reply;
}

void dropRunning(QPointer<QNetworkReply>& running, QObject* job) {
    if (!running) return;
    running->disconnect(job);
    running->abort();
    running->deleteLater();
    running = nullptr;
}

void cancelSoon(QObject* job, std::atomic<bool>& cancelled, const QPointer<QNetworkReply>& running,
                std::function<void()> whenIdle) {
    cancelled = true;
    QMetaObject::invokeMethod(
        job,
        [&running, whenIdle = std::move(whenIdle)] {
            if (running) running->abort();
            else if (whenIdle) whenIdle();
        },
        Qt::QueuedConnection);
}

bool hashRest(QIODevice& in, QCryptographicHash& hash, const std::atomic<bool>& cancelled) {
    QByteArray chunk;
    while (!(chunk = in.read(1 << 20)).isEmpty()) {
        if (cancelled) return false;
        hash.addData(chunk);
    }
    return true;
}

} // namespace captioner::hub::job
