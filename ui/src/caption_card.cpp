#include "captioner_ui/caption_card.h"

#include "captioner_ui/locale_format.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace captioner::ui {

namespace {
QPushButton* makeButton(const QString& text, const QString& name, const QString& description, QWidget* parent) {
    auto* b = new QPushButton(text, parent);
    b->setAccessibleName(name);
    b->setAccessibleDescription(description);
    b->setToolTip(description);
    b->setAutoDefault(false);
    return b;
}
} // namespace

CaptionCard::CaptionCard(qint64 id, const QString& path, QWidget* parent)
    : QFrame(parent), m_id(id), m_path(path), m_thumb(new QLabel(this)), m_name(new QLabel(this)),
      m_text(new QLabel(this)), m_meta(new QLabel(this)), m_confidenceLabel(new QLabel(this)),
      m_compareText(new QLabel(this)), m_compareConfidence(new QLabel(this)) {
    setObjectName(QStringLiteral("captionCard"));
    setFrameShape(QFrame::StyledPanel);
    setFocusPolicy(Qt::StrongFocus);
    const QString file = QFileInfo(path).fileName();
    m_copy = makeButton(tr("&Copy"), tr("Copy caption"),
                        tr("Copy the caption of %1 to the clipboard (Ctrl+C)").arg(file), this);
    m_speak = makeButton(tr("S&peak"), tr("Speak caption"), QString(), this);
    m_recaption = makeButton(tr("&Re-caption"), tr("Re-caption"),
                             tr("Caption %1 again with the current decoding options (F5)").arg(file), this);
    m_remove = makeButton(tr("Remo&ve"), tr("Remove"), tr("Remove %1 from the results (Delete)").arg(file), this);
    m_copy->setObjectName(QStringLiteral("cardCopy"));
    m_speak->setObjectName(QStringLiteral("cardSpeak"));
    m_recaption->setObjectName(QStringLiteral("cardRecaption"));
    m_remove->setObjectName(QStringLiteral("cardRemove"));
    connect(m_copy, &QPushButton::clicked, this, [this] { emit copyRequested(this); });
    connect(m_speak, &QPushButton::clicked, this, [this] { emit speakRequested(this); });
    connect(m_recaption, &QPushButton::clicked, this, [this] { emit recaptionRequested(this); });
    connect(m_remove, &QPushButton::clicked, this, [this] { emit removeRequested(this); });
    for (QPushButton* b : {m_copy, m_speak, m_recaption, m_remove}) b->installEventFilter(this);

    m_thumb->setAlignment(Qt::AlignCenter);
    m_thumb->setAccessibleName(tr("Preview of %1").arg(file));
    m_name->setText(file);
    m_name->setToolTip(QDir::toNativeSeparators(path));
    QFont bold = m_name->font();
    bold.setBold(true);
    m_name->setFont(bold);
    m_text->setObjectName(QStringLiteral("cardCaption"));
    QFont larger = m_text->font();
    larger.setPointSizeF(larger.pointSizeF() * 1.15);
    m_text->setFont(larger);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    // A word with a heatmap is a link (drawn as plain text): clicking it overlays its heatmap.
    connect(m_text, &QLabel::linkActivated, this, [this](const QString& link) {
        if (!link.startsWith(QLatin1String("word:"))) return;
        selectWord(link.mid(5).toInt());
        setFocus(Qt::MouseFocusReason);
    });
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_meta->setObjectName(QStringLiteral("cardStatus"));
    m_meta->setWordWrap(true);
    m_meta->setTextFormat(Qt::PlainText);
    m_meta->setForegroundRole(QPalette::PlaceholderText);
    m_confidenceLabel->setObjectName(QStringLiteral("cardConfidence"));
    m_confidenceLabel->setTextFormat(Qt::PlainText);
    m_compareText->setObjectName(QStringLiteral("cardCompareCaption"));
    m_compareText->setFont(larger);
    m_compareText->setWordWrap(true);
    m_compareText->setTextFormat(Qt::RichText);
    m_compareText->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_compareText->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_compareText->hide();
    m_compareConfidence->setObjectName(QStringLiteral("cardCompareConfidence"));
    m_compareConfidence->setTextFormat(Qt::PlainText);
    m_compareConfidence->hide();

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_copy);
    buttons->addWidget(m_speak);
    buttons->addWidget(m_recaption);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    auto* column = new QVBoxLayout;
    column->addWidget(m_name);
    column->addWidget(m_text);
    column->addWidget(m_confidenceLabel);
    column->addWidget(m_compareText);
    column->addWidget(m_compareConfidence);
    column->addWidget(m_meta);
    column->addStretch();
    column->addLayout(buttons);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_thumb, 0, Qt::AlignTop);
    layout->addLayout(column, 1);
    setThumbnailSide(m_side);
    updateTexts();
}

void CaptionCard::setState(State state) {
    m_state = state;
    if (state != State::Done && state != State::Failed) m_restored = false;
    updateTexts();
}

void CaptionCard::setResult(const QString& caption, double seconds, const QString& error, bool restored,
                            double confidence, const QVector<CaptionWord>& words) {
    m_caption = error.isEmpty() ? caption : QString();
    m_confidence = error.isEmpty() ? confidence : -1;
    m_words = error.isEmpty() ? words : QVector<CaptionWord>();
    m_selected = -1;
    m_error = error;
    m_seconds = seconds;
    m_restored = restored;
    m_state = error.isEmpty() ? State::Done : State::Failed;
    updateTexts();
}

void CaptionCard::setThumbnail(const QImage& image, int side) {
    m_image = image;
    setThumbnailSide(side);
}

void CaptionCard::setThumbnailSide(int side) {
    m_side = side;
    m_thumb->setFixedSize(side, side);
    updateThumbnail();
}

void CaptionCard::selectWord(int index) {
    if (index >= m_words.size() || m_state != State::Done) index = -1;
    if (index == m_selected) return;
    m_selected = index;
    updateTexts();
    updateThumbnail();
}

void CaptionCard::updateThumbnail() {
    const int side = m_side;
    if (m_image.isNull()) {
        m_thumb->setPixmap({});
        m_thumb->setText(m_state == State::Failed ? tr("No preview") : QString());
        return;
    }
    const qreal dpr = devicePixelRatioF();
    QImage image = m_image.scaled(QSize(side, side) * dpr, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    const CaptionWord* word = m_selected >= 0 ? &m_words[m_selected] : nullptr;
    if (word && word->rows > 0 && word->cols > 0 && word->heatmap.size() == word->rows * word->cols) {
        // The heatmap over the image: each patch dimmed unless the model looked there, the strongest
        // patch clear, and a frame in the highlight colour round the patches above half the maximum.
        const float top = *std::max_element(word->heatmap.begin(), word->heatmap.end());
        image = image.convertToFormat(QImage::Format_ARGB32_Premultiplied);
        QPainter painter(&image);
        const qreal w = image.width() / qreal(word->cols), h = image.height() / qreal(word->rows);
        const QColor shade = palette().color(QPalette::Window);
        QPen pen(palette().color(QPalette::Highlight), qMax<qreal>(2, dpr * 2));
        for (int r = 0; r < word->rows; ++r)
            for (int c = 0; c < word->cols; ++c) {
                const float v = top > 0 ? word->heatmap[r * word->cols + c] / top : 0.f;
                const QRectF cell(c * w, r * h, w, h);
                QColor dim = shade;
                dim.setAlphaF(0.8 * (1.0 - v));
                painter.fillRect(cell, dim);
                if (v >= 0.5f) {
                    painter.setPen(pen);
                    painter.drawRect(cell.adjusted(1, 1, -1, -1));
                }
            }
    }
    QPixmap pixmap = QPixmap::fromImage(image);
    pixmap.setDevicePixelRatio(dpr);
    m_thumb->setPixmap(pixmap);
}

void CaptionCard::setSpeechAvailable(bool available, const QString& why) {
    m_speechAvailable = available;
    m_speechWhy = why;
    updateTexts();
}

QString CaptionCard::statusText() const { return m_meta->text(); }

QVector<CaptionWord> CaptionCard::uncertainWords() const {
    QVector<CaptionWord> out;
    for (const CaptionWord& w : m_words)
        if (w.confidence < kUncertainWordThreshold) out << w;
    return out;
}

// The caption as rich text with each uncertain word underlined in the label's text colour, so it
// follows the palette and stays readable in high contrast (Qt 6.4's rich text has no dotted or wavy
// underline). Words are found in the caption in order; one it does not spell as given stays unmarked.
QString CaptionCard::markedCaptionHtml() const {
    return markedHtml(m_caption, m_words.isEmpty() ? diffWordsA() : m_words, m_changedA, m_selected, true);
}

QString CaptionCard::markedHtml(const QString& caption, const QVector<CaptionWord>& words, const QVector<bool>& changed,
                                int selected, bool links) const {
    QString html;
    int at = 0;
    for (int i = 0; i < words.size(); ++i) {
        const CaptionWord& w = words[i];
        const int found = w.word.isEmpty() ? -1 : caption.indexOf(w.word, at, Qt::CaseInsensitive);
        if (found < 0) continue;
        const int end = found + static_cast<int>(w.word.size());
        html += caption.mid(at, found - at).toHtmlEscaped();
        QString word = caption.mid(found, end - found).toHtmlEscaped();
        if (i == selected) word = QStringLiteral("<b>%1</b>").arg(word);
        if (w.confidence < kUncertainWordThreshold) word = QStringLiteral("<u>%1</u>").arg(word);
        if (i < changed.size() && changed[i])
            word = QStringLiteral("<span style=\"background-color: %1; color: %2; font-weight: bold;\">%3</span>")
                       .arg(palette().color(QPalette::Highlight).name(),
                            palette().color(QPalette::HighlightedText).name(), word);
        if (links && !w.heatmap.isEmpty())
            word = QStringLiteral("<a href=\"word:%1\" style=\"color: %2; text-decoration: none;\">%3</a>")
                       .arg(i)
                       .arg(palette().color(QPalette::WindowText).name(), word);
        html += word;
        at = end;
    }
    html += caption.mid(at).toHtmlEscaped();
    return html;
}

void CaptionCard::updateTexts() {
    const QString file = QFileInfo(m_path).fileName();
    QString status;
    switch (m_state) {
    case State::Waiting:
        status = tr("Waiting for a model: open one (Ctrl+Shift+O) and this image is captioned.");
        break;
    case State::Added:
    case State::Queued: status = tr("Queued"); break;
    case State::Running: status = tr("Captioning…"); break;
    case State::Cancelled: status = tr("Not captioned: cancelled. Re-caption (F5) to try again."); break;
    case State::Done:
        status = m_restored
                     ? tr("Captioned in %1 s (restored from an interrupted run)").arg(formatDecimal(m_seconds, 2))
                     : tr("Captioned in %1 s").arg(formatDecimal(m_seconds, 2));
        break;
    case State::Failed: status = m_error; break;
    }
    m_meta->setText(status);
    const bool done = m_state == State::Done && !m_caption.isEmpty();
    const QVector<CaptionWord> uncertain = done ? uncertainWords() : QVector<CaptionWord>();
    const QString compared = updateComparison();
    if (done && (!m_words.isEmpty() || !m_changedA.isEmpty())) {
        m_text->setTextFormat(Qt::RichText);
        m_text->setText(markedCaptionHtml());
    } else {
        m_text->setTextFormat(Qt::PlainText);
        m_text->setText(m_state == State::Failed ? tr("Could not caption this image.") : m_caption);
    }
    const bool showConfidence = done && m_confidence >= 0;
    const QString confidenceText =
        showConfidence ? tr("Confidence %1%").arg(formatCount(qRound(m_confidence * 100))) : QString();
    m_confidenceLabel->setText(confidenceText);
    m_confidenceLabel->setVisible(showConfidence);
    QStringList percentages;
    QStringList uncertainNames;
    for (const CaptionWord& w : uncertain) {
        percentages << tr("%1 (%2%)", "an uncertain word and its confidence")
                           .arg(w.word, formatCount(qRound(w.confidence * 100)));
        uncertainNames << w.word;
    }
    const QString separator = tr(", ", "joins the uncertain words of a caption");
    if (done && m_selected >= 0)
        status +=
            tr("; ", "joins parts of a card's description") +
            tr("where the model looked for “%1” is shown on the image (Esc clears)").arg(m_words[m_selected].word);
    QString tip;
    if (showConfidence) {
        tip = confidenceText;
        if (!uncertain.isEmpty())
            tip += QLatin1Char('\n') +
                   tr("Uncertain words (below %1%): %2")
                       .arg(formatCount(qRound(kUncertainWordThreshold * 100)), percentages.join(separator));
    }
    setToolTip(tip);
    m_text->setToolTip(tip);
    m_text->setVisible(m_state == State::Done || m_state == State::Failed || !m_caption.isEmpty());
    if (m_image.isNull()) m_thumb->setText(m_state == State::Failed ? tr("No preview") : QString());

    const bool hasCaption = m_state == State::Done && !m_caption.isEmpty();
    m_copy->setEnabled(hasCaption);
    m_speak->setEnabled(hasCaption && m_speechAvailable);
    m_speak->setAccessibleDescription(m_speechAvailable ? tr("Read the caption of %1 aloud").arg(file) : m_speechWhy);
    m_speak->setToolTip(m_speak->accessibleDescription());
    m_recaption->setEnabled(m_state != State::Running && m_state != State::Queued && m_state != State::Waiting);

    if (m_state == State::Done) setAccessibleName(tr("%1: %2").arg(file, m_caption));
    else if (m_state == State::Failed) setAccessibleName(tr("%1: error").arg(file));
    else setAccessibleName(file);
    QString description = status;
    if (showConfidence) description += tr("; ", "joins parts of a card's description") + confidenceText;
    if (!uncertain.isEmpty())
        description += tr("; ", "joins parts of a card's description") +
                       tr("uncertain words: %1").arg(uncertainNames.join(separator));
    if (!compared.isEmpty()) description += tr("; ", "joins parts of a card's description") + compared;
    setAccessibleDescription(description);
}

bool CaptionCard::handleKey(QKeyEvent* event) {
    if (event->matches(QKeySequence::Copy)) {
        emit copyRequested(this);
        return true;
    }
    if (event->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) return false;
    switch (event->key()) {
    case Qt::Key_Up: emit navigateRequested(this, -1); return true;
    case Qt::Key_Down: emit navigateRequested(this, 1); return true;
    case Qt::Key_Home: emit navigateRequested(this, INT_MIN); return true;
    case Qt::Key_End: emit navigateRequested(this, INT_MAX); return true;
    case Qt::Key_Delete: emit removeRequested(this); return true;
    case Qt::Key_Right:
    case Qt::Key_Left:
        if (m_words.isEmpty() || m_state != State::Done) return false;
        selectWord(m_selected < 0 ? (event->key() == Qt::Key_Right ? 0 : static_cast<int>(m_words.size()) - 1)
                                  : qBound(0, m_selected + (event->key() == Qt::Key_Right ? 1 : -1),
                                           static_cast<int>(m_words.size()) - 1));
        return true;
    case Qt::Key_Escape:
        if (m_selected < 0) return false;
        selectWord(-1);
        return true;
    default: return false;
    }
}

bool CaptionCard::event(QEvent* event) {
    // Esc clears the overlay before the page's Esc (cancel captioning) shortcut sees it.
    if (event->type() == QEvent::ShortcutOverride && m_selected >= 0 &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Escape) {
        event->accept();
        return true;
    }
    return QFrame::event(event);
}

void CaptionCard::keyPressEvent(QKeyEvent* event) {
    if (!handleKey(event)) QFrame::keyPressEvent(event);
}

bool CaptionCard::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() == QEvent::KeyPress && handleKey(static_cast<QKeyEvent*>(event))) return true;
    if (event->type() == QEvent::FocusIn || event->type() == QEvent::FocusOut) update();
    return QFrame::eventFilter(watched, event);
}

void CaptionCard::focusInEvent(QFocusEvent* event) {
    QFrame::focusInEvent(event);
    update();
}

void CaptionCard::focusOutEvent(QFocusEvent* event) {
    QFrame::focusOutEvent(event);
    update();
}

void CaptionCard::paintEvent(QPaintEvent* event) {
    QFrame::paintEvent(event);
    // A 3 px frame in the highlight colour on the card holding the focus: visible in high contrast too.
    const QWidget* focus = QApplication::focusWidget();
    if (!focus || (focus != this && !isAncestorOf(focus))) return;
    QPainter painter(this);
    QPen pen(palette().color(QPalette::Highlight), 3);
    painter.setPen(pen);
    painter.drawRect(rect().adjusted(1, 1, -2, -2));
}

} // namespace captioner::ui
