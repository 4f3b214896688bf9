#include "captioner_ui/main_window.h"

namespace captioner::ui {
MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) { setWindowTitle(tr("Captioner")); }
} // namespace captioner::ui
