// training-studio: the studio window.
//   training-studio [PROJECT.json] [--dataset NAME|PATH] [--model PRESET|SPEC.json] [--epochs N] [--start]
#include <QApplication>
#include <QFileInfo>
#include <QSettings>
#include <cstdio>
#include <cstdlib>

#include "app/gui/main_window.h"
#include "app/gui/startup_options.h"

int main(int argc, char** argv) {
    // A PostgreSQL store that went away is waited for 10 s here, not the workers' 2 minutes:
    // closing the window waits for the store's reader, and must not hang on a dead server.
    ::setenv("TRAINING_STUDIO_STORE_RETRY", "10", 0);  // 0: a value the user set wins
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Training Studio"));
    QApplication::setOrganizationName(QStringLiteral("Training Studio"));
    QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

    QString error, help;
    auto options = studio::app::parseStartupOptions(QApplication::arguments(), &error, &help);
    if (!options) {
        if (!help.isEmpty()) {
            std::fputs(qPrintable(help), stdout);
            return 0;
        }
        std::fprintf(stderr, "training-studio: %s\n", qPrintable(error));
        return 2;
    }
    // With nothing named on the command line, reopen the last project (if it still exists).
    if (options->project.isEmpty() && options->dataset.isEmpty() && options->model.isEmpty()) {
        const QString last = QSettings().value("lastProject").toString();
        if (!last.isEmpty() && QFileInfo::exists(last)) options->project = last;
    }

    studio::app::MainWindow window;
    window.show();
    window.applyStartup(*options);
    return QApplication::exec();
}
