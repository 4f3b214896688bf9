// GIF first frame with Pillow's semantics (GifImagePlugin + its "gif" decoder, read for behaviour):
// - the canvas is the logical screen, enlarged when the first frame reaches past it;
// - pixels outside the frame are the frame's transparent index when its graphic control extension
//   sets one, else index 0; inside the frame every decoded index is written (transparency does not
//   hide pixels of the first frame);
// - convert("RGB") looks indices up in the local palette, else the global one; entries past the end
//   of the palette are black (Pillow 13; 9.4 gave the grey ramp), and with no palette at all (or a
//   palette that is the identity grey ramp) an index i is the grey (i, i, i);
// - LZW with the deferred clear (no new entries once the 4096-entry table is full), interlaced rows
//   in the four GIF passes; a stream that ends early leaves the rest of the canvas as initialised.
#include "image/gif_decoder.h"
#include "image/image_format.h"

#include <captioner/error.h>
#include <captioner/image_io.h>

#include <array>
#include <vector>

namespace captioner::detail {
namespace {

constexpr int kMaxCodes = 4096;

uint32_t le16(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8; }

// Walks the data sub-blocks that follow an image descriptor, handing out bytes one by one.
class SubBlockReader {
public:
    SubBlockReader(const uint8_t* p, size_t n, size_t pos) : m_p(p), m_n(n), m_pos(pos) {}
    // Next byte of the stream; false at the block terminator or at the end of the file.
    bool next(uint8_t& b) {
        while (m_left == 0) {
            if (m_ended) return false;
            if (m_pos >= m_n) {
                m_truncated = true;
                m_ended = true;
                return false;
            }
            m_left = m_p[m_pos++];
            if (m_left == 0) {
                m_ended = true;
                return false;
            }
        }
        if (m_pos >= m_n) {
            m_truncated = true;
            m_ended = true;
            return false;
        }
        --m_left;
        b = m_p[m_pos++];
        return true;
    }
    bool truncated() const { return m_truncated; }

private:
    const uint8_t* m_p;
    size_t m_n, m_pos;
    size_t m_left = 0;
    bool m_ended = false, m_truncated = false;
};

// Skips data sub-blocks from pos; returns the offset after the terminator, or n when cut short.
size_t skipSubBlocks(const uint8_t* p, size_t n, size_t pos) {
    while (pos < n) {
        const size_t len = p[pos];
        if (len == 0) return pos + 1;
        if (len + 1 > n - pos) return n;
        pos += len + 1;
    }
    return n;
}

} // namespace

cv::Mat decodeGifRgb(const uint8_t* p, size_t n, const std::string& name) {
    if (n < 13) throw Error(name, "truncated GIF (file shorter than its header)");
    int width = int(le16(p + 6)), height = int(le16(p + 8));
    const uint8_t screenFlags = p[10];
    size_t pos = 13;
    const uint8_t* globalPalette = nullptr;
    size_t globalEntries = 0;
    if (screenFlags & 0x80) {
        globalEntries = size_t(2) << (screenFlags & 7);
        if (3 * globalEntries > n - pos) throw Error(name, "truncated GIF (global palette cut short)");
        globalPalette = p + pos;
        pos += 3 * globalEntries;
    }
    int transparent = -1;
    while (true) {
        if (pos >= n) throw Error(name, "truncated GIF (no image data before the end of the file)");
        const uint8_t tag = p[pos++];
        if (tag == 0x3B) throw Error(name, "GIF file holds no image");
        if (tag == 0x21) { // extension: label, then sub-blocks
            if (pos >= n) throw Error(name, "truncated GIF (extension cut short)");
            const uint8_t label = p[pos++];
            if (label == 0xF9 && pos < n && p[pos] >= 4 && size_t(p[pos]) + 1 <= n - pos) {
                const uint8_t* gce = p + pos + 1;
                transparent = (gce[0] & 1) ? gce[3] : -1;
            }
            pos = skipSubBlocks(p, n, pos);
            continue;
        }
        if (tag != 0x2C) continue; // Pillow skips unknown bytes between blocks
        break;
    }
    if (n - pos < 10) throw Error(name, "truncated GIF (image descriptor cut short)");
    const int x0 = int(le16(p + pos)), y0 = int(le16(p + pos + 2));
    const int fw = int(le16(p + pos + 4)), fh = int(le16(p + pos + 6));
    const uint8_t flags = p[pos + 8];
    pos += 9;
    width = std::max(width, x0 + fw);
    height = std::max(height, y0 + fh);
    checkDecodeBudget(uint64_t(width), uint64_t(height), 1, 8, n, name); // the canvas, frames included
    if (width == 0 || height == 0) throw Error(name, "GIF image has no pixels (width or height 0)");
    const uint8_t* palette = globalPalette;
    size_t entries = globalEntries;
    if (flags & 0x80) {
        entries = size_t(2) << (flags & 7);
        if (3 * entries > n - pos) throw Error(name, "truncated GIF (local palette cut short)");
        palette = p + pos;
        pos += 3 * entries;
    }
    const bool interlaced = (flags & 0x40) != 0;
    if (pos >= n) throw Error(name, "truncated GIF (image data missing)");
    const int minCodeSize = p[pos++];
    if (minCodeSize < 1 || minCodeSize > 11) // a 12-bit clear code would leave no room for entries
        throw Error(name, "corrupt GIF (LZW code size " + std::to_string(minCodeSize) + " out of range)");

    // Indices on the canvas, then the palette lookup.
    cv::Mat index(height, width, CV_8UC1, cv::Scalar(transparent >= 0 ? transparent : 0));

    // The rows of the frame in the order the data stores them.
    std::vector<int> rowOrder;
    rowOrder.reserve(size_t(fh));
    if (interlaced) {
        static const int start[4] = {0, 4, 2, 1}, step[4] = {8, 8, 4, 2};
        for (int pass = 0; pass < 4; ++pass)
            for (int r = start[pass]; r < fh; r += step[pass]) rowOrder.push_back(r);
    } else {
        for (int r = 0; r < fh; ++r) rowOrder.push_back(r);
    }

    const int clearCode = 1 << minCodeSize, endCode = clearCode + 1;
    std::array<uint16_t, kMaxCodes> prefix{};
    std::array<uint8_t, kMaxCodes> suffix{}, first{};
    std::array<uint8_t, kMaxCodes + 1> stack{};
    for (int c = 0; c < clearCode; ++c) {
        suffix[size_t(c)] = uint8_t(c);
        first[size_t(c)] = uint8_t(c);
    }
    int codeSize = minCodeSize + 1, next = endCode + 1, previous = -1;
    uint32_t bitBuffer = 0;
    int bitCount = 0;
    const int64_t total = int64_t(fw) * fh;
    int64_t written = 0;
    const auto put = [&](uint8_t value) {
        if (written >= total) return;
        const int fy = rowOrder[size_t(written / fw)], fx = int(written % fw);
        index.at<uint8_t>(y0 + fy, x0 + fx) = value;
        ++written;
    };
    SubBlockReader in(p, n, pos);
    bool ended = false;
    while (written < total) {
        while (bitCount < codeSize) {
            uint8_t b = 0;
            if (!in.next(b)) {
                ended = true;
                break;
            }
            bitBuffer |= uint32_t(b) << bitCount;
            bitCount += 8;
        }
        if (ended) break;
        const int code = int(bitBuffer & ((1u << codeSize) - 1));
        bitBuffer >>= codeSize;
        bitCount -= codeSize;
        if (code == clearCode) {
            codeSize = minCodeSize + 1;
            next = endCode + 1;
            previous = -1;
            continue;
        }
        if (code == endCode) break;
        if (previous < 0) {
            if (code >= clearCode) throw Error(name, "corrupt GIF (invalid LZW code)");
            put(uint8_t(code));
            previous = code;
            continue;
        }
        if (code > next || (code == next && next >= kMaxCodes)) throw Error(name, "corrupt GIF (invalid LZW code)");
        // Expand the code (or, for the code being defined, the previous string plus its first byte).
        size_t depth = 0;
        int c = code;
        if (code == next) {
            stack[depth++] = first[size_t(previous)];
            c = previous;
        }
        while (c >= clearCode) {
            stack[depth++] = suffix[size_t(c)];
            c = prefix[size_t(c)];
        }
        stack[depth++] = uint8_t(c);
        const uint8_t head = uint8_t(c);
        while (depth > 0) put(stack[--depth]);
        if (next < kMaxCodes) {
            prefix[size_t(next)] = uint16_t(previous);
            suffix[size_t(next)] = head;
            first[size_t(next)] = first[size_t(previous)];
            ++next;
            if (next == (1 << codeSize) && codeSize < 12) ++codeSize;
        }
        previous = code;
    }
    if (written < total && in.truncated()) throw Error(name, "truncated GIF (image data cut short)");

    bool identity = palette != nullptr; // Pillow drops a palette that is the grey ramp (mode "L")
    for (size_t i = 0; identity && i < entries; ++i)
        identity = palette[3 * i] == i && palette[3 * i + 1] == i && palette[3 * i + 2] == i;
    if (identity) palette = nullptr;
    std::array<cv::Vec3b, 256> lut;
    for (size_t i = 0; i < 256; ++i) {
        if (!palette) lut[i] = cv::Vec3b(uint8_t(i), uint8_t(i), uint8_t(i));
        else if (i < entries) lut[i] = cv::Vec3b(palette[3 * i], palette[3 * i + 1], palette[3 * i + 2]);
        else lut[i] = cv::Vec3b(0, 0, 0);
    }
    cv::Mat rgb(height, width, CV_8UC3);
    for (int y = 0; y < height; ++y) {
        const uint8_t* s = index.ptr<uint8_t>(y);
        cv::Vec3b* d = rgb.ptr<cv::Vec3b>(y);
        for (int x = 0; x < width; ++x) d[x] = lut[s[x]];
    }
    return rgb;
}

} // namespace captioner::detail
