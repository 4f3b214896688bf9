#pragma once
// HubPush uploads a folder to a Hub repository in one commit, through the Hub's HTTP commit API as
// huggingface_hub's upload_folder does it: POST /api/repos/create (409 = it exists, fine), POST
// /api/{type}s/{id}/preupload/{rev} to learn which files go through LFS, the LFS batch API
// ({endpoint}/{prefix}{id}.git/info/lfs/objects/batch) and a PUT of each new LFS object to the href it
// returns (multipart when the server asks for it, then the verify call), and POST
// /api/{type}s/{id}/commit/{rev} with an application/x-ndjson body (a header line, base64 "file"
// lines, "lfsFile" lines with oid and size). Training leftovers (checkpoint-N/ folders, .git, .cache)
// are not uploaded. A model folder without README.md gets a model card first.
//
// Asynchronous on the object's thread (hashing large files blocks it: use a worker thread in a GUI);
// cancel() may be called from any thread.
#include "captioner/model_card.h"
#include "captioner_hub/hub_client.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QVector>

#include <atomic>
#include <functional>

class QNetworkAccessManager;
class QNetworkReply;
class QFile;

namespace captioner::hub {

class HubPush : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString folder;
        RepoRef repo;               // revision = the branch committed to
        bool isPrivate = false;     // for a repository created by this push
        QString message;            // commit summary; "" = "Upload model with Captioner"
        bool writeModelCard = true; // models: README.md when absent
        ModelCardOptions card;      // repoId filled in from repo when empty
    };
    struct LocalFile {
        QString path; // relative, with '/'
        QString absolute;
        qint64 size = 0;
        QByteArray sha256; // hex
        QByteArray sample; // first 512 bytes
        bool lfs = false;
        bool ignored = false;
    };

    HubPush(HubSettings settings, Options options, QObject* parent = nullptr);
    ~HubPush() override;

    QString errorString() const { return m_error; }
    QString commitOid() const { return m_commitOid; }
    QString commitUrl() const { return m_commitUrl; }
    bool wroteModelCard() const { return m_wroteCard; }
    const QVector<LocalFile>& uploadedFiles() const { return m_files; }

public slots:
    void start();
    void cancel();

signals:
    void status(const QString& text);
    void progress(qint64 done, qint64 total, const QString& file); // LFS bytes uploaded
    void finished(bool ok);

private:
    using Handler = std::function<void(QNetworkReply*)>;
    void send(const QByteArray& verb, const QUrl& url, const QByteArray& body, const QByteArray& contentType,
              const QList<QPair<QByteArray, QByteArray>>& headers, const Handler& onDone);
    bool scanFolder();
    void createRepo();
    void preupload(int from);
    void lfsBatch(int from);
    void uploadNext();
    void uploadMultipart(const QJsonObject& action, qint64 chunkSize);
    void verify();
    void commit();
    bool checkReply(QNetworkReply* reply, const QString& file = QString(), QList<int> alsoOk = {});
    void fail(const QString& message);

    HubSettings m_settings;
    Options m_options;
    QNetworkAccessManager* m_nam = nullptr;
    QPointer<QNetworkReply> m_reply;
    QFile* m_body = nullptr;
    std::atomic<bool> m_cancelled{false};
    bool m_done = false;
    bool m_wroteCard = false;
    QString m_error, m_commitOid, m_commitUrl;
    QVector<LocalFile> m_files;
    struct Upload {
        int file;
        QJsonObject upload, verify;
    };
    QVector<Upload> m_uploads;
    int m_uploadIndex = -1;
    qint64 m_lfsTotal = 0, m_lfsDone = 0;
};

bool runPush(HubPush& push);

} // namespace captioner::hub
