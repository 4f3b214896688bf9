#include "captioner_hub/hub_push.h"

#include "captioner/error.h"
#include "hub_job.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>
#include <functional>
#include <memory>

namespace captioner::hub {

namespace {

constexpr int kChunk = 256; // files per preupload / LFS batch call, as huggingface_hub

using job::httpStatus;

QJsonObject jsonObject(const QByteArray& body) { return QJsonDocument::fromJson(body).object(); }

QByteArray compact(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

const QList<QPair<QByteArray, QByteArray>> kLfsHeaders = {{"Accept", "application/vnd.git-lfs+json"}};

// Training leftovers and tool folders that do not belong in the published model.
bool skipped(const QString& rel) {
    const QStringList parts = rel.split(QLatin1Char('/'));
    for (int i = 0; i < parts.size(); ++i) {
        const QString& p = parts[i];
        if (i + 1 < parts.size() &&
            (p == QLatin1String(".git") || p == QLatin1String(".cache") || p.startsWith(QLatin1String("checkpoint-")) ||
             p.startsWith(QLatin1String(".checkpoint-"))))
            return true;
    }
    const QString& name = parts.last();
    return name.endsWith(QLatin1String(".incomplete")) || name.contains(QLatin1String(".tmp-")) ||
           name == QLatin1String(".DS_Store");
}

} // namespace

HubPush::HubPush(HubSettings settings, Options options, QObject* parent)
    : QObject(parent), m_settings(std::move(settings)), m_options(std::move(options)) {}

HubPush::~HubPush() { job::dropRunning(m_reply, this); }

void HubPush::cancel() { job::cancelSoon(this, m_cancelled, m_reply); }

void HubPush::fail(const QString& message) {
    if (m_done) return;
    m_done = true;
    m_error = message;
    job::dropRunning(m_reply, this);
    emit finished(false);
}

void HubPush::send(const QByteArray& verb, const QUrl& url, const QByteArray& body, const QByteArray& contentType,
                   const QList<QPair<QByteArray, QByteArray>>& headers, const Handler& onDone) {
    if (m_cancelled) return fail(tr("cancelled"));
    QNetworkRequest req(url);
    prepareRequest(req, m_settings);
    if (!contentType.isEmpty()) req.setHeader(QNetworkRequest::ContentTypeHeader, contentType);
    for (const auto& h : headers) req.setRawHeader(h.first, h.second);
    m_reply = m_nam->sendCustomRequest(req, verb, body);
    connect(m_reply, &QNetworkReply::finished, this, [this, onDone] {
        QNetworkReply* reply = job::takeFinished(m_reply);
        if (m_cancelled) return fail(tr("cancelled"));
        onDone(reply);
    });
}

bool HubPush::checkReply(QNetworkReply* reply, const QString& file, QList<int> alsoOk) {
    const int code = httpStatus(reply);
    if (code == 0) {
        fail(describeNetworkError(reply->errorString(), reply->url().host()));
        return false;
    }
    if ((code >= 200 && code < 300) || alsoOk.contains(code)) return true;
    QByteArray msg = reply->rawHeader("X-Error-Message");
    if (msg.isEmpty()) msg = jsonObject(reply->readAll()).value(QStringLiteral("error")).toString().toUtf8();
    fail(describeHttpError(code, reply->rawHeader("X-Error-Code"), msg, m_options.repo, file,
                           !m_settings.token.isEmpty()));
    return false;
}

void HubPush::start() {
    if (const QString problem = job::repoIdProblem(m_options.repo); !problem.isEmpty()) return fail(problem);
    if (!QFileInfo(m_options.folder).isDir()) return fail(QStringLiteral("%1: not a folder").arg(m_options.folder));
    if (m_settings.token.isEmpty())
        return fail(QStringLiteral("pushing to %1 needs a write token: set HF_TOKEN (or run `huggingface-cli login`)")
                        .arg(m_options.repo.describe()));
    if (m_settings.offline) return fail(QStringLiteral("HF_HUB_OFFLINE is set: nothing can be pushed"));
    if (m_options.writeModelCard && m_options.repo.type == HubRepoType::Model) {
        ModelCardOptions card = m_options.card;
        if (card.repoId.empty()) card.repoId = m_options.repo.id.toStdString();
        try {
            m_wroteCard = writeModelCard(m_options.folder.toStdString(), card);
        } catch (const Error& e) {
            return fail(QString::fromStdString(e.what()));
        }
        if (m_wroteCard) emit status(QStringLiteral("wrote the model card %1/README.md").arg(m_options.folder));
    }
    if (!scanFolder()) return;
    m_nam = new QNetworkAccessManager(this);
    createRepo();
}

bool HubPush::scanFolder() {
    const QDir root(m_options.folder);
    QDirIterator it(m_options.folder, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    int skippedCount = 0;
    while (it.hasNext()) {
        const QString abs = it.next();
        const QString rel = root.relativeFilePath(abs);
        if (skipped(rel)) {
            ++skippedCount;
            continue;
        }
        LocalFile f;
        f.path = rel;
        f.absolute = abs;
        m_files.push_back(f);
    }
    std::sort(m_files.begin(), m_files.end(), [](const LocalFile& a, const LocalFile& b) { return a.path < b.path; });
    if (m_files.isEmpty()) {
        fail(QStringLiteral("%1: no files to upload").arg(m_options.folder));
        return false;
    }
    qint64 total = 0;
    for (LocalFile& f : m_files) {
        QFile in(f.absolute);
        if (!in.open(QIODevice::ReadOnly)) {
            fail(QStringLiteral("%1: cannot be read (%2)").arg(f.absolute, in.errorString()));
            return false;
        }
        QCryptographicHash sha(QCryptographicHash::Sha256);
        f.sample = in.peek(512);
        if (!job::hashRest(in, sha, m_cancelled)) {
            fail(tr("cancelled"));
            return false;
        }
        if (in.error() != QFileDevice::NoError) {
            fail(QStringLiteral("%1: cannot be read (%2)").arg(f.absolute, in.errorString()));
            return false;
        }
        f.size = in.size();
        f.sha256 = sha.result().toHex();
        total += f.size;
    }
    emit status(
        QStringLiteral("%1 files, %2 to push from %3%4")
            .arg(m_files.size())
            .arg(job::sizeText(total), m_options.folder,
                 skippedCount
                     ? QStringLiteral(" (%1 files of checkpoint folders and tool caches left out)").arg(skippedCount)
                     : QString()));
    return true;
}

void HubPush::createRepo() {
    const QString id = m_options.repo.id;
    const int slash = id.indexOf(QLatin1Char('/'));
    QJsonObject body{{QStringLiteral("name"), slash < 0 ? id : id.mid(slash + 1)},
                     {QStringLiteral("organization"), slash < 0 ? QJsonValue() : QJsonValue(id.left(slash))},
                     {QStringLiteral("private"), m_options.isPrivate}};
    if (m_options.repo.type != HubRepoType::Model)
        body.insert(QStringLiteral("type"), QString::fromStdString(hubRepoTypeName(m_options.repo.type)));
    send("POST", QUrl(m_settings.endpoint + QStringLiteral("/api/repos/create")), compact(body), "application/json", {},
         [this](QNetworkReply* reply) {
             if (!checkReply(reply, QString(), {409})) return;
             emit status(httpStatus(reply) == 409
                             ? QStringLiteral("%1 exists").arg(m_options.repo.describe())
                             : QStringLiteral("created %1%2")
                                   .arg(m_options.repo.describe(),
                                        m_options.isPrivate ? QStringLiteral(" (private)") : QString()));
             preupload(0);
         });
}

void HubPush::preupload(int from) {
    if (from >= m_files.size()) return lfsBatch(0);
    QJsonArray files;
    const int to = std::min<int>(m_files.size(), from + kChunk);
    for (int i = from; i < to; ++i)
        files.append(QJsonObject{{QStringLiteral("path"), m_files[i].path},
                                 {QStringLiteral("sample"), QString::fromLatin1(m_files[i].sample.toBase64())},
                                 {QStringLiteral("size"), m_files[i].size},
                                 {QStringLiteral("sha"), QString::fromLatin1(m_files[i].sha256)}});
    const QByteArray url = m_settings.endpoint.toUtf8() + "/api/" + apiCollection(m_options.repo.type).toUtf8() + '/' +
                           m_options.repo.id.toUtf8() + "/preupload/" + encodeRevision(m_options.repo.revision);
    send("POST", QUrl::fromEncoded(url), compact(QJsonObject{{QStringLiteral("files"), files}}), "application/json", {},
         [this, from, to](QNetworkReply* reply) {
             if (!checkReply(reply)) return;
             const QJsonArray answer = jsonObject(reply->readAll()).value(QStringLiteral("files")).toArray();
             for (int i = from; i < to; ++i) {
                 bool found = false;
                 for (const QJsonValue& v : answer) {
                     const QJsonObject o = v.toObject();
                     if (o.value(QStringLiteral("path")).toString() != m_files[i].path) continue;
                     found = true;
                     m_files[i].lfs = o.value(QStringLiteral("uploadMode")).toString() == QLatin1String("lfs");
                     m_files[i].ignored = o.value(QStringLiteral("shouldIgnore")).toBool();
                 }
                 if (!found)
                     return fail(QStringLiteral("%1: the Hub's preupload answer does not mention this file")
                                     .arg(m_files[i].path));
             }
             preupload(to);
         });
}

void HubPush::lfsBatch(int from) {
    QVector<int> lfs;
    for (int i = 0; i < m_files.size(); ++i)
        if (m_files[i].lfs && !m_files[i].ignored) lfs.push_back(i);
    if (from >= lfs.size()) {
        m_uploadIndex = -1;
        return uploadNext();
    }
    const int to = std::min<int>(lfs.size(), from + kChunk);
    QJsonArray objects;
    for (int k = from; k < to; ++k)
        objects.append(QJsonObject{{QStringLiteral("oid"), QString::fromLatin1(m_files[lfs[k]].sha256)},
                                   {QStringLiteral("size"), m_files[lfs[k]].size}});
    const QJsonObject body{
        {QStringLiteral("operation"), QStringLiteral("upload")},
        {QStringLiteral("transfers"), QJsonArray{QStringLiteral("basic"), QStringLiteral("multipart")}},
        {QStringLiteral("objects"), objects},
        {QStringLiteral("hash_algo"), QStringLiteral("sha256")},
        {QStringLiteral("ref"), QJsonObject{{QStringLiteral("name"), m_options.repo.revision}}}};
    const QUrl url(m_settings.endpoint + QLatin1Char('/') + repoUrlPrefix(m_options.repo.type) + m_options.repo.id +
                   QStringLiteral(".git/info/lfs/objects/batch"));
    send("POST", url, compact(body), "application/vnd.git-lfs+json", kLfsHeaders,
         [this, lfs, from, to](QNetworkReply* reply) {
             if (!checkReply(reply)) return;
             const QJsonArray objects = jsonObject(reply->readAll()).value(QStringLiteral("objects")).toArray();
             for (int k = from; k < to; ++k) {
                 const int fi = lfs[k];
                 const LocalFile& f = m_files[fi];
                 QJsonObject obj;
                 for (const QJsonValue& v : objects)
                     if (v.toObject().value(QStringLiteral("oid")).toString().toLatin1() == f.sha256)
                         obj = v.toObject();
                 if (obj.isEmpty())
                     return fail(QStringLiteral("%1: the LFS batch answer does not mention this file").arg(f.path));
                 if (obj.contains(QStringLiteral("error"))) {
                     const QJsonObject e = obj.value(QStringLiteral("error")).toObject();
                     return fail(QStringLiteral("%1: LFS upload refused (%2 %3)")
                                     .arg(f.path)
                                     .arg(e.value(QStringLiteral("code")).toInt())
                                     .arg(e.value(QStringLiteral("message")).toString()));
                 }
                 const QJsonObject actions = obj.value(QStringLiteral("actions")).toObject();
                 if (!actions.contains(QStringLiteral("upload"))) {
                     emit status(QStringLiteral("%1: already on the Hub").arg(f.path));
                     continue;
                 }
                 m_uploads.push_back({fi, actions.value(QStringLiteral("upload")).toObject(),
                                      actions.value(QStringLiteral("verify")).toObject()});
                 m_lfsTotal += f.size;
             }
             lfsBatch(to);
         });
}

void HubPush::uploadNext() {
    if (++m_uploadIndex >= m_uploads.size()) return commit();
    const Upload& up = m_uploads[m_uploadIndex];
    const LocalFile& f = m_files[up.file];
    const QJsonObject header = up.upload.value(QStringLiteral("header")).toObject();
    emit status(QStringLiteral("%1: uploading %2 through LFS").arg(f.path, job::sizeText(f.size)));
    if (header.contains(QStringLiteral("chunk_size"))) {
        bool ok = false;
        const qint64 chunk = header.value(QStringLiteral("chunk_size")).toString().toLongLong(&ok);
        if (!ok || chunk <= 0) return fail(QStringLiteral("%1: malformed multipart answer (chunk_size)").arg(f.path));
        return uploadMultipart(header, chunk);
    }
    m_body = new QFile(f.absolute, this);
    if (!m_body->open(QIODevice::ReadOnly))
        return fail(QStringLiteral("%1: cannot be read (%2)").arg(f.absolute, m_body->errorString()));
    QNetworkRequest req(QUrl(up.upload.value(QStringLiteral("href")).toString()));
    prepareRequest(req, m_settings);
    req.setHeader(QNetworkRequest::ContentLengthHeader, f.size);
    m_reply = m_nam->put(req, m_body);
    connect(m_reply, &QNetworkReply::uploadProgress, this,
            [this, f](qint64 sent, qint64) { emit progress(m_lfsDone + sent, m_lfsTotal, f.path); });
    connect(m_reply, &QNetworkReply::finished, this, [this, f] {
        QNetworkReply* reply = job::takeFinished(m_reply);
        m_body->deleteLater();
        m_body = nullptr;
        if (m_cancelled) return fail(tr("cancelled"));
        if (!checkReply(reply, f.path)) return;
        m_lfsDone += f.size;
        emit progress(m_lfsDone, m_lfsTotal, f.path);
        verify();
    });
}

void HubPush::uploadMultipart(const QJsonObject& header, qint64 chunkSize) {
    const Upload up = m_uploads[m_uploadIndex];
    const LocalFile f = m_files[up.file];
    QVector<QPair<int, QString>> parts;
    for (auto it = header.begin(); it != header.end(); ++it) {
        bool ok = false;
        const int n = it.key().toInt(&ok);
        if (ok) parts.push_back({n, it.value().toString()});
    }
    std::sort(parts.begin(), parts.end());
    if (parts.size() != (f.size + chunkSize - 1) / chunkSize)
        return fail(QStringLiteral("%1: the Hub asked for %2 parts of %3 bytes, which does not fit the file's size")
                        .arg(f.path)
                        .arg(parts.size())
                        .arg(chunkSize));
    auto etags = std::make_shared<QJsonArray>();
    auto sendPart = std::make_shared<std::function<void(int)>>();
    *sendPart = [this, parts, f, chunkSize, etags, up, sendPart](int i) {
        if (i >= parts.size()) {
            const QJsonObject done{{QStringLiteral("oid"), QString::fromLatin1(f.sha256)},
                                   {QStringLiteral("parts"), *etags}};
            return send("POST", QUrl(up.upload.value(QStringLiteral("href")).toString()), compact(done),
                        "application/vnd.git-lfs+json", kLfsHeaders, [this, f, sendPart](QNetworkReply* reply) {
                            *sendPart = nullptr; // breaks the closure's reference to itself
                            if (!checkReply(reply, f.path)) return;
                            verify();
                        });
        }
        QFile in(f.absolute);
        if (!in.open(QIODevice::ReadOnly) || !in.seek(chunkSize * i))
            return fail(QStringLiteral("%1: cannot be read (%2)").arg(f.absolute, in.errorString()));
        const QByteArray data = in.read(chunkSize);
        send("PUT", QUrl(parts[i].second), data, QByteArray(), {},
             [this, i, f, data, etags, sendPart, parts](QNetworkReply* reply) {
                 if (!checkReply(reply, f.path)) return;
                 const QByteArray etag = reply->rawHeader("ETag");
                 if (etag.isEmpty())
                     return fail(
                         QStringLiteral("%1: part %2 of the upload came back without an ETag").arg(f.path).arg(i + 1));
                 etags->append(QJsonObject{{QStringLiteral("partNumber"), parts[i].first},
                                           {QStringLiteral("etag"), QString::fromLatin1(etag)}});
                 m_lfsDone += data.size();
                 emit progress(m_lfsDone, m_lfsTotal, f.path);
                 (*sendPart)(i + 1);
             });
    };
    (*sendPart)(0);
}

void HubPush::verify() {
    const Upload& up = m_uploads[m_uploadIndex];
    if (up.verify.isEmpty()) return uploadNext();
    const LocalFile& f = m_files[up.file];
    const QJsonObject body{{QStringLiteral("oid"), QString::fromLatin1(f.sha256)}, {QStringLiteral("size"), f.size}};
    send("POST", QUrl(up.verify.value(QStringLiteral("href")).toString()), compact(body),
         "application/vnd.git-lfs+json", kLfsHeaders, [this, path = f.path](QNetworkReply* reply) {
             if (!checkReply(reply, path)) return;
             uploadNext();
         });
}

void HubPush::commit() {
    QByteArray ndjson;
    const QString summary =
        m_options.message.isEmpty() ? QStringLiteral("Upload model with Captioner") : m_options.message;
    ndjson += compact(QJsonObject{{QStringLiteral("key"), QStringLiteral("header")},
                                  {QStringLiteral("value"), QJsonObject{{QStringLiteral("summary"), summary},
                                                                        {QStringLiteral("description"), QString()}}}}) +
              '\n';
    int count = 0;
    for (const LocalFile& f : m_files) {
        if (f.ignored) continue;
        ++count;
        if (f.lfs) {
            ndjson += compact(QJsonObject{
                          {QStringLiteral("key"), QStringLiteral("lfsFile")},
                          {QStringLiteral("value"), QJsonObject{{QStringLiteral("path"), f.path},
                                                                {QStringLiteral("algo"), QStringLiteral("sha256")},
                                                                {QStringLiteral("oid"), QString::fromLatin1(f.sha256)},
                                                                {QStringLiteral("size"), f.size}}}}) +
                      '\n';
            continue;
        }
        QFile in(f.absolute);
        if (!in.open(QIODevice::ReadOnly))
            return fail(QStringLiteral("%1: cannot be read (%2)").arg(f.absolute, in.errorString()));
        const QByteArray content = in.readAll();
        if (QByteArray(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex()) != f.sha256)
            return fail(QStringLiteral("%1: changed while it was being pushed; push again").arg(f.absolute));
        ndjson += compact(QJsonObject{{QStringLiteral("key"), QStringLiteral("file")},
                                      {QStringLiteral("value"),
                                       QJsonObject{{QStringLiteral("content"), QString::fromLatin1(content.toBase64())},
                                                   {QStringLiteral("path"), f.path},
                                                   {QStringLiteral("encoding"), QStringLiteral("base64")}}}}) +
                  '\n';
    }
    emit status(QStringLiteral("committing %1 files to %2 at \"%3\"")
                    .arg(count)
                    .arg(m_options.repo.describe(), m_options.repo.revision));
    const QByteArray url = m_settings.endpoint.toUtf8() + "/api/" + apiCollection(m_options.repo.type).toUtf8() + '/' +
                           m_options.repo.id.toUtf8() + "/commit/" + encodeRevision(m_options.repo.revision);
    send("POST", QUrl::fromEncoded(url), ndjson, "application/x-ndjson", {}, [this](QNetworkReply* reply) {
        if (!checkReply(reply)) return;
        const QJsonObject answer = jsonObject(reply->readAll());
        m_commitOid = answer.value(QStringLiteral("commitOid")).toString();
        m_commitUrl = answer.value(QStringLiteral("commitUrl")).toString();
        m_done = true;
        emit finished(true);
    });
}

bool runPush(HubPush& push) { return job::runToEnd(push); }

} // namespace captioner::hub
