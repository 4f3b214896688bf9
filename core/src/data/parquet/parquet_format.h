#pragma once
// Internals of the Parquet reader shared by its source files: the Thrift structures we read (only
// the fields we use; parquet_page_header.cpp), codec names and decompression, and the RLE/bit-packed
// hybrid decoder (parquet_decoding.cpp).
#include "captioner/parquet.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace captioner::parquet {

// Parquet's enums, by their numbers in parquet.thrift.
enum Codec { Uncompressed = 0, Snappy = 1, Gzip = 2, Lzo = 3, Brotli = 4, Lz4 = 5, Zstd = 6, Lz4Raw = 7 };
enum Encoding {
    Plain = 0,
    PlainDictionary = 2,
    Rle = 3,
    BitPacked = 4,
    DeltaBinaryPacked = 5,
    DeltaLengthByteArray = 6,
    DeltaByteArray = 7,
    RleDictionary = 8,
    ByteStreamSplit = 9
};
enum PageType { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 };

std::string codecName(int codec);
std::string encodingName(int encoding);
bool codecSupported(int codec);
std::string supportedCodecs(); // "UNCOMPRESSED, SNAPPY, ..." for messages
bool encodingSupported(int encoding);

struct PageHeader {
    int type = -1;
    int64_t uncompressedSize = -1, compressedSize = -1;
    int64_t numValues = -1; // data page v1/v2 or dictionary page
    int encoding = -1;      // of the values
    int defLevelEncoding = Rle;
    int64_t defLevelsLength = 0, repLevelsLength = 0; // v2: bytes of levels before the values
    bool isCompressed = true;                         // v2
};
// Parses one page header; `r` must be positioned at its first byte.
class ThriftReader;
PageHeader readPageHeader(ThriftReader& r);

// Decompresses exactly `expected` bytes; throws Error(file, "<what>: ...") otherwise.
std::vector<uint8_t> decompress(int codec, const uint8_t* in, std::size_t size, std::size_t expected,
                                const std::string& file, const std::string& what);

// Decodes `count` values of `bitWidth` bits (0..32) from the RLE/bit-packed hybrid encoding.
// Returns false when the data ends first.
bool decodeHybrid(const uint8_t* data, std::size_t size, int bitWidth, std::size_t count, std::vector<uint32_t>& out);

int bitWidthFor(int64_t maxValue);

// The value encodings of Encodings.md beyond PLAIN and the dictionary. Each decodes exactly `count`
// values from [data, data + size) and throws Error(file, what + ": ...") when the data is malformed
// or ends early; `used` (when given) receives the number of bytes the encoded values took.
struct EncodingContext {
    const std::string& file;
    const std::string& what;
};
// DELTA_BINARY_PACKED; `bits32` wraps the values to 32 bits (INT32 columns).
void decodeDeltaBinaryPacked(const uint8_t* data, std::size_t size, std::size_t count, bool bits32,
                             std::vector<int64_t>& out, const EncodingContext& ctx, std::size_t* used = nullptr);
void decodeDeltaLengthByteArray(const uint8_t* data, std::size_t size, std::size_t count, std::vector<std::string>& out,
                                const EncodingContext& ctx);
void decodeDeltaByteArray(const uint8_t* data, std::size_t size, std::size_t count, std::vector<std::string>& out,
                          const EncodingContext& ctx);
// BYTE_STREAM_SPLIT: `width` bytes per value, put back in PLAIN order (value after value).
std::vector<uint8_t> decodeByteStreamSplit(const uint8_t* data, std::size_t size, std::size_t count, std::size_t width,
                                           const EncodingContext& ctx);

} // namespace captioner::parquet
