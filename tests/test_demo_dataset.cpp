// The demo dataset: every caption must say exactly what is drawn (colour at each shape, the shape's
// outline, the size class, the named order of the relation), the vocabulary must be single BERT
// tokens, and the written imagefolder must be complete and identical for a seed.
#include "test_support.h"

#include <captioner/demo_dataset.h>
#include <captioner/error.h>
#include <captioner/runtime.h>
#include <captioner/tokenizer.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

using namespace captioner;
namespace fs = std::filesystem;

namespace {

// Shape outlines written independently of the renderer, in units of the radius, y down.
bool insideShape(DemoShape s, double x, double y) {
    const double pi = 3.14159265358979323846;
    switch (s) {
    case DemoShape::Circle: return x * x + y * y < 1;
    case DemoShape::Square: return std::abs(x) < kDemoSquareHalfSide && std::abs(y) < kDemoSquareHalfSide;
    case DemoShape::Diamond: return std::abs(x) + std::abs(y) < 1;
    case DemoShape::Triangle: {
        // apex (0,-1), base y = 0.5 from x = -sqrt(3)/2 to +sqrt(3)/2
        if (y > 0.5 || y < -1) return false;
        return std::abs(x) < (y + 1) / 1.5 * std::sqrt(3.0) / 2;
    }
    case DemoShape::Star: {
        // Star-shaped about the centre: compare the radius with the outline's radius at that angle.
        const double r = std::hypot(x, y);
        if (r < 1e-9) return true;
        double a = std::atan2(y, x) + pi / 2; // 0 at the top point
        const double sector = pi / 5;
        a = std::fmod(std::fmod(a, 2 * sector) + 2 * sector, 2 * sector);
        const double t = a <= sector ? a : 2 * sector - a; // angle from the nearest outer point
        // edge from outer point (1, angle 0) to inner point (inner radius, angle sector), intersected with the ray
        const double ox = 1, oy = 0, ix = kDemoStarInnerRadius * std::cos(sector),
                     iy = kDemoStarInnerRadius * std::sin(sector);
        const double dx = ix - ox, dy = iy - oy, cx = std::cos(t), cy = std::sin(t);
        const double denom = cx * dy - cy * dx;
        const double edge = (ox * dy - oy * dx) / denom;
        return r < edge;
    }
    }
    return false;
}

cv::Vec3d meanAt(const cv::Mat& rgb, double fx, double fy, int half) {
    const int x = int(fx * rgb.cols), y = int(fy * rgb.rows);
    cv::Vec3d sum(0, 0, 0);
    int n = 0;
    for (int yy = y - half; yy <= y + half; ++yy)
        for (int xx = x - half; xx <= x + half; ++xx) {
            const auto p = rgb.at<cv::Vec3b>(yy, xx);
            sum += cv::Vec3d(p[0], p[1], p[2]);
            ++n;
        }
    return sum / n;
}

double distance(const cv::Vec3d& a, const std::array<uint8_t, 3>& b) {
    return std::sqrt(std::pow(a[0] - b[0], 2) + std::pow(a[1] - b[1], 2) + std::pow(a[2] - b[2], 2));
}

std::mt19937_64 sceneRng(int i) { return std::mt19937_64(uint64_t(i) * 7919 + 13); }

std::string readAll(const fs::path& p) { return testsupport::readFile(p.string()); }

} // namespace

class TestDemoDataset : public QObject {
    Q_OBJECT
private slots:

    // The demo's fresh training scenes: a function of (seed, epoch, index), different from epoch to epoch
    // and never the dataset's own scene of the same index (another random stream).
    void freshScenesAreSeededAndNew() {
        QCOMPARE(describeScene(freshDemoScene(1, 3, 17)), describeScene(freshDemoScene(1, 3, 17)));
        QCOMPARE(freshDemoScene(1, 3, 17).objects[0].cx, freshDemoScene(1, 3, 17).objects[0].cx);
        int sameAcrossEpochs = 0, sameAsDataset = 0, sameAcrossSeeds = 0;
        const int n = 200;
        QTemporaryDir dir;
        DemoDatasetOptions o;
        o.count = n;
        o.seed = 1;
        o.imageSize = 16;
        writeDemoDataset(dir.filePath("d").toStdString(), o);
        std::ifstream meta(dir.filePath("d/metadata.jsonl").toStdString());
        std::vector<std::string> dataset;
        for (std::string line; std::getline(meta, line);) dataset.push_back(nlohmann::json::parse(line).at("text"));
        QCOMPARE(int(dataset.size()), n);
        for (int i = 0; i < n; ++i) {
            const auto a = freshDemoScene(1, 0, size_t(i)), b = freshDemoScene(1, 1, size_t(i));
            const auto c = freshDemoScene(2, 0, size_t(i));
            sameAcrossEpochs += a.objects[0].cx == b.objects[0].cx;
            sameAcrossSeeds += a.objects[0].cx == c.objects[0].cx;
            sameAsDataset += describeScene(a) == dataset[size_t(i)];
        }
        QCOMPARE(sameAcrossEpochs, 0);
        QCOMPARE(sameAcrossSeeds, 0);
        // Captions repeat by chance (a one-shape caption is one of 60), positions never do.
        QVERIFY2(sameAsDataset < n / 10, qPrintable(QString::number(sameAsDataset)));
    }
    void vocabularyIsSingleBertTokens() {
        auto tok = WordPieceTokenizer::fromVocabFile(findDataFile("bert-base-uncased-vocab.txt"));
        const auto words = demoVocabulary();
        QCOMPARE(int(words.size()), 19);
        for (const auto& w : words) {
            const auto pieces = tok->tokenize(w);
            QVERIFY2(pieces.size() == 1 && pieces[0] == w, w.c_str());
            QVERIFY(tok->tokenToId(w) != tok->unkTokenId());
        }
        // And whole captions: one token per word.
        for (int i = 0; i < 200; ++i) {
            auto rng = sceneRng(i);
            const std::string caption = describeScene(randomScene(rng));
            const auto words2 = QString::fromStdString(caption).split(' ');
            QCOMPARE(int(tok->tokenize(caption).size()), int(words2.size()));
        }
    }

    void captionFollowsGrammar() {
        const QRegularExpression np(
            "a (small|large) (red|green|blue|yellow|purple|orange) (circle|square|triangle|star|diamond)");
        const QRegularExpression full("^" + np.pattern() + "(?:( to the left of | above )" + np.pattern() + ")?$");
        for (int i = 0; i < 500; ++i) {
            auto rng = sceneRng(i);
            const DemoScene s = randomScene(rng);
            const QString caption = QString::fromStdString(describeScene(s));
            const auto m = full.match(caption);
            QVERIFY2(m.hasMatch(), qPrintable(caption));
            QCOMPARE(m.captured(1).toStdString(), toString(s.objects[0].size));
            QCOMPARE(m.captured(2).toStdString(), toString(s.objects[0].colour));
            QCOMPARE(m.captured(3).toStdString(), toString(s.objects[0].shape));
            QCOMPARE(int(s.objects.size()), m.captured(4).isEmpty() ? 1 : 2);
            if (s.objects.size() == 2) {
                QCOMPARE(m.captured(4),
                         s.relation == DemoRelation::Above ? QString(" above ") : QString(" to the left of "));
                QCOMPARE(m.captured(5).toStdString(), toString(s.objects[1].size));
                QCOMPARE(m.captured(6).toStdString(), toString(s.objects[1].colour));
                QCOMPARE(m.captured(7).toStdString(), toString(s.objects[1].shape));
            }
        }

        DemoScene one;
        one.objects = {DemoObject{DemoShape::Star, DemoColour::Purple, DemoSize::Large, 0.5, 0.5, 0.2, {}}};
        QCOMPARE(describeScene(one), std::string("a large purple star"));
    }

    // The geometry of the scene agrees with the words: first-named shape is left of / above the
    // second with a clear gap, sizes fall in separate ranges, and everything lies inside the image.
    void geometryMatchesRelationAndSize() {
        int counts[2] = {0, 0};
        for (int i = 0; i < 2000; ++i) {
            auto rng = sceneRng(i);
            const DemoScene s = randomScene(rng);
            for (const auto& o : s.objects) {
                QVERIFY(o.cx - o.radius >= 0.02 && o.cx + o.radius <= 0.98);
                QVERIFY(o.cy - o.radius >= 0.02 && o.cy + o.radius <= 0.98);
                if (o.size == DemoSize::Small) QVERIFY(o.radius >= 0.10 && o.radius <= 0.12);
                else QVERIFY(o.radius >= 0.18 && o.radius <= 0.215);
            }
            if (s.objects.size() == 1) {
                QCOMPARE(int(s.relation), int(DemoRelation::None));
                continue;
            }
            const auto& a = s.objects[0];
            const auto& b = s.objects[1];
            const bool horizontal = s.relation == DemoRelation::LeftOf;
            QVERIFY(s.relation != DemoRelation::None);
            const double mainGap =
                horizontal ? (b.cx - b.radius) - (a.cx + a.radius) : (b.cy - b.radius) - (a.cy + a.radius);
            const double mainD = horizontal ? b.cx - a.cx : b.cy - a.cy;
            const double crossD = horizontal ? b.cy - a.cy : b.cx - a.cx;
            QVERIFY2(mainGap >= 0.049, qPrintable(QString::number(mainGap)));
            QVERIFY(std::abs(crossD) <= 0.5 * mainD + 1e-9);
            ++counts[horizontal ? 0 : 1];
        }
        // Both relations and the single-shape case are common.
        QVERIFY(counts[0] > 600 && counts[1] > 600);
        QVERIFY(2000 - counts[0] - counts[1] > 450);
    }

    // renderScene draws only the blocks the objects reach and reduces the rest of the background from
    // its formula: pixel for pixel the whole supersampled canvas reduced by OpenCV, on every kind of
    // background, one or two objects, at the demo's sizes (4x supersampling) and beyond.
    void blockRenderingEqualsFullCanvas_data() {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("scenes");
        QTest::newRow("32 px") << 32 << 1500;
        QTest::newRow("64 px") << 64 << 1500;
        QTest::newRow("96 px") << 96 << 1500;
        QTest::newRow("224 px") << 224 << 200;
        QTest::newRow("1024 px (2x)") << 1024 << 20;
    }
    void blockRenderingEqualsFullCanvas() {
        QFETCH(int, size);
        QFETCH(int, scenes);
        int backgrounds[3] = {0, 0, 0}, pairs = 0;
        for (int i = 0; i < scenes; ++i) {
            const DemoScene s = freshDemoScene(5, size, size_t(i));
            const cv::Mat fast = renderScene(s, size), full = renderSceneFullCanvas(s, size);
            QCOMPARE(fast.size(), full.size());
            QCOMPARE(fast.type(), full.type());
            const cv::Mat differs = (fast != full);
            QVERIFY2(cv::countNonZero(differs.reshape(1)) == 0,
                     qPrintable(QString("scene %1 (%2)").arg(i).arg(QString::fromStdString(describeScene(s)))));
            ++backgrounds[int(s.background)];
            pairs += s.objects.size() == 2 ? 1 : 0;
        }
        for (int b : backgrounds) QVERIFY(b > 0);
        QVERIFY(pairs > 0);
    }

    void renderedPixelsMatchCaption_data() {
        QTest::addColumn<int>("size");
        QTest::newRow("64 px") << 64;
        QTest::newRow("256 px") << 256;
    }
    // Colour at each shape's centre is its named colour (nearest of the six), and probes on a grid
    // around the centre are coloured exactly where the named shape's outline says.
    void renderedPixelsMatchCaption() {
        QFETCH(int, size);
        std::set<int> shapesSeen;
        for (int i = 0; i < 150; ++i) {
            auto rng = sceneRng(i);
            const DemoScene s = randomScene(rng);
            const cv::Mat img = renderScene(s, size);
            QCOMPARE(img.type(), CV_8UC3);
            QCOMPARE(img.cols, size);
            QCOMPARE(img.rows, size);
            for (const auto& o : s.objects) {
                const cv::Vec3d centre = meanAt(img, o.cx, o.cy, 1);
                int best = -1;
                double bestD = 1e9;
                for (int c = 0; c < 6; ++c) {
                    const double d = distance(centre, nominalRgb(DemoColour(c)));
                    if (d < bestD) {
                        bestD = d;
                        best = c;
                    }
                }
                QCOMPARE(best, int(o.colour));
                QVERIFY2(distance(centre, o.rgb) < 12, describeScene(s).c_str());
                if (size < 256) continue;
                shapesSeen.insert(int(o.shape));
                const double r = o.radius;
                for (double gy = -1.15; gy <= 1.15; gy += 0.1)
                    for (double gx = -1.15; gx <= 1.15; gx += 0.1) {
                        // Only probes clearly inside or outside (1.5 px from the edge) are judged.
                        const double e = 1.5 / (r * size);
                        const bool in = insideShape(o.shape, gx, gy);
                        bool clear = true;
                        for (double ex : {-e, e})
                            for (double ey : {-e, e}) clear = clear && insideShape(o.shape, gx + ex, gy + ey) == in;
                        if (!clear) continue;
                        const auto p = img.at<cv::Vec3b>(int((o.cy + gy * r) * size), int((o.cx + gx * r) * size));
                        // 40 is over 6 sigma of the light noise and far below the distance of any shape colour to a
                        // grey.
                        const bool coloured = distance(cv::Vec3d(p[0], p[1], p[2]), o.rgb) < 40;
                        if (coloured != in)
                            QFAIL(qPrintable(QString("scene %1 (%2): probe (%3,%4) of the %5 is %6")
                                                 .arg(i)
                                                 .arg(describeScene(s).c_str())
                                                 .arg(gx)
                                                 .arg(gy)
                                                 .arg(toString(o.shape).c_str())
                                                 .arg(coloured ? "coloured" : "not coloured") +
                                             QString(" pixel %1,%2,%3 fill %4,%5,%6")
                                                 .arg(p[0])
                                                 .arg(p[1])
                                                 .arg(p[2])
                                                 .arg(o.rgb[0])
                                                 .arg(o.rgb[1])
                                                 .arg(o.rgb[2])));
                    }
            }
        }
        if (size >= 256) QCOMPARE(int(shapesSeen.size()), 5);
    }

    void writesCompleteIdenticalImagefolder() {
        QTemporaryDir tmp;
        const fs::path a = fs::path(tmp.path().toStdString()) / "a", b = fs::path(tmp.path().toStdString()) / "b";
        std::vector<int> progress;
        DemoDatasetOptions o;
        o.count = 40;
        o.seed = 7;
        o.threads = 1;
        o.progress = [&](int done, int total) {
            QCOMPARE(total, 40);
            progress.push_back(done);
        };
        writeDemoDataset(a.string(), o);
        o.threads = 3;
        o.progress = nullptr;
        writeDemoDataset(b.string(), o);
        QVERIFY(!progress.empty());
        QCOMPARE(progress.back(), 40);
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));

        std::ifstream meta(a / "metadata.jsonl");
        std::string line;
        int n = 0;
        std::set<std::string> captions;
        while (std::getline(meta, line)) {
            const auto j = nlohmann::json::parse(line);
            QCOMPARE(int(j.size()), 2);
            const std::string file = j.at("file_name");
            char expected[16];
            std::snprintf(expected, sizeof expected, "%05d.png", n);
            QCOMPARE(file, std::string(expected));
            captions.insert(j.at("text").get<std::string>());
            const cv::Mat img = cv::imread((a / file).string(), cv::IMREAD_UNCHANGED);
            QCOMPARE(img.cols, 64);
            QCOMPARE(img.rows, 64);
            QCOMPARE(img.type(), CV_8UC3);
            QCOMPARE(readAll(a / file), readAll(b / file)); // byte-identical whatever the thread count
            ++n;
        }
        QCOMPARE(n, 40);
        QVERIFY(captions.size() > 30); // varied
        QCOMPARE(readAll(a / "metadata.jsonl"), readAll(b / "metadata.jsonl"));
        int entries = 0;
        for (auto it = fs::directory_iterator(a); it != fs::directory_iterator(); ++it) ++entries;
        QCOMPARE(entries, 41);
        // No temporary folder is left beside the outputs.
        int siblings = 0;
        for (auto it = fs::directory_iterator(tmp.path().toStdString()); it != fs::directory_iterator(); ++it)
            ++siblings;
        QCOMPARE(siblings, 2);

        const fs::path c = fs::path(tmp.path().toStdString()) / "c";
        o.seed = 8;
        writeDemoDataset(c.string(), o);
        QVERIFY(readAll(a / "metadata.jsonl") != readAll(c / "metadata.jsonl"));
    }

    void badRequestsAndCancelGiveErrors() {
        QTemporaryDir tmp;
        const std::string root = tmp.path().toStdString();
        const std::string full = root + "/full";
        fs::create_directory(full);
        testsupport::writeFile(full + "/keep.txt", "x");
        DemoDatasetOptions o;
        o.count = 5;
        try {
            writeDemoDataset(full, o);
            QFAIL("expected an error");
        } catch (const Error& e) {
            QCOMPARE(e.subject(), full);
            QVERIFY(e.reason().find("not empty") != std::string::npos);
        }
        QCOMPARE(readAll(full + "/keep.txt"), std::string("x"));
        o.count = 0;
        QVERIFY_EXCEPTION_THROWN(writeDemoDataset(root + "/zero", o), Error);
        o.count = 3000;
        o.shouldCancel = [] { return true; };
        try {
            writeDemoDataset(root + "/cancelled", o);
            QFAIL("expected cancellation");
        } catch (const Error& e) {
            QCOMPARE(e.reason(), std::string("cancelled"));
        }
        QVERIFY(!fs::exists(root + "/cancelled"));
        int siblings = 0;
        for (auto it = fs::directory_iterator(root); it != fs::directory_iterator(); ++it) ++siblings;
        QCOMPARE(siblings, 1); // only "full": the temporary folder is gone
        // An existing empty folder is fine.
        fs::create_directory(root + "/empty");
        o.count = 3;
        o.shouldCancel = nullptr;
        writeDemoDataset(root + "/empty", o);
        QVERIFY(fs::exists(root + "/empty/metadata.jsonl"));
    }
};

QTEST_GUILESS_MAIN(TestDemoDataset)
#include "test_demo_dataset.moc"
