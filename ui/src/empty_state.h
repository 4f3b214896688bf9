#pragma once
// EmptyState is what a page shows before it has anything to work on: a short title, one or two
// sentences on what to do next, and buttons for those next steps. Pages keep it in a stacked layout
// and swap it for their content once there is some.
#include <QWidget>

class QLabel;
class QPushButton;
class QHBoxLayout;

namespace captioner::ui {

class EmptyState : public QWidget {
    Q_OBJECT
public:
    explicit EmptyState(QWidget* parent = nullptr);

    void setTitle(const QString& title);
    void setText(const QString& text);
    QString title() const;
    QString text() const;
    // Adds a button; the description becomes its accessible description and tooltip.
    QPushButton* addButton(const QString& text, const QString& description);

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateTitleFont();

    QLabel* m_icon;
    QLabel* m_title;
    QLabel* m_text;
    QHBoxLayout* m_buttons;
};

} // namespace captioner::ui
