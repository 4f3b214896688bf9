// Japanese chosen on a machine without a Japanese font (issue 21): this test's fontconfig sees no
// fonts at all (FONTCONFIG_FILE names an empty configuration before the application starts), so
// installTranslators() shows English instead of a window of empty boxes, and says why in one line:
// in the main window's status bar and next to the language choice in Preferences.
#include "captioner_ui/app_settings.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/settings_dialog.h"
#include "captioner_ui/translations.h"
#include "gui_test_util.h"

#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace captioner::ui;

class TestJapaneseFontFallback : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void englishWithTheReason() {
        QCOMPARE(japaneseFontFamilies(), QStringList());
        QCOMPARE(installTranslators(QStringLiteral("ja")), QStringLiteral("en"));
        const QString note = QStringLiteral("No Japanese font is installed, so Captioner is shown in English; install "
                                            "one (Debian: fonts-noto-cjk) and restart.");
        QCOMPARE(languageFallbackNote(), note);
        // Numbers and dates follow the language shown.
        QCOMPARE(QLocale().language(), QLocale::English);

        MainWindow window;
        window.show();
        QCOMPARE(window.statusBar()->currentMessage(), note);

        AppSettings::setLanguage(QStringLiteral("ja"));
        SettingsDialog dialog(&window);
        QCOMPARE(guitest::child<QLabel>(&dialog, "settingsLanguageNote")->text(),
                 QStringLiteral("Takes effect after restarting. ") + note);

        // With a font the same choice shows Japanese and no note (decided on the families given).
        QCOMPARE(languageWithFonts(QStringLiteral("ja"), {QStringLiteral("IPAGothic")}), QStringLiteral("ja"));
        QCOMPARE(installTranslators(QStringLiteral("en")), QStringLiteral("en"));
        QCOMPARE(languageFallbackNote(), QString());
    }
};

int main(int argc, char** argv) {
    // Before QApplication: fontconfig reads its configuration once, at the first font lookup.
    QTemporaryDir dir;
    const QString conf = dir.filePath(QStringLiteral("fonts.conf"));
    QFile file(conf);
    if (!file.open(QIODevice::WriteOnly)) return 2;
    file.write(QStringLiteral("<?xml version=\"1.0\"?>\n<!DOCTYPE fontconfig SYSTEM \"fonts.dtd\">\n"
                              "<fontconfig><cachedir>%1</cachedir></fontconfig>\n")
                   .arg(dir.filePath(QStringLiteral("cache")))
                   .toUtf8());
    file.close();
    qputenv("FONTCONFIG_FILE", QFile::encodeName(conf));
    QApplication app(argc, argv);
    TestJapaneseFontFallback test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_japanese_font_fallback.moc"
