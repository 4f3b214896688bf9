// Hostile images cost little: each crafted worst case is decoded and preprocessed (or refused) in a
// forked child, and the child's own counters are asserted: CPU time (getrusage, user + system) under
// 2 s and peak resident memory (VmHWM, reset through /proc/self/clear_refs) under 512 MiB above what
// the child held before. The figures are printed for the record.
#include "test_support.h"

#include <captioner/clip_image_processor.h>
#include <captioner/error.h>
#include <captioner/image_io.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace captioner;

namespace {

using Bytes = std::string;

void put16le(Bytes& b, uint32_t v) {
    b += char(v & 0xFF);
    b += char((v >> 8) & 0xFF);
}
void put32le(Bytes& b, uint32_t v) {
    put16le(b, v & 0xFFFF);
    put16le(b, v >> 16);
}
void put16be(Bytes& b, uint32_t v) {
    b += char((v >> 8) & 0xFF);
    b += char(v & 0xFF);
}
void put32be(Bytes& b, uint32_t v) {
    put16be(b, v >> 16);
    put16be(b, v & 0xFFFF);
}

uint32_t crc32(const Bytes& data, size_t from) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = from; i < data.size(); ++i) {
        c ^= uint8_t(data[i]);
        for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    return c ^ 0xFFFFFFFFu;
}

void pngChunk(Bytes& png, const char* type, const Bytes& payload) {
    put32be(png, uint32_t(payload.size()));
    const size_t start = png.size();
    png += type;
    png += payload;
    put32be(png, crc32(png, start));
}

// A PNG whose header says width x height (8-bit, colour type 2 = RGB) over a few bytes of zlib data.
Bytes pngHeaderOnly(uint32_t width, uint32_t height) {
    Bytes png("\x89PNG\r\n\x1a\n", 8), ihdr;
    put32be(ihdr, width);
    put32be(ihdr, height);
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);
    pngChunk(png, "IHDR", ihdr);
    pngChunk(png, "IDAT", std::string("\x78\x9c\x63\x00\x00\x00\x01\x00\x01", 9)); // zlib of one zero byte
    pngChunk(png, "IEND", "");
    return png;
}

// Baseline JPEG markers for a width x height YCbCr image with one byte of scan data.
Bytes jpegHeaderOnly(uint32_t width, uint32_t height) {
    Bytes j("\xFF\xD8", 2);
    j += "\xFF\xC0";
    put16be(j, 17);
    j += char(8);
    put16be(j, height);
    put16be(j, width);
    j += char(3);
    j += std::string("\x01\x22\x00\x02\x11\x01\x03\x11\x01", 9);
    j += "\xFF\xDA";
    put16be(j, 12);
    j += std::string("\x03\x01\x00\x02\x11\x03\x11\x00\x3F\x00", 10);
    j += std::string("\x00\xFF\xD9", 3);
    return j;
}

// A GIF whose logical screen is width x height, with a 1 x 1 frame.
Bytes gifScreen(uint32_t width, uint32_t height) {
    Bytes g("GIF89a", 6);
    put16le(g, width);
    put16le(g, height);
    g += std::string("\x80\x00\x00", 3);                              // global palette of 2 entries
    g += std::string("\x00\x00\x00\xFF\xFF\xFF", 6);                  // black, white
    g += std::string("\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00", 10); // 1 x 1 frame at 0,0
    g += std::string("\x02\x02\x44\x01\x00\x3B", 6);                  // LZW: clear, 0, end; trailer
    return g;
}

// An LZW bomb: a width x height GIF of colour 0 whose codes each stand for the longest run the table
// holds. After clear and the code for one pixel, codes 258, 259, ... are each the next free code
// (the previous string plus one pixel: runs of 2, 3, ... pixels) until the table is full at 4095;
// then code 4095 (3839 pixels) repeats, 12 bits each.
Bytes gifLzwBomb(uint32_t width, uint32_t height) {
    Bytes g("GIF89a", 6);
    put16le(g, width);
    put16le(g, height);
    g += std::string("\x80\x00\x00", 3);
    g += std::string("\x00\x00\x00\xFF\xFF\xFF", 6);
    g += char(0x2C);
    put16le(g, 0);
    put16le(g, 0);
    put16le(g, width);
    put16le(g, height);
    g += char(0);
    g += char(8); // minimum code size: clear 256, end 257
    Bytes data;
    uint64_t acc = 0;
    int bits = 0;
    const auto putCode = [&](uint32_t code, int width) {
        acc |= uint64_t(code) << bits;
        bits += width;
        while (bits >= 8) {
            data += char(acc & 0xFF);
            acc >>= 8;
            bits -= 8;
        }
    };
    const auto widthFor = [](uint32_t next) {
        int w = 9;
        while (w < 12 && next >= (1u << w)) ++w;
        return w;
    };
    uint64_t left = uint64_t(width) * height;
    putCode(256, 9);
    putCode(0, 9);
    --left;
    uint32_t next = 258;
    while (left > 0 && next < 4096) {
        const uint32_t run = std::min<uint64_t>(left, next - 256);
        if (run < next - 256) { // the last run is shorter: an existing code of that length
            putCode(run == 1 ? 0 : 256 + run, widthFor(next));
            ++next; // the decoder adds an entry after it
            left = 0;
            break;
        }
        putCode(next, widthFor(next));
        left -= run;
        ++next;
    }
    while (left > 0) {
        const uint32_t run = uint32_t(std::min<uint64_t>(left, 3839));
        putCode(run == 1 ? 0 : 256 + run, 12);
        left -= run;
    }
    putCode(257, widthFor(next));
    if (bits > 0) data += char(acc & 0xFF);
    for (size_t i = 0; i < data.size(); i += 255) {
        const size_t n = std::min<size_t>(255, data.size() - i);
        g += char(n);
        g += data.substr(i, n);
    }
    g += char(0);
    g += char(0x3B);
    return g;
}

// A little-endian TIFF, 8-bit grey, one uncompressed strip that claims stripBytes but holds dataBytes.
Bytes tiffStrip(uint32_t width, uint32_t height, uint32_t stripBytes, uint32_t dataBytes) {
    Bytes t("II*\0", 4);
    put32le(t, 8);
    const struct {
        uint16_t tag, type;
        uint32_t value;
    } entries[] = {{256, 4, width}, {257, 4, height}, {258, 3, 8},      {259, 3, 1},         {262, 3, 1},
                   {273, 4, 0},     {277, 3, 1},      {278, 4, height}, {279, 4, stripBytes}};
    const uint32_t count = sizeof entries / sizeof entries[0];
    const uint32_t dataOffset = 8 + 2 + 12 * count + 4;
    put16le(t, count);
    for (const auto& e : entries) {
        put16le(t, e.tag);
        put16le(t, e.type);
        put32le(t, 1);
        const uint32_t v = e.tag == 273 ? dataOffset : e.value;
        if (e.type == 3) {
            put16le(t, v);
            put16le(t, 0);
        } else {
            put32le(t, v);
        }
    }
    put32le(t, 0);
    t += std::string(dataBytes, '\x40');
    return t;
}

Bytes webpVp8xHeader(uint32_t width, uint32_t height) {
    Bytes chunk("VP8X", 4);
    put32le(chunk, 10);
    chunk += std::string(4, '\0');
    const uint32_t w = width - 1, h = height - 1;
    chunk += char(w & 0xFF);
    chunk += char((w >> 8) & 0xFF);
    chunk += char((w >> 16) & 0xFF);
    chunk += char(h & 0xFF);
    chunk += char((h >> 8) & 0xFF);
    chunk += char((h >> 16) & 0xFF);
    Bytes w8("RIFF", 4);
    put32le(w8, uint32_t(4 + chunk.size()));
    w8 += "WEBP";
    return w8 + chunk;
}

Bytes encode(const char* ext, const cv::Mat& bgr, const std::vector<int>& params = {}) {
    std::vector<uint8_t> buf;
    if (!cv::imencode(ext, bgr, buf, params)) throw std::runtime_error(std::string("cannot encode ") + ext);
    return Bytes(buf.begin(), buf.end());
}

long statusKiB(const char* field) {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) return std::stol(line.substr(std::strlen(field)));
    return -1;
}

double cpuSeconds() {
    rusage r{};
    getrusage(RUSAGE_SELF, &r);
    return double(r.ru_utime.tv_sec + r.ru_stime.tv_sec) + double(r.ru_utime.tv_usec + r.ru_stime.tv_usec) * 1e-6;
}

struct Figures {
    double cpu = 0;     // seconds of CPU, user + system
    double peakMiB = 0; // VmHWM after minus VmRSS before
    bool peakReset = false;
    bool decoded = false; // decoded and preprocessed to [3, 224, 224]
    char message[600] = {};
};

// Decodes and preprocesses path in a forked child; the child's counters cover that work alone.
Figures measureInChild(const std::string& path) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        close(fds[0]);
        Figures f;
        const int fd = open("/proc/self/clear_refs", O_WRONLY);
        f.peakReset = fd >= 0 && write(fd, "5", 1) == 1; // VmHWM := VmRSS
        if (fd >= 0) close(fd);
        const long rss0 = statusKiB("VmRSS:");
        const double cpu0 = cpuSeconds();
        try {
            const ClipImageProcessor proc;
            const torch::Tensor t = proc.preprocess(decodeImageRgb(path));
            f.decoded = t.dim() == 3 && t.size(0) == 3 && t.size(1) == 224 && t.size(2) == 224;
            std::snprintf(f.message, sizeof f.message, "preprocessed to [3, %d, %d]", int(t.size(1)), int(t.size(2)));
        } catch (const std::exception& e) {
            std::snprintf(f.message, sizeof f.message, "%s", e.what());
        }
        f.cpu = cpuSeconds() - cpu0;
        f.peakMiB = double(statusKiB("VmHWM:") - rss0) / 1024.0;
        const ssize_t written = write(fds[1], &f, sizeof f);
        _exit(written == ssize_t(sizeof f) ? 0 : 1);
    }
    close(fds[1]);
    Figures f;
    size_t got = 0;
    while (got < sizeof f) {
        const ssize_t r = read(fds[0], reinterpret_cast<char*>(&f) + got, sizeof f - got);
        if (r <= 0) break;
        got += size_t(r);
    }
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != sizeof f || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        std::snprintf(f.message, sizeof f.message, "child died (status %d)", status);
    return f;
}

struct Case {
    std::string name;
    Bytes bytes;
    bool decodes;       // true: must decode and preprocess; false: must be refused
    std::string reason; // part of the refusal's reason
};

} // namespace

class TestImageBounds : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        cv::Mat column(65537, 1, CV_8UC3), row(1, 65537, CV_8UC3);
        for (int i = 0; i < 65537; ++i) {
            column.at<cv::Vec3b>(i, 0) = cv::Vec3b(uint8_t(i / 257), uint8_t(i % 251), 80);
            row.at<cv::Vec3b>(0, i) = cv::Vec3b(uint8_t(i % 253), 40, uint8_t(i / 257));
        }
        m_cases.push_back({"tiff_1x65537", encode(".tiff", column), true, ""});
        m_cases.push_back({"png_65537x1", encode(".png", row), true, ""});
        m_cases.push_back({"png_header_16000x11000", pngHeaderOnly(16000, 11000), false, "decompression bomb"});
        m_cases.push_back({"png_header_20000x20000", pngHeaderOnly(20000, 20000), false, "over the limit"});
        m_cases.push_back({"jpeg_header_65000x2700", jpegHeaderOnly(65000, 2700), false, "decompression bomb"});
        m_cases.push_back({"webp_header_16384x10000", webpVp8xHeader(16384, 10000), false, "decompression bomb"});
        m_cases.push_back({"gif_screen_65535x2700", gifScreen(65535, 2700), false, "decompression bomb"});
        m_cases.push_back({"gif_lzw_bomb_8000x8000", gifLzwBomb(8000, 8000), true, ""});
        m_cases.push_back({"gif_lzw_bomb_10000x10000", gifLzwBomb(10000, 10000), false, "decompression bomb"});
        m_cases.push_back({"gif_screen_65535x65535", gifScreen(65535, 65535), false, "over the limit"});
        m_cases.push_back({"tiff_strip_4000x4000_100_bytes", tiffStrip(4000, 4000, 16000000, 100), false, ""});
        m_cases.push_back(
            {"tiff_strip_5000x5000_100_bytes", tiffStrip(5000, 5000, 25000000, 100), false, "decompression bomb"});
        {
            Bytes bmp("BM", 2);
            put32le(bmp, 0);
            put32le(bmp, 0);
            put32le(bmp, 54);
            put32le(bmp, 40);
            put32le(bmp, 13000);
            put32le(bmp, 13000);
            put16le(bmp, 1);
            put16le(bmp, 24);
            bmp += std::string(24, '\0');
            m_cases.push_back({"bmp_header_13000x13000", bmp, false, "decompression bomb"});
        }
        m_cases.push_back({"pnm_header_13000x13000", "P6\n13000 13000\n255\n" + std::string(64, '\x10'), false, ""});
        const cv::Mat grey = cv::Mat::zeros(8000, 12000, CV_8UC1);
        m_cases.push_back({"png_zlib_bomb_grey_12000x8000", encode(".png", grey, {cv::IMWRITE_PNG_COMPRESSION, 9}),
                           false, "decompression bomb"});
        m_cases.push_back({"tiff_deflate_bomb_grey_12000x8000",
                           encode(".tiff", grey, {cv::IMWRITE_TIFF_COMPRESSION, 8}), false, "decompression bomb"});
        const cv::Mat rgbZeros = cv::Mat::zeros(4000, 4000, CV_8UC3);
        m_cases.push_back(
            {"png_zlib_zeros_rgb_4000x4000", encode(".png", rgbZeros, {cv::IMWRITE_PNG_COMPRESSION, 9}), true, ""});
        // A large legitimate photo-like image: smooth gradients with noise, 8000 x 6000.
        cv::Mat photo(6000, 8000, CV_8UC3);
        for (int y = 0; y < photo.rows; ++y) {
            cv::Vec3b* p = photo.ptr<cv::Vec3b>(y);
            for (int x = 0; x < photo.cols; ++x)
                p[x] = cv::Vec3b(uint8_t(x * 255 / 8000), uint8_t(y * 255 / 6000), uint8_t((x + y) % 256));
        }
        cv::Mat noise(photo.size(), CV_8UC3);
        cv::randu(noise, 0, 24);
        photo += noise;
        m_cases.push_back({"jpeg_photo_8000x6000", encode(".jpg", photo, {cv::IMWRITE_JPEG_QUALITY, 95}), true, ""});
        m_cases.push_back({"png_photo_6000x4000",
                           encode(".png", photo(cv::Rect(1000, 1000, 6000, 4000)), {cv::IMWRITE_PNG_COMPRESSION, 1}),
                           true, ""});
    }

    void boundedCostForEveryCase() {
        qInfo("%-36s %10s  %8s  %9s  outcome", "case", "bytes", "CPU s", "peak MiB");
        for (const Case& c : m_cases) {
            const std::string path = m_dir.filePath(QString::fromStdString(c.name)).toStdString();
            testsupport::writeFile(path, c.bytes);
            const Figures f = measureInChild(path);
            qInfo("%-36s %10zu  %8.3f  %9.1f  %s", c.name.c_str(), c.bytes.size(), f.cpu, f.peakMiB, f.message);
            const std::string what = c.name + ": " + f.message;
            QVERIFY2(f.peakReset, "cannot reset the peak RSS through /proc/self/clear_refs");
            QVERIFY2(f.cpu < 2.0, what.c_str());
            QVERIFY2(f.peakMiB < 512.0, what.c_str());
            QVERIFY2(f.decoded == c.decodes, what.c_str());
            if (!c.decodes) {
                QVERIFY2(std::string(f.message).rfind(path + ": ", 0) == 0, what.c_str()); // names the file
                QVERIFY2(std::string(f.message).find(c.reason) != std::string::npos, what.c_str());
            }
        }
    }

private:
    QTemporaryDir m_dir;
    std::vector<Case> m_cases;
};

QTEST_GUILESS_MAIN(TestImageBounds)
#include "test_image_bounds.moc"
