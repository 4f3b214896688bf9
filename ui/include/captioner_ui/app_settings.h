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

    // Default decoding for captioning (Settings dialog; the Caption page starts from it).
    struct Decoding {
        bool beamSearch = false; // greedy when false
        int numBeams = 3;        // used when beamSearch
        int maxLength = 50;      // the guide's max_length
        double lengthPenalty = 1.0;
    };
    static Decoding decoding();
    static void setDecoding(const Decoding& d);

    // Edge of result-card and grid thumbnails in device-independent pixels (64..256, default 128).
    static int thumbnailSize();
    static void setThumbnailSize(int px);

    // "system", "light", "dark" or "high-contrast".
    static QString theme();
    static void setTheme(const QString& theme);

    // "auto" (CUDA when LibTorch has it), "cpu" or "cuda".
    static QString device();
    static void setDevice(const QString& device);

    // The precision models caption in (captioner/inference_precision.h): "fp32" (the default, exact),
    // "bf16" or "int8". Applied when a model is loaded; a change loads the open model again.
    static QString captionPrecision();
    static void setCaptionPrecision(const QString& precision);

    // Language of the app: "system" (the default), "en" or "ja"; read at start-up, so a change
    // applies on restart (installTranslators() in translations.h).
    static QString language();
    static void setLanguage(const QString& language);
};

// Applies the thread setting to the core at start-up. A command-line value (>= 0) wins over the
// stored setting for this session without changing it. Returns the number of threads in effect.
int applyThreadSetting(int commandLineThreads = -1);

} // namespace captioner::ui
