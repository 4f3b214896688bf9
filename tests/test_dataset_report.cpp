// The dataset report on a folder holding every kind of trouble: truncated, corrupt, empty, non-image
// and huge-dimension files, a CMYK JPEG and a 16-bit PNG (both fine), duplicates by content and by
// listing, captions without images and images without captions. Counts, lengths and reasons exact.
#include "captioner/dataset.h"
#include "captioner/dataset_report.h"
#include "captioner/error.h"

#include "test_dataset_util.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>

using captioner::CaptionDataset;
using nlohmann::json;
using Strings = std::vector<std::string>;

class TestDatasetReport : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string m_root;

private slots:
    void initTestCase() {
        m_root = m_tmp.path().toStdString() + "/ds";
        const std::string r = m_root;
        dstest::image(r + "/good.png", 1);
        std::filesystem::create_directories(r + "/copies");
        std::filesystem::copy_file(r + "/good.png", r + "/copies/same.png");
        const std::string png = dstest::read(r + "/good.png");
        dstest::put(r + "/trunc.png", png.substr(0, png.size() / 2));
        dstest::put(r + "/corrupt.jpg", "\xFF\xD8\xFF\xE0 this is not really a jpeg");
        dstest::put(r + "/empty.png", "");
        dstest::put(r + "/text.png", "hello, not an image");
        for (const char* f : {"cmyk.jpg", "rgb16.png", "huge_dims.png"})
            std::filesystem::copy_file(testsupport::fixture(std::string("dataset/") + f), r + "/" + f);
        dstest::image(r + "/nocaption.png", 9);
        dstest::put(r + "/metadata.jsonl",
                    "{\"file_name\": \"good.png\", \"text\": \"a small red circle\"}\n"
                    "{\"file_name\": \"copies/same.png\", \"text\": \"the  same\\tcircle again\"}\n"
                    "{\"file_name\": \"trunc.png\", \"text\": \"cut\"}\n"
                    "{\"file_name\": \"corrupt.jpg\", \"text\": \"broken\"}\n"
                    "{\"file_name\": \"empty.png\", \"text\": \"nothing\"}\n"
                    "{\"file_name\": \"text.png\", \"text\": \"words\"}\n"
                    "{\"file_name\": \"cmyk.jpg\", \"text\": [\"caf\xC3\xA9 cmyk\", \"second\"]}\n"
                    "{\"file_name\": \"rgb16.png\", \"text\": \"sixteen bits per sample\"}\n"
                    "{\"file_name\": \"huge_dims.png\", \"text\": \"bomb\"}\n"
                    "{\"file_name\": \"good.png\", \"text\": \"listed again\"}\n"
                    "{\"file_name\": \"missing.png\", \"text\": \"no image\"}\n");
    }

    void report() {
        const auto d = CaptionDataset::open(m_root);
        const auto r = captioner::buildReport(d, true, 2);
        QCOMPARE(r.images, size_t(11));   // 10 rows with images + nocaption.png
        QCOMPARE(r.captions, size_t(11)); // cmyk has two
        // Words per caption: 4 4 1 1 1 1 2 1 4 1 2 ; characters: 18 22 3 6 7 5 9 6 23 4 12.
        QCOMPARE(r.words.min, size_t(1));
        QCOMPARE(r.words.max, size_t(4));
        QCOMPARE(r.words.median, 1.0);
        QCOMPARE(r.words.mean, 22.0 / 11.0);
        QCOMPARE(r.chars.min, size_t(3));
        QCOMPARE(r.chars.max, size_t(23));
        QCOMPARE(r.chars.median, 7.0);
        QCOMPARE(r.chars.mean, 115.0 / 11.0);
        std::vector<std::pair<std::string, std::string>> unreadable;
        for (const auto& u : r.unreadable) unreadable.emplace_back(u.file, u.reason);
        QCOMPARE(unreadable,
                 (std::vector<std::pair<std::string, std::string>>{
                     {"trunc.png", "truncated PNG (chunk runs past the end of the file)"},
                     {"corrupt.jpg", "truncated or corrupt JPEG (no image data found)"},
                     {"empty.png", "empty file (0 bytes)"},
                     {"text.png", "not an image (unrecognised file format)"},
                     {"huge_dims.png", "image is 100000x100000 pixels, over the limit of 178956970; not decoded"}}));
        QCOMPARE(r.missingCaptions, Strings{"nocaption.png"});
        QCOMPARE(r.orphanCaptions, Strings{"missing.png"});
        QCOMPARE(r.duplicates.size(), size_t(2));
        QCOMPARE(r.duplicates[0].kind, std::string("listed twice"));
        QCOMPARE(r.duplicates[0].files, (Strings{"good.png", "good.png"}));
        QCOMPARE(r.duplicates[1].kind, std::string("same content"));
        QCOMPARE(r.duplicates[1].files, (Strings{"copies/same.png", "good.png"}));
        QCOMPARE(r.splits, (std::map<std::string, size_t>{{"train", 11}}));

        const json j = r.toJson();
        QCOMPARE(j["format"], json("imagefolder"));
        QCOMPARE(j["images"], json(11));
        QCOMPARE(j["unreadable"][4], json::parse(R"({"file": "huge_dims.png",
                 "reason": "image is 100000x100000 pixels, over the limit of 178956970; not decoded"})"));
        QCOMPARE(j["duplicates"][1],
                 json::parse(R"({"kind": "same content", "files": ["copies/same.png", "good.png"]})"));
        QVERIFY(r.toText().find("Unreadable images: 5\n  trunc.png: truncated PNG (chunk runs past") !=
                std::string::npos);
    }

    void headerOnlyMissesTruncation() {
        const auto r = captioner::buildReport(CaptionDataset::open(m_root), false, 1);
        Strings files;
        for (const auto& u : r.unreadable) files.push_back(u.file);
        // Without decoding, trunc.png's header still parses; the fake JPEG has no frame header at all.
        QCOMPARE(files, (Strings{"corrupt.jpg", "empty.png", "text.png", "huge_dims.png"}));
    }

    void openWithImageCheck() {
        captioner::DatasetOpenOptions o;
        o.checkImages = true;
        o.threads = 2;
        std::vector<std::pair<size_t, size_t>> calls;
        o.progress = [&](size_t done, size_t total) { calls.emplace_back(done, total); };
        const auto d = CaptionDataset::open(m_root, o);
        QVERIFY(!calls.empty());
        QCOMPARE(calls.back(), (std::pair<size_t, size_t>{11, 11}));
        for (size_t k = 1; k < calls.size(); ++k) QVERIFY(calls[k].first > calls[k - 1].first);
        Strings bad;
        for (const auto& item : d.items())
            if (!item.unreadable.empty()) bad.push_back(item.fileName);
        QCOMPARE(bad, (Strings{"trunc.png", "corrupt.jpg", "empty.png", "text.png", "huge_dims.png"}));
        QCOMPARE(d.problems().back().file, m_root + "/huge_dims.png");

        o.progress = nullptr;
        o.shouldCancel = [] { return true; };
        try {
            CaptionDataset::open(m_root, o);
            QFAIL("cancelled open must throw");
        } catch (const captioner::Error& e) {
            QCOMPARE(e.reason(), std::string("opening cancelled"));
        }
    }
};

QTEST_GUILESS_MAIN(TestDatasetReport)
#include "test_dataset_report.moc"
