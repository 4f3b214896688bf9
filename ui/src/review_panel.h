#pragma once
// ReviewPanel is review mode's control strip: progress of the review, the verdict of the current
// image, the reason for flagging, and buttons bound to the page's review actions (each with a
// shortcut, so a tester can accept, flag, edit and move on without the mouse). The verdicts
// themselves are recorded by DatasetModel, which writes review.jsonl at once.
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QProgressBar;
class QVBoxLayout;

namespace captioner::ui {

class DatasetModel;

class ReviewPanel : public QWidget {
    Q_OBJECT
public:
    ReviewPanel(DatasetModel* model, QWidget* parent = nullptr);

    // Adds a button for each action, in order, on one row.
    void addActionRow(const QList<QAction*>& actions);
    void setCurrentRow(int row);
    QString reason() const;
    QComboBox* reasonBox() const { return m_reason; }
    void focusReason();
    QString progressText() const;

signals:
    // Return was pressed in the reason box: flag with that reason.
    void flagConfirmed();

private:
    void updateProgress();
    void updateStatus();

    DatasetModel* m_model;
    int m_row = -1;
    QLabel* m_progressLabel;
    QProgressBar* m_progress;
    QLabel* m_status;
    QComboBox* m_reason;
    QVBoxLayout* m_rows;
};

} // namespace captioner::ui
