// Dataset grid benchmark: a 10,000-image dataset (demo scenes, 64 px PNG) in the desktop app's
// dataset page. Measures the core's open, the model reset + first paint, the time until the
// visible thumbnails are in (cold thumbnail cache, then warm), and scrolling the whole grid frame by
// frame (synchronous repaints), with the thumbnail memory and the process RSS at the end.
// Runs offscreen when there is no display. Usage: gui_grid_bench [--count N] [--distinct N]
#include "captioner/runtime.h"
#include "captioner/dataset.h"
#include "captioner/demo_dataset.h"
#include "captioner/review_store.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"
#include "captioner_ui/thumbnail_provider.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QListView>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {
long rssKiB() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    return 0;
}

// Waits (processing events) until the thumbnails asked for are all in; returns ms.
double waitThumbnails(captioner::ui::DatasetPage& page) {
    QElapsedTimer t;
    t.start();
    do {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
        page.view()->viewport()->repaint();
    } while (page.thumbnails()->pendingCount() > 0 && t.elapsed() < 60000);
    return double(t.nsecsElapsed()) / 1e6;
}

void frames(const char* what, std::vector<double> ms) {
    std::sort(ms.begin(), ms.end());
    double sum = 0;
    for (double v : ms) sum += v;
    std::printf("  %-40s %5zu frames  mean %6.2f ms  p95 %6.2f ms  max %6.2f ms\n", what, ms.size(), sum / ms.size(),
                ms[ms.size() * 95 / 100], ms.back());
}
} // namespace

int main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
    int count = 10000, distinct = 500;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
        else if (a == "--distinct" && i + 1 < argc) distinct = std::atoi(argv[++i]);
        else {
            std::fprintf(stderr, "usage: %s [--count N] [--distinct N]\n", argv[0]);
            return 2;
        }
    }
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QStandardPaths::setTestModeEnabled(true); // thumbnail cache under ~/.qttest, not the user's
    QApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("CaptionerBench"));

    QTemporaryDir tmp;
    const fs::path root = tmp.path().toStdString();
    QElapsedTimer t;
    t.start();
    captioner::DemoDatasetOptions demo;
    demo.count = distinct;
    captioner::writeDemoDataset((root / "scenes").string(), demo);
    // Many images, few distinct files: copies of the scenes under distinct names, captions numbered.
    std::vector<std::string> captions;
    {
        std::ifstream meta(root / "scenes" / "metadata.jsonl");
        std::string line;
        while (std::getline(meta, line)) captions.push_back(nlohmann::json::parse(line)["text"]);
    }
    fs::create_directories(root / "ds");
    std::ofstream meta(root / "ds" / "metadata.jsonl");
    for (int i = 0; i < count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "%05d.png", i);
        char src[32];
        std::snprintf(src, sizeof src, "%05d.png", i % distinct);
        fs::copy_file(root / "scenes" / src, root / "ds" / name);
        meta << nlohmann::json{{"file_name", name},
                               {"text", captions[std::size_t(i % distinct)] + " #" + std::to_string(i)}}
                    .dump()
             << "\n";
    }
    meta.close();
    std::printf("gui_grid_bench: %d images (%d distinct 64 px scenes) made in %.1f s; Qt platform %s\n", count,
                distinct, t.elapsed() / 1000.0, qPrintable(QGuiApplication::platformName()));

    t.restart();
    captioner::CaptionDataset dataset = captioner::CaptionDataset::open((root / "ds").string());
    std::printf("  core open (metadata.jsonl)                %8.1f ms\n", t.nsecsElapsed() / 1e6);

    captioner::ui::DatasetPage page;
    page.resize(1280, 800);
    page.show();
    QCoreApplication::processEvents();
    t.restart();
    page.openFolder(QString::fromStdString((root / "ds").string()));
    while (!page.hasDataset()) QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    std::printf("  page open (background thread) to grid shown %6.1f ms\n", t.nsecsElapsed() / 1e6);
    while (page.isLoading()) QCoreApplication::processEvents(QEventLoop::AllEvents, 5); // report done
    std::printf("  + report (header probe of every image)    %8.1f ms\n", t.nsecsElapsed() / 1e6);
    for (int pass = 0; pass < 2; ++pass) {
        if (pass == 0) page.thumbnails()->clear();
        if (pass == 0)
            fs::remove_all(QStandardPaths::writableLocation(QStandardPaths::CacheLocation).toStdString() +
                           "/thumbnails");
        t.restart();
        page.model()->setDataset(dataset, captioner::ReviewStore());
        const double reset = t.nsecsElapsed() / 1e6;
        page.view()->doItemsLayout();
        page.view()->viewport()->repaint();
        const double firstPaint = t.nsecsElapsed() / 1e6;
        const double thumbs = waitThumbnails(page);
        std::printf("  %s: model reset %.1f ms, + first paint %.1f ms; visible thumbnails in %.0f ms more\n",
                    pass == 0 ? "cold cache" : "warm cache", reset, firstPaint, thumbs);
    }

    // Scroll the whole grid: a third of the viewport per frame, as a wheel flick does.
    QScrollBar* bar = page.view()->verticalScrollBar();
    const int step = std::max(1, page.view()->viewport()->height() / 3);
    std::vector<double> ms;
    for (int v = 0; v <= bar->maximum(); v += step) {
        QElapsedTimer f;
        f.start();
        bar->setValue(v);
        page.view()->viewport()->repaint();
        QCoreApplication::processEvents();
        ms.push_back(f.nsecsElapsed() / 1e6);
    }
    frames("scroll top to bottom (placeholders)", ms);
    const double rest = waitThumbnails(page);
    std::printf("  thumbnails at the bottom in %.0f ms after the scroll stopped\n", rest);
    ms.clear();
    for (int v = bar->maximum(); v >= 0; v -= step) {
        QElapsedTimer f;
        f.start();
        bar->setValue(v);
        page.view()->viewport()->repaint();
        QCoreApplication::processEvents();
        ms.push_back(f.nsecsElapsed() / 1e6);
    }
    frames("scroll bottom to top", ms);
    std::printf("  thumbnail memory %.1f MiB (limit %.0f MiB), pending %d, process RSS %.0f MiB\n",
                page.thumbnails()->memoryBytes() / 1048576.0, page.thumbnails()->memoryLimitBytes() / 1048576.0,
                page.thumbnails()->pendingCount(), rssKiB() / 1024.0);
    return 0;
}
