// Review mode: a keyboard-only review of several images in the main window (accept, edit + accept,
// flag with a reason, reuse the previous caption, step back and forth), review.jsonl on disk, the
// verdicts and progress after reopening, and the CSV / JSON Lines exports.
#include "gui_test_dataset.h"

#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"
#include "captioner_ui/main_window.h"

#include "captioner/review_store.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QListView>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using captioner::ui::DatasetModel;
using captioner::ui::DatasetPage;
using captioner::ui::MainWindow;

namespace {
bool openAndWait(DatasetPage& page, const QString& dir) {
    QSignalSpy report(&page, &DatasetPage::reportReady);
    page.openFolder(dir);
    return report.wait(20000) && page.hasDataset();
}

// Presses keys where the keyboard focus is, as a user would.
void press(const QKeySequence& keys) {
    QWidget* target = QApplication::focusWidget();
    QVERIFY(target);
    QTest::keySequence(target, keys);
}

QString status(const DatasetModel* m, int row) {
    return QString::fromStdString(captioner::toString(m->reviewEntry(row).status));
}

QList<QJsonObject> jsonLines(const QByteArray& bytes) {
    QList<QJsonObject> out;
    for (const QByteArray& line : bytes.split('\n'))
        if (!line.trimmed().isEmpty()) out << QJsonDocument::fromJson(line).object();
    return out;
}
} // namespace

class TestCaptionReview : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Captioner"));
        QCoreApplication::setApplicationName(QStringLiteral("CaptionerTest"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        QVERIFY(guitest::writeDataset(m_dir.path()));
    }

    void keyboardOnlyReview() {
        MainWindow w;
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        DatasetPage* page = w.datasetPage();
        QSignalSpy report(page, &DatasetPage::reportReady);
        w.openDataset(m_dir.path());
        QVERIFY(report.wait(20000));
        const DatasetModel* m = page->model();
        page->view()->setFocus();
        QCOMPARE(page->currentRow(), 0);

        press(QKeySequence(QStringLiteral("Ctrl+R")));
        QVERIFY(page->isReviewMode());
        // 0: accept as is; the next image comes up.
        press(QKeySequence(QStringLiteral("Ctrl+Return")));
        QCOMPARE(status(m, 0), QStringLiteral("accepted"));
        QCOMPARE(page->currentRow(), 1);
        // 1: edit (F2 puts the focus in the editor), then accept: recorded as edited.
        press(QKeySequence(QStringLiteral("F2")));
        auto* editor = page->findChild<QPlainTextEdit*>(QStringLiteral("captionEditor"));
        QCOMPARE(QApplication::focusWidget(), editor);
        QTest::keyClicks(editor, QStringLiteral(" on grey"));
        press(QKeySequence(QStringLiteral("Ctrl+Return")));
        QCOMPARE(status(m, 1), QStringLiteral("edited"));
        QCOMPARE(QString::fromStdString(m->reviewEntry(1).caption), QStringLiteral("a blue square on grey"));
        QCOMPARE(page->currentRow(), 2);
        // 2: flag with a typed reason.
        press(QKeySequence(QStringLiteral("Ctrl+Shift+F")));
        auto* reason = page->findChild<QComboBox*>(QStringLiteral("flagReason"));
        QVERIFY(reason->isAncestorOf(QApplication::focusWidget()) || QApplication::focusWidget() == reason);
        QTest::keyClicks(QApplication::focusWidget(), QStringLiteral("Colours are wrong"));
        press(QKeySequence(Qt::Key_Return));
        QCOMPARE(status(m, 2), QStringLiteral("flagged"));
        QCOMPARE(QString::fromStdString(m->reviewEntry(2).reason), QStringLiteral("Colours are wrong"));
        QCOMPARE(page->currentRow(), 3);
        // 3 has no caption: start from the previous image's caption, then accept it.
        press(QKeySequence(QStringLiteral("Ctrl+Shift+P")));
        QCOMPARE(m->captions(3), QStringList{guitest::captions()[2]});
        QCOMPARE(QApplication::focusWidget(), editor);
        press(QKeySequence(QStringLiteral("Ctrl+Return")));
        QCOMPARE(status(m, 3), QStringLiteral("edited"));
        QCOMPARE(page->currentRow(), 4);
        // Back and forth without a verdict.
        press(QKeySequence(QStringLiteral("Alt+Left")));
        press(QKeySequence(QStringLiteral("Alt+Left")));
        QCOMPARE(page->currentRow(), 2);
        press(QKeySequence(QStringLiteral("Alt+Right")));
        QCOMPARE(page->currentRow(), 3);
        QCOMPARE(status(m, 4), QStringLiteral("unreviewed"));

        auto* progress = page->findChild<QLabel*>(QStringLiteral("reviewProgress"));
        QCOMPARE(progress->text(), QStringLiteral("4 of 6 reviewed · 1 accepted · 2 edited · 1 flagged"));

        // On disk already, without saving: one line per verdict, sorted by file.
        const QList<QJsonObject> lines = jsonLines(guitest::readAll(QDir(m_dir.path()).filePath("review.jsonl")));
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0].value("file").toString(), QStringLiteral("0000.png"));
        QCOMPARE(lines[0].value("status").toString(), QStringLiteral("accepted"));
        QCOMPARE(lines[1].value("status").toString(), QStringLiteral("edited"));
        QCOMPARE(lines[1].value("caption").toString(), QStringLiteral("a blue square on grey"));
        QCOMPARE(lines[2].value("status").toString(), QStringLiteral("flagged"));
        QCOMPARE(lines[2].value("reason").toString(), QStringLiteral("Colours are wrong"));
        QCOMPARE(lines[3].value("file").toString(), QStringLiteral("0003.png"));
        QVERIFY(lines[0].value("reviewed_at").toString().endsWith(QLatin1Char('Z')));

        // Captions edited during review are saved with Ctrl+S.
        QSignalSpy saved(page, &DatasetPage::saved);
        press(QKeySequence(QStringLiteral("Ctrl+S")));
        QVERIFY(saved.wait(10000));
        QVERIFY(saved.first().at(0).toBool());
    }

    void reviewPersistsAcrossReopen() {
        DatasetPage page;
        QVERIFY(openAndWait(page, m_dir.path()));
        const DatasetModel* m = page.model();
        QCOMPARE(status(m, 0), QStringLiteral("accepted"));
        QCOMPARE(status(m, 1), QStringLiteral("edited"));
        QCOMPARE(status(m, 2), QStringLiteral("flagged"));
        QCOMPARE(QString::fromStdString(m->reviewEntry(2).reason), QStringLiteral("Colours are wrong"));
        QCOMPARE(status(m, 3), QStringLiteral("edited"));
        QCOMPARE(status(m, 4), QStringLiteral("unreviewed"));
        QCOMPARE(m->captions(1), QStringList{QStringLiteral("a blue square on grey")});
        page.setReviewMode(true);
        QCOMPARE(page.findChild<QLabel*>(QStringLiteral("reviewProgress"))->text(),
                 QStringLiteral("4 of 6 reviewed · 1 accepted · 2 edited · 1 flagged"));
    }

    void exports() {
        DatasetPage page;
        QVERIFY(openAndWait(page, m_dir.path()));
        QTemporaryDir out;
        const QString csv = out.filePath(QStringLiteral("review.csv"));
        QVERIFY(page.exportReview(csv));
        const QList<QByteArray> rows = guitest::readAll(csv).split('\n');
        QCOMPARE(rows.size(), 8); // header, 6 images, final empty piece
        QCOMPARE(rows[0], QByteArray("file,status,reason,caption,caption_chars,reviewed_at\r"));
        QVERIFY(rows[2].startsWith("0001.png,edited,,a blue square on grey,21,"));
        QVERIFY(rows[3].startsWith("0002.png,flagged,Colours are wrong,a red square beside a circle,28,"));
        QCOMPARE(rows[5], QByteArray("0004.png,unreviewed,,a broken file,13,\r"));

        const QString jsonl = out.filePath(QStringLiteral("review.jsonl"));
        QVERIFY(page.exportReview(jsonl));
        const QList<QJsonObject> lines = jsonLines(guitest::readAll(jsonl));
        QCOMPARE(lines.size(), 6);
        QCOMPARE(lines[2].value("status").toString(), QStringLiteral("flagged"));
        QCOMPARE(lines[2].value("caption_chars").toInt(), 28);
        QCOMPARE(lines[5].value("status").toString(), QStringLiteral("unreviewed"));
        QCOMPARE(lines[5].value("caption").toString(), QStringLiteral("circles everywhere"));

        QString error;
        QVERIFY(!page.exportReview(out.filePath(QStringLiteral("missing/folder/x.csv")), &error));
        QVERIFY(error.contains(QStringLiteral("missing/folder/x.csv")));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestCaptionReview)
#include "test_caption_review.moc"
