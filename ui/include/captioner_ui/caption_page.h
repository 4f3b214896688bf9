#pragma once
// CaptionPage captions images with a chosen model. A model is a Hugging Face GIT checkpoint folder;
// on choosing one the page checks which of the expected files are there, so a wrong folder is
// reported at once instead of when captioning starts.
#include <QWidget>

class QLabel;
class QStackedLayout;
class QTreeWidget;

namespace captioner::ui {

class EmptyState;

class CaptionPage : public QWidget {
    Q_OBJECT
public:
    explicit CaptionPage(QWidget* parent = nullptr);

    void setModelFolder(const QString& folder);
    QString modelFolder() const { return m_folder; }
    bool isEmptyStateShown() const;
    // True when the model folder has every required file.
    bool isModelComplete() const { return m_complete; }

signals:
    void openModelRequested();

private:
    QString m_folder;
    bool m_complete = false;
    EmptyState* m_empty;
    QWidget* m_content;
    QStackedLayout* m_stack;
    QLabel* m_summary;
    QTreeWidget* m_files;
};

} // namespace captioner::ui
