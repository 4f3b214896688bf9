// ParquetFile::readColumn: pages of one column chunk -> one value (or null) per row.
#include "captioner/parquet.h"

#include "captioner/error.h"
#include "data/parquet/parquet_format.h"
#include "data/parquet/thrift_compact.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace captioner {
namespace {

using namespace parquet;

// Values of one page (or of the dictionary), without nulls.
struct Values {
    std::vector<int64_t> ints;
    std::vector<double> reals;
    std::vector<std::string> bytes;
};

class ColumnDecoder {
public:
    ColumnDecoder(const std::string& file, const ParquetColumnInfo& info, std::string where)
        : m_file(file), m_info(info), m_where(std::move(where)) {}

    [[noreturn]] void fail(const std::string& reason) const { throw Error(m_file, m_where + ": " + reason); }

    void plain(const uint8_t* p, std::size_t n, std::size_t count, Values& out) const {
        auto need = [&](std::size_t bytes) {
            if (bytes > n)
                fail("PLAIN values end early (" + std::to_string(count) + " values need more than " +
                     std::to_string(n) + " bytes)");
        };
        switch (m_info.type) {
        case ParquetType::Boolean:
            need((count + 7) / 8);
            for (std::size_t i = 0; i < count; ++i) out.ints.push_back((p[i / 8] >> (i % 8)) & 1);
            return;
        case ParquetType::Int32:
            need(count * 4);
            for (std::size_t i = 0; i < count; ++i) {
                int32_t v;
                std::memcpy(&v, p + 4 * i, 4);
                out.ints.push_back(v);
            }
            return;
        case ParquetType::Int64:
            need(count * 8);
            for (std::size_t i = 0; i < count; ++i) {
                int64_t v;
                std::memcpy(&v, p + 8 * i, 8);
                out.ints.push_back(v);
            }
            return;
        case ParquetType::Float:
            need(count * 4);
            for (std::size_t i = 0; i < count; ++i) {
                float v;
                std::memcpy(&v, p + 4 * i, 4);
                out.reals.push_back(v);
            }
            return;
        case ParquetType::Double:
            need(count * 8);
            for (std::size_t i = 0; i < count; ++i) {
                double v;
                std::memcpy(&v, p + 8 * i, 8);
                out.reals.push_back(v);
            }
            return;
        case ParquetType::FixedLenByteArray: {
            const std::size_t w = std::size_t(m_info.typeLength);
            if (count > n / w) need(n + 1);
            for (std::size_t i = 0; i < count; ++i) out.bytes.emplace_back(reinterpret_cast<const char*>(p + w * i), w);
            return;
        }
        case ParquetType::ByteArray: {
            std::size_t pos = 0;
            for (std::size_t i = 0; i < count; ++i) {
                if (n - pos < 4)
                    fail("PLAIN byte array " + std::to_string(i) + " of " + std::to_string(count) + " is truncated");
                uint32_t len;
                std::memcpy(&len, p + pos, 4);
                pos += 4;
                if (len > n - pos) fail("PLAIN byte array of " + std::to_string(len) + " bytes runs past the page");
                out.bytes.emplace_back(reinterpret_cast<const char*>(p + pos), len);
                pos += len;
            }
            return;
        }
        case ParquetType::Int96: break;
        }
        fail("type " + parquetTypeName(m_info.type) + " is not supported");
    }

    // Repetition or definition levels of `count` entries (RLE/bit-packed hybrid), each checked <= maxLevel.
    void levels(const uint8_t* p, std::size_t n, std::size_t count, int maxLevel, const char* kind,
                std::vector<uint32_t>& out) const {
        out.clear();
        if (maxLevel == 0) return;
        if (!decodeHybrid(p, n, bitWidthFor(maxLevel), count, out)) fail(std::string(kind) + " levels are truncated");
        for (std::size_t i = 0; i < count; ++i)
            if (out[i] > uint32_t(maxLevel))
                fail(std::string(kind) + " level " + std::to_string(out[i]) + " is out of range (at most " +
                     std::to_string(maxLevel) + ")");
    }

    void values(int encoding, const uint8_t* p, std::size_t n, std::size_t count, const Values* dict,
                std::size_t dictSize, Values& out) const {
        if (encoding == Plain) return plain(p, n, count, out);
        if (encoding == PlainDictionary || encoding == RleDictionary) {
            if (!dict) fail(encodingName(encoding) + " page without a dictionary page");
            if (count == 0) return;
            if (n < 1) fail("dictionary indices are missing");
            const int width = p[0];
            if (width > 32) fail("dictionary index width " + std::to_string(width) + " is invalid");
            std::vector<uint32_t> idx;
            if (!decodeHybrid(p + 1, n - 1, width, count, idx)) fail("dictionary indices are truncated");
            for (uint32_t i : idx) {
                if (i >= dictSize)
                    fail("dictionary index " + std::to_string(i) + " is out of range (" + std::to_string(dictSize) +
                         " entries)");
                if (!dict->ints.empty()) out.ints.push_back(dict->ints[i]);
                else if (!dict->reals.empty()) out.reals.push_back(dict->reals[i]);
                else out.bytes.push_back(dict->bytes[i]);
            }
            return;
        }
        const EncodingContext ctx{m_file, m_where};
        const ParquetType type = m_info.type;
        if (count == 0) return; // an all-null page: nothing to decode whatever the encoding
        if (encoding == DeltaBinaryPacked && (type == ParquetType::Int32 || type == ParquetType::Int64))
            return decodeDeltaBinaryPacked(p, n, count, type == ParquetType::Int32, out.ints, ctx);
        if (encoding == DeltaLengthByteArray && type == ParquetType::ByteArray)
            return decodeDeltaLengthByteArray(p, n, count, out.bytes, ctx);
        if (encoding == DeltaByteArray && (type == ParquetType::ByteArray || type == ParquetType::FixedLenByteArray)) {
            decodeDeltaByteArray(p, n, count, out.bytes, ctx);
            if (type == ParquetType::FixedLenByteArray)
                for (const std::string& b : out.bytes)
                    if (b.size() != std::size_t(m_info.typeLength))
                        fail("DELTA_BYTE_ARRAY value of " + std::to_string(b.size()) + " bytes in a column of " +
                             std::to_string(m_info.typeLength) + "-byte values");
            return;
        }
        if (encoding == ByteStreamSplit && type != ParquetType::Boolean && type != ParquetType::ByteArray &&
            type != ParquetType::Int96) {
            const std::size_t width = type == ParquetType::FixedLenByteArray ? std::size_t(m_info.typeLength)
                                      : type == ParquetType::Int32 || type == ParquetType::Float ? 4
                                                                                                 : 8;
            const std::vector<uint8_t> joined = decodeByteStreamSplit(p, n, count, width, ctx);
            return plain(joined.data(), joined.size(), count, out);
        }
        if (encoding == Rle && m_info.type == ParquetType::Boolean) {
            if (n < 4) fail("RLE boolean values are truncated");
            uint32_t len;
            std::memcpy(&len, p, 4);
            if (len > n - 4) fail("RLE boolean values run past the page");
            std::vector<uint32_t> bits;
            if (!decodeHybrid(p + 4, len, 1, count, bits)) fail("RLE boolean values are truncated");
            for (uint32_t b : bits) out.ints.push_back(b);
            return;
        }
        fail("the " + encodingName(encoding) + " encoding is not supported for " + parquetTypeName(type) + " values");
    }

private:
    const std::string& m_file;
    const ParquetColumnInfo& m_info;
    std::string m_where;
};

std::size_t dictionarySize(const Values& v) { return std::max({v.ints.size(), v.reals.size(), v.bytes.size()}); }

} // namespace

std::vector<std::string> ParquetColumnData::stringsOf(std::size_t row) const {
    std::vector<std::string> out;
    if (!repeated || row >= valid.size() || row + 1 >= offsets.size()) return out;
    for (std::size_t e = offsets[row]; e < offsets[row + 1] && e < elementValid.size() && e < bytes.size(); ++e)
        if (elementValid[e]) out.push_back(bytes[e]);
    return out;
}

ParquetColumnData ParquetFile::readColumn(std::size_t rowGroup, std::size_t column) const {
    if (rowGroup >= m_rowGroups.size() || column >= m_columns.size())
        throw Error(m_path, "no row group " + std::to_string(rowGroup) + " column " + std::to_string(column));
    const ParquetColumnInfo& info = m_columns[column];
    const RowGroup& rg = m_rowGroups[rowGroup];
    const Chunk& chunk = rg.chunks[column];
    const std::string where = "column " + info.path + " in row group " + std::to_string(rowGroup);
    if (!info.unsupported.empty()) throw Error(m_path, info.unsupported);
    if (!chunk.unsupported.empty()) throw Error(m_path, chunk.unsupported);
    ColumnDecoder dec(m_path, info, where);

    std::vector<uint8_t> data(std::size_t(chunk.length));
    {
        const int fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw Error(m_path, std::string("cannot open: ") + std::strerror(errno));
        std::size_t done = 0;
        while (done < data.size()) {
            const ssize_t got = ::pread(fd, data.data() + done, data.size() - done, off_t(chunk.start + int64_t(done)));
            if (got <= 0) break;
            done += std::size_t(got);
        }
        ::close(fd);
        if (done != data.size()) throw Error(m_path, where + ": read error or file changed while reading (truncated)");
    }

    ParquetColumnData out;
    out.type = info.type;
    const std::size_t rows = std::size_t(rg.numRows);
    const bool repeated = info.maxRepetitionLevel > 0;
    out.repeated = repeated;
    // Level entries to read: one per row for a flat column; for a list, one per element or empty/null list,
    // as many as the chunk's metadata says.
    if (repeated && (chunk.numValues < 0 || chunk.numValues > kParquetMaxRowsPerGroup))
        dec.fail("column chunk claims " + std::to_string(chunk.numValues) + " values, over the limit of " +
                 std::to_string(kParquetMaxRowsPerGroup));
    const std::size_t entries = repeated ? std::size_t(chunk.numValues) : rows;
    Values dict;
    bool haveDict = false;
    std::size_t pos = 0, done = 0, elements = 0;
    std::vector<uint32_t> reps, defs;
    while (done < entries) {
        if (pos >= data.size())
            dec.fail("column chunk ends after " + std::to_string(done) + " of " + std::to_string(entries) + " values");
        parquet::ThriftReader r(data.data() + pos, data.size() - pos, m_path, "page header");
        const PageHeader h = readPageHeader(r);
        pos += r.position();
        if (h.compressedSize < 0 || std::size_t(h.compressedSize) > data.size() - pos)
            dec.fail("page of " + std::to_string(h.compressedSize) + " bytes runs past the column chunk");
        if (h.uncompressedSize < 0 || uint64_t(h.uncompressedSize) > kParquetMaxPageBytes)
            dec.fail("page claims an implausible size of " + std::to_string(h.uncompressedSize) + " bytes");
        const uint8_t* page = data.data() + pos;
        const std::size_t pageSize = std::size_t(h.compressedSize);
        pos += pageSize;
        const std::string what = where + ", page at byte " + std::to_string(chunk.start + int64_t(pos - pageSize));

        if (h.type == DictionaryPage) {
            if (haveDict) dec.fail("second dictionary page");
            if (h.numValues < 0) dec.fail("dictionary page without a value count");
            if (h.encoding != Plain && h.encoding != PlainDictionary)
                dec.fail("dictionary page in the " + encodingName(h.encoding) + " encoding is not supported");
            const auto plainBytes =
                decompress(chunk.codec, page, pageSize, std::size_t(h.uncompressedSize), m_path, what);
            if (uint64_t(h.numValues) > uint64_t(plainBytes.size()) * 8 + 8)
                dec.fail("dictionary claims more values than its page holds");
            dec.plain(plainBytes.data(), plainBytes.size(), std::size_t(h.numValues), dict);
            haveDict = true;
            ++out.dictionaryPages;
            continue;
        }
        if (h.type != DataPage && h.type != DataPageV2) continue; // index pages and unknown kinds carry no values
        if (h.numValues < 0 || uint64_t(h.numValues) > entries - done)
            dec.fail("page holds " + std::to_string(h.numValues) + " values where " + std::to_string(entries - done) +
                     " remain");
        const std::size_t count = std::size_t(h.numValues);
        ++(h.type == DataPage ? out.dataPagesV1 : out.dataPagesV2);
        if (std::find(out.encodings.begin(), out.encodings.end(), encodingName(h.encoding)) == out.encodings.end())
            out.encodings.push_back(encodingName(h.encoding));
        Values vals;
        const uint8_t* p = nullptr;
        std::size_t n = 0;
        std::vector<uint8_t> bytes;
        if (h.type == DataPage) {
            bytes = decompress(chunk.codec, page, pageSize, std::size_t(h.uncompressedSize), m_path, what);
            p = bytes.data();
            n = bytes.size();
            // v1: repetition levels, then definition levels, each behind its 4-byte length.
            auto levelBlock = [&](int maxLevel, const char* kind, std::vector<uint32_t>& out) {
                out.clear();
                if (maxLevel == 0) return;
                if (h.defLevelEncoding != Rle)
                    dec.fail(std::string(kind) + " levels in the " + encodingName(h.defLevelEncoding) +
                             " encoding are not supported");
                if (n < 4) dec.fail(std::string(kind) + " levels are truncated");
                uint32_t len;
                std::memcpy(&len, p, 4);
                if (len > n - 4) dec.fail(std::string(kind) + " levels run past the page");
                dec.levels(p + 4, len, count, maxLevel, kind, out);
                p += 4 + len;
                n -= 4 + len;
            };
            levelBlock(info.maxRepetitionLevel, "repetition", reps);
            levelBlock(info.maxDefinitionLevel, "definition", defs);
        } else {
            if (h.repLevelsLength < 0 || h.defLevelsLength < 0 ||
                uint64_t(h.repLevelsLength) + uint64_t(h.defLevelsLength) > pageSize ||
                uint64_t(h.repLevelsLength) + uint64_t(h.defLevelsLength) > uint64_t(h.uncompressedSize))
                dec.fail("level lengths do not fit in the page");
            const std::size_t levelBytes = std::size_t(h.repLevelsLength + h.defLevelsLength);
            dec.levels(page, std::size_t(h.repLevelsLength), count, info.maxRepetitionLevel, "repetition", reps);
            dec.levels(page + h.repLevelsLength, std::size_t(h.defLevelsLength), count, info.maxDefinitionLevel,
                       "definition", defs);
            const std::size_t valueSize = std::size_t(h.uncompressedSize) - levelBytes;
            if (h.isCompressed)
                bytes = decompress(chunk.codec, page + levelBytes, pageSize - levelBytes, valueSize, m_path, what);
            else if (pageSize - levelBytes != valueSize)
                dec.fail("uncompressed values differ in size from the page header");
            else bytes.assign(page + levelBytes, page + pageSize);
            p = bytes.data();
            n = bytes.size();
        }
        std::size_t present = count;
        if (info.maxDefinitionLevel > 0)
            present = std::size_t(std::count(defs.begin(), defs.end(), uint32_t(info.maxDefinitionLevel)));
        dec.values(h.encoding, p, n, present, haveDict ? &dict : nullptr, dictionarySize(dict), vals);
        if (dictionarySize(vals) != present && present > 0)
            dec.fail("page holds " + std::to_string(dictionarySize(vals)) + " values for " + std::to_string(present) +
                     " non-null rows");

        std::size_t k = 0;
        auto pushValue = [&](bool v) {
            switch (info.type) {
            case ParquetType::Boolean:
            case ParquetType::Int32:
            case ParquetType::Int64: out.ints.push_back(v ? vals.ints[k] : 0); break;
            case ParquetType::Float:
            case ParquetType::Double: out.reals.push_back(v ? vals.reals[k] : 0.0); break;
            default: out.bytes.push_back(v ? std::move(vals.bytes[k]) : std::string()); break;
            }
            k += v;
        };
        for (std::size_t i = 0; i < count; ++i) {
            const uint32_t def = info.maxDefinitionLevel > 0 ? defs[i] : 0;
            const bool v = def == uint32_t(info.maxDefinitionLevel);
            if (!repeated) {
                out.valid.push_back(v);
                pushValue(v);
                continue;
            }
            // A list: repetition level 0 starts a row; below the repeated field's definition level the
            // row has no elements (an empty list one level below it, a null list further down).
            if (reps[i] == 0) {
                if (out.valid.size() == rows)
                    dec.fail("holds more than the row group's " + std::to_string(rows) + " rows");
                out.offsets.push_back(elements);
                out.valid.push_back(def + 1 >= uint32_t(info.repeatedDefinitionLevel));
                if (def < uint32_t(info.repeatedDefinitionLevel)) continue;
            } else if (out.valid.empty() || def < uint32_t(info.repeatedDefinitionLevel)) {
                dec.fail("list levels are inconsistent (an element continues no list)");
            }
            out.elementValid.push_back(v);
            pushValue(v);
            ++elements;
        }
        done += count;
    }
    if (repeated) {
        if (out.valid.size() != rows)
            dec.fail("holds " + std::to_string(out.valid.size()) + " lists for " + std::to_string(rows) + " rows");
        out.offsets.push_back(elements);
    }
    return out;
}

} // namespace captioner
