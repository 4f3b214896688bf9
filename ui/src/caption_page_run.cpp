// CaptionPage: the model, the queue of cards and the worker that captions them, progress, and the
// per-folder progress files that let an interrupted folder resume.
#include "captioner/caption_pipeline.h"
#include "captioner/checkpoint.h"

#include "captioner_ui/caption_page.h"

#include "caption_worker.h"
#include "captioner_ui/app_settings.h"
#include "captioner_ui/caption_card.h"
#include "captioner_ui/caption_export.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStandardPaths>
#include <QThread>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <exception>

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
    ++m_modelGeneration;
    m_model = std::move(model);
    m_folder = m_model ? QDir(folder).absolutePath() : QString();
    // A job of the previous model stops after its current batch; its unfinished images return to the
    // queue (onJobFinished) and go to the new model.
    if (m_running) m_worker->cancel();
    for (CaptionCard* card : m_cards) {
        if (m_model && card->state() == CaptionCard::State::Waiting) queue(card);
        else if (!m_model && card->state() == CaptionCard::State::Queued) card->setState(CaptionCard::State::Waiting);
    }
    m_modelLabel->setText(m_model ? tr("Captioning with %1").arg(QDir::toNativeSeparators(m_folder))
                                  : tr("No model open: images wait until one is."));
    schedule();
    updateProgress();
    updateActions();
}

bool CaptionPage::isBusy() const {
    if (m_running) return true;
    for (CaptionCard* card : m_cards)
        if (card->state() == CaptionCard::State::Queued) return true;
    return false;
}

void CaptionPage::setJobSize(int imagesPerJob, int imagesPerPass) {
    m_jobSize = qMax(1, imagesPerJob);
    m_passSize = qMax(1, imagesPerPass);
}

CaptionCard* CaptionPage::cardById(qint64 id) const {
    for (CaptionCard* card : m_cards)
        if (card->id() == id) return card;
    return nullptr;
}

QString CaptionPage::decodingKey() const {
    const bool beam = m_method->currentIndex() == 1;
    return QStringLiteral("max_length=%1 num_beams=%2 length_penalty=%3")
        .arg(m_maxLength->value())
        .arg(beam ? m_beams->value() : 1)
        .arg(beam ? m_lengthPenalty->value() : 1.0, 0, 'f', 2);
}

// ---- adding ----

CaptionCard* CaptionPage::addCard(const QString& path) {
    auto* card = new CaptionCard(m_nextId++, path, m_cardsHost);
    card->setSpeechAvailable(m_speechAvailable, m_speechWhy);
    card->setThumbnailSide(m_thumbSide);
    card->installEventFilter(this);
    connect(card, &CaptionCard::copyRequested, this, &CaptionPage::copyCaption);
    connect(card, &CaptionCard::speakRequested, this, &CaptionPage::speak);
    connect(card, &CaptionCard::recaptionRequested, this, [this](CaptionCard* c) {
        queue(c);
        schedule();
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

void CaptionPage::addImages(const QStringList& images, const QString& folder) {
    int already = 0;
    for (const QString& image : images) {
        bool present = false;
        for (CaptionCard* card : m_cards) present = present || card->path() == image;
        if (present) {
            ++already;
            continue;
        }
        CaptionCard* card = addCard(image);
        if (!folder.isEmpty()) m_cardFolder.insert(card->id(), folder);
        queue(card);
    }
    if (already > 0) announce(tr("%n image(s) already on the page were left as they are.", nullptr, already));
    schedule();
    updateProgress();
    updateActions();
}

QSet<QString> CaptionPage::cardsPathSet() const {
    QSet<QString> set;
    for (CaptionCard* card : m_cards) set.insert(card->path());
    return set;
}

// ---- the queue ----

void CaptionPage::queue(CaptionCard* card) {
    if (!card) return;
    const CaptionCard::State state = card->state();
    if (state == CaptionCard::State::Queued || (state == CaptionCard::State::Waiting && !m_model)) return;
    if (!m_model) {
        card->setState(CaptionCard::State::Waiting);
        return;
    }
    // A running card's result from its job is dropped (onResult) and it goes round again; it is
    // already counted in this batch.
    if (state != CaptionCard::State::Running) {
        if (!isBusy() || m_batchTotal == 0) {
            m_batchTotal = m_batchDone = m_batchErrors = 0;
            m_batchClock->start();
        }
        ++m_batchTotal;
    }
    card->setState(CaptionCard::State::Queued);
}

void CaptionPage::schedule() {
    if (m_running || !m_model) return;
    CaptionJob job;
    job.serial = ++m_jobSerial;
    job.model = m_model;
    const bool beam = m_method->currentIndex() == 1;
    job.maxLength = m_maxLength->value();
    job.numBeams = beam ? m_beams->value() : 1;
    job.lengthPenalty = beam ? m_lengthPenalty->value() : 1.0;
    job.batchSize = m_passSize;
    for (CaptionCard* card : m_cards) {
        if (card->state() != CaptionCard::State::Queued) continue;
        card->setState(CaptionCard::State::Running);
        job.ids << card->id();
        job.paths << card->path();
        if (job.ids.size() == m_jobSize) break;
    }
    if (job.ids.isEmpty()) return;
    m_running = true;
    m_runningSerial = job.serial;
    m_runningGeneration = m_modelGeneration;
    m_worker->resetCancel();
    QMetaObject::invokeMethod(m_worker, "run", Qt::QueuedConnection, Q_ARG(captioner::ui::CaptionJob, job));
    emit busyChanged(true);
}

void CaptionPage::onResult(const CaptionOutcome& outcome) {
    if (outcome.serial != m_runningSerial || m_runningGeneration != m_modelGeneration) return; // old model
    CaptionCard* card = cardById(outcome.id);
    if (!card || card->state() != CaptionCard::State::Running) return; // removed or re-queued meanwhile
    card->setResult(outcome.caption, outcome.seconds, outcome.error);
    ++m_batchDone;
    if (!outcome.error.isEmpty()) ++m_batchErrors;
    const QString folder = m_cardFolder.value(card->id());
    if (!folder.isEmpty() && !m_dirtyFolders.contains(folder)) m_dirtyFolders << folder;
    const QString file = QFileInfo(card->path()).fileName();
    if (m_batchTotal <= kAnnounceEach) {
        announce(outcome.error.isEmpty() ? tr("Caption ready for %1: %2").arg(file, outcome.caption)
                                         : tr("Could not caption %1: %2").arg(file, outcome.error));
    }
    emit captionReady(card->path());
    updateProgress();
    updateActions();
}

void CaptionPage::onJobFinished(quint64 serial, bool) {
    if (serial != m_runningSerial) return;
    m_running = false;
    for (CaptionCard* card : m_cards) {
        if (card->state() != CaptionCard::State::Running) continue;
        if (m_cancelRequested) card->setState(CaptionCard::State::Cancelled);
        else card->setState(m_model ? CaptionCard::State::Queued : CaptionCard::State::Waiting);
    }
    const QStringList dirty = m_dirtyFolders;
    m_dirtyFolders.clear();
    for (const QString& folder : dirty) saveFolderProgress(folder);
    const bool wasCancel = m_cancelRequested;
    m_cancelRequested = false;
    schedule();
    if (!m_running) {
        emit busyChanged(false);
        if (m_batchTotal > 0) {
            QString summary =
                wasCancel ? tr("Captioning cancelled: %n caption(s) ready", nullptr, m_batchDone - m_batchErrors)
                          : tr("Captioning finished: %n caption(s) ready", nullptr, m_batchDone - m_batchErrors);
            if (m_batchErrors) summary += tr(", %n image(s) could not be captioned", nullptr, m_batchErrors);
            if (m_batchTotal > kAnnounceEach || wasCancel || m_batchErrors) announce(summary + QLatin1Char('.'));
        }
        m_batchTotal = m_batchDone = m_batchErrors = 0;
    }
    updateProgress();
    updateActions();
}

void CaptionPage::cancel() {
    bool any = false;
    for (CaptionCard* card : m_cards) {
        if (card->state() == CaptionCard::State::Queued || card->state() == CaptionCard::State::Waiting) {
            card->setState(CaptionCard::State::Cancelled);
            any = true;
        }
    }
    if (m_running) {
        m_cancelRequested = true;
        m_worker->cancel();
        announce(tr("Cancelling after the images in progress…"));
    } else if (any) {
        announce(tr("Captioning cancelled."));
        m_batchTotal = m_batchDone = m_batchErrors = 0;
    }
    updateProgress();
    updateActions();
}

void CaptionPage::recaptionAll() {
    for (CaptionCard* card : m_cards) queue(card);
    schedule();
    updateProgress();
    updateActions();
}

void CaptionPage::removeCard(CaptionCard* card) {
    const int at = m_cards.indexOf(card);
    if (at < 0) return;
    const bool hadFocus = card->hasFocus() || card->isAncestorOf(QApplication::focusWidget());
    if (card->state() == CaptionCard::State::Queued && m_batchTotal > 0) --m_batchTotal;
    m_cards.removeAt(at);
    m_cardFolder.remove(card->id());
    card->hide();
    card->deleteLater();
    if (hadFocus && !m_cards.isEmpty()) m_cards[qMin(at, m_cards.size() - 1)]->setFocus(Qt::OtherFocusReason);
    announce(tr("Removed %1.").arg(QFileInfo(card->path()).fileName()));
    updateProgress();
    updateActions();
}

void CaptionPage::clearResults() {
    if (m_running) {
        m_cancelRequested = true;
        m_worker->cancel();
    }
    for (CaptionCard* card : m_cards) {
        card->hide();
        card->deleteLater();
    }
    m_cards.clear();
    m_cardFolder.clear();
    m_batchTotal = m_batchDone = m_batchErrors = 0;
    announce(tr("Results cleared."));
    updateProgress();
    updateActions();
}

// ---- progress ----

void CaptionPage::updateProgress() {
    const bool active = m_running || isBusy();
    m_progress->setVisible(active && m_batchTotal > 0);
    m_cancel->setVisible(active);
    m_cancelAction->setEnabled(active || std::any_of(m_cards.begin(), m_cards.end(), [](CaptionCard* c) {
                                   return c->state() == CaptionCard::State::Waiting;
                               }));
    if (!active || m_batchTotal <= 0) return;
    m_progress->setRange(0, m_batchTotal);
    m_progress->setValue(m_batchDone);
    QString text = tr("%1 of %2").arg(m_batchDone).arg(m_batchTotal);
    if (m_batchDone > 0 && m_batchDone < m_batchTotal) {
        const double perImage = static_cast<double>(m_batchClock->elapsed()) / 1000.0 / m_batchDone;
        const int left = static_cast<int>(perImage * (m_batchTotal - m_batchDone) + 0.5);
        text += left < 60 ? tr(" · about %n s left", nullptr, qMax(1, left))
                          : tr(" · about %n min left", nullptr, (left + 30) / 60);
    }
    m_progress->setFormat(text);
    m_progress->setAccessibleDescription(text);
}

void CaptionPage::updateActions() {
    int done = 0;
    for (CaptionCard* card : m_cards) done += card->state() == CaptionCard::State::Done ? 1 : 0;
    const bool any = !m_cards.isEmpty();
    m_export->setEnabled(any);
    m_exportAction->setEnabled(any);
    m_sidecars->setEnabled(done > 0);
    m_sidecarAction->setEnabled(done > 0);
    m_toDataset->setEnabled(done > 0);
    m_datasetAction->setEnabled(done > 0);
    m_clear->setEnabled(any);
    m_clearAction->setEnabled(any);
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
