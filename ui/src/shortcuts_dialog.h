#pragma once
// ShortcutsDialog lists every menu command with its keyboard shortcut. It reads the menus
// themselves, so the list can never drift from what the keys really do.
#include <QDialog>

class QMenuBar;
class QTableWidget;

namespace captioner::ui {

class ShortcutsDialog : public QDialog {
    Q_OBJECT
public:
    ShortcutsDialog(const QMenuBar* menus, QWidget* parent = nullptr);
    int rowCount() const;

private:
    QTableWidget* m_table;
};

} // namespace captioner::ui
