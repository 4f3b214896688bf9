#include <captioner/image_io.h>
#include <captioner/error.h>

#include "image/bmp_decoder.h"
#include "image/file_bytes.h"
#include "image/gif_decoder.h"
#include "image/image_format.h"
#include "image/jpeg_decoder.h"
#include "image/tiff_decoder.h"
#include "image/webp_animation.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <utility>

namespace captioner {
namespace {

using detail::ImageFormat;

std::atomic<bool> g_loadTruncatedImages{false};

// PIL's ImageOps.exif_transpose for orientations 2..8.
cv::Mat applyOrientation(const cv::Mat& img, int orientation) {
    cv::Mat out;
    switch (orientation) {
    case 2: cv::flip(img, out, 1); break;
    case 3: cv::flip(img, out, -1); break;
    case 4: cv::flip(img, out, 0); break;
    case 5: cv::transpose(img, out); break;
    case 6: cv::rotate(img, out, cv::ROTATE_90_CLOCKWISE); break;
    case 7:
        cv::transpose(img, out);
        cv::flip(out, out, -1);
        break;
    case 8: cv::rotate(img, out, cv::ROTATE_90_COUNTERCLOCKWISE); break;
    default: return img;
    }
    return out;
}

// Converts what OpenCV's IMREAD_UNCHANGED returns (BGR order, 1-4 channels, 8 or 16 bit) to
// 8-bit RGB with PIL's convert("RGB") semantics.
cv::Mat toRgb8(const cv::Mat& raw, const std::string& name) {
    cv::Mat img = raw;
    if (img.depth() == CV_16U) {
        if (img.channels() == 1) {
            // PIL opens 16-bit grey as mode "I"; converting "I" to RGB clips at 255, it does not scale.
            img.convertTo(img, CV_8U); // saturates, i.e. clips
        } else {
            // PIL unpacks 16-bit colour (and grey + alpha) samples by keeping the high byte.
            cv::Mat high(raw.size(), CV_8UC(raw.channels()));
            for (int y = 0; y < raw.rows; ++y) {
                const uint16_t* s = raw.ptr<uint16_t>(y);
                uint8_t* d = high.ptr<uint8_t>(y);
                for (int i = 0; i < raw.cols * raw.channels(); ++i) d[i] = uint8_t(s[i] >> 8);
            }
            img = high;
        }
    } else if (img.depth() != CV_8U) {
        throw Error(name, "unsupported sample format (only 8- and 16-bit integer images are supported)");
    }
    cv::Mat rgb;
    switch (img.channels()) {
    case 1: cv::cvtColor(img, rgb, cv::COLOR_GRAY2RGB); break;
    case 2: { // grey + alpha
        cv::Mat grey;
        cv::extractChannel(img, grey, 0);
        cv::cvtColor(grey, rgb, cv::COLOR_GRAY2RGB);
        break;
    }
    // img is ours alone (the decoder's fresh output or the 8-bit copy above): reorder it in place,
    // so a large image is held once, not twice (cvtColor copies even when asked to work in place).
    case 3:
        for (int y = 0; y < img.rows; ++y) {
            uint8_t* p = img.ptr<uint8_t>(y);
            for (int x = 0; x < img.cols; ++x, p += 3) std::swap(p[0], p[2]);
        }
        rgb = img;
        break;
    case 4: { // alpha dropped, not composited
        if (!img.isContinuous()) img = img.clone();
        uint8_t* d = img.data;
        const size_t total = img.total();
        for (size_t i = 0; i < total; ++i) { // pixel i moves from 4i to 3i <= 4i: never over unread data
            const uint8_t b = d[4 * i], g = d[4 * i + 1], r = d[4 * i + 2];
            d[3 * i] = r;
            d[3 * i + 1] = g;
            d[3 * i + 2] = b;
        }
        rgb = img.reshape(1, 1).colRange(0, int(total * 3)).reshape(3, img.rows);
        break;
    }
    default: throw Error(name, "unsupported channel count " + std::to_string(img.channels()));
    }
    return rgb;
}

ImageFormat checkedFormat(const std::vector<uint8_t>& bytes, const std::string& name) {
    if (bytes.empty()) throw Error(name, "empty file (0 bytes)");
    const ImageFormat f = detail::sniffFormat(bytes.data(), bytes.size());
    if (f == ImageFormat::Unknown) throw Error(name, "not an image (unrecognised file format)");
    // Our BMP decoder checks the file's sizes itself, as Pillow does (it ignores the header's file size).
    // With loadTruncatedImages, a JPEG cut short is decoded as far as it goes (libjpeg fills the rest).
    if (f != ImageFormat::Bmp && !(f == ImageFormat::Jpeg && loadTruncatedImages()))
        detail::checkComplete(f, bytes.data(), bytes.size(), name);
    // Refuse decompression bombs from the header, before the decoder allocates anything.
    ImageInfo info;
    if (detail::readHeader(f, bytes.data(), bytes.size(), info))
        detail::checkDecodeBudget(uint64_t(std::max(info.width, 0)), uint64_t(std::max(info.height, 0)), info.channels,
                                  info.bitDepth, bytes.size(), name);
    return f;
}

cv::Mat decodeRaw(const std::vector<uint8_t>& bytes, int flags, ImageFormat f, const std::string& name) {
    cv::Mat raw;
    try {
        raw = cv::imdecode(cv::Mat(1, int(bytes.size()), CV_8U, const_cast<uint8_t*>(bytes.data())), flags);
    } catch (const cv::Exception& e) {
        throw Error(name, std::string("cannot decode ") + detail::formatName(f) + " image: " + e.what());
    }
    if (raw.empty())
        throw Error(name, std::string("cannot decode ") + detail::formatName(f) + " image (corrupt or truncated data)");
    return raw;
}

// Reads a prefix large enough for any header we parse (JPEG APP segments are at most 64 KiB each).
std::vector<uint8_t> readPrefix(const std::string& path, size_t limit) {
    std::vector<uint8_t> all;
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return detail::readFileBytes(path); // produces the right error message
    all.resize(limit);
    const size_t n = std::fread(all.data(), 1, limit, f);
    std::fclose(f);
    all.resize(n);
    return all;
}

// Our own decoders, for the files OpenCV 4.6 cannot read or reads differently from Pillow; an empty
// Mat leaves the file to OpenCV.
cv::Mat decodeOwn(ImageFormat f, const std::vector<uint8_t>& bytes, const std::string& name) {
    const uint8_t* p = bytes.data();
    const size_t n = bytes.size();
    switch (f) {
    case ImageFormat::Gif: return detail::decodeGifRgb(p, n, name);
    case ImageFormat::Bmp: return detail::decodeBmpRgb(p, n, name);
    case ImageFormat::Tiff:
        if (!loadTruncatedImages()) detail::checkTiffData(p, n, name);
        return detail::decodeTiffSpecialRgb(p, n, name);
    case ImageFormat::WebP: return detail::isAnimatedWebP(p, n) ? detail::decodeAnimatedWebPRgb(p, n, name) : cv::Mat();
    case ImageFormat::Jpeg: return detail::decodeJpegRgb(p, n, name, loadTruncatedImages());
    default: return cv::Mat();
    }
}

} // namespace

void setLoadTruncatedImages(bool on) { g_loadTruncatedImages.store(on); }
bool loadTruncatedImages() { return g_loadTruncatedImages.load(); }

cv::Mat decodeImageRgbFromMemory(const std::vector<uint8_t>& bytes, const std::string& nameForErrors) {
    const ImageFormat f = checkedFormat(bytes, nameForErrors);
    cv::Mat rgb = decodeOwn(f, bytes, nameForErrors);
    if (rgb.empty()) rgb = toRgb8(decodeRaw(bytes, cv::IMREAD_UNCHANGED, f, nameForErrors), nameForErrors);
    return applyOrientation(rgb, detail::exifOrientation(f, bytes.data(), bytes.size()));
}

cv::Mat decodeImageRgb(const std::string& path) { return decodeImageRgbFromMemory(detail::readFileBytes(path), path); }

ImageInfo probeImage(const std::string& path) {
    std::vector<uint8_t> head = readPrefix(path, 1 << 20);
    if (head.empty()) throw Error(path, "empty file (0 bytes)");
    const ImageFormat f = detail::sniffFormat(head.data(), head.size());
    if (f == ImageFormat::Unknown) throw Error(path, "not an image (unrecognised file format)");
    ImageInfo info;
    if (!detail::readHeader(f, head.data(), head.size(), info)) {
        // Formats without a parsed header (PNM) or odd layouts: fall back to a full decode.
        const cv::Mat rgb = decodeImageRgb(path);
        info.width = rgb.cols;
        info.height = rgb.rows;
        info.channels = 3;
        info.bitDepth = 8;
        info.format = detail::formatName(f);
        return info;
    }
    if (detail::exifOrientation(f, head.data(), head.size()) >= 5) std::swap(info.width, info.height);
    return info;
}

cv::Mat decodeThumbnailRgb(const std::string& path, int maxSide) {
    if (maxSide <= 0) throw Error(path, "thumbnail size must be positive");
    const std::vector<uint8_t> bytes = detail::readFileBytes(path);
    const ImageFormat f = checkedFormat(bytes, path);
    cv::Mat rgb;
    ImageInfo info;
    if (f == ImageFormat::Jpeg && detail::readHeader(f, bytes.data(), bytes.size(), info) && info.channels != 4) {
        // Largest libjpeg scale-down that still leaves at least maxSide pixels on the long side.
        const int longSide = std::max(info.width, info.height);
        int flags = cv::IMREAD_COLOR;
        if (longSide >= 8 * maxSide) flags = cv::IMREAD_REDUCED_COLOR_8;
        else if (longSide >= 4 * maxSide) flags = cv::IMREAD_REDUCED_COLOR_4;
        else if (longSide >= 2 * maxSide) flags = cv::IMREAD_REDUCED_COLOR_2;
        const cv::Mat bgr = decodeRaw(bytes, flags | cv::IMREAD_IGNORE_ORIENTATION, f, path);
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        rgb = applyOrientation(rgb, detail::exifOrientation(f, bytes.data(), bytes.size()));
    } else {
        rgb = decodeImageRgbFromMemory(bytes, path);
    }
    const int longSide = std::max(rgb.cols, rgb.rows);
    if (longSide <= maxSide) return rgb;
    const double s = double(maxSide) / longSide;
    const int w = std::max(1, int(rgb.cols * s + 0.5)), h = std::max(1, int(rgb.rows * s + 0.5));
    cv::Mat out;
    cv::resize(rgb, out, cv::Size(std::min(w, maxSide), std::min(h, maxSide)), 0, 0, cv::INTER_AREA);
    return out;
}

const std::vector<std::string>& imageExtensions() {
    static const std::vector<std::string> extensions = {".png",  ".jpg", ".jpeg", ".jpe", ".webp", ".bmp", ".tif",
                                                        ".tiff", ".gif", ".pbm",  ".pgm", ".ppm",  ".pnm"};
    return extensions;
}

bool isImageFileName(const std::string& name) {
    std::string ext = std::filesystem::path(name).extension().string(); // ".png" alone has none
    for (char& c : ext)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    const auto& known = imageExtensions();
    return std::find(known.begin(), known.end(), ext) != known.end();
}

} // namespace captioner
