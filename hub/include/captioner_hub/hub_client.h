#pragma once
// Shared pieces of the Hugging Face Hub client: where to talk to (HF_ENDPOINT), with which token
// (HF_TOKEN or the stored token file), the Hub's URL shapes, the repository listing, which files a
// GIT checkpoint needs, and error messages that say what to do. Requests follow huggingface_hub:
// the Authorization header goes only to the endpoint's own host, never to a redirect target elsewhere.
#include "captioner/hf_cache.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QVector>

class QNetworkAccessManager;
class QNetworkRequest;

namespace captioner::hub {

struct HubSettings {
    QString endpoint = QStringLiteral("https://huggingface.co"); // no trailing slash
    QString token;                                               // "" = anonymous
    QString cacheDir;                                            // the hub cache (models--…, datasets--…)
    bool offline = false;                                        // HF_HUB_OFFLINE: the cache only
    // HF_ENDPOINT, HF_TOKEN / token file, HF_HUB_CACHE / HF_HOME, HF_HUB_OFFLINE.
    static HubSettings fromEnvironment();
};

struct RepoRef {
    HubRepoType type = HubRepoType::Model;
    QString id; // "org/name"
    QString revision = QStringLiteral("main");
    QString describe() const; // "model microsoft/git-base"
};

// "" for models, "datasets/" and "spaces/" otherwise (the prefix of resolve and .git URLs).
QString repoUrlPrefix(HubRepoType type);
// "models", "datasets", "spaces" (the API's collection names).
QString apiCollection(HubRepoType type);
// Percent-encodes a revision as one path segment ("refs/pr/1" -> "refs%2Fpr%2F1"), as huggingface_hub.
QByteArray encodeRevision(const QString& revision);
// {endpoint}/{prefix}{id}/resolve/{revision}/{path}
QUrl resolveUrl(const HubSettings& settings, const RepoRef& repo, const QString& revision, const QString& path);
// {endpoint}/api/{collection}/{id}/revision/{revision}?blobs=true
QUrl listingUrl(const HubSettings& settings, const RepoRef& repo);

struct RemoteFile {
    QString path;
    qint64 size = -1;  // -1 = unknown
    QString blobId;    // git blob SHA-1
    QString lfsSha256; // "" for a regular (non-LFS) file
};

struct RepoListing {
    QString commit;
    bool isPrivate = false;
    QVector<RemoteFile> files;
};
// Parses the JSON of the listing endpoint; throws captioner::Error(subject, reason) when it is not one.
RepoListing parseRepoListing(const QByteArray& json, const QString& subject);

// The files a download fetches: for models the files of a GIT checkpoint (config.json, the weights as
// model.safetensors or a sharded index and its shards, tokenizer and preprocessor files, the model
// card) unless `all`; for datasets and spaces everything. `note` gets a warning when a model has no
// safetensors weights.
QVector<RemoteFile> selectFilesToDownload(HubRepoType type, const QVector<RemoteFile>& files, bool all,
                                          QString* note = nullptr);

// One sentence for an HTTP failure: 401/403 say to set HF_TOKEN (or that the token was refused),
// 404 names the repository, revision or file (using the Hub's X-Error-Code when sent).
QString describeHttpError(int status, const QByteArray& errorCode, const QByteArray& errorMessage, const RepoRef& repo,
                          const QString& file, bool hadToken);
// One sentence for a failed connection (refused, host not found, timeout, TLS), naming the endpoint.
QString describeNetworkError(const QString& qtError, const QString& endpoint);

// Adds the token (only when url's host and port are the endpoint's), the user agent and the
// other headers every Hub request carries.
void prepareRequest(QNetworkRequest& request, const HubSettings& settings);
bool sameOrigin(const QUrl& a, const QUrl& b);

// Proxies from the environment (http_proxy, https_proxy, no_proxy) for every QNetworkAccessManager.
void useProxiesFromEnvironment();

} // namespace captioner::hub
