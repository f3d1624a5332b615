#include "app/gui/main_window.h"

#include <QLabel>

namespace studio::app {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle(tr("Training Studio"));
    auto* label = new QLabel(tr("Training Studio"), this);
    label->setAlignment(Qt::AlignCenter);
    setCentralWidget(label);
    resize(1280, 800);
}

}  // namespace studio::app
