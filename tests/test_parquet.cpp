// Parquet: every fixture (written by arrow-rs via parquet-wasm, see fixtures/parquet/README.md) read
// row by row against expected.json; files with what we once refused read exactly; truncated, corrupted and
// hand-made hostile files give exact errors (and never anything but captioner::Error); the dataset
// layout (one file, a Hub repo folder of shards), images decoded from rows, thumbnails, the batch
// loader, convert to imagefolder, the refused write-back, and `captioner dataset X.parquet --json`.
// Lists, DELTA_* / BYTE_STREAM_SPLIT and LZ4/BROTLI: apache/parquet-testing's files against their
// expectations, and Hub-shaped list-caption files from pyarrow and DuckDB (fixtures/parquet/lists).
#include "cli_run.h"
#include "test_support.h"

#include <captioner/batch_loader.h>
#include <captioner/dataset.h>
#include <captioner/dataset_report.h>
#include <captioner/error.h>
#include <captioner/image_io.h>
#include <captioner/image_source.h>
#include <captioner/parquet.h>
#include <captioner/runtime.h>
#include <captioner/thumbnail_cache.h>
#include <captioner/tokenizer.h>

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <set>
#include <sstream>

using namespace captioner;
using nlohmann::json;

// Failed string comparisons print both strings.
namespace QTest {
template <> char* toString(const std::string& s) { return qstrdup(s.c_str()); }
template <> char* toString(const json& j) { return qstrdup(j.dump().c_str()); }
} // namespace QTest

namespace {

std::string pq(const std::string& name) { return testsupport::fixture("parquet/" + name); }

std::string sha256(const std::string& bytes) {
    return QCryptographicHash::hash(QByteArray::fromStdString(bytes), QCryptographicHash::Sha256).toHex().toStdString();
}

// Every row of one column, across row groups, as JSON (null, number, bool or string).
std::vector<json> columnJson(const ParquetFile& f, const std::string& path, bool hashBytes = false) {
    const int c = f.findColumn(path);
    if (c < 0) throw std::runtime_error("no column " + path);
    std::vector<json> out;
    for (std::size_t g = 0; g < f.numRowGroups(); ++g) {
        const ParquetColumnData d = f.readColumn(g, std::size_t(c));
        for (std::size_t i = 0; i < d.size(); ++i) {
            if (d.isNull(i)) out.push_back(nullptr);
            else if (d.type == ParquetType::Boolean) out.push_back(d.ints[i] != 0);
            else if (!d.ints.empty()) out.push_back(d.ints[i]);
            else if (!d.reals.empty()) out.push_back(d.reals[i]);
            else out.push_back(hashBytes ? sha256(d.bytes[i]) : d.bytes[i]);
        }
    }
    return out;
}

// Every row of one column as JSON, lists as arrays (null elements as null), NaN as "NaN".
std::vector<json> valuesJson(const ParquetFile& f, const std::string& path) {
    const int c = f.findColumn(path);
    if (c < 0) throw std::runtime_error("no column " + path);
    std::vector<json> out;
    for (std::size_t g = 0; g < f.numRowGroups(); ++g) {
        const ParquetColumnData d = f.readColumn(g, std::size_t(c));
        auto value = [&](std::size_t i) -> json {
            if (d.type == ParquetType::Boolean) return d.ints[i] != 0;
            if (!d.ints.empty()) return d.ints[i];
            if (!d.reals.empty()) return std::isnan(d.reals[i]) ? json("NaN") : json(d.reals[i]);
            return d.bytes[i];
        };
        for (std::size_t i = 0; i < d.size(); ++i) {
            if (d.isNull(i)) out.push_back(nullptr);
            else if (!d.repeated) out.push_back(value(i));
            else {
                json list = json::array();
                for (std::size_t e = d.offsets[i]; e < d.offsets[i + 1]; ++e)
                    list.push_back(d.elementValid[e] ? value(e) : json(nullptr));
                out.push_back(list);
            }
        }
    }
    return out;
}

// One CSV line split into cells: "quoted" cells (with "" for a quote) are strings, bare empty cells null.
std::vector<json> csvCells(const std::string& line) {
    std::vector<json> cells;
    std::size_t i = 0;
    for (;;) {
        if (i < line.size() && line[i] == '"') {
            std::string v;
            for (++i; i < line.size(); ++i) {
                if (line[i] == '"' && i + 1 < line.size() && line[i + 1] == '"') v += line[++i];
                else if (line[i] == '"') break;
                else v += line[i];
            }
            ++i;
            cells.push_back(v);
        } else {
            const std::size_t end = std::min(line.find(',', i), line.size());
            const std::string v = line.substr(i, end - i);
            cells.push_back(v.empty() ? json(nullptr) : json(v));
            i = end;
        }
        if (i >= line.size()) break;
        ++i; // the comma
    }
    return cells;
}

std::string cellText(const json& v) { return v.is_null() ? "" : v.is_string() ? v.get<std::string>() : v.dump(); }

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

// A minimal Thrift compact writer, to hand-make hostile footers and page headers.
struct ThriftWriter {
    std::string s;
    std::vector<int> last{0};
    void varint(uint64_t v) {
        while (v >= 0x80) {
            s += char(0x80 | (v & 0x7f));
            v >>= 7;
        }
        s += char(v);
    }
    void zigzag(int64_t v) { varint((uint64_t(v) << 1) ^ uint64_t(v >> 63)); }
    void field(int id, int type) {
        const int delta = id - last.back();
        if (delta > 0 && delta <= 15) s += char(delta << 4 | type);
        else {
            s += char(type);
            zigzag(id);
        }
        last.back() = id;
    }
    void i32(int id, int64_t v) {
        field(id, 5);
        zigzag(v);
    }
    void i64(int id, int64_t v) {
        field(id, 6);
        zigzag(v);
    }
    void bin(int id, const std::string& b) {
        field(id, 8);
        varint(b.size());
        s += b;
    }
    void begin(int id) {
        field(id, 12);
        last.push_back(0);
    }
    void beginElement() { last.push_back(0); }
    void end() {
        s += char(0);
        last.pop_back();
    }
    void list(int id, int elementType, std::size_t n) {
        field(id, 9);
        if (n < 15) s += char(n << 4 | elementType);
        else {
            s += char(0xf0 | elementType);
            varint(n);
        }
    }
};

// One required INT32 column x = {7, -1, 42} in one PLAIN page, with every number overridable.
struct HandMade {
    int64_t numRows = 3, groupRows = 3, chunkValues = 3, dataOffset = 4, pageUncompressed = 12, pageCompressed = 12;
    int64_t pageValues = 3, numChildren = 1, chunkCompressed = -1;
    int codec = 0, encoding = 0;
    std::string values = std::string("\x07\0\0\0\xff\xff\xff\xff\x2a\0\0\0", 12);

    std::string bytes() const {
        ThriftWriter page;
        page.i32(1, 0);
        page.i32(2, pageUncompressed);
        page.i32(3, pageCompressed);
        page.begin(5);
        page.i32(1, pageValues);
        page.i32(2, encoding);
        page.i32(3, 3);
        page.i32(4, 3);
        page.end();
        page.s += char(0);
        const std::string chunk = page.s + values;
        ThriftWriter f;
        f.i32(1, 1);
        f.list(2, 12, 2);
        f.beginElement();
        f.bin(4, "schema");
        f.i32(5, numChildren);
        f.end();
        f.beginElement();
        f.i32(1, 1);
        f.i32(3, 0);
        f.bin(4, "x");
        f.end();
        f.i64(3, numRows);
        f.list(4, 12, 1);
        f.beginElement();
        f.list(1, 12, 1);
        f.beginElement();
        f.i64(2, 4);
        f.begin(3);
        f.i32(1, 1);
        f.list(2, 5, 1);
        f.zigzag(0);
        f.list(3, 8, 1);
        f.varint(1);
        f.s += "x";
        f.i32(4, codec);
        f.i64(5, chunkValues);
        f.i64(6, int64_t(chunk.size()));
        f.i64(7, chunkCompressed >= 0 ? chunkCompressed : int64_t(chunk.size()));
        f.i64(9, dataOffset);
        f.end();
        f.end();
        f.i64(2, 12);
        f.i64(3, groupRows);
        f.end();
        f.s += char(0);
        std::string file = "PAR1" + chunk + f.s;
        const uint32_t len = uint32_t(f.s.size());
        for (int i = 0; i < 4; ++i) file += char((len >> (8 * i)) & 0xff);
        return file + "PAR1";
    }
};

} // namespace

class TestParquet : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    json m_expected;

    std::string tmp(const std::string& name) const { return m_tmp.path().toStdString() + "/" + name; }

private slots:
    void initTestCase() {
        QVERIFY(m_tmp.isValid());
        m_expected = testsupport::readJson(pq("expected.json"));
    }

    void readsEveryFixture_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("dictionary");
        QTest::addColumn<int>("pageVersion");
        QTest::addColumn<QString>("codec");
        QTest::addColumn<int>("rowGroups");
        QTest::newRow("plain v1 uncompressed") << "plain_v1_uncompressed.parquet" << false << 1 << "UNCOMPRESSED" << 1;
        QTest::newRow("dict v1 snappy") << "dict_v1_snappy.parquet" << true << 1 << "SNAPPY" << 1;
        QTest::newRow("plain v1 gzip") << "plain_v1_gzip.parquet" << false << 1 << "GZIP" << 1;
        QTest::newRow("dict v2 zstd") << "dict_v2_zstd.parquet" << true << 2 << "ZSTD" << 1;
        QTest::newRow("plain v2 snappy") << "plain_v2_snappy.parquet" << false << 2 << "SNAPPY" << 1;
        QTest::newRow("dict v2 gzip") << "dict_v2_gzip.parquet" << true << 2 << "GZIP" << 1;
        QTest::newRow("plain v2 uncompressed") << "plain_v2_uncompressed.parquet" << false << 2 << "UNCOMPRESSED" << 1;
        QTest::newRow("nulls v1 snappy") << "nulls_types_v1_snappy.parquet" << true << 1 << "SNAPPY" << 1;
        QTest::newRow("nulls v2 plain zstd") << "nulls_types_v2_plain_zstd.parquet" << false << 2 << "ZSTD" << 1;
        QTest::newRow("row groups dict v1 zstd") << "row_groups_dict_v1_zstd.parquet" << true << 1 << "ZSTD" << 5;
        QTest::newRow("row groups plain v2 gzip") << "row_groups_plain_v2_gzip.parquet" << false << 2 << "GZIP" << 4;
        QTest::newRow("dictionary fallback") << "dict_fallback_v1_snappy.parquet" << true << 1 << "SNAPPY" << 1;
        QTest::newRow("hub shard") << "hub_repo/data/train-00000-of-00002.parquet" << true << 1 << "SNAPPY" << 1;
    }

    void readsEveryFixture() {
        QFETCH(QString, file);
        QFETCH(bool, dictionary);
        QFETCH(int, pageVersion);
        QFETCH(QString, codec);
        QFETCH(int, rowGroups);
        const std::string name = file.toStdString();
        const ParquetFile f = ParquetFile::open(pq(name));
        const json& rows = m_expected.at(name).at("rows");
        QCOMPARE(f.numRows(), int64_t(rows.size()));
        QCOMPARE(int(f.numRowGroups()), rowGroups);
        QCOMPARE(f.createdBy(), std::string("captioner fixtures (parquet-wasm 0.8.0)"));
        QCOMPARE(f.topLevelFields().at(0), std::string("image"));
        QCOMPARE(f.topLevelFields().at(1), std::string("text"));
        QCOMPARE(f.columns().at(0).path, std::string("image.bytes"));
        QCOMPARE(f.columns().at(0).maxDefinitionLevel, 2);
        QVERIFY(!f.columns().at(0).isString);
        QVERIFY(f.columns().at(1).isString);

        // The fixture exercises what its name says: pages, encodings and codec of the text column.
        const ParquetColumnData text0 = f.readColumn(0, std::size_t(f.findColumn("text")));
        QCOMPARE(f.codecName(0, std::size_t(f.findColumn("text"))), codec.toStdString());
        QCOMPARE(text0.dictionaryPages, dictionary ? 1 : 0);
        QCOMPARE(text0.encodings, std::vector<std::string>{dictionary ? "RLE_DICTIONARY" : "PLAIN"});
        QVERIFY(pageVersion == 1 ? text0.dataPagesV1 > 0 && text0.dataPagesV2 == 0
                                 : text0.dataPagesV2 > 0 && text0.dataPagesV1 == 0);
        if (rowGroups > 1 && !dictionary) { // dictionary pages hold the values, data pages tiny indices
            const ParquetColumnData images0 = f.readColumn(0, 0);
            QVERIFY2(images0.dataPagesV1 + images0.dataPagesV2 > 1, "expected several pages per chunk");
        }

        const auto hashes = columnJson(f, "image.bytes", true);
        const auto paths = columnJson(f, "image.path");
        const auto texts = columnJson(f, "text");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const json& e = rows[i];
            QCOMPARE(hashes[i], e.at("image_sha256"));
            QCOMPARE(paths[i], e.at("image_path"));
            QCOMPARE(texts[i], e.at("text"));
            for (const char* extra : {"id", "big", "flag", "score", "weight"})
                if (e.contains(extra)) QCOMPARE(columnJson(f, extra)[i], e.at(extra));
        }
        if (name == "dict_fallback_v1_snappy.parquet") {
            // One chunk: dictionary page, dictionary-coded pages, then PLAIN pages after the fallback.
            const ParquetColumnData images = f.readColumn(0, 0);
            QCOMPARE(images.dictionaryPages, 1);
            QCOMPARE(images.encodings, (std::vector<std::string>{"RLE_DICTIONARY", "PLAIN"}));
            QVERIFY(images.dataPagesV1 > 2);
        }
        if (name.rfind("nulls", 0) == 0) {
            QCOMPARE(f.columns().at(size_t(f.findColumn("id"))).maxDefinitionLevel, 0);
            QCOMPARE(columnJson(f, "flag"), (std::vector<json>{true, false, nullptr, false, true, false, nullptr}));
            QCOMPARE(columnJson(f, "weight")[1], json(10000000000.125));
        }
    }

    // Files with what this reader once refused (LZ4_RAW, BROTLI, DELTA_BINARY_PACKED, a list column) now
    // read exactly; tests/test_parquet_lists.cpp has the lists and encodings in depth.
    void onceRefusedFeaturesRead_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("codec");
        QTest::newRow("lz4 raw") << "refused_lz4.parquet"
                                 << "LZ4_RAW";
        QTest::newRow("brotli") << "refused_brotli.parquet"
                                << "BROTLI";
        QTest::newRow("delta") << "refused_delta.parquet"
                               << "UNCOMPRESSED";
        QTest::newRow("list") << "refused_list.parquet"
                              << "UNCOMPRESSED";
    }

    void onceRefusedFeaturesRead() {
        QFETCH(QString, file);
        QFETCH(QString, codec);
        const std::string name = file.toStdString();
        const ParquetFile f = ParquetFile::open(pq(name));
        for (const auto& c : f.columns()) QCOMPARE(c.unsupported, std::string());
        QCOMPARE(f.codecName(0, std::size_t(f.findColumn("text"))), codec.toStdString());
        const json& rows = m_expected.at(name).at("rows");
        const auto hashes = columnJson(f, "image.bytes", true);
        const auto texts = columnJson(f, "text");
        for (std::size_t i = 0; i < rows.size(); ++i) {
            QCOMPARE(hashes[i], rows[i].at("image_sha256"));
            QCOMPARE(texts[i], rows[i].at("text"));
            if (rows[i].contains("id")) QCOMPARE(columnJson(f, "id")[i], rows[i].at("id"));
        }
        if (name == "refused_delta.parquet")
            QCOMPARE(f.readColumn(0, std::size_t(f.findColumn("id"))).encodings,
                     std::vector<std::string>{"DELTA_BINARY_PACKED"});
        if (name == "refused_list.parquet") {
            const ParquetColumnData tags = f.readColumn(0, std::size_t(f.findColumn("tags.list.item")));
            QVERIFY(tags.repeated);
            QCOMPARE(tags.size(), rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i) {
                if (!rows[i].contains("tags")) continue;
                const json& want = rows[i].at("tags");
                QCOMPARE(tags.isNull(i), want.is_null());
                if (want.is_null()) continue;
                json got = json::array();
                for (std::size_t e = tags.offsets[i]; e < tags.offsets[i + 1]; ++e)
                    got.push_back(tags.elementValid[e] ? json(tags.bytes[e]) : json(nullptr));
                QCOMPARE(got, want);
            }
        }
    }

    // apache/parquet-testing (tests/fixtures/parquet/parquet-testing/README.md): lists in the 3-level and
    // legacy layouts, DELTA_* and BYTE_STREAM_SPLIT encodings, LZ4 in its three framings; every column
    // equal to pyarrow's reading (expected.json).
    void parquetTestingFilesReadExactly() {
        const json expected = testsupport::readJson(pq("parquet-testing/expected.json"));
        QCOMPARE(int(expected.size()), 9);
        for (const auto& [name, e] : expected.items()) {
            const ParquetFile f = ParquetFile::open(pq("parquet-testing/" + name));
            QCOMPARE(f.numRows(), e.at("rows").get<int64_t>());
            QCOMPARE(f.createdBy(), e.at("created_by").get<std::string>());
            for (const auto& [path, want] : e.at("columns").items()) {
                const std::vector<json> got = valuesJson(f, path);
                QVERIFY2(json(got) == want, (name + " " + path + ": " + json(got).dump().substr(0, 300)).c_str());
            }
        }
        const ParquetFile lists = ParquetFile::open(pq("parquet-testing/list_columns.parquet"));
        const ParquetColumnData utf8 = lists.readColumn(0, std::size_t(lists.findColumn("utf8_list.list.item")));
        QCOMPARE(utf8.stringsOf(2), (std::vector<std::string>{"efg", "hij", "xyz"})); // null element left out
        QVERIFY(utf8.stringsOf(1).empty());                                           // a null list
        const ParquetFile bss = ParquetFile::open(pq("parquet-testing/byte_stream_split.zstd.parquet"));
        QCOMPARE(bss.readColumn(0, 0).encodings, std::vector<std::string>{"BYTE_STREAM_SPLIT"});
        const ParquetFile dlba = ParquetFile::open(pq("parquet-testing/delta_length_byte_array.parquet"));
        QCOMPARE(dlba.readColumn(0, 0).encodings, std::vector<std::string>{"DELTA_LENGTH_BYTE_ARRAY"});
        for (const char* lz4 : {"lz4_raw_compressed", "hadoop_lz4_compressed", "non_hadoop_lz4_compressed"}) {
            const ParquetFile f = ParquetFile::open(pq("parquet-testing/" + std::string(lz4) + ".parquet"));
            QCOMPARE(f.codecName(0, 0), std::string(lz4[0] == 'l' ? "LZ4_RAW" : "LZ4"));
        }
    }

    // BYTE_STREAM_SPLIT for every type it applies to: each column equals its PLAIN twin.
    void byteStreamSplitMatchesPlain() {
        const ParquetFile f = ParquetFile::open(pq("parquet-testing/byte_stream_split_extended.gzip.parquet"));
        for (const char* type : {"float16", "float", "double", "int32", "int64", "flba5", "decimal"}) {
            const std::string split = std::string(type) + "_byte_stream_split";
            QCOMPARE(f.readColumn(0, std::size_t(f.findColumn(split))).encodings,
                     std::vector<std::string>{"BYTE_STREAM_SPLIT"});
            const std::vector<json> values = valuesJson(f, split);
            QCOMPARE(values.size(), std::size_t(200));
            QCOMPARE(values, valuesJson(f, std::string(type) + "_plain"));
        }
    }

    // The DELTA files with the CSV of their contents that parquet-testing ships, cell by cell (by position:
    // the CSV headers are not always the column names). delta_binary_packed_expect.csv (160 KB) is not
    // committed: the same CSV written from our values has its SHA-256.
    void deltaFilesMatchTheirCsv() {
        for (const char* name :
             {"delta_byte_array", "delta_encoding_required_column", "delta_encoding_optional_column"}) {
            const ParquetFile f = ParquetFile::open(pq("parquet-testing/" + std::string(name) + ".parquet"));
            std::vector<std::vector<json>> columns;
            for (const auto& c : f.columns()) columns.push_back(valuesJson(f, c.path));
            std::istringstream csv(testsupport::readFile(pq("parquet-testing/" + std::string(name) + "_expect.csv")));
            std::string line;
            std::getline(csv, line);
            QCOMPARE(csvCells(line).size(), columns.size());
            std::size_t row = 0;
            bool delta = false;
            for (; std::getline(csv, line); ++row) {
                const std::vector<json> cells = csvCells(line);
                QCOMPARE(cells.size(), columns.size());
                for (std::size_t c = 0; c < cells.size(); ++c)
                    QVERIFY2(cellText(columns[c][row]) == cellText(cells[c]) &&
                                 columns[c][row].is_null() == cells[c].is_null(),
                             (std::string(name) + " row " + std::to_string(row) + " column " + f.columns()[c].path +
                              ": " + columns[c][row].dump() + " vs " + cells[c].dump())
                                 .c_str());
            }
            QCOMPARE(int64_t(row), f.numRows());
            for (std::size_t c = 0; c < f.columns().size(); ++c)
                for (const auto& e : f.readColumn(0, c).encodings) delta |= e.rfind("DELTA_", 0) == 0;
            QVERIFY(delta);
        }
        const ParquetFile f = ParquetFile::open(pq("parquet-testing/delta_binary_packed.parquet"));
        std::string csv;
        std::vector<std::vector<json>> columns;
        for (const auto& c : f.columns()) {
            csv += (csv.empty() ? "" : ",") + c.path;
            columns.push_back(valuesJson(f, c.path));
            QCOMPARE(f.readColumn(0, columns.size() - 1).encodings, std::vector<std::string>{"DELTA_BINARY_PACKED"});
        }
        csv += "\n";
        for (std::size_t r = 0; r < std::size_t(f.numRows()); ++r)
            for (std::size_t c = 0; c < columns.size(); ++c)
                csv += cellText(columns[c][r]) + (c + 1 < columns.size() ? "," : "\n");
        QCOMPARE(sha256(csv), std::string("9384cc177b54ca364ffdf1e4d0390acddc55f42a0e149300934c70b4946c444b"));
    }

    // What we still refuse, by name, for that column only.
    void parquetTestingRefusals() {
        // (Not a refusal: an empty row group whose chunks claim data page offset 0 reads as no rows.)
        const ParquetFile empty = ParquetFile::open(pq("parquet-testing/column_chunk_key_value_metadata.parquet"));
        QCOMPARE(empty.numRows(), int64_t(0));
        QCOMPARE(int(empty.numRowGroups()), 1);
        QVERIFY(valuesJson(empty, "column1").empty());
        const ParquetFile old = ParquetFile::open(pq("parquet-testing/old_list_structure.parquet"));
        QCOMPARE(old.columns().at(0).unsupported,
                 std::string("column a.array.array is a list of lists (2 repetition levels), which is not supported"));
        const ParquetFile nested = ParquetFile::open(pq("parquet-testing/nested_lists.snappy.parquet"));
        QCOMPARE(errorOf([&] { nested.readColumn(0, 0); }),
                 pq("parquet-testing/nested_lists.snappy.parquet") +
                     ": column a.list.element.list.element.list.element is a list of lists (3 repetition levels), "
                     "which is not supported");
        QCOMPARE(valuesJson(nested, "b"), (std::vector<json>{1, 1, 1}));
        const std::string big = pq("parquet-testing/large_string_map.brotli.parquet");
        const ParquetFile map = ParquetFile::open(big);
        QCOMPARE(errorOf([&] { map.readColumn(0, 0); }),
                 big +
                     ": column arr.key_value.key in row group 0: page claims an implausible size of 1073741828 bytes");
    }

    // Hub-shaped files (image {bytes, path} + list<string> captions) from pyarrow and DuckDB: v1 and v2
    // pages, dictionary, PLAIN and DELTA encodings, BYTE_STREAM_SPLIT, SNAPPY/ZSTD/LZ4_RAW/BROTLI.
    void hubListCaptionFiles() {
        const json expected = testsupport::readJson(pq("lists/expected.json"));
        int files = 0;
        for (const auto& [name, e] : expected.items()) {
            if (name == "versions") continue;
            ++files;
            const std::string path = pq("lists/" + name);
            const ParquetFile f = ParquetFile::open(path);
            QCOMPARE(f.createdBy(), e.at("created_by").get<std::string>());
            const std::string leaf = e.at("caption_column").get<std::string>(); // the list's leaf column
            QCOMPARE(f.columns().at(std::size_t(f.findColumn(leaf))).maxRepetitionLevel, 1);
            const json& rows = e.at("rows");
            const auto hashes = columnJson(f, "image.bytes", true);
            const auto names = valuesJson(f, "image.path");
            const auto captions = valuesJson(f, leaf);
            const auto ids = valuesJson(f, "id");
            const auto scores = valuesJson(f, "score");
            QCOMPARE(hashes.size(), rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i) {
                QCOMPARE(hashes[i], rows[i].at("image_sha256"));
                QCOMPARE(names[i], rows[i].at("image_path"));
                QCOMPARE(captions[i], rows[i].at("captions"));
                QCOMPARE(ids[i], rows[i].at("id"));
                QCOMPARE(scores[i], rows[i].at("score"));
            }
            // The dataset: every image with all its captions (null elements and null lists give none).
            const CaptionDataset d = CaptionDataset::open(path);
            QCOMPARE(d.captionColumn(), leaf);
            QCOMPARE(d.items().size(), rows.size());
            for (std::size_t i = 0; i < rows.size(); ++i) {
                std::vector<std::string> want;
                if (!rows[i].at("captions").is_null())
                    for (const json& c : rows[i].at("captions"))
                        if (!c.is_null()) want.push_back(c.get<std::string>());
                QCOMPARE(d.items()[i].captions, want);
            }
            if (name.find("delta") != std::string::npos || name.rfind("duckdb_v2", 0) == 0) {
                const ParquetColumnData c = f.readColumn(0, std::size_t(f.findColumn(leaf)));
                // pyarrow's "v2" files have v2 data pages; DuckDB's PARQUET_VERSION v2 means the DELTA encodings
                // in v1 data pages.
                QCOMPARE(c.dataPagesV2 > 0, name.rfind("pyarrow", 0) == 0 && name.find("_v2_") != std::string::npos);
                QVERIFY(c.encodings.at(0).rfind("DELTA_", 0) == 0);
                QCOMPARE(f.readColumn(0, std::size_t(f.findColumn("id"))).encodings,
                         std::vector<std::string>{"DELTA_BINARY_PACKED"});
                QCOMPARE(f.readColumn(0, std::size_t(f.findColumn("score"))).encodings,
                         std::vector<std::string>{"BYTE_STREAM_SPLIT"});
            }
        }
        QCOMPARE(files, 9);
        // In sentences: list<struct{tokens: list<string>, raw: string}> the captions are the raw strings;
        // the tokens (a list of lists) are refused for that column only.
        const ParquetFile coco = ParquetFile::open(pq("lists/pyarrow_sentences_struct.parquet"));
        QCOMPARE(
            coco.columns().at(std::size_t(coco.findColumn("sentences.list.element.tokens.list.element"))).unsupported,
            std::string("column sentences.list.element.tokens.list.element is a list of lists (2 repetition "
                        "levels), which is not supported"));
        QCOMPARE(ParquetFile::open(pq("lists/duckdb_v2_lz4.parquet")).codecName(0, 0), std::string("LZ4_RAW"));
        QCOMPARE(ParquetFile::open(pq("lists/pyarrow_delta_v1_brotli.parquet")).codecName(0, 0), std::string("BROTLI"));
    }

    // Training samples one of an image's list captions per epoch, as for COCO: over epochs every caption
    // of row 4 (three of them) comes up, and only those.
    void batchLoaderSamplesListCaptions() {
        const CaptionDataset d = CaptionDataset::open(pq("lists/pyarrow_delta_v2_lz4raw.parquet"));
        std::vector<TrainingExample> examples;
        for (const auto& item : d.items())
            if (!item.captions.empty() && item.extra.contains("image.path"))
                examples.push_back({item.imagePath, item.captions});
        QCOMPARE(int(examples.size()), 4); // rows 0, 3, 4, 6: the others have no caption or no image
        const std::vector<std::string> row4 = examples[2].captions;
        QCOMPARE(row4, (std::vector<std::string>{"un café crème", "un café noir", "une tasse de café"}));
        ClipImageProcessorConfig c;
        c.shortestEdge = 8;
        c.cropHeight = c.cropWidth = 8;
        const ClipImageProcessor processor(c);
        std::shared_ptr<const Tokenizer> tok(
            WordPieceTokenizer::fromVocabFile(findDataFile("bert-base-uncased-vocab.txt")));
        BatchLoaderOptions o;
        o.batchSize = 4;
        o.shuffle = false;
        o.workers = 1;
        BatchLoader loader(examples, processor, tok, o);
        std::set<std::string> seen;
        for (int epoch = 0; epoch < 24; ++epoch) {
            loader.startEpoch(epoch);
            const auto batch = loader.next();
            QVERIFY(batch.has_value());
            QCOMPARE(batch->indices.at(2), std::size_t(2));
            QVERIFY(std::find(row4.begin(), row4.end(), batch->captions.at(2)) != row4.end());
            seen.insert(batch->captions.at(2));
        }
        QCOMPARE(int(seen.size()), 3);
    }

    // The CLI on a DuckDB v2 file with list captions: 7 images, 9 captions in all.
    void cliReportsListCaptions() {
        const std::string file = pq("lists/duckdb_v2_zstd.parquet");
        const auto report = testsupport::runCli({"dataset", QString::fromStdString(file), "--json"});
        QVERIFY(!report.timedOut);
        QCOMPARE(report.exitCode, 0);
        const json j = json::parse(report.out.toStdString());
        QCOMPARE(j["images"], json(7));
        QCOMPARE(j["captions"], json(9));
        QCOMPARE(j["missing_captions"],
                 json::parse(R"(["duckdb_v2_zstd.parquet#row=1", "duckdb_v2_zstd.parquet#row=2"])"));
    }

    // Truncated and byte-flipped list and DELTA files: a result or captioner::Error, nothing else.
    void mangledListFilesOnlyEverThrowError() {
        for (const char* name : {"lists/duckdb_v2_zstd.parquet", "lists/pyarrow_delta_v2_lz4raw.parquet",
                                 "lists/pyarrow_delta_v1_brotli.parquet"}) {
            const std::string good = testsupport::readFile(pq(name));
            const std::string path = tmp("mangled_list.parquet");
            for (std::size_t i = 4; i < good.size(); i += (i < good.size() - 600 ? 3 : 1)) {
                for (int variant = 0; variant < 2; ++variant) {
                    std::string bad = good;
                    if (variant == 0) bad[i] = char(~uint8_t(bad[i]));
                    else bad[i] = char(uint8_t(bad[i]) + 1);
                    testsupport::writeFile(path, bad);
                    try {
                        const ParquetFile f = ParquetFile::open(path);
                        for (std::size_t g = 0; g < f.numRowGroups(); ++g)
                            for (std::size_t c = 0; c < f.columns().size(); ++c) f.readColumn(g, c);
                    } catch (const Error& e) {
                        QVERIFY2(std::string(e.what()).rfind(path + ": ", 0) == 0, e.what());
                    }
                }
            }
        }
    }

    void brokenFiles_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << "empty"
                               << "not a Parquet file: only 0 bytes (truncated?)";
        QTest::newRow("truncated") << "truncated"
                                   << "no PAR1 magic at the end: the file is truncated or not Parquet";
        QTest::newRow("bad magic") << "head"
                                   << "not a Parquet file (no PAR1 magic at the start)";
        QTest::newRow("encrypted footer") << "pare"
                                          << "encrypted Parquet files are not supported";
        QTest::newRow("footer length") << "footerlen"
                                       << "footer length 2147483647 is larger than the file (truncated?)";
        QTest::newRow("byte array length")
            << "bytelen"
            << "column text in row group 0: PLAIN byte array of 4294967295 bytes runs past the page";
        QTest::newRow("folder") << "folder"
                                << "is a folder, not a Parquet file";
    }

    void brokenFiles() {
        QFETCH(QString, kind);
        QFETCH(QString, reason);
        std::string bytes = testsupport::readFile(pq("plain_v1_uncompressed.parquet"));
        const std::string path = tmp("broken_" + kind.toStdString() + ".parquet");
        if (kind == QLatin1String("empty")) bytes.clear();
        if (kind == QLatin1String("truncated")) bytes.resize(bytes.size() / 2);
        if (kind == QLatin1String("head")) bytes[0] = 'X';
        if (kind == QLatin1String("pare")) bytes[bytes.size() - 1] = 'E';
        if (kind == QLatin1String("footerlen")) bytes.replace(bytes.size() - 8, 4, "\xff\xff\xff\x7f");
        if (kind == QLatin1String("bytelen")) {
            const std::size_t at = bytes.find("a cartoon of a fish");
            QVERIFY(at != std::string::npos && at >= 4);
            bytes.replace(at - 4, 4, "\xff\xff\xff\xff");
        }
        if (kind == QLatin1String("folder")) QVERIFY(std::filesystem::create_directories(path));
        else testsupport::writeFile(path, bytes);
        const std::string got = errorOf([&] {
            const ParquetFile f = ParquetFile::open(path);
            for (std::size_t c = 0; c < f.columns().size(); ++c) f.readColumn(0, c);
        });
        QCOMPARE(got, path + ": " + reason.toStdString());
    }

    void handMadeHostileFiles_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("reason");
        QTest::newRow("valid") << 0 << "(no error)";
        QTest::newRow("absurd row count") << 1 << "row group 0 claims 1099511627776 rows, over the limit of 16777216";
        QTest::newRow("offset out of range")
            << 2 << "column x in row group 0 lies outside the file (offset 1099511627776, 29 bytes; data ends at 33)";
        QTest::newRow("row count mismatch")
            << 3 << "corrupt Parquet footer: the row groups hold 3 rows, the file claims 5";
        QTest::newRow("huge page size")
            << 4 << "column x in row group 0: page claims an implausible size of 2147483647 bytes";
        QTest::newRow("page past chunk") << 5
                                         << "column x in row group 0: page of 1000 bytes runs past the column chunk";
        QTest::newRow("schema children")
            << 6 << "corrupt Parquet footer at byte 60: schema lists fewer elements than its groups claim";
        QTest::newRow("too many values") << 7 << "column x in row group 0: page holds 1000000 values where 3 remain";
        QTest::newRow("lzo codec") << 8
                                   << "column x in row group 0 uses LZO compression, which is not supported "
                                      "(supported: UNCOMPRESSED, SNAPPY, GZIP, ZSTD, LZ4_RAW, LZ4, BROTLI)";
        QTest::newRow("chunk values") << 9 << "corrupt Parquet footer: column x in row group 0 has 2 values for 3 rows";
        QTest::newRow("short values")
            << 10 << "column x in row group 0: PLAIN values end early (3 values need more than 8 bytes)";
        QTest::newRow("zstd expansion")
            << 12
            << "column x in row group 0, page at byte 25: claims 524288000 bytes from 12 ZSTD bytes, more than that codec can expand to (corrupt page header)";
        // DELTA_BINARY_PACKED values 7, -1, 42 (block of 128 in 4 miniblocks, deltas in 6 bits), then broken.
        QTest::newRow("delta valid") << 13 << "(no error)";
        QTest::newRow("delta count")
            << 14 << "column x in row group 0: DELTA_BINARY_PACKED holds 5 values where 3 are expected";
        QTest::newRow("delta block size")
            << 15 << "column x in row group 0: DELTA_BINARY_PACKED has an invalid block size of 100 values";
        QTest::newRow("delta truncated")
            << 16 << "column x in row group 0: DELTA_BINARY_PACKED data ends early (24 bytes needed)";
        QTest::newRow("delta bit width")
            << 17 << "column x in row group 0: DELTA_BINARY_PACKED has a miniblock bit width of 65";
        QTest::newRow("chunk length")
            << 11 << "column x in row group 0 lies outside the file (offset 4, 4294967296 bytes; data ends at 33)";
    }

    void handMadeHostileFiles() {
        QFETCH(int, kind);
        QFETCH(QString, reason);
        HandMade h;
        switch (kind) {
        case 1: h.numRows = h.groupRows = h.chunkValues = int64_t(1) << 40; break;
        case 2: h.dataOffset = int64_t(1) << 40; break;
        case 3: h.numRows = 5; break;
        case 4: h.pageUncompressed = 0x7fffffff; break;
        case 5: h.pageCompressed = 1000; break;
        case 6: h.numChildren = 1000; break;
        case 7: h.pageValues = 1000000; break;
        case 8: h.codec = 3; break;
        case 9: h.chunkValues = 2; break;
        case 10:
            h.values.resize(8);
            h.pageUncompressed = h.pageCompressed = 8;
            break;
        case 11: h.chunkCompressed = int64_t(1) << 32; break;
        case 12:
            h.codec = 6;
            h.pageUncompressed = 500 << 20;
            break;
        case 13:
        case 14:
        case 15:
        case 16:
        case 17: {
            std::string delta("\x80\x01\x04\x03\x0e\x0f\x06\x00\x00\x00\xc0\x0c", 12);
            delta += std::string(22, '\0');
            if (kind == 14) delta[3] = 5;
            if (kind == 15) delta = "\x64" + delta.substr(2);
            if (kind == 16) delta.resize(delta.size() - 3);
            if (kind == 17) delta[6] = 65;
            h.encoding = 5;
            h.values = delta;
            h.pageUncompressed = h.pageCompressed = int64_t(delta.size());
            break;
        }
        default: break;
        }
        const std::string path = tmp("hand_" + std::to_string(kind) + ".parquet");
        testsupport::writeFile(path, h.bytes());
        std::vector<json> values;
        const std::string got = errorOf([&] { values = columnJson(ParquetFile::open(path), "x"); });
        QCOMPARE(QString::fromStdString(got),
                 kind == 0 || kind == 13 ? reason : QString::fromStdString(path + ": ") + reason);
        if (kind == 0 || kind == 13) QCOMPARE(values, (std::vector<json>{7, -1, 42}));
    }

    // Every truncation and every flipped footer byte of a real file: success or captioner::Error,
    // never a crash, another exception or a huge allocation.
    void mangledFilesOnlyEverThrowError() {
        const std::string good = testsupport::readFile(pq("nulls_types_v1_snappy.parquet"));
        const std::string path = tmp("mangled.parquet");
        int errors = 0, variants = 0;
        auto attempt = [&](const std::string& bytes) {
            testsupport::writeFile(path, bytes);
            ++variants;
            try {
                const ParquetFile f = ParquetFile::open(path);
                for (std::size_t g = 0; g < f.numRowGroups(); ++g)
                    for (std::size_t c = 0; c < f.columns().size(); ++c) f.readColumn(g, c);
            } catch (const Error& e) {
                ++errors;
                QVERIFY2(std::string(e.what()).rfind(path + ": ", 0) == 0, e.what());
            }
        };
        for (std::size_t n = 0; n < good.size(); n += 29) attempt(good.substr(0, n));
        const uint32_t footer = uint32_t(uint8_t(good[good.size() - 8])) | uint32_t(uint8_t(good[good.size() - 7]))
                                                                               << 8;
        for (std::size_t i = good.size() - 8 - footer; i < good.size() - 8; ++i)
            for (uint8_t mask : {uint8_t(0xff), uint8_t(0x01)}) {
                if (mask == 0x01 && i % 4) continue; // every byte inverted, every 4th also off by one bit
                std::string bad = good;
                bad[i] = char(uint8_t(bad[i]) ^ mask);
                attempt(bad);
            }
        // Page bytes too: invert every 17th byte of the column data.
        for (std::size_t i = 4; i < good.size() - 8 - footer; i += 17) {
            std::string bad = good;
            bad[i] = char(~uint8_t(bad[i]));
            attempt(bad);
        }
        QVERIFY2(errors > variants / 3, (std::to_string(errors) + " errors in " + std::to_string(variants)).c_str());
    }

    void datasetOpensOneFile() {
        const std::string file = pq("nulls_types_v1_snappy.parquet");
        const CaptionDataset d = CaptionDataset::open(file);
        QCOMPARE(d.format(), DatasetFormat::Parquet);
        QCOMPARE(formatName(d.format()), std::string("parquet"));
        QCOMPARE(parseDatasetFormat("Parquet"), DatasetFormat::Parquet);
        QCOMPARE(d.source(), file);
        QCOMPARE(d.root(), testsupport::fixture("parquet"));
        QCOMPARE(d.captionColumn(), std::string("text"));
        QVERIFY(d.problems().empty());
        QCOMPARE(int(d.items().size()), 7);
        const auto& rows = m_expected.at("nulls_types_v1_snappy.parquet").at("rows");
        for (std::size_t i = 0; i < 7; ++i) {
            const DatasetItem& item = d.items()[i];
            QCOMPARE(item.imagePath, file + "#row=" + std::to_string(i));
            QCOMPARE(item.fileName, "nulls_types_v1_snappy.parquet#row=" + std::to_string(i));
            QCOMPARE(item.split, std::string());
            const json& text = rows[i].at("text");
            QCOMPARE(item.captions,
                     text.is_null() ? std::vector<std::string>{} : std::vector<std::string>{text.get<std::string>()});
        }
        QCOMPARE(
            d.items()[0].extra,
            json::parse(
                R"({"image.path": "img_010.png", "id": -3, "big": -5, "flag": true, "score": -1.25, "weight": null})"));
        QCOMPARE(
            d.items()[5].extra,
            json::parse(R"({"id": 2, "big": 49999999995, "flag": false, "score": null, "weight": 50000000000.125})"));

        // A list column beside the captions is not an extra field: skipped with a problem naming it.
        const CaptionDataset withList = CaptionDataset::open(pq("refused_list.parquet"));
        QCOMPARE(int(withList.items().size()), 6);
        QCOMPARE(int(withList.problems().size()), 1);
        QCOMPARE(withList.problems()[0].file, pq("refused_list.parquet"));
        QCOMPARE(withList.problems()[0].reason, std::string("list column tags.list.item skipped"));
        QCOMPARE(int(CaptionDataset::open(pq("refused_lz4.parquet")).items().size()), 6);
    }

    void datasetOpensHubRepoFolder() {
        const std::string root = pq("hub_repo");
        const CaptionDataset d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Parquet);
        QCOMPARE(d.source(), root);
        QCOMPARE(d.root(), root);
        QCOMPARE(int(d.items().size()), 9);
        // Shards in path order: test, then the two train shards.
        const std::vector<std::pair<std::string, int>> shards = {{"data/test-00000-of-00001.parquet", 2},
                                                                 {"data/train-00000-of-00002.parquet", 4},
                                                                 {"data/train-00001-of-00002.parquet", 3}};
        std::size_t k = 0;
        for (const auto& [shard, n] : shards) {
            const auto& rows = m_expected.at("hub_repo/" + shard).at("rows");
            for (int r = 0; r < n; ++r, ++k) {
                const DatasetItem& item = d.items()[k];
                QCOMPARE(item.fileName, shard + "#row=" + std::to_string(r));
                QCOMPARE(item.imagePath, root + "/" + shard + "#row=" + std::to_string(r));
                QCOMPARE(item.split, std::string(k < 2 ? "test" : "train"));
                QCOMPARE(item.captions, std::vector<std::string>{rows[std::size_t(r)].at("text").get<std::string>()});
                const std::vector<uint8_t> png = readEmbeddedImage(item.imagePath);
                QCOMPARE(sha256(std::string(png.begin(), png.end())),
                         rows[std::size_t(r)].at("image_sha256").get<std::string>());
            }
        }
        // The data/ folder itself, and a folder whose shards sit deeper (<config>/<split>/0000.parquet).
        QCOMPARE(int(CaptionDataset::open(root + "/data").items().size()), 9);
        const std::string nested = tmp("nested/default/validation/0000.parquet");
        std::filesystem::create_directories(std::filesystem::path(nested).parent_path());
        std::filesystem::copy_file(pq("dict_v1_snappy.parquet"), nested);
        const CaptionDataset n = CaptionDataset::open(tmp("nested"));
        QCOMPARE(int(n.items().size()), 6);
        QCOMPARE(n.items()[0].split, std::string("validation"));
        QCOMPARE(n.items()[0].fileName, std::string("default/validation/0000.parquet#row=0"));
    }

    void imageDecodesFromRow() {
        const std::string ref = pq("plain_v2_snappy.parquet") + "#row=1";
        QVERIFY(isEmbeddedImageRef(ref));
        QCOMPARE(imageBackingFile(ref), pq("plain_v2_snappy.parquet"));
        const cv::Mat rgb = decodeImageRgb(ref);
        QCOMPARE(rgb.cols, 8);
        QCOMPARE(rgb.rows, 8);
        // make_fixtures.mjs: R = (seed*37 + x*20) & 255, G = (seed*91 + y*24) & 255, B = (seed*53 + (x^y)*9) & 255.
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 8; ++x) {
                const cv::Vec3b p = rgb.at<cv::Vec3b>(y, x);
                QCOMPARE(int(p[0]), (37 + x * 20) & 255);
                QCOMPARE(int(p[1]), (91 + y * 24) & 255);
                QCOMPARE(int(p[2]), (53 + (x ^ y) * 9) & 255);
            }
        QCOMPARE(imageByteSize(ref), uint64_t(readEmbeddedImage(ref).size()));
        QVERIFY(imageByteSize(ref) > 60);
        QCOMPARE(imageByteSize(pq("plain_v2_snappy.parquet")),
                 uint64_t(std::filesystem::file_size(pq("plain_v2_snappy.parquet"))));
        const ImageInfo info = probeImage(ref);
        QCOMPARE(info.width, 8);
        QCOMPARE(info.format, std::string("png"));
        QCOMPARE(decodeThumbnailRgb(ref, 4).cols, 4);

        ThumbnailCache cache(tmp("thumbs"), 4, ThumbnailFormat::Png);
        QCOMPARE(cache.thumbnail(ref).rows, 4);
        QCOMPARE(cache.thumbnail(ref).rows, 4);
        QCOMPARE(cache.stats().hits, uint64_t(1));
        QVERIFY(cache.cachePathFor(ref) != cache.cachePathFor(pq("plain_v2_snappy.parquet") + "#row=2"));

        const std::string nulls = pq("nulls_types_v1_snappy.parquet");
        QCOMPARE(errorOf([&] { decodeImageRgb(nulls + "#row=4"); }),
                 nulls + "#row=4: row 4 has no image (the image column is null)");
        QCOMPARE(errorOf([&] { decodeImageRgb(nulls + "#row=6"); }),
                 nulls + "#row=6: row 6 has no image (the image column is null)");
        QCOMPARE(errorOf([&] { decodeImageRgb(nulls + "#row=99"); }),
                 nulls + "#row=99: row 99 does not exist (the file has 7 rows)");
        QCOMPARE(errorOf([&] { decodeImageRgb(tmp("absent.parquet#row=0")); }),
                 tmp("absent.parquet#row=0") + ": Parquet file not found: " + tmp("absent.parquet"));
        // A real file whose name looks like a reference is that file, not the row.
        std::filesystem::copy_file(pq("plain_v2_snappy.parquet"), tmp("real.parquet"));
        const std::vector<uint8_t> row3 = readEmbeddedImage(tmp("real.parquet#row=3"));
        testsupport::writeFile(tmp("real.parquet#row=0"), std::string(row3.begin(), row3.end()));
        QVERIFY(!isEmbeddedImageRef(tmp("real.parquet#row=0")));
        QCOMPARE(imageBackingFile(tmp("real.parquet#row=0")), tmp("real.parquet#row=0"));
        QCOMPARE(decodeImageRgb(tmp("real.parquet#row=0")).at<cv::Vec3b>(0, 0)[0], uchar((3 * 37) & 255));
    }

    void batchLoaderReadsRows() {
        const CaptionDataset d = CaptionDataset::open(pq("nulls_types_v1_snappy.parquet"));
        std::vector<TrainingExample> examples;
        for (const auto& item : d.items())
            if (!item.captions.empty()) examples.push_back({item.imagePath, item.captions});
        QCOMPARE(int(examples.size()), 6);
        ClipImageProcessorConfig c;
        c.shortestEdge = 8;
        c.cropHeight = c.cropWidth = 8;
        const ClipImageProcessor processor(c);
        std::shared_ptr<const Tokenizer> tok(
            WordPieceTokenizer::fromVocabFile(findDataFile("bert-base-uncased-vocab.txt")));
        BatchLoaderOptions o;
        o.batchSize = 6;
        o.shuffle = false;
        o.workers = 2;
        BatchLoader loader(examples, processor, tok, o);
        loader.startEpoch(0);
        const auto batch = loader.next();
        QVERIFY(batch.has_value());
        QCOMPARE(batch->pixelValues.size(0), int64_t(4)); // rows 4 and 6 have no image
        QCOMPARE(int(batch->skipped.size()), 2);
        QCOMPARE(batch->skipped[0].reason, std::string("row 4 has no image (the image column is null)"));
        QCOMPARE(batch->skipped[1].imagePath, examples[5].imagePath);
        QVERIFY(torch::equal(batch->pixelValues[0], processor.preprocess(decodeImageRgb(examples[0].imagePath))));
    }

    void writeBackRefusedConvertWorks() {
        CaptionDataset d = CaptionDataset::open(pq("hub_repo"));
        QVERIFY(!d.canSave());
        d.setCaptions(0, {"changed"});
        QCOMPARE(
            errorOf([&] { d.save(); }),
            pq("hub_repo") +
                ": Parquet datasets are read-only: captions cannot be written back into .parquet files; convert "
                "the dataset to imagefolder (captioner dataset convert SRC --to imagefolder --out DIR) to edit its captions");
        const std::string out = tmp("converted");
        d.saveAs(out, DatasetFormat::ImageFolder);
        const CaptionDataset copy = CaptionDataset::open(out);
        QCOMPARE(copy.format(), DatasetFormat::ImageFolder);
        QVERIFY(copy.canSave());
        QCOMPARE(int(copy.items().size()), 9);
        std::map<std::string, const DatasetItem*> byName;
        for (const auto& item : copy.items()) byName[std::filesystem::relative(item.imagePath, out).string()] = &item;
        const DatasetItem* first = byName["test/test-00000-of-00001-000000.png"];
        QVERIFY(first);
        QCOMPARE(first->captions, std::vector<std::string>{"changed"});
        QCOMPARE(first->split, std::string("test"));
        const DatasetItem* last = byName["train/train-00001-of-00002-000002.png"];
        QVERIFY(last);
        QCOMPARE(sha256(testsupport::readFile(last->imagePath)),
                 m_expected.at("hub_repo/data/train-00001-of-00002.parquet")
                     .at("rows")[2]
                     .at("image_sha256")
                     .get<std::string>());
    }

    void reportFindsDuplicateRows() {
        // Two shards holding the same rows: every image is there twice, by content.
        const std::string dir = tmp("dupes");
        std::filesystem::create_directories(dir + "/data");
        std::filesystem::copy_file(pq("hub_repo/data/test-00000-of-00001.parquet"),
                                   dir + "/data/train-00000-of-00002.parquet");
        std::filesystem::copy_file(pq("hub_repo/data/test-00000-of-00001.parquet"),
                                   dir + "/data/train-00001-of-00002.parquet");
        const DatasetReport r = buildReport(CaptionDataset::open(dir), ReportOptions{});
        QCOMPARE(int(r.duplicates.size()), 2);
        QCOMPARE(r.duplicates[0].kind, std::string("same content"));
        QCOMPARE(r.duplicates[0].files, (std::vector<std::string>{"data/train-00000-of-00002.parquet#row=0",
                                                                  "data/train-00001-of-00002.parquet#row=0"}));
        QCOMPARE(r.duplicates[1].files, (std::vector<std::string>{"data/train-00000-of-00002.parquet#row=1",
                                                                  "data/train-00001-of-00002.parquet#row=1"}));
    }

    void cliReportsParquet() {
        const std::string file = pq("nulls_types_v1_snappy.parquet");
        const auto report = testsupport::runCli({"dataset", QString::fromStdString(file), "--json"});
        QVERIFY(!report.timedOut);
        QCOMPARE(report.exitCode, 0);
        QCOMPARE(report.err, QString());
        const json j = json::parse(report.out.toStdString());
        QCOMPARE(j["format"], json("parquet"));
        QCOMPARE(j["source"], json(file));
        QCOMPARE(j["images"], json(7));
        QCOMPARE(j["captions"], json(6));
        QCOMPARE(
            j["unreadable"],
            json::parse(
                R"J([{"file": "nulls_types_v1_snappy.parquet#row=4", "reason": "row 4 has no image (the image column is null)"},
                                                  {"file": "nulls_types_v1_snappy.parquet#row=6", "reason": "row 6 has no image (the image column is null)"}])J"));
        QCOMPARE(j["missing_captions"], json::parse(R"(["nulls_types_v1_snappy.parquet#row=2"])"));
        QCOMPARE(j["orphan_captions"], json::array());
        QCOMPARE(j["duplicates"], json::array());
        QCOMPARE(j["splits"], json::parse(R"({"train": 7})"));
        QCOMPARE(j["problems"], json::array());

        // convert: the rows' images become files beside their caption files.
        const std::string out = tmp("cli_sidecar");
        const auto conv = testsupport::runCli({"dataset", "convert", QString::fromStdString(pq("hub_repo")), "--to",
                                               "sidecar", "--out", QString::fromStdString(out)});
        QVERIFY(!conv.timedOut);
        QCOMPARE(conv.exitCode, 0);
        QCOMPARE(conv.out.toStdString(), "wrote 9 images and 9 captions as sidecar to " + out + "\n");
        QCOMPARE(
            testsupport::readFile(out + "/train/train-00001-of-00002-000000.txt"),
            m_expected.at("hub_repo/data/train-00001-of-00002.parquet").at("rows")[0].at("text").get<std::string>() +
                "\n");
        QCOMPARE(sha256(testsupport::readFile(out + "/train/train-00001-of-00002-000000.png")),
                 m_expected.at("hub_repo/data/train-00001-of-00002.parquet")
                     .at("rows")[0]
                     .at("image_sha256")
                     .get<std::string>());

        const auto brotli = testsupport::runCli({"dataset", QString::fromStdString(pq("refused_brotli.parquet"))});
        QVERIFY(!brotli.timedOut);
        QCOMPARE(brotli.exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestParquet)
#include "test_parquet.moc"
