#include <QApplication>

#include "app/gui/main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Training Studio"));
    QApplication::setOrganizationName(QStringLiteral("Training Studio"));
    studio::app::MainWindow window;
    window.show();
    return QApplication::exec();
}
