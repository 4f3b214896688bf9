// Corrupt means reported: damaged copies of real fixtures (a JPEG cut inside its scan, one with bad
// Huffman codes, Pillow's truncated_jpeg.jpg, PNGs with broken IDAT data, a TIFF whose strip is cut)
// are errors naming the file, as Pillow refuses them by default; --load-truncated-images (Pillow's
// LOAD_TRUNCATED_IMAGES) decodes the JPEGs as far as they go instead, and leaves valid files as they are.
#include "cli_run.h"
#include "test_support.h"

#include <captioner/error.h>
#include <captioner/image_io.h>

#include <opencv2/core.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <string>

using namespace captioner;

namespace {

std::string imageFixture(const std::string& rel) { return testsupport::fixture("image/" + rel); }

uint32_t be32(const std::string& b, size_t at) {
    return uint32_t(uint8_t(b[at])) << 24 | uint32_t(uint8_t(b[at + 1])) << 16 | uint32_t(uint8_t(b[at + 2])) << 8 |
           uint32_t(uint8_t(b[at + 3]));
}

// Offset of the first byte of entropy-coded data (just past the first SOS segment).
size_t jpegScanStart(const std::string& j) {
    const size_t sos = j.find("\xFF\xDA");
    if (sos == std::string::npos) throw std::runtime_error("no SOS");
    return sos + 2 + (size_t(uint8_t(j[sos + 2])) << 8 | uint8_t(j[sos + 3]));
}

uint32_t crc32(const std::string& data, size_t from, size_t to) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = from; i < to; ++i) {
        c ^= uint8_t(data[i]);
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

struct LenientScope {
    LenientScope() { setLoadTruncatedImages(true); }
    ~LenientScope() { setLoadTruncatedImages(false); }
};

bool same(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

} // namespace

class TestImageCorrupt : public QObject {
    Q_OBJECT
private slots:
    void init() { QVERIFY(!loadTruncatedImages()); } // off by default, and each test leaves it off

    void damagedJpegIsAnError_data() {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<int>("intactRows"); // rows decoded exactly as the undamaged file in lenient mode
        QTest::newRow("cut inside the scan, end marker appended")
            << "cut+eoi"
            << "cannot decode jpeg image: Corrupt JPEG data: premature end of data segment" << 16;
        QTest::newRow("bad Huffman codes") << "huffman"
                                           << "cannot decode jpeg image: Corrupt JPEG data: " << 16;
        QTest::newRow("cut inside the scan") << "cut"
                                             << "truncated JPEG (no end-of-image marker)" << 16;
    }
    void damagedJpegIsAnError() {
        QFETCH(QString, damage);
        QFETCH(QString, reason);
        QFETCH(int, intactRows);
        const std::string original = testsupport::readFile(imageFixture("input/photo_320x240.jpg"));
        const cv::Mat intact = decodeImageRgb(imageFixture("input/photo_320x240.jpg"));
        const size_t scan = jpegScanStart(original);
        const size_t middle = scan + (original.size() - scan) / 2;
        std::string bytes = original;
        if (damage == "cut+eoi") bytes = original.substr(0, middle) + "\xFF\xD9";
        else if (damage == "cut") bytes = original.substr(0, middle);
        else // a run of stuffed 0xFF bytes: all-ones bits, which no JPEG Huffman table may use as a code
            for (size_t i = middle; i < middle + 64; i += 2) bytes.replace(i, 2, std::string("\xFF\x00", 2));
        QTemporaryDir dir;
        const std::string path = dir.filePath("damaged.jpg").toStdString();
        testsupport::writeFile(path, bytes);
        const std::string r = reason.toStdString();
        testsupport::expectError([&] { decodeImageRgb(path); }, path, {r});
        testsupport::expectError(
            [&] { decodeImageRgbFromMemory(std::vector<uint8_t>(bytes.begin(), bytes.end()), "upload"); }, "upload",
            {r});

        LenientScope lenient;
        const cv::Mat decoded = decodeImageRgb(path);
        QCOMPARE(decoded.cols, 320);
        QCOMPARE(decoded.rows, 240);
        QVERIFY(same(decoded.rowRange(0, intactRows), intact.rowRange(0, intactRows)));
        QVERIFY(!same(decoded, intact)); // the damage shows
    }

    void pillowsTruncatedJpeg() {
        // Pillow: OSError "image file is truncated" by default, decodes with LOAD_TRUNCATED_IMAGES.
        const std::string path = imageFixture("formats/pillow/truncated_jpeg.jpg");
        testsupport::expectError([&] { decodeImageRgb(path); }, path, {"truncated JPEG (no end-of-image marker)"});
        LenientScope lenient;
        const cv::Mat rgb = decodeImageRgb(path);
        QVERIFY(!rgb.empty());
        QCOMPARE(rgb.type(), CV_8UC3);
    }

    void validFilesAreTheSameInLenientMode() {
        for (const char* name : {"input/photo_320x240.jpg", "input/exif_orientation6_64x32.jpg",
                                 "formats/jpeg_cmyk_64x48.jpg", "formats/jpeg_ycck_64x48.jpg"}) {
            const cv::Mat strict = decodeImageRgb(imageFixture(name));
            LenientScope lenient;
            QVERIFY2(same(strict, decodeImageRgb(imageFixture(name))), name);
        }
    }

    void corruptPngDataIsAnError_data() {
        QTest::addColumn<bool>("fixCrc");
        QTest::newRow("IDAT bytes changed, CRC left wrong") << false;
        QTest::newRow("IDAT bytes changed, CRC recomputed") << true;
    }
    void corruptPngDataIsAnError() {
        QFETCH(bool, fixCrc);
        std::string png = testsupport::readFile(imageFixture("input/landscape_rgb_400x267.png"));
        const size_t idat = png.find("IDAT") - 4;
        const size_t len = be32(png, idat);
        QVERIFY(len > 1000);
        for (size_t i = idat + 8 + len / 2; i < idat + 8 + len / 2 + 200; ++i) png[i] = char(uint8_t(png[i]) ^ 0x5A);
        if (fixCrc) {
            const uint32_t c = crc32(png, idat + 4, idat + 8 + len);
            for (int k = 0; k < 4; ++k) png[idat + 8 + len + size_t(k)] = char(uint8_t(c >> (24 - 8 * k)));
        }
        QTemporaryDir dir;
        const std::string path = dir.filePath("corrupt.png").toStdString();
        testsupport::writeFile(path, png);
        testsupport::expectError([&] { decodeImageRgb(path); }, path, {"cannot decode png image"});
    }

    void cutTiffStripIsAnError() {
        // photo_96x72.tif: one LZW strip at offset 8 whose byte count (tag 279) is the IFD's 9th entry.
        std::string tif = testsupport::readFile(imageFixture("input/photo_96x72.tif"));
        const size_t ifd = size_t(uint8_t(tif[4])) | size_t(uint8_t(tif[5])) << 8;
        const size_t entry = ifd + 2 + 12 * 8;
        QCOMPARE(int(uint8_t(tif[entry])) | int(uint8_t(tif[entry + 1])) << 8, 279);
        // Strip data garbled in its second half.
        std::string garbled = tif;
        for (size_t i = 8 + 7000; i < 8 + 7400; ++i) garbled[i] = char(uint8_t(garbled[i]) * 7 + 13);
        QTemporaryDir dir;
        const std::string path = dir.filePath("garbled.tif").toStdString();
        testsupport::writeFile(path, garbled);
        testsupport::expectError([&] { decodeImageRgb(path); }, path,
                                 {"corrupt tiff image: strip 0 cannot be decoded"});
        // Strip byte count cut to a third: the LZW data ends early.
        std::string cut = tif;
        const uint32_t shorter = 5000;
        for (int k = 0; k < 4; ++k) cut[entry + 8 + size_t(k)] = char(uint8_t(shorter >> (8 * k)));
        const std::string cutPath = dir.filePath("cut.tif").toStdString();
        testsupport::writeFile(cutPath, cut);
        testsupport::expectError([&] { decodeImageRgb(cutPath); }, cutPath,
                                 {"corrupt tiff image: strip 0 cannot be decoded", "not terminated with EOI code"});
        LenientScope lenient; // left to OpenCV, which reads on past libtiff's error
        QCOMPARE(decodeImageRgb(cutPath).cols, 96);
    }

    void cliFlag() {
        QTemporaryDir dir;
        const std::string original = testsupport::readFile(imageFixture("input/photo_320x240.jpg"));
        const std::string path = dir.filePath("cut.jpg").toStdString();
        testsupport::writeFile(path, original.substr(0, original.size() / 2) + "\xFF\xD9");
        const QString model = QString::fromStdString(testsupport::fixture("pipeline/model"));
        const QString out = dir.filePath("px.npy");
        const auto strict = testsupport::runCli(
            {"preprocess", "--model", model, "--image", QString::fromStdString(path), "--out", out});
        QCOMPARE(strict.exitCode, 1);
        QVERIFY2(strict.err.contains(QString::fromStdString(path) + ": cannot decode jpeg image: Corrupt JPEG data"),
                 qPrintable(strict.err));
        for (const QStringList& args : {QStringList{"--load-truncated-images", "preprocess", "--model", model,
                                                    "--image", QString::fromStdString(path), "--out", out},
                                        QStringList{"preprocess", "--load-truncated-images", "--model", model,
                                                    "--image", QString::fromStdString(path), "--out", out}}) {
            QFile::remove(out);
            const auto lenient = testsupport::runCli(args);
            QVERIFY2(lenient.exitCode == 0, qPrintable(lenient.err));
            QVERIFY(QFile::exists(out));
        }
    }
};

QTEST_GUILESS_MAIN(TestImageCorrupt)
#include "test_image_corrupt.moc"
