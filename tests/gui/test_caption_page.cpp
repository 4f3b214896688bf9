// The Caption page end to end with the fixture GIT model: real drag-and-drop events onto the drop
// zone give cards with exactly the captions the core gives for the same images (a broken file gets
// an error card, the others still succeed); exports byte for byte; the overwrite question; a folder
// interrupted part-way resumes with only the rest captioned; images wait for a model; keyboard only
// from Add Images to Copy; announcements for screen readers.
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"

#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_export.h"
#include "captioner_ui/caption_page.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"

#include "gui_test_util.h"
#include "test_support.h"

#include <QAccessible>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QSpinBox>
#include <QClipboard>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QLabel>
#include <QLayout>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextToSpeech>
#include <QUndoStack>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>

using namespace captioner::ui;

namespace {

constexpr int kWait = 20000; // generous: a loaded 2-core machine; the work itself takes well under a second

QString fixtureImage(const char* name) {
    return QString::fromStdString(testsupport::fixture(std::string("image/input/") + name));
}

std::shared_ptr<captioner::GitCheckpoint> loadModel() {
    return std::make_shared<captioner::GitCheckpoint>(
        captioner::loadCheckpoint(testsupport::fixture("pipeline/model")));
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<missing>");
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

CaptionCard* cardFor(CaptionPage& page, const QString& path) {
    for (CaptionCard* c : page.cards())
        if (c->path() == path) return c;
    return nullptr;
}

bool allFinished(const CaptionPage& page) {
    for (CaptionCard* c : page.cards())
        if (c->state() != CaptionCard::State::Done && c->state() != CaptionCard::State::Failed) return false;
    return !page.cards().isEmpty() && !page.isBusy();
}

using guitest::dropFiles;

} // namespace

class TestCaptionPage : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_modelDir;
    std::shared_ptr<captioner::GitCheckpoint> m_model;
    QStringList m_sources;                       // fixture images used below
    QHash<QString, QString> m_expected;          // fixture image -> the core's caption (greedy, max length 50)
    QString m_brokenError;                       // the core's error for the broken file, with its path
    QHash<QString, double> m_expectedConfidence; // fixture image -> the core's caption confidence

    // The core's answer for the page's default decoding, computed on its own copy of the model.
    void computeExpected(const QStringList& images) {
        auto reference = loadModel();
        captioner::CaptionOptions options;
        const AppSettings::Decoding d = AppSettings::decoding();
        QVERIFY(!d.beamSearch);
        options.generation = captioner::generationOptionsFor(*reference, d.maxLength, 1, 1.0);
        std::vector<std::string> paths;
        for (const QString& p : images) paths.push_back(p.toStdString());
        for (const captioner::CaptionResult& r : captioner::captionImages(*reference, paths, options)) {
            if (r.ok()) {
                m_expected.insert(QString::fromStdString(r.image), QString::fromStdString(r.caption));
                m_expectedConfidence.insert(QString::fromStdString(r.image), r.confidence);
            } else m_brokenError = QString::fromStdString(r.error);
        }
    }

    QString copyImage(const QString& source, const QString& dest) {
        QDir().mkpath(QFileInfo(dest).absolutePath());
        QFile::remove(dest);
        if (!QFile::copy(source, dest)) return {};
        m_expected.insert(dest, m_expected.value(source));
        m_expectedConfidence.insert(dest, m_expectedConfidence.value(source));
        return dest;
    }

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)).removeRecursively();
        QVERIFY(m_dir.isValid());
        m_modelDir = QString::fromStdString(testsupport::fixture("pipeline/model"));
        m_model = loadModel();
        m_sources = {fixtureImage("small_rgb_180x130.png"), fixtureImage("photo_320x240.jpg"),
                     fixtureImage("grey_256x300.png"),      fixtureImage("rgba_300x225.png"),
                     fixtureImage("palette_260x230.png"),   fixtureImage("photo_96x72.tif")};
        const QString broken = m_dir.filePath(QStringLiteral("drop/broken.png"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("drop")));
        writeBytes(broken, "this is not a PNG file");
        computeExpected(m_sources + QStringList{broken});
        QCOMPARE(m_expected.size(), m_sources.size());
        QVERIFY2(m_brokenError.contains(broken), qPrintable(m_brokenError));
    }

    void exportFormatsByteForByte() {
        const QVector<CaptionRecord> rows{
            {QStringLiteral("/data/a b.png"), QStringLiteral("a cat, sitting"), 0.1234, {}, 0.25},
            {QStringLiteral("/data/q\"uote.jpg"), QStringLiteral("line one\nline \"two\""), 1.5, {}, -1},
            {QStringLiteral("/data/café.webp"), QStringLiteral("un café ☕"), 2.0, {}, -1},
            {QStringLiteral("/data/bad.png"), {}, 0.0005, QStringLiteral("/data/bad.png: cannot decode"), -1},
        };
        QCOMPARE(captionsToCsv(rows), QByteArray("image,caption,seconds,error,confidence\r\n"
                                                 "/data/a b.png,\"a cat, sitting\",0.123,,0.250000\r\n"
                                                 "\"/data/q\"\"uote.jpg\",\"line one\nline \"\"two\"\"\",1.500,,\r\n"
                                                 "/data/caf\xc3\xa9.webp,un caf\xc3\xa9 \xe2\x98\x95,2.000,,\r\n"
                                                 "/data/bad.png,,0.001,/data/bad.png: cannot decode,\r\n"));
        QCOMPARE(
            captionsToJsonLines(rows),
            QByteArray(
                "{\"image\":\"/data/a b.png\",\"caption\":\"a cat, sitting\",\"seconds\":0.123,\"error\":null,\"confidence\":0.25}\n"
                "{\"image\":\"/data/q\\\"uote.jpg\",\"caption\":\"line one\\nline \\\"two\\\"\",\"seconds\":1.5,\"error\":null,\"confidence\":null}\n"
                "{\"image\":\"/data/caf\xc3\xa9.webp\",\"caption\":\"un caf\xc3\xa9 \xe2\x98\x95\",\"seconds\":2.0,\"error\":null,\"confidence\":null}\n"
                "{\"image\":\"/data/bad.png\",\"caption\":\"\",\"seconds\":0.001,\"error\":\"/data/bad.png: cannot decode\",\"confidence\":null}\n"));
        QCOMPARE(captionsToCsv({}), QByteArray("image,caption,seconds,error,confidence\r\n"));
        QCOMPARE(sidecarText(QStringLiteral("two\r\nlines\nhere")), QByteArray("two lines here\n"));
        QCOMPARE(sidecarPathFor(QStringLiteral("/x/y/photo.final.jpg")), QStringLiteral("/x/y/photo.final.txt"));
    }

    void dropGivesCoreCaptionsAndAnErrorCard() {
        const QString dropDir = m_dir.filePath(QStringLiteral("drop"));
        QStringList images;
        for (int i = 0; i < 3; ++i)
            images << copyImage(
                m_sources[i],
                QDir(dropDir).filePath(QStringLiteral("img%1.%2").arg(i).arg(QFileInfo(m_sources[i]).suffix())));
        const QString broken = QDir(dropDir).filePath(QStringLiteral("broken.png"));
        CaptionPage page;
        page.resize(1000, 700);
        page.show();
        page.setModel(m_model, m_modelDir);
        QVERIFY(page.isEmptyStateShown());
        QSignalSpy ready(&page, &CaptionPage::captionReady);
        // Something that is not a file is refused at drag-enter time.
        QMimeData text;
        text.setText(QStringLiteral("hello"));
        QDragEnterEvent refused(QPoint(5, 5), Qt::CopyAction, &text, Qt::LeftButton, Qt::NoModifier);
        QCoreApplication::sendEvent(page.dropZone(), &refused);
        QVERIFY(!refused.isAccepted());

        QVERIFY(dropFiles(page.dropZone(), {images[0], broken, images[1], images[2]}));
        QCOMPARE(page.cards().size(), 4);
        QVERIFY(!page.isEmptyStateShown());
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        QCOMPARE(ready.count(), 4);
        for (const QString& image : images) {
            CaptionCard* card = cardFor(page, image);
            QVERIFY(card);
            QCOMPARE(card->state(), CaptionCard::State::Done);
            QCOMPARE(card->caption(), m_expected.value(image));
            QVERIFY(!card->caption().isEmpty());
            QVERIFY(card->statusText().startsWith(QStringLiteral("Captioned in ")));
            QCOMPARE(card->accessibleName(), QFileInfo(image).fileName() + QStringLiteral(": ") + card->caption());
            QVERIFY(card->copyButton()->isEnabled());
        }
        CaptionCard* bad = cardFor(page, broken);
        QVERIFY(bad);
        QCOMPARE(bad->state(), CaptionCard::State::Failed);
        QCOMPARE(bad->error(), m_brokenError);
        QCOMPARE(bad->statusText(), m_brokenError);
        QVERIFY(!bad->copyButton()->isEnabled());

        // Exports: rows in card order (the drop's order), byte for byte. The broken file's error is
        // the only field that may need quoting (it holds ": " and maybe quotes).
        const QString order[] = {images[0], broken, images[1], images[2]};
        const QByteArray err = m_brokenError.toUtf8();
        const bool quote = err.contains(',') || err.contains('"');
        const QByteArray csvError = quote ? '"' + QByteArray(err).replace("\"", "\"\"") + '"' : err;
        const QByteArray jsonError = QByteArray(err).replace("\\", "\\\\").replace("\"", "\\\"");
        QByteArray csv = "image,caption,seconds,error,confidence\r\n";
        QByteArray jsonl;
        // The page's confidences: the core's for the same image, up to batching (the GUI may batch the
        // images differently, which moves logits by ~1e-6).
        QHash<QString, double> confidence;
        for (const CaptionRecord& r : page.records()) confidence.insert(r.image, r.confidence);
        for (const QString& path : order) {
            CaptionCard* c = cardFor(page, path);
            const QByteArray seconds = formatSeconds(c->seconds()).toUtf8();
            QByteArray jsonSeconds =
                QByteArray::number(std::round(c->seconds() * 1000) / 1000, 'g', QLocale::FloatingPointShortest);
            if (!jsonSeconds.contains('.') && !jsonSeconds.contains('e')) jsonSeconds += ".0";
            if (c == bad) {
                QCOMPARE(confidence.value(path), -1.0);
                csv += path.toUtf8() + ",," + seconds + ',' + csvError + ",\r\n";
                jsonl += "{\"image\":\"" + path.toUtf8() + "\",\"caption\":\"\",\"seconds\":" + jsonSeconds +
                         ",\"error\":\"" + jsonError + "\",\"confidence\":null}\n";
            } else {
                const double conf = confidence.value(path);
                QVERIFY2(std::abs(conf - m_expectedConfidence.value(path)) < 1e-5, qPrintable(path));
                QVERIFY(conf > 0 && conf <= 1);
                QByteArray jsonConf =
                    QByteArray::number(std::round(conf * 1e6) / 1e6, 'g', QLocale::FloatingPointShortest);
                if (!jsonConf.contains('.') && !jsonConf.contains('e')) jsonConf += ".0";
                csv += path.toUtf8() + ',' + m_expected.value(path).toUtf8() + ',' + seconds + ",," +
                       formatConfidence(conf).toUtf8() + "\r\n";
                jsonl += "{\"image\":\"" + path.toUtf8() + "\",\"caption\":\"" + m_expected.value(path).toUtf8() +
                         "\",\"seconds\":" + jsonSeconds + ",\"error\":null,\"confidence\":" + jsonConf + "}\n";
            }
        }
        const QString csvPath = m_dir.filePath(QStringLiteral("out/results.csv"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("out")));
        // Export goes through the file dialog hook, as the Export… button does.
        CaptionPage::setTestHooks({[&](const QString& purpose) {
                                       return purpose == QLatin1String("export") ? QStringList{csvPath} : QStringList{};
                                   },
                                   {}});
        page.chooseExport();
        QCOMPARE(readAll(csvPath), csv);
        QCOMPARE(page.statusText(), QStringLiteral("Exported 4 results to %1.").arg(csvPath));
        const QString jsonlPath = m_dir.filePath(QStringLiteral("out/results.jsonl"));
        QVERIFY(page.exportTo(jsonlPath));
        QCOMPARE(readAll(jsonlPath), jsonl);
        QString error;
        QVERIFY(!page.exportTo(m_dir.filePath(QStringLiteral("no/such/folder/x.csv")), &error));
        QVERIFY2(error.contains(m_dir.filePath(QStringLiteral("no/such/folder/x.csv"))), qPrintable(error));

        // Sidecars: one exists already; the question names it; each answer does what it says.
        const QString existing = sidecarPathFor(images[0]);
        writeBytes(existing, "old caption\n");
        QString asked;
        CaptionPage::Answer answer = CaptionPage::Answer::Cancel;
        CaptionPage::setTestHooks({{}, [&](const QString& q) {
                                       asked = q;
                                       return answer;
                                   }});
        QCOMPARE(page.writeSidecars(), 0);
        QCOMPARE(asked, QStringLiteral("1 caption file already exists and would be replaced:\n%1").arg(existing));
        QVERIFY(!QFile::exists(sidecarPathFor(images[1])));
        answer = CaptionPage::Answer::SkipExisting;
        QCOMPARE(page.writeSidecars(), 2);
        QCOMPARE(readAll(existing), QByteArray("old caption\n"));
        QCOMPARE(readAll(sidecarPathFor(images[1])), m_expected.value(images[1]).toUtf8() + '\n');
        QCOMPARE(readAll(sidecarPathFor(images[2])), m_expected.value(images[2]).toUtf8() + '\n');
        QVERIFY(!QFile::exists(sidecarPathFor(broken))); // no caption, no file
        answer = CaptionPage::Answer::Overwrite;
        QCOMPARE(page.writeSidecars(), 3);
        QCOMPARE(asked, QStringLiteral("3 caption files already exist and would be replaced:\n%1\n%2\n%3")
                            .arg(existing, sidecarPathFor(images[1]), sidecarPathFor(images[2])));
        QCOMPARE(readAll(existing), m_expected.value(images[0]).toUtf8() + '\n');
        QCOMPARE(page.statusText(), QStringLiteral("Wrote 3 caption files."));
        for (const QString& image : images) QFile::remove(sidecarPathFor(image));

        // Add to Dataset hands the captioned images (not the failed one) over.
        QSignalSpy toDataset(&page, &CaptionPage::addToDatasetRequested);
        page.addToDataset();
        QCOMPARE(toDataset.count(), 1);
        QCOMPARE(toDataset.at(0).at(0).toStringList(), (QStringList{images[0], images[1], images[2]}));
        QCOMPARE(toDataset.at(0).at(1).toStringList(),
                 (QStringList{m_expected.value(images[0]), m_expected.value(images[1]), m_expected.value(images[2])}));

        // Remove takes the card away; Re-caption gives the same caption again.
        CaptionCard* first = cardFor(page, images[0]);
        first->recaptionButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        QCOMPARE(cardFor(page, images[0])->caption(), m_expected.value(images[0]));
        cardFor(page, broken)->removeButton()->click();
        QCOMPARE(page.cards().size(), 3);
        QVERIFY(!cardFor(page, broken));
        CaptionPage::setTestHooks({});
    }

    void beamSearchOptionsReachTheCore() {
        const QString image = m_sources[3];
        auto reference = loadModel();
        captioner::CaptionOptions options;
        options.generation = captioner::generationOptionsFor(*reference, 12, 3, 0.6);
        const auto expected = captioner::captionImages(*reference, {image.toStdString()}, options);
        CaptionPage page;
        page.setModel(m_model, m_modelDir);
        auto* method = page.findChild<QComboBox*>(QStringLiteral("captionMethod"));
        QVERIFY(method);
        method->setCurrentIndex(1);
        page.findChild<QSpinBox*>(QStringLiteral("captionBeams"))->setValue(3);
        page.findChild<QSpinBox*>(QStringLiteral("captionMaxLength"))->setValue(12);
        page.findChild<QDoubleSpinBox*>(QStringLiteral("captionLengthPenalty"))->setValue(0.6);
        page.captionFiles({image});
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        QCOMPARE(page.cards().first()->caption(), QString::fromStdString(expected.front().caption));
    }

    void imagesWaitForAModel() {
        CaptionPage page;
        QSignalSpy messages(&page, &CaptionPage::message);
        page.captionFiles({m_sources[0], m_sources[1]});
        QCOMPARE(page.cards().size(), 2);
        for (CaptionCard* c : page.cards()) {
            QCOMPARE(c->state(), CaptionCard::State::Waiting);
            QCOMPARE(c->statusText(),
                     QStringLiteral("Waiting for a model: open one (Ctrl+Shift+O) and this image is captioned."));
        }
        QTest::qWait(100);
        QCOMPARE(page.cards().first()->state(), CaptionCard::State::Waiting);
        page.setModel(m_model, m_modelDir);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        QCOMPARE(page.cards()[0]->caption(), m_expected.value(m_sources[0]));
        QCOMPARE(page.cards()[1]->caption(), m_expected.value(m_sources[1]));
        // Each caption was announced (the status label is the page's live region; the main window
        // shows message() in the status bar).
        QStringList announced;
        for (const QList<QVariant>& m : messages) announced << m.at(0).toString();
        QCOMPARE(announced,
                 (QStringList{QStringLiteral("Caption ready for %1: %2")
                                  .arg(QFileInfo(m_sources[0]).fileName(), m_expected.value(m_sources[0])),
                              QStringLiteral("Caption ready for %1: %2")
                                  .arg(QFileInfo(m_sources[1]).fileName(), m_expected.value(m_sources[1]))}));
        auto* live = page.findChild<QLabel*>(QStringLiteral("captionAnnouncement"));
        QCOMPARE(live->text(), announced.last());
        QCOMPARE(live->accessibleName(), announced.last());
        // Taking the model away makes new images wait again.
        page.setModel(nullptr, {});
        page.captionFiles({m_sources[2]});
        QCOMPARE(page.cards().last()->state(), CaptionCard::State::Waiting);
    }

    void folderResumesWhereItStopped() {
        const QString folder = m_dir.filePath(QStringLiteral("folder"));
        QStringList images;
        for (int i = 0; i < m_sources.size(); ++i)
            images << copyImage(
                m_sources[i],
                QDir(folder).filePath(
                    QStringLiteral("sub%1/p%2.%3").arg(i % 2).arg(i).arg(QFileInfo(m_sources[i]).suffix())));
        std::sort(images.begin(), images.end()); // listImageFiles' order
        const QString progressDir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
                                    QStringLiteral("/caption-progress");
        int finishedBefore = 0;
        {
            CaptionPage page;
            page.setJobSize(1, 1); // so that the interruption falls after exactly two images
            page.setModel(m_model, m_modelDir);
            int seen = 0;
            connect(&page, &CaptionPage::captionReady, &page, [&page, &seen] {
                if (++seen == 2) page.cancel();
            });
            page.addFolder(folder); // listed off the UI thread; the cards follow
            QTRY_COMPARE_WITH_TIMEOUT(page.cards().size(), images.size(), kWait);
            QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), kWait);
            for (CaptionCard* c : page.cards()) finishedBefore += c->state() == CaptionCard::State::Done ? 1 : 0;
            QCOMPARE(finishedBefore, 2);
            QCOMPARE(page.statusText(), QStringLiteral("Captioning cancelled: 2 captions ready."));
            QCOMPARE(page.cards().last()->state(), CaptionCard::State::Cancelled);
            QCOMPARE(QDir(progressDir).entryList(QDir::Files).size(), 1);
        }
        {
            CaptionPage page;
            page.setModel(m_model, m_modelDir);
            QStringList captioned;
            connect(&page, &CaptionPage::captionReady, &page,
                    [&captioned](const QString& image) { captioned << image; });
            page.addFolder(folder);
            QTRY_COMPARE_WITH_TIMEOUT(page.cards().size(), images.size(), kWait);
            int restored = 0;
            for (CaptionCard* c : page.cards()) restored += c->isRestored() ? 1 : 0;
            QCOMPARE(restored, finishedBefore);
            QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
            QCOMPARE(captioned, images.mid(finishedBefore)); // only the rest, in order
            QCOMPARE(page.cards().size(), images.size());
            for (CaptionCard* c : page.cards()) QCOMPARE(c->caption(), m_expected.value(c->path()));
            QCOMPARE(QDir(progressDir).entryList(QDir::Files).size(), 0); // done: nothing left to resume
        }
        {
            // Skipping images that already have a caption file.
            writeBytes(sidecarPathFor(images[1]), "kept\n");
            CaptionPage page;
            page.findChild<QCheckBox*>(QStringLiteral("captionSkipCaptioned"))->setChecked(true);
            page.addFolder(folder);
            QTRY_COMPARE_WITH_TIMEOUT(page.cards().size(), images.size() - 1, kWait);
            QVERIFY(!cardFor(page, images[1]));
            QCOMPARE(
                page.statusText(),
                QStringLiteral("%1 images in %2; 1 skipped (caption file present).").arg(images.size()).arg(folder));
            QFile::remove(sidecarPathFor(images[1]));
        }
    }

    void modelChangeMidBatchUsesTheNewModelForTheRest() {
        // Model B: another complete checkpoint (our tiny preset with a small vocabulary).
        const QString dirB = QString::fromStdString(testsupport::fixture("pipeline/ours_tiny"));
        auto modelB = std::make_shared<captioner::GitCheckpoint>(captioner::loadCheckpoint(dirB.toStdString()));
        QHash<QString, QString> expectedB;
        {
            auto reference = std::make_shared<captioner::GitCheckpoint>(captioner::loadCheckpoint(dirB.toStdString()));
            captioner::CaptionOptions options;
            options.generation = captioner::generationOptionsFor(*reference, AppSettings::decoding().maxLength, 1, 1.0);
            std::vector<std::string> paths;
            for (const QString& p : m_sources) paths.push_back(p.toStdString());
            for (const auto& r : captioner::captionImages(*reference, paths, options))
                expectedB.insert(QString::fromStdString(r.image), QString::fromStdString(r.caption));
        }
        int differ = 0;
        for (const QString& p : m_sources) differ += expectedB.value(p) != m_expected.value(p) ? 1 : 0;
        QVERIFY2(differ >= 3, "the two models must caption differently for this test to mean anything");

        CaptionPage page;
        page.setJobSize(1, 1);
        page.setModel(m_model, m_modelDir);
        int seen = 0;
        connect(&page, &CaptionPage::captionReady, &page, [&] {
            if (++seen == 2) page.setModel(modelB, dirB);
        });
        page.captionFiles(m_sources);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        QCOMPARE(seen, m_sources.size()); // nothing captioned twice, nothing lost
        QCOMPARE(page.modelFolder(), dirB);
        for (int i = 0; i < m_sources.size(); ++i) {
            const QString& expected = i < 2 ? m_expected.value(m_sources[i]) : expectedB.value(m_sources[i]);
            QCOMPARE(page.cards()[i]->caption(), expected);
        }
    }

    void pasteImageDataAndFilePaths() {
        CaptionPage page;
        page.setModel(m_model, m_modelDir);
        QImage pixels(40, 30, QImage::Format_RGB32);
        pixels.fill(QColor(200, 40, 90));
        QApplication::clipboard()->setImage(pixels);
        page.paste();
        QCOMPARE(page.cards().size(), 1);
        const QString saved = page.cards()[0]->path();
        QVERIFY2(saved.startsWith(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
                                  QStringLiteral("/pasted/pasted-")),
                 qPrintable(saved));
        QCOMPARE(QImage(saved).convertToFormat(QImage::Format_RGB32), pixels);
        // Paths as text, one per line (a file URL, a plain path), as a file manager's "copy path" gives.
        QApplication::clipboard()->setText(QUrl::fromLocalFile(m_sources[0]).toString() + QLatin1Char('\n') +
                                           m_sources[1] + QLatin1Char('\n'));
        page.paste();
        QCOMPARE(page.cards().size(), 3);
        QCOMPARE(page.cards()[1]->path(), m_sources[0]);
        QCOMPARE(page.cards()[2]->path(), m_sources[1]);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        auto reference = loadModel();
        captioner::CaptionOptions options;
        options.generation = captioner::generationOptionsFor(*reference, AppSettings::decoding().maxLength, 1, 1.0);
        const auto r = captioner::captionImages(*reference, {saved.toStdString()}, options);
        QCOMPARE(page.cards()[0]->caption(), QString::fromStdString(r.front().caption));
        QCOMPARE(page.cards()[1]->caption(), m_expected.value(m_sources[0]));
        QApplication::clipboard()->setText(QStringLiteral("just some words"));
        page.paste();
        QCOMPARE(page.statusText(), QStringLiteral("Not found: just some words"));
        QCOMPARE(page.cards().size(), 3);
    }

    void addToDatasetFillsUncaptionedImagesForReview() {
        const QString folder = m_dir.filePath(QStringLiteral("dataset"));
        const QString a = copyImage(m_sources[0], folder + QStringLiteral("/a.png"));
        const QString b = copyImage(m_sources[2], folder + QStringLiteral("/b.png"));
        writeBytes(folder + QStringLiteral("/b.txt"), "a caption someone wrote\n");
        DatasetPage dataset;
        QSignalSpy opened(&dataset, &DatasetPage::opened);
        dataset.openFolder(folder);
        QVERIFY(opened.wait(kWait));
        QString summary;
        const int changed = dataset.addModelCaptions(
            {a, b, m_sources[3]},
            {QStringLiteral("model says a"), QStringLiteral("model says b"), QStringLiteral("model says c")}, &summary);
        QCOMPARE(changed, 1);
        QCOMPARE(
            summary,
            QStringLiteral(
                "1 image got the model's caption for review (save with Ctrl+S); 1 already had a caption and kept it; "
                "1 not in the open dataset: %1.")
                .arg(m_sources[3]));
        DatasetModel* model = dataset.model();
        int rowA = -1, rowB = -1;
        for (int row = 0; row < model->rowCount(); ++row) {
            const QString path = model->data(model->index(row), DatasetModel::ImagePathRole).toString();
            if (QFileInfo(path).fileName() == QLatin1String("a.png")) rowA = row;
            if (QFileInfo(path).fileName() == QLatin1String("b.png")) rowB = row;
        }
        QCOMPARE(model->captions(rowA), QStringList{QStringLiteral("model says a")});
        QCOMPARE(model->captions(rowB), QStringList{QStringLiteral("a caption someone wrote")});
        QCOMPARE(dataset.currentRow(), rowA);
        QVERIFY(dataset.hasUnsavedChanges());
        dataset.undoStack()->undo(); // one step takes it all back
        QVERIFY(model->captions(rowA).isEmpty() || model->captions(rowA).first().isEmpty());
        QVERIFY(!dataset.hasUnsavedChanges());
    }

    void keyboardOnlyFromAddToCopy() {
        CaptionPage page;
        page.resize(1000, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        page.setModel(m_model, m_modelDir);
        CaptionPage::setTestHooks(
            {[&](const QString& purpose) {
                 return purpose == QLatin1String("images") ? QStringList{m_sources[4], m_sources[5]} : QStringList{};
             },
             {}});
        auto* add = page.findChild<QPushButton*>(QStringLiteral("captionAddImages"));
        add->setFocus();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_I, Qt::ControlModifier);
        QCOMPARE(page.cards().size(), 2);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        // Tab from the Add buttons reaches the first card (Add Folder, Paste, then the cards).
        CaptionCard* focused = nullptr;
        for (int i = 0; i < 6 && !focused; ++i) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
            focused = qobject_cast<CaptionCard*>(QApplication::focusWidget());
        }
        QCOMPARE(focused, page.cards()[0]);
        QTest::keyClick(focused, Qt::Key_Down);
        QCOMPARE(QApplication::focusWidget(), page.cards()[1]);
        QApplication::clipboard()->clear();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), m_expected.value(m_sources[5]));
        QCOMPARE(page.statusText(),
                 QStringLiteral("Copied the caption of %1.").arg(QFileInfo(m_sources[5]).fileName()));
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Up);
        QCOMPARE(QApplication::focusWidget(), page.cards()[0]);
        // The card's own Copy button, reached with Tab and pressed with Space.
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), page.cards()[0]->copyButton());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QCOMPARE(QApplication::clipboard()->text(), m_expected.value(m_sources[4]));
        // Delete removes the focused card and the focus stays in the list.
        page.cards()[0]->setFocus();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Delete);
        QCOMPARE(page.cards().size(), 1);
        QCOMPARE(QApplication::focusWidget(), page.cards()[0]);
        CaptionPage::setTestHooks({});
    }

    void speakIsEnabledOnlyWithAnEngine() {
        CaptionPage page;
        page.setModel(m_model, m_modelDir);
        page.captionFiles({m_sources[0]});
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        QPushButton* speak = page.cards().first()->speakButton();
        if (QTextToSpeech::availableEngines().isEmpty()) {
            QVERIFY(!speak->isEnabled());
            QVERIFY2(speak->accessibleDescription().contains(QStringLiteral("no speech engine is installed")),
                     qPrintable(speak->accessibleDescription()));
        } else if (speak->isEnabled()) {
            QCOMPARE(speak->accessibleDescription(),
                     QStringLiteral("Read the caption of %1 aloud").arg(QFileInfo(m_sources[0]).fileName()));
        } else {
            QVERIFY2(speak->accessibleDescription().startsWith(QStringLiteral("Reading aloud is not available: ")),
                     qPrintable(speak->accessibleDescription()));
        }
        QCOMPARE(speak->toolTip(), speak->accessibleDescription());
    }

    // Each card: its confidence, the words below the threshold underlined in the caption, listed
    // with their percentages in the tooltip and named in the accessible description, all from the
    // core's result for the same image; the sort box (by keyboard) orders the cards by confidence.
    void confidenceMarksTooltipAndSort() {
        const QStringList images = m_sources.mid(0, 4);
        auto reference = loadModel();
        captioner::CaptionOptions options;
        options.generation = captioner::generationOptionsFor(*reference, AppSettings::decoding().maxLength, 1, 1.0);
        std::vector<std::string> paths;
        for (const QString& p : images) paths.push_back(p.toStdString());
        QHash<QString, captioner::CaptionResult> expected;
        for (const captioner::CaptionResult& r : captioner::captionImages(*reference, paths, options))
            expected.insert(QString::fromStdString(r.image), r);
        QCOMPARE(expected.size(), images.size());

        CaptionPage page;
        page.resize(1000, 700);
        page.show();
        page.setModel(m_model, m_modelDir);
        page.captionFiles(images);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        int uncertainTotal = 0;
        for (CaptionCard* card : page.cards()) {
            const captioner::CaptionResult& r = expected[card->path()];
            QVERIFY(r.ok());
            QCOMPARE(card->caption(), QString::fromStdString(r.caption));
            QVERIFY2(std::abs(card->confidence() - r.confidence) < 1e-5, qPrintable(card->path()));
            const QString confidenceText = QStringLiteral("Confidence %1%").arg(qRound(r.confidence * 100));
            QCOMPARE(card->confidenceLabel()->text(), confidenceText);
            QVERIFY(card->confidenceLabel()->isVisibleTo(&page));
            QStringList uncertain;
            QStringList percentages;
            for (const captioner::WordConfidence& w : r.words) {
                if (w.confidence >= CaptionCard::kUncertainWordThreshold) continue;
                uncertain << QString::fromStdString(w.word);
                percentages << QStringLiteral("%1 (%2%)").arg(uncertain.last()).arg(qRound(w.confidence * 100));
            }
            uncertainTotal += static_cast<int>(uncertain.size());
            // The marks: the label's rich text reads as the caption, and exactly the uncertain words
            // are underlined.
            QTextDocument doc;
            doc.setHtml(card->captionLabel()->text());
            QCOMPARE(doc.toPlainText(), card->caption());
            QStringList underlined;
            for (QTextBlock b = doc.begin(); b.isValid(); b = b.next())
                for (auto it = b.begin(); !it.atEnd(); ++it) {
                    const QTextFragment f = it.fragment();
                    if (!f.charFormat().fontUnderline()) continue;
                    QCOMPARE(f.charFormat().underlineStyle(), QTextCharFormat::SingleUnderline);
                    underlined << f.text();
                }
            QCOMPARE(underlined.join(QLatin1Char('|')).toLower(), uncertain.join(QLatin1Char('|')).toLower());
            QString tip = confidenceText;
            if (!uncertain.isEmpty())
                tip += QStringLiteral("\nUncertain words (below 50%): ") + percentages.join(QStringLiteral(", "));
            QCOMPARE(card->toolTip(), tip);
            const QString description = QAccessible::queryAccessibleInterface(card)->text(QAccessible::Description);
            QVERIFY2(description.contains(confidenceText), qPrintable(description));
            if (uncertain.isEmpty())
                QVERIFY2(!description.contains(QStringLiteral("uncertain words")), qPrintable(description));
            else
                QVERIFY2(
                    description.endsWith(QStringLiteral("uncertain words: ") + uncertain.join(QStringLiteral(", "))),
                    qPrintable(description));
        }
        qInfo("uncertain words on the fixture model's %d cards: %d", int(page.cards().size()), uncertainTotal);

        // Right picks the first word: its heatmap dims the thumbnail where the model did not look; Esc clears.
        CaptionCard* first = page.cards().first();
        QTRY_VERIFY_WITH_TIMEOUT(!first->thumbnailLabel()->pixmap().isNull(), kWait);
        QVERIFY(!first->words().first().heatmap.isEmpty());
        const QImage plain = first->thumbnailLabel()->pixmap().toImage();
        first->setFocus(Qt::TabFocusReason);
        QTest::keyClick(first, Qt::Key_Right);
        QCOMPARE(first->selectedWord(), 0);
        QVERIFY(first->thumbnailLabel()->pixmap().toImage() != plain);
        QVERIFY(QAccessible::queryAccessibleInterface(first)
                    ->text(QAccessible::Description)
                    .contains(first->words().first().word));
        QTest::keyClick(first, Qt::Key_Right);
        QCOMPARE(first->selectedWord(), qMin(1, int(first->words().size()) - 1));
        QTest::keyClick(first, Qt::Key_Escape);
        QCOMPARE(first->selectedWord(), -1);
        QCOMPARE(first->thumbnailLabel()->pixmap().toImage(), plain);
        // A word is a link of the caption label: activating it (what a click does) picks it too.
        emit first->captionLabel()->linkActivated(QStringLiteral("word:0"));
        QCOMPARE(first->selectedWord(), 0);
        QVERIFY(first->thumbnailLabel()->pixmap().toImage() != plain);
        QTest::keyClick(first, Qt::Key_Escape);
        QCOMPARE(first->selectedWord(), -1);
        QVERIFY(!page.isBusy());

        auto* sort = page.findChild<QComboBox*>(QStringLiteral("captionSort"));
        QVERIFY(sort);
        QCOMPARE(sort->accessibleName(), QStringLiteral("Sort results"));
        QCOMPARE(sort->focusPolicy() & Qt::TabFocus, Qt::TabFocus);
        sort->setFocus(Qt::TabFocusReason);
        const auto order = [&page] {
            QList<CaptionCard*> cards = page.cards();
            QLayout* layout = cards.first()->parentWidget()->layout();
            std::sort(cards.begin(), cards.end(),
                      [layout](CaptionCard* a, CaptionCard* b) { return layout->indexOf(a) < layout->indexOf(b); });
            return cards;
        };
        QTest::keyClick(sort, Qt::Key_Down);
        QCOMPARE(sort->currentIndex(), 1);
        QList<CaptionCard*> cards = order();
        QCOMPARE(cards, page.cards()); // the list Up/Down move through is the shown order
        for (int i = 1; i < cards.size(); ++i) QVERIFY(cards[i - 1]->confidence() <= cards[i]->confidence());
        QVERIFY(cards.first()->confidence() < cards.last()->confidence());
        QTest::keyClick(sort, Qt::Key_Down);
        QCOMPARE(sort->currentIndex(), 2);
        cards = order();
        QCOMPARE(cards, page.cards());
        for (int i = 1; i < cards.size(); ++i) QVERIFY(cards[i - 1]->confidence() >= cards[i]->confidence());
        QTest::keyClick(sort, Qt::Key_Home);
        QCOMPARE(sort->currentIndex(), 0);
        QStringList added;
        for (CaptionCard* c : order()) added << c->path();
        QCOMPARE(added, images);
    }

    void everyControlIsNamed() {
        CaptionPage page;
        page.setModel(m_model, m_modelDir);
        page.captionFiles({m_sources[0]});
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        QStringList unnamed;
        for (QWidget* w : page.findChildren<QWidget*>()) {
            if (w->focusPolicy() == Qt::NoFocus || w->isHidden() || !w->isVisibleTo(&page)) continue;
            if (qobject_cast<QAbstractSpinBox*>(w->parentWidget())) continue; // the spin box itself is named
            QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
            if (!iface || iface->text(QAccessible::Name).isEmpty())
                unnamed << QString::fromLatin1(w->metaObject()->className()) + QLatin1Char(' ') + w->objectName();
        }
        QVERIFY2(unnamed.isEmpty(), qPrintable(unnamed.join(QLatin1Char('\n'))));
        QStringList shortcuts;
        for (QAction* a : page.menuActions())
            if (!a->shortcut().isEmpty()) shortcuts << a->shortcut().toString();
        QCOMPARE(shortcuts,
                 (QStringList{QStringLiteral("Ctrl+I"), QStringLiteral("Ctrl+Shift+I"), QStringLiteral("Ctrl+V"),
                              QStringLiteral("Ctrl+C"), QStringLiteral("Ctrl+Shift+K"), QStringLiteral("F5"),
                              QStringLiteral("Shift+F5"), QStringLiteral("Esc"), QStringLiteral("Ctrl+E"),
                              QStringLiteral("Ctrl+Shift+T"), QStringLiteral("Ctrl+Shift+D"),
                              QStringLiteral("Ctrl+Shift+M")}));
    }
};

QTEST_MAIN(TestCaptionPage)
#include "test_caption_page.moc"
