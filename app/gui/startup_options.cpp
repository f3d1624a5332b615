#include "app/gui/startup_options.h"

#include <QCommandLineParser>

namespace studio::app {

std::optional<StartupOptions> parseStartupOptions(const QStringList& arguments, QString* error, QString* help) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QObject::tr("Training Studio: train neural networks, watch them learn, try them."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption dataset(
        "dataset", QObject::tr("A built-in set (shapes, spirals, …, fashion-mnist) or a path."), "NAME|PATH");
    const QCommandLineOption model("model", QObject::tr("A preset (mlp, lenet, cnn, cnn-bn) or a JSON model spec."),
                                   "PRESET|SPEC.json");
    const QCommandLineOption epochs("epochs", QObject::tr("Epochs to train."), "N");
    const QCommandLineOption start("start", QObject::tr("Start training as soon as the data is loaded."));
    const QCommandLineOption camera(
        "camera", QObject::tr("What Try it ▸ Camera plays: a camera number (0 = the first) or a video file, looped."),
        "INDEX|VIDEO");
    parser.addOptions({dataset, model, epochs, start, camera});
    parser.addPositionalArgument("project", QObject::tr("A project file to open (JSON)."), "[PROJECT.json]");
    if (!parser.parse(arguments)) {
        if (error) *error = parser.errorText();
        return std::nullopt;
    }
    if (parser.isSet(helpOption)) {
        if (help) *help = parser.helpText();
        return std::nullopt;
    }
    StartupOptions o;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1) {
        if (error) *error = QObject::tr("Only one project file can be opened; got %1.").arg(positional.join(", "));
        return std::nullopt;
    }
    if (!positional.isEmpty()) o.project = positional.first();
    o.dataset = parser.value(dataset);
    o.model = parser.value(model);
    if (parser.isSet(epochs)) {
        bool ok = false;
        const int n = parser.value(epochs).toInt(&ok);
        if (!ok || n < 1 || n > 10000) {
            if (error)
                *error =
                    QObject::tr("--epochs takes a whole number from 1 to 10000, not '%1'.").arg(parser.value(epochs));
            return std::nullopt;
        }
        o.epochs = n;
    }
    o.start = parser.isSet(start);
    o.camera = parser.value(camera);
    return o;
}

}  // namespace studio::app
