#include "image/image_format.h"

#include <captioner/error.h>

#include <algorithm>
#include <cstring>

namespace captioner::detail {
namespace {

uint32_t be16(const uint8_t* p) { return uint32_t(p[0]) << 8 | p[1]; }
uint32_t be32(const uint8_t* p) { return be16(p) << 16 | be16(p + 2); }
uint32_t le16(const uint8_t* p) { return uint32_t(p[1]) << 8 | p[0]; }
uint32_t le32(const uint8_t* p) { return le16(p + 2) << 16 | le16(p); }

bool startsWith(const uint8_t* p, size_t n, const char* magic, size_t m) {
    return n >= m && std::memcmp(p, magic, m) == 0;
}

// Visits the JPEG marker segments before the first scan; f(marker, payload, length) returns false
// to stop. Returns the offset just past the first SOS header, or 0 if none was reached.
template <typename F> size_t walkJpegSegments(const uint8_t* p, size_t n, F&& f) {
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF) return 0;
        const uint8_t marker = p[i + 1];
        if (marker == 0xFF) { // fill byte
            ++i;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) { // segments without length
            i += 2;
            continue;
        }
        const size_t len = be16(p + i + 2);
        if (len < 2 || i + 2 + len > n) return 0;
        if (!f(marker, p + i + 4, len - 2)) return 0;
        i += 2 + len;
        if (marker == 0xDA) return i;
    }
    return 0;
}

// Orientation (tag 0x0112) in IFD0 of a TIFF structure.
int tiffOrientation(const uint8_t* t, size_t n) {
    if (n < 8) return 1;
    const bool le = t[0] == 'I' && t[1] == 'I';
    if (!le && !(t[0] == 'M' && t[1] == 'M')) return 1;
    const auto u16 = [&](size_t o) { return le ? le16(t + o) : be16(t + o); };
    const auto u32 = [&](size_t o) { return le ? le32(t + o) : be32(t + o); };
    const size_t ifd = u32(4);
    if (ifd + 2 > n) return 1;
    const size_t count = u16(ifd);
    for (size_t k = 0; k < count; ++k) {
        const size_t e = ifd + 2 + 12 * k;
        if (e + 12 > n) return 1;
        if (u16(e) == 0x0112) {
            const int v = int(u16(e + 8));
            return v >= 1 && v <= 8 ? v : 1;
        }
    }
    return 1;
}

bool tiffHeader(const uint8_t* t, size_t n, ImageInfo& info) {
    const bool le = t[0] == 'I';
    const auto u16 = [&](size_t o) { return le ? le16(t + o) : be16(t + o); };
    const auto u32 = [&](size_t o) { return le ? le32(t + o) : be32(t + o); };
    const size_t ifd = u32(4);
    if (ifd + 2 > n) return false;
    const size_t count = u16(ifd);
    info.channels = 1;
    info.bitDepth = 1;
    for (size_t k = 0; k < count; ++k) {
        const size_t e = ifd + 2 + 12 * k;
        if (e + 12 > n) return false;
        const uint32_t tag = u16(e), type = u16(e + 2), cnt = u32(e + 4);
        const uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);
        if (tag == 256) info.width = int(value);
        else if (tag == 257) info.height = int(value);
        else if (tag == 277) info.channels = int(value);
        else if (tag == 258) {
            if (cnt == 1 || (type == 3 && cnt == 2)) info.bitDepth = int(u16(e + 8));
            else if (type == 3 && u32(e + 8) + 2 <= n) // values stored elsewhere; all samples alike
                info.bitDepth = int(u16(u32(e + 8)));
        }
    }
    return info.width > 0 && info.height > 0;
}

} // namespace

ImageFormat sniffFormat(const uint8_t* p, size_t n) {
    if (startsWith(p, n, "\x89PNG\r\n\x1a\n", 8)) return ImageFormat::Png;
    if (n >= 3 && p[0] == 0xFF && p[1] == 0xD8 && p[2] == 0xFF) return ImageFormat::Jpeg;
    if (n >= 12 && startsWith(p, n, "RIFF", 4) && std::memcmp(p + 8, "WEBP", 4) == 0) return ImageFormat::WebP;
    if (startsWith(p, n, "BM", 2) && n >= 26) return ImageFormat::Bmp;
    if (startsWith(p, n, "II*\0", 4) || startsWith(p, n, "MM\0*", 4)) return ImageFormat::Tiff;
    if (startsWith(p, n, "GIF87a", 6) || startsWith(p, n, "GIF89a", 6)) return ImageFormat::Gif;
    if (n >= 3 && p[0] == 'P' && p[1] >= '1' && p[1] <= '6' &&
        (p[2] == '\n' || p[2] == ' ' || p[2] == '\r' || p[2] == '\t'))
        return ImageFormat::Pnm;
    return ImageFormat::Unknown;
}

const char* formatName(ImageFormat f) {
    switch (f) {
    case ImageFormat::Png: return "png";
    case ImageFormat::Jpeg: return "jpeg";
    case ImageFormat::WebP: return "webp";
    case ImageFormat::Bmp: return "bmp";
    case ImageFormat::Tiff: return "tiff";
    case ImageFormat::Gif: return "gif";
    case ImageFormat::Pnm: return "pnm";
    case ImageFormat::Unknown: break;
    }
    return "unknown";
}

void checkComplete(ImageFormat f, const uint8_t* p, size_t n, const std::string& name) {
    if (f == ImageFormat::Png) {
        size_t i = 8;
        while (true) {
            if (i + 12 > n) throw Error(name, "truncated PNG (data ends before the IEND chunk)");
            const size_t len = be32(p + i);
            if (len > n - i - 12) throw Error(name, "truncated PNG (chunk runs past the end of the file)");
            if (std::memcmp(p + i + 4, "IEND", 4) == 0) return;
            i += 12 + len;
        }
    }
    if (f == ImageFormat::Jpeg) {
        const size_t scan = walkJpegSegments(p, n, [](uint8_t, const uint8_t*, size_t) { return true; });
        if (scan == 0) throw Error(name, "truncated or corrupt JPEG (no image data found)");
        // In entropy-coded data 0xFF is always followed by 0x00, a restart marker or a real marker,
        // so an end-of-image marker after the first scan is the one that closes the image.
        for (size_t i = scan; i + 1 < n; ++i)
            if (p[i] == 0xFF && p[i + 1] == 0xD9) return;
        throw Error(name, "truncated JPEG (no end-of-image marker)");
    }
    if (f == ImageFormat::WebP && size_t(le32(p + 4)) + 8 > n)
        throw Error(name, "truncated WebP (file shorter than its RIFF size)");
    if (f == ImageFormat::Bmp) {
        const uint32_t fileSize = le32(p + 2), dataOffset = le32(p + 10);
        if ((fileSize != 0 && fileSize > n) || dataOffset > n)
            throw Error(name, "truncated BMP (file shorter than its header says)");
        if (n >= 34 && le32(p + 14) >= 40 && le32(p + 30) == 0) { // uncompressed: rows are exact
            const int64_t w = int32_t(le32(p + 18)), h = int32_t(le32(p + 22));
            const int64_t bits = le16(p + 28);
            const int64_t rowBytes = ((w * bits + 31) / 32) * 4;
            if (w > 0 && rowBytes * (h < 0 ? -h : h) + int64_t(dataOffset) > int64_t(n))
                throw Error(name, "truncated BMP (pixel rows missing)");
        }
    }
}

void checkDecodeBudget(uint64_t width, uint64_t height, int channels, int bitDepth, size_t fileBytes,
                       const std::string& name) {
    const uint64_t pixels = width * height; // both at most 2^32 - 1 from any header
    const std::string size = std::to_string(width) + "x" + std::to_string(height) + " pixels";
    if (width > 0xFFFFFFFFu || height > 0xFFFFFFFFu || pixels > kMaxImagePixels)
        throw Error(name,
                    "image is " + size + ", over the limit of " + std::to_string(kMaxImagePixels) + "; not decoded");
    const uint64_t bits = uint64_t(std::max(channels, 1)) * uint64_t(bitDepth > 0 ? bitDepth : 8);
    const uint64_t stored = (pixels * bits + 7) / 8;
    const uint64_t file = std::max<uint64_t>(fileBytes, 1);
    constexpr uint64_t kBombMinBytes = uint64_t(64) << 20, kBombMinPixels = uint64_t(16) << 20;
    if ((stored > kBombMinBytes && stored / file > 256) || (pixels > kBombMinPixels && pixels / file > 4096))
        throw Error(name, "decompression bomb refused: " + size + " (" + std::to_string(stored >> 20) +
                              " MiB of samples) from a file of " + std::to_string(fileBytes) + " bytes; not decoded");
}

int exifOrientation(ImageFormat f, const uint8_t* p, size_t n) {
    int orientation = 1;
    if (f == ImageFormat::Jpeg) {
        walkJpegSegments(p, n, [&](uint8_t marker, const uint8_t* d, size_t len) {
            if (marker == 0xE1 && len > 6 && std::memcmp(d, "Exif\0\0", 6) == 0) {
                orientation = tiffOrientation(d + 6, len - 6);
                return false;
            }
            return marker != 0xDA;
        });
    } else if (f == ImageFormat::Png) {
        for (size_t i = 8; i + 12 <= n;) {
            const size_t len = be32(p + i);
            if (len > n - i - 12) break;
            if (std::memcmp(p + i + 4, "eXIf", 4) == 0) return tiffOrientation(p + i + 8, len);
            if (std::memcmp(p + i + 4, "IDAT", 4) == 0) // PIL only sees eXIf before the image data
                break;
            i += 12 + len;
        }
    } else if (f == ImageFormat::WebP) {
        for (size_t i = 12; i + 8 <= n;) {
            const size_t len = le32(p + i + 4);
            if (len > n - i - 8) break;
            if (std::memcmp(p + i, "EXIF", 4) == 0) {
                const uint8_t* d = p + i + 8;
                // Some writers keep JPEG's "Exif\0\0" prefix inside the chunk.
                if (len > 6 && std::memcmp(d, "Exif\0\0", 6) == 0) return tiffOrientation(d + 6, len - 6);
                return tiffOrientation(d, len);
            }
            i += 8 + len + (len & 1);
        }
    } else if (f == ImageFormat::Tiff) {
        return tiffOrientation(p, n);
    }
    return orientation;
}

bool readHeader(ImageFormat f, const uint8_t* p, size_t n, ImageInfo& info) {
    info.format = formatName(f);
    switch (f) {
    case ImageFormat::Png: {
        if (n < 33 || std::memcmp(p + 12, "IHDR", 4) != 0) return false;
        info.width = int(be32(p + 16));
        info.height = int(be32(p + 20));
        info.bitDepth = p[24];
        static const int channelsByType[7] = {1, 0, 3, 1, 2, 0, 4};
        info.channels = p[25] <= 6 ? channelsByType[p[25]] : 0;
        return info.channels > 0;
    }
    case ImageFormat::Jpeg: {
        bool found = false;
        walkJpegSegments(p, n, [&](uint8_t m, const uint8_t* d, size_t len) {
            const bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
            if (sof && len >= 6) {
                info.bitDepth = d[0];
                info.height = int(be16(d + 1));
                info.width = int(be16(d + 3));
                info.channels = d[5];
                found = true;
                return false;
            }
            return true;
        });
        return found;
    }
    case ImageFormat::WebP: {
        if (n < 30) return false;
        const uint8_t* c = p + 12;
        info.bitDepth = 8;
        if (std::memcmp(c, "VP8X", 4) == 0) {
            info.channels = (c[8] & 0x10) ? 4 : 3;
            info.width = int(1 + (c[12] | c[13] << 8 | c[14] << 16));
            info.height = int(1 + (c[15] | c[16] << 8 | c[17] << 16));
            return true;
        }
        if (std::memcmp(c, "VP8L", 4) == 0 && c[8] == 0x2F) {
            const uint32_t b = le32(c + 9);
            info.width = int((b & 0x3FFF) + 1);
            info.height = int(((b >> 14) & 0x3FFF) + 1);
            info.channels = (b >> 28) & 1 ? 4 : 3;
            return true;
        }
        if (std::memcmp(c, "VP8 ", 4) == 0 && c[11] == 0x9D && c[12] == 0x01 && c[13] == 0x2A) {
            info.width = int(le16(c + 14) & 0x3FFF);
            info.height = int(le16(c + 16) & 0x3FFF);
            info.channels = 3;
            return true;
        }
        return false;
    }
    case ImageFormat::Bmp: {
        if (n < 30 || le32(p + 14) < 40) return false;
        info.width = int(int32_t(le32(p + 18)));
        const int32_t h = int32_t(le32(p + 22));
        info.height = h < 0 ? -h : h;
        const int bits = int(le16(p + 28));
        info.channels = bits == 32 ? 4 : bits >= 16 ? 3 : 1;
        info.bitDepth = 8;
        return info.width > 0;
    }
    case ImageFormat::Tiff: return tiffHeader(p, n, info);
    case ImageFormat::Gif:
        if (n < 10) return false;
        info.width = int(le16(p + 6));
        info.height = int(le16(p + 8));
        info.channels = 1;
        info.bitDepth = 8;
        return true;
    case ImageFormat::Pnm:
    case ImageFormat::Unknown: break;
    }
    return false;
}

} // namespace captioner::detail
