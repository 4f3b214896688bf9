// Thumbnail benchmark: 5,000 generated images (demo scenes at 256 px as PNG, plus photo-like
// 1024 px JPEGs), thumbnailed to 256 px cold (empty cache) and warm (cache filled), for JPEG and
// PNG cache entries, beside a reference measured in the same run: full decode + cv::resize, no cache.
// Usage: thumbnail_bench [--count N] [--photos N] [--threads N] [--keep]
#include "captioner/runtime.h"
#include "captioner/demo_dataset.h"
#include "captioner/image_io.h"
#include "captioner/thumbnail_cache.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace captioner;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Runs f(i) for i in [0, n) on `threads` threads (the GUI's thumbnail pool does the same).
double timed(int n, int threads, const std::function<void(int)>& f) {
    std::atomic<int> next{0};
    const double t0 = now();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (int i = next++; i < n; i = next++) f(i);
        });
    for (auto& t : pool) t.join();
    return now() - t0;
}

uint64_t folderBytes(const fs::path& dir) {
    uint64_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) total += e.file_size();
    return total;
}

void row(const char* what, int n, double seconds) {
    std::printf("  %-44s %7.2f s  %8.0f images/s\n", what, seconds, n / seconds);
}

} // namespace

int main(int argc, char** argv) {
    captioner::preferPassiveThreadWaiting(argv);
    int count = 5000, photos = 500, threads = int(std::max(1u, std::thread::hardware_concurrency()));
    bool keep = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
        else if (a == "--photos" && i + 1 < argc) photos = std::atoi(argv[++i]);
        else if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (a == "--keep") keep = true;
        else {
            std::fprintf(stderr, "usage: %s [--count N] [--photos N] [--threads N] [--keep]\n", argv[0]);
            return 2;
        }
    }
    photos = std::min(photos, count);
    const fs::path root = fs::temp_directory_path() / ("captioner-thumbnail-bench-" + std::to_string(::getpid()));
    fs::create_directories(root);
    std::printf("thumbnail_bench: %d images (%d demo PNG 256 px, %d photo-like JPEG 1024 px), %d threads, in %s\n",
                count, count - photos, photos, threads, root.string().c_str());

    // Inputs.
    double t0 = now();
    DemoDatasetOptions demo;
    demo.count = count - photos;
    demo.imageSize = 256;
    demo.threads = threads;
    writeDemoDataset((root / "demo").string(), demo);
    std::vector<std::string> paths;
    for (int i = 0; i < demo.count; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "%05d.png", i);
        paths.push_back((root / "demo" / name).string());
    }
    fs::create_directories(root / "photos");
    const size_t firstPhoto = paths.size();
    for (int i = 0; i < photos; ++i) paths.push_back((root / "photos" / (std::to_string(i) + ".jpg")).string());
    const double demoSeconds = now() - t0;
    t0 = now();
    timed(photos, threads, [&](int i) {
        // Noise and blur give JPEG the entropy of a photo, not of flat synthetic colour.
        std::mt19937_64 rng(uint64_t(i) * 1000003 + 1);
        cv::Mat rgb = renderScene(randomScene(rng), 1024), noise(1024, 1024, CV_16SC3), wide, bgr;
        cv::RNG(uint64_t(i) + 1).fill(noise, cv::RNG::NORMAL, 0, 14);
        rgb.convertTo(wide, CV_16SC3);
        wide += noise;
        wide.convertTo(rgb, CV_8UC3);
        cv::GaussianBlur(rgb, rgb, cv::Size(3, 3), 0.8);
        cv::Mat wider;
        cv::resize(rgb, wider, cv::Size(1024, 768), 0, 0, cv::INTER_AREA); // 4:3 like a camera
        cv::cvtColor(wider, bgr, cv::COLOR_RGB2BGR);
        cv::imwrite(paths[firstPhoto + size_t(i)], bgr, {cv::IMWRITE_JPEG_QUALITY, 92});
    });
    const double photoSeconds = now() - t0;
    std::printf("generated in %.1f s (demo PNGs %.1f s, photos %.1f s); inputs %.1f MB\n\n", demoSeconds + photoSeconds,
                demoSeconds, photoSeconds, folderBytes(root) / 1e6);

    const int maxSide = 256;
    const int n = int(paths.size());
    struct Subset {
        const char* name;
        size_t begin, end;
    };
    const Subset subsets[] = {{"all", 0, paths.size()},
                              {"demo PNG 256 px", 0, firstPhoto},
                              {"photo JPEG 1024x768", firstPhoto, paths.size()}};

    for (const Subset& s : subsets) {
        const int m = int(s.end - s.begin);
        if (m == 0) continue;
        std::printf("%s (%d images), thumbnails of at most %d px:\n", s.name, m, maxSide);
        const double probe = timed(m, threads, [&](int i) { probeImage(paths[s.begin + size_t(i)]); });
        row("open: header probe only", m, probe);
        const double ref = timed(m, threads, [&](int i) {
            const cv::Mat rgb = decodeImageRgb(paths[s.begin + size_t(i)]);
            const double k = double(maxSide) / std::max(rgb.cols, rgb.rows);
            cv::Mat out;
            if (k < 1) cv::resize(rgb, out, cv::Size(), k, k, cv::INTER_AREA);
        });
        row("reference: full decode + cv::resize", m, ref);
        const double reduced =
            timed(m, threads, [&](int i) { decodeThumbnailRgb(paths[s.begin + size_t(i)], maxSide); });
        row("decodeThumbnailRgb, no cache", m, reduced);
        for (ThumbnailFormat f : {ThumbnailFormat::Jpeg, ThumbnailFormat::Png}) {
            const char* fname = f == ThumbnailFormat::Jpeg ? "jpeg" : "png";
            const fs::path dir = root / (std::string("cache-") + s.name[0] + "-" + fname);
            ThumbnailCache cache(dir.string(), maxSide, f);
            const double cold = timed(m, threads, [&](int i) { cache.thumbnail(paths[s.begin + size_t(i)]); });
            const double warm = timed(m, threads, [&](int i) { cache.thumbnail(paths[s.begin + size_t(i)]); });
            const CacheStats st = cache.stats();
            char label[96];
            std::snprintf(label, sizeof label, "cache (%s entries), cold", fname);
            row(label, m, cold);
            std::snprintf(label, sizeof label, "cache (%s entries), warm", fname);
            row(label, m, warm);
            std::printf("  %-44s %7.1f MB  (%llu hits, %llu misses)\n", "  cache size on disk", folderBytes(dir) / 1e6,
                        (unsigned long long)st.hits, (unsigned long long)st.misses);
        }
        std::printf("\n");
    }
    (void)n;
    if (!keep) fs::remove_all(root);
    else std::printf("kept %s\n", root.string().c_str());
    return 0;
}
