// The main window under the offscreen platform: title, menus, shortcuts that switch pages, empty
// states, accessibility of every interactive widget, the runtime status and settings round trips.
#include "gui_test_util.h"
#include "gui_test_dataset.h"

#include "test_support.h"

#include "captioner/inference_precision.h"
#include "captioner/runtime.h"
#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_page.h"
#include "captioner_ui/dataset_page.h"
#include "captioner_ui/main_window.h"
#include "captioner_ui/train_page.h"

#include <QAccessible>
#include <QSignalSpy>
#include <QAction>
#include <QApplication>
#include <QDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using captioner::ui::AppSettings;
using captioner::ui::DatasetPage;
using captioner::ui::MainWindow;

namespace {
QAction* action(const MainWindow& w, const char* name) { return w.findChild<QAction*>(QLatin1String(name)); }

void touch(const QString& path, const QByteArray& bytes = "x") {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

// Every widget that takes keyboard focus, with the reason it fails the accessibility rule ("" = ok).
QStringList inaccessibleWidgets(const QWidget* root) {
    QStringList bad;
    const QList<QWidget*> widgets = root->findChildren<QWidget*>();
    for (QWidget* w : widgets) {
        if (!(w->focusPolicy() & Qt::TabFocus)) continue;
        QAccessibleInterface* iface = QAccessible::queryAccessibleInterface(w);
        const QString who = QStringLiteral("%1 '%2'").arg(QLatin1String(w->metaObject()->className()), w->objectName());
        if (!iface) {
            bad << who + QStringLiteral(": no accessible interface");
            continue;
        }
        if (iface->text(QAccessible::Name).trimmed().isEmpty()) bad << who + QStringLiteral(": no accessible name");
        if (w->accessibleDescription().trimmed().isEmpty() && iface->text(QAccessible::Description).trimmed().isEmpty())
            bad << who + QStringLiteral(": no accessible description");
    }
    return bad;
}
// Walks the accessibility tree (not the widget tree) and lists interactive objects without a name.
QStringList unnamedAccessibles(QAccessibleInterface* iface, int depth = 0) {
    QStringList bad;
    if (!iface || depth > 40) return bad;
    static const QList<QAccessible::Role> interactive = {
        QAccessible::PushButton,   QAccessible::CheckBox,    QAccessible::RadioButton, QAccessible::ComboBox,
        QAccessible::EditableText, QAccessible::Slider,      QAccessible::SpinBox,     QAccessible::List,
        QAccessible::Table,        QAccessible::PageTabList, QAccessible::ProgressBar, QAccessible::ButtonMenu};
    const QAccessible::State state = iface->state();
    if (interactive.contains(iface->role()) && !state.invisible && iface->text(QAccessible::Name).trimmed().isEmpty()) {
        const QObject* o = iface->object();
        bad << QStringLiteral("role %1 '%2'").arg(int(iface->role())).arg(o ? o->objectName() : QString());
    }
    // Items of big views are named by the model (AccessibleTextRole); skip descending into them.
    if (iface->role() == QAccessible::List || iface->role() == QAccessible::Table) return bad;
    for (int i = 0; i < iface->childCount(); ++i) bad += unnamedAccessibles(iface->child(i), depth + 1);
    return bad;
}
} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("Captioner"));
        QCoreApplication::setApplicationName(QStringLiteral("Captioner"));
    }
    void init() { QSettings().clear(); }
    void cleanupTestCase() { QSettings().clear(); }

    void titleAndMenus() {
        MainWindow w;
        QCOMPARE(w.windowTitle(), QStringLiteral("Captioner"));
        QStringList menus;
        for (QAction* a : w.menuBar()->actions()) menus << a->text().remove(QLatin1Char('&'));
        QCOMPARE(menus, (QStringList{"File", "Edit", "Review", "View", "Caption", "Help"}));
        QVERIFY(w.findChild<QMenu*>(QStringLiteral("menuRecent")));
    }

    void shortcuts_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QKeySequence>("keys");
        QTest::newRow("open dataset") << "actionOpenDataset" << QKeySequence(QStringLiteral("Ctrl+O"));
        QTest::newRow("open dataset file") << "actionOpenDatasetFile" << QKeySequence(QStringLiteral("Ctrl+Alt+O"));
        QTest::newRow("open model") << "actionOpenModel" << QKeySequence(QStringLiteral("Ctrl+Shift+O"));
        QTest::newRow("quit") << "actionQuit" << QKeySequence(QStringLiteral("Ctrl+Q"));
        QTest::newRow("dataset page") << "actionShowDataset" << QKeySequence(QStringLiteral("Ctrl+1"));
        QTest::newRow("train page") << "actionShowTrain" << QKeySequence(QStringLiteral("Ctrl+2"));
        QTest::newRow("caption page") << "actionShowCaption" << QKeySequence(QStringLiteral("Ctrl+3"));
        QTest::newRow("zoom in") << "actionZoomIn" << QKeySequence(QKeySequence::ZoomIn);
        QTest::newRow("zoom out") << "actionZoomOut" << QKeySequence(QKeySequence::ZoomOut);
        QTest::newRow("zoom reset") << "actionZoomReset" << QKeySequence(QStringLiteral("Ctrl+0"));
        QTest::newRow("full screen") << "actionFullScreen" << QKeySequence(QStringLiteral("F11"));
        QTest::newRow("shortcuts") << "actionShortcuts" << QKeySequence(QStringLiteral("F1"));
        QTest::newRow("save") << "actionSave" << QKeySequence(QKeySequence::Save);
        QTest::newRow("undo") << "actionUndo" << QKeySequence(QKeySequence::Undo);
        QTest::newRow("redo") << "actionRedo" << QKeySequence(QStringLiteral("Ctrl+Shift+Z"));
        QTest::newRow("find") << "actionFind" << QKeySequence(QKeySequence::Find);
        QTest::newRow("review mode") << "actionReviewMode" << QKeySequence(QStringLiteral("Ctrl+R"));
        QTest::newRow("accept") << "actionAccept" << QKeySequence(QStringLiteral("Ctrl+Return"));
        QTest::newRow("flag") << "actionFlag" << QKeySequence(QStringLiteral("Ctrl+Shift+F"));
        QTest::newRow("next image") << "actionNextImage" << QKeySequence(QStringLiteral("Alt+Right"));
        QTest::newRow("previous image") << "actionPreviousImage" << QKeySequence(QStringLiteral("Alt+Left"));
        QTest::newRow("use previous caption")
            << "actionUsePreviousCaption" << QKeySequence(QStringLiteral("Ctrl+Shift+P"));
        QTest::newRow("edit caption") << "actionEditCaption" << QKeySequence(QStringLiteral("F2"));
        QTest::newRow("export review") << "actionExportReview" << QKeySequence(QStringLiteral("Ctrl+Shift+E"));
        QTest::newRow("caption: add images") << "actionCaptionAddImages" << QKeySequence(QStringLiteral("Ctrl+I"));
        QTest::newRow("caption: add folder")
            << "actionCaptionAddFolder" << QKeySequence(QStringLiteral("Ctrl+Shift+I"));
        QTest::newRow("caption: paste") << "actionCaptionPaste" << QKeySequence(QKeySequence::Paste);
        QTest::newRow("caption: copy") << "actionCaptionCopy" << QKeySequence(QKeySequence::Copy);
        QTest::newRow("caption: speak") << "actionCaptionSpeak" << QKeySequence(QStringLiteral("Ctrl+Shift+K"));
        QTest::newRow("caption: re-caption") << "actionCaptionRecaption" << QKeySequence(QStringLiteral("F5"));
        QTest::newRow("caption: re-caption all")
            << "actionCaptionRecaptionAll" << QKeySequence(QStringLiteral("Shift+F5"));
        QTest::newRow("caption: cancel") << "actionCaptionCancel" << QKeySequence(QStringLiteral("Esc"));
        QTest::newRow("caption: export") << "actionCaptionExport" << QKeySequence(QStringLiteral("Ctrl+E"));
        QTest::newRow("caption: caption files")
            << "actionCaptionSidecars" << QKeySequence(QStringLiteral("Ctrl+Shift+T"));
        QTest::newRow("caption: add to dataset")
            << "actionCaptionToDataset" << QKeySequence(QStringLiteral("Ctrl+Shift+D"));
        QTest::newRow("caption: compare with model")
            << "actionCaptionCompare" << QKeySequence(QStringLiteral("Ctrl+Shift+M"));
    }
    void shortcuts() {
        QFETCH(QString, name);
        QFETCH(QKeySequence, keys);
        MainWindow w;
        QAction* a = action(w, qPrintable(name));
        QVERIFY2(a, qPrintable(name));
        QCOMPARE(a->shortcut(), keys);
        QVERIFY(!a->text().isEmpty());
    }

    void keysSwitchPages() {
        MainWindow w;
        w.show();
        QApplication::setActiveWindow(&w);
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QCOMPARE(w.currentPage(), MainWindow::Page::Dataset);
        QTest::keySequence(&w, QKeySequence(QStringLiteral("Ctrl+3")));
        QCOMPARE(w.currentPage(), MainWindow::Page::Caption);
        QTest::keySequence(&w, QKeySequence(QStringLiteral("Ctrl+2")));
        QCOMPARE(w.currentPage(), MainWindow::Page::Train);
        QTest::keySequence(&w, QKeySequence(QStringLiteral("Ctrl+1")));
        QCOMPARE(w.currentPage(), MainWindow::Page::Dataset);
        QTest::keySequence(&w, QKeySequence(QStringLiteral("F11")));
        QTRY_VERIFY(w.isFullScreen());
        QTest::keySequence(&w, QKeySequence(QStringLiteral("F11")));
        QTRY_VERIFY(!w.isFullScreen());
    }

    void zoomChangesFontAndPersists() {
        const int base = MainWindow().font().pointSize();
        {
            MainWindow w;
            action(w, "actionZoomIn")->trigger();
            action(w, "actionZoomIn")->trigger();
            QCOMPARE(w.fontZoom(), 2);
            QCOMPARE(w.font().pointSize(), base + 2);
            QCOMPARE(w.datasetPage()->font().pointSize(), base + 2); // pages follow the window font
        }
        MainWindow again;
        QCOMPARE(again.fontZoom(), 2);
        QCOMPARE(again.font().pointSize(), base + 2);
        action(again, "actionZoomOut")->trigger();
        QCOMPARE(again.font().pointSize(), base + 1);
        action(again, "actionZoomReset")->trigger();
        QCOMPARE(again.font().pointSize(), base);
        QCOMPARE(AppSettings::fontZoom(), 0);
    }

    void everyInteractiveWidgetIsNamed() {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QStringList bad = inaccessibleWidgets(&w);
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
        // Pages with content (a dataset with problems, review mode on, a model folder) too.
        QTemporaryDir dir;
        QVERIFY(guitest::writeDataset(dir.path()));
        QSignalSpy report(w.datasetPage(), &DatasetPage::reportReady);
        w.openDataset(dir.path());
        QVERIFY(report.wait(20000));
        w.datasetPage()->setReviewMode(true);
        bad = inaccessibleWidgets(&w);
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
        bad = unnamedAccessibles(QAccessible::queryAccessibleInterface(&w));
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
        QTemporaryDir modelDir;
        w.openModel(modelDir.path());
        bad = inaccessibleWidgets(&w);
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
    }

    void highContrastAndLargeFont() {
        // 200% font and a high-contrast palette: the dataset page still lays out and keeps its controls
        // visible and within the window.
        QTemporaryDir dir;
        QVERIFY(guitest::writeDataset(dir.path()));
        const QPalette saved = QApplication::palette();
        QPalette contrast;
        contrast.setColor(QPalette::Window, Qt::black);
        contrast.setColor(QPalette::WindowText, Qt::white);
        contrast.setColor(QPalette::Base, Qt::black);
        contrast.setColor(QPalette::Text, Qt::white);
        contrast.setColor(QPalette::Button, Qt::black);
        contrast.setColor(QPalette::ButtonText, Qt::white);
        contrast.setColor(QPalette::Highlight, QColor(255, 255, 0));
        contrast.setColor(QPalette::HighlightedText, Qt::black);
        QApplication::setPalette(contrast);
        MainWindow w;
        const int base = w.font().pointSize();
        w.setFontZoom(base); // twice the platform size
        QCOMPARE(w.font().pointSize(), 2 * base);
        w.resize(1280, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy report(w.datasetPage(), &DatasetPage::reportReady);
        w.openDataset(dir.path());
        QVERIFY(report.wait(20000));
        w.datasetPage()->setReviewMode(true);
        QApplication::processEvents();
        for (const char* name :
             {"searchBox", "showFilter", "sortOrder", "captionEditor", "flagReason", "datasetGrid"}) {
            auto* widget = w.findChild<QWidget*>(QLatin1String(name));
            QVERIFY2(widget && widget->isVisible(), name);
            QCOMPARE(widget->font().pointSize(), 2 * base);
            QCOMPARE(widget->palette().color(QPalette::Text), QColor(Qt::white));
        }
        const QImage shot = w.grab().toImage();
        QVERIFY(!shot.isNull());
        w.setFontZoom(0);
        QApplication::setPalette(saved);
    }

    void shortcutsDialogListsMenuCommands() {
        MainWindow w;
        int rows = -1;
        QStringList bad;
        QTimer::singleShot(0, &w, [&] {
            auto* dialog = qobject_cast<QDialog*>(QApplication::activeModalWidget());
            if (!dialog) return;
            if (auto* table = dialog->findChild<QTableWidget*>()) rows = table->rowCount();
            bad = inaccessibleWidgets(dialog);
            dialog->reject();
        });
        w.showShortcuts();
        QCOMPARE(rows, 37); // every action with a shortcut in the shortcuts() data above
        QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QLatin1Char('\n'))));
    }

    void emptyStatesThenContent() {
        QTemporaryDir dir;
        touch(dir.filePath("a.jpg"));
        touch(dir.filePath("b.png"));
        touch(dir.filePath("notes.txt"));
        MainWindow w;
        QVERIFY(w.datasetPage()->isEmptyStateShown());
        QVERIFY(w.captionPage()->isEmptyStateShown());
        QVERIFY(
            w.trainPage()->statusText().contains(QStringLiteral("Open a dataset (Ctrl+O) and a model (Ctrl+Shift+O)")));
        QStringList buttons;
        for (QPushButton* b : w.datasetPage()->findChildren<QPushButton*>())
            if (b->isVisibleTo(w.datasetPage())) buttons << b->accessibleName();
        QCOMPARE(buttons, (QStringList{QStringLiteral("Open Dataset…"), QStringLiteral("Open the Demo Dataset")}));

        w.openDataset(dir.path());
        QVERIFY(!w.datasetPage()->isEmptyStateShown());
        QCOMPARE(w.currentPage(), MainWindow::Page::Dataset);
        auto* summary = w.datasetPage()->findChild<QLabel*>(QStringLiteral("datasetSummary"));
        QVERIFY(summary);
        QTRY_VERIFY2(summary->text().endsWith(QStringLiteral(" — 2 images")), qPrintable(summary->text()));
        QVERIFY(w.trainPage()->statusText().contains(QStringLiteral("Open a model (Ctrl+Shift+O)")));
        QTRY_COMPARE(AppSettings::recent(), QStringList{QStringLiteral("dataset:") + QDir(dir.path()).absolutePath()});

        w.openModel(dir.path()); // images, but no checkpoint files: loading fails with the reason
        QCOMPARE(w.currentPage(), MainWindow::Page::Caption);
        QVERIFY(!w.captionPage()->hasModel());
        touch(dir.filePath("config.json"), "{}");
        touch(dir.filePath("model.safetensors"));
        touch(dir.filePath("vocab.txt"));
        w.openModel(dir.path());
        QVERIFY(w.trainPage()->statusText().contains(QStringLiteral("Dataset and model are chosen")));
        QCOMPARE(AppSettings::recent().size(), 2); // the same model folder is listed once
        QCOMPARE(AppSettings::recent().first(), QStringLiteral("model:") + QDir(dir.path()).absolutePath());
    }

    // A dataset file (COCO .json, metadata.jsonl, .parquet) opens as the dataset, from openDataset and
    // from a drop on the window or the Dataset page; an image goes to the Caption page.
    void opensDatasetFiles() {
        QTemporaryDir dir;
        QVERIFY(guitest::writeDataset(dir.path())); // six images named in metadata.jsonl
        const QString coco = dir.filePath(QStringLiteral("captions_val2017.json"));
        QVERIFY(guitest::writeAll(
            coco, R"({"images": [{"id": 1, "file_name": "0000.png"}, {"id": 2, "file_name": "0001.png"}],
                      "annotations": [{"id": 10, "image_id": 1, "caption": "a circle"},
                                      {"id": 11, "image_id": 1, "caption": "a round thing"},
                                      {"id": 12, "image_id": 2, "caption": "a square"}]})"));
        const QString parquet = dir.filePath(QStringLiteral("plain.parquet"));
        QVERIFY(QFile::copy(QString::fromStdString(testsupport::fixture("parquet/plain_v1_uncompressed.parquet")),
                            parquet));
        MainWindow w;
        auto* summary = w.datasetPage()->findChild<QLabel*>(QStringLiteral("datasetSummary"));
        auto* trainDataset = w.trainPage()->findChild<QLineEdit*>(QStringLiteral("trainDataset"));
        QVERIFY(summary);
        QVERIFY(trainDataset);
        const auto shows = [&](const QString& path, int images) {
            QTRY_COMPARE(summary->text(),
                         QStringLiteral("%1 — %2 images").arg(QDir::toNativeSeparators(path)).arg(images));
            QCOMPARE(w.currentPage(), MainWindow::Page::Dataset);
            QCOMPARE(w.datasetPage()->folder(), path);
            QCOMPARE(w.datasetPage()->rootFolder(), QDir(dir.path()).absolutePath());
            QCOMPARE(QDir::fromNativeSeparators(trainDataset->text()), path);
            QTRY_COMPARE(AppSettings::recent().value(0), QStringLiteral("dataset:") + path);
            QTRY_VERIFY2(w.windowTitle().startsWith(QFileInfo(path).fileName() + QStringLiteral("[*]")),
                         qPrintable(w.windowTitle()));
            QTRY_VERIFY(!w.datasetPage()->isLoading()); // the report of this one is done before the next opens
        };

        w.openDataset(coco);
        shows(coco, 2);
        if (QTest::currentTestFailed()) return;

        const auto drop = guitest::dropFiles; // what a file manager delivers
        const QString metadata = dir.filePath(QStringLiteral("metadata.jsonl"));
        QVERIFY(drop(&w, {metadata}));
        shows(metadata, 6);
        if (QTest::currentTestFailed()) return;
        QVERIFY(drop(w.datasetPage(), {parquet}));
        shows(parquet, 6); // the fixture's six rows
        if (QTest::currentTestFailed()) return;

        // What the command line gives goes through openPaths.
        QVERIFY(w.openPaths({coco}));
        shows(coco, 2);
        if (QTest::currentTestFailed()) return;

        // An image goes to the Caption page (waiting for a model), the dataset stays.
        const QString image = dir.filePath(QStringLiteral("0001.png"));
        QVERIFY(!w.openPaths({image}));
        QCOMPARE(w.currentPage(), MainWindow::Page::Caption);
        QCOMPARE(w.captionPage()->cards().size(), 1);
        QCOMPARE(w.datasetPage()->folder(), coco);
        QVERIFY(drop(&w, {dir.filePath(QStringLiteral("0002.png"))}));
        QCOMPARE(w.currentPage(), MainWindow::Page::Caption);
        QCOMPARE(w.captionPage()->cards().size(), 2);
        QCOMPARE(w.datasetPage()->folder(), coco);
    }

    void statusBarShowsRuntime() {
        captioner::configureThreads(1);
        MainWindow w;
        auto* label = w.findChild<QLabel*>(QStringLiteral("runtimeStatus"));
        QVERIFY(label);
        QVERIFY2(label->text().startsWith(QStringLiteral("Threads: 1 of %1 · ").arg(captioner::hardwareThreads())),
                 qPrintable(label->text()));
        // Then the caption precision and whether bf16 is native here (issue 19), the details in the tooltip.
        const bool bf16 = captioner::bf16Availability().available;
        QVERIFY2(label->text().endsWith(QString::fromStdString(captioner::torchDescription()) +
                                        QStringLiteral(" · captions in fp32 · ") +
                                        (bf16 ? QStringLiteral("native bf16") : QStringLiteral("no native bf16"))),
                 qPrintable(label->text()));
        QVERIFY2(label->toolTip().contains(QStringLiteral("precision bf16: ")), qPrintable(label->toolTip()));
        captioner::configureThreads(0);
    }

    void threadsSettingRoundTrip() {
        QCOMPARE(AppSettings::threads(), 0);
        QCOMPARE(captioner::ui::applyThreadSetting(), captioner::hardwareThreads());
        AppSettings::setThreads(1);
        QCOMPARE(QSettings().value(QStringLiteral("threads")).toInt(), 1);
        QCOMPARE(AppSettings::threads(), 1);
        QCOMPARE(captioner::ui::applyThreadSetting(), 1);
        QCOMPARE(captioner::currentThreads(), 1);
        // A command-line value wins for the session without changing the setting.
        QCOMPARE(captioner::ui::applyThreadSetting(0), captioner::hardwareThreads());
        QCOMPARE(AppSettings::threads(), 1);
        AppSettings::setThreads(-5);
        QCOMPARE(AppSettings::threads(), 0);
        captioner::configureThreads(0);
    }

    void geometryRoundTrip() {
        {
            MainWindow w;
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            w.resize(900, 610);
            QTRY_COMPARE(w.size(), QSize(900, 610));
            w.close();
        }
        QVERIFY(QSettings().contains(QStringLiteral("window/geometry")));
        MainWindow again;
        QCOMPARE(again.size(), QSize(900, 610));
        QSettings().clear();
        MainWindow fresh;
        QCOMPARE(fresh.size(), QSize(1100, 720));
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
