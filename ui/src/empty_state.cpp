#include "empty_state.h"
#include "captioner_ui/translations.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace captioner::ui {

EmptyState::EmptyState(QWidget* parent)
    : QWidget(parent), m_icon(new QLabel(this)), m_title(new QLabel(this)), m_text(new QLabel(this)),
      m_buttons(new QHBoxLayout) {
    m_icon->setPixmap(QIcon(QStringLiteral(":/icons/captioner-128.png")).pixmap(96, 96));
    m_icon->setAlignment(Qt::AlignCenter);
    updateTitleFont();
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setWordWrap(true);

    m_buttons->addStretch();
    m_buttons->addStretch();

    // A column of bounded width keeps lines readable on wide windows; the labels fill the column
    // so that word wrap gets the full width (an aligned label in a layout gets its minimum width).
    auto* column = new QWidget(this);
    column->setMaximumWidth(600);
    auto* columnLayout = new QVBoxLayout(column);
    columnLayout->addWidget(m_icon);
    columnLayout->addSpacing(12);
    columnLayout->addWidget(m_title);
    columnLayout->addWidget(m_text);
    columnLayout->addSpacing(16);
    columnLayout->addLayout(m_buttons);

    auto* row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 4);
    row->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addLayout(row);
    layout->addStretch(3);
}

void EmptyState::updateTitleFont() {
    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.4);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
}

void EmptyState::changeEvent(QEvent* event) {
    if (event->type() == QEvent::FontChange) updateTitleFont();
    QWidget::changeEvent(event);
}

void EmptyState::setTitle(const QString& title) { m_title->setText(title); }
void EmptyState::setText(const QString& text) { m_text->setText(text); }
QString EmptyState::title() const { return m_title->text(); }
QString EmptyState::text() const { return m_text->text(); }

QPushButton* EmptyState::addButton(const QString& text, const QString& description) {
    auto* button = new QPushButton(text, this);
    button->setAccessibleName(withoutMnemonic(text));
    button->setAccessibleDescription(description);
    button->setToolTip(description);
    m_buttons->insertWidget(m_buttons->count() - 1, button);
    return button;
}

} // namespace captioner::ui
