// Turning a page's bytes into values: decompression (libsnappy, zlib, libzstd, liblz4, libbrotli: the
// codecs) and the
// RLE/bit-packed hybrid decoder for levels and dictionary indices (the encodings). The page header
// itself is Thrift and is read in parquet_page_header.cpp.
#include "data/parquet/parquet_format.h"

#include "captioner/error.h"

#include <brotli/decode.h>
#include <lz4.h>
#include <snappy-c.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <climits>

namespace captioner::parquet {

std::string codecName(int codec) {
    switch (codec) {
    case Uncompressed: return "UNCOMPRESSED";
    case Snappy: return "SNAPPY";
    case Gzip: return "GZIP";
    case Lzo: return "LZO";
    case Brotli: return "BROTLI";
    case Lz4: return "LZ4";
    case Zstd: return "ZSTD";
    case Lz4Raw: return "LZ4_RAW";
    }
    return "codec " + std::to_string(codec);
}

bool codecSupported(int codec) {
    return codec == Uncompressed || codec == Snappy || codec == Gzip || codec == Zstd || codec == Lz4Raw ||
           codec == Lz4 || codec == Brotli;
}

std::string supportedCodecs() { return "UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, LZ4, BROTLI"; }

bool encodingSupported(int encoding) {
    switch (encoding) {
    case Plain:
    case PlainDictionary:
    case Rle:
    case BitPacked: // listed by old writers for levels; a page that really uses it is refused by name
    case DeltaBinaryPacked:
    case DeltaLengthByteArray:
    case DeltaByteArray:
    case RleDictionary:
    case ByteStreamSplit: return true;
    }
    return false;
}

namespace {

uint32_t bigEndian32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// One LZ4 block (no framing) into exactly `expected` bytes at `out`.
bool lz4Block(const uint8_t* in, std::size_t size, uint8_t* out, std::size_t expected) {
    if (size > std::size_t(INT_MAX) || expected > std::size_t(INT_MAX)) return false;
    const int n =
        LZ4_decompress_safe(reinterpret_cast<const char*>(in), reinterpret_cast<char*>(out), int(size), int(expected));
    return n >= 0 && std::size_t(n) == expected;
}

// Hadoop's LZ4 framing (what parquet-mr writes for codec LZ4): frames of a 4-byte big-endian
// decompressed size and a 4-byte big-endian compressed size, then one LZ4 block, until the input ends.
bool lz4Hadoop(const uint8_t* in, std::size_t size, uint8_t* out, std::size_t expected) {
    std::size_t pos = 0, produced = 0;
    while (size - pos >= 8) {
        const std::size_t plain = bigEndian32(in + pos), packed = bigEndian32(in + pos + 4);
        pos += 8;
        if (packed > size - pos || plain > expected - produced) return false;
        if (!lz4Block(in + pos, packed, out + produced, plain)) return false;
        pos += packed;
        produced += plain;
    }
    return pos == size && produced == expected;
}

} // namespace

std::string encodingName(int encoding) {
    switch (encoding) {
    case Plain: return "PLAIN";
    case 1: return "GROUP_VAR_INT";
    case PlainDictionary: return "PLAIN_DICTIONARY";
    case Rle: return "RLE";
    case BitPacked: return "BIT_PACKED";
    case DeltaBinaryPacked: return "DELTA_BINARY_PACKED";
    case DeltaLengthByteArray: return "DELTA_LENGTH_BYTE_ARRAY";
    case DeltaByteArray: return "DELTA_BYTE_ARRAY";
    case RleDictionary: return "RLE_DICTIONARY";
    case ByteStreamSplit: return "BYTE_STREAM_SPLIT";
    }
    return "encoding " + std::to_string(encoding);
}

std::vector<uint8_t> decompress(int codec, const uint8_t* in, std::size_t size, std::size_t expected,
                                const std::string& file, const std::string& what) {
    std::vector<uint8_t> out;
    auto fail = [&](const std::string& why) -> void {
        throw Error(file, what + ": " + codecName(codec) + " data is corrupt (" + why + ")");
    };
    // No codec expands a few bytes into gigabytes: refuse the claim before allocating for it. The
    // bounds are above each format's own maximum ratio (snappy ~22:1, deflate ~1032:1, zstd ~32768:1
    // for one repeated byte), plus slack for tiny pages.
    // LZ4 ~255:1. Brotli has no small maximum; its output is grown as it is produced (below), so a
    // false claim costs no more memory than the stream really decompresses to.
    const uint64_t ratio = codec == Snappy                   ? 32
                           : codec == Gzip                   ? 1100
                           : codec == Zstd                   ? 40000
                           : codec == Lz4Raw || codec == Lz4 ? 300
                           : codec == Brotli                 ? uint64_t(kParquetMaxPageBytes)
                                                             : 1;
    if (codecSupported(codec) && codec != Uncompressed && uint64_t(expected) > uint64_t(size) * ratio + 4096)
        throw Error(file, what + ": claims " + std::to_string(expected) + " bytes from " + std::to_string(size) + " " +
                              codecName(codec) + " bytes, more than that codec can expand to (corrupt page header)");
    // An all-null page has no values; some writers still store a compressed empty stream.
    if (expected == 0 && codec != Uncompressed && codecSupported(codec)) return out;
    switch (codec) {
    case Uncompressed:
        if (size != expected)
            fail("stored size " + std::to_string(size) + " differs from the page's size " + std::to_string(expected));
        out.assign(in, in + size);
        return out;
    case Snappy: {
        std::size_t n = 0;
        if (snappy_uncompressed_length(reinterpret_cast<const char*>(in), size, &n) != SNAPPY_OK) fail("bad header");
        if (n != expected)
            fail("holds " + std::to_string(n) + " bytes, the page header says " + std::to_string(expected));
        out.resize(n);
        if (snappy_uncompress(reinterpret_cast<const char*>(in), size, reinterpret_cast<char*>(out.data()), &n) !=
                SNAPPY_OK ||
            n != expected)
            fail("decompression failed");
        return out;
    }
    case Gzip: {
        if (size > UINT_MAX || expected > UINT_MAX) fail("page too large");
        out.resize(expected);
        z_stream z{};
        if (inflateInit2(&z, 15 + 32) != Z_OK) fail("cannot start zlib");
        z.next_in = const_cast<Bytef*>(in);
        z.avail_in = uInt(size);
        z.next_out = out.data();
        z.avail_out = uInt(expected);
        int rc = inflate(&z, Z_FINISH);
        // Some writers concatenate gzip members; continue through each one.
        while (rc == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0) {
            if (inflateReset(&z) != Z_OK) break;
            rc = inflate(&z, Z_FINISH);
        }
        const std::size_t produced = expected - z.avail_out;
        const bool extra = rc == Z_BUF_ERROR && z.avail_out == 0 && z.avail_in > 0;
        inflateEnd(&z);
        if (extra) fail("holds more than the page header's " + std::to_string(expected) + " bytes");
        if (rc != Z_STREAM_END) fail(z.msg ? z.msg : "truncated");
        if (produced != expected)
            fail("holds " + std::to_string(produced) + " bytes, the page header says " + std::to_string(expected));
        return out;
    }
    case Zstd: {
        out.resize(expected);
        const std::size_t n = ZSTD_decompress(out.data(), expected, in, size);
        if (ZSTD_isError(n)) fail(ZSTD_getErrorName(n));
        if (n != expected)
            fail("holds " + std::to_string(n) + " bytes, the page header says " + std::to_string(expected));
        return out;
    }
    case Lz4Raw:
        out.resize(expected);
        if (!lz4Block(in, size, out.data(), expected))
            fail("not one LZ4 block of " + std::to_string(expected) + " bytes");
        return out;
    case Lz4:
        // Hadoop framing, as the Parquet spec describes codec LZ4; older Arrow versions wrote a bare block.
        out.resize(expected);
        if (!lz4Hadoop(in, size, out.data(), expected) && !lz4Block(in, size, out.data(), expected))
            fail("neither Hadoop-framed LZ4 nor one LZ4 block of " + std::to_string(expected) + " bytes");
        return out;
    case Brotli: {
        BrotliDecoderState* state = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
        if (!state) fail("cannot start the decoder");
        std::size_t availIn = size, produced = 0;
        const uint8_t* next = in;
        BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
        while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
            if (produced == expected) {
                out.resize(expected + 1); // room for one byte more tells a stream that holds too much
            } else {
                out.resize(std::min(expected, std::max<std::size_t>(produced * 2, 65536)));
            }
            std::size_t availOut = out.size() - produced;
            uint8_t* to = out.data() + produced;
            rc = BrotliDecoderDecompressStream(state, &availIn, &next, &availOut, &to, nullptr);
            produced = out.size() - availOut;
            if (produced > expected) break;
        }
        BrotliDecoderDestroyInstance(state);
        if (produced > expected) fail("holds more than the page header's " + std::to_string(expected) + " bytes");
        if (rc != BROTLI_DECODER_RESULT_SUCCESS)
            fail(rc == BROTLI_DECODER_RESULT_ERROR ? "invalid stream" : "truncated");
        if (produced != expected)
            fail("holds " + std::to_string(produced) + " bytes, the page header says " + std::to_string(expected));
        out.resize(expected);
        return out;
    }
    default:
        throw Error(file, what + ": " + codecName(codec) +
                              " compression is not supported (supported: " + supportedCodecs() + ")");
    }
}

int bitWidthFor(int64_t maxValue) {
    int w = 0;
    while (maxValue > 0) {
        ++w;
        maxValue >>= 1;
    }
    return w;
}

bool decodeHybrid(const uint8_t* data, std::size_t size, int bitWidth, std::size_t count, std::vector<uint32_t>& out) {
    out.clear();
    out.reserve(count);
    std::size_t pos = 0;
    const std::size_t valueBytes = std::size_t(bitWidth + 7) / 8;
    while (out.size() < count) {
        uint64_t header = 0;
        int shift = 0;
        for (;;) {
            if (pos >= size || shift > 35) return false;
            const uint8_t b = data[pos++];
            header |= uint64_t(b & 0x7f) << shift;
            shift += 7;
            if (!(b & 0x80)) break;
        }
        if (header & 1) { // bit-packed groups of 8 values
            const uint64_t groups = header >> 1;
            const uint64_t bytes = groups * uint64_t(bitWidth);
            if (groups == 0 || bytes > size - pos) return false;
            const std::size_t values = std::size_t(std::min<uint64_t>(groups * 8, count - out.size()));
            const uint8_t* p = data + pos;
            for (std::size_t i = 0; i < values; ++i) {
                const uint64_t bit = uint64_t(i) * uint64_t(bitWidth);
                uint64_t v = 0;
                for (int b = 0; b < bitWidth; ++b) {
                    const uint64_t at = bit + uint64_t(b);
                    v |= uint64_t((p[at >> 3] >> (at & 7)) & 1) << b;
                }
                out.push_back(uint32_t(v));
            }
            pos += std::size_t(bytes);
        } else { // a run of one repeated value
            const uint64_t run = header >> 1;
            if (valueBytes > size - pos) return false;
            uint32_t v = 0;
            for (std::size_t b = 0; b < valueBytes; ++b) v |= uint32_t(data[pos + b]) << (8 * b);
            pos += valueBytes;
            if (run == 0) continue;
            out.insert(out.end(), std::size_t(std::min<uint64_t>(run, count - out.size())), v);
        }
    }
    return true;
}

} // namespace captioner::parquet
