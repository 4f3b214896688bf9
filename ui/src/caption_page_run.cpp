// CaptionPage: the cards that show the CaptionQueue's items, what the page announces of the queue's
// work, and the progress bar and commands that follow it.
#include "captioner_ui/caption_page.h"

#include "captioner_ui/locale_format.h"
#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_queue.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>

#include <algorithm>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImageReader>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace captioner::ui {

namespace {
constexpr int kAnnounceEach = 5; // batches up to this size announce every caption; larger ones the total
constexpr int kThumbnailLoad = 256;

QImage loadThumbnail(const QString& path) {
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && (size.width() > kThumbnailLoad || size.height() > kThumbnailLoad))
        reader.setScaledSize(size.scaled(kThumbnailLoad, kThumbnailLoad, Qt::KeepAspectRatio));
    return reader.read();
}
} // namespace

void CaptionPage::setModel(std::shared_ptr<captioner::GitCheckpoint> model, const QString& folder) {
    m_queue->setModel(std::move(model), folder);
    m_modelLabel->setText(m_queue->hasModel()
                              ? tr("Captioning with %1").arg(QDir::toNativeSeparators(m_queue->modelFolder()))
                              : tr("No model open: images wait until one is."));
    updateProgress();
    updateActions();
}

bool CaptionPage::hasModel() const { return m_queue->hasModel(); }

QString CaptionPage::modelFolder() const { return m_queue->modelFolder(); }

bool CaptionPage::isBusy() const { return m_queue->isBusy(); }

void CaptionPage::setJobSize(int imagesPerJob, int imagesPerPass) { m_queue->setJobSize(imagesPerJob, imagesPerPass); }

void CaptionPage::syncDecoding() {
    const bool beam = m_method->currentIndex() == 1;
    m_queue->setDecoding({m_maxLength->value(), beam ? m_beams->value() : 1, beam ? m_lengthPenalty->value() : 1.0});
}

CaptionCard* CaptionPage::cardById(qint64 id) const {
    for (CaptionCard* card : m_cards)
        if (card->id() == id) return card;
    return nullptr;
}

// ---- cards ----

CaptionCard* CaptionPage::addCard(qint64 id, const QString& path) {
    auto* card = new CaptionCard(id, path, m_cardsHost);
    card->setSpeechAvailable(m_speechAvailable, m_speechWhy);
    card->setThumbnailSide(m_thumbSide);
    card->installEventFilter(this);
    connect(card, &CaptionCard::copyRequested, this, &CaptionPage::copyCaption);
    connect(card, &CaptionCard::speakRequested, this, &CaptionPage::speak);
    connect(card, &CaptionCard::recaptionRequested, this, [this](CaptionCard* c) {
        m_queue->recaption(c->id());
        updateProgress();
    });
    connect(card, &CaptionCard::removeRequested, this, &CaptionPage::removeCard);
    connect(card, &CaptionCard::navigateRequested, this, &CaptionPage::navigate);
    // Tab order follows the list: the first card comes after the drop zone's buttons (and Cancel),
    // each later one after the previous card's buttons; the side panel follows the cards.
    QWidget* previous = m_cards.isEmpty() ? static_cast<QWidget*>(m_cancel) : m_cards.last()->removeButton();
    m_cardsLayout->insertWidget(m_cardsLayout->count() - 1, card);
    QWidget::setTabOrder(previous, card);
    QWidget::setTabOrder(card, card->copyButton());
    QWidget::setTabOrder(card->copyButton(), card->speakButton());
    QWidget::setTabOrder(card->speakButton(), card->recaptionButton());
    QWidget::setTabOrder(card->recaptionButton(), card->removeButton());
    m_cards << card;
    requestThumbnail(card);
    if (m_sort->currentIndex() != 0) applySort();
    return card;
}

void CaptionPage::requestThumbnail(CaptionCard* card) {
    auto* watcher = new QFutureWatcher<QImage>(card);
    connect(watcher, &QFutureWatcher<QImage>::finished, card, [this, card, watcher] {
        card->setThumbnail(watcher->result(), m_thumbSide);
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(loadThumbnail, card->path()));
}

void CaptionPage::syncCard(qint64 id) {
    const CaptionQueue::Item* item = m_queue->item(id);
    CaptionCard* card = cardById(id);
    if (!item || !card) return;
    if (item->state == CaptionCard::State::Done || item->state == CaptionCard::State::Failed)
        card->setResult(item->caption, item->seconds, item->error, item->restored, item->confidence, item->words);
    else card->setState(item->state);
    if (m_sort->currentIndex() != 0) applySort();
}

void CaptionPage::applySort() {
    const int order = m_sort->currentIndex(); // 0 order added, 1 least confident first, 2 most confident first
    QList<CaptionCard*> sorted = m_cards;
    std::stable_sort(sorted.begin(), sorted.end(), [order](const CaptionCard* a, const CaptionCard* b) {
        const bool knownA = a->state() == CaptionCard::State::Done && a->confidence() >= 0;
        const bool knownB = b->state() == CaptionCard::State::Done && b->confidence() >= 0;
        if (order == 0 || (!knownA && !knownB)) return a->id() < b->id();
        if (knownA != knownB) return knownA;
        if (a->confidence() != b->confidence())
            return order == 1 ? a->confidence() < b->confidence() : a->confidence() > b->confidence();
        return a->id() < b->id();
    });
    if (sorted == m_cards) return;
    m_cards = sorted;
    for (CaptionCard* card : m_cards) m_cardsLayout->removeWidget(card);
    QWidget* previous = m_cancel;
    for (int i = 0; i < m_cards.size(); ++i) {
        CaptionCard* card = m_cards[i];
        m_cardsLayout->insertWidget(i, card);
        QWidget::setTabOrder(previous, card);
        QWidget::setTabOrder(card, card->copyButton());
        QWidget::setTabOrder(card->copyButton(), card->speakButton());
        QWidget::setTabOrder(card->speakButton(), card->recaptionButton());
        QWidget::setTabOrder(card->recaptionButton(), card->removeButton());
        previous = card->removeButton();
    }
}

void CaptionPage::addImages(const QStringList& images) {
    m_queue->add(images); // a card per new image follows (itemAdded)
    updateProgress();
    updateActions();
}

// ---- what the queue reports ----

void CaptionPage::onResult(qint64 id) {
    const CaptionQueue::Item* item = m_queue->item(id);
    const QString path = item->path;
    const QString file = QFileInfo(path).fileName();
    if (m_queue->batchTotal() <= kAnnounceEach) {
        announce(item->error.isEmpty() ? tr("Caption ready for %1: %2").arg(file, item->caption)
                                       : tr("Could not caption %1: %2").arg(file, item->error));
    }
    emit captionReady(path);
    updateProgress();
    updateActions();
}

void CaptionPage::onBatchFinished(bool cancelled, int captioned, int failed, int total) {
    QString summary = cancelled ? tr("Captioning cancelled: %n caption(s) ready", nullptr, captioned)
                                : tr("Captioning finished: %n caption(s) ready", nullptr, captioned);
    if (failed) summary += tr(", %n image(s) could not be captioned", nullptr, failed);
    if (total > kAnnounceEach || cancelled || failed) announce(summary + tr(".", "ends a summary"));
}

void CaptionPage::cancel() {
    const CaptionQueue::CancelOutcome outcome = m_queue->cancel();
    switch (outcome) {
    case CaptionQueue::CancelOutcome::Stopping: announce(tr("Cancelling after the images in progress…")); break;
    case CaptionQueue::CancelOutcome::Cancelled: announce(tr("Captioning cancelled.")); break;
    case CaptionQueue::CancelOutcome::Nothing: break;
    }
    // A running comparison stops too (its messages follow the captioning's: the status bar ends with them).
    cancelComparison();
    updateProgress();
    updateActions();
}

void CaptionPage::recaptionAll() {
    m_queue->recaptionAll();
    updateProgress();
    updateActions();
}

void CaptionPage::removeCard(CaptionCard* card) {
    const int at = m_cards.indexOf(card);
    if (at < 0) return;
    const bool hadFocus = card->hasFocus() || card->isAncestorOf(QApplication::focusWidget());
    m_queue->remove(card->id());
    m_cards.removeAt(at);
    card->hide();
    card->deleteLater();
    if (hadFocus && !m_cards.isEmpty()) m_cards[qMin(at, m_cards.size() - 1)]->setFocus(Qt::OtherFocusReason);
    announce(tr("Removed %1.").arg(QFileInfo(card->path()).fileName()));
    updateProgress();
    updateActions();
}

void CaptionPage::clearResults() {
    closeComparison();
    m_queue->clear();
    for (CaptionCard* card : m_cards) {
        card->hide();
        card->deleteLater();
    }
    m_cards.clear();
    announce(tr("Results cleared."));
    updateProgress();
    updateActions();
}

// ---- progress ----

void CaptionPage::updateProgress() {
    const bool active = m_queue->isBusy();
    const int total = m_queue->batchTotal();
    const int done = m_queue->batchDone();
    m_progress->setVisible(active && total > 0);
    m_cancel->setVisible(active);
    updateCancelAction();
    if (!active || total <= 0) return;
    m_progress->setRange(0, total);
    m_progress->setValue(done);
    QString text = tr("%1 of %2").arg(formatCount(done), formatCount(total));
    if (done > 0 && done < total) {
        const double perImage = static_cast<double>(m_queue->batchElapsedMs()) / 1000.0 / done;
        const int left = static_cast<int>(perImage * (total - done) + 0.5);
        text += left < 60 ? tr(" · about %n s left", nullptr, qMax(1, left))
                          : tr(" · about %n min left", nullptr, (left + 30) / 60);
    }
    m_progress->setFormat(text);
    m_progress->setAccessibleDescription(text);
}

void CaptionPage::updateActions() {
    const int done = m_queue->count(CaptionCard::State::Done);
    const bool any = !m_cards.isEmpty();
    m_export->setEnabled(any);
    m_exportAction->setEnabled(any);
    m_sidecars->setEnabled(done > 0);
    m_sidecarAction->setEnabled(done > 0);
    m_toDataset->setEnabled(done > 0);
    m_datasetAction->setEnabled(done > 0);
    m_clear->setEnabled(any);
    m_clearAction->setEnabled(any);
    updateCompareBox();
    m_recaptionAll->setEnabled(any);
    m_recaptionAllAction->setEnabled(any);
    m_copyAction->setEnabled(done > 0);
    m_recaptionAction->setEnabled(any);
    m_speakAction->setEnabled(done > 0 && m_speechAvailable);
    m_scroll->setVisible(any);
    // With results on the page the drop zone shrinks to a strip; empty, it fills the page.
    m_dropZone->setMaximumHeight(any ? m_dropZone->sizeHint().height() : QWIDGETSIZE_MAX);
}

} // namespace captioner::ui
