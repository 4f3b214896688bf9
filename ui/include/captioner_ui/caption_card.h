#pragma once
// CaptionCard is one image on the Caption page: its thumbnail, file name, caption (selectable), the
// time captioning took or what it is waiting for, and Copy, Speak, Re-caption and Remove buttons.
// The card itself takes focus (a screen reader reads its name: the file and the caption); Up/Down
// (and Home/End) move to the neighbouring card, Ctrl+C copies the caption, Delete removes the card.
// With the caption's confidence known it shows "Confidence N%", underlines (in the text's own
// palette colour) the words below kUncertainWordThreshold, lists them with their percentages in the
// card's tooltip and ends its accessible description with "uncertain words: …". Left/Right on the card
// pick a word (shown bold) and overlay where the model looked for it on the thumbnail; Esc clears it.
// In the compare view (setComparison) the card also shows a second model's caption and confidence,
// and the words outside the two captions' longest common word subsequence are highlighted in both
// (bold, in the palette's highlight colours, so high-contrast themes keep them readable); the
// accessible description names them.
#include "captioner_ui/caption_queue.h"

#include <QFrame>
#include <QImage>

class QLabel;
class QPushButton;

namespace captioner::ui {

class CaptionCard : public QFrame {
    Q_OBJECT
public:
    using State = CaptionQueue::State; // the card shows its queue item's state
    // A word whose confidence (its tokens' probability product) is below this is marked uncertain. 50%:
    // the model gave the word less than even odds; on the fixture and demo models most words sit well
    // above it, so the marks stay few enough to be read.
    static constexpr double kUncertainWordThreshold = 0.5;

    CaptionCard(qint64 id, const QString& path, QWidget* parent = nullptr);

    qint64 id() const { return m_id; }
    QString path() const { return m_path; }
    State state() const { return m_state; }
    QString caption() const { return m_caption; }
    QString error() const { return m_error; }
    double seconds() const { return m_seconds; }
    bool isRestored() const { return m_restored; }
    double confidence() const { return m_confidence; } // -1: unknown
    const QVector<CaptionWord>& words() const { return m_words; }
    // The words below kUncertainWordThreshold, in caption order.
    QVector<CaptionWord> uncertainWords() const;
    QLabel* captionLabel() const { return m_text; }
    QLabel* confidenceLabel() const { return m_confidenceLabel; }
    QLabel* thumbnailLabel() const { return m_thumb; }
    int selectedWord() const { return m_selected; } // -1: none, no overlay
    void selectWord(int index);                     // -1 clears

    // The compare view's second caption for this card. shown false: no compare view (the default).
    struct Comparison {
        bool shown = false;
        bool pending = false;   // the second model has not captioned this image yet
        bool cancelled = false; // the comparison was cancelled before the second model captioned it
        QString modelName;      // the second model's folder name
        QString caption, error;
        double confidence = -1;
        QVector<CaptionWord> words; // its words with their confidences (heatmaps are not used)
    };
    void setComparison(const Comparison& comparison);
    const Comparison& comparison() const { return m_comparison; }
    QLabel* compareCaptionLabel() const { return m_compareText; }
    QLabel* compareConfidenceLabel() const { return m_compareConfidence; }
    // The words that differ, in caption order: of this card's caption and of the second one (empty
    // without a finished comparison).
    QStringList differingWords() const;
    QStringList differingWordsB() const;

    void setState(State state);
    void setResult(const QString& caption, double seconds, const QString& error, bool restored = false,
                   double confidence = -1, const QVector<CaptionWord>& words = {});
    void setThumbnail(const QImage& image, int side);
    void setThumbnailSide(int side);
    void setSpeechAvailable(bool available, const QString& why);

    QPushButton* copyButton() const { return m_copy; }
    QPushButton* speakButton() const { return m_speak; }
    QPushButton* recaptionButton() const { return m_recaption; }
    QPushButton* removeButton() const { return m_remove; }
    QString statusText() const;

signals:
    void copyRequested(captioner::ui::CaptionCard* card);
    void speakRequested(captioner::ui::CaptionCard* card);
    void recaptionRequested(captioner::ui::CaptionCard* card);
    void removeRequested(captioner::ui::CaptionCard* card);
    // Keyboard navigation: -1 / +1 neighbour, INT_MIN first, INT_MAX last.
    void navigateRequested(captioner::ui::CaptionCard* card, int step);

protected:
    bool event(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;
    void paintEvent(QPaintEvent* event) override;

private:
    bool handleKey(QKeyEvent* event);
    void updateTexts();
    QString markedCaptionHtml() const;
    // A caption as rich text: uncertain words underlined, changed[i] words highlighted, word
    // `selected` bold, words with a heatmap as links when `links`.
    QString markedHtml(const QString& caption, const QVector<CaptionWord>& words, const QVector<bool>& changed,
                       int selected, bool links) const;
    // The comparison's part of the card: the diff, the second caption and confidence; returns what the
    // accessible description gains ("" without a comparison).
    QString updateComparison();
    QVector<CaptionWord> diffWordsA() const; // m_words, or the caption's words when they are unknown
    void updateThumbnail();

    qint64 m_id;
    QString m_path;
    State m_state = State::Added;
    QString m_caption;
    QString m_error;
    double m_seconds = 0;
    bool m_restored = false;
    double m_confidence = -1;
    QVector<CaptionWord> m_words;
    int m_selected = -1;
    bool m_speechAvailable = false;
    QString m_speechWhy;
    QImage m_image;
    int m_side = 128;
    QLabel* m_thumb;
    QLabel* m_name;
    QLabel* m_text;
    QLabel* m_meta;
    QLabel* m_confidenceLabel;
    QLabel* m_compareText;
    QLabel* m_compareConfidence;
    Comparison m_comparison;
    QVector<bool> m_changedA, m_changedB; // parallel to diffWordsA() and m_comparison.words
    QPushButton* m_copy;
    QPushButton* m_speak;
    QPushButton* m_recaption;
    QPushButton* m_remove;
};

} // namespace captioner::ui
