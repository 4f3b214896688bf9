#include "captioner_hub/hub_download.h"

#include "captioner/error.h"
#include "hub_job.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

#include <filesystem>

namespace captioner::hub {

namespace {

using job::httpStatus;
using job::sizeText;

bool isRedirect(int code) { return code == 301 || code == 302 || code == 303 || code == 307 || code == 308; }

QUrl redirectTarget(QNetworkReply* r) {
    const QByteArray loc = r->rawHeader("Location");
    return loc.isEmpty() ? QUrl() : r->url().resolved(QUrl::fromEncoded(loc));
}

bool isHex(const QString& s, int length) {
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]+$"));
    return s.size() == length && hex.match(s).hasMatch();
}

} // namespace

HubDownload::HubDownload(HubSettings settings, Options options, QObject* parent)
    : QObject(parent), m_settings(std::move(settings)), m_options(std::move(options)) {}

HubDownload::~HubDownload() { job::dropRunning(m_reply, this); }

void HubDownload::cancel() {
    job::cancelSoon(this, m_cancelled, m_reply, [this] { // before start() has sent anything
        if (!m_done && m_index < 0 && !m_nam) fail(tr("cancelled"));
    });
}

void HubDownload::start() {
    const RepoRef& repo = m_options.repo;
    if (const QString problem = job::repoIdProblem(repo); !problem.isEmpty()) return fail(problem);
    if (repo.revision.isEmpty()) return fail(QStringLiteral("the revision is empty"));
    if (m_cancelled) return fail(tr("cancelled"));
    m_repoDir =
        QString::fromStdString(hfRepoCacheDir(m_settings.cacheDir.toStdString(), repo.type, repo.id.toStdString()));
    if (m_settings.offline) {
        if (useCacheInstead(QStringLiteral("HF_HUB_OFFLINE is set"))) return;
        return fail(QStringLiteral("HF_HUB_OFFLINE is set and the cache %1 holds no %2 at revision \"%3\"")
                        .arg(m_settings.cacheDir, repo.describe(), repo.revision));
    }
    m_nam = new QNetworkAccessManager(this);
    emit status(QStringLiteral("listing the files of %1 at \"%2\" from %3")
                    .arg(repo.describe(), repo.revision, m_settings.endpoint));
    QNetworkRequest req(listingUrl(m_settings, repo));
    prepareRequest(req, m_settings);
    m_reply = m_nam->get(req);
    connect(m_reply, &QNetworkReply::finished, this, &HubDownload::onListing);
}

QByteArray HubDownload::readErrorBody(QNetworkReply* reply) {
    QByteArray msg = reply->rawHeader("X-Error-Message");
    if (msg.isEmpty()) {
        const QByteArray body = m_errorBody + reply->readAll();
        if (body.startsWith('{')) msg = body.left(300).simplified();
    }
    return msg;
}

void HubDownload::onListing() {
    QNetworkReply* reply = job::takeFinished(m_reply);
    if (m_cancelled) return fail(tr("cancelled"));
    const int code = httpStatus(reply);
    if (code == 0) {
        const QString why = describeNetworkError(reply->errorString(), m_settings.endpoint);
        if (useCacheInstead(why)) return;
        return fail(why);
    }
    if (code != 200)
        return fail(describeHttpError(code, reply->rawHeader("X-Error-Code"), readErrorBody(reply), m_options.repo,
                                      QString(), !m_settings.token.isEmpty()));
    RepoListing listing;
    try {
        listing = parseRepoListing(reply->readAll(), reply->url().toString());
    } catch (const Error& e) {
        return fail(QString::fromStdString(e.what()));
    }
    m_commit = listing.commit;
    QString note;
    m_queue = selectFilesToDownload(m_options.repo.type, listing.files, m_options.all, &note);
    if (!note.isEmpty()) emit status(QStringLiteral("warning: ") + note);
    for (const RemoteFile& f : m_queue) m_total += std::max<qint64>(0, f.size);
    emit status(QStringLiteral("%1 at \"%2\" is commit %3: %4 of %5 files, %6")
                    .arg(m_options.repo.describe(), m_options.repo.revision, m_commit)
                    .arg(m_queue.size())
                    .arg(listing.files.size())
                    .arg(sizeText(m_total)));
    nextFile();
}

void HubDownload::nextFile() {
    if (m_cancelled) return fail(tr("cancelled"));
    if (++m_index >= m_queue.size()) return succeed();
    m_etag.clear();
    m_expectedSize = -1;
    m_downloadUrl.clear();
    m_hash.reset();
    m_check = Check::None;
    m_resumeFrom = 0;
    m_restarted = false;
    sendHead(resolveUrl(m_settings, m_options.repo, m_commit, m_queue[m_index].path), 0);
}

void HubDownload::sendHead(const QUrl& url, int redirects) {
    QNetworkRequest req(url);
    prepareRequest(req, m_settings);
    req.setRawHeader("Accept-Encoding", "identity");
    m_reply = m_nam->head(req);
    connect(m_reply, &QNetworkReply::finished, this, [this, redirects] { onHead(redirects); });
}

void HubDownload::onHead(int redirects) {
    QNetworkReply* reply = job::takeFinished(m_reply);
    const RemoteFile& file = m_queue[m_index];
    if (m_cancelled) return fail(tr("cancelled"));
    const int code = httpStatus(reply);
    if (code == 0) return fail(describeNetworkError(reply->errorString(), m_settings.endpoint));
    if (isRedirect(code)) {
        const QUrl target = redirectTarget(reply);
        if (!target.isValid()) return fail(QStringLiteral("%1: a redirect without a Location").arg(file.path));
        // Relative redirects (a renamed repository) are followed; one to another host is where the
        // LFS file lives: the metadata is in this response, the body comes from there.
        if (sameOrigin(target, QUrl(m_settings.endpoint))) {
            if (redirects >= 10) return fail(QStringLiteral("%1: too many redirects").arg(file.path));
            return sendHead(target, redirects + 1);
        }
        m_downloadUrl = target;
    } else if (code != 200) {
        return fail(describeHttpError(code, reply->rawHeader("X-Error-Code"), reply->rawHeader("X-Error-Message"),
                                      m_options.repo, file.path, !m_settings.token.isEmpty()));
    } else {
        m_downloadUrl = reply->url();
    }
    QByteArray etag = reply->rawHeader("X-Linked-Etag");
    if (etag.isEmpty()) etag = reply->rawHeader("ETag");
    m_etag = QString::fromStdString(normalizeEtag(etag.toStdString()));
    if (m_etag.isEmpty() || m_etag.contains(QLatin1Char('/')) || m_etag.startsWith(QLatin1Char('.')))
        return fail(QStringLiteral("%1: the server sent no usable ETag for it (is %2 a Hugging Face Hub endpoint?)")
                        .arg(file.path, m_settings.endpoint));
    QByteArray size = reply->rawHeader("X-Linked-Size");
    if (size.isEmpty()) size = reply->rawHeader("Content-Length");
    bool ok = false;
    m_expectedSize = size.toLongLong(&ok);
    if (!ok) m_expectedSize = file.size;
    if (isHex(m_etag, 64)) m_check = Check::Sha256;
    else if (isHex(m_etag, 40) && m_expectedSize >= 0) m_check = Check::GitSha1;

    const QString blob = QString::fromStdString(hfBlobPath(m_repoDir.toStdString(), m_etag.toStdString()));
    const QFileInfo blobInfo(blob);
    if (blobInfo.exists() && (m_expectedSize < 0 || blobInfo.size() == m_expectedSize)) {
        try {
            hfLinkSnapshotFile(m_repoDir.toStdString(), m_commit.toStdString(), file.path.toStdString(),
                               m_etag.toStdString());
        } catch (const Error& e) {
            return fail(QString::fromStdString(e.what()));
        }
        m_fileNames << file.path;
        m_doneBefore += std::max<qint64>(0, m_expectedSize);
        emit status(QStringLiteral("%1: already in the cache").arg(file.path));
        emit progress(m_doneBefore, m_total, file.path);
        return nextFile();
    }
    if (!openIncomplete()) return;
    sendGet(m_downloadUrl, 0);
}

bool HubDownload::openIncomplete() {
    const QString path = m_queue[m_index].path;
    if (!QDir().mkpath(m_repoDir + QStringLiteral("/blobs"))) {
        fail(QStringLiteral("%1: cannot create the folder").arg(m_repoDir + QStringLiteral("/blobs")));
        return false;
    }
    m_incompletePath = QString::fromStdString(hfBlobPath(m_repoDir.toStdString(), m_etag.toStdString())) +
                       QStringLiteral(".incomplete");
    m_out.setFileName(m_incompletePath);
    if (!m_out.open(QIODevice::ReadWrite | QIODevice::Unbuffered)) {
        fail(QStringLiteral("%1: cannot create (%2)").arg(m_incompletePath, m_out.errorString()));
        return false;
    }
    m_resumeFrom = m_out.size();
    if (m_expectedSize >= 0 && m_resumeFrom > m_expectedSize) { // not a prefix of this file: start over
        m_out.resize(0);
        m_resumeFrom = 0;
    }
    if (m_check == Check::Sha256) m_hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
    if (m_check == Check::GitSha1) {
        m_hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha1);
        m_hash->addData("blob " + QByteArray::number(m_expectedSize) + '\0');
    }
    if (m_hash && m_resumeFrom > 0 && !m_out.isSequential()) {
        m_out.seek(0);
        if (!job::hashRest(m_out, *m_hash, m_cancelled)) {
            fail(tr("cancelled"));
            return false;
        }
    }
    if (!m_out.isSequential()) m_out.seek(m_out.size());
    if (m_resumeFrom > 0)
        emit status(QStringLiteral("%1: resuming at byte %2 of %3 from %4")
                        .arg(path)
                        .arg(m_resumeFrom)
                        .arg(m_expectedSize)
                        .arg(m_incompletePath));
    else
        emit status(QStringLiteral("%1: downloading %2")
                        .arg(path, m_expectedSize >= 0 ? sizeText(m_expectedSize) : QStringLiteral("(size unknown)")));
    return true;
}

void HubDownload::sendGet(const QUrl& url, int redirects) {
    QNetworkRequest req(url);
    prepareRequest(req, m_settings);
    req.setRawHeader("Accept-Encoding", "identity");
    if (m_resumeFrom > 0) req.setRawHeader("Range", "bytes=" + QByteArray::number(m_resumeFrom) + '-');
    m_writing = false;
    m_errorBody.clear();
    m_reply = m_nam->get(req);
    connect(m_reply, &QNetworkReply::readyRead, this, &HubDownload::onGetData);
    // Qt's HTTP stack may resend a request whose connection dropped and deliver the body again from
    // its start: the part already written stays, and the next download resumes from it.
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        if (m_writing)
            fail(QStringLiteral(
                     "%1: the transfer stopped after %2 of %3 bytes (the connection was reset); the part is kept in %4 "
                     "and the next download resumes from it")
                     .arg(m_queue[m_index].path)
                     .arg(m_out.size())
                     .arg(m_expectedSize)
                     .arg(m_incompletePath));
    });
    connect(m_reply, &QNetworkReply::finished, this, [this, redirects] { onGetFinished(redirects); });
}

void HubDownload::onGetData() {
    if (m_done || !m_reply) return;
    if (!m_writing) {
        const int code = httpStatus(m_reply);
        if (code != 200 && code != 206) {
            if (m_errorBody.size() < 65536) m_errorBody += m_reply->read(65536);
            else m_reply->readAll();
            return;
        }
        if (code == 200 && m_resumeFrom > 0) { // the server ignored Range: the whole file comes again
            emit status(QStringLiteral("%1: the server does not resume; starting again").arg(m_queue[m_index].path));
            m_out.resize(0);
            m_out.seek(0);
            m_resumeFrom = 0;
            if (m_check == Check::Sha256) m_hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
            if (m_check == Check::GitSha1) {
                m_hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha1);
                m_hash->addData("blob " + QByteArray::number(m_expectedSize) + '\0');
            }
        }
        if (code == 206) {
            static const QRegularExpression range(QStringLiteral("^bytes (\\d+)-"));
            const auto m = range.match(QString::fromLatin1(m_reply->rawHeader("Content-Range")));
            if (!m.hasMatch() || m.captured(1).toLongLong() != m_resumeFrom)
                return fail(
                    QStringLiteral("%1: the server resumed at the wrong offset (Content-Range: %2, asked for byte %3)")
                        .arg(m_queue[m_index].path, QString::fromLatin1(m_reply->rawHeader("Content-Range")))
                        .arg(m_resumeFrom));
        }
        m_writing = true;
    }
    const QByteArray data = m_reply->readAll();
    if (data.isEmpty()) return;
    if (m_out.write(data) != data.size())
        return fail(QStringLiteral("%1: cannot write (%2)").arg(m_incompletePath, m_out.errorString()));
    if (m_hash) m_hash->addData(data);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastProgressMs >= 100) {
        m_lastProgressMs = now;
        emit progress(m_doneBefore + m_out.size(), m_total, m_queue[m_index].path);
    }
}

void HubDownload::onGetFinished(int redirects) {
    if (m_done || !m_reply) return;
    QNetworkReply* reply = m_reply;
    const int code = httpStatus(reply);
    if (code == 200 || code == 206) onGetData();
    if (m_done) return;
    job::takeFinished(m_reply);
    const QString path = m_queue[m_index].path;
    if (m_cancelled)
        return fail(
            QStringLiteral("cancelled; %1 of %2 bytes of %3 are kept in %4 and the next download resumes from them")
                .arg(m_out.size())
                .arg(m_expectedSize)
                .arg(path, m_incompletePath));
    if (isRedirect(code)) {
        const QUrl target = redirectTarget(reply);
        if (!target.isValid() || redirects >= 10)
            return fail(QStringLiteral("%1: bad or too many redirects").arg(path));
        return sendGet(target, redirects + 1);
    }
    if (code == 416 && !m_restarted) { // the partial file does not fit the server's: start over once
        m_restarted = true;
        m_out.resize(0);
        m_out.seek(0);
        m_resumeFrom = 0;
        if (m_hash) {
            m_hash->reset();
            if (m_check == Check::GitSha1) m_hash->addData("blob " + QByteArray::number(m_expectedSize) + '\0');
        }
        return sendGet(m_downloadUrl, 0);
    }
    if (code == 0) return fail(describeNetworkError(reply->errorString(), reply->url().host()));
    if (code != 200 && code != 206)
        return fail(describeHttpError(code, reply->rawHeader("X-Error-Code"), readErrorBody(reply), m_options.repo,
                                      path, !m_settings.token.isEmpty()));
    if (reply->error() != QNetworkReply::NoError || (m_expectedSize >= 0 && m_out.size() < m_expectedSize))
        return fail(
            QStringLiteral("%1: the transfer stopped after %2 of %3 bytes (%4); the part is kept in %5 and the next "
                           "download resumes from it")
                .arg(path)
                .arg(m_out.size())
                .arg(m_expectedSize)
                .arg(reply->error() != QNetworkReply::NoError ? reply->errorString()
                                                              : QStringLiteral("connection closed"),
                     m_incompletePath));
    completeFile();
}

void HubDownload::completeFile() {
    const QString path = m_queue[m_index].path;
    const qint64 size = m_out.size();
    m_out.close();
    if (m_expectedSize >= 0 && size != m_expectedSize) {
        QFile::remove(m_incompletePath);
        return fail(QStringLiteral("%1: the server sent %2 bytes where %3 were announced; the partial file was removed")
                        .arg(path)
                        .arg(size)
                        .arg(m_expectedSize));
    }
    if (m_hash) {
        const QString got = QString::fromLatin1(m_hash->result().toHex());
        if (got != m_etag) {
            QFile::remove(m_incompletePath);
            return fail(
                QStringLiteral("%1: checksum mismatch (expected %2 %3, got %4); the download was removed, try again")
                    .arg(path, m_check == Check::Sha256 ? QStringLiteral("sha256") : QStringLiteral("git sha1"), m_etag,
                         got));
        }
    }
    const std::string blob = hfBlobPath(m_repoDir.toStdString(), m_etag.toStdString());
    std::error_code ec;
    std::filesystem::rename(m_incompletePath.toStdString(), blob, ec);
    if (ec)
        return fail(QStringLiteral("%1: cannot rename to %2 (%3)")
                        .arg(m_incompletePath, QString::fromStdString(blob), QString::fromStdString(ec.message())));
    try {
        hfLinkSnapshotFile(m_repoDir.toStdString(), m_commit.toStdString(), path.toStdString(), m_etag.toStdString());
    } catch (const Error& e) {
        return fail(QString::fromStdString(e.what()));
    }
    m_fileNames << path;
    m_doneBefore += size;
    emit progress(m_doneBefore, m_total, path);
    emit status(QStringLiteral("%1: done (%2, %3 verified)")
                    .arg(path, sizeText(size),
                         m_check == Check::Sha256    ? QStringLiteral("sha256")
                         : m_check == Check::GitSha1 ? QStringLiteral("git sha1")
                                                     : QStringLiteral("size")));
    nextFile();
}

bool HubDownload::useCacheInstead(const QString& why) {
    const std::string snap = cachedSnapshotPath(m_settings.cacheDir.toStdString(), m_options.repo.type,
                                                m_options.repo.id.toStdString(), m_options.repo.revision.toStdString());
    if (snap.empty()) return false;
    m_fromCacheOnly = true;
    m_snapshotPath = QString::fromStdString(snap);
    m_commit = QFileInfo(m_snapshotPath).fileName();
    QDirIterator it(m_snapshotPath, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) m_fileNames << QDir(m_snapshotPath).relativeFilePath(it.next());
    m_fileNames.sort();
    emit status(QStringLiteral("%1; using the cached snapshot %2").arg(why, m_snapshotPath));
    m_done = true;
    emit finished(true);
    return true;
}

void HubDownload::succeed() {
    try {
        hfWriteRef(m_repoDir.toStdString(), m_options.repo.revision.toStdString(), m_commit.toStdString());
    } catch (const Error& e) {
        return fail(QString::fromStdString(e.what()));
    }
    m_snapshotPath = m_repoDir + QStringLiteral("/snapshots/") + m_commit;
    QDir().mkpath(m_snapshotPath);
    m_done = true;
    emit finished(true);
}

void HubDownload::fail(const QString& message) {
    if (m_done) return;
    m_done = true;
    m_error = message;
    job::dropRunning(m_reply, this);
    if (m_out.isOpen()) m_out.close();
    emit finished(false);
}

bool runDownload(HubDownload& download) { return job::runToEnd(download); }

} // namespace captioner::hub
