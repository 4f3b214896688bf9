// The app in Japanese (issue 21): with the Japanese translation installed the main window, its three
// pages, the menus, Preferences and the shortcuts list show Japanese text, and no accessible name is
// left as its English source. Also the language choice (system, English, 日本語), the English plural
// forms, and the mnemonic stripping used for accessible names.
#include "gui_test_util.h"

#include "test_support.h"

#include "captioner_ui/app_settings.h"
#include "captioner_ui/hub_dialogs.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/settings_dialog.h"
#include "captioner_ui/translations.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLibraryInfo>
#include <QMenu>
#include <QMenuBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest/QtTest>

using captioner::ui::MainWindow;
using guitest::child;

namespace {

const QString kTsFile = QString::fromStdString(testsupport::fixture("../../resources/translations/captioner_ja.ts"));

bool hasJapanese(const QString& text) {
    static const QRegularExpression kana(QStringLiteral("[\\x{3040}-\\x{30ff}\\x{3400}-\\x{9fff}]"));
    return text.contains(kana);
}

// The English source texts of captioner_ja.ts whose translation differs from them, as a label shows
// them without mnemonic, ellipsis and colon: an accessible name among them was left untranslated.
QSet<QString> englishSources() {
    QSet<QString> sources;
    QFile file(kTsFile);
    if (!file.open(QIODevice::ReadOnly)) qFatal("cannot read %s", qPrintable(kTsFile));
    QXmlStreamReader xml(&file);
    QString source;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement) continue;
        if (xml.name() == QLatin1String("source")) source = xml.readElementText();
        else if (xml.name() == QLatin1String("translation")) {
            const QString translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (translation == source) continue;
            sources << source;
            sources << captioner::ui::withoutMnemonic(source).remove(QStringLiteral("…")).remove(QLatin1Char(':'));
        }
    }
    return sources;
}

// Every widget under `root` whose accessible name is non-empty and an English source text.
QStringList untranslatedNames(const QWidget* root, const QSet<QString>& english) {
    QStringList bad;
    QList<QWidget*> widgets = root->findChildren<QWidget*>();
    widgets.prepend(const_cast<QWidget*>(root));
    for (const QWidget* w : widgets) {
        const QString name = w->accessibleName();
        if (name.isEmpty()) continue;
        if (english.contains(name) || english.contains(name.trimmed()))
            bad << QStringLiteral("%1 '%2': %3")
                       .arg(QLatin1String(w->metaObject()->className()), w->objectName(), name);
    }
    return bad;
}

QStringList visibleTexts(const QWidget* root) {
    QStringList texts;
    for (const QLabel* l : root->findChildren<QLabel*>())
        if (l->isVisibleTo(root)) texts << l->text();
    for (const QAbstractButton* b : root->findChildren<QAbstractButton*>())
        if (b->isVisibleTo(root)) texts << b->text();
    return texts;
}

// Every visible label and button under `root` that is narrower than its text needs (or, wrapping, lower).
QStringList clipped(const QWidget* root) {
    QStringList bad;
    auto check = [&](const QWidget* w, const QString& text, bool wraps) {
        if (!w->isVisible() || text.isEmpty()) return;
        const bool fits = wraps ? w->heightForWidth(w->width()) <= w->height() : w->sizeHint().width() <= w->width();
        if (!fits)
            bad << QStringLiteral("%1 '%2' %3x%4, needs %5x%6: %7")
                       .arg(QLatin1String(w->metaObject()->className()), w->objectName())
                       .arg(w->width())
                       .arg(w->height())
                       .arg(w->sizeHint().width())
                       .arg(wraps ? w->heightForWidth(w->width()) : w->sizeHint().height())
                       .arg(text);
    };
    for (const QLabel* l : root->findChildren<QLabel*>()) check(l, l->text(), l->wordWrap());
    for (const QAbstractButton* b : root->findChildren<QAbstractButton*>()) check(b, b->text(), false);
    return bad;
}

} // namespace

class TestTranslationsJa : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Captioner"));
        QCoreApplication::setApplicationName(QStringLiteral("Captioner"));
        QSettings().clear();
        QCOMPARE(captioner::ui::installTranslators(QStringLiteral("ja")), QStringLiteral("ja"));
        QCOMPARE(QLocale().language(), QLocale::Japanese);
    }
    void cleanupTestCase() { QSettings().clear(); }

    void languageChoice() {
        using captioner::ui::effectiveLanguage;
        QCOMPARE(captioner::ui::languageCodes(), (QStringList{"system", "en", "ja"}));
        QCOMPARE(effectiveLanguage(QStringLiteral("system"), QLocale(QStringLiteral("ja_JP"))), QStringLiteral("ja"));
        QCOMPARE(effectiveLanguage(QStringLiteral("system"), QLocale(QStringLiteral("en_GB"))), QStringLiteral("en"));
        QCOMPARE(effectiveLanguage(QStringLiteral("system"), QLocale(QStringLiteral("de_DE"))), QStringLiteral("en"));
        QCOMPARE(effectiveLanguage(QStringLiteral("ja"), QLocale(QStringLiteral("en_US"))), QStringLiteral("ja"));
        QCOMPARE(effectiveLanguage(QStringLiteral("en"), QLocale(QStringLiteral("ja_JP"))), QStringLiteral("en"));
        QCOMPARE(captioner::ui::languageDisplayName(QStringLiteral("ja")), QStringLiteral("日本語"));
        QCOMPARE(captioner::ui::languageDisplayName(QStringLiteral("en")), QStringLiteral("English"));
        QVERIFY(captioner::ui::languageDisplayName(QStringLiteral("system")).startsWith(QStringLiteral("システム")));
        // Stored as Preferences stores it; anything unknown reads as the system's language.
        captioner::ui::AppSettings::setLanguage(QStringLiteral("ja"));
        QCOMPARE(captioner::ui::AppSettings::language(), QStringLiteral("ja"));
        QSettings().setValue(QStringLiteral("view/language"), QStringLiteral("xx"));
        QCOMPARE(captioner::ui::AppSettings::language(), QStringLiteral("system"));
    }

    void mnemonicsAreStripped() {
        using captioner::ui::withoutMnemonic;
        QCOMPARE(withoutMnemonic(QStringLiteral("&Open")), QStringLiteral("Open"));
        QCOMPARE(withoutMnemonic(QStringLiteral("Re&vision:")), QStringLiteral("Revision:"));
        QCOMPARE(withoutMnemonic(QStringLiteral("ファイル(&F)")), QStringLiteral("ファイル"));
        QCOMPARE(withoutMnemonic(QStringLiteral("フォルダーの追加(&F)…")), QStringLiteral("フォルダーの追加…"));
        QCOMPARE(withoutMnemonic(QStringLiteral("A && B")), QStringLiteral("A & B"));
    }

    void englishPluralForms() {
        // English: captioner_en.qm holds the singulars that tr(..., n) needs.
        QCOMPARE(captioner::ui::installTranslators(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(QCoreApplication::translate("captioner::ui::DatasetPage", "%n image(s)", nullptr, 1),
                 QStringLiteral("1 image"));
        QCOMPARE(QCoreApplication::translate("captioner::ui::DatasetPage", "%n image(s)", nullptr, 3),
                 QStringLiteral("3 images"));
        QCOMPARE(QCoreApplication::translate("captioner::ui::MainWindow", "&File"), QStringLiteral("&File"));
        // Japanese: one form.
        QCOMPARE(captioner::ui::installTranslators(QStringLiteral("ja")), QStringLiteral("ja"));
        QCOMPARE(QCoreApplication::translate("captioner::ui::DatasetPage", "%n image(s)", nullptr, 1),
                 QStringLiteral("1 枚の画像"));
        QCOMPARE(QCoreApplication::translate("captioner::ui::DatasetPage", "%n image(s)", nullptr, 12),
                 QStringLiteral("12 枚の画像"));
        QCOMPARE(QCoreApplication::translate("captioner::ui::DatasetPage", "%n image(s)", nullptr, 12000),
                 QStringLiteral("12,000 枚の画像")); // %Ln: grouped as the Japanese locale writes it
        // Summaries joined from parts end and join with Japanese punctuation.
        QCOMPARE(QCoreApplication::translate("captioner::ui::CaptionPage", ".", "ends a summary"),
                 QStringLiteral("。"));
        QCOMPARE(QCoreApplication::translate("captioner::ui::DatasetPage", "; ", "between the parts of a summary"),
                 QStringLiteral("。"));
    }

    void mainWindowPagesAndMenus() {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        QStringList menus;
        for (QAction* a : w.menuBar()->actions()) menus << a->text();
        QCOMPARE(menus, (QStringList{"ファイル(&F)", "編集(&E)", "レビュー(&R)", "表示(&V)", "キャプション(&A)",
                                     "ヘルプ(&H)"}));
        auto* tabs = w.findChild<QTabWidget*>();
        QVERIFY(tabs);
        QCOMPARE(tabs->tabText(0), QStringLiteral("データセット(&D)"));
        QCOMPARE(tabs->tabText(1), QStringLiteral("学習(&T)"));
        QCOMPARE(tabs->tabText(2), QStringLiteral("キャプション(&C)"));
        QCOMPARE(w.findChild<QAction*>(QStringLiteral("actionShowTrain"))->statusTip(),
                 QStringLiteral("学習ページを表示します"));

        // Each page shows Japanese labels and buttons.
        const QList<QPair<MainWindow::Page, QStringList>> expected = {
            {MainWindow::Page::Dataset, {"データセットを開く(&O)…", "デモデータセットを開く(&D)"}},
            {MainWindow::Page::Train, {"開始(&S)", "一時停止(&U)", "ガイドの既定値(&G)", "モデル(&M):"}},
            {MainWindow::Page::Caption, {"画像の追加(&I)…", "フォルダーの追加(&F)…", "エクスポート(&E)…"}},
        };
        for (const auto& [page, texts] : expected) {
            w.showPage(page);
            QWidget* shown = tabs->currentWidget();
            const QStringList visible = visibleTexts(shown);
            for (const QString& text : texts)
                QVERIFY2(visible.contains(text), qPrintable(QStringLiteral("page %1 lacks '%2'; it shows: %3")
                                                                .arg(int(page))
                                                                .arg(text, visible.join(QStringLiteral(" | ")))));
            int japanese = 0;
            for (const QString& text : visible) japanese += hasJapanese(text) ? 1 : 0;
            QVERIFY2(japanese >= 3, qPrintable(visible.join(QStringLiteral(" | "))));
        }

        // No accessible name is left in English, anywhere in the window. (The check itself: an English
        // name is found, and the window has many names to check.)
        const QSet<QString> english = englishSources();
        QWidget probe;
        probe.setAccessibleName(QStringLiteral("Open Dataset Folder"));
        QCOMPARE(untranslatedNames(&probe, english).size(), 1);
        int named = 0;
        for (const QWidget* c : w.findChildren<QWidget*>()) named += c->accessibleName().isEmpty() ? 0 : 1;
        QVERIFY2(named > 50, qPrintable(QString::number(named)));
        const QStringList bad = untranslatedNames(&w, english);
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
        // Menu entries too.
        for (const QMenu* menu : w.menuBar()->findChildren<QMenu*>())
            for (const QAction* a : menu->actions())
                if (!a->isSeparator() && !a->text().isEmpty() && a->objectName().startsWith(QLatin1String("action")))
                    QVERIFY2(hasJapanese(a->text()) || a->text().startsWith(QLatin1String("Captioner")),
                             qPrintable(a->objectName() + QStringLiteral(": ") + a->text()));
    }

    void preferencesInJapanese() {
        captioner::ui::SettingsDialog dialog;
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.windowTitle(), QStringLiteral("環境設定"));
        const QStringList visible = visibleTexts(&dialog);
        for (const char* text : {"言語(&G):", "再起動後に有効になります。", "スレッド数(&T):", "テーマ(&H):"})
            QVERIFY2(visible.contains(QString::fromUtf8(text)), qPrintable(visible.join(QStringLiteral(" | "))));
        auto* language = child<QComboBox>(&dialog, "settingsLanguage");
        QStringList choices;
        for (int i = 0; i < language->count(); ++i) choices << language->itemText(i);
        QCOMPARE(choices.mid(1), (QStringList{"English", "日本語"}));
        QVERIFY(choices.first().startsWith(QStringLiteral("システム")));
        const QStringList bad = untranslatedNames(&dialog, englishSources());
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
        // Qt's own strings come from qtbase_ja.qm (Debian: qt6-translations-l10n).
        if (!QFile::exists(QLibraryInfo::path(QLibraryInfo::TranslationsPath) + QStringLiteral("/qtbase_ja.qm")))
            QSKIP("qtbase_ja.qm is not installed (qt6-translations-l10n)");
        auto* box = dialog.findChild<QDialogButtonBox*>();
        QVERIFY(box);
        QVERIFY2(hasJapanese(box->button(QDialogButtonBox::Cancel)->text()),
                 qPrintable(box->button(QDialogButtonBox::Cancel)->text()));
    }

    // Japanese labels fit at 1280×800: no label or button of the three pages or Preferences is
    // narrower than its text.
    void japaneseFitsAt1280x800() {
        MainWindow w;
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        for (const auto page : {MainWindow::Page::Dataset, MainWindow::Page::Train, MainWindow::Page::Caption}) {
            w.showPage(page);
            QCoreApplication::processEvents();
            const QStringList bad = clipped(&w);
            QVERIFY2(bad.isEmpty(),
                     qPrintable(QStringLiteral("page %1:\n").arg(int(page)) + bad.join(QLatin1Char('\n'))));
        }
        captioner::ui::SettingsDialog dialog(&w);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        const QStringList bad = clipped(&dialog);
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
        // The check finds a clipped label.
        QWidget holder;
        auto* probe = new QLabel(QStringLiteral("再起動後に有効になります"), &holder);
        probe->resize(probe->sizeHint().width() / 2, probe->sizeHint().height());
        holder.show();
        QCOMPARE(clipped(&holder).size(), 1);
    }

    // The Hub dialogs in Japanese: every name translated, nothing clipped.
    void hubDialogsInJapanese() {
        QTemporaryDir home;
        qputenv("HF_HUB_CACHE", (home.path() + QStringLiteral("/hub")).toUtf8());
        qputenv("HF_TOKEN_PATH", (home.path() + QStringLiteral("/no-token")).toUtf8());
        qunsetenv("HF_TOKEN");
        const QSet<QString> english = englishSources();
        captioner::ui::HubDownloadDialog download;
        captioner::ui::HubCacheDialog cache;
        captioner::ui::HubPushDialog push(home.path());
        for (QDialog* dialog : std::initializer_list<QDialog*>{&download, &cache, &push}) {
            dialog->show();
            QVERIFY(QTest::qWaitForWindowExposed(dialog));
            QVERIFY2(hasJapanese(dialog->windowTitle()), qPrintable(dialog->windowTitle()));
            const QStringList names = untranslatedNames(dialog, english);
            QVERIFY2(names.isEmpty(), qPrintable(names.join(QLatin1Char('\n'))));
            const QStringList bad = clipped(dialog);
            QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
            dialog->hide();
        }
    }

    void shortcutsListInJapanese() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        bool seen = false;
        QTimer::singleShot(0, &w, [&seen] {
            for (QWidget* top : QApplication::topLevelWidgets()) {
                auto* dialog = qobject_cast<QDialog*>(top);
                if (!dialog || !dialog->isVisible()) continue;
                auto* table = dialog->findChild<QTableWidget*>();
                QVERIFY(table);
                seen = true;
                QCOMPARE(dialog->windowTitle(), QStringLiteral("キーボードショートカット"));
                QCOMPARE(table->horizontalHeaderItem(0)->text(), QStringLiteral("コマンド"));
                QStringList rows;
                for (int r = 0; r < table->rowCount(); ++r) rows << table->item(r, 0)->text();
                QVERIFY2(rows.contains(QStringLiteral("ファイル › データセットフォルダーを開く")),
                         qPrintable(rows.join(QLatin1Char('\n'))));
                for (const QString& row : rows) QVERIFY2(!row.contains(QLatin1Char('&')), qPrintable(row));
                dialog->reject();
            }
        });
        w.showShortcuts();
        QVERIFY(seen);
    }
};

QTEST_MAIN(TestTranslationsJa)
#include "test_translations_ja.moc"
