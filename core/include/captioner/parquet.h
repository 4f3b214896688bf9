#pragma once
// A read-only Parquet reader for the files the Hugging Face Hub serves: flat and struct columns
// (e.g. `image` struct{bytes, path} + `text`), lists of one level (`caption: list<string>`, in the
// standard 3-level LIST layout or the legacy 2-level ones), optional values with nulls, data pages v1
// and v2, the PLAIN, dictionary, DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
// BYTE_STREAM_SPLIT encodings, and the UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, LZ4 (Hadoop framing
// or a bare block) and BROTLI codecs. Anything else (lists of lists, LZO, INT96, encryption) is
// reported by name: a column we cannot read says why in ParquetColumnInfo::unsupported and readColumn
// throws that reason; the rest of the file stays readable.
//
// Every size and offset in the file is checked before use, so a truncated or hostile file gives a
// captioner::Error naming the file and the problem, never a crash or a huge allocation. A ParquetFile
// holds only the footer; readColumn opens the file, so const calls are safe from several threads.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace captioner {

enum class ParquetType { Boolean, Int32, Int64, Int96, Float, Double, ByteArray, FixedLenByteArray };
std::string parquetTypeName(ParquetType type); // "BOOLEAN", "INT32", ... as in the Parquet spec

struct ParquetColumnInfo {
    std::string path;               // leaf path joined with '.', e.g. "image.bytes"
    std::vector<std::string> parts; // the same path, one name per level
    ParquetType type = ParquetType::ByteArray;
    int typeLength = 0;    // FIXED_LEN_BYTE_ARRAY width
    bool isString = false; // BYTE_ARRAY annotated as UTF-8 text (STRING/UTF8/JSON/ENUM)
    int maxDefinitionLevel = 0;
    int maxRepetitionLevel = 0;
    // For a list column (maxRepetitionLevel 1): the definition level of its repeated field. A row whose
    // level is below it has no elements: an empty list at repeatedDefinitionLevel - 1, null below that.
    int repeatedDefinitionLevel = 0;
    std::string unsupported; // why this column cannot be read; "" when it can
};

// One column of one row group, one entry per row. Integers (BOOLEAN, INT32, INT64) are in `ints`,
// FLOAT and DOUBLE in `reals`, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY in `bytes`; null rows hold 0 / "".
// A list column (`repeated`) has one entry per list element instead: row i's elements are
// [offsets[i], offsets[i + 1]) of `elementValid` and the value vectors; valid[i] = 0 for a null list.
struct ParquetColumnData {
    ParquetType type = ParquetType::ByteArray;
    std::vector<uint8_t> valid; // 1 = a value, 0 = null
    std::vector<int64_t> ints;
    std::vector<double> reals;
    std::vector<std::string> bytes;
    bool repeated = false;
    std::vector<std::size_t> offsets;  // repeated only: size() + 1 entries
    std::vector<uint8_t> elementValid; // repeated only: 1 = a value, 0 = a null element
    // Pages met in the chunk, by kind, and the value encodings used by its data pages.
    int dictionaryPages = 0, dataPagesV1 = 0, dataPagesV2 = 0;
    std::vector<std::string> encodings;
    std::size_t size() const { return valid.size(); }
    bool isNull(std::size_t row) const { return !valid[row]; }
    // Repeated only: the non-null BYTE_ARRAY elements of row i, in order (none for a null list).
    std::vector<std::string> stringsOf(std::size_t row) const;
};

// Limits that keep hostile files from asking for absurd memory; real files stay far below them.
constexpr std::int64_t kParquetMaxRowsPerGroup = std::int64_t(1) << 24;
constexpr std::uint64_t kParquetMaxFooterBytes = std::uint64_t(64) << 20;
constexpr std::uint64_t kParquetMaxPageBytes = std::uint64_t(1) << 30;
// Values a DELTA_BYTE_ARRAY page may rebuild from shared prefixes (a few bytes can ask for a lot).
constexpr std::uint64_t kParquetMaxDecodedPageBytes = std::uint64_t(1) << 28;

class ParquetFile {
public:
    // Reads and checks the footer. Throws Error(path, reason) for a missing file, bad magic,
    // a truncated or corrupt footer, encryption, or offsets outside the file.
    static ParquetFile open(const std::string& path);

    const std::string& path() const { return m_path; }
    std::int64_t numRows() const { return m_numRows; }
    std::size_t numRowGroups() const { return m_rowGroups.size(); }
    std::int64_t rowGroupRows(std::size_t rowGroup) const { return m_rowGroups.at(rowGroup).numRows; }
    std::int64_t rowGroupFirstRow(std::size_t rowGroup) const { return m_rowGroups.at(rowGroup).firstRow; }
    std::size_t rowGroupOf(std::int64_t row) const; // throws Error when row is out of range
    const std::vector<ParquetColumnInfo>& columns() const { return m_columns; }
    int findColumn(const std::string& path) const; // index into columns(), -1 when absent
    // Top-level field names in schema order (a struct counts once).
    const std::vector<std::string>& topLevelFields() const { return m_topLevel; }
    const std::string& createdBy() const { return m_createdBy; }
    std::string codecName(std::size_t rowGroup, std::size_t column) const;

    // Decodes one column chunk. Throws Error naming the file, the column and the row group.
    ParquetColumnData readColumn(std::size_t rowGroup, std::size_t column) const;

    struct Chunk {
        int codec = 0;
        std::int64_t numValues = 0;
        std::int64_t start = 0;  // first page (the dictionary page when there is one)
        std::int64_t length = 0; // total compressed bytes of all pages with their headers
        std::vector<int> encodings;
        std::string unsupported;
    };
    struct RowGroup {
        std::int64_t numRows = 0;
        std::int64_t firstRow = 0;
        std::vector<Chunk> chunks; // one per column, in columns() order
    };

private:
    std::string m_path;
    std::int64_t m_numRows = 0;
    std::int64_t m_fileSize = 0;
    std::vector<ParquetColumnInfo> m_columns;
    std::vector<std::string> m_topLevel;
    std::vector<RowGroup> m_rowGroups;
    std::string m_createdBy;
};

} // namespace captioner
