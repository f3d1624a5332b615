#pragma once
// The studio's command line, for demos and scripts:
//   training-studio [PROJECT.json] [--dataset NAME|PATH] [--model PRESET|SPEC.json] [--epochs N] [--start]
//                   [--camera INDEX|VIDEO]

#include <QString>
#include <QStringList>
#include <optional>

namespace studio::app {

struct StartupOptions {
    QString project;  // a project file to open first
    QString dataset;  // overrides the project's dataset
    QString model;    // a preset name or a spec file
    std::optional<int> epochs;
    bool start = false;  // start training as soon as the data is loaded
    QString camera;      // Try it ▸ Camera's source: "" (camera 0), a camera number or a video file
};

/// Parses the arguments (argv[0] included). On a mistake returns nullopt and sets `error` to a
/// one-line message naming the option; `--help` sets `help` to the usage text.
std::optional<StartupOptions> parseStartupOptions(const QStringList& arguments, QString* error, QString* help);

}  // namespace studio::app
