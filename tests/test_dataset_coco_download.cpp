// COCO as people download it, and Karpathy's split files: a folder with annotations/captions_train2017.json
// and captions_val2017.json beside train2017/ and val2017/ (or the 2014 names) opens as one dataset with a
// train and a validation split; dataset_coco.json / dataset_flickr8k.json open with their splits (restval
// counting as train). Trees are built in a temporary folder; counts, captions, resolved paths, the split
// the trainer takes, problems, write-back and `captioner dataset`'s report are checked exactly.
#include "captioner/dataset.h"
#include "captioner/dataset_report.h"
#include "captioner/dataset_split.h"
#include "captioner/error.h"

#include "cli_run.h"
#include "test_dataset_util.h"

#include <QFileInfo>
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
using Indices = std::vector<std::size_t>;

// "split file_name | caption / caption" per item, paths relative to `root`.
std::vector<std::string> itemsText(const CaptionDataset& d, const std::string& root) {
    std::vector<std::string> out;
    for (const auto& item : d.items()) {
        std::string line = item.split + " " + item.imagePath.substr(root.size() + 1) + " |";
        for (size_t k = 0; k < item.captions.size(); ++k) line += (k ? " / " : " ") + item.captions[k];
        out.push_back(line);
    }
    return out;
}

std::map<std::string, std::size_t> reportSplits(const CaptionDataset& d) {
    return captioner::buildReport(d, false, 1).splits;
}

// COCO's captions file for one image set: ids and file names of its images, then (image id, caption).
std::string cocoCaptions(const std::vector<std::pair<int, std::string>>& images,
                         const std::vector<std::pair<int, std::string>>& captions, int firstAnnotationId) {
    json doc = {{"info", {{"description", "COCO 2017 Dataset"}}}, {"licenses", json::array()}};
    doc["images"] = json::array();
    for (const auto& [id, name] : images)
        doc["images"].push_back({{"id", id}, {"file_name", name}, {"height", 6}, {"width", 8}});
    doc["annotations"] = json::array();
    int aid = firstAnnotationId;
    for (const auto& [id, caption] : captions)
        doc["annotations"].push_back({{"id", aid++}, {"image_id", id}, {"caption", caption}});
    return doc.dump();
}

// instances_*.json as downloaded beside the captions: images and annotations, but no captions.
std::string cocoInstances() {
    return R"({"images": [{"id": 139, "file_name": "000000000139.jpg"}],
               "annotations": [{"id": 1, "image_id": 139, "bbox": [1, 2, 3, 4], "category_id": 64}],
               "categories": [{"id": 64, "name": "potted plant"}]})";
}

// A 2017 download: two train images, two val images (one of them absent from val2017/).
void coco2017(const std::string& root, bool withVal = true, bool withValImages = true) {
    image(root + "/train2017/000000000009.jpg", 9);
    image(root + "/train2017/000000000025.jpg", 25);
    put(root + "/annotations/captions_train2017.json",
        cocoCaptions({{9, "000000000009.jpg"}, {25, "000000000025.jpg"}},
                     {{9, "A plate of food."}, {25, "A giraffe eating leaves."}, {9, "Broccoli on a plate."}}, 1));
    if (!withVal) return;
    if (withValImages) image(root + "/val2017/000000000139.jpg", 139);
    put(root + "/annotations/captions_val2017.json",
        cocoCaptions({{139, "000000000139.jpg"}, {285, "000000000285.jpg"}},
                     {{139, "A living room."}, {285, "A big bear."}, {139, "A room with a plant."}}, 100));
    put(root + "/annotations/instances_val2017.json", cocoInstances());
}

// Karpathy's dataset_coco.json over train2014/ and val2014/: one image of each split, one missing.
std::string karpathyCoco() {
    return R"({"images": [
        {"filepath": "train2014", "sentids": [0, 1], "filename": "COCO_train2014_000000000009.jpg", "imgid": 0,
         "split": "train", "cocoid": 9,
         "sentences": [{"tokens": ["a", "plate", "of", "food"], "raw": "A plate of food.", "imgid": 0, "sentid": 0},
                       {"tokens": ["broccoli"], "raw": "Broccoli.", "imgid": 0, "sentid": 1}]},
        {"filepath": "val2014", "sentids": [2], "filename": "COCO_val2014_000000000042.jpg", "imgid": 1,
         "split": "restval", "cocoid": 42,
         "sentences": [{"tokens": ["a", "dog"], "raw": "A dog.", "imgid": 1, "sentid": 2}]},
        {"filepath": "val2014", "sentids": [3], "filename": "COCO_val2014_000000000073.jpg", "imgid": 2,
         "split": "val", "cocoid": 73,
         "sentences": [{"tokens": ["a", "motorcycle"], "raw": "A motorcycle.", "imgid": 2, "sentid": 3}]},
        {"filepath": "val2014", "sentids": [4, 5], "filename": "COCO_val2014_000000000074.jpg", "imgid": 3,
         "split": "test", "cocoid": 74,
         "sentences": [{"tokens": ["a", "cat"], "raw": "A cat.", "imgid": 3, "sentid": 4},
                       {"tokens": ["the", "cat", "sleeps"], "raw": "The cat sleeps!", "imgid": 3, "sentid": 5}]},
        {"filepath": "val2014", "sentids": [6], "filename": "COCO_val2014_000000000133.jpg", "imgid": 4,
         "split": "restval", "cocoid": 133,
         "sentences": [{"tokens": ["gone"], "raw": "Gone.", "imgid": 4, "sentid": 6}]}],
        "dataset": "coco"})";
}

void karpathyCocoImages(const std::string& root) {
    image(root + "/train2014/COCO_train2014_000000000009.jpg", 9);
    image(root + "/val2014/COCO_val2014_000000000042.jpg", 42);
    image(root + "/val2014/COCO_val2014_000000000073.jpg", 73);
    image(root + "/val2014/COCO_val2014_000000000074.jpg", 74);
}

std::string karpathyFlickr(const char* name) {
    return std::string(R"({"images": [
        {"sentids": [0, 1], "imgid": 0, "split": "train", "filename": "1000_a.jpg",
         "sentences": [{"tokens": ["a", "child"], "raw": "A child .", "imgid": 0, "sentid": 0},
                       {"tokens": ["a", "girl"], "raw": "A girl .", "imgid": 0, "sentid": 1}]},
        {"sentids": [2], "imgid": 1, "split": "test", "filename": "2000_b.jpg",
         "sentences": [{"tokens": ["two", "dogs"], "raw": "Two dogs .", "imgid": 1, "sentid": 2}]}],
        "dataset": ")") +
           name + "\"}";
}
} // namespace

class TestDatasetCocoDownload : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string dir(const char* name) { return (m_tmp.path() + "/" + name).toStdString(); }

private slots:
    void coco2017TrainAndVal() {
        const std::string root = dir("coco2017");
        coco2017(root);
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Coco);
        QCOMPARE(d.source(), root);
        QCOMPARE(d.root(), root);
        QCOMPARE(itemsText(d, root),
                 (Strings{"train train2017/000000000009.jpg | A plate of food. / Broccoli on a plate.",
                          "train train2017/000000000025.jpg | A giraffe eating leaves.",
                          "validation val2017/000000000139.jpg | A living room. / A room with a plant."}));
        QCOMPARE(d.items()[0].fileName, std::string("000000000009.jpg"));
        QCOMPARE(d.items()[2].imagePath, root + "/val2017/000000000139.jpg");
        QCOMPARE(d.items()[2].extra, json::parse(R"({"id": 139, "height": 6, "width": 8})"));
        QCOMPARE(d.orphans().size(), size_t(1));
        QCOMPARE(d.orphans()[0].fileName, std::string("000000000285.jpg"));
        QCOMPARE(problemsText(d, root), (Strings{"annotations/captions_val2017.json: images[1] | image "
                                                 "000000000285.jpg not found in " +
                                                 root + "/val2017"}));
        QCOMPARE(reportSplits(d), (std::map<std::string, std::size_t>{{"train", 2}, {"validation", 1}}));
        // What `captioner train` and `captioner eval` take: the layout's splits, val2017 held out.
        const auto split = captioner::splitDataset(d);
        QVERIFY(split.fromLayout);
        QCOMPARE(split.train, (Indices{0, 1}));
        QCOMPARE(split.test, (Indices{2}));
        // The annotations/ folder itself opens the same dataset.
        const auto a = CaptionDataset::open(root + "/annotations");
        QCOMPARE(itemsText(a, root), itemsText(d, root));
        QCOMPARE(a.root(), root);
    }

    void coco2017SaveWritesEachFile() {
        const std::string root = dir("coco2017save");
        coco2017(root);
        auto d = CaptionDataset::open(root);
        d.setCaptions(2, {"A living room, edited."});
        d.setCaptions(1, {"A giraffe eating leaves.", "A tall animal."});
        // An image added by hand (no split) goes to the first file, train.
        image(root + "/train2017/000000000007.jpg", 7);
        captioner::DatasetItem added;
        added.fileName = "000000000007.jpg";
        added.imagePath = root + "/train2017/000000000007.jpg";
        added.captions = {"Added."};
        added.extra = {{"id", 7}};
        d.items().push_back(added);
        d.save();
        const json train = json::parse(dstest::read(root + "/annotations/captions_train2017.json"));
        QCOMPARE(train["annotations"], json::parse(R"([
            {"id": 1, "image_id": 9, "caption": "A plate of food."}, {"id": 3, "image_id": 9, "caption": "Broccoli on a plate."},
            {"id": 2, "image_id": 25, "caption": "A giraffe eating leaves."}, {"id": 4, "image_id": 25, "caption": "A tall animal."},
            {"id": 5, "image_id": 7, "caption": "Added."}])"));
        QCOMPARE(train["images"].size(), size_t(3));
        QCOMPARE(train["images"][2], json::parse(R"({"id": 7, "file_name": "000000000007.jpg"})"));
        QCOMPARE(train["info"], json::parse(R"({"description": "COCO 2017 Dataset"})"));
        const json val = json::parse(dstest::read(root + "/annotations/captions_val2017.json"));
        QCOMPARE(val["annotations"], json::parse(R"([
            {"id": 100, "image_id": 139, "caption": "A living room, edited."},
            {"id": 101, "image_id": 285, "caption": "A big bear."}])"));
        QCOMPARE(val["images"][0]["file_name"], json("000000000139.jpg"));
        QCOMPARE(val["images"][1]["file_name"], json("000000000285.jpg"));
        const auto again = CaptionDataset::open(root);
        QCOMPARE(itemsText(again, root),
                 (Strings{"train train2017/000000000009.jpg | A plate of food. / Broccoli on a plate.",
                          "train train2017/000000000025.jpg | A giraffe eating leaves. / A tall animal.",
                          "train train2017/000000000007.jpg | Added.",
                          "validation val2017/000000000139.jpg | A living room, edited."}));
    }

    void coco2014TrainAndVal() {
        const std::string root = dir("coco2014");
        image(root + "/train2014/COCO_train2014_000000000009.jpg", 9);
        image(root + "/val2014/COCO_val2014_000000000042.jpg", 42);
        image(root + "/val2014/COCO_val2014_000000000073.jpg", 73);
        put(root + "/annotations/captions_train2014.json",
            cocoCaptions({{9, "COCO_train2014_000000000009.jpg"}}, {{9, "Food on a plate."}}, 1));
        put(root + "/annotations/captions_val2014.json",
            cocoCaptions({{42, "COCO_val2014_000000000042.jpg"}, {73, "COCO_val2014_000000000073.jpg"}},
                         {{73, "A motorcycle."}, {42, "A dog."}, {42, "A dog on grass."}}, 10));
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Coco);
        QCOMPARE(itemsText(d, root),
                 (Strings{"train train2014/COCO_train2014_000000000009.jpg | Food on a plate.",
                          "validation val2014/COCO_val2014_000000000042.jpg | A dog. / A dog on grass.",
                          "validation val2014/COCO_val2014_000000000073.jpg | A motorcycle."}));
        QCOMPARE(problemsText(d, root), Strings{});
        QCOMPARE(reportSplits(d), (std::map<std::string, std::size_t>{{"train", 1}, {"validation", 2}}));
    }

    void oneSplitOnly() {
        // Only the val annotations (with instances_val2017.json beside them): that file is the dataset.
        const std::string val = dir("valonly");
        image(val + "/val2017/000000000139.jpg", 139);
        put(val + "/annotations/captions_val2017.json",
            cocoCaptions({{139, "000000000139.jpg"}}, {{139, "A living room."}}, 1));
        put(val + "/annotations/instances_val2017.json", cocoInstances());
        const auto v = CaptionDataset::open(val);
        QCOMPARE(v.source(), val + "/annotations/captions_val2017.json");
        QCOMPARE(v.root(), val + "/val2017");
        QCOMPARE(itemsText(v, val), Strings{"validation val2017/000000000139.jpg | A living room."});
        QCOMPARE(problemsText(v, val), Strings{});

        // Only the train annotations: one train split, which the trainer splits 90/10 itself.
        const std::string train = dir("trainonly");
        coco2017(train, false);
        const auto t = CaptionDataset::open(train);
        QCOMPARE(t.source(), train + "/annotations/captions_train2017.json");
        QCOMPARE(itemsText(t, train),
                 (Strings{"train train2017/000000000009.jpg | A plate of food. / Broccoli on a plate.",
                          "train train2017/000000000025.jpg | A giraffe eating leaves."}));
        const auto split = captioner::splitDataset(t, 0.5, 42);
        QVERIFY(!split.fromLayout);
        QCOMPARE(split.train.size() + split.test.size(), size_t(2));
    }

    void missingImageFolder() {
        const std::string root = dir("noval");
        coco2017(root, true, false); // val2017/ never unpacked
        const auto d = CaptionDataset::open(root);
        QCOMPARE(itemsText(d, root),
                 (Strings{"train train2017/000000000009.jpg | A plate of food. / Broccoli on a plate.",
                          "train train2017/000000000025.jpg | A giraffe eating leaves."}));
        QCOMPARE(d.orphans().size(), size_t(2));
        QCOMPARE(problemsText(d, root),
                 (Strings{"annotations/captions_val2017.json | image folder not found: none of its 2 images (such as "
                          "000000000139.jpg) is in " +
                          root + "/val2017, " + root + "/annotations/val2017, " + root + "/images/val2017"}));
        QCOMPARE(reportSplits(d), (std::map<std::string, std::size_t>{{"train", 2}}));
    }

    void severalYearsAndStrangers() {
        // 2014 and 2017 annotations together: the newest year is read, the others reported.
        const std::string root = dir("twoyears");
        coco2017(root);
        put(root + "/annotations/captions_train2014.json",
            cocoCaptions({{9, "COCO_train2014_000000000009.jpg"}}, {{9, "Food."}}, 1));
        const auto d = CaptionDataset::open(root);
        QCOMPARE(d.items().size(), size_t(3));
        QCOMPARE(problemsText(d, root),
                 (Strings{"annotations/captions_val2017.json: images[1] | image 000000000285.jpg not found in " + root +
                              "/val2017",
                          "annotations/captions_train2014.json | not used: of captions for several years the newest "
                          "(2017) are read; open this file for the 2014 ones"}));

        // Caption files COCO does not name so: which to take is not guessed.
        const std::string other = dir("strangers");
        put(other + "/a.json", cocoCaptions({{1, "x.jpg"}}, {{1, "x"}}, 1));
        put(other + "/b.json", cocoCaptions({{1, "y.jpg"}}, {{1, "y"}}, 1));
        try {
            CaptionDataset::open(other);
            QFAIL("opened");
        } catch (const captioner::Error& e) {
            QCOMPARE(std::string(e.what()), other + ": several COCO caption files (" + other + "/a.json, " + other +
                                                "/b.json); open one of them");
        }
    }

    void karpathyCocoSplits() {
        const std::string root = dir("karpathy");
        karpathyCocoImages(root);
        put(root + "/dataset_coco.json", karpathyCoco());
        // COCO's own captions beside it are left alone (and said so).
        put(root + "/annotations/captions_train2014.json",
            cocoCaptions({{9, "COCO_train2014_000000000009.jpg"}}, {{9, "Food."}}, 1));
        for (const std::string& path : {root, root + "/dataset_coco.json"}) {
            const auto d = CaptionDataset::open(path);
            QCOMPARE(d.format(), DatasetFormat::Karpathy);
            QCOMPARE(captioner::formatName(d.format()), std::string("karpathy"));
            QCOMPARE(d.source(), root + "/dataset_coco.json");
            QCOMPARE(d.root(), root);
            QCOMPARE(itemsText(d, root),
                     (Strings{"train train2014/COCO_train2014_000000000009.jpg | A plate of food. / Broccoli.",
                              "train val2014/COCO_val2014_000000000042.jpg | A dog.",
                              "validation val2014/COCO_val2014_000000000073.jpg | A motorcycle.",
                              "test val2014/COCO_val2014_000000000074.jpg | A cat. / The cat sleeps!"}));
            QCOMPARE(d.items()[1].fileName, std::string("val2014/COCO_val2014_000000000042.jpg"));
            QCOMPARE(d.items()[1].extra["split"], json("restval"));
            QCOMPARE(d.items()[1].extra["cocoid"], json(42));
            QCOMPARE(d.orphans().size(), size_t(1));
            Strings problems = {"dataset_coco.json: images[4] | image val2014/COCO_val2014_000000000133.jpg not found "
                                "in " +
                                root};
            if (path == root)
                problems.push_back("annotations/captions_train2014.json | not used: the Karpathy split file " + root +
                                   "/dataset_coco.json is");
            QCOMPARE(problemsText(d, root), problems);
            QCOMPARE(reportSplits(d),
                     (std::map<std::string, std::size_t>{{"test", 1}, {"train", 2}, {"validation", 1}}));
            // The trainer trains on train + restval and evaluates on test; val is left out.
            const auto split = captioner::splitDataset(d);
            QVERIFY(split.fromLayout);
            QCOMPARE(split.train, (Indices{0, 1}));
            QCOMPARE(split.test, (Indices{3}));
        }
    }

    void karpathySave() {
        const std::string root = dir("karpathysave");
        karpathyCocoImages(root);
        put(root + "/dataset_coco.json", karpathyCoco());
        auto d = CaptionDataset::open(root);
        d.setCaptions(3, {"A cat.", "The cat sleeps, EDITED!", "A third one."});
        d.setCaptions(0, {"A plate of food."});
        d.save();
        const json saved = json::parse(dstest::read(root + "/dataset_coco.json"));
        QCOMPARE(saved["dataset"], json("coco"));
        QCOMPARE(saved["images"].size(), size_t(5));
        QCOMPARE(saved["images"][0], json::parse(R"({"filepath": "train2014", "sentids": [0],
            "filename": "COCO_train2014_000000000009.jpg", "imgid": 0, "split": "train", "cocoid": 9,
            "sentences": [{"tokens": ["a", "plate", "of", "food"], "raw": "A plate of food.", "imgid": 0, "sentid": 0}]})"));
        QCOMPARE(saved["images"][1]["split"], json("restval"));
        QCOMPARE(saved["images"][3]["sentids"], json::parse("[4, 5, 7]"));
        QCOMPARE(saved["images"][3]["sentences"], json::parse(R"([
            {"tokens": ["a", "cat"], "raw": "A cat.", "imgid": 3, "sentid": 4},
            {"tokens": ["the", "cat", "sleeps", "edited"], "raw": "The cat sleeps, EDITED!", "imgid": 3, "sentid": 5},
            {"tokens": ["a", "third", "one"], "raw": "A third one.", "imgid": 3, "sentid": 7}])"));
        QCOMPARE(saved["images"][4]["filename"], json("COCO_val2014_000000000133.jpg")); // the orphan is kept
        QCOMPARE(itemsText(CaptionDataset::open(root), root), itemsText(d, root));
    }

    void karpathyFlickrFiles() {
        // dataset_flickr8k.json: no filepath, images in Images/ as the Flickr8k archive unpacks.
        const std::string f8 = dir("flickr8k");
        image(f8 + "/Images/1000_a.jpg", 1);
        image(f8 + "/Images/2000_b.jpg", 2);
        put(f8 + "/dataset_flickr8k.json", karpathyFlickr("flickr8k"));
        const auto d = CaptionDataset::open(f8);
        QCOMPARE(d.format(), DatasetFormat::Karpathy);
        QCOMPARE(d.root(), f8 + "/Images");
        QCOMPARE(itemsText(d, f8),
                 (Strings{"train Images/1000_a.jpg | A child . / A girl .", "test Images/2000_b.jpg | Two dogs ."}));
        QCOMPARE(problemsText(d, f8), Strings{});

        // caption_datasets.zip unpacked beside flickr30k-images/: of its three files, the one whose
        // images are here is read.
        const std::string f30 = dir("flickr30k");
        image(f30 + "/flickr30k-images/1000_a.jpg", 1);
        image(f30 + "/flickr30k-images/2000_b.jpg", 2);
        put(f30 + "/dataset_coco.json", karpathyCoco());
        put(f30 + "/dataset_flickr30k.json", karpathyFlickr("flickr30k"));
        const auto e = CaptionDataset::open(f30);
        QCOMPARE(e.source(), f30 + "/dataset_flickr30k.json");
        QCOMPARE(e.root(), f30 + "/flickr30k-images");
        QCOMPARE(itemsText(e, f30), (Strings{"train flickr30k-images/1000_a.jpg | A child . / A girl .",
                                             "test flickr30k-images/2000_b.jpg | Two dogs ."}));
        QCOMPARE(problemsText(e, f30), (Strings{"dataset_coco.json | not used: its images are not here (" + f30 +
                                                "/dataset_flickr30k.json is used)"}));

        // Neither file's images here: not guessed.
        const std::string none = dir("karpathynone");
        put(none + "/dataset_coco.json", karpathyCoco());
        put(none + "/dataset_flickr8k.json", karpathyFlickr("flickr8k"));
        try {
            CaptionDataset::open(none);
            QFAIL("opened");
        } catch (const captioner::Error& e) {
            QCOMPARE(std::string(e.what()), none + ": several Karpathy split files (" + none + "/dataset_coco.json, " +
                                                none +
                                                "/dataset_flickr8k.json) and the images of none of them here; open "
                                                "one of them");
        }
        // One file whose images are all missing: one problem naming the file, not one per image.
        const auto m = CaptionDataset::open(none + "/dataset_flickr8k.json");
        QCOMPARE(m.items().size(), size_t(0));
        QCOMPARE(m.orphans().size(), size_t(2));
        QCOMPARE(problemsText(m, none).size(), size_t(1));
        QVERIFY2(problemsText(m, none)[0].rfind("dataset_flickr8k.json | image folder not found: none of its 2 images "
                                                "(such as 1000_a.jpg) is in " +
                                                    none + ", " + none + "/images, ",
                                                0) == 0,
                 problemsText(m, none)[0].c_str());
    }

    void cliReportsBothSplits() {
        QVERIFY(QFileInfo(testsupport::captionerBin()).isExecutable());
        const std::string root = dir("cli2017");
        coco2017(root);
        const auto r = testsupport::runCli({"dataset", QString::fromStdString(root), "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.err, QString());
        const json j = json::parse(r.out.toStdString());
        QCOMPARE(j["format"], json("coco"));
        QCOMPARE(j["source"], json(root));
        QCOMPARE(j["images"], json(3));
        QCOMPARE(j["captions"], json(5));
        QCOMPARE(j["splits"], json::parse(R"({"train": 2, "validation": 1})"));
        QCOMPARE(j["orphan_captions"], json::parse(R"(["000000000285.jpg"])"));
        QCOMPARE(j["unreadable"], json::array());
        const auto text = testsupport::runCli({"dataset", QString::fromStdString(root)});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("Images: 3, captions: 5\nSplits: train=2 validation=1\n"), qPrintable(text.out));
    }
};

QTEST_GUILESS_MAIN(TestDatasetCocoDownload)
#include "test_dataset_coco_download.moc"
