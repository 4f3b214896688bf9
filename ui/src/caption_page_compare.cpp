// CaptionPage: the compare view. A second model (CaptionComparer, off the UI thread) captions the images
// the page has captioned; each card shows both captions with their word differences, and the compare box
// shows both models' metrics where the images have reference captions, with an export of the rows.
#include "captioner_ui/caption_page.h"

#include "caption_compare.h"

#include "captioner/caption_comparison.h"
#include "captioner/error.h"

#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_queue.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QGroupBox>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QVBoxLayout>

#include <cmath>

namespace captioner::ui {

namespace {
// The metrics label's description before there are metrics (a focusable label must say what it is).
QString metricsPlaceholder() {
    return CaptionPage::tr("Both models' WER, ROUGE-L, BLEU-4 and CIDEr-D on the images with reference captions");
}

QString metricText(double v) { return std::isfinite(v) ? QLocale().toString(v, 'f', 4) : QStringLiteral("∞"); }
} // namespace

QWidget* CaptionPage::buildCompareBox(QWidget* parent) {
    m_comparer = new CaptionComparer(this);
    auto* box = new QGroupBox(tr("Compare"), parent);
    box->setObjectName(QStringLiteral("captionCompareBox"));
    m_compareBox = box;
    auto button = [box](const QString& text, const QString& name, const QString& description, const char* object) {
        auto* b = new QPushButton(text, box);
        b->setObjectName(QLatin1String(object));
        b->setAccessibleName(name);
        b->setAccessibleDescription(description);
        b->setToolTip(description);
        b->setAutoDefault(false);
        return b;
    };
    m_compareButton = button(tr("Compare With &Model…"), tr("Compare With Model…"),
                             tr("Caption the same images with a second model and show both captions (Ctrl+Shift+M)"),
                             "captionCompare");
    m_compareExport = button(tr("Export Compa&rison…"), tr("Export Comparison…"),
                             tr("Save both models' captions, confidences and the references as CSV or JSON Lines"),
                             "captionCompareExport");
    m_compareClose = button(tr("Close Comparison"), tr("Close Comparison"), tr("Hide the second model's captions"),
                            "captionCompareClose");
    m_compareCancel =
        button(tr("Cancel Comparison"), tr("Cancel Comparison"),
               tr("Stop the second model; the images it has captioned stay compared (Esc)"), "captionCompareCancel");
    m_compareCancel->hide();
    m_compareStatus = new QLabel(box);
    m_compareStatus->setObjectName(QStringLiteral("captionCompareStatus"));
    m_compareStatus->setWordWrap(true);
    m_compareStatus->setTextFormat(Qt::PlainText);
    m_compareMetrics = new QLabel(box);
    m_compareMetrics->setObjectName(QStringLiteral("captionCompareMetrics"));
    m_compareMetrics->setTextFormat(Qt::RichText);
    m_compareMetrics->setWordWrap(true); // the summary line above the table wraps (unwrapped it was clipped)
    m_compareMetrics->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_compareMetrics->setFocusPolicy(Qt::StrongFocus); // reachable by Tab, read by screen readers
    m_compareMetrics->setAccessibleName(tr("Comparison metrics"));
    m_compareMetrics->setAccessibleDescription(metricsPlaceholder());
    m_compareMetrics->hide();
    auto* layout = new QVBoxLayout(box);
    layout->addWidget(m_compareButton);
    layout->addWidget(m_compareStatus);
    layout->addWidget(m_compareCancel);
    layout->addWidget(m_compareMetrics);
    layout->addWidget(m_compareExport);
    layout->addWidget(m_compareClose);
    connect(m_compareButton, &QPushButton::clicked, this, &CaptionPage::chooseCompareModel);
    connect(m_compareExport, &QPushButton::clicked, this, &CaptionPage::chooseCompareExport);
    connect(m_compareClose, &QPushButton::clicked, this, &CaptionPage::closeComparison);
    connect(m_compareCancel, &QPushButton::clicked, this, &CaptionPage::cancelComparison);

    connect(m_comparer, &CaptionComparer::modelLoaded, this, [this](const QString& folder) {
        announce(tr("Captioning %n image(s) with %1 to compare…", nullptr, m_comparer->total())
                     .arg(QDir::toNativeSeparators(folder)));
        updateCompareBox();
    });
    connect(m_comparer, &CaptionComparer::modelFailed, this, [this](const QString& folder, const QString& error) {
        for (CaptionCard* card : m_cards) card->setComparison({});
        const QString text =
            tr("Could not open the model to compare with (%1): %2").arg(QDir::toNativeSeparators(folder), error);
        announce(text);
        updateCompareBox();
        m_compareStatus->setText(text);
        if (!hooks().chooseFiles) QMessageBox::warning(this, tr("Compare With Model"), text);
        emit comparisonFinished();
    });
    connect(m_comparer, &CaptionComparer::resultReady, this, [this](qint64 id) {
        CaptionCard* card = cardById(id);
        if (card) syncComparison(card);
        updateCompareBox();
        if (card) emit compareResultReady(card->path());
    });
    connect(m_comparer, &CaptionComparer::finished, this, &CaptionPage::onCompareFinished);
    connect(m_comparer, &CaptionComparer::summaryReady, this, &CaptionPage::showCompareSummary);
    updateCompareBox();
    return box;
}

bool CaptionPage::isComparing() const { return m_comparer->isBusy(); }
bool CaptionPage::hasComparison() const { return m_comparer->isActive(); }
QString CaptionPage::compareModelFolder() const { return m_comparer->folder(); }
QString CaptionPage::compareSummaryText() const {
    const QString d = m_compareMetrics->accessibleDescription();
    return d == metricsPlaceholder() ? QString() : d;
}

void CaptionPage::setReferenceLookup(ReferenceLookup lookup) { m_referenceLookup = std::move(lookup); }

QVector<QStringList> CaptionPage::references(const QStringList& images) const {
    QVector<QStringList> out = m_referenceLookup ? m_referenceLookup(images) : QVector<QStringList>();
    out.resize(images.size());
    return out;
}

void CaptionPage::chooseCompareModel() {
    const QStringList chosen = chooseFilesDialog(QStringLiteral("compare-model"));
    if (!chosen.isEmpty()) compareWithModel(chosen.first());
}

void CaptionPage::compareWithModel(const QString& folder) {
    QVector<qint64> ids;
    QStringList paths;
    for (const CaptionQueue::Item& item : m_queue->items()) {
        if (item.state != CaptionQueue::State::Done) continue;
        ids << item.id;
        paths << item.path;
    }
    if (ids.isEmpty()) {
        announce(tr("Nothing to compare yet: caption some images first."));
        return;
    }
    m_compareModelA = m_queue->model();
    m_compareModelAFolder = m_queue->modelFolder();
    m_compareMetrics->clear();
    m_compareMetrics->setAccessibleDescription(metricsPlaceholder());
    m_compareMetrics->hide();
    m_compareSummaryPending = false;
    m_compareStatus->clear();
    const int pass = m_queue->passSize();
    m_comparer->start(folder, ids, paths, m_queue->decoding(), pass > 0 ? pass : 4);
    for (CaptionCard* card : m_cards) syncComparison(card);
    announce(tr("Opening %1 to compare…").arg(QDir::toNativeSeparators(folder)));
    updateCompareBox();
}

void CaptionPage::syncComparison(CaptionCard* card) {
    if (!m_comparer->isActive() || !m_comparer->compares(card->id())) {
        if (card->comparison().shown) card->setComparison({});
        return;
    }
    CaptionCard::Comparison c;
    c.shown = true;
    c.modelName = QFileInfo(m_comparer->folder()).fileName();
    if (const CaptionOutcome* o = m_comparer->outcome(card->id())) {
        c.caption = o->caption;
        c.error = o->error;
        c.confidence = o->error.isEmpty() ? o->confidence : -1;
        c.words = o->words;
    } else if (m_comparer->isBusy()) {
        c.pending = true;
    } else {
        c.cancelled = true; // a finished job answers every image, so only a cancel leaves one out
    }
    card->setComparison(c);
}

void CaptionPage::onCompareFinished(bool cancelled) {
    for (CaptionCard* card : m_cards) syncComparison(card); // the ones still waiting: cancelled
    if (cancelled && m_comparer->ids().isEmpty()) {
        // Cancelled while its model was loading: there is no comparison.
        m_compareModelA.reset();
        const QString text = tr("Comparison cancelled before the model to compare with was open.");
        m_compareStatus->setText(text);
        announce(text);
        updateCompareBox();
        emit comparisonFinished();
        return;
    }
    int differ = 0, compared = 0;
    QStringList paths, captionsA, captionsB;
    for (qint64 id : m_comparer->ids()) {
        const CaptionQueue::Item* item = m_queue->item(id);
        const CaptionOutcome* o = m_comparer->outcome(id);
        if (!item || !o || item->state != CaptionQueue::State::Done) continue;
        ++compared;
        if (item->caption != o->caption || !o->error.isEmpty()) ++differ;
        if (!o->error.isEmpty()) continue;
        paths << item->path;
        captionsA << item->caption;
        captionsB << o->caption;
    }
    const QVector<QStringList> found = references(paths);
    QStringList predictionsA, predictionsB;
    QVector<QStringList> references;
    for (int i = 0; i < paths.size(); ++i) {
        if (found[i].isEmpty()) continue;
        predictionsA << captionsA[i];
        predictionsB << captionsB[i];
        references << found[i];
    }
    QString text =
        cancelled
            ? tr("Comparison cancelled after %1 of %n image(s).", nullptr, m_comparer->total()).arg(m_comparer->done())
            : QString();
    if (!cancelled || compared > 0)
        text += (text.isEmpty() ? QString() : QStringLiteral(" ")) +
                tr("Captions differ on %1 of %n image(s).", nullptr, compared).arg(differ);
    m_compareStatus->setText(text);
    announce(text);
    updateCompareBox();
    if (!predictionsA.isEmpty()) {
        m_compareSummaryPending = true;
        m_compareMetrics->setText(tr("Computing metrics…"));
        m_compareMetrics->show();
        m_comparer->computeSummary(m_compareModelA, predictionsA, predictionsB, references);
        return;
    }
    m_compareMetrics->setText(tr("No metrics: the images have no reference captions (open their dataset in the "
                                 "dataset browser to compare against its captions)."));
    m_compareMetrics->setAccessibleDescription(m_compareMetrics->text());
    m_compareMetrics->show();
    emit comparisonFinished();
}

void CaptionPage::showCompareSummary(const CompareSummary& s) {
    m_compareSummaryPending = false;
    if (!s.error.isEmpty()) {
        m_compareMetrics->setText(tr("Could not compute the metrics: %1").arg(s.error).toHtmlEscaped());
        m_compareMetrics->setAccessibleDescription(m_compareMetrics->text());
        emit comparisonFinished();
        return;
    }
    const QString a = QFileInfo(m_compareModelAFolder).fileName(), b = QFileInfo(m_comparer->folder()).fileName();
    QString html =
        QStringLiteral("<p>%1</p><table cellspacing=\"4\"><tr><th></th><th>A</th><th>B</th></tr>")
            .arg(tr("On %n image(s) with references. A: %1, B: %2.", nullptr, s.count).arg(a, b).toHtmlEscaped());
    QStringList spoken;
    const struct {
        QString name;
        double va, vb;
    } rows[] = {{tr("WER"), s.a.wer, s.b.wer},
                {tr("ROUGE-L"), s.a.rougeL, s.b.rougeL},
                {tr("BLEU-4"), s.a.bleu4, s.b.bleu4},
                {tr("CIDEr-D"), s.a.cider, s.b.cider}};
    for (const auto& r : rows) {
        html += QStringLiteral("<tr><td>%1</td><td align=\"right\">%2</td><td align=\"right\">%3</td></tr>")
                    .arg(r.name.toHtmlEscaped(), metricText(r.va), metricText(r.vb));
        spoken << tr("%1: A %2, B %3", "a metric of both models").arg(r.name, metricText(r.va), metricText(r.vb));
    }
    html += QStringLiteral("</table>");
    m_compareMetrics->setText(html);
    m_compareMetrics->show();
    const QString description = tr("On %n image(s) with references, A is %1 and B is %2: %3.", nullptr, s.count)
                                    .arg(a, b, spoken.join(tr("; ", "between the parts of a summary")));
    m_compareMetrics->setAccessibleDescription(description);
    announce(description);
    emit comparisonFinished();
}

void CaptionPage::closeComparison() {
    const bool had = m_comparer->isActive();
    m_comparer->clear();
    m_compareModelA.reset();
    for (CaptionCard* card : m_cards) card->setComparison({});
    m_compareMetrics->clear();
    m_compareMetrics->setAccessibleDescription(metricsPlaceholder());
    m_compareMetrics->hide();
    m_compareStatus->clear();
    if (had) announce(tr("Comparison closed."));
    updateCompareBox();
}

bool CaptionPage::exportComparison(const QString& path, QString* error) {
    QVector<const CaptionQueue::Item*> items;
    QVector<const CaptionOutcome*> outcomes;
    QStringList paths;
    for (qint64 id : m_comparer->ids()) {
        const CaptionQueue::Item* item = m_queue->item(id);
        const CaptionOutcome* o = m_comparer->outcome(id);
        if (!item || !o) continue;
        items << item;
        outcomes << o;
        paths << item->path;
    }
    const QVector<QStringList> found = references(paths);
    std::vector<captioner::ComparisonRow> rows;
    for (int i = 0; i < items.size(); ++i) {
        const CaptionQueue::Item* item = items[i];
        const CaptionOutcome* o = outcomes[i];
        captioner::ComparisonRow row;
        row.image = item->path.toStdString();
        for (const QString& r : found[i]) row.references.push_back(r.toStdString());
        row.captionA = item->caption.toStdString();
        row.errorA = item->error.toStdString();
        row.confidenceA = item->error.isEmpty() ? item->confidence : -1;
        row.captionB = o->caption.toStdString();
        row.errorB = o->error.toStdString();
        row.confidenceB = o->error.isEmpty() ? o->confidence : -1;
        rows.push_back(std::move(row));
    }
    try {
        captioner::writeComparison(path.toStdString(), rows);
    } catch (const std::exception& e) {
        const QString why = QString::fromStdString(e.what());
        if (error) *error = why;
        announce(tr("Could not export the comparison: %1").arg(why));
        return false;
    }
    announce(tr("Exported the comparison of %n image(s) to %1.", nullptr, static_cast<int>(rows.size()))
                 .arg(QDir::toNativeSeparators(path)));
    return true;
}

void CaptionPage::chooseCompareExport() {
    if (!m_comparer->isActive() || m_comparer->done() == 0) {
        announce(tr("Nothing to export yet: compare with a second model first."));
        return;
    }
    const QStringList chosen = chooseFilesDialog(QStringLiteral("compare-export"));
    if (chosen.isEmpty()) return;
    QString error;
    if (!exportComparison(chosen.first(), &error) && !hooks().chooseFiles)
        QMessageBox::warning(this, tr("Export Comparison"), tr("Could not export the comparison.\n\n%1").arg(error));
}

void CaptionPage::updateCompareBox() {
    if (!m_comparer || !m_compareAction) return;
    const bool busy = m_comparer->isBusy();
    const bool canStart = m_queue->count(CaptionQueue::State::Done) > 0 && !busy;
    m_compareButton->setEnabled(canStart);
    m_compareAction->setEnabled(canStart);
    const bool exportable = m_comparer->isActive() && !busy && m_comparer->done() > 0;
    m_compareExport->setEnabled(exportable);
    m_compareExportAction->setEnabled(exportable);
    m_compareClose->setEnabled(m_comparer->isActive());
    // Shown while there is something to stop; moving the focus off it first, or it would go nowhere.
    if (!busy && m_compareCancel->hasFocus()) m_compareButton->setFocus(Qt::OtherFocusReason);
    m_compareCancel->setVisible(busy);
    m_compareCancel->setEnabled(busy && !m_comparer->isCancelling());
    if (busy) {
        const QString name = QFileInfo(m_comparer->folder()).fileName();
        if (m_comparer->isCancelling()) m_compareStatus->setText(tr("Cancelling the comparison with %1…").arg(name));
        else if (m_comparer->isLoading()) m_compareStatus->setText(tr("Opening %1…").arg(name));
        else
            m_compareStatus->setText(tr("Comparing with %1: %2 of %3 captioned…")
                                         .arg(name)
                                         .arg(m_comparer->done())
                                         .arg(m_comparer->total()));
    } else if (!m_comparer->isActive() && m_compareStatus->text().isEmpty()) {
        m_compareStatus->setText(tr("Caption images, then compare them with a second model."));
    }
    updateCancelAction();
}

void CaptionPage::updateCancelAction() {
    if (!m_cancelAction) return;
    m_cancelAction->setEnabled(m_queue->isBusy() || m_queue->count(CaptionCard::State::Waiting) > 0 ||
                               (m_comparer && m_comparer->isBusy()));
}

void CaptionPage::cancelComparison() {
    if (!m_comparer->isBusy() || m_comparer->isCancelling()) return;
    if (m_comparer->isLoading()) {
        m_comparer->cancel(); // finished(true) at once: onCompareFinished says so
        return;
    }
    m_comparer->cancel(); // the worker stops before its next step; finished(true) follows
    announce(tr("Cancelling the comparison…"));
    updateCompareBox();
}

} // namespace captioner::ui
