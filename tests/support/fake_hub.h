#pragma once
// A local Hugging Face Hub for the Hub tests: an HTTP server on 127.0.0.1 (QTcpServer) that serves the
// endpoints huggingface_hub uses from an in-memory repository store: the revision listing, resolve (LFS
// files redirect to "another host", localhost, like the Hub's CDN), Range requests, 401 for private
// repositories, 404 with X-Error-Code, transfers cut after N bytes, and the upload side (repos/create,
// preupload, the LFS batch API with basic and multipart transfers, verify, the NDJSON commit).
// It answers from the event loop of the thread that made it: wait for a client in an event loop
// (QTRY_*, QSignalSpy::wait, testsupport::CliOptions::waitingInEventLoop), never blocking.
// Needs Qt Network: link captioner_fakehub (tests/CMakeLists.txt).
#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTcpServer>

#include <map>

class QTcpSocket;

namespace testsupport {

QByteArray sha256Hex(const QByteArray& bytes);
// The id git gives a blob of these bytes (the Hub's ETag of a file not stored through LFS).
QByteArray gitSha1(const QByteArray& bytes);

struct FakeRepo {
    bool isPrivate = false;
    QString commit;
    QMap<QString, QByteArray> files;
    QSet<QString> lfs; // paths stored through LFS
};

class FakeHub : public QObject {
public:
    // The token private repositories and every upload call want (Authorization: Bearer ...).
    static constexpr const char* kToken = "hf_test_token_123";

    FakeHub();
    quint16 port() const { return m_server.serverPort(); }
    QString endpoint() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); } // HF_ENDPOINT
    QString cdn() const { return QStringLiteral("http://localhost:%1").arg(port()); }

    std::map<QString, FakeRepo> repos;     // "models/org/name"
    QMap<QByteArray, QByteArray> lfsStore; // oid -> bytes
    QStringList log;                       // "METHOD target auth=yes|no range=…"
    QList<QByteArray> commitBodies;
    QList<QJsonObject> createBodies;
    qint64 interruptAfter = -1;      // next CDN GET: send this many bytes, then close
    bool corrupt = false;            // CDN GETs flip the first byte
    qint64 multipartChunk = 1 << 20; // LFS uploads larger than this go multipart

    // Adds (or replaces) a file of repository `key` ("models/org/name"); the commit id changes.
    void addFile(const QString& key, const QString& path, const QByteArray& bytes, bool lfs);
    QStringList logMatching(const QString& needle) const { return log.filter(needle); }

private:
    struct Request {
        QByteArray method, target, body;
        QMap<QByteArray, QByteArray> headers; // lower-case names
    };

    void onData(QTcpSocket* s);
    void reply(QTcpSocket* s, int code, const QByteArray& body, QList<QPair<QByteArray, QByteArray>> headers = {},
               bool sendBody = true, qint64 cutAfter = -1);
    void jsonReply(QTcpSocket* s, int code, const QJsonObject& o);
    void error(QTcpSocket* s, int code, const QByteArray& errorCode, const QByteArray& message);
    bool authorised(const Request& req) const;
    void handle(QTcpSocket* s, const Request& req);
    const FakeRepo* findRepo(QTcpSocket* s, const Request& req, const QString& key);
    void listing(QTcpSocket* s, const Request& req, const QString& key, const QString& rev);
    void resolve(QTcpSocket* s, const Request& req, const QString& key, const QString& rev, const QString& file,
                 bool head);
    void cdn(QTcpSocket* s, const Request& req, const QByteArray& oid, bool head);
    void serveBytes(QTcpSocket* s, const Request& req, const QByteArray& bytes, bool head,
                    QList<QPair<QByteArray, QByteArray>> headers, bool mayCut = false);
    void createRepo(QTcpSocket* s, const Request& req);
    void preupload(QTcpSocket* s, const Request& req);
    void lfsBatch(QTcpSocket* s, const Request& req);
    void commit(QTcpSocket* s, const Request& req, const QString& key);

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QHash<QByteArray, QMap<int, QByteArray>> m_parts;
};

} // namespace testsupport
