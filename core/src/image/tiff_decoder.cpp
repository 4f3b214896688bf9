// First TIFF page for the layouts where Pillow 9.4 and OpenCV 4.6 disagree, with Pillow's semantics
// (TiffImagePlugin's OPEN_INFO table and unpackers, read for behaviour):
// - palette (PhotometricInterpretation 3) with 1, 2, 4 or 8 bits: indices looked up in the colour
//   map (2^bits entries), whose 16-bit entries keep their high byte (v / 256);
// - grey with 2 or 4 bits: scaled to 0..255 (v * 85, v * 17), inverted for min-is-white;
// - one 32-bit IEEE float sample (mode "F"): convert("RGB") truncates, below 0 (and NaN) gives 0,
//   255 and above give 255.
// libtiff does the decompression; rows are read with TIFFReadScanline (strips; tiled pages of these
// layouts are left to OpenCV).
#include "image/tiff_decoder.h"

#include <captioner/error.h>
#include <captioner/image_io.h>

#include <tiffio.h>

#include <array>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

namespace captioner::detail {
namespace {

struct MemoryFile {
    const uint8_t* data;
    size_t size;
    size_t pos = 0;
    std::string error;
};

tmsize_t readProc(thandle_t h, void* buf, tmsize_t size) {
    auto* f = static_cast<MemoryFile*>(h);
    if (size < 0) return -1;
    const size_t n = std::min(size_t(size), f->size - std::min(f->pos, f->size));
    if (n) std::memcpy(buf, f->data + f->pos, n);
    f->pos += n;
    return tmsize_t(n);
}
tmsize_t writeProc(thandle_t, void*, tmsize_t) { return -1; }
toff_t seekProc(thandle_t h, toff_t off, int whence) {
    auto* f = static_cast<MemoryFile*>(h);
    uint64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->pos : f->size;
    const uint64_t target = base + off; // toff_t is unsigned; libtiff only seeks forward from bases
    if (target > f->size) return toff_t(-1);
    f->pos = size_t(target);
    return target;
}
int closeProc(thandle_t) { return 0; }
toff_t sizeProc(thandle_t h) { return static_cast<MemoryFile*>(h)->size; }
int mapProc(thandle_t, void**, toff_t*) { return 0; }
void unmapProc(thandle_t, void*, toff_t) {}

int errorHandler(TIFF*, void* user, const char* module, const char* fmt, va_list ap) {
    auto* f = static_cast<MemoryFile*>(user);
    if (f->error.empty()) {
        char buf[512];
        std::vsnprintf(buf, sizeof buf, fmt, ap);
        f->error = std::string(module ? module : "libtiff") + ": " + buf;
    }
    return 1;
}
int warningHandler(TIFF*, void*, const char*, const char*, va_list) { return 1; }

struct TiffCloser {
    void operator()(TIFF* t) const { TIFFClose(t); }
};

// libtiff over the bytes in `file`, its errors and warnings collected in `file` (see the handlers), and
// no single allocation over 256 MiB. Null where libtiff cannot open the data.
std::unique_ptr<TIFF, TiffCloser> openInMemory(MemoryFile& file, const std::string& name) {
    std::unique_ptr<TIFFOpenOptions, void (*)(TIFFOpenOptions*)> options(TIFFOpenOptionsAlloc(), TIFFOpenOptionsFree);
    TIFFOpenOptionsSetErrorHandlerExtR(options.get(), errorHandler, &file);
    TIFFOpenOptionsSetWarningHandlerExtR(options.get(), warningHandler, &file);
    TIFFOpenOptionsSetMaxSingleMemAlloc(options.get(), 256 << 20);
    return std::unique_ptr<TIFF, TiffCloser>(TIFFClientOpenExt(name.c_str(), "rm", &file, readProc, writeProc, seekProc,
                                                               closeProc, sizeProc, mapProc, unmapProc, options.get()));
}

} // namespace

cv::Mat decodeTiffSpecialRgb(const uint8_t* p, size_t n, const std::string& name) {
    MemoryFile file{p, n, 0, {}};
    const auto tif = openInMemory(file, name);
    if (!tif) return {}; // let OpenCV report what it makes of the file
    uint32_t width = 0, height = 0;
    uint16_t bits = 1, samples = 1, photometric = 1, format = SAMPLEFORMAT_UINT, planar = PLANARCONFIG_CONTIG;
    TIFFGetField(tif.get(), TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tif.get(), TIFFTAG_IMAGELENGTH, &height);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_SAMPLEFORMAT, &format);
    TIFFGetFieldDefaulted(tif.get(), TIFFTAG_PLANARCONFIG, &planar);
    if (!TIFFGetField(tif.get(), TIFFTAG_PHOTOMETRIC, &photometric)) return {};
    if (samples != 1 || TIFFIsTiled(tif.get())) return {};
    const bool palette = photometric == PHOTOMETRIC_PALETTE && format == SAMPLEFORMAT_UINT &&
                         (bits == 1 || bits == 2 || bits == 4 || bits == 8);
    const bool lowGrey = (photometric == PHOTOMETRIC_MINISBLACK || photometric == PHOTOMETRIC_MINISWHITE) &&
                         format == SAMPLEFORMAT_UINT && (bits == 2 || bits == 4);
    const bool floatGrey = photometric == PHOTOMETRIC_MINISBLACK && format == SAMPLEFORMAT_IEEEFP && bits == 32;
    if (!palette && !lowGrey && !floatGrey) return {};
    if (width == 0 || height == 0) throw Error(name, "TIFF image has no pixels (width or height 0)");
    if (uint64_t(width) * height > kMaxImagePixels)
        throw Error(name, "image is " + std::to_string(width) + "x" + std::to_string(height) +
                              " pixels, over the limit of " + std::to_string(kMaxImagePixels) + "; not decoded");

    std::array<cv::Vec3b, 256> lut{};
    if (palette) {
        uint16_t *r = nullptr, *g = nullptr, *b = nullptr;
        if (!TIFFGetField(tif.get(), TIFFTAG_COLORMAP, &r, &g, &b) || !r || !g || !b)
            throw Error(name, "palette TIFF without a colour map");
        for (size_t i = 0; i < (size_t(1) << bits); ++i)
            lut[i] = cv::Vec3b(uint8_t(r[i] >> 8), uint8_t(g[i] >> 8), uint8_t(b[i] >> 8));
    } else if (lowGrey) {
        const int maxValue = (1 << bits) - 1, scale = 255 / maxValue;
        for (int i = 0; i <= maxValue; ++i) {
            const int v = photometric == PHOTOMETRIC_MINISWHITE ? 255 - i * scale : i * scale;
            lut[size_t(i)] = cv::Vec3b(uint8_t(v), uint8_t(v), uint8_t(v));
        }
    }

    const tmsize_t lineSize = TIFFScanlineSize(tif.get());
    const uint64_t needed = (uint64_t(width) * bits + 7) / 8;
    if (lineSize <= 0 || uint64_t(lineSize) < needed) throw Error(name, "corrupt TIFF (bad row size)");
    std::vector<uint8_t> line(static_cast<size_t>(lineSize));
    cv::Mat rgb(int(height), int(width), CV_8UC3);
    for (uint32_t y = 0; y < height; ++y) {
        if (TIFFReadScanline(tif.get(), line.data(), y, 0) < 0)
            throw Error(name,
                        "cannot decode tiff image" +
                            (file.error.empty() ? std::string(" (corrupt or truncated data)") : ": " + file.error));
        cv::Vec3b* d = rgb.ptr<cv::Vec3b>(int(y));
        for (uint32_t x = 0; x < width; ++x) {
            if (floatGrey) {
                float v;
                std::memcpy(&v, line.data() + 4 * size_t(x), 4);
                const uint8_t q = !(v > 0) ? 0 : v >= 255 ? 255 : uint8_t(v);
                d[x] = cv::Vec3b(q, q, q);
            } else {
                const size_t bit = size_t(x) * bits;
                const uint8_t index = uint8_t((line[bit / 8] >> (8 - bits - bit % 8)) & ((1 << bits) - 1));
                d[x] = lut[index];
            }
        }
    }
    return rgb;
}

void checkTiffData(const uint8_t* p, size_t n, const std::string& name) {
    MemoryFile file{p, n, 0, {}};
    const auto tif = openInMemory(file, name);
    if (!tif) return; // the decoder reports what it makes of the file
    const bool tiled = TIFFIsTiled(tif.get()) != 0;
    const uint32_t count = tiled ? TIFFNumberOfTiles(tif.get()) : TIFFNumberOfStrips(tif.get());
    const tmsize_t size = tiled ? TIFFTileSize(tif.get()) : TIFFStripSize(tif.get());
    if (size <= 0) return;
    std::vector<uint8_t> buffer(static_cast<size_t>(size));
    for (uint32_t i = 0; i < count; ++i) {
        file.error.clear();
        const tmsize_t got = tiled ? TIFFReadEncodedTile(tif.get(), i, buffer.data(), size)
                                   : TIFFReadEncodedStrip(tif.get(), i, buffer.data(), size);
        if (got < 0 || !file.error.empty())
            throw Error(name, "corrupt tiff image: " + (tiled ? std::string("tile ") : std::string("strip ")) +
                                  std::to_string(i) + " cannot be decoded" +
                                  (file.error.empty() ? std::string() : " (" + file.error + ")"));
    }
}

} // namespace captioner::detail
