#include "fake_hub.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTcpSocket>
#include <QUrl>
#include <QtTest/QtTest>

namespace testsupport {

QByteArray sha256Hex(const QByteArray& bytes) {
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex();
}

QByteArray gitSha1(const QByteArray& bytes) {
    return QCryptographicHash::hash("blob " + QByteArray::number(bytes.size()) + '\0' + bytes, QCryptographicHash::Sha1)
        .toHex();
}

FakeHub::FakeHub() {
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* s = m_server.nextPendingConnection()) {
            connect(s, &QTcpSocket::readyRead, this, [this, s] { onData(s); });
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    });
    QVERIFY(m_server.listen(QHostAddress::Any, 0));
}

void FakeHub::addFile(const QString& key, const QString& path, const QByteArray& bytes, bool lfs) {
    FakeRepo& r = repos[key];
    r.files[path] = bytes;
    if (lfs) {
        r.lfs.insert(path);
        lfsStore[sha256Hex(bytes)] = bytes;
    }
    r.commit = QString::fromLatin1(
        QCryptographicHash::hash(key.toUtf8() + QByteArray::number(r.files.size()) + bytes, QCryptographicHash::Sha1)
            .toHex());
}

void FakeHub::onData(QTcpSocket* s) {
    QByteArray& buf = m_buffers[s];
    buf += s->readAll();
    const int end = buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    Request req;
    const QList<QByteArray> lines = buf.left(end).split('\n');
    const QList<QByteArray> first = lines.first().trimmed().split(' ');
    req.method = first.value(0);
    req.target = first.value(1);
    for (int i = 1; i < lines.size(); ++i) {
        const int colon = lines[i].indexOf(':');
        if (colon > 0) req.headers[lines[i].left(colon).trimmed().toLower()] = lines[i].mid(colon + 1).trimmed();
    }
    const qint64 length = req.headers.value("content-length", "0").toLongLong();
    if (buf.size() < end + 4 + length) return;
    req.body = buf.mid(end + 4, length);
    m_buffers.remove(s);
    log << QStringLiteral("%1 %2 auth=%3%4")
               .arg(QString::fromLatin1(req.method), QString::fromLatin1(req.target),
                    req.headers.value("authorization").isEmpty() ? QStringLiteral("no") : QStringLiteral("yes"),
                    req.headers.contains("range")
                        ? QStringLiteral(" range=") + QString::fromLatin1(req.headers["range"])
                        : QString());
    handle(s, req);
}

void FakeHub::reply(QTcpSocket* s, int code, const QByteArray& body, QList<QPair<QByteArray, QByteArray>> headers,
                    bool sendBody, qint64 cutAfter) {
    static const QMap<int, QByteArray> reasons{
        {200, "OK"},        {206, "Partial Content"}, {302, "Found"},       {401, "Unauthorized"},
        {404, "Not Found"}, {409, "Conflict"},        {400, "Bad Request"}, {416, "Range Not Satisfiable"}};
    QByteArray out = "HTTP/1.1 " + QByteArray::number(code) + ' ' + reasons.value(code, "Status") + "\r\n";
    bool hasLength = false;
    for (const auto& h : headers) {
        out += h.first + ": " + h.second + "\r\n";
        if (h.first.toLower() == "content-length") hasLength = true;
    }
    if (!hasLength) out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += "Connection: close\r\n\r\n";
    if (sendBody) out += cutAfter >= 0 ? body.left(cutAfter) : body;
    // A cut transfer closes gracefully too: every byte written arrives, then the connection ends
    // short of the announced Content-Length.
    s->write(out);
    s->disconnectFromHost();
}

void FakeHub::jsonReply(QTcpSocket* s, int code, const QJsonObject& o) {
    reply(s, code, QJsonDocument(o).toJson(QJsonDocument::Compact), {{"Content-Type", "application/json"}});
}

void FakeHub::error(QTcpSocket* s, int code, const QByteArray& errorCode, const QByteArray& message) {
    reply(s, code, "{\"error\":\"" + message + "\"}", {{"X-Error-Code", errorCode}, {"X-Error-Message", message}});
}

bool FakeHub::authorised(const Request& req) const {
    return req.headers.value("authorization") == QByteArray("Bearer ") + kToken;
}

// Splits "/api/models/org/name/revision/main" style paths; repository ids are org/name here.
void FakeHub::handle(QTcpSocket* s, const Request& req) {
    const QString path = QUrl::fromPercentEncoding(req.target.split('?').first());
    QStringList parts = path.mid(1).split(QLatin1Char('/'));
    const bool head = req.method == "HEAD";
    if (req.method == "POST" && path == QLatin1String("/api/repos/create")) return createRepo(s, req);
    if (parts.value(0) == QLatin1String("api") && parts.size() >= 6) {
        const QString key = parts[1] + QLatin1Char('/') + parts[2] + QLatin1Char('/') + parts[3];
        // The revision is one segment: decode it from the raw target.
        const QByteArray rawRev = req.target.split('?').first().split('/').value(6);
        const QString rev = QUrl::fromPercentEncoding(rawRev);
        if (parts[4] == QLatin1String("revision")) return listing(s, req, key, rev);
        if (parts[4] == QLatin1String("preupload")) return preupload(s, req);
        if (parts[4] == QLatin1String("commit")) return commit(s, req, key);
    }
    if (parts.value(0) == QLatin1String("cdn")) return cdn(s, req, parts.value(1).toLatin1(), head);
    if (parts.value(0) == QLatin1String("lfs-upload")) {
        if (!req.headers.value("authorization").isEmpty()) return error(s, 400, "TokenLeak", "no token here");
        if (sha256Hex(req.body) != parts.value(1).toLatin1()) return error(s, 400, "BadHash", "sha256 mismatch");
        lfsStore[parts.value(1).toLatin1()] = req.body;
        return reply(s, 200, {});
    }
    if (parts.value(0) == QLatin1String("lfs-part")) {
        m_parts[parts.value(1).toLatin1()][parts.value(2).toInt()] = req.body;
        return reply(s, 200, {}, {{"ETag", "\"etag-" + parts.value(2).toLatin1() + "\""}});
    }
    if (parts.value(0) == QLatin1String("lfs-complete")) {
        const QByteArray oid = parts.value(1).toLatin1();
        const QJsonObject o = QJsonDocument::fromJson(req.body).object();
        QByteArray all;
        for (const QJsonValue& p : o.value(QStringLiteral("parts")).toArray()) {
            const int n = p.toObject().value(QStringLiteral("partNumber")).toInt();
            if (p.toObject().value(QStringLiteral("etag")).toString() != QStringLiteral("\"etag-%1\"").arg(n))
                return error(s, 400, "BadPart", "wrong etag");
            all += m_parts[oid].value(n);
        }
        if (sha256Hex(all) != oid || o.value(QStringLiteral("oid")).toString().toLatin1() != oid)
            return error(s, 400, "BadHash", "parts do not add up");
        lfsStore[oid] = all;
        return reply(s, 200, {});
    }
    if (parts.value(0) == QLatin1String("lfs-verify")) {
        if (!authorised(req)) return error(s, 401, "Unauthorized", "verify needs the token");
        const QJsonObject o = QJsonDocument::fromJson(req.body).object();
        const QByteArray oid = o.value(QStringLiteral("oid")).toString().toLatin1();
        if (!lfsStore.contains(oid) || lfsStore[oid].size() != o.value(QStringLiteral("size")).toInteger())
            return error(s, 404, "NotFound", "object missing");
        return reply(s, 200, {});
    }
    // {prefix}org/name.git/info/lfs/objects/batch and {prefix}org/name/resolve/rev/path
    QString type = QStringLiteral("models");
    if (parts.value(0) == QLatin1String("datasets")) {
        type = QStringLiteral("datasets");
        parts.removeFirst();
    }
    if (parts.size() >= 2 && parts[1].endsWith(QLatin1String(".git")) &&
        path.endsWith(QLatin1String("/info/lfs/objects/batch")))
        return lfsBatch(s, req);
    if (parts.size() >= 5 && parts[2] == QLatin1String("resolve")) {
        const QString key = type + QLatin1Char('/') + parts[0] + QLatin1Char('/') + parts[1];
        return resolve(s, req, key, parts[3], parts.mid(4).join(QLatin1Char('/')), head);
    }
    error(s, 404, "NotFound", "no such endpoint");
}

const FakeRepo* FakeHub::findRepo(QTcpSocket* s, const Request& req, const QString& key) {
    auto it = repos.find(key);
    if (it == repos.end()) {
        error(s, 404, "RepoNotFound", "Repository not found");
        return nullptr;
    }
    if (it->second.isPrivate && !authorised(req)) {
        error(s, 401, "RepoNotFound", "Invalid username or password.");
        return nullptr;
    }
    return &it->second;
}

void FakeHub::listing(QTcpSocket* s, const Request& req, const QString& key, const QString& rev) {
    const FakeRepo* r = findRepo(s, req, key);
    if (!r) return;
    if (rev != QLatin1String("main") && rev != r->commit)
        return error(s, 404, "RevisionNotFound", "Invalid rev id: " + rev.toUtf8());
    QJsonArray siblings;
    for (auto it = r->files.begin(); it != r->files.end(); ++it) {
        QJsonObject f{{QStringLiteral("rfilename"), it.key()},
                      {QStringLiteral("size"), it.value().size()},
                      {QStringLiteral("blobId"), QString::fromLatin1(gitSha1(it.value()))}};
        if (r->lfs.contains(it.key()))
            f.insert(QStringLiteral("lfs"),
                     QJsonObject{{QStringLiteral("sha256"), QString::fromLatin1(sha256Hex(it.value()))},
                                 {QStringLiteral("size"), it.value().size()},
                                 {QStringLiteral("pointerSize"), 134}});
        siblings.append(f);
    }
    jsonReply(s, 200,
              {{QStringLiteral("id"), key.section(QLatin1Char('/'), 1)},
               {QStringLiteral("sha"), r->commit},
               {QStringLiteral("private"), r->isPrivate},
               {QStringLiteral("siblings"), siblings}});
}

void FakeHub::resolve(QTcpSocket* s, const Request& req, const QString& key, const QString& rev, const QString& file,
                      bool head) {
    const FakeRepo* r = findRepo(s, req, key);
    if (!r) return;
    if (rev != QLatin1String("main") && rev != r->commit) return error(s, 404, "RevisionNotFound", "Invalid rev id");
    if (!r->files.contains(file)) return error(s, 404, "EntryNotFound", "Entry not found");
    const QByteArray bytes = r->files[file];
    if (r->lfs.contains(file)) {
        const QByteArray oid = sha256Hex(bytes);
        return reply(s, 302, {},
                     {{"Location", (cdn() + QStringLiteral("/cdn/")).toLatin1() + oid},
                      {"X-Repo-Commit", r->commit.toLatin1()},
                      {"X-Linked-Etag", '"' + oid + '"'},
                      {"X-Linked-Size", QByteArray::number(bytes.size())},
                      {"ETag", "\"" + gitSha1("pointer") + "\""}});
    }
    serveBytes(s, req, bytes, head, {{"X-Repo-Commit", r->commit.toLatin1()}, {"ETag", "\"" + gitSha1(bytes) + "\""}});
}

void FakeHub::cdn(QTcpSocket* s, const Request& req, const QByteArray& oid, bool head) {
    if (!req.headers.value("authorization").isEmpty())
        return error(s, 400, "TokenLeak", "the CDN must not see the token");
    if (!lfsStore.contains(oid)) return error(s, 404, "NotFound", "no object");
    QByteArray bytes = lfsStore[oid];
    if (corrupt) bytes[0] = static_cast<char>(bytes[0] ^ 0x55);
    serveBytes(s, req, bytes, head, {{"ETag", '"' + oid + '"'}}, true);
}

void FakeHub::serveBytes(QTcpSocket* s, const Request& req, const QByteArray& bytes, bool head,
                         QList<QPair<QByteArray, QByteArray>> headers, bool mayCut) {
    const QByteArray range = req.headers.value("range");
    qint64 from = 0;
    int code = 200;
    if (range.startsWith("bytes=") && range.endsWith('-')) {
        from = range.mid(6, range.size() - 7).toLongLong();
        if (from >= bytes.size())
            return reply(s, 416, {}, {{"Content-Range", "bytes */" + QByteArray::number(bytes.size())}});
        code = 206;
        headers.append({"Content-Range", "bytes " + QByteArray::number(from) + '-' +
                                             QByteArray::number(bytes.size() - 1) + '/' +
                                             QByteArray::number(bytes.size())});
    }
    const QByteArray body = bytes.mid(from);
    headers.append({"Content-Length", QByteArray::number(body.size())});
    qint64 cut = -1;
    if (!head && mayCut && interruptAfter >= 0) {
        cut = interruptAfter;
        interruptAfter = -1;
    }
    reply(s, code, body, headers, !head, cut);
}

void FakeHub::createRepo(QTcpSocket* s, const Request& req) {
    if (!authorised(req)) return error(s, 401, "Unauthorized", "Invalid credentials");
    const QJsonObject o = QJsonDocument::fromJson(req.body).object();
    createBodies << o;
    const QString type = o.value(QStringLiteral("type")).toString(QStringLiteral("model")) + QLatin1Char('s');
    const QString key = type + QLatin1Char('/') + o.value(QStringLiteral("organization")).toString() +
                        QLatin1Char('/') + o.value(QStringLiteral("name")).toString();
    if (repos.count(key)) return error(s, 409, "Conflict", "You already created this model repo");
    FakeRepo& r = repos[key];
    r.isPrivate = o.value(QStringLiteral("private")).toBool();
    r.commit = QString::fromLatin1(gitSha1(key.toUtf8()));
    jsonReply(s, 200, {{QStringLiteral("url"), endpoint() + QLatin1Char('/') + key}});
}

void FakeHub::preupload(QTcpSocket* s, const Request& req) {
    if (!authorised(req)) return error(s, 401, "Unauthorized", "Invalid credentials");
    QJsonArray out;
    for (const QJsonValue& v : QJsonDocument::fromJson(req.body).object().value(QStringLiteral("files")).toArray()) {
        const QJsonObject f = v.toObject();
        const bool lfs = f.value(QStringLiteral("path")).toString().endsWith(QLatin1String(".safetensors")) ||
                         f.value(QStringLiteral("size")).toInteger() > 100000;
        out.append(QJsonObject{{QStringLiteral("path"), f.value(QStringLiteral("path"))},
                               {QStringLiteral("uploadMode"), lfs ? QStringLiteral("lfs") : QStringLiteral("regular")},
                               {QStringLiteral("shouldIgnore"), false}});
    }
    jsonReply(s, 200, {{QStringLiteral("files"), out}});
}

void FakeHub::lfsBatch(QTcpSocket* s, const Request& req) {
    if (!authorised(req)) return error(s, 401, "Unauthorized", "Invalid credentials");
    if (req.headers.value("accept") != "application/vnd.git-lfs+json") return error(s, 400, "BadAccept", "accept");
    const QJsonObject o = QJsonDocument::fromJson(req.body).object();
    if (o.value(QStringLiteral("operation")).toString() != QLatin1String("upload") ||
        o.value(QStringLiteral("hash_algo")).toString() != QLatin1String("sha256"))
        return error(s, 400, "BadBatch", "bad batch request");
    QJsonArray out;
    for (const QJsonValue& v : o.value(QStringLiteral("objects")).toArray()) {
        const QString oid = v.toObject().value(QStringLiteral("oid")).toString();
        const qint64 size = v.toObject().value(QStringLiteral("size")).toInteger();
        QJsonObject obj{{QStringLiteral("oid"), oid}, {QStringLiteral("size"), size}};
        if (!lfsStore.contains(oid.toLatin1())) {
            QJsonObject upload{{QStringLiteral("href"), cdn() + QStringLiteral("/lfs-upload/") + oid}};
            if (size > multipartChunk) {
                QJsonObject header{{QStringLiteral("chunk_size"), QString::number(multipartChunk)}};
                for (qint64 i = 0; i * multipartChunk < size; ++i)
                    header.insert(QString::number(i + 1),
                                  cdn() + QStringLiteral("/lfs-part/%1/%2").arg(oid).arg(i + 1));
                upload = {{QStringLiteral("href"), cdn() + QStringLiteral("/lfs-complete/") + oid},
                          {QStringLiteral("header"), header}};
            }
            obj.insert(
                QStringLiteral("actions"),
                QJsonObject{{QStringLiteral("upload"), upload},
                            {QStringLiteral("verify"),
                             QJsonObject{{QStringLiteral("href"), endpoint() + QStringLiteral("/lfs-verify")}}}});
        }
        out.append(obj);
    }
    reply(s, 200, QJsonDocument(QJsonObject{{QStringLiteral("objects"), out}}).toJson(QJsonDocument::Compact),
          {{"Content-Type", "application/vnd.git-lfs+json"}});
}

void FakeHub::commit(QTcpSocket* s, const Request& req, const QString& key) {
    if (!authorised(req)) return error(s, 401, "Unauthorized", "Invalid credentials");
    if (req.headers.value("content-type") != "application/x-ndjson") return error(s, 400, "BadType", "expected ndjson");
    auto it = repos.find(key);
    if (it == repos.end()) return error(s, 404, "RepoNotFound", "Repository not found");
    commitBodies << req.body;
    FakeRepo next = it->second;
    for (const QByteArray& line : req.body.split('\n')) {
        if (line.isEmpty()) continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QString k = o.value(QStringLiteral("key")).toString();
        const QJsonObject v = o.value(QStringLiteral("value")).toObject();
        const QString p = v.value(QStringLiteral("path")).toString();
        if (k == QLatin1String("file")) {
            next.files[p] = QByteArray::fromBase64(v.value(QStringLiteral("content")).toString().toLatin1());
            next.lfs.remove(p);
        } else if (k == QLatin1String("lfsFile")) {
            const QByteArray oid = v.value(QStringLiteral("oid")).toString().toLatin1();
            if (!lfsStore.contains(oid) || lfsStore[oid].size() != v.value(QStringLiteral("size")).toInteger())
                return error(s, 400, "LfsMissing", "LFS object not uploaded: " + p.toUtf8());
            next.files[p] = lfsStore[oid];
            next.lfs.insert(p);
        } else if (k != QLatin1String("header")) {
            return error(s, 400, "BadLine", "unknown key");
        }
    }
    next.commit = QString::fromLatin1(QCryptographicHash::hash(req.body, QCryptographicHash::Sha1).toHex());
    it->second = next;
    jsonReply(s, 200,
              {{QStringLiteral("commitOid"), next.commit},
               {QStringLiteral("commitUrl"), endpoint() + QLatin1Char('/') + key.section(QLatin1Char('/'), 1) +
                                                 QStringLiteral("/commit/") + next.commit}});
}

} // namespace testsupport
