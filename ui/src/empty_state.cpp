#include "empty_state.h"

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
    m_text->setMaximumWidth(560);

    m_buttons->addStretch();
    m_buttons->addStretch();

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(2);
    layout->addWidget(m_icon);
    layout->addSpacing(12);
    layout->addWidget(m_title);
    layout->addWidget(m_text, 0, Qt::AlignHCenter);
    layout->addSpacing(16);
    layout->addLayout(m_buttons);
    layout->addStretch(3);
}

// The title is larger than the text; recompute it when View > Zoom changes the window font.
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
    button->setAccessibleName(QString(text).remove(QLatin1Char('&')));
    button->setAccessibleDescription(description);
    button->setToolTip(description);
    m_buttons->insertWidget(m_buttons->count() - 1, button);
    return button;
}

} // namespace captioner::ui
