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

    // Definition levels -> validity; returns the number of non-null values.
    std::size_t levels(const uint8_t* p, std::size_t n, std::size_t count, std::vector<uint8_t>& valid) const {
        valid.assign(count, 1);
        if (m_info.maxDefinitionLevel == 0) return count;
        std::vector<uint32_t> defs;
        if (!decodeHybrid(p, n, bitWidthFor(m_info.maxDefinitionLevel), count, defs))
            fail("definition levels are truncated");
        std::size_t present = 0;
        for (std::size_t i = 0; i < count; ++i) {
            if (defs[i] > uint32_t(m_info.maxDefinitionLevel))
                fail("definition level " + std::to_string(defs[i]) + " is out of range");
            valid[i] = defs[i] == uint32_t(m_info.maxDefinitionLevel);
            present += valid[i];
        }
        return present;
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
        fail("the " + encodingName(encoding) + " encoding is not supported");
    }

private:
    const std::string& m_file;
    const ParquetColumnInfo& m_info;
    std::string m_where;
};

std::size_t dictionarySize(const Values& v) { return std::max({v.ints.size(), v.reals.size(), v.bytes.size()}); }

} // namespace

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
    Values dict;
    bool haveDict = false;
    std::size_t pos = 0, done = 0;
    std::vector<uint8_t> valid;
    while (done < rows) {
        if (pos >= data.size())
            dec.fail("column chunk ends after " + std::to_string(done) + " of " + std::to_string(rows) + " values");
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
        if (h.numValues < 0 || uint64_t(h.numValues) > rows - done)
            dec.fail("page holds " + std::to_string(h.numValues) + " values where " + std::to_string(rows - done) +
                     " remain");
        const std::size_t count = std::size_t(h.numValues);
        std::size_t present = 0;
        ++(h.type == DataPage ? out.dataPagesV1 : out.dataPagesV2);
        if (std::find(out.encodings.begin(), out.encodings.end(), encodingName(h.encoding)) == out.encodings.end())
            out.encodings.push_back(encodingName(h.encoding));
        Values vals;
        if (h.type == DataPage) {
            const auto bytes = decompress(chunk.codec, page, pageSize, std::size_t(h.uncompressedSize), m_path, what);
            const uint8_t* p = bytes.data();
            std::size_t n = bytes.size();
            if (info.maxDefinitionLevel > 0) {
                if (h.defLevelEncoding != Rle)
                    dec.fail("definition levels in the " + encodingName(h.defLevelEncoding) +
                             " encoding are not supported");
                if (n < 4) dec.fail("definition levels are truncated");
                uint32_t len;
                std::memcpy(&len, p, 4);
                if (len > n - 4) dec.fail("definition levels run past the page");
                present = dec.levels(p + 4, len, count, valid);
                p += 4 + len;
                n -= 4 + len;
            } else {
                present = dec.levels(nullptr, 0, count, valid);
            }
            dec.values(h.encoding, p, n, present, haveDict ? &dict : nullptr, dictionarySize(dict), vals);
        } else {
            if (h.repLevelsLength < 0 || h.defLevelsLength < 0 ||
                uint64_t(h.repLevelsLength) + uint64_t(h.defLevelsLength) > pageSize ||
                uint64_t(h.repLevelsLength) + uint64_t(h.defLevelsLength) > uint64_t(h.uncompressedSize))
                dec.fail("level lengths do not fit in the page");
            const std::size_t levelBytes = std::size_t(h.repLevelsLength + h.defLevelsLength);
            present = dec.levels(page + h.repLevelsLength, std::size_t(h.defLevelsLength), count, valid);
            const std::size_t valueSize = std::size_t(h.uncompressedSize) - levelBytes;
            std::vector<uint8_t> bytes;
            if (h.isCompressed)
                bytes = decompress(chunk.codec, page + levelBytes, pageSize - levelBytes, valueSize, m_path, what);
            else if (pageSize - levelBytes != valueSize)
                dec.fail("uncompressed values differ in size from the page header");
            else bytes.assign(page + levelBytes, page + pageSize);
            dec.values(h.encoding, bytes.data(), bytes.size(), present, haveDict ? &dict : nullptr,
                       dictionarySize(dict), vals);
        }
        if (dictionarySize(vals) != present && present > 0)
            dec.fail("page holds " + std::to_string(dictionarySize(vals)) + " values for " + std::to_string(present) +
                     " non-null rows");

        std::size_t k = 0;
        for (std::size_t i = 0; i < count; ++i) {
            out.valid.push_back(valid[i]);
            const bool v = valid[i] != 0;
            switch (info.type) {
            case ParquetType::Boolean:
            case ParquetType::Int32:
            case ParquetType::Int64: out.ints.push_back(v ? vals.ints[k] : 0); break;
            case ParquetType::Float:
            case ParquetType::Double: out.reals.push_back(v ? vals.reals[k] : 0.0); break;
            default: out.bytes.push_back(v ? std::move(vals.bytes[k]) : std::string()); break;
            }
            k += v;
        }
        done += count;
    }
    return out;
}

} // namespace captioner
