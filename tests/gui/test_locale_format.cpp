// Numbers, sizes, durations and dates as the user's locale writes them (issue 21): the helpers of
// captioner_ui/locale_format.h give the exact strings of German (grouping '.', decimal ','), Japanese
// (with the app's Japanese translation) and English for LANG=C, and real widgets show those forms:
// the Hub cache dialog's size, file count and date columns, the Model panel's parameter count and
// folder size, and the Train page's progress line with its ETA. Also the choice of language when no
// installed font can write Japanese (decided on an injected list of font families).
// Core (torch) headers before Qt's: Qt's `slots` macro breaks ATen's headers.
#include "captioner/event_log.h"
#include "captioner/hf_cache.h"
#include "captioner/training_events.h"

#include "captioner_ui/hub_dialogs.h"
#include "captioner_ui/locale_format.h"
#include "captioner_ui/model_manager.h"
#include "captioner_ui/model_panel.h"
#include "captioner_ui/train_page.h"
#include "captioner_ui/translations.h"
#include "gui_test_util.h"
#include "test_support.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest/QtTest>

#include <cmath>
#include <limits>
#include <utime.h>

using namespace captioner::ui;
using captioner::HubRepoType;
using guitest::child;

namespace {

const QDateTime kWhen(QDate(2026, 12, 7), QTime(10, 17));

// The language the app shows and the default locale the formats follow, as installTranslators()
// leaves them, with the locale replaced (German has no translation: its UI is English).
void useLocale(const QString& language, const QString& locale) {
    installTranslators(language);
    QLocale::setDefault(QLocale(locale));
}

// One cached model repository whose blob holds `bytes` bytes and whose snapshot was written at kWhen.
void addCachedModel(const QString& cache, qint64 bytes) {
    const std::string repo = captioner::hfRepoCacheDir(cache.toStdString(), HubRepoType::Model, "org/big");
    const std::string commit = "0123456789abcdef0123456789abcdef01234567";
    const std::string etag = "89abcdef0123456789abcdef0123456789abcdef";
    QDir().mkpath(QString::fromStdString(repo) + QStringLiteral("/blobs"));
    QFile blob(QString::fromStdString(captioner::hfBlobPath(repo, etag)));
    QVERIFY(blob.open(QIODevice::WriteOnly));
    QVERIFY(blob.resize(bytes));
    blob.close();
    captioner::hfLinkSnapshotFile(repo, commit, "model.safetensors", etag);
    captioner::hfWriteRef(repo, "main", commit);
    const QString snapshot =
        QString::fromStdString(repo) + QStringLiteral("/snapshots/") + QString::fromStdString(commit);
    utimbuf times{};
    times.actime = times.modtime = static_cast<time_t>(kWhen.toSecsSinceEpoch());
    QCOMPARE(utime(QFile::encodeName(snapshot).constData(), &times), 0);
}

captioner::TrainingEvent started() {
    captioner::TrainingEvent e;
    e.type = captioner::TrainingEventType::Started;
    e.maxSteps = 5000;
    return e;
}

captioner::TrainingEvent step() {
    captioner::TrainingEvent e;
    e.type = captioner::TrainingEventType::Step;
    e.step = 1234;
    e.maxSteps = 5000;
    e.epoch = 1.5;
    e.samplesPerSecond = 12.5;
    e.etaSeconds = 3725; // 1 h 2 min 5 s
    e.loss = 0.25;
    e.learningRate = 1e-4;
    return e;
}

} // namespace

class TestLocaleFormat : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;

    // The Train page's progress line once it has followed a run of one step, step().
    void checkTrainProgressLine(const QString& name, const QString& expected) {
        const QString out = m_dir.filePath(name);
        {
            captioner::EventLogWriter writer(captioner::eventLogPath(out.toStdString()));
            writer.append(started());
            writer.append(step());
        }
        TrainPage page;
        page.show();
        QVERIFY(page.watchRun(out));
        QTRY_COMPARE_WITH_TIMEOUT(child<QLabel>(&page, "trainStats")->text(), expected, 60000);
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        // What this machine has to draw Japanese with (fc-list :lang=ja lists the same families).
        qInfo("Japanese font families: %s", qPrintable(japaneseFontFamilies().join(QStringLiteral(", "))));
    }

    void cleanup() {
        installTranslators(QStringLiteral("en"));
        QLocale::setDefault(QLocale::c());
    }

    void germanHelpers() {
        useLocale(QStringLiteral("en"), QStringLiteral("de_DE"));
        QCOMPARE(formatCount(1054698), QStringLiteral("1.054.698"));
        QCOMPARE(formatCount(999), QStringLiteral("999"));
        QCOMPARE(formatDecimal(0.25, 4), QStringLiteral("0,2500"));
        QCOMPARE(formatDecimal(12.5, 1), QStringLiteral("12,5"));
        QCOMPARE(formatSignificant(1e-4, 3), QStringLiteral("0,0001"));
        QCOMPARE(formatDataSize(2345678), QStringLiteral("2,3 MB"));
        QCOMPARE(formatDataSize(1500000000), QStringLiteral("1,5 GB"));
        QCOMPARE(formatDuration(45), QStringLiteral("45 s"));
        QCOMPARE(formatDuration(185), QStringLiteral("3 min 5 s"));
        QCOMPARE(formatDuration(3725), QStringLiteral("1 h 2 min"));
        QCOMPARE(formatDuration(3600.0 * 1234), QStringLiteral("1.234 h 0 min"));
        QCOMPARE(formatDateTime(kWhen), QStringLiteral("07.12.26 10:17"));
    }

    void japaneseHelpers() {
        useLocale(QStringLiteral("ja"), QStringLiteral("ja_JP"));
        QCOMPARE(formatCount(1054698), QStringLiteral("1,054,698"));
        QCOMPARE(formatDecimal(0.25, 4), QStringLiteral("0.2500"));
        QCOMPARE(formatDataSize(2345678), QStringLiteral("2.3 MB"));
        QCOMPARE(formatDuration(45), QStringLiteral("45秒"));
        QCOMPARE(formatDuration(185), QStringLiteral("3分5秒"));
        QCOMPARE(formatDuration(3725), QStringLiteral("1時間2分"));
        QCOMPARE(formatDateTime(kWhen), QStringLiteral("2026/12/07 10:17"));
    }

    void cFormatsAsEnglish() {
        // LANG=C is no one's language: the app shows English, with English digit grouping.
        QLocale::setDefault(QLocale::c());
        QCOMPARE(formatCount(1054698), QStringLiteral("1,054,698"));
        QCOMPARE(formatDecimal(0.25, 4), QStringLiteral("0.2500"));
        QCOMPARE(formatDataSize(2345678), QStringLiteral("2.3 MB"));
        QCOMPARE(formatDuration(3725), QStringLiteral("1 h 2 min"));
        QCOMPARE(formatDuration(-1), QStringLiteral("—"));
        QCOMPARE(formatDuration(std::numeric_limits<double>::quiet_NaN()), QStringLiteral("—"));
        QCOMPARE(formatDuration(59.6), QStringLiteral("1 min 0 s"));
    }

    void hubCacheColumnsFollowTheLocale() {
        const QString cache = m_dir.filePath(QStringLiteral("hub"));
        addCachedModel(cache, 2345678);
        qputenv("HF_HUB_CACHE", QFile::encodeName(cache));
        useLocale(QStringLiteral("en"), QStringLiteral("de_DE"));
        HubCacheDialog dialog;
        dialog.show();
        QTRY_COMPARE(dialog.repoCount(), 1);
        auto* list = dialog.findChild<QTreeWidget*>(QStringLiteral("hubCacheList"));
        QCOMPARE(list->topLevelItem(0)->text(3), QStringLiteral("2,3 MB"));
        QCOMPARE(list->topLevelItem(0)->text(4), QStringLiteral("1"));
        QCOMPARE(list->topLevelItem(0)->text(5), QStringLiteral("07.12.26 10:17"));
        QCOMPARE(dialog.findChild<QLabel*>(QStringLiteral("hubCacheSummary"))->text(),
                 QStringLiteral("1 repository, 2,3 MB in %1 (shared with Python's huggingface_hub).")
                     .arg(QDir::toNativeSeparators(cache)));
    }

    void modelPanelFactsFollowTheLocale() {
        useLocale(QStringLiteral("en"), QStringLiteral("de_DE"));
        ModelManager manager;
        ModelPanel panel(&manager);
        QSignalSpy ready(&manager, &ModelManager::modelReady);
        manager.open(QString::fromStdString(testsupport::fixture("pipeline/model")));
        QVERIFY(ready.wait(60000));
        QCOMPARE(panel.factText(QStringLiteral("parameters")), QStringLiteral("1.054.698 (1,1 M)"));
        QCOMPARE(panel.factText(QStringLiteral("vocabulary")), QStringLiteral("30.522 tokens"));
        QCOMPARE(panel.factText(QStringLiteral("size")), QStringLiteral("2,4 MB"));
    }

    void trainProgressFollowsTheLocale() {
        useLocale(QStringLiteral("en"), QStringLiteral("de_DE"));
        checkTrainProgressLine(QStringLiteral("run-de"),
                               QStringLiteral("Epoch 1,50 · step 1.234 of 5.000 · 12,5 samples/s · ETA 1 h 2 min · "
                                              "loss 0,2500 · lr 0,0001"));
        if (QTest::currentTestFailed()) return;
        useLocale(QStringLiteral("ja"), QStringLiteral("ja_JP"));
        checkTrainProgressLine(
            QStringLiteral("run-ja"),
            QStringLiteral("エポック 1.50 · ステップ 1,234 / 5,000 · 12.5 サンプル/秒 · 残り 1時間2分 · "
                           "損失 0.2500 · 学習率 0.0001"));
    }

    void japaneseNeedsAFont() {
        // Decided on the families given, whatever this machine has installed.
        QCOMPARE(languageWithFonts(QStringLiteral("ja"), {}), QStringLiteral("en"));
        QCOMPARE(languageWithFonts(QStringLiteral("ja"), {QStringLiteral("Noto Sans CJK JP")}), QStringLiteral("ja"));
        QCOMPARE(languageWithFonts(QStringLiteral("en"), {}), QStringLiteral("en"));
        QCOMPARE(languageWithFonts(QStringLiteral("en"), {QStringLiteral("IPAGothic")}), QStringLiteral("en"));
        // And on this machine: Japanese when a font can write it, else English with the reason.
        const bool fonts = !japaneseFontFamilies().isEmpty();
        QCOMPARE(installTranslators(QStringLiteral("ja")), fonts ? QStringLiteral("ja") : QStringLiteral("en"));
        QCOMPARE(languageFallbackNote().isEmpty(), fonts);
        QCOMPARE(installTranslators(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(languageFallbackNote(), QString());
    }
};

QTEST_MAIN(TestLocaleFormat)
#include "test_locale_format.moc"
