// Issue 21, Japanese input: captions in Japanese, Chinese and Korean (kanji, kana, full-width
// punctuation 「」。、, half-width katakana, an emoji and a kanji outside the BMP, combining characters
// that must not be normalised, a full-width space, a caption with a comma, quotes and a newline) come
// back byte for byte from every dataset layout the core writes (imagefolder metadata.jsonl and
// metadata.csv, COCO JSON, Karpathy JSON, Flickr token file, sidecar .txt, saveAs conversions), the
// review store and its CSV / JSONL exports, and `captioner caption merge`; caption search finds a
// substring of Japanese text. Parquet is read-only (save() refuses it), so it has no write-back here.
// Sidecar and Flickr files hold one caption per line: there a caption's newline is written as a space
// (as for ASCII text) and every other byte is kept.
#include "captioner/caption_search.h"
#include "captioner/csv.h"
#include "captioner/dataset.h"
#include "captioner/review_store.h"

#include "cli_run.h"
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

// Spelled with escapes where the bytes matter more than the look (combining marks, half-width forms).
const std::string kKanjiKana = "桜の木の下で猫が昼寝している";
const std::string kPunct = "「こんにちは」と言った。赤い傘、青い空！（テスト）";
const std::string kHalfWidth = "\uFF76\uFF80\uFF76\uFF85\uFF89\uFF83\uFF7D\uFF84 \uFF8A\uFF9F\uFF9D"; // ｶﾀｶﾅﾉﾃｽﾄ ﾊﾟﾝ
const std::string kEmoji = "猫\U0001F408と犬\U0001F415、\U00020BB7野家\U0001F600"; // 🐈 🐕 𠮷 😀
const std::string kCombining =
    "\u304B\u3099\u304D\u309A と cafe\u0301 と \u1100\u1161\u11A8"; // か゛き゜, e+´, 각 as jamo
const std::string kChinese = "一只猫坐在窗台上，看着外面的雨。";
const std::string kKorean = "고양이가 창가에 앉아 있다. 「안녕」";
const std::string kFullWidthSpace = "全角\u3000スペース\u3000";
const std::string kTricky = "猫, 「犬」と\"鳥\"\n二行目、'引用'";

Strings singleLine() {
    return {kKanjiKana, kPunct, kHalfWidth, kEmoji, kCombining, kChinese, kKorean, kFullWidthSpace};
}
Strings all() {
    Strings s = singleLine();
    s.push_back(kTricky);
    return s;
}
// What a one-caption-per-line file (sidecar, Flickr) can hold of a caption.
std::string oneLine(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    return s;
}
Strings oneLine(Strings s) {
    for (auto& c : s) c = oneLine(c);
    return s;
}

Strings allCaptions(const CaptionDataset& d) {
    Strings out;
    for (const auto& i : d.items())
        for (const auto& c : i.captions) out.push_back(c);
    return out;
}

// The file names of a dataset: one Japanese, so paths are exercised too.
const std::string kNameA = "a.png";
const std::string kNameB = "画像_猫.png";

} // namespace

class TestCjkRoundtrip : public QObject {
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::string dir(const char* name) { return (m_tmp.path() + "/" + name).toStdString(); }

    // Gives image 0 the first half of `captions` and image 1 the rest, saves, reopens and compares.
    void editSaveReopen(CaptionDataset& d, const Strings& captions, const Strings& expected) {
        QCOMPARE(d.items().size(), size_t(2));
        const size_t half = captions.size() / 2;
        d.setCaptions(0, Strings(captions.begin(), captions.begin() + long(half)));
        d.setCaptions(1, Strings(captions.begin() + long(half), captions.end()));
        d.save();
        const auto again = CaptionDataset::open(d.source());
        QCOMPARE(again.format(), d.format());
        QVERIFY2(again.problems().empty(), again.problems().empty() ? "" : again.problems()[0].reason.c_str());
        QCOMPARE(allCaptions(again), expected);
        // Saving what was read writes the same bytes again.
        const std::string first = fs::is_directory(d.source()) ? "" : read(d.source());
        auto third = again;
        third.save();
        if (!first.empty()) QCOMPARE(read(d.source()), first);
    }

private slots:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    void imageFolderJsonl() {
        const std::string root = dir("jsonl");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/metadata.jsonl", "{\"file_name\": \"a.png\", \"text\": \"x\"}\n{\"file_name\": \"" + kNameB +
                                          "\", \"text\": \"y\", \"注記\": \"「そのまま」\"}\n");
        auto d = CaptionDataset::open(root);
        editSaveReopen(d, all(), all());
        const std::string bytes = read(root + "/metadata.jsonl");
        for (const auto& c : singleLine()) QVERIFY2(bytes.find(json(c).dump()) != std::string::npos, c.c_str());
        QVERIFY(bytes.find("\\u") == std::string::npos); // UTF-8 as is, not escaped
        QVERIFY(bytes.find("\"注記\":\"「そのまま」\"") != std::string::npos);
        QCOMPARE(CaptionDataset::open(root).items()[1].fileName, kNameB);
    }

    void imageFolderCsv() {
        // A `captions` column holds a list per row (a JSON list in the cell).
        const std::string root = dir("csv");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/metadata.csv", "file_name,captions,出典\na.png,x,ウェブ\n" + kNameB + ",y,\"「本」, 二巻\"\n");
        auto d = CaptionDataset::open(root);
        editSaveReopen(d, all(), all());
        const std::string bytes = read(root + "/metadata.csv");
        QVERIFY(bytes.find("\"「本」, 二巻\"") != std::string::npos);
        QVERIFY(bytes.find("\\u") == std::string::npos); // UTF-8 as is, not escaped
        // With a BOM (as Excel writes UTF-8 CSV) the first column is still file_name.
        put(root + "/metadata.csv", "\xEF\xBB\xBF" + bytes);
        QCOMPARE(allCaptions(CaptionDataset::open(root)), all());
    }

    void imageFolderCsvTextColumn() {
        // A `text` column holds one caption per row as plain text: every kind of caption, one at a time.
        const std::string root = dir("csv-text");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/metadata.csv", "file_name,text\na.png,x\n" + kNameB + ",y\n");
        auto d = CaptionDataset::open(root);
        const Strings captions = all();
        for (size_t i = 0; i + 1 < captions.size(); i += 2) {
            editSaveReopen(d, {captions[i], captions[i + 1]}, {captions[i], captions[i + 1]});
            const std::string bytes = read(root + "/metadata.csv");
            QVERIFY(bytes.find(captions[i]) != std::string::npos || captions[i].find('"') != std::string::npos);
        }
        editSaveReopen(d, {kTricky, kEmoji}, {kTricky, kEmoji});
        QCOMPARE(read(root + "/metadata.csv"),
                 "file_name,text\r\na.png,\"猫, 「犬」と\"\"鳥\"\"\n二行目、'引用'\"\r\n" + kNameB + "," + kEmoji +
                     "\r\n");
    }

    void coco() {
        const std::string root = dir("coco");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/captions.json", R"({"info": {"説明": "日本語"}, "images": [{"id": 1, "file_name": "a.png"},
            {"id": 2, "file_name": ")" + kNameB +
                                         R"("}], "annotations": [{"id": 1, "image_id": 1, "caption": "x"},
            {"id": 2, "image_id": 2, "caption": "y"}]})");
        auto d = CaptionDataset::open(root + "/captions.json");
        editSaveReopen(d, all(), all());
        const std::string bytes = read(root + "/captions.json");
        for (const auto& c : singleLine()) QVERIFY2(bytes.find(json(c).dump()) != std::string::npos, c.c_str());
        QCOMPARE(json::parse(bytes)["info"]["説明"].get<std::string>(), std::string("日本語"));
    }

    void karpathy() {
        const std::string root = dir("karpathy");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/dataset_flickr8k.json",
            R"({"dataset": "flickr8k", "images": [{"filename": "a.png", "split": "train", "imgid": 0,
            "sentences": [{"raw": "x", "tokens": ["x"], "imgid": 0, "sentid": 0}]},
            {"filename": ")" +
                kNameB + R"(", "split": "test", "imgid": 1,
            "sentences": [{"raw": "y", "tokens": ["y"], "imgid": 1, "sentid": 1}]}]})");
        auto d = CaptionDataset::open(root + "/dataset_flickr8k.json");
        QCOMPARE(d.format(), DatasetFormat::Karpathy);
        editSaveReopen(d, all(), all());
    }

    void flickr() {
        const std::string root = dir("flickr");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/captions.token.txt", "a.png#0\tx\n" + kNameB + "#0\ty\n");
        auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Flickr);
        editSaveReopen(d, all(), oneLine(all()));
        const std::string bytes = read(root + "/captions.token.txt");
        for (const auto& c : singleLine()) QVERIFY2(bytes.find("\t" + c + "\n") != std::string::npos, c.c_str());
    }

    void sidecar() {
        const std::string root = dir("sidecar");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/a.txt", "x\n");
        put(root + "/画像_猫.txt", "y\n");
        auto d = CaptionDataset::open(root);
        QCOMPARE(d.format(), DatasetFormat::Sidecar);
        editSaveReopen(d, all(), oneLine(all()));
        const size_t half = all().size() / 2;
        std::string expectedB;
        for (size_t i = half; i < all().size(); ++i) expectedB += oneLine(all()[i]) + "\n";
        QCOMPARE(read(root + "/画像_猫.txt"), expectedB);
    }

    void conversions() {
        const std::string root = dir("conv"), side = dir("conv-side"), back = dir("conv-back");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/metadata.jsonl", "{\"file_name\": \"a.png\", \"captions\": [\"x\"]}\n{\"file_name\": \"" + kNameB +
                                          "\", \"captions\": [\"y\"], \"メモ\": \"残す\"}\n");
        auto d = CaptionDataset::open(root);
        d.setCaptions(0, singleLine());
        d.setCaptions(1, {kKanjiKana, kEmoji});
        d.save();
        d.saveAs(side, DatasetFormat::Sidecar);
        const auto s = CaptionDataset::open(side);
        QCOMPARE(allCaptions(s), allCaptions(d));
        s.saveAs(back, DatasetFormat::ImageFolder);
        const auto b = CaptionDataset::open(back);
        QCOMPARE(allCaptions(b), allCaptions(d));
        QCOMPARE(b.items()[1].fileName, kNameB);
        QCOMPARE(b.items()[1].extra.value("メモ", std::string()), std::string("残す"));
        QCOMPARE(read(back + "/" + kNameB), read(root + "/" + kNameB));
    }

    void reviewStoreAndExports() {
        const std::string root = dir("review");
        image(root + "/" + kNameA, 1);
        image(root + "/" + kNameB, 2);
        put(root + "/metadata.jsonl",
            "{\"file_name\": \"a.png\", \"text\": \"x\"}\n{\"file_name\": \"" + kNameB + "\", \"text\": \"y\"}\n");
        auto d = CaptionDataset::open(root);
        // Exports carry the dataset's caption (what the reviewer's edit was saved as) beside the verdict.
        d.setCaptions(0, {kTricky});
        d.setCaptions(1, {kCombining});
        captioner::ReviewStore store(captioner::ReviewStore::defaultPath(d));
        const std::string keyA = captioner::ReviewStore::keyFor(d, d.items()[0]);
        const std::string keyB = captioner::ReviewStore::keyFor(d, d.items()[1]);
        QCOMPARE(keyB, kNameB);
        store.set(keyA, {captioner::ReviewStatus::Edited, "", kTricky, "2026-12-07T08:00:00Z"});
        store.set(keyB, {captioner::ReviewStatus::Flagged, "「不正確」、絵文字\U0001F600", kCombining,
                         "2026-12-07T08:00:01Z"});
        store.save();
        const auto loaded = captioner::ReviewStore::load(store.path());
        QVERIFY(loaded.problems().empty());
        QCOMPARE(loaded.entry(keyA).caption, kTricky);
        QCOMPARE(loaded.entry(keyB).caption, kCombining);
        QCOMPARE(loaded.entry(keyB).reason, std::string("「不正確」、絵文字\U0001F600"));
        QCOMPARE(loaded.serialize(), store.serialize());

        const std::string csvPath = root + "/review.csv", jsonlPath = root + "/review-export.jsonl";
        captioner::exportReviewCsv(csvPath, d, loaded);
        captioner::exportReviewJsonl(jsonlPath, d, loaded);
        const auto rows = captioner::parseCsv(read(csvPath), csvPath);
        QCOMPARE(rows.size(), size_t(3));
        QCOMPARE(rows[0].fields, Strings({"file", "status", "reason", "caption", "caption_chars", "reviewed_at"}));
        QCOMPARE(rows[1].fields[0], std::string("a.png"));
        QCOMPARE(rows[1].fields[3], kTricky);
        QCOMPARE(rows[1].fields[4], std::to_string(captioner::captionLength(kTricky)));
        QCOMPARE(rows[2].fields[0], kNameB);
        QCOMPARE(rows[2].fields[2], std::string("「不正確」、絵文字\U0001F600"));
        QCOMPARE(rows[2].fields[3], kCombining);
        Strings lines;
        const std::string jl = read(jsonlPath);
        for (size_t pos = 0, nl; (nl = jl.find('\n', pos)) != std::string::npos; pos = nl + 1)
            lines.push_back(jl.substr(pos, nl - pos));
        QCOMPARE(lines.size(), size_t(2));
        QCOMPARE(json::parse(lines[0])["caption"].get<std::string>(), kTricky);
        QCOMPARE(json::parse(lines[1])["file"].get<std::string>(), kNameB);
        QCOMPARE(json::parse(lines[1])["caption"].get<std::string>(), kCombining);
        QVERIFY(jl.find(kCombining) != std::string::npos); // raw UTF-8, not \u escapes
    }

    void captionLengthCountsCodePoints() {
        QCOMPARE(captioner::captionLength("「猫」"), size_t(3));
        QCOMPARE(captioner::captionLength("\U0001F408"), size_t(1));
        QCOMPARE(captioner::captionLength("\u304B\u3099"), size_t(2)); // not normalised
        QCOMPARE(captioner::captionLength(kHalfWidth), size_t(12));
    }

    void searchFindsJapaneseSubstrings() {
        captioner::DatasetItem item;
        item.fileName = kNameB;
        item.captions = {kKanjiKana, kPunct, kEmoji, kKorean, kChinese, kHalfWidth};
        const auto finds = [&](const std::string& q, bool whole = false) {
            return captioner::matchesQuery(item, captioner::CaptionQuery{q, whole});
        };
        QVERIFY(finds("昼寝"));
        QVERIFY(finds("猫が"));
        QVERIFY(finds("「こんにちは」"));
        QVERIFY(finds("青い空"));
        QVERIFY(finds("昼寝 青い空")); // AND over captions
        QVERIFY(finds("\U0001F408"));
        QVERIFY(finds("\U00020BB7野家"));
        QVERIFY(finds("창가에"));
        QVERIFY(finds("窗台"));
        QVERIFY(finds("\uFF83\uFF7D\uFF84"));
        QVERIFY(finds("画像"));             // the file name
        QVERIFY(finds("昼寝\u3000青い空")); // an input method's full-width space separates terms
        QCOMPARE(captioner::queryTerms("猫\u3000 犬\u3000"), Strings({"猫", "犬"}));
        QVERIFY(!finds("昼寝 夜"));
        QVERIFY(!finds("カタカナ")); // full-width katakana does not match half-width
        QVERIFY(!finds("犬猫"));
        // A Japanese sentence has no spaces: as a whole word the substring is inside a word.
        QVERIFY(!finds("昼寝", true));
        QVERIFY(finds("창가에", true));
    }

    void captionMergeKeepsBytes() {
        // `captioner caption merge` joins record files line by line: each line's bytes as written.
        const std::string root = dir("merge");
        const auto line = [](size_t index, int shard, const std::string& image, const std::string& caption) {
            return json{{"image", image}, {"caption", caption}, {"token_ids", json::array()},
                        {"seconds", 0.5}, {"confidence", 0.75}, {"index", index},
                        {"shard", shard}, {"shards", 2},        {"total", 4}}
                .dump();
        };
        const Strings images = {"/data/" + kNameB, "/data/b.png", "/data/日本/c.png", "/data/d.png"};
        const Strings caps = {kKanjiKana, kTricky, kEmoji, kCombining};
        const std::string l0 = line(0, 0, images[0], caps[0]), l1 = line(1, 0, images[1], caps[1]);
        const std::string l2 = line(2, 1, images[2], caps[2]), l3 = line(3, 1, images[3], caps[3]);
        put(root + "/s0.jsonl", l0 + "\n" + l1 + "\n");
        put(root + "/s1.jsonl", l2 + "\n" + l3 + "\n");
        const QString out = QString::fromStdString(root + "/merged.jsonl");
        const auto r = testsupport::runCli({"caption", "merge", out, QString::fromStdString(root + "/s1.jsonl"),
                                            QString::fromStdString(root + "/s0.jsonl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(read(out.toStdString()), l0 + "\n" + l1 + "\n" + l2 + "\n" + l3 + "\n");
        QCOMPARE(json::parse(l1)["caption"].get<std::string>(), kTricky);
    }

    void cliConvertKeepsBytes() {
        const std::string root = dir("cli-conv"), out = dir("cli-conv-out");
        image(root + "/" + kNameB, 2);
        put(root + "/metadata.jsonl", "{\"file_name\": \"" + kNameB + "\", \"text\": " + json(kPunct).dump() + "}\n");
        const auto r = testsupport::runCli({"dataset", "convert", QString::fromStdString(root), "--to", "sidecar",
                                            "--out", QString::fromStdString(out)});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(read(out + "/画像_猫.txt"), kPunct + "\n");
    }
};

QTEST_GUILESS_MAIN(TestCjkRoundtrip)
#include "test_cjk_roundtrip.moc"
