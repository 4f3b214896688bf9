// Decoding to RGB as transformers' load_image sees images (PIL open + exif_transpose + convert RGB),
// header probing, thumbnails and the errors bad files must give. Fixtures: tests/fixtures/image.
#include "test_support.h"

#include <captioner/error.h>
#include <captioner/image_io.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace captioner;

namespace {

std::string imageFixture(const std::string& rel) { return testsupport::fixture("image/" + rel); }

cv::Mat readRgbPng(const std::string& path) {
    cv::Mat rgb;
    cv::cvtColor(cv::imread(path, cv::IMREAD_COLOR), rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

std::vector<uint8_t> fileBytes(const std::string& path) {
    const std::string s = testsupport::readFile(path);
    return std::vector<uint8_t>(s.begin(), s.end());
}

} // namespace

class TestImageIo : public QObject {
    Q_OBJECT
private slots:
    void decodesEveryFixtureToRgb_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        for (const auto& e : testsupport::readJson(imageFixture("reference/manifest.json")))
            QTest::newRow(e["input"].get<std::string>().c_str())
                << QString::fromStdString(e["input"]) << e["decoded_size"][0].get<int>()
                << e["decoded_size"][1].get<int>();
    }
    void decodesEveryFixtureToRgb() {
        QFETCH(QString, input);
        QFETCH(int, width);
        QFETCH(int, height);
        const cv::Mat rgb = decodeImageRgb(imageFixture(input.toStdString()));
        QCOMPARE(rgb.type(), CV_8UC3);
        QCOMPARE(rgb.cols, width);
        QCOMPARE(rgb.rows, height);
        const cv::Mat fromMemory = decodeImageRgbFromMemory(fileBytes(imageFixture(input.toStdString())), "x");
        QCOMPARE(cv::norm(rgb, fromMemory, cv::NORM_INF), 0.0);
    }

    void lossyDecodingMatchesPil_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("jpeg") << "photo_320x240.jpg";
        QTest::newRow("webp") << "photo_350x262.webp";
    }
    void lossyDecodingMatchesPil() {
        QFETCH(QString, name);
        const std::string stem = name.left(name.lastIndexOf('.')).toStdString();
        const cv::Mat ours = decodeImageRgb(imageFixture("input/" + name.toStdString()));
        const cv::Mat pil = readRgbPng(imageFixture("reference/" + stem + "_decoded.png"));
        const double diff = cv::norm(ours, pil, cv::NORM_INF);
        qInfo("%s: max |OpenCV - PIL| decoded = %g", qPrintable(name), diff);
        // Same libjpeg-turbo / libwebp here: identical. Other builds may differ by a level or two.
        QVERIFY2(diff <= 2, qPrintable(QString::number(diff)));
    }

    void pilConversionSemantics() {
        // RGBA: alpha dropped, colour of fully transparent pixels kept (no compositing on white/black).
        const cv::Mat raw = cv::imread(imageFixture("input/rgba_300x225.png"), cv::IMREAD_UNCHANGED);
        QCOMPARE(raw.channels(), 4);
        QCOMPARE(int(raw.at<cv::Vec4b>(5, 5)[3]), 0);
        const cv::Mat rgba = decodeImageRgb(imageFixture("input/rgba_300x225.png"));
        const cv::Vec4b bgra = raw.at<cv::Vec4b>(5, 5);
        QCOMPARE(rgba.at<cv::Vec3b>(5, 5), cv::Vec3b(bgra[2], bgra[1], bgra[0]));
        // 16-bit grey: PIL's "I" -> "RGB" clips at 255 instead of scaling.
        const cv::Mat g16 = cv::imread(imageFixture("input/grey16_240x260.png"), cv::IMREAD_UNCHANGED);
        QCOMPARE(g16.type(), CV_16UC1);
        const cv::Mat grey = decodeImageRgb(imageFixture("input/grey16_240x260.png"));
        int clipped = 0;
        for (int y = 0; y < g16.rows; ++y)
            for (int x = 0; x < g16.cols; ++x) {
                const int v = g16.at<uint16_t>(y, x), expect = std::min(v, 255);
                const cv::Vec3b p = grey.at<cv::Vec3b>(y, x);
                QVERIFY(p[0] == expect && p[1] == expect && p[2] == expect);
                clipped += v > 255;
            }
        QVERIFY(clipped > 1000); // the fixture really exercises the clip
        // 16-bit colour keeps the high byte.
        const cv::Mat c16 = cv::imread(imageFixture("input/rgb16_120x130.png"), cv::IMREAD_UNCHANGED);
        const cv::Mat c8 = decodeImageRgb(imageFixture("input/rgb16_120x130.png"));
        const cv::Vec<uint16_t, 3> s = c16.at<cv::Vec<uint16_t, 3>>(7, 9);
        QCOMPARE(c8.at<cv::Vec3b>(7, 9), cv::Vec3b(s[2] >> 8, s[1] >> 8, s[0] >> 8));
    }

    // A complete, valid 370-byte PNG whose header says 100000x100000: refused before any allocation.
    void decompressionBombIsRefusedFromTheHeader() {
        const std::string bomb = testsupport::fixture("dataset/huge_dims.png");
        QCOMPARE(probeImage(bomb).width, 100000);
        testsupport::expectError([&] { decodeImageRgb(bomb); }, bomb,
                                 {"100000x100000 pixels, over the limit of 178956970"});
        testsupport::expectError([&] { decodeThumbnailRgb(bomb, 128); }, bomb, {"over the limit"});
        const std::string bytes = testsupport::readFile(bomb);
        testsupport::expectError(
            [&] { decodeImageRgbFromMemory(std::vector<uint8_t>(bytes.begin(), bytes.end()), "in-memory.png"); },
            "in-memory.png", {"over the limit"});
    }

    void exifOrientationIsApplied() {
        const std::string path = imageFixture("input/exif_orientation6_64x32.jpg");
        const cv::Mat rgb = decodeImageRgb(path);
        QCOMPARE(rgb.cols, 32); // stored 64x32, displayed rotated 90 degrees clockwise
        QCOMPARE(rgb.rows, 64);
        const cv::Vec3b top = rgb.at<cv::Vec3b>(3, 16), bottom = rgb.at<cv::Vec3b>(60, 16);
        QVERIFY2(top[0] > 200 && top[2] < 50, "stored left half (red) must be on top");
        QVERIFY2(bottom[2] > 200 && bottom[0] < 50, "stored right half (blue) must be at the bottom");
        const ImageInfo info = probeImage(path);
        QCOMPARE(info.width, 32);
        QCOMPARE(info.height, 64);
        const cv::Mat thumb = decodeThumbnailRgb(path, 16);
        QCOMPARE(thumb.cols, 8);
        QCOMPARE(thumb.rows, 16);
    }

    void probeReadsHeaders_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("format");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<int>("channels");
        QTest::addColumn<int>("bitDepth");
        QTest::newRow("png rgb") << "landscape_rgb_400x267.png"
                                 << "png" << 400 << 267 << 3 << 8;
        QTest::newRow("png rgba") << "rgba_300x225.png"
                                  << "png" << 300 << 225 << 4 << 8;
        QTest::newRow("png grey16") << "grey16_240x260.png"
                                    << "png" << 240 << 260 << 1 << 16;
        QTest::newRow("png palette") << "palette_260x230.png"
                                     << "png" << 260 << 230 << 1 << 8;
        QTest::newRow("png grey+alpha") << "grey_alpha_230x250.png"
                                        << "png" << 230 << 250 << 2 << 8;
        QTest::newRow("png rgb16") << "rgb16_120x130.png"
                                   << "png" << 120 << 130 << 3 << 16;
        QTest::newRow("jpeg") << "photo_320x240.jpg"
                              << "jpeg" << 320 << 240 << 3 << 8;
        QTest::newRow("webp") << "photo_350x262.webp"
                              << "webp" << 350 << 262 << 3 << 8;
        QTest::newRow("bmp") << "photo_150x110.bmp"
                             << "bmp" << 150 << 110 << 3 << 8;
        QTest::newRow("tiff") << "photo_96x72.tif"
                              << "tiff" << 96 << 72 << 3 << 8;
    }
    void probeReadsHeaders() {
        QFETCH(QString, input);
        QFETCH(QString, format);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(int, channels);
        QFETCH(int, bitDepth);
        const ImageInfo info = probeImage(imageFixture("input/" + input.toStdString()));
        QCOMPARE(QString::fromStdString(info.format), format);
        QCOMPARE(info.width, width);
        QCOMPARE(info.height, height);
        QCOMPARE(info.channels, channels);
        QCOMPARE(info.bitDepth, bitDepth);
    }

    void thumbnails() {
        QTemporaryDir dir;
        // A large JPEG takes libjpeg's reduced-size path (1/8 here) and still looks like the image.
        const cv::Mat small = decodeImageRgb(imageFixture("input/photo_320x240.jpg"));
        cv::Mat bigRgb, bigBgr;
        cv::resize(small, bigRgb, cv::Size(2560, 1920), 0, 0, cv::INTER_CUBIC);
        cv::cvtColor(bigRgb, bigBgr, cv::COLOR_RGB2BGR);
        const std::string big = dir.filePath("big.jpg").toStdString();
        QVERIFY(cv::imwrite(big, bigBgr, {cv::IMWRITE_JPEG_QUALITY, 92}));
        QElapsedTimer timer;
        timer.start();
        const cv::Mat thumb = decodeThumbnailRgb(big, 256);
        qInfo("thumbnail of 2560x1920 JPEG: %lld ms", static_cast<long long>(timer.elapsed()));
        QCOMPARE(thumb.type(), CV_8UC3);
        QCOMPARE(thumb.cols, 256);
        QCOMPARE(thumb.rows, 192);
        cv::Mat expected;
        cv::resize(decodeImageRgb(big), expected, thumb.size(), 0, 0, cv::INTER_AREA);
        const double meanDiff = cv::norm(thumb, expected, cv::NORM_L1) / double(thumb.total() * 3);
        qInfo("thumbnail mean |reduced decode - full decode| = %.3f levels", meanDiff);
        QVERIFY2(meanDiff < 3.0, qPrintable(QString::number(meanDiff)));
        // Small images are never enlarged; other formats take the full decode path.
        const cv::Mat same = decodeThumbnailRgb(imageFixture("input/small_rgb_180x130.png"), 400);
        QCOMPARE(same.cols, 180);
        const cv::Mat png = decodeThumbnailRgb(imageFixture("input/landscape_rgb_400x267.png"), 100);
        QCOMPARE(png.cols, 100);
        QCOMPARE(png.rows, 67);
        testsupport::expectError([&] { decodeThumbnailRgb(big, 0); }, big, {"positive"});
    }

    void badFilesGiveErrorsNamingThem_data() {
        QTest::addColumn<QString>("source");  // fixture to damage, or "" for literal content
        QTest::addColumn<int>("keepBytes");   // prefix length kept (-1: all)
        QTest::addColumn<QString>("content"); // literal content when source is ""
        QTest::addColumn<QString>("fileName");
        QTest::addColumn<QString>("reason");
        QTest::newRow("zero bytes") << "" << -1 << ""
                                    << "empty.png"
                                    << "empty file";
        QTest::newRow("text renamed png") << "" << -1 << "hello, not a picture\n"
                                          << "text.png"
                                          << "not an image";
        QTest::newRow("truncated png") << "landscape_rgb_400x267.png" << 60000 << ""
                                       << "cut.png"
                                       << "truncated PNG";
        QTest::newRow("png without IEND") << "landscape_rgb_400x267.png" << -12 << ""
                                          << "noend.png"
                                          << "truncated PNG";
        QTest::newRow("truncated jpeg") << "photo_320x240.jpg" << 4000 << ""
                                        << "cut.jpg"
                                        << "truncated JPEG";
        QTest::newRow("jpeg header only") << "photo_320x240.jpg" << 300 << ""
                                          << "head.jpg"
                                          << "JPEG";
        QTest::newRow("truncated webp") << "photo_350x262.webp" << 2000 << ""
                                        << "cut.webp"
                                        << "truncated WebP";
        QTest::newRow("truncated bmp") << "photo_150x110.bmp" << 30000 << ""
                                       << "cut.bmp"
                                       << "truncated BMP";
        QTest::newRow("gif") << "" << -1 << "GIF89a\x01\x00\x01\x00\x00\x00\x00;"
                             << "a.gif"
                             << "GIF";
    }
    void badFilesGiveErrorsNamingThem() {
        QFETCH(QString, source);
        QFETCH(int, keepBytes);
        QFETCH(QString, content);
        QFETCH(QString, fileName);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        std::string bytes = content.toStdString();
        if (!source.isEmpty()) {
            bytes = testsupport::readFile(imageFixture("input/" + source.toStdString()));
            QVERIFY(keepBytes < int(bytes.size())); // really a cut, not zero padding
            bytes.resize(keepBytes >= 0 ? size_t(keepBytes) : bytes.size() + keepBytes);
        }
        const std::string path = dir.filePath(fileName).toStdString();
        testsupport::writeFile(path, bytes);
        const std::string r = reason.toStdString();
        testsupport::expectError([&] { decodeImageRgb(path); }, path, {r.c_str()});
        testsupport::expectError([&] { decodeThumbnailRgb(path, 64); }, path, {r.c_str()});
        testsupport::expectError(
            [&] { decodeImageRgbFromMemory(std::vector<uint8_t>(bytes.begin(), bytes.end()), "upload"); }, "upload",
            {r.c_str()});
    }

    void missingAndUnreadablePaths() {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("nope.jpg").toStdString();
        testsupport::expectError([&] { decodeImageRgb(missing); }, missing, {"not found"});
        testsupport::expectError([&] { probeImage(missing); }, missing, {"not found"});
        testsupport::expectError([&] { decodeThumbnailRgb(missing, 64); }, missing, {"not found"});
        const std::string folder = dir.path().toStdString();
        testsupport::expectError([&] { decodeImageRgb(folder); }, folder, {"directory"});
        const std::string text = dir.filePath("notes.png").toStdString();
        testsupport::writeFile(text, "just text");
        testsupport::expectError([&] { probeImage(text); }, text, {"not an image"});
    }
};

QTEST_GUILESS_MAIN(TestImageIo)
#include "test_image_io.moc"
