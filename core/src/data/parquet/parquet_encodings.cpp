// The value encodings of Parquet's Encodings.md beyond PLAIN and the dictionary, written from the
// specification: DELTA_BINARY_PACKED (integers, and the lengths inside the two below),
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY (incremental strings) and BYTE_STREAM_SPLIT. DuckDB and
// Spark write the DELTA ones in v2 data pages. Every count and length is checked against the page.
#include "data/parquet/parquet_format.h"

#include "captioner/error.h"

#include <algorithm>

namespace captioner::parquet {
namespace {

constexpr std::size_t kMaxMiniblocks = 1024;

class Cursor {
public:
    Cursor(const uint8_t* data, std::size_t size, const EncodingContext& ctx, const char* what)
        : m_data(data), m_size(size), m_ctx(ctx), m_what(what) {}

    [[noreturn]] void fail(const std::string& why) const {
        throw Error(m_ctx.file, m_ctx.what + ": " + m_what + " " + why);
    }

    uint64_t varint() {
        uint64_t v = 0;
        for (int shift = 0;; shift += 7) {
            if (m_pos >= m_size) fail("data ends inside a header");
            if (shift > 63) fail("has an over-long varint");
            const uint8_t b = m_data[m_pos++];
            v |= uint64_t(b & 0x7f) << shift;
            if (!(b & 0x80)) return v;
        }
    }
    int64_t zigzag() {
        const uint64_t v = varint();
        return int64_t(v >> 1) ^ -int64_t(v & 1);
    }
    uint8_t byte() {
        if (m_pos >= m_size) fail("data ends inside a block header");
        return m_data[m_pos++];
    }
    const uint8_t* take(std::size_t n) {
        if (n > m_size - m_pos) fail("data ends early (" + std::to_string(n) + " bytes needed)");
        const uint8_t* p = m_data + m_pos;
        m_pos += n;
        return p;
    }
    std::size_t position() const { return m_pos; }

private:
    const uint8_t* m_data;
    std::size_t m_size;
    std::size_t m_pos = 0;
    const EncodingContext& m_ctx;
    const char* m_what;
};

// Value i of a little-endian bit-packed run of `width`-bit values (width 0..64).
uint64_t unpack(const uint8_t* p, std::size_t i, int width) {
    uint64_t v = 0;
    const uint64_t first = uint64_t(i) * uint64_t(width);
    int got = 0;
    while (got < width) {
        const uint64_t bit = first + uint64_t(got);
        const int inByte = int(bit & 7);
        const int n = std::min(8 - inByte, width - got);
        const uint64_t bits = (uint64_t(p[bit >> 3]) >> inByte) & ((uint64_t(1) << n) - 1);
        v |= bits << got;
        got += n;
    }
    return v;
}

void deltaBinaryPacked(Cursor& c, std::size_t count, bool bits32, std::vector<int64_t>& out) {
    const uint64_t blockSize = c.varint();
    const uint64_t miniblocks = c.varint();
    const uint64_t total = c.varint();
    const int64_t first = c.zigzag();
    if (blockSize == 0 || blockSize % 128 != 0 || blockSize > (uint64_t(1) << 20))
        c.fail("has an invalid block size of " + std::to_string(blockSize) + " values");
    if (miniblocks == 0 || miniblocks > kMaxMiniblocks || blockSize % miniblocks != 0 ||
        (blockSize / miniblocks) % 32 != 0)
        c.fail("has an invalid count of " + std::to_string(miniblocks) + " miniblocks per block");
    if (total != count)
        c.fail("holds " + std::to_string(total) + " values where " + std::to_string(count) + " are expected");
    if (count == 0) return;
    const std::size_t perMini = std::size_t(blockSize / miniblocks);
    out.reserve(out.size() + count);
    uint64_t value = uint64_t(first);
    auto push = [&](uint64_t v) { out.push_back(bits32 ? int64_t(int32_t(uint32_t(v))) : int64_t(v)); };
    push(value);
    std::size_t left = count - 1;
    uint8_t widths[kMaxMiniblocks];
    while (left > 0) {
        const uint64_t minDelta = uint64_t(c.zigzag());
        for (std::size_t m = 0; m < miniblocks; ++m) widths[m] = c.byte();
        for (std::size_t m = 0; m < miniblocks && left > 0; ++m) {
            const int width = widths[m];
            if (width > 64) c.fail("has a miniblock bit width of " + std::to_string(width));
            const uint8_t* p = c.take(perMini / 8 * std::size_t(width));
            const std::size_t n = std::min(perMini, left);
            for (std::size_t i = 0; i < n; ++i) {
                value += minDelta + unpack(p, i, width); // wraps as the spec's two's complement arithmetic
                push(value);
            }
            left -= n;
        }
    }
}

void deltaLengthByteArray(Cursor& c, const uint8_t* data, std::size_t size, std::size_t count,
                          std::vector<std::string>& out) {
    std::vector<int64_t> lengths;
    deltaBinaryPacked(c, count, true, lengths);
    std::size_t pos = c.position();
    out.reserve(out.size() + count);
    for (std::size_t i = 0; i < count; ++i) {
        if (lengths[i] < 0) c.fail("has a negative length " + std::to_string(lengths[i]));
        const std::size_t len = std::size_t(lengths[i]);
        if (len > size - pos)
            c.fail("value " + std::to_string(i) + " of " + std::to_string(len) + " bytes runs past the page");
        out.emplace_back(reinterpret_cast<const char*>(data + pos), len);
        pos += len;
    }
}

} // namespace

void decodeDeltaBinaryPacked(const uint8_t* data, std::size_t size, std::size_t count, bool bits32,
                             std::vector<int64_t>& out, const EncodingContext& ctx, std::size_t* used) {
    Cursor c(data, size, ctx, "DELTA_BINARY_PACKED");
    deltaBinaryPacked(c, count, bits32, out);
    if (used) *used = c.position();
}

void decodeDeltaLengthByteArray(const uint8_t* data, std::size_t size, std::size_t count, std::vector<std::string>& out,
                                const EncodingContext& ctx) {
    Cursor c(data, size, ctx, "DELTA_LENGTH_BYTE_ARRAY");
    deltaLengthByteArray(c, data, size, count, out);
}

void decodeDeltaByteArray(const uint8_t* data, std::size_t size, std::size_t count, std::vector<std::string>& out,
                          const EncodingContext& ctx) {
    Cursor c(data, size, ctx, "DELTA_BYTE_ARRAY");
    std::vector<int64_t> prefixes;
    deltaBinaryPacked(c, count, true, prefixes);
    std::vector<std::string> suffixes;
    Cursor rest(data + c.position(), size - c.position(), ctx, "DELTA_BYTE_ARRAY");
    deltaLengthByteArray(rest, data + c.position(), size - c.position(), count, suffixes);
    out.reserve(out.size() + count);
    std::string previous;
    uint64_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
        if (prefixes[i] < 0 || uint64_t(prefixes[i]) > previous.size())
            c.fail("value " + std::to_string(i) + " shares a prefix of " + std::to_string(prefixes[i]) +
                   " bytes with a value of " + std::to_string(previous.size()) + " bytes");
        const std::size_t prefix = std::size_t(prefixes[i]);
        total += prefix + suffixes[i].size();
        if (total > kParquetMaxDecodedPageBytes)
            c.fail("rebuilds more than " + std::to_string(kParquetMaxDecodedPageBytes) + " bytes from one page");
        std::string value;
        value.reserve(prefix + suffixes[i].size());
        value.append(previous, 0, prefix);
        value += suffixes[i];
        previous = value;
        out.push_back(std::move(value));
    }
}

std::vector<uint8_t> decodeByteStreamSplit(const uint8_t* data, std::size_t size, std::size_t count, std::size_t width,
                                           const EncodingContext& ctx) {
    if (width == 0 || count > size / width || count * width != size)
        throw Error(ctx.file, ctx.what + ": BYTE_STREAM_SPLIT data of " + std::to_string(size) +
                                  " bytes does not hold " + std::to_string(count) + " values of " +
                                  std::to_string(width) + " bytes");
    std::vector<uint8_t> out(size);
    for (std::size_t b = 0; b < width; ++b) {
        const uint8_t* stream = data + b * count;
        for (std::size_t i = 0; i < count; ++i) out[i * width + b] = stream[i];
    }
    return out;
}

} // namespace captioner::parquet
