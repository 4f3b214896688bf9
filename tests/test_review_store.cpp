// ReviewStore (review.jsonl beside a dataset) and caption search: round trips on disk, bad lines,
// keys relative to the dataset root, exports, and the search rules the dataset browser relies on.
#include "captioner/caption_search.h"
#include "captioner/error.h"
#include "captioner/review_store.h"
#include "test_dataset_util.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace captioner;

class TestReviewStore : public QObject {
    Q_OBJECT
private slots:
    void roundTripAndBadLines() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("review.jsonl").toStdString();
        QCOMPARE(ReviewStore::load(path).entries().size(), size_t(0)); // missing file: empty store
        ReviewStore store(path);
        store.set("b.png", {ReviewStatus::Flagged, "too vague", "a thing", "2024-05-01T12:00:00Z"});
        store.set("a.png", {ReviewStatus::Accepted, "", "a cat", "2024-05-01T12:00:01Z"});
        store.set("c.png", {ReviewStatus::Edited, "", "a dog", ""});
        store.set("c.png", {}); // back to unreviewed: removed
        store.save();
        QCOMPARE(
            dstest::read(path),
            std::string(
                "{\"file\":\"a.png\",\"status\":\"accepted\",\"reason\":\"\",\"caption\":\"a cat\",\"reviewed_at\":\"2024-05-01T12:00:01Z\"}\n"
                "{\"file\":\"b.png\",\"status\":\"flagged\",\"reason\":\"too vague\",\"caption\":\"a thing\",\"reviewed_at\":\"2024-05-01T12:00:00Z\"}\n"));
        dstest::put(path, dstest::read(path) + "not json\n{\"file\":\"d.png\",\"status\":\"maybe\"}\n\n");
        const ReviewStore again = ReviewStore::load(path);
        QCOMPARE(again.entries().size(), size_t(2));
        QCOMPARE(again.entry("b.png").reason, std::string("too vague"));
        QVERIFY(again.entry("zzz.png").status == ReviewStatus::Unreviewed);
        QCOMPARE(again.problems().size(), size_t(2));
        QCOMPARE(again.problems()[0].file, path + ":3");
        QCOMPARE(again.problems()[1].file, path + ":4");
        QVERIFY_THROWS_EXCEPTION(Error, parseReviewStatus("maybe"));
    }

    void modelConfidenceRoundTrip() {
        // A caption from a model keeps its confidence and its words' (issue 17), even while unreviewed;
        // entries without one are written as before.
        QTemporaryDir dir;
        const std::string path = dir.filePath("review.jsonl").toStdString();
        ReviewStore store(path);
        ReviewEntry fromModel;
        fromModel.modelCaption = "a red \"circle\"";
        fromModel.confidence = 0.25;
        fromModel.words = {{"a", 0.5}, {"red", 0.125}, {"\"circle\"", 1}};
        store.set("m.png", fromModel); // unreviewed, but kept for its confidence
        store.set("a.png", {ReviewStatus::Accepted, "", "a cat", "T"});
        store.set("gone.png", {});
        store.save();
        QCOMPARE(dstest::read(path),
                 std::string("{\"file\":\"a.png\",\"status\":\"accepted\",\"reason\":\"\",\"caption\":\"a "
                             "cat\",\"reviewed_at\":\"T\"}\n"
                             "{\"file\":\"m.png\",\"status\":\"unreviewed\",\"reason\":\"\",\"caption\":\"\","
                             "\"reviewed_at\":\"\",\"model_caption\":\"a red \\\"circle\\\"\",\"confidence\":0.25,"
                             "\"words\":[{\"word\":\"a\",\"confidence\":0.5},{\"word\":\"red\",\"confidence\":0.125},"
                             "{\"word\":\"\\\"circle\\\"\",\"confidence\":1.0}]}\n"));
        const ReviewStore again = ReviewStore::load(path);
        QVERIFY(again.problems().empty());
        const ReviewEntry e = again.entry("m.png");
        QVERIFY(e.status == ReviewStatus::Unreviewed);
        QCOMPARE(e.modelCaption, fromModel.modelCaption);
        QCOMPARE(e.confidence, 0.25);
        QCOMPARE(e.words.size(), size_t(3));
        QCOMPARE(e.words[1].word, std::string("red"));
        QCOMPARE(e.words[1].confidence, 0.125);
        QCOMPARE(e.confidenceFor("a red \"circle\""), 0.25);
        QCOMPARE(e.confidenceFor("an edited caption"), -1.0);
        QVERIFY(!again.entry("a.png").hasModelConfidence());
        QCOMPARE(again.serialize(), store.serialize());
        // A confidence outside [0, 1] is a bad line, named with its number.
        dstest::put(path, "{\"file\":\"x.png\",\"status\":\"unreviewed\",\"confidence\":1.5}\n");
        const ReviewStore bad = ReviewStore::load(path);
        QCOMPARE(bad.entries().size(), size_t(0));
        QCOMPARE(bad.problems().size(), size_t(1));
        QCOMPARE(bad.problems()[0].file, path + ":1");
    }

    void keysAndExports() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        dstest::image(root + "/train/x.png", 1);
        dstest::image(root + "/test/x.png", 2);
        dstest::put(root + "/train/metadata.jsonl", "{\"file_name\": \"x.png\", \"text\": \"one, \\\"quoted\\\"\"}\n");
        dstest::put(root + "/test/metadata.jsonl", "{\"file_name\": \"x.png\", \"text\": \"two\"}\n");
        const CaptionDataset d = CaptionDataset::open(root);
        QCOMPARE(d.items().size(), size_t(2));
        QCOMPARE(ReviewStore::defaultPath(d), root + "/review.jsonl");
        const std::size_t one = d.items()[0].captions.front() == "two" ? 1 : 0; // the train/ item
        const std::string k0 = ReviewStore::keyFor(d, d.items()[one]), k1 = ReviewStore::keyFor(d, d.items()[1 - one]);
        QCOMPARE(k0, std::string("train/x.png"));
        QVERIFY(k0 != k1); // same file name, different folders
        ReviewStore store(ReviewStore::defaultPath(d));
        store.set(k0, {ReviewStatus::Flagged, "bad, really", "one", "T"});
        exportReviewCsv(root + "/out.csv", d, store);
        const std::string csv = dstest::read(root + "/out.csv");
        QVERIFY(csv.rfind("file,status,reason,caption,caption_chars,reviewed_at\r\n", 0) == 0);
        QVERIFY(csv.find(k0 + ",flagged,\"bad, really\",\"one, \"\"quoted\"\"\",13,T\r\n") != std::string::npos);
        QVERIFY(csv.find(k1 + ",unreviewed,,two,3,\r\n") != std::string::npos);
        exportReviewJsonl(root + "/out.jsonl", d, store);
        QVERIFY(dstest::read(root + "/out.jsonl")
                    .find("\"status\":\"unreviewed\",\"reason\":\"\",\"caption\":\"two\",\"caption_chars\":3") !=
                std::string::npos);
        QVERIFY_THROWS_EXCEPTION(Error, exportReviewCsv(root + "/no/such/dir/out.csv", d, store));
    }

    void search() {
        DatasetItem item;
        item.fileName = "Photos/Cat_01.JPG";
        item.captions = {"A café by the river", "Two cats, sleeping"};
        auto match = [&](const char* q, bool whole) { return matchesQuery(item, CaptionQuery{q, whole}); };
        QVERIFY(match("", false));
        QVERIFY(match("   ", true));
        QVERIFY(match("RIVER", false));
        QVERIFY(match("cat", false)); // "Cat_01" and "cats"
        QVERIFY(!match("cat", true)); // neither is the whole word
        QVERIFY(match("cats", true));
        QVERIFY(match("café river", true));      // terms from different captions... both in caption 1
        QVERIFY(match("sleeping river", false)); // terms may match different captions
        QVERIFY(!match("caf", true));            // é is a word character
        QVERIFY(match("cat_01.jpg", true));      // file names too
        QVERIFY(!match("dog", false));
        QCOMPARE(captionLength("café"), size_t(4));
        QCOMPARE(queryTerms("  A  b "), (std::vector<std::string>{"a", "b"}));
    }
};

QTEST_MAIN(TestReviewStore)
#include "test_review_store.moc"
