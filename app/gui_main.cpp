#include "captioner_ui/main_window.h"

#include <QApplication>

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    captioner::ui::MainWindow w;
    w.show();
    return app.exec();
}
