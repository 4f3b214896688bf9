#include "captioner_ui/train_page.h"

#include "empty_state.h"

#include <QDir>
#include <QPushButton>
#include <QVBoxLayout>

namespace captioner::ui {

TrainPage::TrainPage(QWidget* parent) : QWidget(parent), m_empty(new EmptyState(this)) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_empty);
    m_empty->setTitle(tr("Fine-tune a captioning model"));
    QPushButton* dataset = m_empty->addButton(tr("Open &Dataset…"), tr("Choose the folder of images to train on"));
    QPushButton* model = m_empty->addButton(tr("Open &Model…"), tr("Choose the GIT model folder to start from"));
    connect(dataset, &QPushButton::clicked, this, &TrainPage::openDatasetRequested);
    connect(model, &QPushButton::clicked, this, &TrainPage::openModelRequested);
    updateState();
}

void TrainPage::setDatasetFolder(const QString& folder) {
    m_dataset = folder;
    updateState();
}

void TrainPage::setModelFolder(const QString& folder) {
    m_model = folder;
    updateState();
}

QString TrainPage::statusText() const { return m_empty->text(); }

void TrainPage::updateState() {
    const QString none = tr("not chosen");
    const QString dataset = m_dataset.isEmpty() ? none : QDir::toNativeSeparators(m_dataset);
    const QString model = m_model.isEmpty() ? none : QDir::toNativeSeparators(m_model);
    QString next;
    if (m_dataset.isEmpty() && m_model.isEmpty())
        next = tr("Open a dataset (Ctrl+O) and a model (Ctrl+Shift+O) to fine-tune.");
    else if (m_dataset.isEmpty())
        next = tr("Open a dataset (Ctrl+O) to fine-tune this model on.");
    else if (m_model.isEmpty())
        next = tr("Open a model (Ctrl+Shift+O) to fine-tune on this dataset.");
    else
        next = tr("Dataset and model are chosen. Fine-tuning from the desktop app is not part of this version.");
    m_empty->setText(tr("Dataset: %1\nModel: %2\n\n%3").arg(dataset, model, next));
}

} // namespace captioner::ui
