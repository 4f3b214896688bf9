// CaptionCard's compare view: the second model's caption and confidence under the card's own, and the
// word-level difference between the two (captioner::diffWords: longest common subsequence of the words,
// compared without case) highlighted in both and named in the accessible description.
#include "captioner_ui/caption_card.h"

#include "captioner/caption_comparison.h"

#include <QLabel>

namespace captioner::ui {

namespace {

std::vector<std::string> lowered(const QVector<CaptionWord>& words) {
    std::vector<std::string> out;
    out.reserve(static_cast<size_t>(words.size()));
    for (const CaptionWord& w : words) out.push_back(w.word.toLower().toStdString());
    return out;
}

QVector<CaptionWord> plainWords(const QString& caption) {
    QVector<CaptionWord> out;
    for (const std::string& w : captioner::splitWords(caption.toStdString()))
        out.push_back({QString::fromStdString(w), 1.0, 0, 0, {}});
    return out;
}

QStringList changedWords(const QVector<CaptionWord>& words, const QVector<bool>& changed) {
    QStringList out;
    for (int i = 0; i < words.size() && i < changed.size(); ++i)
        if (changed[i]) out << words[i].word;
    return out;
}

} // namespace

void CaptionCard::setComparison(const Comparison& comparison) {
    m_comparison = comparison;
    updateTexts();
}

QVector<CaptionWord> CaptionCard::diffWordsA() const {
    // Unknown confidences (restored results) count as certain: nothing is underlined for them.
    return m_words.isEmpty() ? plainWords(m_caption) : m_words;
}

QStringList CaptionCard::differingWords() const { return changedWords(diffWordsA(), m_changedA); }

QStringList CaptionCard::differingWordsB() const {
    return changedWords(m_comparison.words.isEmpty() ? plainWords(m_comparison.caption) : m_comparison.words,
                        m_changedB);
}

QString CaptionCard::updateComparison() {
    m_changedA.clear();
    m_changedB.clear();
    const Comparison& c = m_comparison;
    m_compareText->setVisible(c.shown);
    m_compareConfidence->setVisible(false);
    if (!c.shown) return {};
    const QString name = tr("Model B (%1)").arg(c.modelName);
    const QString heading =
        QStringLiteral("<b>%1</b> ").arg(tr("%1:", "before the second model's caption").arg(name).toHtmlEscaped());
    if (c.pending) {
        m_compareText->setText(heading + tr("captioning…").toHtmlEscaped());
        return tr("%1: captioning", "the second model has not captioned the image yet").arg(name);
    }
    if (c.cancelled) {
        m_compareText->setText(heading + tr("not captioned, the comparison was cancelled").toHtmlEscaped());
        return tr("%1: not captioned, the comparison was cancelled").arg(name);
    }
    if (!c.error.isEmpty()) {
        m_compareText->setText(heading + tr("could not caption this image: %1").arg(c.error).toHtmlEscaped());
        return tr("%1 could not caption this image: %2").arg(name, c.error);
    }
    const bool done = m_state == State::Done && !m_caption.isEmpty();
    const QVector<CaptionWord> wordsB = c.words.isEmpty() ? plainWords(c.caption) : c.words;
    if (done) {
        const QVector<CaptionWord> wordsA = diffWordsA();
        const captioner::WordDiff d = captioner::diffWords(lowered(wordsA), lowered(wordsB));
        for (bool changed : d.changedA) m_changedA.push_back(changed);
        for (bool changed : d.changedB) m_changedB.push_back(changed);
    }
    QVector<CaptionWord> shownB = wordsB;
    for (CaptionWord& w : shownB) w.heatmap.clear();
    m_compareText->setText(heading + markedHtml(c.caption, shownB, m_changedB, -1, false));
    const bool confidence = c.confidence >= 0;
    const QString confidenceText = tr("%1 confidence %2%").arg(name).arg(qRound(c.confidence * 100));
    m_compareConfidence->setText(confidenceText);
    m_compareConfidence->setVisible(confidence);

    QString description = tr("%1: %2").arg(name, c.caption);
    if (confidence) description += tr("; ", "joins parts of a card's description") + confidenceText;
    if (!done) return description;
    const QStringList a = differingWords(), b = differingWordsB();
    const QString separator = tr(", ", "joins the uncertain words of a caption");
    description += tr("; ", "joins parts of a card's description");
    if (a.isEmpty() && b.isEmpty()) return description + tr("the two captions are the same");
    return description + tr("words that differ: this caption %1; model B %2")
                             .arg(a.isEmpty() ? tr("none", "no differing words") : a.join(separator),
                                  b.isEmpty() ? tr("none", "no differing words") : b.join(separator));
}

} // namespace captioner::ui
