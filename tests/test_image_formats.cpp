// Image formats as a browser shows them, decoded as Pillow does: every file of
// tests/fixtures/image/formats (written with Pillow, or copied from Pillow's Tests/images) decodes to
// Pillow's RGB and, after CLIP preprocessing, to transformers' pixel_values within 1e-2; the files
// Pillow refuses, we refuse with our exact message. Damaged and hostile files give errors, never
// crashes. References: tests/fixtures/image/make_format_fixtures.py (see the fixture README).
#include "test_support.h"

#include <captioner/clip_image_processor.h>
#include <captioner/error.h>
#include <captioner/image_io.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QtTest/QtTest>

#include <cstring>
#include <map>
#include <random>

using namespace captioner;

namespace {

std::string imageFixture(const std::string& rel) { return testsupport::fixture("image/" + rel); }

cv::Mat readRgbPng(const std::string& path) {
    const cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty()) throw std::runtime_error("cannot read " + path);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

// reference/normalize_table.npy: float32 [3,256], HF's rescale + normalize of each level.
std::vector<float> normalizeTable() {
    const std::string bytes = testsupport::readFile(imageFixture("reference/normalize_table.npy"));
    const size_t headerLen = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
    std::vector<float> t(3 * 256);
    if (bytes.size() != 10 + headerLen + t.size() * 4) throw std::runtime_error("normalize_table.npy: bad size");
    std::memcpy(t.data(), bytes.data() + 10 + headerLen, t.size() * 4);
    return t;
}

std::vector<uint8_t> fileBytes(const std::string& path) {
    const std::string s = testsupport::readFile(path);
    return std::vector<uint8_t>(s.begin(), s.end());
}

// Our messages for the files Pillow refuses (its reason in the manifest's pillow_refuses).
const std::map<std::string, std::string>& expectedRefusals() {
    static const std::map<std::string, std::string> m = {
        {"formats/pillow/bmp_q_rgb16-231.bmp", "unsupported BMP bitfields layout"},
        {"formats/pillow/bmp_q_pal2.bmp", "unsupported BMP pixel depth (2 bits)"},
        {"formats/pillow/bmp_b_shortfile.bmp", "truncated BMP (pixel rows missing)"},
        {"formats/pillow/bmp_b_badbitcount.bmp", "unsupported BMP pixel depth (30000 bits)"},
        {"formats/pillow/decompression_bomb.gif",
         "image is 65535x66601 pixels, over the limit of 178956970; not decoded"},
    };
    return m;
}

// Decoding must end in an image (true) or a captioner::Error naming the input (false); any other
// exception escapes and fails the test.
bool decodesOrRefuses(const std::vector<uint8_t>& bytes) {
    try {
        const cv::Mat rgb = decodeImageRgbFromMemory(bytes, "mutant");
        if (rgb.type() != CV_8UC3 || rgb.empty()) throw std::runtime_error("decoder returned no RGB image");
        return true;
    } catch (const Error& e) {
        if (e.subject() != "mutant" || e.reason().empty()) throw std::runtime_error("error without subject");
        return false;
    }
}

} // namespace

class TestImageFormats : public QObject {
    Q_OBJECT
private slots:
    void matchesPillowAndTransformers_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("crop");
        QTest::addColumn<QString>("decoded");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        const auto manifest = testsupport::readJson(imageFixture("reference/formats/manifest.json"));
        int rows = 0;
        for (const auto& e : manifest["files"]) {
            if (e.contains("pillow_refuses")) continue;
            QTest::newRow(e["input"].get<std::string>().c_str())
                << QString::fromStdString(e["input"]) << QString::fromStdString(e["crop"])
                << QString::fromStdString(e["decoded"]) << e["size"][0].get<int>() << e["size"][1].get<int>();
            ++rows;
        }
        QVERIFY(rows >= 50);
    }
    void matchesPillowAndTransformers() {
        QFETCH(QString, input);
        QFETCH(QString, crop);
        QFETCH(QString, decoded);
        QFETCH(int, width);
        QFETCH(int, height);
        const std::string path = imageFixture(input.toStdString());
        const cv::Mat rgb = decodeImageRgb(path);
        QCOMPARE(rgb.type(), CV_8UC3);
        QCOMPARE(rgb.cols, width);
        QCOMPARE(rgb.rows, height);
        const double decodedDiff = cv::norm(rgb, readRgbPng(imageFixture(decoded.toStdString())), cv::NORM_INF);

        static const ClipImageProcessor proc =
            ClipImageProcessor::fromJsonFile(imageFixture("reference/formats/config.json"));
        static const std::vector<float> table = normalizeTable();
        const torch::Tensor ours = proc.preprocess(rgb);
        const cv::Mat hfCrop = readRgbPng(imageFixture(crop.toStdString()));
        QCOMPARE(ours.size(1), int64_t(hfCrop.rows));
        QCOMPARE(ours.size(2), int64_t(hfCrop.cols));
        auto o = ours.accessor<float, 3>();
        double clipDiff = 0;
        for (int y = 0; y < hfCrop.rows; ++y)
            for (int x = 0; x < hfCrop.cols; ++x)
                for (int c = 0; c < 3; ++c)
                    clipDiff =
                        std::max(clipDiff,
                                 double(std::abs(o[c][y][x] - table[size_t(c) * 256 + hfCrop.at<cv::Vec3b>(y, x)[c]])));
        qInfo("%s: max |ours - Pillow| decoded = %g levels, max |ours - transformers| pixel_values = %g",
              qPrintable(input), decodedDiff, clipDiff);
        QVERIFY2(clipDiff <= 1e-2, qPrintable(QString::number(clipDiff)));
        // Same libjpeg-turbo as Pillow here, so even the lossy JPEGs decode identically.
        QCOMPARE(decodedDiff, 0.0);
        // The in-memory path (Parquet rows, uploads) gives the same pixels.
        QCOMPARE(cv::norm(rgb, decodeImageRgbFromMemory(fileBytes(path), "mem"), cv::NORM_INF), 0.0);
    }

    void refusesWhatPillowRefuses_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("reason");
        const auto manifest = testsupport::readJson(imageFixture("reference/formats/manifest.json"));
        size_t rows = 0;
        for (const auto& e : manifest["files"]) {
            if (!e.contains("pillow_refuses")) continue;
            const std::string input = e["input"];
            const auto it = expectedRefusals().find(input);
            QVERIFY2(it != expectedRefusals().end(), input.c_str()); // every refusal has its message here
            QTest::newRow(input.c_str()) << QString::fromStdString(input) << QString::fromStdString(it->second);
            ++rows;
        }
        QCOMPARE(rows, expectedRefusals().size());
    }
    void refusesWhatPillowRefuses() {
        QFETCH(QString, input);
        QFETCH(QString, reason);
        const std::string path = imageFixture(input.toStdString());
        try {
            decodeImageRgb(path);
            QFAIL("decoded a file Pillow refuses");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.subject()), QString::fromStdString(path));
            QCOMPARE(QString::fromStdString(e.reason()), reason);
        }
    }

    void damagedFilesGiveErrors_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<int>("keepBytes");
        QTest::addColumn<QString>("reason");
        QTest::newRow("gif header only") << "gif_palette_72x56.gif" << 12
                                         << "truncated GIF (file shorter than its header)";
        QTest::newRow("gif palette cut") << "gif_palette_72x56.gif" << 100
                                         << "truncated GIF (global palette cut short)";
        QTest::newRow("gif lzw cut") << "gif_palette_72x56.gif" << 700 << "truncated GIF (image data cut short)";
        QTest::newRow("bmp rows cut") << "bmp_565_40x30.bmp" << 1000 << "truncated BMP (pixel rows missing)";
        QTest::newRow("bmp rle cut") << "pillow/bmp_g_pal8rle.bmp" << 3000
                                     << "truncated or corrupt BMP (RLE data ends before the last pixel)";
        QTest::newRow("cmyk jpeg cut") << "jpeg_cmyk_64x48.jpg" << 2000 << "truncated JPEG (no end-of-image marker)";
    }
    void damagedFilesGiveErrors() {
        QFETCH(QString, input);
        QFETCH(int, keepBytes);
        QFETCH(QString, reason);
        std::vector<uint8_t> bytes = fileBytes(imageFixture("formats/" + input.toStdString()));
        QVERIFY(size_t(keepBytes) < bytes.size());
        bytes.resize(size_t(keepBytes));
        try {
            decodeImageRgbFromMemory(bytes, "cut");
            QFAIL("decoded a cut file");
        } catch (const Error& e) {
            QCOMPARE(QString::fromStdString(e.reason()), reason);
        }
    }

    // Hand-made hostile headers: refused before any large allocation.
    void hostileHeaders() {
        // GIF whose first frame reaches far past a tiny logical screen: the canvas would be 65535^2.
        std::vector<uint8_t> gif = {'G',  'I',  'F',  '8', '9', 'a', 1, 0, 1, 0, 0,    0,    0, 0x2C, 0xFF,
                                    0xFF, 0xFF, 0xFF, 1,   0,   1,   0, 0, 2, 2, 0x4C, 0x01, 0, 0x3B};
        testsupport::expectError([&] { decodeImageRgbFromMemory(gif, "wide.gif"); }, "wide.gif",
                                 {"over the limit of 178956970"});
        // GIF with an LZW code that is not yet defined.
        std::vector<uint8_t> bad = {'G', 'I', 'F',  '8', '9', 'a', 2, 0, 2, 0, 0x80, 0, 0, 0, 0,    0, 255,
                                    255, 255, 0x2C, 0,   0,   0,   0, 2, 0, 2, 0,    0, 2, 1, 0x3F, 0, 0x3B};
        testsupport::expectError([&] { decodeImageRgbFromMemory(bad, "bad.gif"); }, "bad.gif",
                                 {"corrupt GIF (invalid LZW code)"});
        // RLE8 BMP claiming 60000x60000 pixels.
        std::vector<uint8_t> bmp(14 + 40 + 1024 + 4, 0);
        const auto put32 = [&](size_t at, uint32_t v) {
            for (int i = 0; i < 4; ++i) bmp[at + size_t(i)] = uint8_t(v >> (8 * i));
        };
        bmp[0] = 'B';
        bmp[1] = 'M';
        put32(10, 14 + 40 + 1024);
        put32(14, 40);
        put32(18, 60000);
        put32(22, 60000);
        bmp[26] = 1;
        bmp[28] = 8;
        put32(30, 1);
        testsupport::expectError([&] { decodeImageRgbFromMemory(bmp, "huge.bmp"); }, "huge.bmp",
                                 {"60000x60000 pixels, over the limit"});
    }

    // Every prefix and a few thousand random byte changes of small fixtures: an image or an Error.
    void mutatedFilesNeverCrash() {
        std::mt19937 rng(20261207);
        for (const char* name :
             {"gif_transparent_72x56.gif", "gif_animated_72x56.gif", "pillow/bmp_g_pal4rle.bmp", "bmp_565_40x30.bmp",
              "tiff_4bit_60x40.tif", "jpeg_ycck_64x48.jpg", "webp_animated_70x50.webp", "pillow/multipage.tiff"}) {
            const std::vector<uint8_t> original = fileBytes(imageFixture(std::string("formats/") + name));
            int decoded = 0, refused = 0;
            for (size_t keep = 0; keep < original.size(); keep += 1 + original.size() / 200) {
                const std::vector<uint8_t> prefix(original.begin(), original.begin() + long(keep));
                (decodesOrRefuses(prefix) ? decoded : refused)++;
            }
            for (int k = 0; k < 300; ++k) {
                std::vector<uint8_t> m = original;
                const int flips = 1 + int(rng() % 4);
                for (int f = 0; f < flips; ++f) m[rng() % m.size()] = uint8_t(rng());
                (decodesOrRefuses(m) ? decoded : refused)++;
            }
            qInfo("%s: %d mutants decoded, %d refused", name, decoded, refused);
        }
    }
};

QTEST_GUILESS_MAIN(TestImageFormats)
#include "test_image_formats.moc"
