// The dataset browser on a generated dataset: model rows and roles, problems from the report,
// filtering (substring, whole words, kinds), sorting, thumbnails, the detail pane, and a caption
// edit + undo + redo + save round trip on disk.
#include "gui_test_dataset.h"
#include "test_support.h"

#include "captioner_ui/dataset_filter_model.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"
#include "captioner_ui/thumbnail_provider.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QSlider>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest/QtTest>

using captioner::ui::DatasetFilterModel;
using captioner::ui::DatasetModel;
using captioner::ui::DatasetPage;

namespace {
QList<int> shownRows(const DatasetFilterModel* f) {
    QList<int> rows;
    for (int i = 0; i < f->rowCount(); ++i) rows << f->sourceRow(i);
    return rows;
}

QAction* action(const DatasetPage& page, const char* name) {
    for (QAction* a : page.editActions() + page.reviewActions())
        if (a->objectName() == QLatin1String(name)) return a;
    return nullptr;
}

// Opens the dataset and waits for the report (so problems are known).
bool openAndWait(DatasetPage& page, const QString& dir) {
    QSignalSpy report(&page, &DatasetPage::reportReady);
    page.openFolder(dir);
    return report.wait(20000) && page.hasDataset();
}
} // namespace

class TestDatasetBrowser : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Captioner"));
        QCoreApplication::setApplicationName(QStringLiteral("CaptionerTest"));
    }

    void rowsRolesAndProblems() {
        QTemporaryDir dir;
        QVERIFY(guitest::writeDataset(dir.path()));
        DatasetPage page;
        QVERIFY(openAndWait(page, dir.path()));
        const DatasetModel* m = page.model();
        QCOMPARE(m->rowCount(), 6);
        for (int i = 0; i < 6; ++i) {
            const QModelIndex idx = m->index(i);
            QCOMPARE(idx.data(DatasetModel::FileNameRole).toString(),
                     QStringLiteral("%1.png").arg(i, 4, 10, QLatin1Char('0')));
            QCOMPARE(idx.data(DatasetModel::CaptionRole).toString(), guitest::captions()[i]);
            QCOMPARE(idx.data(DatasetModel::ImagePathRole).toString(),
                     QDir(dir.path()).filePath(idx.data(DatasetModel::FileNameRole).toString()));
        }
        QCOMPARE(m->index(1).data(DatasetModel::CaptionLengthRole).toInt(), 13);
        QCOMPARE(m->problems(0), int(DatasetModel::NoProblem));
        QCOMPARE(m->problems(3), int(DatasetModel::MissingCaption));
        QCOMPARE(m->problems(4), int(DatasetModel::Unreadable));
        QVERIFY(m->index(4)
                    .data(DatasetModel::ProblemTextRole)
                    .toString()
                    .startsWith(QStringLiteral("Unreadable image: ")));
        auto* summary = page.findChild<QLabel*>(QStringLiteral("datasetSummary"));
        QVERIFY(summary->text().endsWith(QStringLiteral(" — 6 images")));
        auto* problems = page.findChild<QLabel*>(QStringLiteral("datasetProblems"));
        QVERIFY2(problems->text().contains(QStringLiteral("1 unreadable image, 1 image without caption")),
                 qPrintable(problems->text()));
        // The first image is selected and shown in the detail pane.
        QCOMPARE(page.currentRow(), 0);
    }

    void filtering() {
        QTemporaryDir dir;
        QVERIFY(guitest::writeDataset(dir.path()));
        DatasetPage page;
        QVERIFY(openAndWait(page, dir.path()));
        DatasetFilterModel* f = page.filterModel();
        auto* counter = page.findChild<QLabel*>(QStringLiteral("shownCounter"));
        QCOMPARE(counter->text(), QStringLiteral("6 of 6 shown"));

        // Typed into the search box, as a user would.
        auto* search = page.findChild<QLineEdit*>(QStringLiteral("searchBox"));
        QTest::keyClicks(search, QStringLiteral("circle"));
        QCOMPARE(shownRows(f), (QList<int>{0, 2, 5}));
        QCOMPARE(counter->text(), QStringLiteral("3 of 6 shown"));
        page.findChild<QCheckBox*>(QStringLiteral("wholeWords"))->setChecked(true);
        QCOMPARE(shownRows(f), (QList<int>{0, 2}));
        search->setText(QStringLiteral("RED Circle")); // every term, any case
        QCOMPARE(shownRows(f), (QList<int>{0, 2}));
        search->setText(QStringLiteral("red background"));
        QCOMPARE(shownRows(f), (QList<int>{0}));
        search->setText(QStringLiteral("0001.png")); // file names too
        QCOMPARE(shownRows(f), (QList<int>{1}));
        search->setText(QStringLiteral("squ")); // whole words: no partial match
        QCOMPARE(f->rowCount(), 0);
        QCOMPARE(counter->text(), QStringLiteral("0 of 6 shown"));
        page.findChild<QCheckBox*>(QStringLiteral("wholeWords"))->setChecked(false);
        QCOMPARE(shownRows(f), (QList<int>{1, 2}));
        search->clear();

        auto* show = page.findChild<QComboBox*>(QStringLiteral("showFilter"));
        show->setCurrentIndex(int(DatasetFilterModel::Show::Problems));
        QCOMPARE(shownRows(f), (QList<int>{3, 4}));
        show->setCurrentIndex(int(DatasetFilterModel::Show::Unreadable));
        QCOMPARE(shownRows(f), (QList<int>{4}));
        show->setCurrentIndex(int(DatasetFilterModel::Show::MissingCaption));
        QCOMPARE(shownRows(f), (QList<int>{3}));
        QCOMPARE(page.currentRow(), 3); // the selection follows to a shown image
        show->setCurrentIndex(int(DatasetFilterModel::Show::Unreviewed));
        QCOMPARE(f->rowCount(), 6);
        show->setCurrentIndex(int(DatasetFilterModel::Show::Flagged));
        QCOMPARE(f->rowCount(), 0);
        show->setCurrentIndex(int(DatasetFilterModel::Show::All));
        QCOMPARE(f->rowCount(), 6);
    }

    void sorting() {
        QTemporaryDir dir;
        QVERIFY(guitest::writeDataset(dir.path()));
        DatasetPage page;
        QVERIFY(openAndWait(page, dir.path()));
        auto* sort = page.findChild<QComboBox*>(QStringLiteral("sortOrder"));
        sort->setCurrentIndex(int(DatasetFilterModel::SortKey::CaptionLength));
        // Lengths: 34, 13, 28, 0, 13, 18; ties keep dataset order.
        QCOMPARE(shownRows(page.filterModel()), (QList<int>{3, 1, 4, 5, 2, 0}));
        sort->setCurrentIndex(int(DatasetFilterModel::SortKey::Name));
        QCOMPARE(shownRows(page.filterModel()), (QList<int>{0, 1, 2, 3, 4, 5}));
    }

    void thumbnailsLoadOffThread() {
        QTemporaryDir dir;
        QVERIFY(guitest::writeDataset(dir.path()));
        DatasetPage page;
        page.resize(1000, 700);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(openAndWait(page, dir.path()));
        const DatasetModel* m = page.model();
        // Painting the grid asks for the previews; they arrive from the pool.
        QTRY_VERIFY(!m->index(0).data(Qt::DecorationRole).value<QImage>().isNull());
        const QImage first = m->index(0).data(Qt::DecorationRole).value<QImage>();
        QCOMPARE(first.size(), QSize(48, 32)); // never enlarged
        QCOMPARE(first.pixel(10, 10), QColor::fromHsv(0, 200, 220).rgb());
        QTRY_COMPARE(m->index(4).data(DatasetModel::ThumbnailStateRole).toInt(), int(DatasetModel::ThumbnailFailed));
        QVERIFY(page.thumbnails()->memoryBytes() > 0);
        QVERIFY(page.thumbnails()->memoryBytes() <= page.thumbnails()->memoryLimitBytes());

        // Thumbnail size: slider and Ctrl+wheel.
        auto* slider = page.findChild<QSlider*>(QStringLiteral("thumbnailSize"));
        slider->setValue(96);
        QCOMPARE(page.thumbnailSize(), 96);
        QWheelEvent wheel(QPointF(20, 20), page.view()->viewport()->mapToGlobal(QPointF(20, 20)), QPoint(),
                          QPoint(0, 240), Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(page.view()->viewport(), &wheel);
        QCOMPARE(page.thumbnailSize(), 128);
        QCOMPARE(slider->value(), 128);
    }

    void editUndoSaveRoundTrip() {
        QTemporaryDir dir;
        QVERIFY(guitest::writeDataset(dir.path()));
        const QString meta = QDir(dir.path()).filePath(QStringLiteral("metadata.jsonl"));
        const QByteArray before = guitest::readAll(meta);
        {
            DatasetPage page;
            page.show();
            QVERIFY(QTest::qWaitForWindowExposed(&page));
            QVERIFY(openAndWait(page, dir.path()));
            page.selectRow(1);
            QPlainTextEdit* editor = page.findChild<QPlainTextEdit*>(QStringLiteral("captionEditor"));
            QCOMPARE(editor->toPlainText(), QStringLiteral("a blue square"));
            editor->setFocus();
            editor->moveCursor(QTextCursor::End);
            QTest::keyClicks(editor, QStringLiteral(" tile"));
            QCOMPARE(page.model()->captions(1), QStringList{QStringLiteral("a blue square tile")});
            QCOMPARE(page.undoStack()->count(), 1); // one editing session, one undo step
            QVERIFY(page.hasUnsavedChanges());

            action(page, "actionUndo")->trigger();
            QCOMPARE(page.model()->captions(1), QStringList{QStringLiteral("a blue square")});
            QCOMPARE(editor->toPlainText(), QStringLiteral("a blue square"));
            QVERIFY(!page.hasUnsavedChanges());
            action(page, "actionRedo")->trigger();
            QCOMPARE(editor->toPlainText(), QStringLiteral("a blue square tile"));

            // Ctrl+Z in the editor is the page's undo, not the editor's own.
            QTest::keyClick(editor, Qt::Key_Z, Qt::ControlModifier);
            QCOMPARE(page.model()->captions(1), QStringList{QStringLiteral("a blue square")});
            QTest::keyClick(editor, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
            QCOMPARE(page.model()->captions(1), QStringList{QStringLiteral("a blue square tile")});

            QSignalSpy saved(&page, &DatasetPage::saved);
            action(page, "actionSave")->trigger();
            QVERIFY(saved.wait(10000));
            QCOMPARE(saved.first().at(0).toBool(), true);
            QVERIFY(!page.hasUnsavedChanges());
            QVERIFY(!action(page, "actionSave")->isEnabled());
        }
        const QByteArray after = guitest::readAll(meta);
        QVERIFY(after.contains("\"a blue square tile\""));
        QVERIFY(!after.contains("\"a blue square\""));
        QCOMPARE(guitest::readAll(meta + QStringLiteral(".bak")), before);
        // Reopened, the edit is there.
        DatasetPage again;
        QVERIFY(openAndWait(again, dir.path()));
        QCOMPARE(again.model()->captions(1), QStringList{QStringLiteral("a blue square tile")});
        QCOMPARE(again.model()->captions(0), QStringList{guitest::captions()[0]});
    }

    // A Parquet dataset (a downloaded Hub repo) is browsed and reviewed but not edited: its captions
    // live inside the file, so the editor is read-only and Save / Edit stay disabled.
    void parquetDatasetIsReadOnly() {
        DatasetPage page;
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(openAndWait(page, QString::fromStdString(testsupport::fixture("parquet/hub_repo"))));
        QVERIFY(page.model()->rowCount() > 0);
        page.selectRow(0);
        QPlainTextEdit* editor = page.findChild<QPlainTextEdit*>(QStringLiteral("captionEditor"));
        QVERIFY(editor->isReadOnly());
        QVERIFY(editor->toolTip().contains(QStringLiteral("dataset convert")));
        const QString before = editor->toPlainText();
        editor->setFocus();
        QTest::keyClicks(editor, QStringLiteral(" x"));
        QCOMPARE(editor->toPlainText(), before);
        QVERIFY(!page.hasUnsavedChanges());
        QVERIFY(!action(page, "actionSave")->isEnabled());
        QVERIFY(!action(page, "actionEditCaption")->isEnabled());
        QVERIFY(action(page, "actionAccept")->isEnabled()); // review verdicts still work
    }

    void openFailureKeepsWindowUsable() {
        QTemporaryDir dir; // empty: no dataset
        DatasetPage page;
        QSignalSpy failed(&page, &DatasetPage::openFailed);
        page.openFolder(dir.path());
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().at(1).toString().contains(QStringLiteral("no dataset found")));
        QVERIFY(page.isEmptyStateShown());
        QVERIFY(!page.isLoading());
    }
};

QTEST_MAIN(TestDatasetBrowser)
#include "test_dataset_browser.moc"
