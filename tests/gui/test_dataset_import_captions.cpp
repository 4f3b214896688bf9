// The dataset browser's Import Captions… (Review menu): a file of captions made elsewhere — here
// written by the test in the shape `captioner caption --json` and `--out` write, and the Caption
// page's own CSV export — is taken in for review: images matched by path or by their path relative to
// the dataset root, one undo step, captioned images keep theirs, each caption's confidence and its
// words' reach review.jsonl, and review mode's "Least confident first" visits them in that order. A
// malformed file changes nothing and names the file and line.
#include "captioner_ui/caption_export.h"
#include "captioner_ui/dataset_filter_model.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"

#include "captioner/review_store.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QListView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest/QtTest>

using namespace captioner::ui;

namespace {

bool openAndWait(DatasetPage& page, const QString& dir) {
    QSignalSpy report(&page, &DatasetPage::reportReady);
    page.openFolder(dir);
    return report.wait(20000) && page.hasDataset();
}

int rowOf(const DatasetModel* m, const QString& key) {
    for (int row = 0; row < m->rowCount(); ++row)
        if (m->data(m->index(row), DatasetModel::FileNameRole).toString() == key) return row;
    return -1;
}

bool writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// Imports `file` and waits for the result: (ok, summary).
QPair<bool, QString> import(DatasetPage& page, const QString& file) {
    QSignalSpy done(&page, &DatasetPage::captionsImported);
    page.importCaptions(file);
    if (!done.wait(20000)) return {false, QStringLiteral("timed out")};
    return {done.first().at(0).toBool(), done.first().at(1).toString()};
}

} // namespace

class TestDatasetImportCaptions : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_data; // the dataset: train/0000.png .. train/0004.png; 0002 has a caption

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_data = m_dir.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(m_data + QStringLiteral("/train")));
        QByteArray meta;
        for (int i = 0; i < 5; ++i) {
            const QString name = QStringLiteral("train/%1.png").arg(i, 4, 10, QLatin1Char('0'));
            QImage image(40, 30, QImage::Format_RGB888);
            image.fill(QColor::fromHsv(i * 50, 200, 220));
            QVERIFY(image.save(QDir(m_data).filePath(name)));
            meta +=
                "{\"file_name\": \"" + name.toUtf8() + "\", \"text\": \"" + (i == 2 ? "kept caption" : "") + "\"}\n";
        }
        QVERIFY(writeFile(QDir(m_data).filePath(QStringLiteral("metadata.jsonl")), meta));
    }

    void importsCaptionJsonWithConfidence() {
        DatasetPage page;
        page.resize(1000, 700);
        page.show();
        QApplication::setActiveWindow(&page);
        QVERIFY(QTest::qWaitForWindowActive(&page));
        QVERIFY(openAndWait(page, m_data));
        DatasetModel* m = page.model();

        // The command in the Review menu's list, enabled with an editable dataset open.
        QAction* action = page.findChild<QAction*>(QStringLiteral("actionImportCaptions"));
        QVERIFY(action && page.reviewActions().contains(action));
        QVERIFY(action->isEnabled());
        QCOMPARE(action->text(), QStringLiteral("&Import Captions…"));

        // What `captioner caption --json` prints (its keys and order), with the images named as the run
        // named them: one by its absolute path, one relative to the captions file's folder, one where the
        // dataset used to live (matched by train/0003.png), one not in the dataset; then a `--out` error
        // line and the first image again.
        const QString abs0 = QDir(m_data).filePath(QStringLiteral("train/0000.png"));
        auto line = [](const QString& image, const char* caption, double confidence, const char* words) {
            return QStringLiteral("{\"caption\":\"%1\",\"confidence\":%2,\"image\":\"%3\",\"seconds\":0.25,"
                                  "\"token_ids\":[101,102],\"words\":[%4]}\n")
                .arg(QLatin1String(caption))
                .arg(confidence)
                .arg(image, QLatin1String(words))
                .toUtf8();
        };
        const QByteArray captions =
            line(abs0, "a red square", 0.875,
                 "{\"confidence\":0.99,\"word\":\"a\"},{\"confidence\":0.75,\"word\":\"red\"},"
                 "{\"confidence\":0.625,\"word\":\"square\"}") +
            line(QStringLiteral("data/train/0001.png"), "a blue circle", 0.25,
                 "{\"confidence\":0.5,\"word\":\"a\"},{\"confidence\":0.125,\"word\":\"blue\"},"
                 "{\"confidence\":0.5,\"word\":\"circle\"}") +
            line(QStringLiteral("data/train/0002.png"), "ignored", 0.5, "") +
            line(QStringLiteral("/mnt/old/data/train/0003.png"), "a green thing", 0.5,
                 "{\"confidence\":0.5,\"word\":\"a\"},{\"confidence\":0.5,\"word\":\"green\"},"
                 "{\"confidence\":0.5,\"word\":\"thing\"}") +
            line(QStringLiteral("/mnt/old/data/valid/0009.png"), "elsewhere", 0.5, "") +
            "{\"image\":\"/mnt/old/data/train/0004.png\",\"error\":\"not an image\",\"index\":4,\"shard\":0,"
            "\"shards\":1,\"total\":5}\n" +
            line(abs0, "a second caption", 0.125, "");
        const QString file = m_dir.filePath(QStringLiteral("captions.jsonl"));
        QVERIFY(writeFile(file, captions));

        QSignalSpy messages(&page, &DatasetPage::message);
        const int undoBefore = page.undoStack()->count();
        const auto [ok, summary] = import(page, file);
        QVERIFY2(ok, qPrintable(summary));
        QCOMPARE(summary, QStringLiteral("Imported captions.jsonl: 3 images got the model's caption for review (save "
                                         "with Ctrl+S), 3 with their confidence; 1 already had a caption and kept it; "
                                         "1 not in the open dataset (/mnt/old/data/valid/0009.png); 1 line repeated "
                                         "an image named earlier and was ignored; 1 line for an image the model "
                                         "could not caption, skipped."));
        QCOMPARE(messages.last().first().toString(), summary); // what the status bar shows

        const int r0 = rowOf(m, "train/0000.png"), r1 = rowOf(m, "train/0001.png"), r2 = rowOf(m, "train/0002.png"),
                  r3 = rowOf(m, "train/0003.png"), r4 = rowOf(m, "train/0004.png");
        QCOMPARE(m->captions(r0).value(0), QStringLiteral("a red square"));
        QCOMPARE(m->captions(r1).value(0), QStringLiteral("a blue circle"));
        QCOMPARE(m->captions(r2).value(0), QStringLiteral("kept caption"));
        QCOMPARE(m->captions(r3).value(0), QStringLiteral("a green thing"));
        QVERIFY(m->captions(r4).value(0).isEmpty());
        QCOMPARE(m->modelConfidence(r0), 0.875);
        QCOMPARE(m->modelConfidence(r1), 0.25);
        QCOMPARE(m->modelConfidence(r2), -1.0);
        QCOMPARE(m->modelConfidence(r3), 0.5);
        QCOMPARE(m->modelConfidence(r4), -1.0);

        // In review.jsonl at once, with the words' confidences.
        const captioner::ReviewStore store =
            captioner::ReviewStore::load(QDir(m_data).filePath(QStringLiteral("review.jsonl")).toStdString());
        QCOMPARE(store.entries().size(), size_t(3));
        const captioner::ReviewEntry e1 = store.entry("train/0001.png");
        QCOMPARE(e1.modelCaption, std::string("a blue circle"));
        QCOMPARE(e1.confidence, 0.25);
        QCOMPARE(e1.words.size(), size_t(3));
        QCOMPARE(e1.words[1].word, std::string("blue"));
        QCOMPARE(e1.words[1].confidence, 0.125);
        QVERIFY(e1.status == captioner::ReviewStatus::Unreviewed);
        QCOMPARE(store.entry("train/0000.png").words.at(2).confidence, 0.625);

        // One undo step, named after the file; redo brings the captions and their confidence back.
        QCOMPARE(page.undoStack()->count(), undoBefore + 1);
        QCOMPARE(page.undoStack()->undoText(), QStringLiteral("Import Captions from captions.jsonl"));
        page.undoStack()->undo();
        QVERIFY(m->captions(r0).value(0).isEmpty());
        QCOMPARE(m->modelConfidence(r0), -1.0);
        page.undoStack()->redo();
        QCOMPARE(m->captions(r0).value(0), QStringLiteral("a red square"));
        QCOMPARE(m->modelConfidence(r0), 0.875);

        // Review mode, least confident first, from the keyboard: 0001 (25%), 0003 (50%), 0000 (87.5%),
        // then the others in dataset order.
        page.setReviewMode(true);
        auto* sort = page.findChild<QComboBox*>(QStringLiteral("sortOrder"));
        QVERIFY(sort);
        sort->setFocus();
        while (sort->currentIndex() < 4) QTest::keyClick(sort, Qt::Key_Down);
        QCOMPARE(sort->currentText(), QStringLiteral("Least confident first"));
        QVERIFY(page.filterModel()->sortKey() == DatasetFilterModel::SortKey::LeastConfident);
        page.view()->setFocus();
        page.selectRow(page.filterModel()->sourceRow(0));
        QStringList visited;
        for (int i = 0; i < 5; ++i) {
            visited << m->data(m->index(page.currentRow()), DatasetModel::FileNameRole).toString();
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Right, Qt::AltModifier);
        }
        QCOMPARE(visited, (QStringList{"train/0001.png", "train/0003.png", "train/0000.png", "train/0002.png",
                                       "train/0004.png"}));

        // The Caption page's CSV export (its own writer), bare file names matched under train/: 0004 gets
        // its caption and confidence; the others already have one now and keep it.
        QVector<CaptionRecord> records;
        records.append(
            {QStringLiteral("/home/someone/shots/0004.png"), QStringLiteral("a small dot"), 0.5, {}, 0.0625});
        records.append({QStringLiteral("/home/someone/shots/0000.png"), QStringLiteral("other words"), 0.5, {}, 0.5});
        const QString csv = m_dir.filePath(QStringLiteral("results.csv"));
        QVERIFY(writeFile(csv, captionsToCsv(records)));
        const auto [csvOk, csvSummary] = import(page, csv);
        QVERIFY2(csvOk, qPrintable(csvSummary));
        QCOMPARE(csvSummary, QStringLiteral("Imported results.csv: 1 image got the model's caption for review (save "
                                            "with Ctrl+S), 1 with its confidence; 2 matched by file name alone (the "
                                            "folders differ); 1 already had a caption and kept it."));
        QCOMPARE(m->captions(r4).value(0), QStringLiteral("a small dot"));
        QCOMPARE(m->modelConfidence(r4), 0.0625);
        QCOMPARE(m->captions(r0).value(0), QStringLiteral("a red square"));
        QCOMPARE(m->data(m->index(page.filterModel()->sourceRow(0)), DatasetModel::FileNameRole).toString(),
                 QStringLiteral("train/0004.png")); // now the least confident
    }

    void aMalformedFileChangesNothing() {
        QTemporaryDir dir;
        QVERIFY(QDir().mkpath(dir.filePath(QStringLiteral("d"))));
        QImage image(20, 20, QImage::Format_RGB888);
        image.fill(Qt::red);
        QVERIFY(image.save(dir.filePath(QStringLiteral("d/a.png"))));
        QVERIFY(image.save(dir.filePath(QStringLiteral("d/b.png"))));
        DatasetPage page;
        QVERIFY(openAndWait(page, dir.filePath(QStringLiteral("d"))));
        const QString file = dir.filePath(QStringLiteral("bad.jsonl"));
        QVERIFY(writeFile(file, "{\"image\":\"a.png\",\"caption\":\"a cat\",\"confidence\":0.5}\n"
                                "\n"
                                "{\"image\":\"b.png\",\"caption\":\"a dog\",\"confidence\":7}\n"));
        const auto [ok, summary] = import(page, file);
        QVERIFY(!ok);
        QCOMPARE(summary, QStringLiteral("Could not import captions: %1:3: \"confidence\" is 7, not a number from 0 "
                                         "to 1")
                              .arg(file));
        QCOMPARE(page.undoStack()->count(), 0);
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("d/review.jsonl"))));
        const auto [missingOk, missing] = import(page, dir.filePath(QStringLiteral("none.jsonl")));
        QVERIFY(!missingOk);
        QVERIFY2(missing.startsWith(QStringLiteral("Could not import captions: %1").arg(dir.filePath("none.jsonl"))),
                 qPrintable(missing));
    }
};

QTEST_MAIN(TestDatasetImportCaptions)
#include "test_dataset_import_captions.moc"
