// Each malformed safetensors file gets a captioner::Error that names the file and says what is wrong.
#include "captioner/error.h"
#include "captioner/safetensors.h"
#include "test_support.h"

#include <QtTest/QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace captioner;

namespace {

std::string withPrefix(const std::string& header, const std::string& data, uint64_t length) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = char((length >> (8 * i)) & 0xFF);
    return out + header + data;
}
std::string withPrefix(const std::string& header, const std::string& data) {
    return withPrefix(header, data, header.size());
}
std::string entry(const std::string& name, const std::string& dtype, const std::string& shape,
                  const std::string& offsets) {
    return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
}

} // namespace

class TestSafetensorsErrors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string tmp(const std::string& name) const { return (m_dir.path() + "/").toStdString() + name; }

    static void expectOpenError(const std::string& path, const QString& expected) {
        testsupport::expectError([&] { (void)SafetensorsFile::open(path); }, path, {expected.toStdString()});
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void malformed_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, const std::string& bytes, const char* expected) {
            QTest::newRow(name) << QByteArray(bytes.data(), int(bytes.size())) << QString(expected);
        };
        const std::string d16(16, '\0');
        const std::string a = entry("a", "F32", "[2,2]", "[0,16]");
        row("empty file", "", "file is 0 bytes, too short for the 8-byte header length");
        row("seven bytes", "{}     ", "file is 7 bytes");
        row("huge header length", withPrefix("{}", std::string(1224, ' '), 9223372036854775807ull),
            "header length 9223372036854775807 exceeds file size 1234");
        row("header length 2^64-1", withPrefix("{}", "", ~0ull),
            "header length 18446744073709551615 exceeds file size 10");
        row("header length one past", withPrefix("{}", "", 3), "header length 3 exceeds file size 10");
        row("not JSON", withPrefix("{a}", ""), "header is not valid UTF-8 JSON");
        row("invalid UTF-8", withPrefix("{\"\xC3\x28\":1}", ""), "not valid UTF-8 JSON");
        row("byte-order mark", withPrefix("\xEF\xBB\xBF{}", ""), "byte-order mark");
        row("trailing garbage", withPrefix("{} x", ""), "not valid UTF-8 JSON");
        row("array header", withPrefix("[]", ""), "header is JSON but not an object");
        row("entry not object", withPrefix("{\"a\":[]}", ""), "tensor 'a': header entry is not an object");
        row("no dtype", withPrefix("{\"a\":{\"shape\":[],\"data_offsets\":[0,4]}}", "abcd"),
            "tensor 'a': header entry has no \"dtype\"");
        row("no shape", withPrefix("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", "abcd"), "has no \"shape\"");
        row("no offsets", withPrefix("{\"a\":{\"dtype\":\"F32\",\"shape\":[]}}", "abcd"), "has no \"data_offsets\"");
        row("dtype number", withPrefix("{\"a\":{\"dtype\":1,\"shape\":[],\"data_offsets\":[0,4]}}", "abcd"),
            "\"dtype\" is not a string");
        row("unknown dtype", withPrefix("{" + entry("a", "F17", "[1]", "[0,4]") + "}", "abcd"),
            "tensor 'a': unknown dtype \"F17\"");
        row("negative dim", withPrefix("{" + entry("a", "F32", "[-1]", "[0,4]") + "}", "abcd"),
            "not a non-negative integer");
        row("float dim", withPrefix("{" + entry("a", "F32", "[1.0]", "[0,4]") + "}", "abcd"),
            "not a non-negative integer");
        row("shape string", withPrefix("{" + entry("a", "F32", "\"1\"", "[0,4]") + "}", "abcd"),
            "\"shape\" is not an array");
        row("dim beyond int64", withPrefix("{" + entry("a", "F32", "[9223372036854775808,0]", "[0,0]") + "}", ""),
            "shape dimension 9223372036854775808 is too large");
        row("overflowing shape", withPrefix("{" + entry("a", "F32", "[4611686018427387904,4]", "[0,16]") + "}", d16),
            "tensor 'a': shape [4611686018427387904,4] overflows");
        row("three offsets", withPrefix("{" + entry("a", "F32", "[1]", "[0,4,4]") + "}", "abcd"),
            "not a pair of non-negative");
        row("negative offset", withPrefix("{" + entry("a", "F32", "[1]", "[-4,0]") + "}", "abcd"),
            "not a pair of non-negative");
        row("end before begin", withPrefix("{" + entry("a", "F32", "[0]", "[4,0]") + "}", "abcd"),
            "tensor 'a': data offsets [4, 0] end before they begin");
        row("end beyond data", withPrefix("{" + entry("a", "F32", "[2,2]", "[0,16]") + "}", "abcd"),
            "tensor 'a': data offsets [0, 16] reach beyond the data section of 4 bytes");
        row("size mismatch", withPrefix("{" + entry("a", "F32", "[2,2]", "[0,12]") + "}", std::string(12, '\0')),
            "tensor 'a': data offsets [0, 12] hold 12 bytes but shape [2,2] of F32 needs 16");
        row("half a byte", withPrefix("{" + entry("a", "F4", "[3]", "[0,1]") + "}", "a"),
            "not a whole number of bytes");
        row("overlap", withPrefix("{" + a + "," + entry("b", "F32", "[1]", "[12,16]") + "}", d16),
            "tensor 'b' starts at byte 12 of the data section, overlapping data that ends at byte 16");
        row("gap",
            withPrefix("{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[8,12]") + "}",
                       std::string(12, '\0')),
            "data section has a gap: bytes 4 to 8 before tensor 'b'");
        row("trailing bytes", withPrefix("{" + a + "}", d16 + "x"),
            "data section is 17 bytes but its tensors cover 16");
        row("duplicate tensor", withPrefix("{" + a + "," + a + "}", d16), "header has the key \"a\" twice");
        row("duplicate field",
            withPrefix("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", d16),
            "header has the key \"dtype\" twice in one object");
        row("metadata not object", withPrefix("{\"__metadata__\":[]," + a + "}", d16),
            "\"__metadata__\" is not an object");
        row("metadata number", withPrefix("{\"__metadata__\":{\"k\":1}," + a + "}", d16),
            "\"__metadata__\" value of \"k\"");
        row("deep nesting", withPrefix("{\"g\":" + std::string(300, '[') + std::string(300, ']') + "}", ""),
            "nested more than 128 levels deep");
    }
    void malformed() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const std::string path = tmp("bad.safetensors");
        testsupport::writeFile(path, bytes.toStdString());
        expectOpenError(path, expected);
    }

    void headerOverTheLimit() {
        // A sparse 200 MB file whose header length claims 150 MB: too big to be trusted.
        const std::string path = tmp("sparse.safetensors");
        testsupport::writeFile(path, withPrefix("", "", 150000000));
        QCOMPARE(::truncate(path.c_str(), 200000000), 0);
        expectOpenError(path, "header length 150000000 exceeds the limit of 100000000 bytes");
    }

    void notAFile() {
        expectOpenError(tmp("missing.safetensors"), "cannot open: No such file or directory");
        expectOpenError(m_dir.path().toStdString(), "is a directory");
        const std::string fifo = tmp("fifo");
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        expectOpenError(fifo, "is not a regular file");
        try {
            (void)loadSafetensors(tmp("missing.safetensors"));
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), tmp("missing.safetensors"));
        }
    }

    void unknownTensorName() {
        const std::string path = tmp("ok.safetensors");
        testsupport::writeFile(path, withPrefix("{" + entry("a", "F32", "[1]", "[0,4]") + "}", "abcd"));
        auto file = SafetensorsFile::open(path);
        try {
            (void)file->tensor("b");
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), path);
            QVERIFY2(QString(e.what()).contains("no tensor named 'b'"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestSafetensorsErrors)
#include "test_safetensors_errors.moc"
