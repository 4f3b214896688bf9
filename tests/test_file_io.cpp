// Checked file I/O in one place (core/src/util/file_io): the readers of whole files name the file and
// say why they failed, saves from many threads into one folder never share a temp file, and one list
// of image extensions decides what every folder listing calls an image.
#include "captioner/caption_pipeline.h"
#include "captioner/clip_image_processor.h"
#include "captioner/dataset.h"
#include "captioner/error.h"
#include "captioner/git_config.h"
#include "captioner/image_io.h"
#include "captioner/tokenizer.h"

#include "test_support.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <thread>

namespace fs = std::filesystem;
using namespace captioner;

namespace {

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

} // namespace

class TestFileIo : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    std::string tmp(const std::string& name) const { return (m_dir.path() + "/").toStdString() + name; }

private slots:
    void readersNameTheFileAndTheReason() {
        const std::string missing = tmp("absent/vocab.txt");
        QCOMPARE(errorOf([&] { WordPieceTokenizer::fromVocabFile(missing); }), missing + ": file not found");
        const std::string folder = tmp("a-folder");
        fs::create_directories(folder);
        QCOMPARE(errorOf([&] { WordPieceTokenizer::fromVocabFile(folder); }),
                 folder + ": is a directory, expected a file");
        QCOMPARE(errorOf([&] { decodeImageRgb(folder); }), folder + ": is a directory, expected a file");
        // Readers whose message says which file it is keep it and add the reason.
        QCOMPARE(errorOf([&] { loadGitConfig(missing); }),
                 missing + ": cannot open the model configuration file: file not found");
        QCOMPARE(errorOf([&] { ClipImageProcessor::fromJsonFile(folder); }),
                 folder + ": cannot open preprocessor config: is a directory, expected a file");
    }

    // The tokenizers' saves used "<file>.tmp-<pid>": two threads saving into one folder wrote into the
    // same temp file and one rename then failed (or renamed the other's half-written bytes into place).
    void concurrentSavesIntoOneFolder() {
        const auto tokenizer = WordPieceTokenizer::fromVocabFile(testsupport::fixture("tokenizer/vocab.txt"));
        const std::string dir = tmp("saved");
        std::vector<std::thread> threads;
        std::vector<std::string> errors(6);
        for (size_t t = 0; t < errors.size(); ++t)
            threads.emplace_back([&, t] {
                try {
                    for (int i = 0; i < 15; ++i) tokenizer->save(dir);
                } catch (const std::exception& e) {
                    errors[t] = e.what();
                }
            });
        for (auto& t : threads) t.join();
        for (const auto& e : errors) QVERIFY2(e.empty(), e.c_str());
        QCOMPARE(testsupport::readFile(dir + "/vocab.txt"),
                 testsupport::readFile(testsupport::fixture("tokenizer/vocab.txt")));
        QStringList names = QDir(QString::fromStdString(dir)).entryList(QDir::Files);
        names.sort();
        QCOMPARE(names, (QStringList{"special_tokens_map.json", "tokenizer_config.json", "vocab.txt"}));
    }

    // Every listed extension is one decodeImageRgb reads (written here by OpenCV in that format; GIF,
    // which OpenCV 4.6 cannot write, from a fixture written by Pillow).
    void everyImageExtensionDecodes() {
        const std::vector<std::string> expected = {".png",  ".jpg", ".jpeg", ".jpe", ".webp", ".bmp", ".tif",
                                                   ".tiff", ".gif", ".pbm",  ".pgm", ".ppm",  ".pnm"};
        QCOMPARE(imageExtensions(), expected);
        cv::Mat bgr(6, 8, CV_8UC3, cv::Scalar(0, 0, 0));
        bgr(cv::Rect(0, 0, 4, 6)).setTo(cv::Scalar(255, 255, 255)); // black and white, so PBM keeps it
        cv::Mat grey;
        cv::extractChannel(bgr, grey, 0); // OpenCV writes PBM and PGM from one channel only
        for (const std::string& ext : imageExtensions()) {
            const std::string path = tmp("sample" + ext);
            if (ext == ".gif") {
                const std::string gif = testsupport::fixture("image/formats/gif_2colour_72x56.gif");
                QVERIFY2(isImageFileName(path), path.c_str());
                QCOMPARE(decodeImageRgb(gif).cols, 72);
                continue;
            }
            QVERIFY2(cv::imwrite(path, ext == ".pbm" || ext == ".pgm" ? grey : bgr), path.c_str());
            const cv::Mat rgb = decodeImageRgb(path);
            QCOMPARE(rgb.cols, 8);
            QCOMPARE(rgb.rows, 6);
            // White left, black right (JPEG and WebP are lossy: near, not exact).
            QVERIFY2(rgb.at<cv::Vec3b>(0, 0)[1] > 200 && rgb.at<cv::Vec3b>(5, 7)[1] < 55, path.c_str());
            QVERIFY2(isImageFileName(path), path.c_str());
        }
        QVERIFY(isImageFileName("/x/Photo.JPG"));
        QVERIFY(isImageFileName("/x/anim.GIF")); // our own GIF decoder (OpenCV 4.6 has none)
        QVERIFY(!isImageFileName("/x/.png"));
        QVERIFY(!isImageFileName("/x/notes.txt"));
    }

    // listImageFiles (captioning a folder) and the dataset layouts see the same images.
    void foldersListTheSameImages() {
        const std::string root = tmp("listing");
        cv::Mat img(4, 4, CV_8UC3, cv::Scalar(10, 20, 30));
        for (const char* rel : {"z.PNG", "y.pbm", "sub/w.jpg", ".hidden/a.png", "sub/.cache/b.png", ".c.png"}) {
            const std::string path = root + "/" + rel;
            fs::create_directories(fs::path(path).parent_path());
            QVERIFY(cv::imwrite(path + ".png", img));
            fs::rename(path + ".png", path);
            testsupport::writeFile(fs::path(path).replace_extension(".txt").string(), "a caption");
        }
        testsupport::writeFile(root + "/anim.gif",
                               testsupport::readFile(testsupport::fixture("image/formats/gif_animated_72x56.gif")));
        testsupport::writeFile(root + "/anim.txt", "a caption");
        const std::vector<std::string> expected = {root + "/anim.gif", root + "/sub/w.jpg", root + "/y.pbm",
                                                   root + "/z.PNG"};
        QCOMPARE(listImageFiles(root), expected);
        const auto dataset = CaptionDataset::open(root);
        std::vector<std::string> fromDataset;
        for (const auto& item : dataset.items()) fromDataset.push_back(item.imagePath);
        std::sort(fromDataset.begin(), fromDataset.end());
        QCOMPARE(fromDataset, expected);
    }
};

QTEST_GUILESS_MAIN(TestFileIo)
#include "test_file_io.moc"
