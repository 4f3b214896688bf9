// The Hugging Face dialogs through their controls: the cache dialog lists a cache laid out as
// huggingface_hub writes it and opens the chosen repository; the download dialog fetches from the
// local Hub (tests/support/fake_hub.h, on 127.0.0.1 through HF_ENDPOINT) with progress and shows the
// Hub's 404 message; the push dialog previews the model card and says when there is no token; the
// Model panel's "Get microsoft/git-base from Hugging Face" downloads that repository and opens it.
// Every control is named for assistive technology.
#include "captioner/hf_cache.h"

#include "captioner_ui/caption_page.h"
#include "captioner_ui/hub_dialogs.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/model_panel.h"
#include "fake_hub.h"
#include "test_support.h"

#include <QAbstractButton>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMenu>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace captioner;
using namespace captioner::ui;
using testsupport::gitSha1;

namespace {

const QByteArray kConfig = "{\"model_type\": \"git\"}\n";
const QByteArray kCommit = "0123456789abcdef0123456789abcdef01234567";

void addCachedRepo(const QString& cache, HubRepoType type, const std::string& id, const QByteArray& bytes,
                   const QString& file) {
    const std::string repo = hfRepoCacheDir(cache.toStdString(), type, id);
    const std::string etag = gitSha1(bytes).toStdString();
    QDir().mkpath(QString::fromStdString(repo) + QStringLiteral("/blobs"));
    testsupport::writeFile(hfBlobPath(repo, etag), bytes.toStdString());
    hfLinkSnapshotFile(repo, kCommit.toStdString(), file.toStdString(), etag);
    hfWriteRef(repo, "main", kCommit.toStdString());
}

// Every widget that takes focus has an accessible name (or a visible text that serves as one).
void checkAccessible(QWidget* root) {
    for (QWidget* w : root->findChildren<QWidget*>()) {
        if (w->focusPolicy() == Qt::NoFocus || !w->isVisibleTo(root)) continue;
        const auto* button = qobject_cast<QAbstractButton*>(w);
        const bool named = !w->accessibleName().isEmpty() || (button && !button->text().isEmpty());
        QVERIFY2(named, qPrintable(QStringLiteral("%1 (%2) has no accessible name")
                                       .arg(w->objectName(), QLatin1String(w->metaObject()->className()))));
    }
}

} // namespace

class TestHubDialogs : public QObject {
    Q_OBJECT
    QTemporaryDir m_home;

private slots:
    void init() {
        QDir(m_home.path() + QStringLiteral("/hub")).removeRecursively();
        qputenv("HF_HUB_CACHE", (m_home.path() + QStringLiteral("/hub")).toUtf8());
        qputenv("HF_TOKEN_PATH", (m_home.path() + QStringLiteral("/no-token")).toUtf8());
        qunsetenv("HF_TOKEN");
        qunsetenv("HF_HUB_OFFLINE");
    }

    void cacheDialogListsAndOpens() {
        const QString cache = m_home.path() + QStringLiteral("/hub");
        addCachedRepo(cache, HubRepoType::Model, "org/tiny", kConfig, QStringLiteral("config.json"));
        addCachedRepo(cache, HubRepoType::Dataset, "org/shapes", "a,b\n", QStringLiteral("data/train.csv"));
        HubCacheDialog dialog;
        dialog.show();
        QTRY_COMPARE(dialog.repoCount(), 2);
        auto* list = dialog.findChild<QTreeWidget*>(QStringLiteral("hubCacheList"));
        QCOMPARE(list->topLevelItem(0)->text(0), QStringLiteral("org/shapes"));
        QCOMPARE(list->topLevelItem(0)->text(1), QStringLiteral("Dataset"));
        QCOMPARE(list->topLevelItem(0)->text(2), QStringLiteral("main"));
        QCOMPARE(list->topLevelItem(0)->text(3), QStringLiteral("4 bytes"));
        QCOMPARE(list->topLevelItem(1)->text(0), QStringLiteral("org/tiny"));
        QCOMPARE(list->topLevelItem(1)->text(4), QStringLiteral("1"));
        QCOMPARE(dialog.findChild<QLabel*>(QStringLiteral("hubCacheSummary"))->text(),
                 QStringLiteral("2 repositories, 26 bytes in %1 (shared with Python's huggingface_hub).")
                     .arg(QDir::toNativeSeparators(cache)));
        checkAccessible(&dialog);
        if (QTest::currentTestFailed()) return;
        QSignalSpy open(&dialog, &HubCacheDialog::openRequested);
        list->setCurrentItem(list->topLevelItem(0));
        dialog.findChild<QPushButton*>(QStringLiteral("hubCacheOpen"))->click();
        QCOMPARE(open.size(), 1);
        QCOMPARE(open[0][0].toString(),
                 cache + QStringLiteral("/datasets--org--shapes/snapshots/") + QString::fromLatin1(kCommit));
        QCOMPARE(open[0][1].toBool(), true);
    }

    // The model and dataset pickers (the Model panel's and File › Recent menus) offer the cache too:
    // one action per repo, models only with a config.json, opening the snapshot folder.
    void pickerMenusOfferCachedRepos() {
        const QString cache = m_home.path() + QStringLiteral("/hub");
        addCachedRepo(cache, HubRepoType::Model, "org/tiny", kConfig, QStringLiteral("config.json"));
        addCachedRepo(cache, HubRepoType::Model, "org/no-config", "x", QStringLiteral("weights.bin"));
        addCachedRepo(cache, HubRepoType::Dataset, "org/shapes", "a,b\n", QStringLiteral("data/train.csv"));
        QList<QPair<QString, bool>> opened;
        auto record = [&opened](const QString& path, bool isModel) { opened.append({path, isModel}); };
        QMenu models;
        QCOMPARE(addHubCacheActions(&models, true, false, record), 1);
        QStringList texts;
        for (QAction* a : models.actions())
            texts << (a->isSeparator() ? QStringLiteral("[%1]").arg(a->text()) : a->text());
        QCOMPARE(texts,
                 (QStringList{QStringLiteral("[Hugging Face cache: models]"), QStringLiteral("org/tiny · main")}));
        models.actions().last()->trigger();
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened[0].first,
                 cache + QStringLiteral("/models--org--tiny/snapshots/") + QString::fromLatin1(kCommit));
        QCOMPARE(opened[0].second, true);

        QMenu both;
        QCOMPARE(addHubCacheActions(&both, true, true, record), 2);
        both.actions().last()->trigger();
        QCOMPARE(opened.last().first,
                 cache + QStringLiteral("/datasets--org--shapes/snapshots/") + QString::fromLatin1(kCommit));
        QCOMPARE(opened.last().second, false);

        QDir(cache).removeRecursively();
        QMenu empty;
        QCOMPARE(addHubCacheActions(&empty, true, true, record), 0);
        QVERIFY(empty.actions().isEmpty());
    }

    void downloadDialogFetchesAndOpens() {
        // Just enough Hub for one model with one file: the listing, and resolve by commit.
        testsupport::FakeHub hub;
        hub.addFile(QStringLiteral("models/org/tiny"), QStringLiteral("config.json"), kConfig, false);
        hub.repos["models/org/tiny"].commit = QString::fromLatin1(kCommit);
        qputenv("HF_ENDPOINT", hub.endpoint().toUtf8());
        HubDownloadDialog dialog;
        dialog.show();
        checkAccessible(&dialog);
        if (QTest::currentTestFailed()) return;
        auto* start = dialog.findChild<QPushButton*>(QStringLiteral("hubStartDownload"));
        auto* openButton = dialog.findChild<QPushButton*>(QStringLiteral("hubOpenDownloaded"));
        auto* log = dialog.findChild<QPlainTextEdit*>(QStringLiteral("hubLog"));
        QVERIFY(!start->isEnabled()); // nothing typed yet
        QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("hubRepoId")), QStringLiteral("org/none"));
        QVERIFY(start->isEnabled());
        start->click();
        QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QStringLiteral("Error:")), 10000);
        QVERIFY2(log->toPlainText().endsWith(
                     QStringLiteral("Error: model org/none not found (404): check the id and the type (--repo-type), "
                                    "or set HF_TOKEN if it is private (the Hub says: Repository not found)")),
                 qPrintable(log->toPlainText()));
        QVERIFY(!openButton->isEnabled());
        QTRY_VERIFY(start->isEnabled());

        auto* repo = dialog.findChild<QLineEdit*>(QStringLiteral("hubRepoId"));
        repo->clear();
        QTest::keyClicks(repo, QStringLiteral("org/tiny"));
        start->click();
        QTRY_VERIFY_WITH_TIMEOUT(openButton->isEnabled(), 10000);
        const QString snapshot =
            m_home.path() + QStringLiteral("/hub/models--org--tiny/snapshots/") + QString::fromLatin1(kCommit);
        QCOMPARE(dialog.snapshotPath(), snapshot);
        QVERIFY2(log->toPlainText().contains(QStringLiteral("config.json: done (22 bytes, git sha1 verified)")),
                 qPrintable(log->toPlainText()));
        QFile f(snapshot + QStringLiteral("/config.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), kConfig);
        QSignalSpy open(&dialog, &HubDownloadDialog::openRequested);
        openButton->click();
        QCOMPARE(open.size(), 1);
        QCOMPARE(open[0][0].toString(), snapshot);
        QCOMPARE(open[0][1].toBool(), false);
        qunsetenv("HF_ENDPOINT");
    }

    // With no model open, the Model panel offers microsoft/git-base: one keypress downloads it from the
    // (local) Hub through the download dialog and opens it for captioning.
    void modelPanelGetsHubModel() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Captioner"));
        QCoreApplication::setApplicationName(QStringLiteral("Captioner"));
        QSettings().clear();
        testsupport::FakeHub hub;
        const QString key = QStringLiteral("models/") + ModelPanel::suggestedHubModel();
        QCOMPARE(key, QStringLiteral("models/microsoft/git-base"));
        const QDir model(QString::fromStdString(testsupport::fixture("pipeline/model")));
        for (const QString& name : model.entryList(QDir::Files)) {
            QFile f(model.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            hub.addFile(key, name, f.readAll(), false);
        }
        hub.repos[key].commit = QString::fromLatin1(kCommit);
        qputenv("HF_ENDPOINT", hub.endpoint().toUtf8());

        MainWindow w;
        w.show();
        w.showPage(MainWindow::Page::Caption);
        auto* button = w.findChild<QPushButton*>(QStringLiteral("modelHubButton"));
        QVERIFY(button);
        QVERIFY(w.modelPanel()->isDemoOffered());
        QVERIFY(button->isVisible());
        QCOMPARE(button->accessibleName(), QStringLiteral("Get microsoft/git-base from Hugging Face"));
        QVERIFY(!button->accessibleDescription().isEmpty());
        QVERIFY(button->focusPolicy() & Qt::TabFocus);
        // Tab reaches it from the demo button beside it.
        auto* demo = w.findChild<QPushButton*>(QStringLiteral("modelDemoButton"));
        QVERIFY(demo);
        QWidget* next = demo->nextInFocusChain();
        while (next != demo && !(next->isVisible() && next->isEnabled() && (next->focusPolicy() & Qt::TabFocus)))
            next = next->nextInFocusChain();
        QCOMPARE(next, button);

        button->setFocus();
        QTest::keyClick(button, Qt::Key_Space);
        auto* dialog = w.findChild<HubDownloadDialog*>();
        QVERIFY(dialog);
        QCOMPARE(dialog->findChild<QLineEdit*>(QStringLiteral("hubRepoId"))->text(), ModelPanel::suggestedHubModel());
        const QString snapshot = m_home.path() + QStringLiteral("/hub/models--microsoft--git-base/snapshots/") +
                                 QString::fromLatin1(kCommit);
        QTRY_COMPARE_WITH_TIMEOUT(w.captionPage()->modelFolder(), snapshot, 60000);
        QVERIFY(w.captionPage()->hasModel());
        QCOMPARE(w.currentPage(), MainWindow::Page::Caption);
        QVERIFY(!w.modelPanel()->isDemoOffered());
        QTRY_VERIFY(!w.findChild<HubDownloadDialog*>()); // it closed itself once the model was there
        qunsetenv("HF_ENDPOINT");
        QSettings().clear();
    }

    void pushDialogPreviewsCard() {
        QTemporaryDir run;
        testsupport::writeFile(run.path().toStdString() + "/config.json", kConfig.toStdString());
        testsupport::writeFile(
            run.path().toStdString() + "/trainer_state.json",
            R"({"global_step": 10, "log_history": [{"step": 10, "eval_loss": 1.25, "eval_wer": 0.5}]})");
        HubPushDialog dialog(run.path());
        dialog.show();
        checkAccessible(&dialog);
        if (QTest::currentTestFailed()) return;
        QCOMPARE(
            dialog.findChild<QLabel*>(QStringLiteral("hubPushToken"))->text(),
            QStringLiteral(
                "No Hugging Face token found: set HF_TOKEN or run `huggingface-cli login` with a write token, then open this dialog again."));
        auto* push = dialog.findChild<QPushButton*>(QStringLiteral("hubPushStart"));
        QVERIFY(!push->isEnabled());
        QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("hubPushRepo")), QStringLiteral("me/tiny"));
        QVERIFY(push->isEnabled());
        QTest::keyClicks(dialog.findChild<QLineEdit*>(QStringLiteral("hubPushBaseModel")),
                         QStringLiteral("microsoft/git-base"));
        const QString card = dialog.findChild<QPlainTextEdit*>(QStringLiteral("hubPushCard"))->toPlainText();
        QVERIFY2(card.startsWith(QStringLiteral("---\nlibrary_name: transformers\nbase_model: microsoft/git-base\n")),
                 qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral("# me/tiny\n")), qPrintable(card));
        QVERIFY2(card.contains(QStringLiteral("| Loss | 1.2500 |\n| WER (generated captions) | 0.5000 |\n")),
                 qPrintable(card));
        // Without a token the push stops at once with the reason, and writes nothing.
        push->click();
        auto* log = dialog.findChild<QPlainTextEdit*>(QStringLiteral("hubPushLog"));
        QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QStringLiteral("Error:")), 10000);
        QCOMPARE(
            log->toPlainText(),
            QStringLiteral(
                "Error: pushing to model me/tiny needs a write token: set HF_TOKEN (or run `huggingface-cli login`)"));
        QVERIFY(!QFile::exists(run.path() + QStringLiteral("/README.md")));
    }
};

QTEST_MAIN(TestHubDialogs)
#include "test_hub_dialogs.moc"
