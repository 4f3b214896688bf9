#pragma once
// HubDownload fetches a model or dataset repository into the Hugging Face cache, as
// huggingface_hub's snapshot_download does: list the files of the revision, then for each file a HEAD
// of /resolve/<commit>/<path> (X-Repo-Commit, X-Linked-Etag / ETag, X-Linked-Size / Content-Length,
// the redirect to LFS storage), a GET into blobs/<etag>.incomplete that resumes with a Range request,
// a size and checksum check (SHA-256 for LFS files, the git blob SHA-1 for others), the rename to
// blobs/<etag>, the snapshot symlink and refs/<revision>. Files already in the cache are not fetched.
// Cancelled or interrupted downloads keep their .incomplete file for the next attempt.
//
// Asynchronous on the thread the object lives in (move it to a worker thread in a GUI: hashing a
// large resumed file blocks that thread). cancel() may be called from any thread.
#include "captioner_hub/hub_client.h"

#include <QCryptographicHash>
#include <QFile>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace captioner::hub {

class HubDownload : public QObject {
    Q_OBJECT
public:
    struct Options {
        RepoRef repo;
        bool all = false; // models: every file, not only a GIT checkpoint's
    };
    HubDownload(HubSettings settings, Options options, QObject* parent = nullptr);
    ~HubDownload() override;

    QString snapshotPath() const { return m_snapshotPath; }
    QString commit() const { return m_commit; }
    QString errorString() const { return m_error; }
    QStringList files() const { return m_fileNames; }      // relative paths fetched or found in the cache
    bool fromCacheOnly() const { return m_fromCacheOnly; } // offline, or the Hub unreachable

public slots:
    void start();
    void cancel(); // thread-safe; finished(false) follows with "cancelled"

signals:
    void status(const QString& text);                              // one line of what happens
    void progress(qint64 done, qint64 total, const QString& file); // bytes over the whole download
    void finished(bool ok);

private:
    void onListing();
    void nextFile();
    void sendHead(const QUrl& url, int redirects);
    void onHead(int redirects);
    void sendGet(const QUrl& url, int redirects);
    void onGetData();
    void onGetFinished(int redirects);
    void completeFile();
    bool openIncomplete();
    void fail(const QString& message);
    void succeed();
    bool useCacheInstead(const QString& why);
    QByteArray readErrorBody(QNetworkReply* reply);

    HubSettings m_settings;
    Options m_options;
    QNetworkAccessManager* m_nam = nullptr;
    QPointer<QNetworkReply> m_reply;
    std::atomic<bool> m_cancelled{false};
    bool m_done = false;

    QString m_repoDir, m_commit, m_snapshotPath, m_error;
    QVector<RemoteFile> m_queue;
    QStringList m_fileNames;
    int m_index = -1;
    qint64 m_total = 0, m_doneBefore = 0; // all files; files finished before the current one
    bool m_fromCacheOnly = false;

    // The current file.
    QString m_etag;
    qint64 m_expectedSize = -1;
    QUrl m_downloadUrl;
    QString m_incompletePath;
    QFile m_out;
    std::unique_ptr<QCryptographicHash> m_hash;
    enum class Check { None, Sha256, GitSha1 } m_check = Check::None;
    qint64 m_resumeFrom = 0;
    bool m_restarted = false; // the partial file was thrown away once already
    bool m_writing = false;   // the GET's body goes to the file
    QByteArray m_errorBody;
    qint64 m_lastProgressMs = 0;
};

// Runs a download to its end in a local event loop (the CLI); prints nothing itself.
bool runDownload(HubDownload& download);

} // namespace captioner::hub
