#include "captioner_ui/translations.h"

#include <QCoreApplication>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QPointer>
#include <QRegularExpression>
#include <QTranslator>

namespace captioner::ui {

namespace {

const QString kSystem = QStringLiteral("system");
const QString kEnglish = QStringLiteral("en");
const QString kJapanese = QStringLiteral("ja");

// The translators installed by the last installTranslators(), owned by the application.
QPointer<QTranslator>& appTranslator() {
    static QPointer<QTranslator> t;
    return t;
}

QPointer<QTranslator>& qtTranslator() {
    static QPointer<QTranslator> t;
    return t;
}

QString& fallbackNote() {
    static QString note;
    return note;
}

void removeTranslator(QPointer<QTranslator>& t) {
    if (!t) return;
    QCoreApplication::removeTranslator(t);
    delete t;
    t = nullptr;
}

// Any program with this library (the app, the tests) starts with the English plural forms of
// tr(..., n) installed: without them "%n image(s)" would read "1 image(s)". installTranslators()
// replaces them with the chosen language.
void installEnglishPluralForms() {
    auto* translator = new QTranslator(QCoreApplication::instance());
    if (translator->load(QStringLiteral(":/i18n/captioner_en.qm")) && QCoreApplication::installTranslator(translator))
        appTranslator() = translator;
    else delete translator;
}

} // namespace

Q_COREAPP_STARTUP_FUNCTION(installEnglishPluralForms)

QStringList languageCodes() { return {kSystem, kEnglish, kJapanese}; }

QString languageDisplayName(const QString& code) {
    // Each language is named in itself, so that whoever cannot read the current one still finds theirs.
    if (code == kEnglish) return QStringLiteral("English");
    if (code == kJapanese) return QStringLiteral("日本語");
    return QCoreApplication::translate("Language", "System (%1)")
        .arg(languageDisplayName(effectiveLanguage(kSystem, QLocale::system())));
}

QString effectiveLanguage(const QString& code, const QLocale& system) {
    if (code == kEnglish || code == kJapanese) return code;
    for (const QString& ui : system.uiLanguages()) {
        if (ui.startsWith(QLatin1String("ja"))) return kJapanese;
        if (ui.startsWith(QLatin1String("en"))) return kEnglish;
    }
    return kEnglish;
}

QString languageWithFonts(const QString& language, const QStringList& japaneseFontFamilies) {
    return language == kJapanese && japaneseFontFamilies.isEmpty() ? kEnglish : language;
}

QStringList japaneseFontFamilies() {
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance())) return {};
    return QFontDatabase::families(QFontDatabase::Japanese);
}

QString languageFallbackNote() { return fallbackNote(); }

QString installTranslators(const QString& code) {
    removeTranslator(appTranslator());
    removeTranslator(qtTranslator());
    const QLocale system = QLocale::system();
    const QString wanted = effectiveLanguage(code, system);
    auto* app = QCoreApplication::instance();
    // Only a GUI can draw the boxes a missing font would give (the CLI and text-only runs keep the choice).
    const bool gui = qobject_cast<QGuiApplication*>(app) != nullptr;
    const QString language = gui ? languageWithFonts(wanted, japaneseFontFamilies()) : wanted;
    fallbackNote().clear();
    if (language != wanted) {
        // Said in English: it is shown because Japanese cannot be.
        fallbackNote() = QCoreApplication::translate(
            "Language", "No Japanese font is installed, so Captioner is shown in English; install one (Debian: "
                        "fonts-noto-cjk) and restart.");
        qWarning("captioner: Japanese was chosen but no installed font can write it (QFontDatabase lists none for "
                 "the Japanese writing system); showing English. Install fonts-noto-cjk or another Japanese font.");
    }

    // English needs the app's translation too: it holds the English plural forms of tr(..., n).
    auto* translator = new QTranslator(app);
    if (translator->load(QStringLiteral(":/i18n/captioner_%1.qm").arg(language)) &&
        QCoreApplication::installTranslator(translator))
        appTranslator() = translator;
    else delete translator;

    if (language != kEnglish) {
        // Qt's own strings: standard dialog buttons, the line edits' context menus, file dialogs.
        auto* qt = new QTranslator(app);
        if (qt->load(QStringLiteral("qtbase_%1").arg(language), QLibraryInfo::path(QLibraryInfo::TranslationsPath)) &&
            QCoreApplication::installTranslator(qt))
            qtTranslator() = qt;
        else delete qt; // without qt6-translations-l10n Qt's buttons stay English; the app's strings do not
    }

    // Numbers and dates follow the language shown when it is not the system's.
    const QLocale shown(language);
    QLocale::setDefault(shown.language() == system.language() ? system : shown);
    return language;
}

QString withoutMnemonic(const QString& text) {
    // Translations that cannot put the mnemonic on a letter of their own script add it in brackets.
    static const QRegularExpression bracketed(QStringLiteral("\\(&[^&\\s]\\)"));
    QString in = text;
    in.remove(bracketed);
    QString out;
    out.reserve(in.size());
    for (qsizetype i = 0; i < in.size(); ++i) {
        if (in[i] != QLatin1Char('&')) out += in[i];
        else if (i + 1 < in.size() && in[i + 1] == QLatin1Char('&')) out += in[++i];
    }
    return out;
}

} // namespace captioner::ui
