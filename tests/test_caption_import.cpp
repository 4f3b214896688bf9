// Captions read back for review (captioner/caption_import.h): the exact values parsed from each file
// `captioner caption` and the Caption page write (--json lines with words, --out records with error
// lines, the CSV and JSON Lines exports, a JSON array), the messages naming FILE:LINE for malformed
// files, and the match of image paths to a dataset's images (same file, relative to the captions file,
// moved dataset, bare file names, ambiguous names).
#include "captioner/caption_import.h"
#include "captioner/error.h"
#include "cli_run.h"
#include "test_dataset_util.h"

#include <nlohmann/json.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace captioner;

namespace {

// The message of the Error that parsing `text` as `name` throws ("" when it does not throw).
std::string errorOf(const std::string& text, const std::string& name) {
    try {
        parseImportedCaptions(text, name);
    } catch (const Error& e) {
        return e.what();
    }
    return {};
}

} // namespace

class TestCaptionImport : public QObject {
    Q_OBJECT
private slots:
    void captionJsonLines() {
        // Two lines as `captioner caption --json` prints them (its exact keys), a blank line between.
        const std::string text =
            "{\"caption\":\"a red square\",\"confidence\":0.8125,\"image\":\"/data/a.png\",\"seconds\":0.25,"
            "\"token_ids\":[101,1037,2417,2675,102],\"words\":[{\"confidence\":0.99,\"word\":\"a\"},"
            "{\"confidence\":0.625,\"word\":\"red\"},{\"confidence\":0.875,\"word\":\"square\"}]}\n"
            "\n"
            "{\"caption\":\"two circles\",\"confidence\":0.0625,\"image\":\"b.jpg\",\"seconds\":0.5,"
            "\"token_ids\":[101,2048,7925,102],\"words\":[{\"confidence\":0.25,\"word\":\"two\"},"
            "{\"confidence\":0.015625,\"word\":\"circles\"}]}\n";
        const auto c = parseImportedCaptions(text, "captions.json"); // --json > captions.json: still lines
        QCOMPARE(c.size(), size_t(2));
        QCOMPARE(c[0].image, std::string("/data/a.png"));
        QCOMPARE(c[0].caption, std::string("a red square"));
        QCOMPARE(c[0].confidence, 0.8125);
        QCOMPARE(c[0].words.size(), size_t(3));
        QCOMPARE(c[0].words[1].word, std::string("red"));
        QCOMPARE(c[0].words[1].confidence, 0.625);
        QCOMPARE(c[0].words[2].confidence, 0.875);
        QCOMPARE(c[0].where, std::string("captions.json:1"));
        QVERIFY(!c[0].failed());
        QCOMPARE(c[1].image, std::string("b.jpg"));
        QCOMPARE(c[1].confidence, 0.0625);
        QCOMPARE(c[1].words[1].word, std::string("circles"));
        QCOMPARE(c[1].words[1].confidence, 0.015625);
        QCOMPARE(c[1].where, std::string("captions.json:3"));
    }

    void whatTheCliPrintsReadsBack() {
        // `captioner caption --json` itself, on the fixture model: every value read back as printed.
        const std::string model = testsupport::fixture("pipeline/model");
        const QStringList images = {QString::fromStdString(testsupport::fixture("image/input/small_rgb_180x130.png")),
                                    QString::fromStdString(testsupport::fixture("image/input/photo_320x240.jpg"))};
        const auto run =
            testsupport::runCli(QStringList{"caption", "--model", QString::fromStdString(model), "--json"} + images);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const std::string out = run.out.toStdString();
        const auto c = parseImportedCaptions(out, "stdout.jsonl");
        QCOMPARE(c.size(), size_t(2));
        std::istringstream lines(out);
        std::string line;
        for (std::size_t i = 0; i < c.size(); ++i) {
            QVERIFY(std::getline(lines, line));
            const auto j = nlohmann::json::parse(line);
            QCOMPARE(c[i].image, j["image"].get<std::string>());
            QCOMPARE(c[i].caption, j["caption"].get<std::string>());
            QCOMPARE(c[i].confidence, j["confidence"].get<double>());
            QVERIFY(c[i].confidence > 0 && c[i].confidence <= 1);
            QCOMPARE(c[i].words.size(), j["words"].size());
            QVERIFY(!c[i].words.empty());
            for (std::size_t w = 0; w < c[i].words.size(); ++w) {
                QCOMPARE(c[i].words[w].word, j["words"][w]["word"].get<std::string>());
                QCOMPARE(c[i].words[w].confidence, j["words"][w]["confidence"].get<double>());
            }
        }
    }

    void shardRecordsWithErrorLines() {
        const std::string text =
            "{\"image\":\"/d/a.png\",\"caption\":\"a cat\",\"token_ids\":[101,102],\"seconds\":0.1,"
            "\"confidence\":0.5,\"index\":0,\"shard\":0,\"shards\":1,\"total\":2}\n"
            "{\"image\":\"/d/b.png\",\"error\":\"/d/b.png: not an image\",\"index\":1,\"shard\":0,\"shards\":1,"
            "\"total\":2}\n";
        const auto c = parseImportedCaptions(text, "shard.jsonl");
        QCOMPARE(c.size(), size_t(2));
        QCOMPARE(c[0].caption, std::string("a cat"));
        QCOMPARE(c[0].confidence, 0.5);
        QVERIFY(c[0].words.empty());
        QVERIFY(c[1].failed());
        QCOMPARE(c[1].error, std::string("/d/b.png: not an image"));
        QCOMPARE(c[1].caption, std::string());
        QCOMPARE(c[1].confidence, -1.0);
    }

    void captionPageExports() {
        // CSV as the Caption page writes it (CRLF, confidence last, empty when unknown, an error row).
        const std::string csv = "image,caption,seconds,error,confidence\r\n"
                                "/d/a.png,\"a cat, sitting\",0.123,,0.734375\r\n"
                                "/d/b.png,a dog,0.200,,\r\n"
                                "/d/c.png,,0.010,not an image,\r\n";
        const auto c = parseImportedCaptions(csv, "results.csv");
        QCOMPARE(c.size(), size_t(3));
        QCOMPARE(c[0].caption, std::string("a cat, sitting"));
        QCOMPARE(c[0].confidence, 0.734375);
        QCOMPARE(c[0].where, std::string("results.csv:2"));
        QCOMPARE(c[1].confidence, -1.0);
        QVERIFY(!c[1].failed());
        QVERIFY(c[2].failed());
        QCOMPARE(c[2].error, std::string("not an image"));
        // An older export without the confidence column, with a byte-order mark and upper-case header.
        const auto old =
            parseImportedCaptions("\xEF\xBB\xBFImage,Caption,Seconds,Error\n/d/a.png,a cat,0.1,\n", "x.csv");
        QCOMPARE(old.size(), size_t(1));
        QCOMPARE(old[0].caption, std::string("a cat"));
        QCOMPARE(old[0].confidence, -1.0);
        // A words column (JSON), read when present.
        const auto words = parseImportedCaptions(
            "image,caption,confidence,words\n/d/a.png,a cat,0.5,\"[{\"\"word\"\":\"\"cat\"\",\"\"confidence\"\":0.25}]\"\n",
            "w.csv");
        QCOMPARE(words[0].words.size(), size_t(1));
        QCOMPARE(words[0].words[0].word, std::string("cat"));
        QCOMPARE(words[0].words[0].confidence, 0.25);
        // JSON Lines export: error and confidence null when absent.
        const auto j = parseImportedCaptions(
            "{\"image\":\"/d/a.png\",\"caption\":\"a cat\",\"seconds\":0.123,\"error\":null,\"confidence\":0.75}\n"
            "{\"image\":\"/d/b.png\",\"caption\":\"a dog\",\"seconds\":0.2,\"error\":null,\"confidence\":null}\n"
            "{\"image\":\"/d/c.png\",\"caption\":\"\",\"seconds\":0.01,\"error\":\"not an image\",\"confidence\":null}\n",
            "results.jsonl");
        QCOMPARE(j.size(), size_t(3));
        QCOMPARE(j[0].confidence, 0.75);
        QCOMPARE(j[1].confidence, -1.0);
        QVERIFY(!j[1].failed());
        QVERIFY(j[2].failed());
        // A JSON array of the same objects.
        const auto a = parseImportedCaptions(
            "  [{\"image\":\"a.png\",\"caption\":\"x\",\"confidence\":1},{\"image\":\"b.png\",\"caption\":\"y\"}]",
            "all.json");
        QCOMPARE(a.size(), size_t(2));
        QCOMPARE(a[0].confidence, 1.0);
        QCOMPARE(a[1].where, std::string("all.json: entry 2"));
    }

    void malformedFilesNameTheLine() {
        QCOMPARE(errorOf("{\"image\":\"a.png\",\"caption\":\"x\"}\n{\"image\":\"b.png\",\"caption\":\n", "c.jsonl")
                     .rfind("c.jsonl:2: not valid JSON", 0),
                 size_t(0));
        QCOMPARE(errorOf("{\"caption\":\"x\"}\n", "c.jsonl"),
                 std::string("c.jsonl:1: no \"image\" (the image's path as a string)"));
        QCOMPARE(errorOf("\n{\"image\":\"a.png\"}\n", "c.jsonl"),
                 std::string("c.jsonl:2: no \"caption\" string (nor an \"error\" saying why there is none)"));
        QCOMPARE(errorOf("{\"image\":\"a.png\",\"caption\":\"x\",\"confidence\":1.5}\n", "c.jsonl"),
                 std::string("c.jsonl:1: \"confidence\" is 1.5, not a number from 0 to 1"));
        QCOMPARE(errorOf("{\"image\":\"a.png\",\"caption\":\"x\",\"confidence\":\"high\"}\n", "c.jsonl"),
                 std::string("c.jsonl:1: \"confidence\" is \"high\", not a number from 0 to 1"));
        QCOMPARE(errorOf("{\"image\":\"a.png\",\"caption\":\"x\",\"words\":[{\"word\":\"x\",\"confidence\":-0.5}]}",
                         "c.jsonl"),
                 std::string("c.jsonl:1: words[0].confidence is -0.5, not a number from 0 to 1"));
        QCOMPARE(errorOf("{\"image\":\"a.png\",\"caption\":\"x\",\"words\":[\"x\"]}", "c.jsonl"),
                 std::string("c.jsonl:1: words[0] is not a {\"word\", \"confidence\"} object"));
        QCOMPARE(errorOf("[1]", "c.json"),
                 std::string("c.json: entry 1: not a JSON object (expected {\"image\", \"caption\", ...})"));
        QCOMPARE(errorOf("file,text\na.png,x\n", "c.csv"),
                 std::string("c.csv:1: the header has no image column (a caption file's header is "
                             "image,caption[,seconds,error,confidence])"));
        QCOMPARE(errorOf("image,caption,confidence\na.png,x,0.5\nb.png,y,lots\n", "c.csv"),
                 std::string("c.csv:3: confidence \"lots\" is not a number from 0 to 1"));
        QCOMPARE(errorOf("image,caption\na.png,x,extra\n", "c.csv"),
                 std::string("c.csv:2: has 3 fields, the header has 2"));
        QCOMPARE(errorOf("image,caption\n\"a.png,x\n", "c.csv").rfind("c.csv:2", 0), size_t(0)); // unterminated quote
        QCOMPARE(errorOf("  \n", "c.jsonl"), std::string("c.jsonl: holds no captions"));
        QCOMPARE(errorOf("image,caption\r\n", "c.csv"), std::string("c.csv: holds no captions"));
        QVERIFY_THROWS_EXCEPTION(Error, readImportedCaptions("/no/such/file.jsonl"));
    }

    void imagesMatchTheDataset() {
        QTemporaryDir dir;
        const std::string root = dir.filePath("data").toStdString();
        // train/a.png, train/b.png, test/a.png, c.png, deep/x/y/d.png
        for (const char* name : {"train/a.png", "train/b.png", "test/a.png", "c.png", "deep/x/y/d.png"})
            dstest::image(root + "/" + name, 1);
        dstest::put(root + "/metadata.jsonl",
                    "{\"file_name\":\"train/a.png\",\"text\":\"\"}\n{\"file_name\":\"train/b.png\",\"text\":\"\"}\n"
                    "{\"file_name\":\"test/a.png\",\"text\":\"\"}\n{\"file_name\":\"c.png\",\"text\":\"\"}\n"
                    "{\"file_name\":\"deep/x/y/d.png\",\"text\":\"\"}\n");
        const CaptionDataset d = CaptionDataset::open(root);
        QCOMPARE(d.items().size(), size_t(5));
        auto indexOf = [&](const std::string& rel) {
            for (std::size_t i = 0; i < d.items().size(); ++i)
                if (ReviewStore::keyFor(d, d.items()[i]) == rel) return i;
            return size_t(99);
        };
        const std::string captionsFolder = dir.filePath("elsewhere").toStdString();
        const std::vector<std::string> names = {
            root + "/train/a.png",              // 0 the same file
            root + "/./train/../train/b.png",   // 1 the same file, not normalised
            "train/b.png",                      // 2 relative to the root
            "../data/c.png",                    // 3 relative to the captions file's folder
            "/mnt/old/data/test/a.png",         // 4 the dataset moved: test/a.png
            "/mnt/old/data/c.png",              // 5 c.png at the root
            "b.png",                            // 6 a bare name, one image so called
            "a.png",                            // 7 two images called a.png
            "x/y/d.png",                        // 8 the end of deep/x/y/d.png
            "C:\\captions\\data\\train\\a.png", // 9 written on Windows
            "/mnt/old/data/other/a.png",        // 10 other/a.png: neither train/ nor test/, two a.png
            "/mnt/old/data/valid/e.png",        // 11 not in the dataset
            "/photos/b.png",                    // 12 only the file name agrees, one image so called
            "/photos/y/d.png",                  // 13 likewise (y/ agrees too, x/ does not)
        };
        const auto m = matchDatasetImages(d, names, captionsFolder);
        QCOMPARE(m.size(), names.size());
        using How = ImageMatch::How;
        const std::vector<std::pair<How, std::string>> expected = {
            {How::Path, "train/a.png"},
            {How::Path, "train/b.png"},
            {How::Path, "train/b.png"},
            {How::Path, "c.png"},
            {How::RelativePath, "test/a.png"},
            {How::RelativePath, "c.png"},
            {How::RelativePath, "train/b.png"},
            {How::Ambiguous, ""},
            {How::RelativePath, "deep/x/y/d.png"},
            {How::RelativePath, "train/a.png"},
            {How::Ambiguous, ""},
            {How::None, ""},
            {How::FileName, "train/b.png"},
            {How::FileName, "deep/x/y/d.png"},
        };
        for (std::size_t i = 0; i < names.size(); ++i) {
            QVERIFY2(m[i].how == expected[i].first, qPrintable(QString::fromStdString(names[i])));
            QCOMPARE(m[i].found(), !expected[i].second.empty());
            if (m[i].found()) QCOMPARE(m[i].item, indexOf(expected[i].second));
        }
    }
};

QTEST_MAIN(TestCaptionImport)
#include "test_caption_import.moc"
