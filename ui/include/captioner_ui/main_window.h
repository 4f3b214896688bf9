#pragma once
#include <QMainWindow>

namespace captioner::ui {

// The application's main window (placeholder until the foundation work lands).
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

} // namespace captioner::ui
