// The dataset browser keeps what the model said of the captions it made: captions taken in from the
// Caption page (DatasetPage::addModelCaptions with their confidences) keep their confidence and their
// words' in review.jsonl, which survives saving and reopening; the detail pane shows it with the
// uncertain words, a verdict keeps it, an edited caption is no longer the model's; review mode's
// "Least confident first" order steps through them (Alt+Right) least confident first, then the others
// in dataset order.
#include "captioner_ui/dataset_filter_model.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/dataset_page.h"

#include "captioner/review_store.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QListView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace captioner::ui;

namespace {

bool openAndWait(DatasetPage& page, const QString& dir) {
    QSignalSpy report(&page, &DatasetPage::reportReady);
    page.openFolder(dir);
    return report.wait(20000) && page.hasDataset();
}

int rowOf(const DatasetModel* m, const QString& name) {
    for (int row = 0; row < m->rowCount(); ++row)
        if (m->data(m->index(row), DatasetModel::FileNameRole).toString() == name) return row;
    return -1;
}

} // namespace

class TestReviewConfidence : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QStringList m_images; // 0000.png .. 0004.png

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        // Five images; 0002.png already has a caption, the others have none.
        QByteArray meta;
        for (int i = 0; i < 5; ++i) {
            const QString name = QStringLiteral("%1.png").arg(i, 4, 10, QLatin1Char('0'));
            QImage image(40, 30, QImage::Format_RGB888);
            image.fill(QColor::fromHsv(i * 50, 200, 220));
            QVERIFY(image.save(m_dir.filePath(name)));
            m_images << m_dir.filePath(name);
            meta +=
                "{\"file_name\": \"" + name.toUtf8() + "\", \"text\": \"" + (i == 2 ? "kept caption" : "") + "\"}\n";
        }
        QFile f(m_dir.filePath(QStringLiteral("metadata.jsonl")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(meta);
    }

    void confidenceSurvivesReloadAndOrdersReview() {
        {
            DatasetPage page;
            page.resize(1000, 700);
            page.show();
            QApplication::setActiveWindow(&page);
            QVERIFY(QTest::qWaitForWindowActive(&page));
            QVERIFY(openAndWait(page, m_dir.path()));
            QString summary;
            // 0000: 90%; 0001: 20% with an uncertain word; 0002 keeps its own caption; 0003: unknown (-1); 0004: 55%.
            const int changed = page.addModelCaptions(
                m_images, {"a red square", "a blue circle", "ignored", "a green thing", "a small dot"}, &summary,
                {0.9, 0.2, 0.7, -1, 0.55},
                {{{"a", 0.99}, {"red", 0.95}, {"square", 0.8}},
                 {{"a", 0.9}, {"blue", 0.3}, {"circle", 0.6}},
                 {},
                 {},
                 {{"a", 0.9}, {"small", 0.45}, {"dot", 0.7}}});
            QCOMPARE(changed, 4);
            DatasetModel* m = page.model();
            QCOMPARE(m->modelConfidence(rowOf(m, "0000.png")), 0.9);
            QCOMPARE(m->modelConfidence(rowOf(m, "0001.png")), 0.2);
            QCOMPARE(m->modelConfidence(rowOf(m, "0002.png")), -1.0); // kept its own caption
            QCOMPARE(m->modelConfidence(rowOf(m, "0003.png")), -1.0); // no confidence given
            QCOMPARE(m->reviewedCount(), 0);                          // a confidence is no verdict
            // The detail pane.
            page.selectRow(rowOf(m, "0001.png"));
            auto* label = page.findChild<QLabel*>(QStringLiteral("detailConfidence"));
            QVERIFY(label);
            QVERIFY(label->isVisible());
            QCOMPARE(label->text(), QStringLiteral("Model confidence 20%; uncertain words: blue (30%)"));
            page.selectRow(rowOf(m, "0003.png"));
            QVERIFY(!label->isVisible());
            // A verdict keeps the confidence.
            captioner::ReviewEntry accepted;
            accepted.status = captioner::ReviewStatus::Accepted;
            accepted.caption = "a red square";
            QVERIFY(m->setReview(rowOf(m, "0000.png"), accepted));
            QCOMPARE(m->modelConfidence(rowOf(m, "0000.png")), 0.9);
            QCOMPARE(m->reviewedCount(), 1);

            QSignalSpy saved(&page, &DatasetPage::saved);
            page.save();
            QVERIFY(saved.wait(20000));
            QVERIFY(saved.first().at(0).toBool());
        }
        // On disk, then after reopening.
        const captioner::ReviewStore store =
            captioner::ReviewStore::load(m_dir.filePath(QStringLiteral("review.jsonl")).toStdString());
        QCOMPARE(store.entries().size(), size_t(3));
        const captioner::ReviewEntry e = store.entry("0001.png");
        QCOMPARE(e.modelCaption, std::string("a blue circle"));
        QCOMPARE(e.confidence, 0.2);
        QCOMPARE(e.words.size(), size_t(3));
        QCOMPARE(e.words[1].word, std::string("blue"));
        QCOMPARE(e.words[1].confidence, 0.3);
        QVERIFY(e.status == captioner::ReviewStatus::Unreviewed);
        QVERIFY(store.entry("0000.png").status == captioner::ReviewStatus::Accepted);
        QCOMPARE(store.entry("0000.png").confidence, 0.9);

        DatasetPage page;
        page.resize(1000, 700);
        page.show();
        QApplication::setActiveWindow(&page);
        QVERIFY(QTest::qWaitForWindowActive(&page));
        QVERIFY(openAndWait(page, m_dir.path()));
        DatasetModel* m = page.model();
        QCOMPARE(m->modelConfidence(rowOf(m, "0001.png")), 0.2);
        QCOMPARE(m->modelConfidence(rowOf(m, "0004.png")), 0.55);

        // Review mode, least confident first, by keyboard: the sort box, then Alt+Right through the images.
        page.setReviewMode(true);
        auto* sort = page.findChild<QComboBox*>(QStringLiteral("sortOrder"));
        QVERIFY(sort);
        QCOMPARE(sort->itemText(4), QStringLiteral("Least confident first"));
        sort->setFocus();
        for (int i = 0; i < 4; ++i) QTest::keyClick(sort, Qt::Key_Down);
        QCOMPARE(sort->currentIndex(), 4);
        QVERIFY(page.filterModel()->sortKey() == DatasetFilterModel::SortKey::LeastConfident);
        page.view()->setFocus();
        page.selectRow(page.filterModel()->sourceRow(0));
        QStringList visited;
        for (int i = 0; i < 5; ++i) {
            visited << m->data(m->index(page.currentRow()), DatasetModel::FileNameRole).toString();
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_Right, Qt::AltModifier);
        }
        QCOMPARE(visited, (QStringList{"0001.png", "0004.png", "0000.png", "0002.png", "0003.png"}));

        // An edited caption is no longer the model's: it leaves the confident part of the order.
        m->setCaption(rowOf(m, "0001.png"), 0, QStringLiteral("a blue ball"));
        QCOMPARE(m->modelConfidence(rowOf(m, "0001.png")), -1.0);
        QCOMPARE(m->data(m->index(page.filterModel()->sourceRow(0)), DatasetModel::FileNameRole).toString(),
                 QStringLiteral("0004.png"));
        page.selectRow(rowOf(m, "0001.png"));
        auto* label = page.findChild<QLabel*>(QStringLiteral("detailConfidence"));
        QCOMPARE(label->text(),
                 QStringLiteral("Model confidence 20% (in the model's caption; the caption was edited since)"));
        m->setCaption(rowOf(m, "0001.png"), 0, QStringLiteral("a blue circle")); // leave the folder as saved
    }
};

QTEST_MAIN(TestReviewConfidence)
#include "test_review_confidence.moc"
