// Safetensors reader and writer against files made by the Python writer that mirrors the Rust
// library (tests/fixtures/safetensors/make_fixtures.py), round trips of every dtype, and a fuzz loop.
#include "captioner/error.h"
#include "captioner/safetensors.h"
#include "test_support.h"

#include <QtTest/QtTest>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <random>

using namespace captioner;

namespace {

torch::ScalarType scalarOf(const std::string& dtype) {
    static const std::map<std::string, torch::ScalarType> kMap = {
        {"F32", torch::kFloat32}, {"F16", torch::kFloat16}, {"BF16", torch::kBFloat16}, {"F64", torch::kFloat64},
        {"I64", torch::kInt64},   {"I32", torch::kInt32},   {"I16", torch::kInt16},     {"I8", torch::kInt8},
        {"U8", torch::kUInt8},    {"BOOL", torch::kBool}};
    return kMap.at(dtype);
}

// The tensor a reference.json entry describes, built from its exact values.
torch::Tensor expectedTensor(const nlohmann::json& entry) {
    const auto dtype = scalarOf(entry["dtype"]);
    const auto shape = entry["shape"].get<std::vector<int64_t>>();
    torch::Tensor flat;
    if (dtype == torch::kBool || entry["dtype"] == "U8" || entry["dtype"].get<std::string>()[0] == 'I') {
        std::vector<int64_t> v;
        for (const auto& x : entry["values"]) v.push_back(x.is_boolean() ? int64_t(x.get<bool>()) : x.get<int64_t>());
        flat = torch::tensor(v, torch::kInt64);
    } else {
        flat = torch::tensor(entry["values"].get<std::vector<double>>(), torch::kFloat64);
    }
    return flat.to(dtype).reshape(shape);
}

std::string rawBytes(const torch::Tensor& t) {
    torch::Tensor c = t.contiguous();
    return std::string(static_cast<const char*>(c.data_ptr()), c.nbytes());
}

std::string withPrefix(const std::string& header, const std::string& data) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = char((uint64_t(header.size()) >> (8 * i)) & 0xFF);
    return out + header + data;
}

std::string floatBytes(std::initializer_list<float> values) {
    std::string s;
    for (float f : values) s.append(reinterpret_cast<const char*>(&f), sizeof f);
    return s;
}

// Resident kB of this process's mappings of `path` (the Rss lines of /proc/self/smaps); -1 where
// /proc/self/smaps cannot be read.
long mappedRssKb(const std::string& path) {
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly)) return -1;
    const QString target = QString::fromStdString(std::filesystem::canonical(path).string());
    const QRegularExpression mappingLine(QStringLiteral("^[0-9a-f]+-[0-9a-f]+ "));
    long kb = 0;
    bool inside = false;
    for (const QByteArray& raw : smaps.readAll().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        if (mappingLine.match(line).hasMatch()) inside = line.endsWith(QLatin1Char(' ') + target);
        else if (inside && line.startsWith(QLatin1String("Rss:")))
            kb += line.split(QLatin1Char(' '), Qt::SkipEmptyParts).value(1).toLong();
    }
    return kb;
}

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string tmp(const std::string& name) const { return (m_dir.path() + "/").toStdString() + name; }

    // Opens `path` and reads every tensor; returns "" on success, else the Error's message. Any other
    // exception fails the test: bad files must surface as captioner::Error naming the file.
    QString openAndReadAll(const std::string& path) {
        try {
            auto file = SafetensorsFile::open(path);
            for (const auto& e : file->entries()) {
                torch::Tensor t = file->tensor(e.name);
                if (uint64_t(t.nbytes()) != e.end - e.begin)
                    return "size mismatch for " + QString::fromStdString(e.name);
                if (t.numel() > 0) (void)t.to(torch::kFloat64).sum().item<double>(); // touch every byte
            }
            return {};
        } catch (const Error& e) {
            if (e.subject() != path || std::string(e.what()).find(path) == std::string::npos)
                return "error without the path: " + QString(e.what());
            return QString(e.what()).isEmpty() ? "empty message" : QString(e.what());
        }
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readsPythonReference() {
        const auto ref = testsupport::readJson(testsupport::fixture("safetensors/reference.json"));
        auto file = SafetensorsFile::open(testsupport::fixture("safetensors/reference.safetensors"));
        QCOMPARE(file->metadata(), (std::map<std::string, std::string>{{"format", "pt"}}));
        std::vector<std::string> order;
        for (const auto& e : file->entries()) order.push_back(e.name);
        const std::vector<std::string> expectedOrder = {"ids", "f64",       "a.scalar", "text.weight",
                                                        "i32", "bf.weight", "emb.bias", "\xC3\xBCmlaut.empty",
                                                        "i16", "i8",        "u8",       "mask"};
        QCOMPARE(order, expectedOrder);
        QCOMPARE(file->entry("text.weight").begin, uint64_t(44));
        QCOMPARE(file->entry("text.weight").end, uint64_t(68));
        for (const auto& r : ref["tensors"]) {
            const std::string name = r["name"];
            const SafetensorsEntry& e = file->entry(name);
            QCOMPARE(e.dtype, r["dtype"].get<std::string>());
            QCOMPARE(e.shape, r["shape"].get<std::vector<int64_t>>());
            const torch::Tensor t = file->tensor(name), expected = expectedTensor(r);
            QCOMPARE(t.scalar_type(), expected.scalar_type());
            QCOMPARE(t.sizes().vec(), expected.sizes().vec());
            QVERIFY2(rawBytes(t) == rawBytes(expected), name.c_str()); // bit-exact, -0.0 included
        }
        QVERIFY(!file->contains("missing"));
        QVERIFY_THROWS_EXCEPTION(Error, file->entry("missing"));
    }

    void viewOutlivesFile() {
        auto file = SafetensorsFile::open(testsupport::fixture("safetensors/reference.safetensors"));
        torch::Tensor t = file->tensor("text.weight");
        file.reset(); // the tensor keeps the mapping alive (ASan would flag a read of unmapped pages)
        QCOMPARE(t.sum().item<float>(), -1.5f + 0.25f + 3.0f + 1e-3f + 65504.0f);
    }

    void loadConvertsToFloat() {
        auto all = loadSafetensors(testsupport::fixture("safetensors/reference.safetensors"));
        QCOMPARE(all.size(), std::size_t(12));
        QCOMPARE(all.at("bf.weight").scalar_type(), torch::kFloat32);
        QCOMPARE(all.at("bf.weight")[1][0].item<float>(), 3.140625f);
        QCOMPARE(all.at("ids")[1].item<float>(), -1.0f);
        QCOMPARE(all.at("mask").sum().item<float>(), 2.0f);
        auto doubles = loadSafetensors(testsupport::fixture("safetensors/reference.safetensors"), torch::kFloat64);
        QCOMPARE(doubles.at("f64")[0].item<double>(), 1.0 / 3.0);
    }

    // readInto gives what tensor(name).to(dtype) gives, bit for bit, for every stored dtype and several
    // target dtypes, misaligned data included; a shape that does not match is an Error naming both.
    void readIntoMatchesTensor() {
        const std::string reference = testsupport::fixture("safetensors/reference.safetensors");
        auto file = SafetensorsFile::open(reference);
        for (const auto& e : file->entries()) {
            const torch::Tensor stored = file->tensor(e.name);
            for (const auto target : {stored.scalar_type(), torch::kFloat32, torch::kFloat64, torch::kBFloat16}) {
                torch::Tensor dst = torch::empty(e.shape, target);
                file->readInto(e.name, dst);
                QVERIFY2(rawBytes(dst) == rawBytes(stored.to(target)),
                         (e.name + " as " + c10::toString(target)).c_str());
            }
        }
        // Not contiguous: filled through tensor() and copy_.
        torch::Tensor strided = torch::empty({2, 2}, torch::kFloat32).t();
        file->readInto("bf.weight", strided);
        QVERIFY(rawBytes(strided) == rawBytes(file->tensor("bf.weight").to(torch::kFloat32)));

        const std::string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,12]}}";
        QVERIFY(header.size() % 4 != 0); // misaligned F32: converted through a staging copy
        const std::string path = tmp("misaligned.safetensors");
        testsupport::writeFile(path, withPrefix(header, floatBytes({1.5f, -2.0f, 4.25f})));
        auto misaligned = SafetensorsFile::open(path);
        torch::Tensor doubles = torch::empty({3}, torch::kFloat64), floats = torch::empty({3}, torch::kFloat32);
        misaligned->readInto("a", doubles);
        misaligned->readInto("a", floats);
        QCOMPARE(doubles[2].item<double>(), 4.25);
        QCOMPARE(floats[1].item<float>(), -2.0f);
        torch::Tensor wrong = torch::empty({2}, torch::kFloat32);
        try {
            misaligned->readInto("a", wrong);
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), path);
            QVERIFY2(std::string(e.what()).find("tensor 'a' has shape [3], but it was to be read into a tensor of "
                                                "shape [2]") != std::string::npos,
                     e.what());
        }
    }

    // Loading gives the file's pages back as it copies: after readInto of a 40 MiB file (F32 copied as
    // is, BF16 converted), the process holds almost none of its pages, where reading the same tensors
    // through tensor() holds all of them. Measured with the process's own counters (smaps' Rss).
    void readIntoGivesPagesBack() {
        constexpr int64_t kFloats = int64_t(4) << 20; // 16 MiB per F32 tensor
        std::vector<std::pair<std::string, torch::Tensor>> tensors = {
            {"a", torch::arange(kFloats, torch::kFloat32)},
            {"b", torch::arange(kFloats, torch::kFloat32).neg()},
            {"c", torch::arange(kFloats, torch::kFloat32).to(torch::kBFloat16)}};
        const std::string path = tmp("big.safetensors");
        saveSafetensors(path, tensors);
        auto file = SafetensorsFile::open(path);
        if (mappedRssKb(path) < 0) QSKIP("/proc/self/smaps is not readable here");
        // Control: reading through zero-copy views keeps the pages resident.
        double sum = 0;
        for (const auto& [name, t] : tensors) sum += file->tensor(name).to(torch::kFloat64).sum().item<double>();
        QVERIFY(sum != 0);
        const long viewedKb = mappedRssKb(path);
        QVERIFY2(viewedKb >= 40 * 1024, qPrintable(QString::number(viewedKb)));

        for (const auto& [name, t] : tensors) {
            torch::Tensor dst = torch::empty(t.sizes(), torch::kFloat32);
            file->readInto(name, dst);
            QVERIFY(rawBytes(dst) == rawBytes(t.to(torch::kFloat32)));
        }
        // What is left is at most the pages the kernel maps around a fault (fault-around, 64 KiB) at the
        // chunk boundaries: well under 1 MiB of the 40 MiB.
        const long afterKb = mappedRssKb(path);
        QVERIFY2(afterKb < 1024, qPrintable(QString("%1 kB of the file still resident").arg(afterKb)));
    }

    // Our writer, given the reference tensors in a different order, must produce the Python writer's bytes.
    void writerMatchesPythonBytes() {
        const auto ref = testsupport::readJson(testsupport::fixture("safetensors/reference.json"));
        std::vector<std::pair<std::string, torch::Tensor>> tensors;
        for (const auto& r : ref["tensors"]) tensors.emplace_back(r["name"], expectedTensor(r));
        const std::string path = tmp("ours.safetensors");
        saveSafetensors(path, tensors);
        const std::string ours = testsupport::readFile(path);
        const std::string theirs = testsupport::readFile(testsupport::fixture("safetensors/reference.safetensors"));
        QCOMPARE(ours.size(), theirs.size());
        QVERIFY(ours == theirs);
    }

    void writesExactHeader() {
        const std::string path = tmp("small.safetensors");
        saveSafetensors(path,
                        {{"b", torch::ones({1})}, {"c", torch::zeros({1})}, {"a", torch::tensor({5}, torch::kInt64)}},
                        {{"z", "1"}, {"format", "pt"}});
        const std::string header = "{\"__metadata__\":{\"format\":\"pt\",\"z\":\"1\"},"
                                   "\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                                   "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                                   "\"c\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[12,16]}}";
        const std::string padded = header + std::string((8 - header.size() % 8) % 8, ' ');
        std::string data(8, '\0');
        data[0] = 5;
        QVERIFY(testsupport::readFile(path) == withPrefix(padded, data + floatBytes({1.0f, 0.0f})));

        saveSafetensors(path, {{"x", torch::ones({1})}}, {}); // no metadata: no "__metadata__" key
        QVERIFY(testsupport::readFile(path).substr(8, 7) == "{\"x\":{\"");
        QVERIFY(SafetensorsFile::open(path)->metadata().empty());
    }

    void roundTrip_data() {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<QList<qint64>>("shape");
        QTest::addColumn<bool>("transposed");
        const std::vector<std::pair<const char*, torch::ScalarType>> types = {
            {"F32", torch::kFloat32}, {"F16", torch::kFloat16}, {"BF16", torch::kBFloat16}, {"F64", torch::kFloat64},
            {"I64", torch::kInt64},   {"I32", torch::kInt32},   {"I16", torch::kInt16},     {"I8", torch::kInt8},
            {"U8", torch::kUInt8},    {"BOOL", torch::kBool}};
        for (const auto& [name, type] : types) {
            QTest::newRow((std::string(name) + " 3x5").c_str()) << int(type) << QList<qint64>{3, 5} << false;
            QTest::newRow((std::string(name) + " 5x3 transposed").c_str()) << int(type) << QList<qint64>{5, 3} << true;
            QTest::newRow((std::string(name) + " scalar").c_str()) << int(type) << QList<qint64>{} << false;
            QTest::newRow((std::string(name) + " 2x0x4").c_str()) << int(type) << QList<qint64>{2, 0, 4} << false;
            QTest::newRow((std::string(name) + " 7").c_str()) << int(type) << QList<qint64>{7} << false;
        }
    }
    void roundTrip() {
        QFETCH(int, dtype);
        QFETCH(QList<qint64>, shape);
        QFETCH(bool, transposed);
        const auto type = static_cast<torch::ScalarType>(dtype);
        torch::manual_seed(7);
        const std::vector<int64_t> dims(shape.begin(), shape.end());
        torch::Tensor t = torch::isFloatingType(type) ? torch::randn(dims, torch::kFloat64).mul(100).to(type)
                                                      : torch::randint(-100, 100, dims, torch::kInt64).to(type);
        if (transposed) t = t.t();
        // A 1-byte tensor first puts the next ones at odd offsets (Python writer order: BOOL last).
        const std::string path = tmp("roundtrip.safetensors");
        saveSafetensors(path, {{"t", t}, {"t2", t.clone()}, {"odd", torch::ones({1}, torch::kUInt8)}});
        auto file = SafetensorsFile::open(path);
        for (const char* name : {"t", "t2"}) {
            torch::Tensor back = file->tensor(name);
            QCOMPARE(back.scalar_type(), type);
            QCOMPARE(back.sizes().vec(), t.sizes().vec());
            QVERIFY(rawBytes(back) == rawBytes(t));
        }
        auto asFloat = loadSafetensors(path);
        QVERIFY(torch::equal(asFloat.at("t"), t.to(torch::kFloat32)));
    }

    // Older writers ordered data by name only; the reader must accept any order and misalignment.
    void readsAnyOrderAndAlignment() {
        const std::string header =
            "{\"z\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
            "\"__metadata__\":null,\"e\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[12,12]}}";
        QVERIFY(header.size() % 4 != 0); // data starts misaligned for F32: the reader must copy
        const std::string path = tmp("order.safetensors");
        testsupport::writeFile(path, withPrefix(header, floatBytes({1.5f, -2.0f, 4.25f})));
        auto file = SafetensorsFile::open(path);
        QCOMPARE(file->entries().size(), std::size_t(3));
        QCOMPARE(file->entries()[0].name, std::string("z"));
        QCOMPARE(file->entries()[1].name, std::string("a"));
        QCOMPARE(file->tensor("z")[1].item<float>(), -2.0f);
        QCOMPARE(file->tensor("a")[0].item<float>(), 4.25f);
        QCOMPARE(file->tensor("e").numel(), int64_t(0));
    }

    void unsupportedDtypeOpensButCannotBeRead() {
        const std::string path = tmp("u16.safetensors");
        testsupport::writeFile(path,
                               withPrefix("{\"u\":{\"dtype\":\"U16\",\"shape\":[2],\"data_offsets\":[0,4]}}", "abcd"));
        auto file = SafetensorsFile::open(path);
        QCOMPARE(file->entry("u").dtype, std::string("U16"));
        try {
            (void)file->tensor("u");
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), path);
            QVERIFY2(std::string(e.what()).find("U16") != std::string::npos, e.what());
        }
    }

    void writerRejectsBadInput_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("duplicate name") << 0 << "given twice";
        QTest::newRow("reserved name") << 1 << "reserved";
        QTest::newRow("complex dtype") << 2 << "cannot store";
        QTest::newRow("undefined tensor") << 3 << "undefined";
        QTest::newRow("missing folder") << 4 << "No such file";
        QTest::newRow("invalid UTF-8 name") << 5 << "UTF-8";
    }
    void writerRejectsBadInput() {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        std::string path = tmp("rejected.safetensors");
        std::vector<std::pair<std::string, torch::Tensor>> tensors = {{"a", torch::ones({2})}};
        switch (kind) {
        case 0: tensors.emplace_back("a", torch::zeros({1})); break;
        case 1: tensors.emplace_back("__metadata__", torch::zeros({1})); break;
        case 2: tensors.emplace_back("c", torch::zeros({2}, torch::kComplexFloat)); break;
        case 3: tensors.emplace_back("u", torch::Tensor()); break;
        case 4: path = tmp("no/such/folder/x.safetensors"); break;
        case 5: tensors.emplace_back("bad\xFF", torch::zeros({1})); break;
        }
        try {
            saveSafetensors(path, tensors);
            QFAIL("no error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), path);
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
        QVERIFY(!QFile::exists(QString::fromStdString(path)));
        QCOMPARE(QDir(m_dir.path()).entryList(QDir::Files).filter(".tmp-").size(), 0);
    }

    // Hundreds of deterministic corruptions of a valid file: each must either open and read fully
    // or throw captioner::Error naming the file. Run under ASan+UBSan to catch reads outside the map.
    void fuzz() {
        const std::string basePath = tmp("fuzz-base.safetensors");
        torch::manual_seed(3);
        saveSafetensors(basePath, {{"w", torch::randn({2, 3})},
                                   {"h", torch::randn({4}).to(torch::kFloat16)},
                                   {"b", torch::randn({2, 2}).to(torch::kBFloat16)},
                                   {"ids", torch::arange(3)},
                                   {"m", torch::ones({3}, torch::kBool)},
                                   {"u", torch::ones({2}, torch::kUInt8)},
                                   {"s", torch::tensor(2.5)},
                                   {"e", torch::zeros({0, 5})}});
        const std::string base = testsupport::readFile(basePath);
        uint64_t headerLen = 0;
        for (int i = 7; i >= 0; --i) headerLen = (headerLen << 8) | uint8_t(base[i]);
        const std::string header = base.substr(8, headerLen), data = base.substr(8 + headerLen);

        struct Variant {
            std::string label, bytes;
            int expect;
        }; // expect: 1 opens, -1 rejected, 0 either
        std::vector<Variant> variants = {{"unchanged", base, 1}};
        for (std::size_t n = 0; n < base.size(); n += (n < 96 ? 1 : 5))
            variants.push_back({"truncated to " + std::to_string(n), base.substr(0, n), -1});
        auto withLength = [&](uint64_t n) {
            std::string b = base;
            for (int i = 0; i < 8; ++i) b[i] = char((n >> (8 * i)) & 0xFF);
            return b;
        };
        for (uint64_t n :
             {uint64_t(0), uint64_t(1), headerLen - 1, headerLen + 1, headerLen + 8, uint64_t(base.size() - 8),
              uint64_t(base.size()), uint64_t(100000001), uint64_t(1) << 32, ~uint64_t(0) >> 1, ~uint64_t(0)})
            variants.push_back({"header length " + std::to_string(n), withLength(n), -1});
        for (int i = 0; i < 8; ++i)
            for (uint8_t v : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
                std::string b = base;
                b[i] = char(v);
                variants.push_back(
                    {"length byte " + std::to_string(i) + "=" + std::to_string(v), b, b == base ? 1 : -1});
            }
        std::mt19937 rng(1234);
        const std::string interesting = "{}[]\",:0129-eE .\\\xFF\xC3\x80";
        for (int k = 0; k < 250; ++k) {
            std::string b = base;
            const int flips = 1 + int(rng() % 4);
            for (int f = 0; f < flips; ++f) {
                const std::size_t at = 8 + rng() % headerLen;
                b[at] = (rng() % 2) ? interesting[rng() % interesting.size()] : char(rng() % 256);
            }
            variants.push_back({"header flips #" + std::to_string(k), b, 0});
        }
        for (int k = 0; k < 20; ++k) { // data bytes are values only: the file stays valid
            std::string b = base;
            b[8 + headerLen + rng() % data.size()] = char(rng() % 256);
            variants.push_back({"data flip #" + std::to_string(k), b, 1});
        }

        // Structured header mutations: re-serialised, so each one tests one validation rule.
        const auto parsed = nlohmann::ordered_json::parse(header);
        auto rebuilt = [&](const nlohmann::ordered_json& j, const std::string& tail = "") {
            std::string h = j.dump();
            h = h.substr(0, h.size() - 1) + tail + "}";
            return withPrefix(h + std::string((8 - h.size() % 8) % 8, ' '), data);
        };
        const std::string deep = std::string(200, '[') + std::string(200, ']');
        const std::string shallow = std::string(100, '[') + std::string(100, ']');
        variants.push_back({"re-serialised", rebuilt(parsed), 1});
        variants.push_back({"duplicate tensor", rebuilt(parsed, ",\"w\":" + parsed["w"].dump()), -1});
        variants.push_back({"deep garbage", rebuilt(parsed, ",\"g\":" + deep), -1});
        variants.push_back({"garbage tensor", rebuilt(parsed, ",\"g\":" + shallow), -1});
        const auto huge = nlohmann::ordered_json(~uint64_t(0));
        const std::vector<std::pair<std::string, nlohmann::ordered_json>> fieldValues = {
            {"data_offsets", {0, 0}},
            {"data_offsets", {4, 0}},
            {"data_offsets", {1, 1000}},
            {"data_offsets", {huge, huge}},
            {"data_offsets", {0, huge}},
            {"data_offsets", {-8, 8}},
            {"data_offsets", {0, 8, 16}},
            {"data_offsets", "0,8"},
            {"data_offsets", {0.0, 8.0}},
            {"shape", {int64_t(1) << 62, int64_t(1) << 62}},
            {"shape", {~uint64_t(0) >> 1}},
            {"shape", {huge}},
            {"shape", {0, huge}},
            {"shape", {-1}},
            {"shape", {1.5}},
            {"shape", "x"},
            {"shape", nlohmann::ordered_json::array()},
            {"shape", {{1}}},
            {"dtype", "F17"},
            {"dtype", 3},
            {"dtype", "U16"},
            {"dtype", "F4"},
            {"dtype", "C64"},
            {"dtype", "BOOL"},
            {"dtype", "F64"},
            {"extra", nlohmann::ordered_json::parse(shallow)}};
        for (auto it = parsed.begin(); it != parsed.end(); ++it) {
            const std::string name = it.key();
            if (name == "__metadata__") continue;
            // Overlap with the previous tensor, and a shifted range that leaves a gap.
            for (int64_t shift : {-4, -1, 1, 8}) {
                auto j = parsed;
                const uint64_t b = j[name]["data_offsets"][0], e = j[name]["data_offsets"][1];
                j[name]["data_offsets"] = {int64_t(b) + shift, int64_t(e) + shift};
                variants.push_back({name + " offsets shifted " + std::to_string(shift), rebuilt(j), 0});
            }
            for (const auto& [field, value] : fieldValues) {
                auto j = parsed;
                j[name][field] = value;
                variants.push_back({name + "." + field + "=" + value.dump(), rebuilt(j), 0});
            }
            for (const char* field : {"dtype", "shape", "data_offsets"}) {
                auto j = parsed;
                j[name].erase(field);
                variants.push_back({name + " without " + field, rebuilt(j), -1});
            }
            for (const auto& value : {nlohmann::ordered_json(), nlohmann::ordered_json(1), nlohmann::ordered_json("s"),
                                      nlohmann::ordered_json::array(), nlohmann::ordered_json::object()}) {
                auto j = parsed;
                j[name] = value;
                variants.push_back({name + " := " + value.dump(), rebuilt(j), -1});
            }
        }
        for (const auto& meta : {nlohmann::ordered_json(1), nlohmann::ordered_json::parse("{\"a\":1}"),
                                 nlohmann::ordered_json::array(), nlohmann::ordered_json()}) {
            auto j = parsed;
            j["__metadata__"] = meta;
            variants.push_back({"metadata := " + meta.dump(), rebuilt(j), meta.is_null() ? 1 : -1});
        }

        const std::string path = tmp("fuzz.safetensors");
        int opened = 0, rejected = 0;
        for (const Variant& v : variants) {
            testsupport::writeFile(path, v.bytes);
            const QString error = openAndReadAll(path);
            if (error.startsWith("error without the path") || error.startsWith("size mismatch") ||
                error == "empty message")
                QFAIL(qPrintable(QString::fromStdString(v.label) + ": " + error));
            if (v.expect == 1 && !error.isEmpty())
                QFAIL(qPrintable(QString::fromStdString(v.label) + " rejected: " + error));
            if (v.expect == -1 && error.isEmpty()) QFAIL(qPrintable(QString::fromStdString(v.label) + " was accepted"));
            (error.isEmpty() ? opened : rejected)++;
        }
        qInfo("fuzz: %zu variants, %d opened, %d rejected", variants.size(), opened, rejected);
        QVERIFY(variants.size() > 500);
        QVERIFY(opened > 30);
        QVERIFY(rejected > 400);
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
