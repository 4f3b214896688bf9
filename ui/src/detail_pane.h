#pragma once
// DetailPane shows the selected image large (decoded off the UI thread), its file facts (size on
// disk, dimensions, format, split), every caption, and an editor for one caption. Each change in
// the editor goes onto the page's QUndoStack as it is typed (merged per editing session), so Edit ›
// Undo and the editor agree; the caption hint compares the length with the ~125-character alt-text
// guidance. A caption that came from a model shows the model's confidence in it and its uncertain words.
#include <QFutureWatcher>
#include <QImage>
#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QUndoStack;

namespace captioner::ui {

class DatasetModel;

struct ImageFacts {
    int row = -1;
    QImage image;
    QString facts;
    QString error;
};

class DetailPane : public QWidget {
    Q_OBJECT
public:
    DetailPane(DatasetModel* model, QUndoStack* undo, QWidget* parent = nullptr);

    // Source row of the model (-1: nothing selected).
    void setCurrentRow(int row);
    int currentRow() const { return m_row; }
    int captionIndex() const { return m_captionIndex; }
    QPlainTextEdit* editor() const { return m_editor; }
    // Starts a new undo group: the next keystroke will not merge with earlier ones.
    void endEditSession() { ++m_session; }
    // Replaces the edited caption with `text` as one undoable step.
    void replaceCaption(const QString& text);
    // True once the large image of the current row has been shown (or failed).
    bool isImageShown() const { return !m_watcher.isRunning() && m_shownRow == m_row; }
    QString factsText() const;
    QString lengthHint() const;
    // "Model confidence N%…" for a caption that came from a model ("" otherwise).
    QString confidenceText() const;

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void refresh();
    void refreshCaptions();
    void onEditorChanged();
    void onImageLoaded();
    void showImage();
    void updateLengthHint();
    void updateConfidence();

    DatasetModel* m_model;
    QUndoStack* m_undo;
    int m_row = -1;
    int m_shownRow = -1;
    int m_captionIndex = 0;
    int m_session = 0;
    bool m_updatingEditor = false;
    QImage m_image;
    QFutureWatcher<ImageFacts> m_watcher;
    int m_pendingRow = -1;

    QLabel* m_title;
    QLabel* m_picture;
    QLabel* m_facts;
    QLabel* m_problem;
    QListWidget* m_captions;
    QPlainTextEdit* m_editor;
    QLabel* m_hint;
    QLabel* m_confidence;
};

} // namespace captioner::ui
