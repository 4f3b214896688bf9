#include "review_panel.h"

#include "captioner_ui/locale_format.h"
#include "captioner_ui/dataset_model.h"
#include "captioner_ui/translations.h"

#include "captioner/review_store.h"

#include <QAbstractItemView>
#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace captioner::ui {

namespace {
// Return in the reason box flags; the combo box would otherwise swallow it to insert an item.
class ReturnFilter : public QObject {
public:
    ReturnFilter(ReviewPanel* panel) : QObject(panel), m_panel(panel) {}
    bool eventFilter(QObject* watched, QEvent* event) override {
        if (event->type() == QEvent::KeyPress) {
            const auto* key = static_cast<QKeyEvent*>(event);
            if ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && key->modifiers() == Qt::NoModifier) {
                emit m_panel->flagConfirmed();
                return true;
            }
        }
        return QObject::eventFilter(watched, event);
    }

private:
    ReviewPanel* m_panel;
};
} // namespace

ReviewPanel::ReviewPanel(DatasetModel* model, QWidget* parent)
    : QWidget(parent), m_model(model), m_progressLabel(new QLabel(this)), m_progress(new QProgressBar(this)),
      m_status(new QLabel(this)), m_reason(new QComboBox(this)), m_rows(new QVBoxLayout) {
    setObjectName(QStringLiteral("reviewPanel"));
    m_progressLabel->setObjectName(QStringLiteral("reviewProgress"));
    m_progress->setObjectName(QStringLiteral("reviewProgressBar"));
    m_progress->setAccessibleName(tr("Review progress"));
    m_progress->setAccessibleDescription(tr("Images reviewed so far"));
    m_progress->setTextVisible(true);
    m_status->setObjectName(QStringLiteral("reviewStatus"));
    m_status->setWordWrap(true);

    m_reason->setObjectName(QStringLiteral("flagReason"));
    m_reason->setEditable(true);
    m_reason->setInsertPolicy(QComboBox::NoInsert);
    m_reason->addItems({tr("Caption does not match the image"), tr("Caption is too vague"), tr("Caption is too long"),
                        tr("Caption has spelling or grammar errors"), tr("Image is unusable")});
    m_reason->setAccessibleName(tr("Flag reason"));
    m_reason->setAccessibleDescription(
        tr("Why the image is flagged: pick a reason or type one, then press Enter to flag"));
    m_reason->lineEdit()->setAccessibleName(m_reason->accessibleName());
    m_reason->lineEdit()->setAccessibleDescription(m_reason->accessibleDescription());
    auto* returnFilter = new ReturnFilter(this);
    m_reason->installEventFilter(returnFilter); // the combo box holds the focus and forwards keys
    m_reason->lineEdit()->installEventFilter(returnFilter);
    m_reason->view()->setAccessibleName(tr("Flag reasons"));
    m_reason->view()->setAccessibleDescription(tr("Common reasons for flagging an image"));
    auto* reasonLabel = new QLabel(tr("Flag &reason:"), this);
    reasonLabel->setBuddy(m_reason);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    auto* title = new QLabel(tr("<b>Review</b>"), this);
    layout->addWidget(title);
    layout->addWidget(m_progressLabel);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    auto* reasonRow = new QHBoxLayout;
    reasonRow->addWidget(reasonLabel);
    reasonRow->addWidget(m_reason, 1);
    auto* flag = new QPushButton(tr("F&lag"), this);
    flag->setObjectName(QStringLiteral("flagButton"));
    flag->setAccessibleName(tr("Flag"));
    flag->setAccessibleDescription(tr("Flag the image with the reason beside and go to the next image"));
    connect(flag, &QPushButton::clicked, this, &ReviewPanel::flagConfirmed);
    reasonRow->addWidget(flag);
    layout->addLayout(reasonRow);
    layout->addLayout(m_rows);

    connect(m_model, &DatasetModel::reviewChanged, this, [this] {
        updateProgress();
        updateStatus();
    });
    connect(m_model, &DatasetModel::modelReset, this, [this] {
        m_row = -1;
        updateProgress();
        updateStatus();
    });
    updateProgress();
    updateStatus();
}

void ReviewPanel::addActionRow(const QList<QAction*>& actions) {
    auto* row = new QHBoxLayout;
    for (QAction* action : actions) {
        auto* button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        button->setFocusPolicy(Qt::StrongFocus);
        button->setAccessibleName(withoutMnemonic(action->text()).remove(QStringLiteral("…")));
        button->setAccessibleDescription(action->statusTip());
        row->addWidget(button);
    }
    m_rows->addLayout(row);
}

void ReviewPanel::setCurrentRow(int row) {
    m_row = row;
    updateStatus();
}

QString ReviewPanel::reason() const { return m_reason->currentText().trimmed(); }

void ReviewPanel::focusReason() {
    m_reason->setFocus(Qt::ShortcutFocusReason);
    m_reason->lineEdit()->selectAll();
}

QString ReviewPanel::progressText() const { return m_progressLabel->text(); }

void ReviewPanel::updateProgress() {
    const int total = m_model->rowCount();
    const int done = m_model->reviewedCount();
    m_progress->setRange(0, qMax(1, total));
    m_progress->setValue(done);
    m_progress->setFormat(total ? QStringLiteral("%p%") : QString());
    using S = captioner::ReviewStatus;
    m_progressLabel->setText(
        tr("%1 of %2 reviewed · %3 accepted · %4 edited · %5 flagged")
            .arg(formatCount(done), formatCount(total), formatCount(m_model->countWithStatus(S::Accepted)),
                 formatCount(m_model->countWithStatus(S::Edited)), formatCount(m_model->countWithStatus(S::Flagged))));
    m_progress->setAccessibleDescription(m_progressLabel->text());
}

void ReviewPanel::updateStatus() {
    if (m_row < 0) {
        m_status->setText(tr("No image selected."));
        return;
    }
    const captioner::ReviewEntry entry = m_model->reviewEntry(m_row);
    const QString name = m_model->data(m_model->index(m_row), DatasetModel::FileNameRole).toString();
    QString text;
    switch (entry.status) {
    case captioner::ReviewStatus::Unreviewed: text = tr("%1: not reviewed yet").arg(name); break;
    case captioner::ReviewStatus::Accepted: text = tr("%1: accepted").arg(name); break;
    case captioner::ReviewStatus::Edited: text = tr("%1: accepted after editing").arg(name); break;
    case captioner::ReviewStatus::Flagged:
        text = tr("%1: flagged — %2").arg(name, QString::fromStdString(entry.reason));
        break;
    }
    m_status->setText(text);
}

} // namespace captioner::ui
