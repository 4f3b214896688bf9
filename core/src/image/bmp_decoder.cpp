// BMP with Pillow 9.4's semantics (BmpImagePlugin and its raw unpackers, read for behaviour):
// - headers of 12 (OS/2 1.x: 16-bit sizes, 3-byte palette entries), 40, 64, 108 and 124 bytes;
// - 1/4/8-bit palettes of biClrUsed entries (or 2^bits), read right after the header; indices past
//   the palette are black; a pixel offset that points just past the header skips the palette (files
//   that forgot to count it);
// - RLE8/RLE4 as Pillow's BmpRleDecoder expands them into one run of rows: runs clipped at the row
//   end, end-of-line pads with index 0, delta skips with index 0, absolute runs copied as they come
//   (clipped at the image end) and re-aligned to an even file offset. Pillow before 12.2 read each
//   delta's two bytes twice and dropped the last pixel of odd RLE4 absolute runs; we follow 12.2+;
// - 16 bits: BI_RGB is 5-5-5; bitfields 5-6-5 or 5-5-5 only; channels expanded as v * 255 / max,
//   truncated (not bit replication);
// - 24-bit BGR, 32-bit BGRX and the 32-bit bitfield layouts Pillow lists (alpha dropped);
// - rows bottom-up unless the height is negative. Everything else is refused with Pillow's reason.
#include "image/bmp_decoder.h"

#include <captioner/error.h>
#include <captioner/image_io.h>

#include <array>
#include <vector>

namespace captioner::detail {
namespace {

uint32_t le16(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8; }
uint32_t le32(const uint8_t* p) { return le16(p) | le16(p + 2) << 16; }

[[noreturn]] void truncated(const std::string& name) { throw Error(name, "truncated BMP (pixel rows missing)"); }

} // namespace

cv::Mat decodeBmpRgb(const uint8_t* p, size_t n, const std::string& name) {
    if (n < 18) throw Error(name, "truncated BMP (file shorter than its header)");
    uint64_t offset = le32(p + 10);
    const uint32_t headerSize = le32(p + 14);
    if (headerSize != 12 && headerSize != 40 && headerSize != 64 && headerSize != 108 && headerSize != 124)
        throw Error(name, "unsupported BMP header type (" + std::to_string(headerSize) + " bytes)");
    if (headerSize > n - 14) throw Error(name, "truncated BMP (file shorter than its header)");
    const uint8_t* h = p + 18;
    int64_t width = 0, height = 0;
    uint32_t bits = 0, compression = 0, colors = 0;
    size_t paletteEntrySize = 4;
    size_t pos = 14 + headerSize;
    bool topDown = false;
    std::array<uint32_t, 4> masks{};
    if (headerSize == 12) {
        width = le16(h);
        height = le16(h + 2);
        bits = le16(h + 6);
        paletteEntrySize = 3;
    } else {
        topDown = h[7] == 0xFF;
        width = int32_t(le32(h));
        height = topDown ? -int64_t(int32_t(le32(h + 4))) : int64_t(le32(h + 4));
        bits = le16(h + 10);
        compression = le32(h + 12);
        colors = le32(h + 28);
        if (compression == 3) {
            if (headerSize >= 56) {
                for (size_t i = 0; i < 4; ++i) masks[i] = le32(h + 36 + 4 * i);
            } else {
                if (n - pos < 12) throw Error(name, "truncated BMP (bitfield masks missing)");
                for (size_t i = 0; i < 3; ++i) masks[i] = le32(p + pos + 4 * i);
                pos += 12;
            }
        }
    }
    if (colors == 0) colors = bits < 32 ? uint32_t(1) << bits : 0;
    if (offset == 14 + headerSize && bits <= 8) offset += 4 * uint64_t(colors);
    if (bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32)
        throw Error(name, "unsupported BMP pixel depth (" + std::to_string(bits) + " bits)");
    if (width <= 0 || height <= 0)
        throw Error(name, "unsupported BMP size " + std::to_string(width) + "x" + std::to_string(height));
    if (uint64_t(width) * uint64_t(height) > kMaxImagePixels)
        throw Error(name, "image is " + std::to_string(width) + "x" + std::to_string(height) +
                              " pixels, over the limit of " + std::to_string(kMaxImagePixels) + "; not decoded");

    // How a pixel of 16/24/32 bits becomes RGB: byte order of R, G, B in a little-endian word.
    enum class Raw { Palette, Bgr15, Bgr16, Bgr, Bgrx, Xbgr, Rgba } raw = Raw::Palette;
    if (bits == 16) raw = Raw::Bgr15;
    else if (bits == 24) raw = Raw::Bgr;
    else if (bits == 32) raw = Raw::Bgrx;
    const bool rle = compression == 1 || compression == 2;
    if (compression == 3) {
        const auto is = [&](uint32_t r, uint32_t g, uint32_t b) {
            return masks[0] == r && masks[1] == g && masks[2] == b;
        };
        bool ok = false;
        if (bits == 32) {
            const uint32_t a = masks[3];
            if (is(0xFF0000, 0xFF00, 0xFF) && (a == 0 || a == 0xFF000000)) ok = true, raw = Raw::Bgrx;
            else if (is(0xFF000000, 0xFF0000, 0xFF00) && (a == 0 || a == 0xFF)) ok = true, raw = Raw::Xbgr;
            else if (is(0xFF, 0xFF00, 0xFF0000) && a == 0xFF000000) ok = true, raw = Raw::Rgba;
            else if (is(0, 0, 0) && a == 0) ok = true, raw = Raw::Bgrx;
        } else if (bits == 24) {
            if (is(0xFF0000, 0xFF00, 0xFF)) ok = true, raw = Raw::Bgr;
        } else if (bits == 16) {
            if (is(0xF800, 0x7E0, 0x1F)) ok = true, raw = Raw::Bgr16;
            else if (is(0x7C00, 0x3E0, 0x1F)) ok = true, raw = Raw::Bgr15;
        }
        if (!ok) throw Error(name, "unsupported BMP bitfields layout");
    } else if ((compression != 0 && !rle) || (rle && bits > 8)) {
        throw Error(name, "unsupported BMP compression (" + std::to_string(compression) + ")");
    }

    std::array<cv::Vec3b, 256> lut{}; // black past the palette's end
    if (bits <= 8) {
        if (colors == 0 || colors > 65536)
            throw Error(name, "unsupported BMP palette size (" + std::to_string(colors) + ")");
        const size_t want = size_t(colors) * paletteEntrySize;
        if (want > n - std::min(n, pos)) throw Error(name, "truncated BMP (palette cut short)");
        for (size_t i = 0; i < std::min<size_t>(colors, 256); ++i) {
            const uint8_t* e = p + pos + i * paletteEntrySize;
            lut[i] = cv::Vec3b(e[2], e[1], e[0]);
        }
    }
    const int w = int(width), ht = int(height);
    cv::Mat rgb(ht, w, CV_8UC3);
    // Row r of the stored data is image row (topDown ? r : ht - 1 - r).
    const auto row = [&](int64_t r) { return rgb.ptr<cv::Vec3b>(int(topDown ? r : ht - 1 - r)); };

    if (rle) {
        if (offset > n) truncated(name);
        const bool rle4 = compression == 2;
        const size_t total = size_t(w) * size_t(ht);
        std::vector<uint8_t> data;
        data.reserve(total);
        size_t i = size_t(offset);
        int64_t x = 0;
        while (data.size() < total) {
            if (i + 2 > n) break;
            size_t count = p[i];
            const uint8_t byte = p[i + 1];
            i += 2;
            if (count) {
                if (x + int64_t(count) > w) count = size_t(std::max<int64_t>(0, w - x));
                for (size_t k = 0; k < count; ++k)
                    data.push_back(rle4 ? ((k % 2 == 0) ? uint8_t(byte >> 4) : uint8_t(byte & 0x0F)) : byte);
                x += int64_t(count);
            } else if (byte == 0) { // end of line
                while (data.size() % size_t(w) != 0) data.push_back(0);
                x = 0;
            } else if (byte == 1) { // end of bitmap
                break;
            } else if (byte == 2) { // delta
                if (i + 2 > n) break;
                const size_t right = p[i], up = p[i + 1];
                i += 2;
                const size_t skip = right + up * size_t(w);
                if (skip > total - std::min(total, data.size())) { // past the end: nothing left to fill
                    data.resize(total, 0);
                    break;
                }
                data.resize(data.size() + skip, 0);
                x = int64_t(data.size() % size_t(w));
            } else { // absolute run, clipped at the end of the image
                const size_t dataCount = std::min<size_t>(total - data.size(), byte);
                const size_t byteCount = rle4 ? (dataCount + 1) / 2 : dataCount;
                const size_t got = std::min(byteCount, n - i);
                for (size_t k = 0; k < got; ++k) {
                    if (rle4) {
                        data.push_back(uint8_t(p[i + k] >> 4));
                        if (k * 2 + 1 < dataCount) data.push_back(uint8_t(p[i + k] & 0x0F));
                    } else {
                        data.push_back(p[i + k]);
                    }
                }
                i += got;
                if (got < byteCount || data.size() == total) break;
                x += byte;
                if (i % 2 != 0) ++i;
            }
        }
        if (data.size() < total) throw Error(name, "truncated or corrupt BMP (RLE data ends before the last pixel)");
        for (int r = 0; r < ht; ++r) {
            cv::Vec3b* d = row(r);
            const uint8_t* s = data.data() + size_t(r) * size_t(w);
            for (int xx = 0; xx < w; ++xx) d[xx] = lut[s[xx]];
        }
        return rgb;
    }

    const uint64_t stride = ((uint64_t(w) * bits + 31) >> 3) & ~uint64_t(3);
    if (offset > n || stride * uint64_t(ht) > n - offset) truncated(name);
    for (int r = 0; r < ht; ++r) {
        const uint8_t* s = p + offset + uint64_t(r) * stride;
        cv::Vec3b* d = row(r);
        for (int xx = 0; xx < w; ++xx) {
            switch (raw) {
            case Raw::Palette: {
                uint8_t index = 0;
                if (bits == 8) index = s[xx];
                else if (bits == 4) index = uint8_t((s[xx / 2] >> (xx % 2 ? 0 : 4)) & 0x0F);
                else index = uint8_t((s[xx / 8] >> (7 - xx % 8)) & 1);
                d[xx] = lut[index];
                break;
            }
            case Raw::Bgr15: {
                const uint32_t v = le16(s + 2 * size_t(xx));
                d[xx] = cv::Vec3b(uint8_t(((v >> 10) & 31) * 255 / 31), uint8_t(((v >> 5) & 31) * 255 / 31),
                                  uint8_t((v & 31) * 255 / 31));
                break;
            }
            case Raw::Bgr16: {
                const uint32_t v = le16(s + 2 * size_t(xx));
                d[xx] = cv::Vec3b(uint8_t(((v >> 11) & 31) * 255 / 31), uint8_t(((v >> 5) & 63) * 255 / 63),
                                  uint8_t((v & 31) * 255 / 31));
                break;
            }
            case Raw::Bgr: {
                const uint8_t* q = s + 3 * size_t(xx);
                d[xx] = cv::Vec3b(q[2], q[1], q[0]);
                break;
            }
            case Raw::Bgrx: {
                const uint8_t* q = s + 4 * size_t(xx);
                d[xx] = cv::Vec3b(q[2], q[1], q[0]);
                break;
            }
            case Raw::Xbgr: {
                const uint8_t* q = s + 4 * size_t(xx);
                d[xx] = cv::Vec3b(q[3], q[2], q[1]);
                break;
            }
            case Raw::Rgba: {
                const uint8_t* q = s + 4 * size_t(xx);
                d[xx] = cv::Vec3b(q[0], q[1], q[2]);
                break;
            }
            }
        }
    }
    return rgb;
}

} // namespace captioner::detail
