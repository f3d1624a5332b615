#pragma once
// MainWindow: the studio window. Docks for data, architecture, hyperparameters; charts centre.
#include <QMainWindow>

namespace studio::app {

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
};

}  // namespace studio::app
