// Thumbnail cache: sizes and pixels as decodeThumbnailRgb gives them, hits on the second request,
// keys that change with the file, torn or garbage entries rebuilt, errors naming the image, and
// many threads at once.
#include "test_support.h"

#include <captioner/error.h>
#include <captioner/image_io.h>
#include <captioner/thumbnail_cache.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <thread>

using namespace captioner;
namespace fs = std::filesystem;

namespace {

// A smooth, colourful test picture (RGB), like a photo rather than a synthetic pattern: sharp
// colour edges every few pixels would measure JPEG chroma subsampling, not the cache.
cv::Mat picture(int w, int h, int seed) {
    cv::Mat rgb(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            rgb.at<cv::Vec3b>(y, x) =
                cv::Vec3b(uchar(x * 255 / w), uchar(y * 255 / h), uchar(128 + 100 * std::sin((x + y) * 0.02 + seed)));
    cv::circle(rgb, cv::Point(w / 3, h / 2), std::min(w, h) / 5, cv::Scalar(250, 30, 60), cv::FILLED, cv::LINE_AA);
    return rgb;
}

void save(const std::string& path, const cv::Mat& rgb) {
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    QVERIFY(cv::imwrite(path, bgr));
}

double meanAbsDiff(const cv::Mat& a, const cv::Mat& b) {
    cv::Mat d;
    cv::absdiff(a, b, d);
    const cv::Scalar m = cv::mean(d);
    return (m[0] + m[1] + m[2]) / 3;
}

bool equal(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

int countFiles(const std::string& dir, const std::string& containing = "") {
    int n = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file() && e.path().filename().string().find(containing) != std::string::npos) ++n;
    return n;
}

} // namespace

class TestThumbnailCache : public QObject {
    Q_OBJECT
private slots:
    void coldThenWarm_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("ext");
        QTest::addColumn<int>("w");
        QTest::addColumn<int>("h");
        QTest::addColumn<int>("tw");
        QTest::addColumn<int>("th");
        QTest::newRow("png landscape, png cache") << int(ThumbnailFormat::Png) << "png" << 640 << 480 << 128 << 96;
        QTest::newRow("png portrait, jpeg cache") << int(ThumbnailFormat::Jpeg) << "png" << 300 << 900 << 43 << 128;
        QTest::newRow("large jpeg, reduced decode") << int(ThumbnailFormat::Jpeg) << "jpg" << 2048 << 1536 << 128 << 96;
        QTest::newRow("small image is not enlarged") << int(ThumbnailFormat::Png) << "png" << 50 << 30 << 50 << 30;
    }
    void coldThenWarm() {
        QFETCH(int, format);
        QFETCH(QString, ext);
        QFETCH(int, w);
        QFETCH(int, h);
        QFETCH(int, tw);
        QFETCH(int, th);
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        const std::string image = root + "/img." + ext.toStdString();
        save(image, picture(w, h, 1));
        ThumbnailCache cache(root + "/cache", 128, ThumbnailFormat(format));
        QVERIFY(!fs::exists(cache.cachePathFor(image)));
        const cv::Mat cold = cache.thumbnail(image);
        QCOMPARE(cold.cols, tw);
        QCOMPARE(cold.rows, th);
        QVERIFY(equal(cold, decodeThumbnailRgb(image, 128))); // a miss is exactly the reduced decode
        QVERIFY(fs::exists(cache.cachePathFor(image)));
        QCOMPARE(cache.stats().misses, uint64_t(1));
        QCOMPARE(cache.stats().hits, uint64_t(0));

        ThumbnailCache again(root + "/cache", 128, ThumbnailFormat(format)); // a new session
        const cv::Mat warm = again.thumbnail(image);
        QCOMPARE(again.stats().hits, uint64_t(1));
        QCOMPARE(again.stats().misses, uint64_t(0));
        QCOMPARE(warm.size(), cold.size());
        QCOMPARE(warm.type(), CV_8UC3);
        if (ThumbnailFormat(format) == ThumbnailFormat::Png) QVERIFY(equal(warm, cold));
        else
            // JPEG q90 with 4:2:0 chroma on a 100-pixel picture with a hard-edged red disc: a few
            // grey levels on average; another image or swapped channels would be tens.
            QVERIFY2(meanAbsDiff(warm, cold) < 5 && cv::PSNR(warm, cold) > 30,
                     qPrintable(QString("mean %1, PSNR %2").arg(meanAbsDiff(warm, cold)).arg(cv::PSNR(warm, cold))));
        // Channel order survives the round trip (BGR on disk): the red disc is still red.
        const cv::Vec3b p = warm.at<cv::Vec3b>(warm.rows / 2, warm.cols / 3);
        QVERIFY(p[0] > 200 && p[1] < 80 && p[2] < 100);
        QCOMPARE(countFiles(root + "/cache", ".tmp-"), 0);
    }

    void keyFollowsFileAndSize() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        const std::string image = root + "/a.png";
        save(image, picture(200, 100, 1));
        ThumbnailCache c64(root + "/cache", 64), c128(root + "/cache", 128);
        const std::string p1 = c64.cachePathFor(image);
        QCOMPARE(p1, ThumbnailCache(root + "/cache", 64).cachePathFor(image)); // stable
        QVERIFY(p1.rfind(root + "/cache/", 0) == 0);
        QVERIFY(p1 != c128.cachePathFor(image));
        // The same file named through a relative path shares the entry.
        const fs::path old = fs::current_path();
        fs::current_path(root);
        const std::string relative = c64.cachePathFor("./a.png");
        fs::current_path(old);
        QCOMPARE(relative, p1);

        const cv::Mat before = c64.thumbnail(image);
        // Replace the image: size and mtime change, so the old entry is not used.
        save(image, picture(200, 100, 5));
        fs::last_write_time(image, fs::last_write_time(image) + std::chrono::seconds(3));
        QVERIFY(c64.cachePathFor(image) != p1);
        const cv::Mat after = c64.thumbnail(image);
        QVERIFY(!equal(before, after));
        QVERIFY(equal(after, decodeThumbnailRgb(image, 64))); // a miss returns the fresh decode itself
        QCOMPARE(c64.stats().misses, uint64_t(2));
    }

    void corruptEntryIsRebuilt_data() {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("damage"); // 0 garbage, 1 truncated, 2 empty
        for (int f : {0, 1})
            for (int d : {0, 1, 2})
                QTest::newRow(qPrintable(QString("%1 %2")
                                             .arg(f ? "png" : "jpeg")
                                             .arg(d == 0   ? "garbage"
                                                  : d == 1 ? "truncated"
                                                           : "empty")))
                    << f << d;
    }
    void corruptEntryIsRebuilt() {
        QFETCH(int, format);
        QFETCH(int, damage);
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        const std::string image = root + "/a.png";
        save(image, picture(400, 300, 2));
        ThumbnailCache cache(root + "/cache", 100, ThumbnailFormat(format));
        const cv::Mat good = cache.thumbnail(image);
        const std::string entry = cache.cachePathFor(image);
        std::string bytes = testsupport::readFile(entry);
        if (damage == 0) bytes = "this is not an image";
        else if (damage == 1) bytes.resize(bytes.size() * 2 / 3);
        else bytes.clear();
        testsupport::writeFile(entry, bytes);
        const cv::Mat again = cache.thumbnail(image);
        QVERIFY(equal(again, good)); // rebuilt from the image, not the torn entry
        QCOMPARE(cache.stats().corruptEntries, uint64_t(1));
        QCOMPARE(cache.stats().misses, uint64_t(2));
        QVERIFY(testsupport::readFile(entry).size() > 100); // rewritten whole
        cache.thumbnail(image);
        QCOMPARE(cache.stats().hits, uint64_t(1));
    }

    void badImagesThrowNamingTheFile() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        ThumbnailCache cache(root + "/cache", 64);
        const std::string missing = root + "/missing.png";
        const std::string garbage = root + "/garbage.jpg";
        testsupport::writeFile(garbage, "\xFF\xD8\xFF\xE0 definitely not a jpeg");
        for (const auto& path : {missing, garbage}) {
            try {
                cache.thumbnail(path);
                QFAIL("expected captioner::Error");
            } catch (const Error& e) {
                QCOMPARE(e.subject(), path);
                QVERIFY(!e.reason().empty());
            }
        }
        QCOMPARE(cache.stats().decodeFailures, uint64_t(2));
        QVERIFY_EXCEPTION_THROWN(ThumbnailCache(root + "/c", 0), Error);
    }

    void clearRemovesEntries() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        ThumbnailCache cache(root + "/cache", 64);
        cache.clear(); // no folder yet: fine
        for (int i = 0; i < 3; ++i) save(root + "/" + std::to_string(i) + ".png", picture(120, 90, i));
        for (int i = 0; i < 3; ++i) cache.thumbnail(root + "/" + std::to_string(i) + ".png");
        QCOMPARE(countFiles(root + "/cache"), 3);
        cache.clear();
        QVERIFY(fs::exists(root + "/cache"));
        QCOMPARE(countFiles(root + "/cache"), 0);
        cache.thumbnail(root + "/0.png");
        QCOMPARE(cache.stats().misses, uint64_t(4));
    }

    void manyThreadsAgree() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        const int n = 24;
        std::vector<std::string> paths;
        for (int i = 0; i < n; ++i) {
            paths.push_back(root + "/" + std::to_string(i) + (i % 2 ? ".jpg" : ".png"));
            save(paths.back(), picture(160 + i * 7, 120, i));
        }
        std::vector<cv::Mat> expected;
        for (const auto& p : paths) expected.push_back(decodeThumbnailRgb(p, 48));
        ThumbnailCache cache(root + "/cache", 48, ThumbnailFormat::Png);
        const int threads = 6, rounds = 3;
        std::vector<int> mismatches(threads, 0), failures(threads, 0);
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&, t] {
                for (int r = 0; r < rounds; ++r)
                    for (int k = 0; k < n; ++k) {
                        const int i = (k * (t + 1) + r) % n;
                        try {
                            if (!equal(cache.thumbnail(paths[size_t(i)]), expected[size_t(i)])) ++mismatches[size_t(t)];
                        } catch (...) {
                            ++failures[size_t(t)];
                        }
                    }
            });
        for (auto& t : pool) t.join();
        for (int t = 0; t < threads; ++t) {
            QCOMPARE(mismatches[size_t(t)], 0);
            QCOMPARE(failures[size_t(t)], 0);
        }
        const CacheStats s = cache.stats();
        QCOMPARE(s.hits + s.misses, uint64_t(threads * rounds * n));
        QVERIFY(s.misses >= uint64_t(n));
        QCOMPARE(s.corruptEntries, uint64_t(0));
        QCOMPARE(countFiles(root + "/cache"), n);
        QCOMPARE(countFiles(root + "/cache", ".tmp-"), 0);
    }

    void defaultDirFollowsXdg() {
        const QByteArray oldXdg = qgetenv("XDG_CACHE_HOME"), oldHome = qgetenv("HOME");
        qputenv("XDG_CACHE_HOME", "/x/cache");
        QCOMPARE(defaultThumbnailCacheDir(), std::string("/x/cache/captioner/thumbnails"));
        qputenv("XDG_CACHE_HOME", "relative/ignored");
        qputenv("HOME", "/home/someone");
        QCOMPARE(defaultThumbnailCacheDir(), std::string("/home/someone/.cache/captioner/thumbnails"));
        qunsetenv("XDG_CACHE_HOME");
        QCOMPARE(defaultThumbnailCacheDir(), std::string("/home/someone/.cache/captioner/thumbnails"));
        if (oldXdg.isNull()) qunsetenv("XDG_CACHE_HOME");
        else qputenv("XDG_CACHE_HOME", oldXdg);
        qputenv("HOME", oldHome);
    }
};

QTEST_GUILESS_MAIN(TestThumbnailCache)
#include "test_thumbnail_cache.moc"
