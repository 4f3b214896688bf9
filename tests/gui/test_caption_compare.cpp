// The Caption page's compare view with the two fixture models (tests/fixtures/pipeline: model and
// ours_tiny): Compare With Model… (by its shortcut) captions the same images with the second model off the
// UI thread; every card then shows both captions (exactly the core's), both confidences, the word
// differences highlighted in the palette's highlight colours in both captions and named in the card's
// accessible description; with references the compare box shows both models' metrics equal to the
// trainer's definitions (captioner::generatedCaptionMetrics); the export holds one row per image; a
// missing model folder is named; closing the comparison restores the cards. Esc (the page's Cancel
// Captioning) stops a running comparison: the images captioned so far stay compared, the others say it
// was cancelled, the status says so; a card showing a word's heatmap takes the first Esc to clear it.
#include "captioner/caption_comparison.h"
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"
#include "captioner/csv.h"
#include "captioner/evaluation.h"

#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_page.h"

#include "gui_test_util.h"
#include "test_support.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

#include <nlohmann/json.hpp>

using namespace captioner::ui;

namespace {

constexpr int kWait = 30000; // generous: a loaded 2-core machine; the work itself takes well under a second

struct Expected {
    QString caption;
    double confidence = 0;
    QStringList words;
};

QHash<QString, Expected> captionWith(const std::string& dir, const QStringList& images) {
    auto ck = captioner::loadCheckpoint(dir);
    captioner::CaptionOptions options;
    options.generation = captioner::generationOptionsFor(ck, 50, 1, 1.0);
    std::vector<std::string> paths;
    for (const QString& p : images) paths.push_back(p.toStdString());
    QHash<QString, Expected> out;
    for (const auto& r : captioner::captionImages(ck, paths, options)) {
        Expected e{QString::fromStdString(r.caption), r.confidence, {}};
        for (const auto& w : r.words) e.words << QString::fromStdString(w.word);
        out.insert(QString::fromStdString(r.image), e);
    }
    return out;
}

bool allFinished(const CaptionPage& page) {
    for (CaptionCard* c : page.cards())
        if (c->state() != CaptionCard::State::Done && c->state() != CaptionCard::State::Failed) return false;
    return !page.cards().isEmpty() && !page.isBusy();
}

std::vector<std::string> lowered(const QStringList& words) {
    std::vector<std::string> out;
    for (const QString& w : words) out.push_back(w.toLower().toStdString());
    return out;
}

QStringList pick(const QStringList& words, const std::vector<bool>& changed) {
    QStringList out;
    for (int i = 0; i < words.size(); ++i)
        if (changed[static_cast<size_t>(i)]) out << words[i];
    return out;
}

QString number(double v) { return QLocale().toString(v, 'f', 4); }

} // namespace

class TestCaptionCompare : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QString m_dirA, m_dirB;
    std::shared_ptr<captioner::GitCheckpoint> m_model;
    QStringList m_images;
    QHash<QString, Expected> m_a, m_b;
    QHash<QString, QStringList> m_references;

private slots:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(m_dir.isValid());
        m_dirA = QString::fromStdString(testsupport::fixture("pipeline/model"));
        m_dirB = QString::fromStdString(testsupport::fixture("pipeline/ours_tiny"));
        m_model = std::make_shared<captioner::GitCheckpoint>(captioner::loadCheckpoint(m_dirA.toStdString()));
        for (const char* name : {"small_rgb_180x130.png", "photo_320x240.jpg", "grey_256x300.png", "rgba_300x225.png",
                                 "palette_260x230.png", "photo_96x72.tif"})
            m_images << QString::fromStdString(testsupport::fixture(std::string("image/input/") + name));
        m_a = captionWith(m_dirA.toStdString(), m_images);
        m_b = captionWith(m_dirB.toStdString(), m_images);
        int differ = 0;
        for (const QString& p : m_images) differ += m_a.value(p).caption != m_b.value(p).caption ? 1 : 0;
        QVERIFY2(differ >= 3, "the two models must caption differently for this test to mean anything");
        // References for all but the last image (it has none, so it is left out of the metrics): one model's
        // caption and a second one, so the metrics are away from 0.
        for (int i = 0; i + 1 < m_images.size(); ++i)
            m_references.insert(m_images[i], {(i % 2 ? m_b : m_a).value(m_images[i]).caption,
                                              QStringLiteral("a picture of ") + m_a.value(m_images[i]).caption});
    }

    void cleanup() { CaptionPage::setTestHooks({}); }

    void compareViewShowsBothCaptionsAndTheirDifferences() {
        const QString exported = m_dir.filePath(QStringLiteral("comparison.csv"));
        CaptionPage::setTestHooks({[&](const QString& purpose) {
                                       if (purpose == QLatin1String("compare-model")) return QStringList{m_dirB};
                                       if (purpose == QLatin1String("compare-export")) return QStringList{exported};
                                       return QStringList{};
                                   },
                                   {}});
        CaptionPage page;
        page.resize(1100, 800);
        page.setReferenceLookup([this](const QStringList& images) {
            QVector<QStringList> out;
            for (const QString& image : images) out << m_references.value(image);
            return out;
        });
        page.setModel(m_model, m_dirA);
        page.captionFiles(m_images);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        page.show();
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));

        // Reachable by keyboard: the menu command's shortcut from a focused card, and a named button.
        auto* button = guitest::child<QPushButton>(&page, "captionCompare");
        QVERIFY(button->isEnabled());
        QCOMPARE(button->accessibleName(), QStringLiteral("Compare With Model…"));
        auto* action = page.findChild<QAction*>(QStringLiteral("actionCaptionCompare"));
        QVERIFY(action && page.menuActions().contains(action));
        QCOMPARE(action->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_M));
        QSignalSpy finished(&page, &CaptionPage::comparisonFinished);
        page.cards().first()->setFocus();
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_M, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(page.compareModelFolder(), m_dirB);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY(!page.isComparing());

        const QString highlight = QStringLiteral("background-color: %1; color: %2; font-weight: bold;")
                                      .arg(page.palette().color(QPalette::Highlight).name(),
                                           page.palette().color(QPalette::HighlightedText).name());
        int differing = 0;
        for (CaptionCard* card : page.cards()) {
            const Expected a = m_a.value(card->path()), b = m_b.value(card->path());
            QCOMPARE(card->caption(), a.caption);
            const CaptionCard::Comparison& c = card->comparison();
            QVERIFY(c.shown && !c.pending);
            QCOMPARE(c.caption, b.caption);
            // The page captions in other batches than this test: the same up to float summation order.
            QVERIFY(qAbs(c.confidence - b.confidence) <= 1e-6 * b.confidence);
            QVERIFY(card->compareCaptionLabel()->isVisible());
            QVERIFY(card->compareConfidenceLabel()->isVisible());
            // Both confidences.
            QCOMPARE(card->confidenceLabel()->text(), QStringLiteral("Confidence %1%").arg(qRound(a.confidence * 100)));
            QCOMPARE(card->compareConfidenceLabel()->text(),
                     QStringLiteral("Model B (ours_tiny) confidence %1%").arg(qRound(b.confidence * 100)));
            // The word differences: the longest common subsequence of the words, as the core computes it.
            const captioner::WordDiff d = captioner::diffWords(lowered(a.words), lowered(b.words));
            const QStringList onlyA = pick(a.words, d.changedA), onlyB = pick(b.words, d.changedB);
            QCOMPARE(card->differingWords(), onlyA);
            QCOMPARE(card->differingWordsB(), onlyB);
            const QString description = card->accessibleDescription();
            if (onlyA.isEmpty() && onlyB.isEmpty()) {
                QVERIFY2(description.endsWith(QStringLiteral("the two captions are the same")),
                         qPrintable(description));
                QVERIFY(!card->captionLabel()->text().contains(highlight));
                continue;
            }
            ++differing;
            const QString none = QStringLiteral("none");
            QVERIFY2(description.endsWith(QStringLiteral("words that differ: this caption %1; model B %2")
                                              .arg(onlyA.isEmpty() ? none : onlyA.join(QStringLiteral(", ")),
                                                   onlyB.isEmpty() ? none : onlyB.join(QStringLiteral(", ")))),
                     qPrintable(description));
            QVERIFY2(description.contains(QStringLiteral("Model B (ours_tiny): ") + b.caption),
                     qPrintable(description));
            // Highlighted: as many highlight spans as differing words, in each caption.
            QCOMPARE(card->captionLabel()->text().count(highlight), onlyA.size());
            QCOMPARE(card->compareCaptionLabel()->text().count(highlight), onlyB.size());
        }
        QVERIFY(differing >= 3);
        auto* status = guitest::child<QLabel>(&page, "captionCompareStatus");
        QCOMPARE(status->text(), QStringLiteral("Captions differ on %1 of 6 images.").arg(differing));

        // The summary: both models' metrics on the five images with references, the trainer's definitions.
        QTRY_VERIFY_WITH_TIMEOUT(!page.compareSummaryText().isEmpty(), kWait);
        std::vector<std::string> predA, predB;
        std::vector<std::vector<std::string>> refs;
        for (const QString& image : m_images) {
            if (!m_references.contains(image)) continue;
            predA.push_back(m_a.value(image).caption.toStdString());
            predB.push_back(m_b.value(image).caption.toStdString());
            std::vector<std::string> r;
            for (const QString& s : m_references.value(image)) r.push_back(s.toStdString());
            refs.push_back(r);
        }
        auto modelB = captioner::loadCheckpoint(m_dirB.toStdString());
        const auto ma = captioner::generatedCaptionMetrics(
            *m_model->tokenizer, static_cast<int>(m_model->config.maxPositionEmbeddings), predA, refs);
        const auto mb = captioner::generatedCaptionMetrics(
            *modelB.tokenizer, static_cast<int>(modelB.config.maxPositionEmbeddings), predB, refs);
        QVERIFY(ma.cider > 0 && mb.cider > 0);
        QCOMPARE(page.compareSummaryText(),
                 QStringLiteral("On 5 images with references, A is model and B is ours_tiny: WER: A %1, B %2; "
                                "ROUGE-L: A %3, B %4; BLEU-4: A %5, B %6; CIDEr-D: A %7, B %8.")
                     .arg(number(ma.wer.wer), number(mb.wer.wer), number(ma.rougeL), number(mb.rougeL),
                          number(ma.bleu4), number(mb.bleu4), number(ma.cider), number(mb.cider)));
        auto* metrics = guitest::child<QLabel>(&page, "captionCompareMetrics");
        QVERIFY(metrics->isVisible());
        QVERIFY(metrics->text().contains(number(ma.cider)));

        // Export: one row per image, both captions and confidences, the references.
        auto* exportButton = guitest::child<QPushButton>(&page, "captionCompareExport");
        QVERIFY(exportButton->isEnabled());
        exportButton->click();
        const auto records = captioner::parseCsv(testsupport::readFile(exported.toStdString()), exported.toStdString());
        QCOMPARE(records.size(), static_cast<size_t>(m_images.size() + 1));
        QCOMPARE(records[0].fields.at(2), std::string("caption_a"));
        for (int i = 0; i < m_images.size(); ++i) {
            const auto& f = records[static_cast<size_t>(i + 1)].fields;
            QCOMPARE(QString::fromStdString(f.at(0)), m_images[i]);
            QCOMPARE(QString::fromStdString(f.at(2)), m_a.value(m_images[i]).caption);
            QCOMPARE(QString::fromStdString(f.at(3)), m_b.value(m_images[i]).caption);
            QCOMPARE(f.at(6),
                     std::string(m_a.value(m_images[i]).caption != m_b.value(m_images[i]).caption ? "true" : "false"));
            QCOMPARE(nlohmann::json::parse(f.at(1)).size(),
                     static_cast<size_t>(m_references.value(m_images[i]).size()));
        }

        // Closing the comparison restores the cards.
        guitest::child<QPushButton>(&page, "captionCompareClose")->click();
        QVERIFY(!page.hasComparison());
        for (CaptionCard* card : page.cards()) {
            QVERIFY(!card->compareCaptionLabel()->isVisible());
            QVERIFY(!card->captionLabel()->text().contains(highlight));
            QVERIFY(!card->accessibleDescription().contains(QStringLiteral("Model B")));
        }
    }

    void escCancelsARunningComparison() {
        // 24 images (copies of the six, each copy's captions are its source's), one per pass, so the
        // comparison is far from done when the first result asks for the cancel.
        QTemporaryDir copies;
        QVERIFY(copies.isValid());
        QStringList images;
        QHash<QString, QString> source;
        for (int i = 0; i < 24; ++i) {
            const QString from = m_images[i % m_images.size()];
            const QString to = copies.filePath(
                QStringLiteral("copy%1.%2").arg(i, 2, 10, QLatin1Char('0')).arg(QFileInfo(from).suffix()));
            QVERIFY(QFile::copy(from, to));
            images << to;
            source.insert(to, from);
        }
        CaptionPage::setTestHooks({[&](const QString& purpose) {
                                       return purpose == QLatin1String("compare-model") ? QStringList{m_dirB}
                                                                                        : QStringList{};
                                   },
                                   {}});
        CaptionPage page;
        page.resize(1100, 800);
        page.setJobSize(1, 1);
        page.setModel(m_model, m_dirA);
        page.captionFiles(images);
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        page.show();
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        auto* cancelAction = page.findChild<QAction*>(QStringLiteral("actionCaptionCancel"));
        QVERIFY(cancelAction && cancelAction->shortcut() == QKeySequence(Qt::Key_Escape));
        QVERIFY(!cancelAction->isEnabled()); // nothing runs
        auto* cancelButton = guitest::child<QPushButton>(&page, "captionCompareCancel");
        QVERIFY(!cancelButton->isVisible());

        CaptionCard* focused = page.cards().first();
        QVERIFY(!focused->words().isEmpty());
        focused->setFocus();
        QSignalSpy finished(&page, &CaptionPage::comparisonFinished);
        QSignalSpy messages(&page, &CaptionPage::message);
        int results = 0;
        bool checkedRunning = false;
        connect(&page, &CaptionPage::compareResultReady, &page, [&] {
            if (++results != 1) return;
            // Still comparing: the result is handled before the job's end can be.
            checkedRunning = page.isComparing() && cancelAction->isEnabled() && cancelButton->isVisible();
            // The first Esc clears the focused card's heatmap overlay and leaves the comparison running.
            QTest::keyClick(focused, Qt::Key_Right);
            QCOMPARE(focused->selectedWord(), 0);
            QTest::keyClick(focused, Qt::Key_Escape);
            QCOMPARE(focused->selectedWord(), -1);
            QVERIFY(page.isComparing());
            // The next one cancels it, without waiting for the worker.
            QTest::keyClick(focused, Qt::Key_Escape);
            QVERIFY(page.isComparing());
            QVERIFY(!cancelButton->isEnabled());
            QCOMPARE(guitest::child<QLabel>(&page, "captionCompareStatus")->text(),
                     QStringLiteral("Cancelling the comparison with ours_tiny…"));
        });
        QTest::keyClick(focused, Qt::Key_M, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(page.isComparing());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY(checkedRunning);
        QVERIFY(!page.isComparing());
        QVERIFY(page.hasComparison());
        QVERIFY(!cancelButton->isVisible());
        QVERIFY(!cancelAction->isEnabled());
        QCOMPARE(page.cards().size(), images.size()); // the page's own captions are untouched

        // The images captioned before the cancel keep their comparison; the rest say it was cancelled.
        int compared = 0;
        for (CaptionCard* card : page.cards()) {
            QCOMPARE(card->state(), CaptionCard::State::Done);
            QCOMPARE(card->caption(), m_a.value(source.value(card->path())).caption);
            const CaptionCard::Comparison& c = card->comparison();
            QVERIFY(c.shown && !c.pending);
            if (c.cancelled) {
                QVERIFY(c.caption.isEmpty());
                QVERIFY2(card->accessibleDescription().contains(
                             QStringLiteral("Model B (ours_tiny): not captioned, the comparison was cancelled")),
                         qPrintable(card->accessibleDescription()));
                QVERIFY(card->compareCaptionLabel()->text().contains(
                    QStringLiteral("not captioned, the comparison was cancelled")));
                QVERIFY(!card->compareConfidenceLabel()->isVisible());
                continue;
            }
            ++compared;
            QCOMPARE(c.caption, m_b.value(source.value(card->path())).caption);
            QVERIFY(card->compareConfidenceLabel()->isVisible());
        }
        QVERIFY2(compared >= 1 && compared < images.size(), qPrintable(QString::number(compared)));
        QVERIFY(results >= compared);
        // Captioned in order: the compared images are the first ones.
        for (int i = 0; i < images.size(); ++i) QCOMPARE(page.cards()[i]->comparison().cancelled, i >= compared);
        int differ = 0;
        for (int i = 0; i < compared; ++i)
            differ += m_a.value(source.value(images[i])).caption != m_b.value(source.value(images[i])).caption;
        const QString summary = QStringLiteral("Comparison cancelled after %1 of 24 images. Captions differ on %2 of "
                                               "%3 image%4.")
                                    .arg(compared)
                                    .arg(differ)
                                    .arg(compared)
                                    .arg(compared == 1 ? QString() : QStringLiteral("s"));
        QCOMPARE(guitest::child<QLabel>(&page, "captionCompareStatus")->text(), summary);
        // What the status bar shows (the page's last message, the main window's status bar text).
        QVERIFY(!messages.isEmpty());
        QCOMPARE(messages.last().first().toString(), summary);
        QVERIFY(messages.contains(QVariantList{QStringLiteral("Cancelling the comparison…")}));
        // What was compared can be exported, and compared again.
        QVERIFY(guitest::child<QPushButton>(&page, "captionCompareExport")->isEnabled());
        QVERIFY(guitest::child<QPushButton>(&page, "captionCompare")->isEnabled());

        // Compared again (four images a pass) and left to finish: every image compared, nothing cancelled.
        page.setJobSize(8, 4);
        page.compareWithModel(m_dirB);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kWait);
        for (CaptionCard* card : page.cards()) {
            QVERIFY(!card->comparison().cancelled && !card->comparison().pending);
            QCOMPARE(card->comparison().caption, m_b.value(source.value(card->path())).caption);
        }
    }

    void escWhileTheModelLoadsCancelsTheComparison() {
        CaptionPage page;
        page.setModel(m_model, m_dirA);
        page.captionFiles(m_images.mid(0, 2));
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        page.show();
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        QSignalSpy finished(&page, &CaptionPage::comparisonFinished);
        QSignalSpy messages(&page, &CaptionPage::message);
        page.compareWithModel(m_dirB); // the model loads off the UI thread: Esc comes first
        QVERIFY(page.isComparing());
        QTest::keyClick(page.cards().first(), Qt::Key_Escape);
        QCOMPARE(finished.count(), 1); // at once, without waiting for the load
        QVERIFY(!page.isComparing());
        QVERIFY(!page.hasComparison());
        const QString text = QStringLiteral("Comparison cancelled before the model to compare with was open.");
        QCOMPARE(guitest::child<QLabel>(&page, "captionCompareStatus")->text(), text);
        QCOMPARE(messages.last().first().toString(), text);
        for (CaptionCard* card : page.cards()) QVERIFY(!card->comparison().shown);
        // The load's late result is dropped: nothing changes when it arrives.
        QTest::qWait(300);
        QVERIFY(!page.hasComparison());
        QCOMPARE(finished.count(), 1);
    }

    void escCancelsRunningCaptioning() {
        QTemporaryDir copies;
        QStringList images;
        for (int i = 0; i < 12; ++i) {
            const QString from = m_images[i % m_images.size()];
            images << copies.filePath(QStringLiteral("c%1.%2").arg(i).arg(QFileInfo(from).suffix()));
            QVERIFY(QFile::copy(from, images.last()));
        }
        CaptionPage page;
        page.setJobSize(1, 1);
        page.setModel(m_model, m_dirA);
        page.show();
        page.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&page));
        int seen = 0;
        connect(&page, &CaptionPage::captionReady, &page, [&] {
            if (++seen == 1) QTest::keyClick(page.cards().first(), Qt::Key_Escape);
        });
        page.captionFiles(images);
        page.cards().first()->setFocus();
        QTRY_VERIFY_WITH_TIMEOUT(seen >= 1 && !page.isBusy(), kWait);
        int done = 0, cancelled = 0;
        for (CaptionCard* c : page.cards()) {
            done += c->state() == CaptionCard::State::Done;
            cancelled += c->state() == CaptionCard::State::Cancelled;
        }
        QCOMPARE(done + cancelled, images.size());
        QVERIFY(done >= 1 && cancelled >= 1);
        QCOMPARE(page.statusText(), QStringLiteral("Captioning cancelled: %1 caption%2 ready.")
                                        .arg(done)
                                        .arg(done == 1 ? QString() : QStringLiteral("s")));
    }

    void aMissingModelFolderIsNamed() {
        CaptionPage page;
        page.setModel(m_model, m_dirA);
        page.captionFiles(m_images.mid(0, 1));
        QTRY_VERIFY_WITH_TIMEOUT(allFinished(page), kWait);
        QSignalSpy finished(&page, &CaptionPage::comparisonFinished);
        QSignalSpy messages(&page, &CaptionPage::message);
        CaptionPage::setTestHooks({[](const QString&) { return QStringList{}; }, {}}); // no message box
        const QString missing = m_dir.filePath(QStringLiteral("no-such-model"));
        page.compareWithModel(missing);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWait);
        QVERIFY(!page.hasComparison());
        auto* status = guitest::child<QLabel>(&page, "captionCompareStatus");
        QCOMPARE(status->text(), QStringLiteral("Could not open the model to compare with (%1): %1: the model folder "
                                                "does not exist")
                                     .arg(missing));
        QVERIFY(!page.cards().first()->comparison().shown);
    }
};

QTEST_MAIN(TestCaptionCompare)
#include "test_caption_compare.moc"
