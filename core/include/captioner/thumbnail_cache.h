#pragma once
// ThumbnailCache gives small RGB previews of images and keeps them on disk, so a folder of thousands
// of images opens and scrolls without decoding full images twice. An entry's key hashes the image's
// absolute path, file size, modification time (ns) and the thumbnail size, so an edited or replaced
// image gets a fresh entry. Entries are written atomically (temporary name, then rename); an entry
// that is unreadable or truncated is ignored and regenerated. Misses use decodeThumbnailRgb, which
// decodes large JPEGs at reduced scale. All members are thread-safe: a GUI may call thumbnail() from
// a pool of threads at once (two threads asking for the same image both decode it; the result is
// the same).
#include <opencv2/core.hpp>

#include <atomic>
#include <cstdint>
#include <string>

namespace captioner {

// JPEG q90 entries are several times smaller and faster to read than PNG for photos; PNG is lossless.
enum class ThumbnailFormat { Jpeg, Png };

struct CacheStats {
    uint64_t hits = 0;
    uint64_t misses = 0;         // thumbnails decoded from the image (including after a corrupt entry)
    uint64_t decodeFailures = 0; // images that could not be decoded (thumbnail() threw)
    uint64_t corruptEntries = 0; // cache files that were unreadable and were regenerated
};

class ThumbnailCache {
public:
    // cacheDir is created on first write. maxSide: the longest side of a thumbnail, in pixels.
    explicit ThumbnailCache(std::string cacheDir, int maxSide = 256, ThumbnailFormat format = ThumbnailFormat::Jpeg);

    // RGB (CV_8UC3, R,G,B order), longest side <= maxSide, aspect ratio kept, never enlarged.
    // Throws Error(imagePath, reason) when the image is missing or cannot be decoded; callers show a
    // broken-image placeholder. A cache that cannot be written is not an error (the thumbnail is
    // still returned).
    cv::Mat thumbnail(const std::string& imagePath);
    // Where the entry for the image, in its current state, lives. Throws Error when it cannot be stat'ed.
    std::string cachePathFor(const std::string& imagePath) const;
    // Removes every entry (the folder itself stays).
    void clear();
    CacheStats stats() const;

    const std::string& cacheDir() const { return m_cacheDir; }
    int maxSide() const { return m_maxSide; }

private:
    std::string m_cacheDir;
    int m_maxSide;
    ThumbnailFormat m_format;
    std::atomic<uint64_t> m_hits{0}, m_misses{0}, m_decodeFailures{0}, m_corrupt{0};
};

// $XDG_CACHE_HOME/captioner/thumbnails when XDG_CACHE_HOME is an absolute path, else
// ~/.cache/captioner/thumbnails (the system temporary folder when there is no home).
std::string defaultThumbnailCacheDir();

} // namespace captioner
