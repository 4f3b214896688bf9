#include "captioner_hub/hub_client.h"

#include "captioner/error.h"
#include "captioner/version.h" // CAPTIONER_VERSION

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxyFactory>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSet>

namespace captioner::hub {

HubSettings HubSettings::fromEnvironment() {
    HubSettings s;
    QString endpoint = qEnvironmentVariable("HF_ENDPOINT").trimmed();
    while (endpoint.endsWith(QLatin1Char('/'))) endpoint.chop(1);
    if (!endpoint.isEmpty()) s.endpoint = endpoint;
    s.token = QString::fromStdString(hfToken());
    s.cacheDir = QString::fromStdString(hfHubCacheDir());
    const QString offline = qEnvironmentVariable("HF_HUB_OFFLINE").trimmed().toLower();
    s.offline = offline == QLatin1String("1") || offline == QLatin1String("true") || offline == QLatin1String("yes") ||
                offline == QLatin1String("on");
    return s;
}

QString RepoRef::describe() const { return QString::fromStdString(hubRepoTypeName(type)) + QLatin1Char(' ') + id; }

QString repoUrlPrefix(HubRepoType type) {
    switch (type) {
    case HubRepoType::Model: return {};
    case HubRepoType::Dataset: return QStringLiteral("datasets/");
    case HubRepoType::Space: return QStringLiteral("spaces/");
    }
    return {};
}

QString apiCollection(HubRepoType type) {
    switch (type) {
    case HubRepoType::Model: return QStringLiteral("models");
    case HubRepoType::Dataset: return QStringLiteral("datasets");
    case HubRepoType::Space: return QStringLiteral("spaces");
    }
    return QStringLiteral("models");
}

QByteArray encodeRevision(const QString& revision) { return QUrl::toPercentEncoding(revision); }

QUrl resolveUrl(const HubSettings& settings, const RepoRef& repo, const QString& revision, const QString& path) {
    const QByteArray url = settings.endpoint.toUtf8() + '/' + repoUrlPrefix(repo.type).toUtf8() + repo.id.toUtf8() +
                           "/resolve/" + encodeRevision(revision) + '/' + QUrl::toPercentEncoding(path, "/");
    return QUrl::fromEncoded(url, QUrl::StrictMode);
}

QUrl listingUrl(const HubSettings& settings, const RepoRef& repo) {
    const QByteArray url = settings.endpoint.toUtf8() + "/api/" + apiCollection(repo.type).toUtf8() + '/' +
                           repo.id.toUtf8() + "/revision/" + encodeRevision(repo.revision) + "?blobs=true";
    return QUrl::fromEncoded(url, QUrl::StrictMode);
}

namespace {
// A file size from the Hub's JSON (a number): a whole number of bytes from 0 to 2^53 (what a JSON
// double holds exactly), else the answer is refused — a hostile or broken server's 1e300 or -5 must not
// become a size.
qint64 listedSize(const QJsonValue& v, const QString& subject, const QString& path) {
    const double d = v.toDouble(-1.0);
    if (!v.isDouble() || !(d >= 0.0 && d <= 9007199254740992.0) || d != static_cast<double>(static_cast<qint64>(d)))
        throw Error(subject.toStdString(),
                    "the Hub's file list gives \"" + path.toStdString() + "\" an impossible size (" +
                        QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact).mid(1).chopped(1).toStdString() +
                        ")");
    return static_cast<qint64>(d);
}
} // namespace

RepoListing parseRepoListing(const QByteArray& json, const QString& subject) {
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (!doc.isObject())
        throw Error(subject.toStdString(),
                    "the Hub's answer is not a JSON object (" + err.errorString().toStdString() + ")");
    const QJsonObject o = doc.object();
    RepoListing listing;
    listing.commit = o.value(QStringLiteral("sha")).toString();
    if (!isCommitHash(listing.commit.toStdString()))
        throw Error(subject.toStdString(), "the Hub's answer has no commit hash (\"sha\")");
    listing.isPrivate = o.value(QStringLiteral("private")).toBool();
    const QJsonValue siblings = o.value(QStringLiteral("siblings"));
    if (!siblings.isArray()) throw Error(subject.toStdString(), "the Hub's answer has no file list (\"siblings\")");
    for (const QJsonValue& v : siblings.toArray()) {
        const QJsonObject f = v.toObject();
        RemoteFile file;
        file.path = f.value(QStringLiteral("rfilename")).toString();
        if (file.path.isEmpty() || file.path.startsWith(QLatin1Char('/')) ||
            file.path.split(QLatin1Char('/')).contains(QStringLiteral("..")))
            throw Error(subject.toStdString(),
                        "the Hub's file list holds an unusable path \"" + file.path.toStdString() + "\"");
        file.size =
            f.contains(QStringLiteral("size")) ? listedSize(f.value(QStringLiteral("size")), subject, file.path) : -1;
        file.blobId = f.value(QStringLiteral("blobId")).toString();
        const QJsonObject lfs = f.value(QStringLiteral("lfs")).toObject();
        if (!lfs.isEmpty()) {
            file.lfsSha256 = lfs.value(QStringLiteral("sha256")).toString();
            if (lfs.contains(QStringLiteral("size")))
                file.size = listedSize(lfs.value(QStringLiteral("size")), subject, file.path);
        }
        listing.files.push_back(file);
    }
    return listing;
}

QVector<RemoteFile> selectFilesToDownload(HubRepoType type, const QVector<RemoteFile>& files, bool all, QString* note) {
    if (all || type != HubRepoType::Model) return files;
    static const QSet<QString> kNeeded = {QStringLiteral("config.json"),
                                          QStringLiteral("model.safetensors"),
                                          QStringLiteral("model.safetensors.index.json"),
                                          QStringLiteral("tokenizer.json"),
                                          QStringLiteral("vocab.txt"),
                                          QStringLiteral("tokenizer.model"),
                                          QStringLiteral("preprocessor_config.json"),
                                          QStringLiteral("special_tokens_map.json"),
                                          QStringLiteral("tokenizer_config.json"),
                                          QStringLiteral("generation_config.json"),
                                          QStringLiteral("README.md")};
    static const QRegularExpression kShard(QStringLiteral("^model-\\d+-of-\\d+\\.safetensors$"));
    QVector<RemoteFile> out;
    bool weights = false, bin = false;
    for (const RemoteFile& f : files) {
        if (f.path == QLatin1String("pytorch_model.bin") || f.path.startsWith(QLatin1String("pytorch_model-")))
            bin = true;
        if (!kNeeded.contains(f.path) && !kShard.match(f.path).hasMatch()) continue;
        if (f.path == QLatin1String("model.safetensors") || f.path == QLatin1String("model.safetensors.index.json"))
            weights = true;
        out.push_back(f);
    }
    if (note && !weights)
        *note = bin ? QStringLiteral(
                          "the repository has no model.safetensors, only PyTorch .bin weights, which Captioner does "
                          "not read (convert them to safetensors, or use --all to fetch every file)")
                    : QStringLiteral(
                          "the repository has no model.safetensors: it is not a GIT checkpoint Captioner can load");
    return out;
}

QString describeHttpError(int status, const QByteArray& errorCode, const QByteArray& errorMessage, const RepoRef& repo,
                          const QString& file, bool hadToken) {
    const QString what = repo.describe();
    const QString serverSays =
        errorMessage.isEmpty() ? QString() : QStringLiteral(" (the Hub says: %1)").arg(QString::fromUtf8(errorMessage));
    if (errorCode == "GatedRepo" || (status == 403 && !hadToken))
        return QStringLiteral(
                   "%1 is gated: accept its conditions on the Hub's page, then set HF_TOKEN (or run `huggingface-cli login`) "
                   "with a token of that account%2")
            .arg(what, serverSays);
    if (status == 401) {
        if (hadToken)
            return QStringLiteral(
                       "%1: the Hub refused the token (401 Unauthorized): it is invalid or has no access to this "
                       "private repository; check HF_TOKEN or the stored token%2")
                .arg(what, serverSays);
        return QStringLiteral(
                   "%1 needs authentication (401 Unauthorized): it is private or gated, or does not exist; set HF_TOKEN "
                   "(or run `huggingface-cli login`) with a token that can read it%2")
            .arg(what, serverSays);
    }
    if (status == 403)
        return QStringLiteral("%1: access denied (403 Forbidden): the token in HF_TOKEN may read it but not do this "
                              "(a write token is needed to push), or the repository is gated%2")
            .arg(what, serverSays);
    if (status == 404) {
        if (errorCode == "RevisionNotFound")
            return QStringLiteral("revision \"%1\" not found in %2%3").arg(repo.revision, what, serverSays);
        if (errorCode == "EntryNotFound" || (!file.isEmpty() && errorCode != "RepoNotFound"))
            return QStringLiteral("file \"%1\" not found in %2 at revision \"%3\"%4")
                .arg(file, what, repo.revision, serverSays);
        if (errorCode == "RepoNotFound")
            return QStringLiteral(
                       "%1 not found (404): check the id and the type (--repo-type), or set HF_TOKEN if it is private%2")
                .arg(what, serverSays);
        return QStringLiteral("%1 or its revision \"%2\" not found (404)%3").arg(what, repo.revision, serverSays);
    }
    if (status == 416)
        return QStringLiteral("%1: the server refused the byte range asked for \"%2\" (416)").arg(what, file);
    if (status == 429)
        return QStringLiteral("the Hub is rate-limiting requests (429 Too Many Requests); wait a while and try again");
    if (status >= 500)
        return QStringLiteral("the Hub failed with %1 while working on %2; try again later%3")
            .arg(status)
            .arg(what, serverSays);
    return QStringLiteral("%1: unexpected HTTP status %2%3").arg(what).arg(status).arg(serverSays);
}

QString describeNetworkError(const QString& qtError, const QString& endpoint) {
    QString proxy;
    for (const char* name : {"https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"})
        if (proxy.isEmpty()) proxy = qEnvironmentVariable(name);
    return QStringLiteral(
               "cannot reach %1%2 (%3): check the connection or the proxy (https_proxy), or set HF_HUB_OFFLINE=1 "
               "to use only what is in the cache")
        .arg(endpoint, proxy.isEmpty() ? QString() : QStringLiteral(" through the proxy %1").arg(proxy), qtError);
}

bool sameOrigin(const QUrl& a, const QUrl& b) {
    return a.scheme() == b.scheme() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           a.port(a.scheme() == QLatin1String("https") ? 443 : 80) ==
               b.port(b.scheme() == QLatin1String("https") ? 443 : 80);
}

void prepareRequest(QNetworkRequest& request, const HubSettings& settings) {
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QStringLiteral("captioner/%1; hf_hub-compatible; qt/%2")
                          .arg(QStringLiteral(CAPTIONER_VERSION), QLatin1String(qVersion())));
    if (!settings.token.isEmpty() && sameOrigin(request.url(), QUrl(settings.endpoint)))
        request.setRawHeader("Authorization", "Bearer " + settings.token.toUtf8());
    else request.setRawHeader("Authorization", QByteArray()); // removed: a redirect elsewhere never carries the token
}

void useProxiesFromEnvironment() { QNetworkProxyFactory::setUseSystemConfiguration(true); }

} // namespace captioner::hub
