// ParquetFile::open: the footer (FileMetaData) and its schema, checked before anything trusts it.
#include "captioner/parquet.h"

#include "captioner/error.h"
#include "data/parquet/parquet_format.h"
#include "data/parquet/thrift_compact.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace captioner {
namespace {

using parquet::ThriftReader;
using parquet::ThriftType;

struct SchemaElement {
    int type = -1;
    int typeLength = 0;
    int repetition = 0; // REQUIRED
    std::string name;
    int numChildren = -1;
    int convertedType = -1;
    int logicalType = -1; // the LogicalType union's member id
};

SchemaElement readSchemaElement(ThriftReader& r) {
    SchemaElement e;
    int16_t id;
    ThriftType t;
    r.beginStruct();
    while (r.nextField(id, t)) {
        if (id == 1 && t == ThriftType::I32) e.type = r.readI32();
        else if (id == 2 && t == ThriftType::I32) e.typeLength = r.readI32();
        else if (id == 3 && t == ThriftType::I32) e.repetition = r.readI32();
        else if (id == 4 && t == ThriftType::Binary) e.name = r.readBinary(1 << 16);
        else if (id == 5 && t == ThriftType::I32) e.numChildren = r.readI32();
        else if (id == 6 && t == ThriftType::I32) e.convertedType = r.readI32();
        else if (id == 10 && t == ThriftType::Struct) {
            r.beginStruct();
            int16_t member;
            ThriftType mt;
            while (r.nextField(member, mt)) {
                e.logicalType = member;
                r.skip(mt);
            }
            r.endStruct();
        } else r.skip(t);
    }
    r.endStruct();
    return e;
}

std::vector<std::string> readStringList(ThriftReader& r) {
    ThriftType et;
    const std::size_t n = r.readListHeader(et);
    if (et != ThriftType::Binary) r.fail("expected a list of strings");
    std::vector<std::string> v;
    for (std::size_t i = 0; i < n; ++i) v.push_back(r.readBinary(1 << 16));
    return v;
}

struct RawChunk {
    std::vector<std::string> path;
    int type = -1, codec = 0;
    std::vector<int> encodings;
    int64_t numValues = -1, compressedSize = -1, dataPageOffset = -1, dictionaryPageOffset = -1;
    bool external = false, encrypted = false, hasMeta = false;
};

RawChunk readColumnChunk(ThriftReader& r) {
    RawChunk c;
    int16_t id;
    ThriftType t;
    r.beginStruct();
    while (r.nextField(id, t)) {
        if (id == 1 && t == ThriftType::Binary) c.external = !r.readBinary().empty();
        else if ((id == 8 || id == 9) && t != ThriftType::Stop) {
            c.encrypted = true;
            r.skip(t);
        } else if (id == 3 && t == ThriftType::Struct) {
            c.hasMeta = true;
            r.beginStruct();
            int16_t f;
            ThriftType ft;
            while (r.nextField(f, ft)) {
                if (f == 1 && ft == ThriftType::I32) c.type = r.readI32();
                else if (f == 2 && ft == ThriftType::List) {
                    ThriftType et;
                    const std::size_t n = r.readListHeader(et);
                    if (et != ThriftType::I32) r.fail("expected a list of encodings");
                    for (std::size_t i = 0; i < n; ++i) c.encodings.push_back(r.readI32());
                } else if (f == 3 && ft == ThriftType::List) c.path = readStringList(r);
                else if (f == 4 && ft == ThriftType::I32) c.codec = r.readI32();
                else if (f == 5 && ft == ThriftType::I64) c.numValues = r.readI64();
                else if (f == 7 && ft == ThriftType::I64) c.compressedSize = r.readI64();
                else if (f == 9 && ft == ThriftType::I64) c.dataPageOffset = r.readI64();
                else if (f == 11 && ft == ThriftType::I64) c.dictionaryPageOffset = r.readI64();
                else r.skip(ft);
            }
            r.endStruct();
        } else r.skip(t);
    }
    r.endStruct();
    return c;
}

struct Flattener {
    const std::vector<SchemaElement>& elements;
    std::vector<ParquetColumnInfo>& columns;
    ThriftReader& r;
    std::size_t next = 1;

    void walk(std::vector<std::string>& path, int def, int rep, int repDef, int depth) {
        if (depth > 32) r.fail("schema nested more than 32 levels deep");
        if (next >= elements.size()) r.fail("schema lists fewer elements than its groups claim");
        const SchemaElement& e = elements[next++];
        if (e.repetition == 1) ++def;
        if (e.repetition == 2) {
            ++def;
            if (++rep == 1) repDef = def;
        }
        path.push_back(e.name);
        if (e.numChildren > 0) {
            for (int i = 0; i < e.numChildren; ++i) walk(path, def, rep, repDef, depth + 1);
        } else if (e.numChildren < 0 || e.type >= 0) {
            ParquetColumnInfo c;
            c.parts = path;
            for (std::size_t i = 0; i < path.size(); ++i) c.path += (i ? "." : "") + path[i];
            if (e.type < 0 || e.type > 7) r.fail("column " + c.path + " has no valid physical type");
            c.type = ParquetType(e.type);
            c.typeLength = e.typeLength;
            c.isString = c.type == ParquetType::ByteArray &&
                         (e.convertedType == 0 || e.convertedType == 4 || e.convertedType == 19 || e.logicalType == 1 ||
                          e.logicalType == 4 || e.logicalType == 12);
            c.maxDefinitionLevel = def;
            c.maxRepetitionLevel = rep;
            c.repeatedDefinitionLevel = repDef;
            if (rep > 1)
                c.unsupported = "column " + c.path + " is a list of lists (" + std::to_string(rep) +
                                " repetition levels), which is not supported";
            else if (c.type == ParquetType::Int96)
                c.unsupported = "column " + c.path + " has type INT96, which is not supported";
            else if (c.type == ParquetType::FixedLenByteArray && (e.typeLength <= 0 || e.typeLength > (1 << 20)))
                r.fail("column " + c.path + " has an invalid fixed length " + std::to_string(e.typeLength));
            columns.push_back(std::move(c));
        }
        path.pop_back();
    }
};

} // namespace

std::string parquetTypeName(ParquetType type) {
    static const char* const names[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                        "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return names[int(type)];
}

ParquetFile ParquetFile::open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error(path, errno == ENOENT ? "file not found" : std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    std::vector<uint8_t> footer;
    uint8_t head[4] = {}, tail[8] = {};
    auto readAt = [&](void* buf, std::size_t n, int64_t at) {
        std::size_t done = 0;
        while (done < n) {
            const ssize_t got = ::pread(fd, static_cast<uint8_t*>(buf) + done, n - done, off_t(at + int64_t(done)));
            if (got <= 0) return false;
            done += std::size_t(got);
        }
        return true;
    };
    bool ok = ::fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode);
    const int64_t size = ok ? int64_t(st.st_size) : 0;
    std::string problem;
    if (!ok) problem = S_ISDIR(st.st_mode) ? "is a folder, not a Parquet file" : "cannot read file size";
    else if (size < 12) problem = "not a Parquet file: only " + std::to_string(size) + " bytes (truncated?)";
    else if (!readAt(head, 4, 0) || !readAt(tail, 8, size - 8)) problem = "read error";
    else if (std::memcmp(tail + 4, "PARE", 4) == 0) problem = "encrypted Parquet files are not supported";
    else if (std::memcmp(head, "PAR1", 4) != 0) problem = "not a Parquet file (no PAR1 magic at the start)";
    else if (std::memcmp(tail + 4, "PAR1", 4) != 0)
        problem = "no PAR1 magic at the end: the file is truncated or not Parquet";
    if (problem.empty()) {
        const uint32_t len =
            uint32_t(tail[0]) | uint32_t(tail[1]) << 8 | uint32_t(tail[2]) << 16 | uint32_t(tail[3]) << 24;
        if (int64_t(len) > size - 12)
            problem = "footer length " + std::to_string(len) + " is larger than the file (truncated?)";
        else if (len > kParquetMaxFooterBytes)
            problem = "footer of " + std::to_string(len) + " bytes is implausibly large";
        else {
            footer.resize(len);
            if (!readAt(footer.data(), len, size - 8 - int64_t(len))) problem = "read error";
        }
    }
    ::close(fd);
    if (!problem.empty()) throw Error(path, problem);

    ParquetFile f;
    f.m_path = path;
    f.m_fileSize = size;
    const int64_t dataEnd = size - 8 - int64_t(footer.size());
    ThriftReader r(footer.data(), footer.size(), f.m_path, "footer");
    std::vector<SchemaElement> schema;
    std::vector<std::vector<RawChunk>> groups;
    std::vector<int64_t> groupRows;
    bool haveRows = false;
    int16_t id;
    ThriftType t;
    r.beginStruct();
    while (r.nextField(id, t)) {
        if (id == 2 && t == ThriftType::List) {
            ThriftType et;
            const std::size_t n = r.readListHeader(et);
            if (et != ThriftType::Struct) r.fail("schema is not a list of elements");
            for (std::size_t i = 0; i < n; ++i) schema.push_back(readSchemaElement(r));
        } else if (id == 3 && t == ThriftType::I64) {
            f.m_numRows = r.readI64();
            haveRows = true;
        } else if (id == 4 && t == ThriftType::List) {
            ThriftType et;
            const std::size_t n = r.readListHeader(et);
            if (et != ThriftType::Struct) r.fail("row groups are not a list of structures");
            for (std::size_t g = 0; g < n; ++g) {
                groups.emplace_back();
                groupRows.push_back(-1);
                r.beginStruct();
                int16_t gf;
                ThriftType gt;
                while (r.nextField(gf, gt)) {
                    if (gf == 1 && gt == ThriftType::List) {
                        ThriftType ct;
                        const std::size_t nc = r.readListHeader(ct);
                        if (ct != ThriftType::Struct) r.fail("column chunks are not a list of structures");
                        for (std::size_t c = 0; c < nc; ++c) groups.back().push_back(readColumnChunk(r));
                    } else if (gf == 3 && gt == ThriftType::I64) groupRows.back() = r.readI64();
                    else r.skip(gt);
                }
                r.endStruct();
            }
        } else if (id == 6 && t == ThriftType::Binary) {
            f.m_createdBy = r.readBinary(1 << 16);
        } else if (id == 8 && t == ThriftType::Struct) {
            throw Error(path, "encrypted Parquet files are not supported");
        } else {
            r.skip(t);
        }
    }
    r.endStruct();

    if (schema.empty() || !haveRows) throw Error(path, "corrupt Parquet footer: no schema or row count");
    if (schema[0].numChildren < 0) throw Error(path, "corrupt Parquet footer: the schema root has no children count");
    Flattener flat{schema, f.m_columns, r};
    std::vector<std::string> names;
    for (int i = 0; i < schema[0].numChildren; ++i) {
        f.m_topLevel.push_back(flat.next < schema.size() ? schema[flat.next].name : "");
        flat.walk(names, 0, 0, 0, 0);
    }
    if (flat.next != schema.size()) throw Error(path, "corrupt Parquet footer: schema has elements outside its root");

    int64_t firstRow = 0;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        const std::string where = "row group " + std::to_string(g);
        const int64_t rows = groupRows[g];
        if (rows < 0) throw Error(path, "corrupt Parquet footer: " + where + " has no valid row count");
        if (rows > kParquetMaxRowsPerGroup)
            throw Error(path, where + " claims " + std::to_string(rows) + " rows, over the limit of " +
                                  std::to_string(kParquetMaxRowsPerGroup));
        if (groups[g].size() != f.m_columns.size())
            throw Error(path, "corrupt Parquet footer: " + where + " has " + std::to_string(groups[g].size()) +
                                  " column chunks for " + std::to_string(f.m_columns.size()) + " columns");
        RowGroup rg;
        rg.numRows = rows;
        rg.firstRow = firstRow;
        firstRow += rows;
        for (std::size_t c = 0; c < groups[g].size(); ++c) {
            const RawChunk& raw = groups[g][c];
            ParquetColumnInfo& info = f.m_columns[c];
            const std::string col = "column " + info.path + " in " + where;
            Chunk chunk;
            if (raw.encrypted) chunk.unsupported = col + " is encrypted, which is not supported";
            else if (raw.external) chunk.unsupported = col + " is stored in another file, which is not supported";
            else if (!raw.hasMeta) throw Error(path, "corrupt Parquet footer: " + col + " has no metadata");
            if (chunk.unsupported.empty()) {
                if (raw.path != info.parts)
                    throw Error(path, "corrupt Parquet footer: " + col + " names another column path");
                if (raw.type != int(info.type))
                    throw Error(path, "corrupt Parquet footer: " + col + " has another type than its schema");
                chunk.codec = raw.codec;
                chunk.numValues = raw.numValues;
                chunk.encodings = raw.encodings;
                chunk.start = raw.dataPageOffset;
                if (raw.dictionaryPageOffset > 0 && raw.dictionaryPageOffset < raw.dataPageOffset)
                    chunk.start = raw.dictionaryPageOffset;
                chunk.length = raw.compressedSize;
                if (rows == 0 && raw.numValues == 0) {
                    // An empty row group holds nothing to read; Arrow C++ 17 wrote data page offset 0 there
                    // (parquet-testing's column_chunk_key_value_metadata.parquet).
                    chunk.start = 4;
                    chunk.length = 0;
                } else if (chunk.start < 4 || chunk.length < 0 || chunk.start > dataEnd ||
                           chunk.length > dataEnd - chunk.start)
                    throw Error(path, col + " lies outside the file (offset " + std::to_string(chunk.start) + ", " +
                                          std::to_string(chunk.length) + " bytes; data ends at " +
                                          std::to_string(dataEnd) + ")");
                if (info.maxRepetitionLevel == 0 && raw.numValues != rows)
                    throw Error(path, "corrupt Parquet footer: " + col + " has " + std::to_string(raw.numValues) +
                                          " values for " + std::to_string(rows) + " rows");
                if (!parquet::codecSupported(raw.codec))
                    chunk.unsupported =
                        col + " uses " + parquet::codecName(raw.codec) +
                        " compression, which is not supported (supported: " + parquet::supportedCodecs() + ")";
                for (int e : raw.encodings)
                    if (chunk.unsupported.empty() && !parquet::encodingSupported(e))
                        chunk.unsupported =
                            col + " uses the " + parquet::encodingName(e) + " encoding, which is not supported";
            }
            if (info.unsupported.empty() && !chunk.unsupported.empty()) info.unsupported = chunk.unsupported;
            rg.chunks.push_back(std::move(chunk));
        }
        f.m_rowGroups.push_back(std::move(rg));
    }
    // parquet-rs 0.3 wrote 0 here whatever its row groups held (parquet-testing's
    // repeated_no_annotation.parquet); the row groups' own counts are what the pages are checked against.
    if (f.m_numRows == 0 && firstRow > 0) f.m_numRows = firstRow;
    if (firstRow != f.m_numRows)
        throw Error(path, "corrupt Parquet footer: the row groups hold " + std::to_string(firstRow) +
                              " rows, the file claims " + std::to_string(f.m_numRows));
    return f;
}

std::size_t ParquetFile::rowGroupOf(std::int64_t row) const {
    if (row < 0 || row >= m_numRows)
        throw Error(m_path, "row " + std::to_string(row) + " does not exist (" + std::to_string(m_numRows) + " rows)");
    std::size_t lo = 0, hi = m_rowGroups.size();
    while (hi - lo > 1) {
        const std::size_t mid = (lo + hi) / 2;
        if (m_rowGroups[mid].firstRow <= row) lo = mid;
        else hi = mid;
    }
    while (lo + 1 < m_rowGroups.size() && m_rowGroups[lo].numRows == 0) ++lo;
    return lo;
}

int ParquetFile::findColumn(const std::string& path) const {
    for (std::size_t i = 0; i < m_columns.size(); ++i)
        if (m_columns[i].path == path) return int(i);
    return -1;
}

std::string ParquetFile::codecName(std::size_t rowGroup, std::size_t column) const {
    return parquet::codecName(m_rowGroups.at(rowGroup).chunks.at(column).codec);
}

} // namespace captioner
