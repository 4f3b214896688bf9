// Issue 21, Japanese input: an input method composes text as preedit (shown underlined, not yet
// text) and then commits it. In the detail pane's caption editor the commit becomes the caption (one
// undo step, saved to disk byte for byte) while the preedit alone changes nothing stored; in the
// dataset browser's search box the committed Japanese text filters the grid and the preedit does not.
#include "captioner_ui/dataset_filter_model.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QInputMethodEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTextBlock>
#include <QTextLayout>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest/QtTest>

using captioner::ui::DatasetFilterModel;
using captioner::ui::DatasetPage;

namespace {

const QStringList& captions() {
    static const QStringList list{QStringLiteral("桜の木の下で猫が昼寝している"),
                                  QStringLiteral("「こんにちは」と言った。"), QStringLiteral("一只猫坐在窗台上"),
                                  QStringLiteral("a red square")};
    return list;
}

bool writeDataset(const QString& dir) {
    QByteArray meta;
    for (int i = 0; i < captions().size(); ++i) {
        const QString name = QStringLiteral("%1.png").arg(i, 4, 10, QLatin1Char('0'));
        QImage image(32, 24, QImage::Format_RGB888);
        image.fill(QColor::fromHsv(i * 60, 200, 220));
        if (!image.save(QDir(dir).filePath(name))) return false;
        meta += "{\"file_name\": \"" + name.toUtf8() + "\", \"text\": \"" + captions()[i].toUtf8() + "\"}\n";
    }
    QFile f(QDir(dir).filePath(QStringLiteral("metadata.jsonl")));
    return f.open(QIODevice::WriteOnly) && f.write(meta) == meta.size();
}

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// What an input method sends while composing: the preedit text, underlined, with the cursor at its end.
void sendPreedit(QWidget* w, const QString& preedit) {
    QTextCharFormat underline;
    underline.setFontUnderline(true);
    const QList<QInputMethodEvent::Attribute> attributes{
        {QInputMethodEvent::TextFormat, 0, int(preedit.size()), underline},
        {QInputMethodEvent::Cursor, int(preedit.size()), 1, QVariant()}};
    QInputMethodEvent event(preedit, attributes);
    QCoreApplication::sendEvent(w, &event);
}

// ... and when the user accepts the conversion: no preedit left, the commit string.
void sendCommit(QWidget* w, const QString& text) {
    QInputMethodEvent event;
    event.setCommitString(text);
    QCoreApplication::sendEvent(w, &event);
}

QList<int> shownRows(const DatasetFilterModel* f) {
    QList<int> rows;
    for (int i = 0; i < f->rowCount(); ++i) rows << f->sourceRow(i);
    return rows;
}

bool openAndWait(DatasetPage& page, const QString& dir) {
    QSignalSpy report(&page, &DatasetPage::reportReady);
    page.openFolder(dir);
    return report.wait(20000) && page.hasDataset();
}

QAction* action(const DatasetPage& page, const char* name) {
    for (QAction* a : page.editActions() + page.reviewActions())
        if (a->objectName() == QLatin1String(name)) return a;
    return nullptr;
}

} // namespace

class TestJapaneseInput : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Captioner"));
        QCoreApplication::setApplicationName(QStringLiteral("CaptionerTest"));
    }

    void captionEditorTakesCommitNotPreedit() {
        QTemporaryDir dir;
        QVERIFY(writeDataset(dir.path()));
        const QString meta = QDir(dir.path()).filePath(QStringLiteral("metadata.jsonl"));
        DatasetPage page;
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(openAndWait(page, dir.path()));
        page.selectRow(1);
        auto* editor = page.findChild<QPlainTextEdit*>(QStringLiteral("captionEditor"));
        QVERIFY(editor);
        QVERIFY(editor->testAttribute(Qt::WA_InputMethodEnabled));
        QCOMPARE(editor->toPlainText(), captions()[1]);
        editor->setFocus();
        editor->moveCursor(QTextCursor::End);

        // Composing: the kana, then its conversion, shown in the editor but not stored.
        sendPreedit(editor, QStringLiteral("ねこ"));
        sendPreedit(editor, QStringLiteral("猫"));
        QCOMPARE(editor->textCursor().block().layout()->preeditAreaText(), QStringLiteral("猫")); // it arrived
        QCOMPARE(editor->inputMethodQuery(Qt::ImSurroundingText).toString(), captions()[1]);
        QCOMPARE(page.model()->captions(1), QStringList{captions()[1]});
        QCOMPARE(page.undoStack()->count(), 0);
        QVERIFY(!page.hasUnsavedChanges());

        // Committed: now it is the caption.
        sendCommit(editor, QStringLiteral("猫"));
        const QString edited = captions()[1] + QStringLiteral("猫");
        QCOMPARE(editor->textCursor().block().layout()->preeditAreaText(), QString());
        QCOMPARE(editor->toPlainText(), edited);
        QCOMPARE(page.model()->captions(1), QStringList{edited});
        QCOMPARE(page.undoStack()->count(), 1);
        QVERIFY(page.hasUnsavedChanges());

        // A second composition in the same editing session, cancelled (an empty preedit, nothing
        // committed): nothing changes.
        sendPreedit(editor, QStringLiteral("いぬ"));
        sendPreedit(editor, QString());
        QCOMPARE(editor->toPlainText(), edited);
        QCOMPARE(page.model()->captions(1), QStringList{edited});

        // Full-width punctuation and an emoji outside the BMP, committed in one event.
        sendCommit(editor, QStringLiteral("、犬\U0001F415。"));
        const QString edited2 = edited + QStringLiteral("、犬\U0001F415。");
        QCOMPARE(page.model()->captions(1), QStringList{edited2});

        QSignalSpy saved(&page, &DatasetPage::saved);
        action(page, "actionSave")->trigger();
        QVERIFY(saved.wait(10000));
        QCOMPARE(saved.first().at(0).toBool(), true);
        const QByteArray after = readAll(meta);
        QVERIFY2(after.contains("\"" + edited2.toUtf8() + "\""), after.constData());
        QVERIFY(after.contains("\"" + captions()[0].toUtf8() + "\"")); // other rows' bytes untouched
    }

    void searchBoxFiltersOnCommit() {
        QTemporaryDir dir;
        QVERIFY(writeDataset(dir.path()));
        DatasetPage page;
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(openAndWait(page, dir.path()));
        DatasetFilterModel* f = page.filterModel();
        auto* search = page.findChild<QLineEdit*>(QStringLiteral("searchBox"));
        auto* counter = page.findChild<QLabel*>(QStringLiteral("shownCounter"));
        QVERIFY(search);
        search->setFocus();

        sendPreedit(search, QStringLiteral("ひるね"));
        QCOMPARE(search->text(), QString());
        QCOMPARE(shownRows(f), (QList<int>{0, 1, 2, 3}));

        sendCommit(search, QStringLiteral("昼寝"));
        QCOMPARE(search->text(), QStringLiteral("昼寝"));
        QCOMPARE(shownRows(f), (QList<int>{0}));
        QCOMPARE(counter->text(), QStringLiteral("1 of 4 shown"));

        // Replaced by a kanji that two captions share (one Japanese, one Chinese).
        search->clear();
        sendPreedit(search, QStringLiteral("ねこ"));
        QCOMPARE(shownRows(f), (QList<int>{0, 1, 2, 3}));
        sendCommit(search, QStringLiteral("猫"));
        QCOMPARE(shownRows(f), (QList<int>{0, 2}));

        // A second term after the full-width space a Japanese input method types: both must occur.
        sendCommit(search, QStringLiteral("\u3000昼寝"));
        QCOMPARE(shownRows(f), (QList<int>{0}));

        // Full-width punctuation is searched as typed.
        search->clear();
        sendCommit(search, QStringLiteral("「こんにちは」"));
        QCOMPARE(shownRows(f), (QList<int>{1}));
    }
};

QTEST_MAIN(TestJapaneseInput)
#include "test_japanese_input.moc"
