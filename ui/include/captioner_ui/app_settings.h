#pragma once
// AppSettings names the persisted preferences of the desktop app (QSettings, organisation and
// application "Captioner") in one place, so the window, main() and tests agree on keys and defaults.
#include <QString>
#include <QStringList>

namespace captioner::ui {

class AppSettings {
public:
    static constexpr int kMaxRecent = 8;

    // LibTorch threads; 0 means all cores.
    static int threads();
    static void setThreads(int n);

    // Font size steps (points) relative to the platform font, from View > Zoom.
    static int fontZoom();
    static void setFontZoom(int steps);

    // Recently opened folders, newest first; entries are "dataset:PATH" or "model:PATH".
    static QStringList recent();
    static void addRecent(const QString& kind, const QString& path);
    static void clearRecent();
};

// Applies the thread setting to the core at start-up. A command-line value (>= 0) wins over the
// stored setting for this session without changing it. Returns the number of threads in effect.
int applyThreadSetting(int commandLineThreads = -1);

} // namespace captioner::ui
