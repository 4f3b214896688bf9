#pragma once
// TrainPage is where fine-tuning is set up and followed. It needs a dataset and a model; until both
// are chosen it shows which one is still missing and offers to open it.
#include <QWidget>

namespace captioner::ui {

class EmptyState;

class TrainPage : public QWidget {
    Q_OBJECT
public:
    explicit TrainPage(QWidget* parent = nullptr);

    void setDatasetFolder(const QString& folder);
    void setModelFolder(const QString& folder);
    QString statusText() const;

signals:
    void openDatasetRequested();
    void openModelRequested();

private:
    void updateState();

    QString m_dataset;
    QString m_model;
    EmptyState* m_empty;
};

} // namespace captioner::ui
