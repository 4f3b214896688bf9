#pragma once
// Numbers, sizes, dates and durations as the user reads them (issue 21): in the default QLocale,
// which installTranslators() sets from the language shown (日本語: ja_JP), so "1,054,698" reads
// "1.054.698" where German is the default and a duration "1時間2分" in Japanese. Everything meant for
// another program (CSV/JSON exports, file names, the CLI) keeps QString::number and ISO dates instead.
#include <QCoreApplication>
#include <QDateTime>
#include <QLocale>
#include <QString>

#include <cmath>

namespace captioner::ui {

// The locale user-visible numbers follow: the default QLocale, except that the "C" locale (LANG=C,
// which the app shows in English) formats as English (United States), with group separators.
inline QLocale displayLocale() {
    const QLocale locale;
    return locale.language() == QLocale::C ? QLocale(QLocale::English, QLocale::UnitedStates) : locale;
}

// A count with the locale's group separators: "1,054,698", de "1.054.698".
inline QString formatCount(qint64 n) { return displayLocale().toString(n); }

// A number with `decimals` digits after the locale's decimal point: "0.2500", de "0,2500".
inline QString formatDecimal(double value, int decimals) { return displayLocale().toString(value, 'f', decimals); }

// A number with `digits` significant digits, fixed or scientific as 'g' picks, for learning rates and
// chart values: "0.0001", de "0,0001".
inline QString formatSignificant(double value, int digits) { return displayLocale().toString(value, 'g', digits); }

// Bytes in SI units (1 kB = 1000 B, as the Hugging Face Hub counts): "2.3 MB", de "2,3 MB".
inline QString formatDataSize(qint64 bytes) {
    return displayLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

// A length of time, for ETAs and elapsed times, in whole seconds: "45 s", "3 min 5 s", "1 h 2 min";
// Japanese "45秒", "3分5秒", "1時間2分". Negative or not finite: "—".
inline QString formatDuration(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return QStringLiteral("—");
    const qint64 s = std::llround(seconds);
    // The units are abbreviations (the same for one and many in English); each translation writes the
    // numbers and units as its language does.
    if (s < 60) return QCoreApplication::translate("Duration", "%1 s", "seconds").arg(formatCount(s));
    if (s < 3600)
        return QCoreApplication::translate("Duration", "%1 min %2 s", "minutes and seconds")
            .arg(formatCount(s / 60), formatCount(s % 60));
    return QCoreApplication::translate("Duration", "%1 h %2 min", "hours and minutes")
        .arg(formatCount(s / 3600), formatCount(s / 60 % 60));
}

// A date and time in the locale's short form: "12/7/26 10:17 AM", de "07.12.26 10:17".
inline QString formatDateTime(const QDateTime& when) { return displayLocale().toString(when, QLocale::ShortFormat); }

} // namespace captioner::ui
