// COCO as downloaded in the desktop app: the folder (annotations/captions_train2017.json and
// captions_val2017.json beside train2017/ and val2017/) opens in the dataset browser as one dataset
// whose rows carry their split, and the Train page is handed the same folder, which the trainer
// opens through the same core code (its splits are checked in test_dataset_coco_download).
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/train_page.h"

#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

using captioner::ui::DatasetModel;
using captioner::ui::MainWindow;
using nlohmann::json;

namespace {
bool writeImage(const QString& path, int seed) {
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) return false;
    QImage image(8, 6, QImage::Format_RGB32);
    image.fill(QColor(seed * 7 % 256, 40, 90));
    return image.save(path, "JPEG");
}

bool writeJson(const QString& path, const json& doc) {
    if (!QDir().mkpath(QFileInfo(path).absolutePath())) return false;
    QFile f(path);
    const std::string text = doc.dump();
    return f.open(QIODevice::WriteOnly) && f.write(text.data(), qint64(text.size())) == qint64(text.size());
}
} // namespace

class TestDatasetCocoGui : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Captioner"));
        QCoreApplication::setApplicationName(QStringLiteral("CaptionerTest"));
        QSettings().clear();
    }

    void cocoFolderOpensWithSplits() {
        QTemporaryDir tmp;
        const QString root = QDir(tmp.path()).absolutePath();
        QVERIFY(writeImage(root + "/train2017/000000000009.jpg", 9));
        QVERIFY(writeImage(root + "/train2017/000000000025.jpg", 25));
        QVERIFY(writeImage(root + "/val2017/000000000139.jpg", 139));
        QVERIFY(writeJson(root + "/annotations/captions_train2017.json",
                          json::parse(R"({"images": [{"id": 9, "file_name": "000000000009.jpg"},
                                                     {"id": 25, "file_name": "000000000025.jpg"}],
                                          "annotations": [{"id": 1, "image_id": 9, "caption": "A plate of food."},
                                                          {"id": 2, "image_id": 25, "caption": "A giraffe."}]})")));
        QVERIFY(writeJson(root + "/annotations/captions_val2017.json",
                          json::parse(R"({"images": [{"id": 139, "file_name": "000000000139.jpg"}],
                                          "annotations": [{"id": 3, "image_id": 139, "caption": "A room."}]})")));

        MainWindow w;
        auto* summary = w.datasetPage()->findChild<QLabel*>(QStringLiteral("datasetSummary"));
        auto* trainDataset = w.trainPage()->findChild<QLineEdit*>(QStringLiteral("trainDataset"));
        QVERIFY(summary);
        QVERIFY(trainDataset);
        w.openDataset(root);
        QTRY_COMPARE(summary->text(), QStringLiteral("%1 — %2 images").arg(QDir::toNativeSeparators(root)).arg(3));
        QTRY_VERIFY(!w.datasetPage()->isLoading());
        QCOMPARE(w.datasetPage()->rootFolder(), root);

        const DatasetModel* m = w.datasetPage()->model();
        QCOMPARE(m->rowCount(), 3);
        QStringList rows;
        for (int i = 0; i < m->rowCount(); ++i) {
            const QModelIndex idx = m->index(i);
            rows << idx.data(DatasetModel::SplitRole).toString() + QLatin1Char(' ') +
                        idx.data(DatasetModel::ImagePathRole).toString().mid(root.size() + 1) + QLatin1Char(' ') +
                        idx.data(DatasetModel::CaptionRole).toString();
        }
        QCOMPARE(rows, (QStringList{QStringLiteral("train train2017/000000000009.jpg A plate of food."),
                                    QStringLiteral("train train2017/000000000025.jpg A giraffe."),
                                    QStringLiteral("validation val2017/000000000139.jpg A room.")}));
        QCOMPARE(QDir::fromNativeSeparators(trainDataset->text()), root);
    }
};

QTEST_MAIN(TestDatasetCocoGui)
#include "test_dataset_coco_gui.moc"
