// The Hugging Face Hub client against a local Hub (tests/support/fake_hub.h): an HTTP server on
// 127.0.0.1 that serves the endpoints huggingface_hub uses from an in-memory repository store: the
// revision listing, resolve (LFS files redirect to "another host", localhost, like the Hub's CDN), Range
// requests, 401 for private repositories, 404 with X-Error-Code, transfers cut after N bytes, and the
// upload side (repos/create, preupload, the LFS batch API with basic and multipart transfers, verify,
// the NDJSON commit). Asserts the cache layout on disk byte for byte, resume from .incomplete, the
// error messages, and a push + download round trip of a tiny model made with the core.
// Core (torch) headers before Qt's: Qt's `slots` macro breaks ATen's headers.
#include "captioner/checkpoint.h"
#include "captioner/error.h"
#include "captioner/hf_cache.h"
#include "captioner/model_card.h"
#include "captioner/model_presets.h"
#include "captioner/tokenizer.h"

#include "captioner_hub/hub_download.h"
#include "captioner_hub/hub_push.h"
#include "cli_run.h"
#include "fake_hub.h"
#include "test_support.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <tuple>

#include <unistd.h>

using namespace captioner;
using namespace captioner::hub;
using testsupport::FakeHub;
using testsupport::FakeRepo;
using testsupport::gitSha1;
using testsupport::sha256Hex;

namespace {

const QByteArray kToken = FakeHub::kToken;

QByteArray randomBytes(int n, quint32 seed) {
    QRandomGenerator g(seed);
    QByteArray b(n, Qt::Uninitialized);
    for (int i = 0; i < n; ++i) b[i] = static_cast<char>(g.bounded(256));
    return b;
}
QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
}

// Every file under dir, relative and sorted.
QStringList tree(const QString& dir) {
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) out << QDir(dir).relativeFilePath(it.next());
    out.sort();
    return out;
}

QString linkText(const QString& path) {
    const QByteArray p = QFile::encodeName(path);
    char buf[4096];
    const ssize_t n = ::readlink(p.constData(), buf, sizeof buf);
    return n < 0 ? QString() : QString::fromLocal8Bit(buf, static_cast<int>(n));
}

} // namespace

class TestHub : public QObject {
    Q_OBJECT

    QTemporaryDir m_home;
    std::unique_ptr<FakeHub> m_hub;
    QByteArray m_config = "{\"model_type\": \"git\"}\n";
    QByteArray m_weights = randomBytes(300000, 7);
    QByteArray m_vocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\na\n";

    HubSettings settings(bool withToken = false) const {
        HubSettings s;
        s.endpoint = m_hub->endpoint();
        s.token = withToken ? QString::fromLatin1(kToken) : QString();
        s.cacheDir = m_home.path() + QStringLiteral("/hub");
        return s;
    }
    std::unique_ptr<HubDownload> download(const QString& id, const QString& revision = QStringLiteral("main"),
                                          bool token = false, bool all = false, HubRepoType type = HubRepoType::Model) {
        HubDownload::Options o;
        o.repo.type = type;
        o.repo.id = id;
        o.repo.revision = revision;
        o.all = all;
        auto d = std::make_unique<HubDownload>(settings(token), o);
        runDownload(*d);
        return d;
    }
    QString repoDir(const QString& id) const {
        return m_home.path() + QStringLiteral("/hub/models--") +
               QString(id).replace(QLatin1Char('/'), QStringLiteral("--"));
    }

private slots:
    void initTestCase() {
        // The local Hub is reached directly; a proxy from the environment would change the messages.
        for (const char* v :
             {"http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "HF_HUB_OFFLINE"})
            qunsetenv(v);
    }

    void init() {
        m_hub = std::make_unique<FakeHub>();
        m_hub->addFile(QStringLiteral("models/org/tiny-git"), QStringLiteral("config.json"), m_config, false);
        m_hub->addFile(QStringLiteral("models/org/tiny-git"), QStringLiteral("model.safetensors"), m_weights, true);
        m_hub->addFile(QStringLiteral("models/org/tiny-git"), QStringLiteral("vocab.txt"), m_vocab, false);
        m_hub->addFile(QStringLiteral("models/org/tiny-git"), QStringLiteral("pytorch_model.bin"), "not needed", true);
        m_hub->addFile(QStringLiteral("models/org/tiny-git"), QStringLiteral("runs/events.log"), "not needed either",
                       false);
        QDir(m_home.path() + QStringLiteral("/hub")).removeRecursively();
    }

    void cacheNamesAndEnvironment() {
        QCOMPARE(hubRepoFolderName(HubRepoType::Model, "microsoft/git-base"),
                 std::string("models--microsoft--git-base"));
        QCOMPARE(hubRepoFolderName(HubRepoType::Dataset, "lambdalabs/pokemon-blip-captions"),
                 std::string("datasets--lambdalabs--pokemon-blip-captions"));
        QCOMPARE(normalizeEtag("W/\"abc123\""), std::string("abc123"));
        QCOMPARE(normalizeEtag("\"abc\""), std::string("abc"));
        std::string why;
        QVERIFY(isValidHubRepoId("microsoft/git-base"));
        QVERIFY(!isValidHubRepoId("a/b/c", &why));
        QCOMPARE(why, std::string("a repository id is 'name' or 'namespace/name', with at most one '/'"));
        QVERIFY(!isValidHubRepoId("org/my--model", &why));
        QCOMPARE(why, std::string("'--' and '..' are not allowed in a repository id"));
        const auto repo = hubRepoFromCachePath("/x/hub/datasets--lambdalabs--pokemon-blip-captions/snapshots/abc/data");
        QVERIFY(repo);
        QCOMPARE(repo->first, HubRepoType::Dataset);
        QCOMPARE(repo->second, std::string("lambdalabs/pokemon-blip-captions"));

        QTemporaryDir home;
        qputenv("HF_HOME", home.path().toUtf8());
        qunsetenv("HF_HUB_CACHE");
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_TOKEN_PATH");
        QCOMPARE(QString::fromStdString(hfHubCacheDir()), home.path() + QStringLiteral("/hub"));
        QCOMPARE(hfToken(), std::string());
        testsupport::writeFile(home.path().toStdString() + "/token", "hf_from_file\n");
        QCOMPARE(hfToken(), std::string("hf_from_file"));
        qputenv("HF_TOKEN", "hf_from_env");
        QCOMPARE(hfToken(), std::string("hf_from_env"));
        qputenv("HF_HUB_CACHE", "/elsewhere/hub");
        qputenv("HF_ENDPOINT", "http://mirror.example:8080/");
        const HubSettings s = HubSettings::fromEnvironment();
        QCOMPARE(s.cacheDir, QStringLiteral("/elsewhere/hub"));
        QCOMPARE(s.endpoint, QStringLiteral("http://mirror.example:8080"));
        QCOMPARE(s.token, QStringLiteral("hf_from_env"));
        for (const char* v : {"HF_HOME", "HF_HUB_CACHE", "HF_TOKEN", "HF_ENDPOINT"}) qunsetenv(v);
        qputenv("https_proxy", "http://proxy.example:3128");
        QCOMPARE(
            describeNetworkError(QStringLiteral("Connection refused"), QStringLiteral("https://huggingface.co")),
            QStringLiteral(
                "cannot reach https://huggingface.co through the proxy http://proxy.example:3128 (Connection refused): check "
                "the connection or the proxy (https_proxy), or set HF_HUB_OFFLINE=1 to use only what is in the cache"));
        qunsetenv("https_proxy");

        RepoRef ref{HubRepoType::Dataset, QStringLiteral("org/data"), QStringLiteral("refs/pr/1")};
        QCOMPARE(resolveUrl(s, ref, ref.revision, QStringLiteral("data/train 1.parquet")).toString(QUrl::FullyEncoded),
                 QStringLiteral(
                     "http://mirror.example:8080/datasets/org/data/resolve/refs%2Fpr%2F1/data/train%201.parquet"));
        QCOMPARE(listingUrl(s, ref).toString(QUrl::FullyEncoded),
                 QStringLiteral("http://mirror.example:8080/api/datasets/org/data/revision/refs%2Fpr%2F1?blobs=true"));
    }

    void downloadWritesHuggingFaceLayout() {
        auto d = download(QStringLiteral("org/tiny-git"), QStringLiteral("main"), true);
        QVERIFY2(d->errorString().isEmpty(), qPrintable(d->errorString()));
        const QString commit = m_hub->repos["models/org/tiny-git"].commit;
        const QString dir = repoDir(QStringLiteral("org/tiny-git"));
        QCOMPARE(d->commit(), commit);
        QCOMPARE(d->snapshotPath(), dir + QStringLiteral("/snapshots/") + commit);
        const QString cfgBlob = QString::fromLatin1(gitSha1(m_config)),
                      wBlob = QString::fromLatin1(sha256Hex(m_weights)), vBlob = QString::fromLatin1(gitSha1(m_vocab));
        QStringList expected{QStringLiteral("blobs/") + cfgBlob,
                             QStringLiteral("blobs/") + wBlob,
                             QStringLiteral("blobs/") + vBlob,
                             QStringLiteral("refs/main"),
                             QStringLiteral("snapshots/%1/config.json").arg(commit),
                             QStringLiteral("snapshots/%1/model.safetensors").arg(commit),
                             QStringLiteral("snapshots/%1/vocab.txt").arg(commit)};
        expected.sort();
        QStringList actual;
        QDirIterator it(dir, QDir::Files | QDir::System | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) actual << QDir(dir).relativeFilePath(it.next());
        actual.sort();
        QCOMPARE(actual, expected);
        QCOMPARE(readAll(dir + QStringLiteral("/refs/main")), commit.toLatin1());
        QCOMPARE(linkText(d->snapshotPath() + QStringLiteral("/config.json")),
                 QStringLiteral("../../blobs/") + cfgBlob);
        QCOMPARE(linkText(d->snapshotPath() + QStringLiteral("/model.safetensors")),
                 QStringLiteral("../../blobs/") + wBlob);
        QCOMPARE(readAll(d->snapshotPath() + QStringLiteral("/model.safetensors")), m_weights);
        QCOMPARE(readAll(d->snapshotPath() + QStringLiteral("/config.json")), m_config);
        QCOMPARE(readAll(d->snapshotPath() + QStringLiteral("/vocab.txt")), m_vocab);
        QCOMPARE(d->files(), (QStringList{QStringLiteral("config.json"), QStringLiteral("model.safetensors"),
                                          QStringLiteral("vocab.txt")}));
        // The token went to the endpoint, never to the CDN the LFS file was redirected to.
        QCOMPARE(m_hub->logMatching(QStringLiteral("/cdn/")),
                 QStringList{QStringLiteral("GET /cdn/%1 auth=no").arg(wBlob)});
        QCOMPARE(m_hub->logMatching(QStringLiteral("HEAD /org/tiny-git/resolve/%1/model.safetensors").arg(commit)),
                 QStringList{QStringLiteral("HEAD /org/tiny-git/resolve/%1/model.safetensors auth=yes").arg(commit)});

        // The cache scan sees it; a second download fetches nothing.
        const auto repos = scanHfCache((m_home.path() + QStringLiteral("/hub")).toStdString());
        QCOMPARE(repos.size(), size_t(1));
        QCOMPARE(repos[0].repoId, std::string("org/tiny-git"));
        QCOMPARE(repos[0].refs.at("main"), commit.toStdString());
        QCOMPARE(repos[0].sizeOnDisk, int64_t(m_config.size() + m_weights.size() + m_vocab.size()));
        QCOMPARE(repos[0].preferredSnapshot()->files,
                 (std::vector<std::string>{"config.json", "model.safetensors", "vocab.txt"}));
        QCOMPARE(QString::fromStdString(cachedSnapshotPath((m_home.path() + QStringLiteral("/hub")).toStdString(),
                                                           HubRepoType::Model, "org/tiny-git", "main")),
                 d->snapshotPath());
        m_hub->log.clear();
        auto again = download(QStringLiteral("org/tiny-git"));
        QVERIFY2(again->errorString().isEmpty(), qPrintable(again->errorString()));
        QCOMPARE(m_hub->logMatching(QStringLiteral("GET ")).size(), 1); // the listing only
    }

    void allFilesAndDatasets() {
        auto d = download(QStringLiteral("org/tiny-git"), QStringLiteral("main"), false, true);
        QVERIFY2(d->errorString().isEmpty(), qPrintable(d->errorString()));
        QCOMPARE(d->files().size(), 5);
        QCOMPARE(readAll(d->snapshotPath() + QStringLiteral("/runs/events.log")), QByteArray("not needed either"));
        QCOMPARE(linkText(d->snapshotPath() + QStringLiteral("/runs/events.log")),
                 QStringLiteral("../../../blobs/") + QString::fromLatin1(gitSha1("not needed either")));

        m_hub->addFile(QStringLiteral("datasets/org/pokemon"), QStringLiteral("data/train-00000-of-00001.parquet"),
                       randomBytes(5000, 3), true);
        m_hub->addFile(QStringLiteral("datasets/org/pokemon"), QStringLiteral("README.md"), "# captions\n", false);
        auto ds = download(QStringLiteral("org/pokemon"), QStringLiteral("main"), false, false, HubRepoType::Dataset);
        QVERIFY2(ds->errorString().isEmpty(), qPrintable(ds->errorString()));
        QVERIFY(
            ds->snapshotPath().startsWith(m_home.path() + QStringLiteral("/hub/datasets--org--pokemon/snapshots/")));
        QCOMPARE(ds->files(),
                 (QStringList{QStringLiteral("README.md"), QStringLiteral("data/train-00000-of-00001.parquet")}));
        QCOMPARE(readAll(ds->snapshotPath() + QStringLiteral("/data/train-00000-of-00001.parquet")),
                 randomBytes(5000, 3));
    }

    void privateRepoNeedsToken() {
        m_hub->repos["models/org/tiny-git"].isPrivate = true;
        auto anon = download(QStringLiteral("org/tiny-git"));
        QCOMPARE(
            anon->errorString(),
            QStringLiteral(
                "model org/tiny-git needs authentication (401 Unauthorized): it is private or gated, or does not exist; "
                "set HF_TOKEN (or run `huggingface-cli login`) with a token that can read it (the Hub says: Invalid "
                "username or password.)"));
        QVERIFY(!QFileInfo::exists(repoDir(QStringLiteral("org/tiny-git"))));
        auto authed = download(QStringLiteral("org/tiny-git"), QStringLiteral("main"), true);
        QVERIFY2(authed->errorString().isEmpty(), qPrintable(authed->errorString()));
        QCOMPARE(readAll(authed->snapshotPath() + QStringLiteral("/model.safetensors")), m_weights);
    }

    void notFoundNamesWhat() {
        QCOMPARE(
            download(QStringLiteral("org/missing"))->errorString(),
            QStringLiteral(
                "model org/missing not found (404): check the id and the type (--repo-type), or set HF_TOKEN if it is "
                "private (the Hub says: Repository not found)"));
        QCOMPARE(download(QStringLiteral("org/tiny-git"), QStringLiteral("v9"))->errorString(),
                 QStringLiteral("revision \"v9\" not found in model org/tiny-git (the Hub says: Invalid rev id: v9)"));
        QCOMPARE(download(QStringLiteral("bad id!"))->errorString(),
                 QStringLiteral(
                     "\"bad id!\" is not a repository id: the name may hold only letters, digits, '-', '_' and '.'"));
        QCOMPARE(describeHttpError(404, "EntryNotFound", {},
                                   RepoRef{HubRepoType::Model, QStringLiteral("o/n"), QStringLiteral("main")},
                                   QStringLiteral("vocab.txt"), false),
                 QStringLiteral("file \"vocab.txt\" not found in model o/n at revision \"main\""));
        QCOMPARE(
            describeHttpError(403, "GatedRepo", {},
                              RepoRef{HubRepoType::Model, QStringLiteral("o/n"), QStringLiteral("main")}, {}, true),
            QStringLiteral("model o/n is gated: accept its conditions on the Hub's page, then set HF_TOKEN (or run "
                           "`huggingface-cli login`) with a token of that account"));
    }

    // The Hub's listing from a hostile or broken server (found by tests/fuzz/fuzz_hub): sizes that are
    // no whole number of bytes are refused with the file named, never cast (1e107 to an integer was
    // undefined behaviour); good sizes still read.
    void hostileListingRefused() {
        const QByteArray head = R"({"sha": "0123456789abcdef0123456789abcdef01234567", "siblings": [)";
        const auto listingWith = [&](const QByteArray& sibling) { return head + sibling + "]}"; };
        const QString subject = QStringLiteral("model o/n");
        const RepoListing ok = parseRepoListing(
            listingWith(R"({"rfilename": "config.json", "size": 863}, {"rfilename": "model.safetensors", "size": 134,
                "lfs": {"sha256": "ab", "size": 9007199254740992}})"),
            subject);
        QCOMPARE(ok.files.size(), 2);
        QCOMPARE(ok.files[0].size, qint64(863));
        QCOMPARE(ok.files[1].size, qint64(9007199254740992));
        const std::pair<QByteArray, QString> bad[] = {
            {R"({"rfilename": "a.bin", "size": 2.11909e+107})", QStringLiteral("2.11909e+107")},
            {R"({"rfilename": "a.bin", "size": -5})", QStringLiteral("-5")},
            {R"({"rfilename": "a.bin", "size": 1.5})", QStringLiteral("1.5")},
            {R"({"rfilename": "a.bin", "size": "12"})", QStringLiteral("\"12\"")},
            {R"({"rfilename": "a.bin", "size": 1, "lfs": {"sha256": "ab", "size": 1e19}})", QStringLiteral("1e+19")},
        };
        for (const auto& [sibling, shown] : bad) {
            try {
                parseRepoListing(listingWith(sibling), subject);
                QFAIL(qPrintable("accepted: " + QString::fromUtf8(sibling)));
            } catch (const captioner::Error& e) {
                QCOMPARE(QString::fromStdString(e.what()),
                         QStringLiteral("model o/n: the Hub's file list gives \"a.bin\" an impossible size (%1)")
                             .arg(shown));
            }
        }
    }

    void interruptedTransferResumes() {
        const QString wBlob = QString::fromLatin1(sha256Hex(m_weights));
        const QString incomplete =
            repoDir(QStringLiteral("org/tiny-git")) + QStringLiteral("/blobs/") + wBlob + QStringLiteral(".incomplete");
        m_hub->interruptAfter = 100000;
        auto first = download(QStringLiteral("org/tiny-git"));
        QVERIFY2(first->errorString().startsWith(
                     QStringLiteral("model.safetensors: the transfer stopped after 100000 of 300000 bytes (")),
                 qPrintable(first->errorString()));
        QVERIFY2(first->errorString().endsWith(
                     QStringLiteral("); the part is kept in %1 and the next download resumes from it").arg(incomplete)),
                 qPrintable(first->errorString()));
        // The partial file is never taken for the blob: no blob, no snapshot link for it.
        QCOMPARE(readAll(incomplete), m_weights.left(100000));
        QVERIFY(!QFileInfo::exists(repoDir(QStringLiteral("org/tiny-git")) + QStringLiteral("/blobs/") + wBlob));
        const QString commit = m_hub->repos["models/org/tiny-git"].commit;
        QVERIFY(!QFileInfo(repoDir(QStringLiteral("org/tiny-git")) +
                           QStringLiteral("/snapshots/%1/model.safetensors").arg(commit))
                     .isSymLink());
        QVERIFY(scanHfCache((m_home.path() + QStringLiteral("/hub")).toStdString())[0].snapshots.empty() ||
                scanHfCache((m_home.path() + QStringLiteral("/hub")).toStdString())[0].snapshots[0].files ==
                    std::vector<std::string>{"config.json"});

        m_hub->log.clear();
        auto second = download(QStringLiteral("org/tiny-git"));
        QVERIFY2(second->errorString().isEmpty(), qPrintable(second->errorString()));
        // Qt's HTTP stack may still resend the cut request once on its own (no Range, aborted by the client
        // at once): only the ranged request counts here.
        QCOMPARE(m_hub->logMatching(QStringLiteral("/cdn/")).filter(QStringLiteral("range=")),
                 QStringList{QStringLiteral("GET /cdn/%1 auth=no range=bytes=100000-").arg(wBlob)});
        QCOMPARE(readAll(second->snapshotPath() + QStringLiteral("/model.safetensors")), m_weights);
        QVERIFY(!QFileInfo::exists(incomplete));
    }

    void corruptDownloadIsRemoved() {
        m_hub->corrupt = true;
        auto d = download(QStringLiteral("org/tiny-git"));
        const QString wBlob = QString::fromLatin1(sha256Hex(m_weights));
        QByteArray bad = m_weights;
        bad[0] = static_cast<char>(bad[0] ^ 0x55);
        QCOMPARE(d->errorString(),
                 QStringLiteral("model.safetensors: checksum mismatch (expected sha256 %1, got %2); the download was "
                                "removed, try again")
                     .arg(wBlob, QString::fromLatin1(sha256Hex(bad))));
        QVERIFY(!QFileInfo::exists(repoDir(QStringLiteral("org/tiny-git")) + QStringLiteral("/blobs/") + wBlob +
                                   QStringLiteral(".incomplete")));
        QVERIFY(!QFileInfo::exists(repoDir(QStringLiteral("org/tiny-git")) + QStringLiteral("/blobs/") + wBlob));
    }

    void diskFullNamesTheFile() {
        if (!QFileInfo::exists(QStringLiteral("/dev/full"))) QSKIP("no /dev/full here");
        const QString blobs = repoDir(QStringLiteral("org/tiny-git")) + QStringLiteral("/blobs");
        QVERIFY(QDir().mkpath(blobs));
        const QString incomplete =
            blobs + QLatin1Char('/') + QString::fromLatin1(gitSha1(m_config)) + QStringLiteral(".incomplete");
        QVERIFY(QFile::link(QStringLiteral("/dev/full"), incomplete)); // every write fails with ENOSPC
        auto d = download(QStringLiteral("org/tiny-git"));
        QCOMPARE(d->errorString(), QStringLiteral("%1: cannot write (No space left on device)").arg(incomplete));
        QVERIFY(!QFileInfo::exists(blobs + QLatin1Char('/') + QString::fromLatin1(gitSha1(m_config))));
    }

    void offlineAndUnreachable() {
        HubDownload::Options o;
        o.repo.id = QStringLiteral("org/tiny-git");
        HubSettings s = settings();
        s.offline = true;
        HubDownload offline(s, o);
        QVERIFY(!runDownload(offline));
        QCOMPARE(
            offline.errorString(),
            QStringLiteral("HF_HUB_OFFLINE is set and the cache %1 holds no model org/tiny-git at revision \"main\"")
                .arg(s.cacheDir));
        // A port nobody listens on: connection refused.
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        HubSettings refused = settings();
        refused.endpoint = QStringLiteral("http://127.0.0.1:%1").arg(port);
        HubDownload down(refused, o);
        QVERIFY(!runDownload(down));
        QCOMPARE(
            down.errorString(),
            QStringLiteral("cannot reach http://127.0.0.1:%1 (Connection refused): check the connection or the proxy "
                           "(https_proxy), or set HF_HUB_OFFLINE=1 to use only what is in the cache")
                .arg(port));
        // Once cached, both fall back to the snapshot.
        QVERIFY(download(QStringLiteral("org/tiny-git"))->errorString().isEmpty());
        HubDownload offline2(s, o), down2(refused, o);
        QVERIFY(runDownload(offline2));
        QVERIFY(runDownload(down2));
        QVERIFY(down2.fromCacheOnly());
        QCOMPARE(down2.snapshotPath(), repoDir(QStringLiteral("org/tiny-git")) + QStringLiteral("/snapshots/") +
                                           m_hub->repos["models/org/tiny-git"].commit);
        QCOMPARE(down2.files(), (QStringList{QStringLiteral("config.json"), QStringLiteral("model.safetensors"),
                                             QStringLiteral("vocab.txt")}));
    }

    void cancelKeepsPartialFile() {
        HubDownload::Options o;
        o.repo.id = QStringLiteral("org/tiny-git");
        HubDownload d(settings(), o);
        QObject::connect(&d, &HubDownload::status, &d, [&d](const QString& text) {
            if (text.startsWith(QLatin1String("model.safetensors: downloading"))) d.cancel();
        });
        QVERIFY(!runDownload(d));
        QVERIFY2(d.errorString().startsWith(QStringLiteral("cancelled")), qPrintable(d.errorString()));
        const QString wBlob = QString::fromLatin1(sha256Hex(m_weights));
        QVERIFY(!QFileInfo::exists(repoDir(QStringLiteral("org/tiny-git")) + QStringLiteral("/blobs/") + wBlob));
    }

    void modelCard() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        testsupport::writeFile(d + "/trainer_state.json",
                               R"({"global_step": 1500, "epoch": 5.319, "best_metric": 0.6522,
            "best_model_checkpoint": "/somewhere/checkpoint-1500", "captioner": {"metric_for_best_model": "eval_loss"},
            "log_history": [{"step": 500, "eval_loss": 0.9},
                            {"step": 1500, "epoch": 5.32, "eval_loss": 0.65219, "eval_wer": 0.62388, "eval_wer_teacher_forced": 0.36813,
                             "eval_rouge_l": 0.52795, "eval_bleu4": 0.20378, "eval_cider": 2.15554, "eval_count": 500},
                            {"step": 1500, "train_loss": 0.84}]})");
        QVERIFY(QDir().mkpath(dir.path() + QStringLiteral("/checkpoint-1500")));
        testsupport::writeFile(d + "/checkpoint-1500/training_args.json",
                               R"({"model": "/home/u/.cache/huggingface/hub/models--microsoft--git-base/snapshots/abc",
                                   "data": "/home/u/.cache/huggingface/hub/datasets--lambdalabs--pokemon-blip-captions/snapshots/def",
                                   "learning_rate": 5e-05, "per_device_train_batch_size": 2, "max_steps": 1500, "seed": 42,
                                   "precision": "fp32", "lr_scheduler_type": "linear"})");
        ModelCardOptions o;
        o.repoId = "me/git-pokemon";
        const std::string card = modelCardMarkdown(d, o);
        const std::string front =
            "---\nlibrary_name: transformers\nbase_model: microsoft/git-base\ndatasets:\n- lambdalabs/pokemon-blip-captions\n"
            "pipeline_tag: image-to-text\ntags:\n- image-to-text\n- image-captioning\n- git\n- captioner\n"
            "metrics:\n- wer\n- rouge\n- bleu\n---\n\n# me/git-pokemon\n\n";
        QCOMPARE(card.substr(0, front.size()), front);
        const std::string results =
            "Final evaluation (step 1500, epoch 5.32, 500 held-out images):\n\n| Metric | Value |\n| --- | --- |\n"
            "| Loss | 0.6522 |\n| WER (generated captions) | 0.6239 |\n"
            "| WER (teacher-forced argmax, as in the fine-tuning guide) | 0.3681 |\n| ROUGE-L | 0.5280 |\n"
            "| BLEU-4 | 0.2038 |\n| CIDEr-D | 2.1555 |\n\nBest checkpoint: `checkpoint-1500` (eval_loss 0.6522).\n";
        QVERIFY2(card.find(results) != std::string::npos, card.c_str());
        for (const char* row :
             {"| learning_rate | 5e-05 |\n", "| per_device_train_batch_size | 2 |\n",
              "| lr_scheduler_type | linear |\n", "Trained for 1500 optimizer steps (5.32 epochs).",
              "AutoModelForCausalLM.from_pretrained(\"me/git-pokemon\")", "## Intended use and limitations\n"})
            QVERIFY2(card.find(row) != std::string::npos, row);
        QVERIFY(writeModelCard(d, o));
        QCOMPARE(testsupport::readFile(d + "/README.md"), card);
        testsupport::writeFile(d + "/README.md", "mine\n");
        QVERIFY(!writeModelCard(d, o)); // an existing card is kept
        QCOMPARE(testsupport::readFile(d + "/README.md"), std::string("mine\n"));
        testsupport::writeFile(d + "/trainer_state.json", "{broken");
        try {
            modelCardMarkdown(d, o);
            QFAIL("no error for a broken trainer_state.json");
        } catch (const captioner::Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), dir.path() + QStringLiteral("/trainer_state.json"));
            QVERIFY2(e.reason().rfind("not valid JSON", 0) == 0, e.reason().c_str());
        }
    }

    void pushThenDownloadGivesIdenticalFiles() {
        QTemporaryDir tmp;
        const QString model = tmp.path() + QStringLiteral("/model");
        std::shared_ptr<Tokenizer> tokenizer =
            WordPieceTokenizer::fromVocabFile(testsupport::fixture("pipeline/vocab_small.txt"));
        saveCheckpoint(initCheckpoint(presetConfig("tiny"), tokenizer, 7), model.toStdString());
        testsupport::writeFile(
            model.toStdString() + "/trainer_state.json",
            R"({"global_step": 10, "log_history": [{"step": 10, "eval_loss": 1.5, "eval_wer": 0.75}]})");
        QVERIFY(QDir().mkpath(model + QStringLiteral("/checkpoint-10")));
        testsupport::writeFile(model.toStdString() + "/checkpoint-10/optimizer.safetensors", "left out of the push");
        const QStringList local = tree(model);

        HubPush::Options o;
        o.folder = model;
        o.repo.id = QStringLiteral("me/tiny-captioner");
        o.isPrivate = true;
        o.message = QStringLiteral("First model");
        o.card.baseModel = "microsoft/git-base";
        HubPush noToken(settings(false), o);
        QVERIFY(!runPush(noToken));
        QCOMPARE(noToken.errorString(),
                 QStringLiteral("pushing to model me/tiny-captioner needs a write token: set HF_TOKEN (or run "
                                "`huggingface-cli login`)"));
        m_hub->multipartChunk = 1000000; // model.safetensors (1.7 MB) goes multipart, the rest basic
        HubPush push(settings(true), o);
        QVERIFY2(runPush(push), qPrintable(push.errorString()));
        QVERIFY(push.wroteModelCard());
        const FakeRepo& repo = m_hub->repos["models/me/tiny-captioner"];
        QCOMPARE(push.commitOid(), repo.commit);
        QVERIFY(repo.isPrivate);
        QCOMPARE(m_hub->createBodies.size(), 1);
        QCOMPARE(QJsonDocument(m_hub->createBodies[0]).toJson(QJsonDocument::Compact),
                 QByteArray(R"({"name":"tiny-captioner","organization":"me","private":true})"));
        QStringList pushed = repo.files.keys();
        QStringList expected{QStringLiteral("README.md"), QStringLiteral("config.json"),
                             QStringLiteral("model.safetensors"), QStringLiteral("preprocessor_config.json"),
                             QStringLiteral("trainer_state.json")};
        for (const QString& f : local)
            if (!f.startsWith(QLatin1String("checkpoint-")) && !expected.contains(f)) expected << f;
        expected.sort();
        QCOMPARE(pushed, expected);
        QCOMPARE(repo.lfs, QSet<QString>{QStringLiteral("model.safetensors")});
        QVERIFY(!m_hub->logMatching(QStringLiteral("PUT /lfs-part/")).isEmpty());
        QCOMPARE(m_hub->logMatching(QStringLiteral("PUT /lfs-part/")).filter(QStringLiteral("auth=yes")),
                 QStringList());
        const QList<QByteArray> lines = m_hub->commitBodies.last().split('\n');
        QCOMPARE(lines.first(), QByteArray(R"({"key":"header","value":{"description":"","summary":"First model"}})"));
        QVERIFY(m_hub->commitBodies.last().contains(
            R"({"key":"lfsFile","value":{"algo":"sha256","oid":")" +
            sha256Hex(readAll(model + QStringLiteral("/model.safetensors"))) +
            R"(","path":"model.safetensors","size":)" +
            QByteArray::number(QFileInfo(model + QStringLiteral("/model.safetensors")).size()) + "}}"));
        QVERIFY(readAll(model + QStringLiteral("/README.md"))
                    .startsWith("---\nlibrary_name: transformers\nbase_model: microsoft/git-base\n"));

        // Pushing again: the repository exists (409) and the LFS object is already there.
        m_hub->log.clear();
        HubPush again(settings(true), o);
        QVERIFY2(runPush(again), qPrintable(again.errorString()));
        QCOMPARE(m_hub->logMatching(QStringLiteral("PUT ")), QStringList());

        auto back = download(QStringLiteral("me/tiny-captioner"), QStringLiteral("main"), true, true);
        QVERIFY2(back->errorString().isEmpty(), qPrintable(back->errorString()));
        for (const QString& f : expected)
            QVERIFY2(readAll(back->snapshotPath() + QLatin1Char('/') + f) == readAll(model + QLatin1Char('/') + f),
                     qPrintable(f));
        QCOMPARE(back->files(), expected);
        // And the downloaded folder loads as a checkpoint.
        const GitCheckpoint loaded = loadCheckpoint(back->snapshotPath().toStdString());
        QCOMPARE(loaded.parameterCount(), int64_t(428556));
    }

    void cliDownloadAndList() {
        if (!QFileInfo::exists(testsupport::captionerBin())) QSKIP("the captioner CLI is not built");
        auto run = [&](const QStringList& args, const QString& token = QString()) {
            auto options = testsupport::CliOptions()
                               .withEnv(QStringLiteral("HF_ENDPOINT"), m_hub->endpoint())
                               .withEnv(QStringLiteral("HF_HOME"), m_home.path())
                               .withoutEnv(QStringLiteral("HF_HUB_CACHE"))
                               .withoutEnv(QStringLiteral("HF_TOKEN"))
                               .waitingInEventLoop(); // the server answers from this thread's event loop
            if (!token.isEmpty()) options.withEnv(QStringLiteral("HF_TOKEN"), token);
            const auto r = testsupport::runCli(args, options);
            return std::make_tuple(r.exitCode, r.out, r.err);
        };
        const auto [code, out, err] =
            run({QStringLiteral("hub"), QStringLiteral("download"), QStringLiteral("org/tiny-git")});
        QVERIFY2(code == 0, qPrintable(err));
        const QString snapshot = repoDir(QStringLiteral("org/tiny-git")) + QStringLiteral("/snapshots/") +
                                 m_hub->repos["models/org/tiny-git"].commit;
        QCOMPARE(out, snapshot + QLatin1Char('\n'));
        QVERIFY2(err.contains(QStringLiteral("model.safetensors: done (300.0 kB, sha256 verified)")), qPrintable(err));
        const auto [code2, out2, err2] = run({QStringLiteral("hub"), QStringLiteral("download"),
                                              QStringLiteral("org/tiny-git"), QStringLiteral("--json")});
        QCOMPARE(code2, 0);
        const QJsonObject last =
            QJsonDocument::fromJson(out2.trimmed().split(QLatin1Char('\n')).last().toUtf8()).object();
        QCOMPARE(last.value(QStringLiteral("event")).toString(), QStringLiteral("done"));
        QCOMPARE(last.value(QStringLiteral("snapshot")).toString(), snapshot);
        const auto [code3, out3, err3] = run({QStringLiteral("hub"), QStringLiteral("list")});
        QCOMPARE(code3, 0);
        QCOMPARE(out3, QStringLiteral("Hugging Face cache: %1/hub\nmodel\torg/tiny-git\t300.0 kB\tmain\t%2\n")
                           .arg(m_home.path(), snapshot));
        const auto [code4, out4, err4] =
            run({QStringLiteral("hub"), QStringLiteral("download"), QStringLiteral("org/nothing")});
        QCOMPARE(code4, 1);
        QCOMPARE(err4.split(QLatin1Char('\n')).filter(QStringLiteral("error:")),
                 QStringList{QStringLiteral(
                     "captioner hub: error: model org/nothing not found (404): check the id and the type "
                     "(--repo-type), or set HF_TOKEN if it is private (the Hub says: Repository not found)")});

        // Push through the CLI: the token from HF_TOKEN, a model card written first, one commit.
        QTemporaryDir folder;
        testsupport::writeFile(folder.path().toStdString() + "/config.json", m_config.toStdString());
        const auto [code5, out5, err5] =
            run({QStringLiteral("hub"), QStringLiteral("push"), folder.path(), QStringLiteral("me/cli-model"),
                 QStringLiteral("--base-model"), QStringLiteral("microsoft/git-base")},
                QString::fromLatin1(kToken));
        QVERIFY2(code5 == 0, qPrintable(err5));
        const FakeRepo& pushed = m_hub->repos["models/me/cli-model"];
        QCOMPARE(out5, QStringLiteral("pushed %1 to me/cli-model: commit %2 %3/me/cli-model/commit/%2\n")
                           .arg(folder.path(), pushed.commit, m_hub->endpoint()));
        QCOMPARE(pushed.files.keys(), (QStringList{QStringLiteral("README.md"), QStringLiteral("config.json")}));
        QCOMPARE(pushed.files[QStringLiteral("README.md")], readAll(folder.path() + QStringLiteral("/README.md")));
        QVERIFY(pushed.files[QStringLiteral("README.md")].startsWith(
            "---\nlibrary_name: transformers\nbase_model: microsoft/git-base\n"));
        QVERIFY(!pushed.isPrivate);
    }
};

QTEST_GUILESS_MAIN(TestHub)
#include "test_hub.moc"
