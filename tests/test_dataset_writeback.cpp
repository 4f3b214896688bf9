// Writing datasets back: edited captions saved in the layout they were read with (exact bytes,
// backups, unknown columns and bad lines kept), and conversions that lose nothing on a round trip
// imagefolder -> sidecar -> imagefolder.
#include "captioner/dataset.h"
#include "captioner/error.h"

#include "test_dataset_util.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <filesystem>

using captioner::CaptionDataset;
using captioner::DatasetFormat;
using dstest::image;
using dstest::put;
using dstest::read;
using nlohmann::json;
using Strings = std::vector<std::string>;
namespace fs = std::filesystem;

namespace {
// What a dataset holds, independent of where it lives: one line per item and orphan.
Strings content(const CaptionDataset& d) {
    Strings out;
    for (const auto& i : d.items())
        out.push_back(i.split + "|" + i.fileName + "|" + json(i.captions).dump() + "|" + i.extra.dump());
    for (const auto& i : d.orphans())
        out.push_back("orphan|" + i.fileName + "|" + json(i.captions).dump() + "|" + i.extra.dump());
    return out;
}
} // namespace

class TestDatasetWriteback : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string dir(const char* name) { return (m_tmp.path() + "/" + name).toStdString(); }

private slots:
    void imageFolderSaveKeepsColumnsAndBackup() {
        const std::string root = dir("if");
        image(root + "/a.png", 1);
        image(root + "/b.png", 2);
        image(root + "/c.png", 3);
        const std::string original =
            "{\"file_name\": \"a.png\", \"captions\": [\"one\", \"two\"], \"id\": 7, \"meta\": {\"k\": [1, 2.5]}}\n"
            "{oops}\n"
            "{\"file_name\": \"b.png\", \"captions\": [\"b1\"]}\n"
            "{\"file_name\": \"gone.png\", \"captions\": [\"kept\"]}\n";
        put(root + "/metadata.jsonl", original);
        auto d = CaptionDataset::open(root);
        QCOMPARE(d.items().size(), size_t(3));
        d.setCaptions(0, {"one edited", "two", "three"});
        d.save();
        QCOMPARE(read(root + "/metadata.jsonl.bak"), original);
        // c.png never had a row and still has no caption: no row is invented for it. The bad line and
        // the orphan row are written back.
        QCOMPARE(
            read(root + "/metadata.jsonl"),
            std::string(
                "{\"file_name\":\"a.png\",\"captions\":[\"one edited\",\"two\",\"three\"],\"id\":7,\"meta\":{\"k\":[1,2.5]}}\n"
                "{\"file_name\":\"b.png\",\"captions\":[\"b1\"]}\n"
                "{\"file_name\":\"gone.png\",\"captions\":[\"kept\"]}\n"
                "{oops}\n"));
        d.setCaptions(2, {"now captioned"});
        d.save();
        const auto e = CaptionDataset::open(root);
        QCOMPARE(content(e), content(d));
        QVERIFY_EXCEPTION_THROWN(d.setCaptions(3, {}), captioner::Error);
    }

    void stringColumnBecomesListOnlyWhenNeeded() {
        const std::string root = dir("shape");
        image(root + "/a.png", 1);
        image(root + "/b.png", 2);
        put(root + "/metadata.jsonl",
            "{\"file_name\": \"a.png\", \"caption\": \"x\"}\n{\"file_name\": \"b.png\", \"caption\": \"y\"}\n");
        auto d = CaptionDataset::open(root);
        d.setCaptions(1, {"y1", "y2"});
        d.save();
        QCOMPARE(
            read(root + "/metadata.jsonl"),
            std::string(
                "{\"file_name\":\"a.png\",\"caption\":\"x\"}\n{\"file_name\":\"b.png\",\"caption\":[\"y1\",\"y2\"]}\n"));
    }

    void csvSave() {
        const std::string root = dir("csv");
        image(root + "/a.png", 1);
        image(root + "/b.png", 2);
        put(root + "/metadata.csv", "source,file_name,text\nweb,a.png,\"x, y\"\n,b.png,plain\n");
        auto d = CaptionDataset::open(root);
        d.setCaptions(1, {"say \"hi\"\nnow"});
        d.save();
        QCOMPARE(read(root + "/metadata.csv"),
                 std::string("source,file_name,text\r\nweb,a.png,\"x, y\"\r\n,b.png,\"say \"\"hi\"\"\nnow\"\r\n"));
        QVERIFY(!fs::exists(root + "/metadata.jsonl"));
        QCOMPARE(content(CaptionDataset::open(root)), content(d));

        // A second caption in a `text` column is stored as a JSON list and read back as two captions;
        // a caption that merely looks like a list (not all strings) stays one caption.
        d.setCaptions(0, {"first, one", "zweite \"Beschriftung\""});
        d.setCaptions(1, {"[1, 2]"});
        d.save();
        QCOMPARE(read(root + "/metadata.csv"),
                 std::string("source,file_name,text\r\nweb,a.png,\"[\"\"first, one\"\",\"\"zweite "
                             "\\\"\"Beschriftung\\\"\"\"\"]\"\r\n,b.png,\"[1, 2]\"\r\n"));
        const auto again = CaptionDataset::open(root);
        QCOMPARE(again.items()[0].captions, (std::vector<std::string>{"first, one", "zweite \"Beschriftung\""}));
        QCOMPARE(again.items()[1].captions, std::vector<std::string>{"[1, 2]"});
    }

    void sidecarSave() {
        const std::string root = dir("sc");
        image(root + "/a.png", 1);
        put(root + "/a.txt", "old\n");
        image(root + "/k/b.png", 2);
        put(root + "/k/b.caption", "kohya");
        image(root + "/c.png", 3);
        image(root + "/d.png", 4);
        auto d = CaptionDataset::open(root);
        QCOMPARE(d.items().size(), size_t(4));
        d.setCaptions(0, {"new one", "new\ntwo"});
        QCOMPARE(d.items()[3].fileName, std::string("k/b.png"));
        d.setCaptions(2, {"brand new"});
        d.items()[3].captions.push_back("second"); // editors may also edit items() directly
        d.save();
        QCOMPARE(read(root + "/a.txt"), std::string("new one\nnew two\n"));
        QCOMPARE(read(root + "/d.txt"), std::string("brand new\n"));
        QVERIFY(!fs::exists(root + "/c.txt")); // nothing to say: no empty file created
        QCOMPARE(read(root + "/k/b.caption"), std::string("kohya\nsecond\n"));
        QVERIFY(!fs::exists(root + "/k/b.txt"));
        QVERIFY(!fs::exists(root + "/" + std::string("captioner_columns.jsonl")));
    }

    void roundTripImageFolderSidecarImageFolder() {
        const std::string src = dir("rt-src"), side = dir("rt-side"), back = dir("rt-back");
        image(src + "/train/a.png", 1);
        image(src + "/train/deep/b.jpg", 2);
        image(src + "/test/c.png", 3);
        put(src + "/train/metadata.jsonl",
            "{\"file_name\": \"a.png\", \"caption\": \"alpha\", \"license\": \"cc-by\", \"rating\": 4}\n"
            "{\"file_name\": \"deep/b.jpg\", \"caption\": [\"beta one\", \"beta two\"], \"rating\": null}\n"
            "{\"file_name\": \"missing.png\", \"caption\": \"orphan caption\", \"rating\": 1}\n");
        put(src + "/test/metadata.jsonl",
            "{\"file_name\": \"c.png\", \"caption\": \"gamma\", \"weird key\": {\"x\": [true]}}\n");
        const auto d = CaptionDataset::open(src);
        QCOMPARE(d.items().size(), size_t(3));
        QCOMPARE(d.captionColumn(), std::string("caption"));

        d.saveAs(side, DatasetFormat::Sidecar);
        QCOMPARE(read(side + "/train/deep/b.txt"), std::string("beta one\nbeta two\n"));
        QCOMPARE(read(side + "/train/deep/b.jpg"), read(src + "/train/deep/b.jpg"));
        const auto s = CaptionDataset::open(side);
        QCOMPARE(s.format(), DatasetFormat::Sidecar);
        QCOMPARE(s.captionColumn(), std::string("caption"));

        s.saveAs(back, DatasetFormat::ImageFolder);
        const auto b = CaptionDataset::open(back);
        QCOMPARE(b.format(), DatasetFormat::ImageFolder);
        QCOMPARE(b.captionColumn(), std::string("caption"));
        QCOMPARE(b.captionColumnIsList(), d.captionColumnIsList());
        QCOMPARE(content(b), content(d));
        QCOMPARE(read(back + "/train/a.png"), read(src + "/train/a.png"));
        QCOMPARE(read(back + "/test/metadata.jsonl"),
                 std::string("{\"file_name\":\"c.png\",\"caption\":[\"gamma\"],\"weird key\":{\"x\":[true]}}\n"));
    }

    void flickrSave() {
        const std::string root = dir("fl");
        image(root + "/x.jpg", 1);
        put(root + "/captions.token.txt", "x.jpg#0\tone\nx.jpg#1\ttwo\ny.jpg#0\torphan\n");
        auto d = CaptionDataset::open(root);
        d.setCaptions(0, {"one", "two\tedited"});
        d.save();
        QCOMPARE(read(root + "/captions.token.txt"),
                 std::string("x.jpg#0\tone\nx.jpg#1\ttwo edited\ny.jpg#0\torphan\n"));
        QCOMPARE(read(root + "/captions.token.txt.bak"), std::string("x.jpg#0\tone\nx.jpg#1\ttwo\ny.jpg#0\torphan\n"));
    }

    void cocoSave() {
        const std::string root = dir("coco");
        image(root + "/1.jpg", 1);
        image(root + "/2.jpg", 2);
        put(root + "/caps.json",
            R"({"info": {"v": 1}, "images": [{"id": 1, "file_name": "1.jpg", "w": 8}, {"id": 2, "file_name": "2.jpg"}],
            "annotations": [{"id": 5, "image_id": 1, "caption": "a", "extra": "kept"}, {"id": 9, "image_id": 2, "caption": "b"}]})");
        auto d = CaptionDataset::open(root + "/caps.json");
        d.setCaptions(0, {"a edited", "a second"});
        d.save();
        QCOMPARE(json::parse(read(root + "/caps.json")), json::parse(R"({"info": {"v": 1},
            "images": [{"id": 1, "file_name": "1.jpg", "w": 8}, {"id": 2, "file_name": "2.jpg"}],
            "annotations": [{"id": 5, "image_id": 1, "caption": "a edited", "extra": "kept"}, {"id": 10, "image_id": 1, "caption": "a second"},
                            {"id": 9, "image_id": 2, "caption": "b"}]})"));
        QCOMPARE(content(CaptionDataset::open(root)), content(d));
    }

    void convertRefusesFileTarget() {
        const std::string root = dir("tgt");
        image(root + "/a.png");
        put(root + "/file", "x");
        const auto d = CaptionDataset::open(root);
        QVERIFY_EXCEPTION_THROWN(d.saveAs(root + "/file", DatasetFormat::Sidecar), captioner::Error);
        QVERIFY_EXCEPTION_THROWN(d.saveAs(root + "/out", DatasetFormat::Coco), captioner::Error);
    }
};

QTEST_GUILESS_MAIN(TestDatasetWriteback)
#include "test_dataset_writeback.moc"
