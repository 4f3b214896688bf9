// Reading every supported layout from folders built in a temporary directory: exact items, captions,
// extra columns, splits and problem reports, including broken metadata and non-UTF-8 caption files.
#include "captioner/dataset.h"
#include "captioner/error.h"

#include "test_dataset_util.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using captioner::CaptionDataset;
using captioner::DatasetFormat;
using dstest::image;
using dstest::problemsText;
using dstest::put;
using nlohmann::json;

namespace {
using Strings = std::vector<std::string>;
captioner::DatasetOpenOptions imageRootOption(const std::string& dir) {
    captioner::DatasetOpenOptions o;
    o.imageRoot = dir;
    return o;
}
} // namespace

class TestDatasetFormats : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string dir(const char* name) { return (m_tmp.path() + "/" + name).toStdString(); }

private slots:
    void imageFolderJsonl() {
        const std::string root = dir("if1");
        image(root + "/a.png", 1);
        image(root + "/sub/b.jpg", 2);
        image(root + "/c.png", 3); // no row: listed without captions
        put(root + "/metadata.jsonl",
            "{\"file_name\": \"a.png\", \"text\": \"a red square\", \"score\": 0.5, \"tags\": [\"x\", 1]}\n"
            "\n"
            "{\"file_name\": \"sub/b.jpg\", \"text\": \"caf\xC3\xA9 sign\", \"score\": null}\n"
            "{\"file_name\": \"gone.png\", \"text\": \"an orphan\"}\n"
            "{not json}\n"
            "[1, 2]\n");
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::ImageFolder);
        QCOMPARE(captioner::formatName(d.format()), std::string("imagefolder"));
        QCOMPARE(d.source(), root + "/metadata.jsonl");
        QCOMPARE(d.captionColumn(), std::string("text"));
        QVERIFY(!d.captionColumnIsList());
        QCOMPARE(d.items().size(), size_t(3));
        QCOMPARE(d.items()[0].fileName, std::string("a.png"));
        QCOMPARE(d.items()[0].imagePath, root + "/a.png");
        QCOMPARE(d.items()[0].captions, Strings{"a red square"});
        QCOMPARE(d.items()[0].extra, json::parse(R"({"score": 0.5, "tags": ["x", 1]})"));
        QCOMPARE(d.items()[1].captions, Strings{"caf\xC3\xA9 sign"});
        QCOMPARE(d.items()[1].extra, json::parse(R"({"score": null})"));
        QCOMPARE(d.items()[2].fileName, std::string("c.png"));
        QVERIFY(d.items()[2].captions.empty());
        QCOMPARE(d.orphans().size(), size_t(1));
        QCOMPARE(d.orphans()[0].captions, Strings{"an orphan"});
        QCOMPARE(problemsText(d, root), (Strings{"metadata.jsonl:5 | not valid JSON; line kept unchanged",
                                                 "metadata.jsonl:6 | not a JSON object; line kept unchanged",
                                                 "metadata.jsonl:4 | image gone.png not found"}));
        for (const auto& item : d.items()) QCOMPARE(item.split, std::string());
    }

    void captionColumnChoice_data() {
        QTest::addColumn<QString>("rows");
        QTest::addColumn<QString>("column");
        QTest::addColumn<bool>("isList");
        QTest::addColumn<QStringList>("captions");
        QTest::addColumn<QString>("extra");
        QTest::newRow("text wins over caption") << R"({"file_name": "a.png", "caption": "c1", "text": "t1"})"
                                                << "text" << false << QStringList{"t1"} << R"({"caption": "c1"})";
        QTest::newRow("caption wins over captions")
            << R"({"file_name": "a.png", "captions": ["l1"], "caption": "c1"})"
            << "caption" << false << QStringList{"c1"} << R"({"captions": ["l1"]})";
        QTest::newRow("captions list") << R"({"file_name": "a.png", "captions": ["one", "two", "three"]})"
                                       << "captions" << true << QStringList{"one", "two", "three"} << "{}";
        QTest::newRow("text as list") << R"({"file_name": "a.png", "text": ["one", "two"]})"
                                      << "text" << true << QStringList{"one", "two"} << "{}";
        QTest::newRow("empty text is no caption") << R"({"file_name": "a.png", "text": ""})"
                                                  << "text" << false << QStringList{} << "{}";
        QTest::newRow("no caption column") << R"({"file_name": "a.png", "label": 3})"
                                           << "text" << false << QStringList{} << R"({"label": 3})";
    }
    void captionColumnChoice() {
        QFETCH(QString, rows);
        QFETCH(QString, column);
        QFETCH(bool, isList);
        QFETCH(QStringList, captions);
        QFETCH(QString, extra);
        QTemporaryDir t;
        const std::string root = t.path().toStdString();
        image(root + "/a.png");
        put(root + "/metadata.jsonl", rows.toStdString() + "\n");
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.captionColumn(), column.toStdString());
        QCOMPARE(d.captionColumnIsList(), isList);
        QCOMPARE(d.items().size(), size_t(1));
        Strings want;
        for (const auto& c : captions) want.push_back(c.toStdString());
        QCOMPARE(d.items()[0].captions, want);
        QCOMPARE(d.items()[0].extra, json::parse(extra.toStdString()));
    }

    void imageFolderCsv() {
        const std::string root = dir("csv");
        image(root + "/a.png", 1);
        image(root + "/b.png", 2);
        image(root + "/c.png", 3);
        // BOM, CRLF, quoted comma, doubled quotes, an embedded line break, a short row, a captions list.
        put(root + "/metadata.csv", "\xEF\xBB\xBF"
                                    "file_name,caption,source\r\n"
                                    "a.png,\"a dog, running\",web\r\n"
                                    "b.png,\"she said \"\"hi\"\"\nthen left\",\"\"\r\n"
                                    "c.png,plain\r\n");
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::ImageFolder);
        QCOMPARE(d.captionColumn(), std::string("caption"));
        QCOMPARE(d.items().size(), size_t(3));
        QCOMPARE(d.items()[0].captions, Strings{"a dog, running"});
        QCOMPARE(d.items()[0].extra, json::parse(R"({"source": "web"})"));
        QCOMPARE(d.items()[1].captions, Strings{"she said \"hi\"\nthen left"});
        QCOMPARE(d.items()[1].extra, json::parse(R"({"source": ""})"));
        QCOMPARE(d.items()[2].captions, Strings{"plain"});
        QCOMPARE(problemsText(d, root), Strings{"metadata.csv:5 | has 2 fields, the header has 3"});
    }

    void csvCaptionsListAndUnterminatedQuote() {
        const std::string root = dir("csv2");
        image(root + "/a.png", 1);
        put(root + "/metadata.csv", "file_name,captions\na.png,\"[\"\"one\"\", \"\"two\"\"]\"\n");
        auto d = CaptionDataset::open(root);
        QVERIFY(d.captionColumnIsList());
        QCOMPARE(d.items()[0].captions, (Strings{"one", "two"}));

        put(root + "/metadata.csv", "file_name,text\na.png,\"never closed\n");
        d = CaptionDataset::open(root);
        QCOMPARE(problemsText(d, root), Strings{"metadata.csv:2 | unterminated quoted field"});
        QCOMPARE(d.items().size(), size_t(1)); // the image is still there, without captions
        QVERIFY(d.items()[0].captions.empty());
        // Saving would lose the unreadable rows: refused, naming the file.
        try {
            d.save();
            QFAIL("save should refuse");
        } catch (const captioner::Error& e) {
            QCOMPARE(e.subject(), root + "/metadata.csv");
        }
    }

    void imageFolderSplits() {
        const std::string root = dir("splits");
        image(root + "/train/a.png", 1);
        image(root + "/train/b.png", 2);
        image(root + "/test/c.png", 3);
        put(root + "/train/metadata.jsonl",
            "{\"file_name\": \"a.png\", \"text\": \"A\"}\n{\"file_name\": \"b.png\", \"text\": \"B\"}\n");
        put(root + "/test/metadata.jsonl", "{\"file_name\": \"c.png\", \"text\": \"C\"}\n");
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.items().size(), size_t(3));
        Strings got;
        for (const auto& i : d.items()) got.push_back(i.split + ":" + i.fileName + ":" + i.captions.at(0));
        QCOMPARE(got, (Strings{"test:c.png:C", "train:a.png:A", "train:b.png:B"})); // split folders in name order
        QVERIFY(d.problems().empty());
    }

    void sidecar() {
        const std::string root = dir("sidecar");
        image(root + "/a.png", 1);
        put(root + "/a.txt", "first caption\r\n\r\n  second caption  \nthird\n");
        image(root + "/nested/deeper/b.jpg", 2);
        put(root + "/nested/deeper/b.caption", "kohya, style, tags");
        image(root + "/c.webp", 3); // no caption
        image(root + "/d.png", 4);
        put(root + "/d.txt", "caf\xE9 au lait\n"); // Latin-1, not UTF-8
        image(root + "/e.png", 5);
        put(root + "/e.txt", "from txt");
        put(root + "/e.caption", "from caption");
        put(root + "/lost.txt", "no image for me");
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Sidecar);
        Strings got;
        for (const auto& i : d.items()) {
            std::string s = i.fileName + ":";
            for (const auto& c : i.captions) s += "[" + c + "]";
            got.push_back(s);
        }
        QCOMPARE(got, (Strings{"a.png:[first caption][second caption][third]", "c.webp:", "d.png:[caf\xC3\xA9 au lait]",
                               "e.png:[from txt]", "nested/deeper/b.jpg:[kohya, style, tags]"}));
        QCOMPARE(d.orphans().size(), size_t(1));
        QCOMPARE(d.orphans()[0].fileName, std::string("lost.txt"));
        QCOMPARE(d.orphans()[0].captions, Strings{"no image for me"});
        QCOMPARE(problemsText(d, root),
                 (Strings{"d.txt | not valid UTF-8; read as Latin-1", "e.caption | ignored: " + root + "/e.txt is used",
                          "lost.txt | caption file without an image"}));
    }

    void imagesOnlyFolderIsSidecarWithoutCaptions() {
        const std::string root = dir("bare");
        image(root + "/x.png");
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Sidecar);
        QCOMPARE(d.items().size(), size_t(1));
        QVERIFY(d.items()[0].captions.empty());
    }

    void flickr() {
        const std::string root = dir("flickr");
        image(root + "/Images/1000_a.jpg", 1);
        image(root + "/Images/2000_b.jpg", 2);
        put(root + "/Flickr8k.token.txt", "1000_a.jpg#0\tA child in pink .\n"
                                          "1000_a.jpg#1\tA girl climbing .\r\n"
                                          "2000_b.jpg#0\tTwo dogs .\n"
                                          "broken line without tab\n"
                                          "3000_c.jpg#0\tMissing image .\n"
                                          "1000_a.jpg#2\tLate third caption .\n");
        put(root + "/Flickr_8k.trainImages.txt", "1000_a.jpg\n");
        put(root + "/Flickr_8k.testImages.txt", "2000_b.jpg\n");
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Flickr);
        QCOMPARE(d.source(), root + "/Flickr8k.token.txt");
        QCOMPARE(d.root(), root + "/Images");
        QCOMPARE(d.items().size(), size_t(2));
        QCOMPARE(d.items()[0].fileName, std::string("1000_a.jpg"));
        QCOMPARE(d.items()[0].captions, (Strings{"A child in pink .", "A girl climbing .", "Late third caption ."}));
        QCOMPARE(d.items()[0].split, std::string("train"));
        QCOMPARE(d.items()[1].captions, Strings{"Two dogs ."});
        QCOMPARE(d.items()[1].split, std::string("test"));
        QCOMPARE(d.orphans().size(), size_t(1));
        QCOMPARE(problemsText(d, root),
                 (Strings{"Flickr8k.token.txt:4 | no TAB between image#index and caption; line ignored",
                          "Flickr8k.token.txt | image 3000_c.jpg not found in " + root + "/Images"}));
        // The same file given explicitly, images elsewhere.
        const auto e = CaptionDataset::open(root + "/Flickr8k.token.txt", imageRootOption(root + "/Images"));
        QCOMPARE(e.items().size(), size_t(2));
    }

    void coco() {
        const std::string root = dir("coco");
        image(root + "/train2017/000001.jpg", 1);
        image(root + "/train2017/000002.jpg", 2);
        put(root + "/annotations/captions_train2017.json", R"({
            "info": {"year": 2017}, "licenses": [{"id": 1}],
            "images": [{"id": 1, "file_name": "000001.jpg", "width": 8},
                       {"id": 2, "file_name": "000002.jpg"},
                       {"id": 3, "file_name": "000003.jpg"}],
            "annotations": [{"id": 10, "image_id": 1, "caption": "First of one."},
                            {"id": 11, "image_id": 2, "caption": "Only of two."},
                            {"id": 12, "image_id": 1, "caption": "Second of one."},
                            {"id": 13, "image_id": 99, "caption": "Nobody else."}]})");
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Coco);
        QCOMPARE(d.root(), root + "/train2017");
        QCOMPARE(d.items().size(), size_t(2));
        QCOMPARE(d.items()[0].captions, (Strings{"First of one.", "Second of one."}));
        QCOMPARE(d.items()[0].extra, json::parse(R"({"id": 1, "width": 8})"));
        QCOMPARE(d.items()[0].split, std::string("train"));
        QCOMPARE(d.items()[1].captions, Strings{"Only of two."});
        QCOMPARE(d.orphans().size(), size_t(2)); // 000003.jpg missing, image_id 99 unknown
        QCOMPARE(
            problemsText(d, root),
            (Strings{"annotations/captions_train2017.json: images[2] | image 000003.jpg not found in " + root +
                         "/train2017",
                     "annotations/captions_train2017.json | annotations for image_id 99, which is not in \"images\""}));
    }

    void nothingRecognised_data() {
        QTest::addColumn<QString>("what");
        QTest::newRow("empty folder") << "empty";
        QTest::newRow("missing path") << "missing";
        QTest::newRow("image file") << "file";
        QTest::newRow("bad coco json") << "json";
    }
    void nothingRecognised() {
        QFETCH(QString, what);
        QTemporaryDir t;
        const std::string root = t.path().toStdString();
        std::string path = root;
        std::string expected;
        if (what == "empty") {
            put(root + "/notes.md", "nothing");
            expected = "no dataset found: looked for metadata.jsonl or metadata.csv";
        } else if (what == "missing") {
            path = root + "/nope";
            expected = "no such file or folder";
        } else if (what == "file") {
            path = root + "/x.png";
            image(path);
            expected = "not a dataset file";
        } else {
            path = root + "/c.json";
            put(path, "{\"images\": 3}");
            expected = "not a COCO captions file";
        }
        try {
            CaptionDataset::open(path);
            QFAIL("open should throw");
        } catch (const captioner::Error& e) {
            QCOMPARE(e.subject(), path);
            QVERIFY2(e.reason().find(expected) == 0, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestDatasetFormats)
#include "test_dataset_formats.moc"
