// ClipImageProcessor against Hugging Face's CLIPImageProcessor (transformers 4.46 + Pillow 9.4),
// reference values made by tests/fixtures/image/make_fixtures.py.
#include "test_support.h"

#include <captioner/clip_image_processor.h>
#include <captioner/error.h>
#include <captioner/image_io.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cstring>
#include <random>

using namespace captioner;

namespace {

std::string imageFixture(const std::string& rel) { return testsupport::fixture("image/" + rel); }

// Minimal .npy reader for the float32 C-order files numpy.save writes.
torch::Tensor readNpy(const std::string& path) {
    const std::string bytes = testsupport::readFile(path);
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) throw std::runtime_error("not npy: " + path);
    const size_t headerLen = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
    const std::string header = bytes.substr(10, headerLen);
    if (header.find("'descr': '<f4'") == std::string::npos ||
        header.find("'fortran_order': False") == std::string::npos)
        throw std::runtime_error("unsupported npy: " + path);
    std::vector<int64_t> shape;
    size_t i = header.find('(', header.find("'shape'")) + 1;
    while (header[i] != ')') {
        if (isdigit(uint8_t(header[i]))) {
            size_t used = 0;
            shape.push_back(std::stoll(header.substr(i), &used));
            i += used;
        } else {
            ++i;
        }
    }
    torch::Tensor t = torch::empty(shape, torch::kFloat32);
    const size_t payload = size_t(t.numel()) * 4;
    if (bytes.size() != 10 + headerLen + payload) throw std::runtime_error("npy size mismatch: " + path);
    std::memcpy(t.data_ptr<float>(), bytes.data() + 10 + headerLen, payload);
    return t;
}

cv::Mat readRgbPng(const std::string& path) {
    cv::Mat bgr = cv::imread(path, cv::IMREAD_COLOR);
    if (bgr.empty()) throw std::runtime_error("cannot read " + path);
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return rgb;
}

bool sameImage(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

// HF's pixel_values rebuilt losslessly from its crop (uint8) and its per-level table (see README).
torch::Tensor hfPixelValues(const std::string& cropRel) {
    const torch::Tensor table = readNpy(imageFixture("reference/normalize_table.npy")); // [3,256]
    const cv::Mat crop = readRgbPng(imageFixture(cropRel));
    torch::Tensor out = torch::empty({3, crop.rows, crop.cols}, torch::kFloat32);
    auto t = table.accessor<float, 2>();
    auto o = out.accessor<float, 3>();
    for (int y = 0; y < crop.rows; ++y)
        for (int x = 0; x < crop.cols; ++x)
            for (int c = 0; c < 3; ++c) o[c][y][x] = t[c][crop.at<cv::Vec3b>(y, x)[c]];
    return out;
}

// HF's center_crop of a resized image: crop pixel (y, x) is (top + y, left + x), zero outside.
cv::Mat hfCenterCrop(const cv::Mat& img, int cropH, int cropW) {
    const auto floorDiv2 = [](int v) { return v >= 0 ? v / 2 : -((-v + 1) / 2); };
    const int top = floorDiv2(img.rows - cropH), left = floorDiv2(img.cols - cropW);
    cv::Mat out = cv::Mat::zeros(cropH, cropW, img.type());
    for (int y = 0; y < cropH; ++y)
        for (int x = 0; x < cropW; ++x)
            if (top + y >= 0 && top + y < img.rows && left + x >= 0 && left + x < img.cols)
                out.at<cv::Vec3b>(y, x) = img.at<cv::Vec3b>(top + y, left + x);
    return out;
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b) { return (a - b).abs().max().item<double>(); }

bool isLossless(const std::string& input) {
    return input.find(".jpg") == std::string::npos && input.find(".webp") == std::string::npos;
}

} // namespace

class TestClipImageProcessor : public QObject {
    Q_OBJECT
private slots:
    void matchesHuggingFace_data() {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("crop");
        for (const auto& e : testsupport::readJson(imageFixture("reference/manifest.json")))
            QTest::newRow(e["input"].get<std::string>().c_str())
                << QString::fromStdString(e["input"]) << QString::fromStdString(e["crop"]);
    }
    void matchesHuggingFace() {
        QFETCH(QString, input);
        QFETCH(QString, crop);
        const ClipImageProcessor proc =
            ClipImageProcessor::fromJsonFile(imageFixture("reference/git_base_preprocessor_config.json"));
        const cv::Mat rgb = decodeImageRgb(imageFixture(input.toStdString()));
        const torch::Tensor ours = proc.preprocess(rgb);
        const torch::Tensor ref = hfPixelValues(crop.toStdString());
        QCOMPARE(ours.sizes().vec(), (std::vector<int64_t>{3, 224, 224}));
        QCOMPARE(ours.scalar_type(), torch::kFloat32);
        const double diff = maxAbsDiff(ours, ref);
        const double meanDiff = (ours - ref).abs().mean().item<double>();
        qInfo("%s: max |ours - HF| = %.3g, mean %.3g", qPrintable(input), diff, meanDiff);
        QVERIFY2(diff < 1e-2, qPrintable(QString::number(diff)));
        if (isLossless(input.toStdString())) {
            QVERIFY2(diff <= 1e-6, qPrintable(QString::number(diff)));
            QVERIFY(sameImage(proc.resizedAndCropped(rgb), readRgbPng(imageFixture(crop.toStdString()))));
        }
    }

    void resizeIsBitExactWithPillow_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("downscale 400x267 -> 336x224") << "landscape_rgb_400x267";
        QTest::newRow("upscale 180x130 -> 310x224") << "small_rgb_180x130";
    }
    void resizeIsBitExactWithPillow() {
        QFETCH(QString, name);
        const ClipImageProcessor proc;
        const cv::Mat rgb = decodeImageRgb(imageFixture("input/" + name.toStdString() + ".png"));
        const cv::Mat ours = proc.resized(rgb);
        const cv::Mat pil = readRgbPng(imageFixture("reference/" + name.toStdString() + "_resized.png"));
        QCOMPARE(ours.cols, pil.cols);
        QCOMPARE(ours.rows, pil.rows);
        QCOMPARE(cv::norm(ours, pil, cv::NORM_INF), 0.0);
        // OpenCV's bicubic (no antialiasing) is visibly different: the reason pilResize exists.
        cv::Mat cvCubic;
        cv::resize(rgb, cvCubic, pil.size(), 0, 0, cv::INTER_CUBIC);
        QVERIFY(cv::norm(cvCubic, pil, cv::NORM_INF) > 0);
    }

    // resizedAndCropped resizes only the region the crop keeps; it must equal the whole resize cropped,
    // bit for bit, for every filter, landscape and portrait, odd sizes, crops larger than the resize.
    void croppedRegionResizeEqualsFullResize() {
        std::mt19937 rng(23);
        const auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
        int cases = 0, padded = 0;
        for (int i = 0; i < 240; ++i) {
            ClipImageProcessorConfig c;
            c.resample = i % 6;
            if (i % 5 == 4) {
                c.sizeHeight = uniform(1, 300);
                c.sizeWidth = uniform(1, 300);
            } else {
                c.shortestEdge = i % 3 == 0 ? 224 : uniform(1, 260);
            }
            c.cropHeight = i % 3 == 0 ? 224 : uniform(1, 300);
            c.cropWidth = i % 3 == 0 ? 224 : uniform(1, 300);
            int w = uniform(1, 520), h = uniform(1, 520);
            if (i % 7 == 0) w = uniform(1, 4); // elongated portrait
            if (i % 7 == 1) h = uniform(1, 4); // elongated landscape
            cv::Mat rgb(h, w, CV_8UC3);
            cv::randu(rgb, 0, 256);
            const ClipImageProcessor proc(c);
            const cv::Mat full = proc.resized(rgb);
            const cv::Mat expected = hfCenterCrop(full, c.cropHeight, c.cropWidth);
            const cv::Mat ours = proc.resizedAndCropped(rgb);
            const std::string what = std::to_string(w) + "x" + std::to_string(h) + " resized to " +
                                     std::to_string(full.cols) + "x" + std::to_string(full.rows) + ", crop " +
                                     std::to_string(c.cropWidth) + "x" + std::to_string(c.cropHeight) + ", filter " +
                                     std::to_string(c.resample);
            QVERIFY2(sameImage(ours, expected), what.c_str());
            padded += full.rows < c.cropHeight || full.cols < c.cropWidth;
            ++cases;
        }
        QCOMPARE(cases, 240);
        QVERIFY(padded > 20); // the padded branch is exercised too
    }

    void elongatedImageCostsOnlyItsCrop() {
        // 1 x 65537 resizes to 224 x 14,680,288 (9.9 GB); the crop needs 224 x 224 of it.
        const ClipImageProcessor proc;
        cv::Mat rgb(65537, 1, CV_8UC3);
        cv::randu(rgb, 0, 256);
        const cv::Mat crop = proc.resizedAndCropped(rgb);
        QCOMPARE(crop.rows, 224);
        QCOMPARE(crop.cols, 224);
        // Upscaling one column: every output column is the same, and row y of the crop is the bicubic
        // interpolation of source rows around the middle; compare with a full resize of the middle.
        ClipImageProcessorConfig c;
        c.sizeWidth = 224;
        c.sizeHeight = 14680288;
        c.doCenterCrop = true;
        QCOMPARE(ClipImageProcessor(c).resizedAndCropped(rgb).rows, 224);
        QVERIFY(sameImage(ClipImageProcessor(c).resizedAndCropped(rgb), crop));
        QVERIFY_THROWS_EXCEPTION(Error, proc.resized(rgb)); // the full resize is over the pixel limit
        // A resize longer than 2^30 pixels is refused, not attempted.
        ClipImageProcessorConfig big;
        big.shortestEdge = 1 << 20;
        QVERIFY_THROWS_EXCEPTION(Error, ClipImageProcessor(big).resizedAndCropped(cv::Mat(2000, 1, CV_8UC3)));
    }

    void heightWidthResizeAndPaddedCrop() {
        // size {"height": 50, "width": 70}, crop 64x60 (larger: zero padding), rescale 0.5, no normalise.
        const ClipImageProcessor proc = ClipImageProcessor::fromJsonFile(imageFixture("reference/odd_config.json"));
        QCOMPARE(proc.outputHeight(), 64);
        QCOMPARE(proc.outputWidth(), 60);
        const torch::Tensor ours = proc.preprocess(decodeImageRgb(imageFixture("input/small_rgb_180x130.png")));
        const torch::Tensor ref = readNpy(imageFixture("reference/odd_config_small_rgb.npy"));
        QCOMPARE(ours.sizes().vec(), ref.sizes().vec());
        QCOMPARE(maxAbsDiff(ours, ref), 0.0);
    }

    void shortestEdgeWithPaddedCrop() {
        ClipImageProcessorConfig c;
        c.shortestEdge = 40;
        c.cropHeight = 48;
        c.cropWidth = 44;
        const ClipImageProcessor proc(c);
        const torch::Tensor ours = proc.preprocess(decodeImageRgb(imageFixture("input/portrait_rgb_240x353.png")));
        const torch::Tensor ref = readNpy(imageFixture("reference/pad_config_portrait.npy"));
        QCOMPARE(ours.sizes().vec(), (std::vector<int64_t>{3, 48, 44}));
        QCOMPARE(maxAbsDiff(ours, ref), 0.0);
    }

    void batchStacksImagesOfMixedSizes() {
        const ClipImageProcessor proc;
        const cv::Mat a = decodeImageRgb(imageFixture("input/landscape_rgb_400x267.png"));
        const cv::Mat b = decodeImageRgb(imageFixture("input/portrait_rgb_240x353.png"));
        const torch::Tensor batch = proc.preprocessBatch({a, b});
        QCOMPARE(batch.sizes().vec(), (std::vector<int64_t>{2, 3, 224, 224}));
        QVERIFY(torch::equal(batch[0], proc.preprocess(a)));
        QVERIFY(torch::equal(batch[1], proc.preprocess(b)));
        testsupport::expectError([&] { proc.preprocessBatch({}); }, "preprocess", {"empty batch"});
        ClipImageProcessorConfig noCrop;
        noCrop.doCenterCrop = false;
        QCOMPARE(ClipImageProcessor(noCrop).outputHeight(), 0);
        testsupport::expectError(
            [&] {
                ClipImageProcessor(noCrop).preprocessBatch({a, b});
            },
            "preprocess", {"different sizes"});
    }

    void greyAndRgbaInputsAreConverted() {
        const ClipImageProcessor proc;
        const cv::Mat rgb = decodeImageRgb(imageFixture("input/landscape_rgb_400x267.png"));
        cv::Mat rgba, grey, greyRgb;
        cv::cvtColor(rgb, rgba, cv::COLOR_RGB2RGBA);
        QVERIFY(torch::equal(proc.preprocess(rgba), proc.preprocess(rgb)));
        cv::cvtColor(rgb, grey, cv::COLOR_RGB2GRAY);
        cv::cvtColor(grey, greyRgb, cv::COLOR_GRAY2RGB);
        QVERIFY(torch::equal(proc.preprocess(grey), proc.preprocess(greyRgb)));
        testsupport::expectError([&] { proc.preprocess(cv::Mat()); }, "preprocess", {"non-empty"});
    }

    void configDefaultsMatchGitBase() {
        const ClipImageProcessor proc =
            ClipImageProcessor::fromJsonFile(imageFixture("reference/git_base_preprocessor_config.json"));
        const ClipImageProcessorConfig d;
        const auto& c = proc.config();
        QCOMPARE(c.shortestEdge, 224);
        QCOMPARE(c.resample, 3);
        QCOMPARE(c.cropHeight, 224);
        QCOMPARE(c.rescaleFactor, d.rescaleFactor);
        QVERIFY(c.imageMean == d.imageMean && c.imageStd == d.imageStd);
        QCOMPARE(c.extra, (nlohmann::json{{"processor_class", "GitProcessor"}})); // kept for the round trip
        QCOMPARE(proc.outputHeight(), 224);
        QCOMPARE(proc.outputWidth(), 224);
    }

    void savesLikeSavePretrained() {
        // Byte-identical to CLIPImageProcessor.save_pretrained (sorted keys, indent 2, newline).
        const std::string expected = testsupport::readFile(imageFixture("reference/saved/preprocessor_config.json"));
        const ClipImageProcessor proc;
        QCOMPARE(QString::fromStdString(proc.toJson().dump(2) + "\n"), QString::fromStdString(expected));
        QTemporaryDir dir;
        const std::string path = dir.filePath("preprocessor_config.json").toStdString();
        proc.save(path);
        QCOMPARE(QString::fromStdString(testsupport::readFile(path)), QString::fromStdString(expected));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1); // no temporary left behind
    }

    void unknownKeysRoundTrip() {
        nlohmann::json j = testsupport::readJson(imageFixture("reference/odd_config.json"));
        j["my_custom_flag"] = {{"nested", 1}};
        j["processor_class"] = "SomethingElse";
        const ClipImageProcessor proc = ClipImageProcessor::fromJson(j, "mem");
        const nlohmann::json back = proc.toJson();
        QCOMPARE(back["my_custom_flag"], j["my_custom_flag"]);
        QCOMPARE(back["processor_class"], nlohmann::json("SomethingElse"));
        QCOMPARE(back["size"], (nlohmann::json{{"height", 50}, {"width", 70}}));
        QCOMPARE(ClipImageProcessor::fromJson(back, "again").toJson(), back);
        // Legacy integer sizes as get_size_dict reads them.
        const auto legacy = ClipImageProcessor::fromJson({{"size", 100}, {"crop_size", 90}}, "legacy");
        QCOMPARE(legacy.config().shortestEdge, 100);
        QCOMPARE(legacy.config().cropWidth, 90);
    }

    void badConfigsNameTheSource_data() {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not an object") << "[1, 2]"
                                       << "JSON object";
        QTest::newRow("bad resample") << R"({"resample": 9})"
                                      << "resample";
        QTest::newRow("resample type") << R"({"resample": "bicubic"})"
                                       << "resample";
        QTest::newRow("bad size keys") << R"({"size": {"longest_edge": 5}})"
                                       << "size";
        QTest::newRow("negative size") << R"({"size": {"shortest_edge": -1}})"
                                       << "shortest_edge";
        QTest::newRow("zero std") << R"({"image_std": [0.5, 0, 0.5]})"
                                  << "image_std";
        QTest::newRow("short mean") << R"({"image_mean": [0.5, 0.5]})"
                                    << "image_mean";
        QTest::newRow("flag type") << R"({"do_resize": "yes"})"
                                   << "do_resize";
        QTest::newRow("other processor") << R"({"image_processor_type": "BlipImageProcessor"})"
                                         << "unsupported";
    }
    void badConfigsNameTheSource() {
        QFETCH(QString, json);
        QFETCH(QString, reason);
        testsupport::expectError(
            [&] { ClipImageProcessor::fromJson(nlohmann::json::parse(json.toStdString()), "cfg.json"); }, "cfg.json",
            {reason.toStdString().c_str()});
    }

    void badConfigFiles() {
        QTemporaryDir dir;
        const std::string broken = dir.filePath("broken.json").toStdString();
        testsupport::writeFile(broken, "{\"do_resize\": tru");
        testsupport::expectError([&] { ClipImageProcessor::fromJsonFile(broken); }, broken, {"invalid JSON"});
        const std::string missing = dir.filePath("missing.json").toStdString();
        testsupport::expectError([&] { ClipImageProcessor::fromJsonFile(missing); }, missing, {"cannot open"});
    }

    void writeNpyMatchesNumpyBytes() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("t.npy").toStdString();
        const torch::Tensor t = (torch::arange(24, torch::kFloat32).reshape({2, 3, 4}) - 7.25) / 3;
        writeNpy(path, t);
        QVERIFY(testsupport::readFile(path) == testsupport::readFile(imageFixture("reference/tiny_2x3x4.npy")));
        // Non-contiguous input is written in C order.
        writeNpy(path, t.transpose(0, 2).contiguous().transpose(0, 2));
        QVERIFY(testsupport::readFile(path) == testsupport::readFile(imageFixture("reference/tiny_2x3x4.npy")));
        const torch::Tensor v = torch::tensor({1.5f, -2.0f, 0.0f, 3.25e-8f, 1e30f});
        writeNpy(path, v);
        QVERIFY(testsupport::readFile(path) == testsupport::readFile(imageFixture("reference/tiny_5.npy")));
        QVERIFY(torch::equal(readNpy(path), v));
        testsupport::expectError([&] { writeNpy(path, torch::zeros({2}, torch::kInt64)); }, path, {"float32"});
        const std::string noDir = dir.filePath("no/such/dir/x.npy").toStdString();
        testsupport::expectError([&] { writeNpy(noDir, v); }, noDir, {""});
    }
};

QTEST_GUILESS_MAIN(TestClipImageProcessor)
#include "test_clip_image_processor.moc"
