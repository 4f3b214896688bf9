#pragma once
// The app's languages. The translations (resources/translations/captioner_*.ts) are compiled into
// libcaptioner_ui as :/i18n/captioner_<lang>.qm; installTranslators() loads the app's and Qt's own
// (qtbase_<lang>.qm from QLibraryInfo::TranslationsPath, Debian's qt6-translations-l10n) for the
// language chosen in Preferences › Language, read once at start-up: a change applies on restart.
#include <QString>
#include <QStringList>

class QLocale;

namespace captioner::ui {

// The choices of Preferences › Language: "system", "en" and "ja".
QStringList languageCodes();
// What the choice is called in the Language list: the system's, English, 日本語 (each in its own language).
QString languageDisplayName(const QString& code);

// The language shown for a choice: "ja" or "en". "system" means Japanese when the UI languages of
// `system` list Japanese before English (or alone), English otherwise.
QString effectiveLanguage(const QString& code, const QLocale& system);

// The language shown for `language` ("en" or "ja") given the installed font families that can write
// Japanese: English when Japanese is asked for and there is none, since Qt would draw every Japanese
// character as an empty box; `language` otherwise.
QString languageWithFonts(const QString& language, const QStringList& japaneseFontFamilies);

// The font families QFontDatabase says can write Japanese. Needs a QGuiApplication (empty without one).
QStringList japaneseFontFamilies();

// Why the last installTranslators() showed English although Japanese was chosen (no Japanese font), in
// one sentence for the status bar and Preferences; empty when it showed what was chosen.
QString languageFallbackNote();

// Installs the app's translator (and, for Japanese, Qt's own) on the QCoreApplication for `code`
// ("system", "en" or "ja"), removing those installed by an earlier call. Sets the default QLocale
// to the language shown, so numbers and dates follow it. Returns the language now shown ("en"/"ja"):
// English instead of Japanese where no installed font can write Japanese (see languageFallbackNote()).
QString installTranslators(const QString& code);

// A label without its mnemonic, for accessible names and status texts: "&Open" and Japanese-style
// "開く(&O)" both lose it ("Open", "開く"); "&&" stays a literal "&".
QString withoutMnemonic(const QString& text);

} // namespace captioner::ui
