#include "captioner_ui/app_settings.h"

#include "captioner/runtime.h"

#include <QSettings>

namespace captioner::ui {

namespace {
const char* kThreads = "threads";
const char* kFontZoom = "view/fontZoom";
const char* kRecent = "recent";
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

int applyThreadSetting(int commandLineThreads) {
    const int wanted = commandLineThreads >= 0 ? commandLineThreads : AppSettings::threads();
    return captioner::configureThreads(wanted);
}

} // namespace captioner::ui
