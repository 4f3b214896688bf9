#include "captioner_ui/app_settings.h"

#include "captioner/runtime.h"

#include <QSettings>

namespace captioner::ui {

namespace {
const char* kThreads = "threads";
const char* kFontZoom = "view/fontZoom";
const char* kRecent = "recent";
const char* kDecodingBeam = "decoding/beamSearch";
const char* kDecodingBeams = "decoding/numBeams";
const char* kDecodingMaxLength = "decoding/maxLength";
const char* kDecodingLengthPenalty = "decoding/lengthPenalty";
const char* kThumbnailSize = "view/thumbnailSize";
const char* kTheme = "view/theme";
const char* kDevice = "device";
const char* kCaptionPrecision = "captionPrecision";
const char* kLanguage = "view/language";
} // namespace

int AppSettings::threads() { return qMax(0, QSettings().value(kThreads, 0).toInt()); }

void AppSettings::setThreads(int n) { QSettings().setValue(kThreads, qMax(0, n)); }

int AppSettings::fontZoom() { return QSettings().value(kFontZoom, 0).toInt(); }

void AppSettings::setFontZoom(int steps) { QSettings().setValue(kFontZoom, steps); }

QStringList AppSettings::recent() { return QSettings().value(kRecent).toStringList(); }

void AppSettings::addRecent(const QString& kind, const QString& path) {
    const QString entry = kind + QLatin1Char(':') + path;
    QStringList list = recent();
    list.removeAll(entry);
    list.prepend(entry);
    while (list.size() > kMaxRecent) list.removeLast();
    QSettings().setValue(kRecent, list);
}

void AppSettings::clearRecent() { QSettings().remove(kRecent); }

AppSettings::Decoding AppSettings::decoding() {
    QSettings s;
    Decoding d;
    d.beamSearch = s.value(kDecodingBeam, d.beamSearch).toBool();
    d.numBeams = qBound(1, s.value(kDecodingBeams, d.numBeams).toInt(), 16);
    d.maxLength = qBound(2, s.value(kDecodingMaxLength, d.maxLength).toInt(), 512);
    d.lengthPenalty = qBound(-10.0, s.value(kDecodingLengthPenalty, d.lengthPenalty).toDouble(), 10.0);
    return d;
}

void AppSettings::setDecoding(const Decoding& d) {
    QSettings s;
    s.setValue(kDecodingBeam, d.beamSearch);
    s.setValue(kDecodingBeams, d.numBeams);
    s.setValue(kDecodingMaxLength, d.maxLength);
    s.setValue(kDecodingLengthPenalty, d.lengthPenalty);
}

int AppSettings::thumbnailSize() { return qBound(64, QSettings().value(kThumbnailSize, 128).toInt(), 256); }

void AppSettings::setThumbnailSize(int px) { QSettings().setValue(kThumbnailSize, qBound(64, px, 256)); }

QString AppSettings::theme() {
    const QString t = QSettings().value(kTheme, QStringLiteral("system")).toString();
    static const QStringList known = {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark"),
                                      QStringLiteral("high-contrast")};
    return known.contains(t) ? t : QStringLiteral("system");
}

void AppSettings::setTheme(const QString& theme) { QSettings().setValue(kTheme, theme); }

QString AppSettings::device() {
    const QString d = QSettings().value(kDevice, QStringLiteral("auto")).toString();
    return d == QLatin1String("cpu") || d == QLatin1String("cuda") ? d : QStringLiteral("auto");
}

void AppSettings::setDevice(const QString& device) { QSettings().setValue(kDevice, device); }

QString AppSettings::captionPrecision() {
    const QString p = QSettings().value(kCaptionPrecision, QStringLiteral("fp32")).toString();
    return p == QLatin1String("bf16") || p == QLatin1String("int8") ? p : QStringLiteral("fp32");
}

void AppSettings::setCaptionPrecision(const QString& precision) { QSettings().setValue(kCaptionPrecision, precision); }

QString AppSettings::language() {
    const QString l = QSettings().value(kLanguage, QStringLiteral("system")).toString();
    return l == QLatin1String("en") || l == QLatin1String("ja") ? l : QStringLiteral("system");
}

void AppSettings::setLanguage(const QString& language) { QSettings().setValue(kLanguage, language); }

int applyThreadSetting(int commandLineThreads) {
    const int wanted = commandLineThreads >= 0 ? commandLineThreads : AppSettings::threads();
    return captioner::configureThreads(wanted);
}

} // namespace captioner::ui
