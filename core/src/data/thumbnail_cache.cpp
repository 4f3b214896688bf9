// On-disk thumbnail cache (see thumbnail_cache.h).
#include "captioner/thumbnail_cache.h"

#include "captioner/error.h"
#include "captioner/image_io.h"
#include "captioner/image_source.h"
#include "util/file_io.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace captioner {
namespace {

uint64_t fnv1a(const std::string& s, uint64_t h = 0xcbf29ce484222325ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

std::string hex64(uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

bool readWholeFile(const std::string& path, std::vector<uchar>& out) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) return false;
    const std::streamoff size = f.tellg();
    if (size < 0) return false;
    out.resize(size_t(size));
    f.seekg(0);
    return bool(f.read(reinterpret_cast<char*>(out.data()), size));
}

// libjpeg and libpng return a partly grey image for a truncated file with only a warning, so a
// torn entry is recognised by its missing end marker before decoding.
bool hasCompleteTrailer(const std::vector<uchar>& b, ThumbnailFormat format) {
    if (format == ThumbnailFormat::Jpeg)
        return b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[b.size() - 2] == 0xFF && b[b.size() - 1] == 0xD9;
    static const uchar signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    return b.size() >= 8 + 12 && std::memcmp(b.data(), signature, 8) == 0 &&
           std::memcmp(b.data() + b.size() - 8, "IEND", 4) == 0;
}

} // namespace

ThumbnailCache::ThumbnailCache(std::string cacheDir, int maxSide, ThumbnailFormat format)
    : m_cacheDir(std::move(cacheDir)), m_maxSide(maxSide), m_format(format) {
    if (m_cacheDir.empty()) throw Error(m_cacheDir, "no thumbnail cache folder given");
    if (maxSide < 1 || maxSide > 8192)
        throw Error(m_cacheDir, "thumbnail size must be between 1 and 8192 (got " + std::to_string(maxSide) + ")");
}

std::string ThumbnailCache::cachePathFor(const std::string& imagePath) const {
    std::error_code ec;
    const fs::path abs = fs::absolute(fs::path(imagePath), ec).lexically_normal();
    if (ec) throw Error(imagePath, "cannot resolve path: " + ec.message());
    // A Parquet row's image changes with its file: that file's size and time key the entry.
    const fs::path backing = fs::path(imageBackingFile(abs.string()));
    const auto size = fs::file_size(backing, ec);
    if (ec) throw Error(imagePath, "cannot read file: " + ec.message());
    const auto mtime = fs::last_write_time(backing, ec);
    if (ec) throw Error(imagePath, "cannot read modification time: " + ec.message());
    const long long ns = std::chrono::duration_cast<std::chrono::nanoseconds>(mtime.time_since_epoch()).count();
    std::string key = abs.string();
    key.push_back('\0');
    key += std::to_string(size) + '\0' + std::to_string(ns) + '\0' + std::to_string(m_maxSide);
    // Two differently seeded 64-bit hashes: collisions stay negligible for millions of entries.
    const std::string name = hex64(fnv1a(key)) + hex64(fnv1a(key, 0x84222325cbf29ce4ull));
    const char* ext = m_format == ThumbnailFormat::Jpeg ? ".jpg" : ".png";
    return (fs::path(m_cacheDir) / name.substr(0, 2) / (name + ext)).string();
}

cv::Mat ThumbnailCache::thumbnail(const std::string& imagePath) {
    std::string entry;
    try {
        entry = cachePathFor(imagePath);
    } catch (const Error&) {
        ++m_decodeFailures;
        throw;
    }

    std::vector<uchar> bytes;
    if (readWholeFile(entry, bytes)) {
        cv::Mat bgr;
        if (hasCompleteTrailer(bytes, m_format)) {
            try {
                bgr = cv::imdecode(bytes, cv::IMREAD_COLOR);
            } catch (const cv::Exception&) {
                bgr.release();
            }
        }
        if (!bgr.empty() && bgr.type() == CV_8UC3 && std::max(bgr.cols, bgr.rows) <= m_maxSide) {
            ++m_hits;
            cv::Mat rgb;
            cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
            return rgb;
        }
        ++m_corrupt;
        std::error_code ec;
        fs::remove(entry, ec);
    }

    ++m_misses;
    cv::Mat rgb;
    try {
        rgb = decodeThumbnailRgb(imagePath, m_maxSide);
    } catch (...) {
        ++m_decodeFailures;
        throw;
    }

    // Best effort: a cache that cannot be written only costs speed. Rename makes the entry appear
    // whole or not at all; no fsync, because a torn entry after a crash is detected and rebuilt.
    cv::Mat bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> encoded;
    const bool jpeg = m_format == ThumbnailFormat::Jpeg;
    const std::vector<int> params =
        jpeg ? std::vector<int>{cv::IMWRITE_JPEG_QUALITY, 90} : std::vector<int>{cv::IMWRITE_PNG_COMPRESSION, 1};
    if (cv::imencode(jpeg ? ".jpg" : ".png", bgr, encoded, params)) {
        std::error_code ec;
        fs::create_directories(fs::path(entry).parent_path(), ec);
        // A cache entry may be lost, so no fsync; the unique temp name still keeps two caches (or
        // processes) on one folder from writing into each other's file.
        const std::string temp = detail::uniqueTempPath(entry);
        std::ofstream f(temp, std::ios::binary);
        f.write(reinterpret_cast<const char*>(encoded.data()), std::streamsize(encoded.size()));
        f.close();
        if (!f || std::rename(temp.c_str(), entry.c_str()) != 0) fs::remove(temp, ec);
    }
    return rgb;
}

void ThumbnailCache::clear() {
    std::error_code ec;
    if (!fs::exists(m_cacheDir, ec)) return;
    for (const auto& e : fs::directory_iterator(m_cacheDir, ec)) {
        fs::remove_all(e.path(), ec);
        if (ec) throw Error(e.path().string(), "cannot remove cache entry: " + ec.message());
    }
    if (ec) throw Error(m_cacheDir, "cannot list thumbnail cache: " + ec.message());
}

CacheStats ThumbnailCache::stats() const {
    CacheStats s;
    s.hits = m_hits;
    s.misses = m_misses;
    s.decodeFailures = m_decodeFailures;
    s.corruptEntries = m_corrupt;
    return s;
}

std::string defaultThumbnailCacheDir() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    fs::path base;
    if (xdg && xdg[0] == '/') {
        base = xdg;
    } else if (const char* home = std::getenv("HOME"); home && home[0]) {
        base = fs::path(home) / ".cache";
    } else {
        std::error_code ec;
        base = fs::temp_directory_path(ec);
        if (ec) base = "/tmp";
    }
    return (base / "captioner" / "thumbnails").string();
}

} // namespace captioner
