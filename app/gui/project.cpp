#include "app/gui/project.h"

#include "engine/train/option_schema.h"

#include <QFile>
#include <QFileInfo>

#include "app/gui/engine_conversions.h"
#include "engine/io/atomic_file.h"
#include "engine/io/json_limits.h"

namespace studio::app {

namespace {
constexpr int kProjectVersion = 1;
constexpr qint64 kMaxProjectBytes = 16 << 20;

const char* kDataSourceKeys[] = {"samples", "noise", "image_size", "channels", "seed", "label_column", "csv_header"};
}  // namespace

bool Project::operator==(const Project& other) const {
    return dataset == other.dataset && preset == other.preset && spec == other.spec && settings == other.settings &&
           backbone == other.backbone && lesson == other.lesson;
}

bool Project::sameDataSource(const Project& other) const {
    if (dataset != other.dataset) return false;
    for (const char* key : kDataSourceKeys)
        if (settings.value(key) != other.settings.value(key)) return false;
    return true;
}

nlohmann::json Project::toJson() const {
    nlohmann::json j;
    j["format"] = "training-studio-project";
    j["version"] = kProjectVersion;
    j["dataset"] = toStdString(dataset);
    j["preset"] = toStdString(preset);
    if (!spec.is_null()) j["spec"] = spec;  // a preset's project has none
    j["settings"] = app::toJson(settings);
    if (backbone.isSet())
        j["backbone"] = {{"path", toStdString(backbone.path)},
                         {"feature_layer", toStdString(backbone.featureLayer)},
                         {"mean", toStdString(backbone.mean)},
                         {"std", toStdString(backbone.stddev)}};
    if (lesson.is_object()) j["lesson"] = lesson;  // kept as written, so a teacher's edits survive
    return j;
}

Result<Project> Project::fromJson(const nlohmann::json& j, const std::string& source) {
    // json::value throws when the key holds another type ("version": "2"): check types first.
    if (!j.is_object() || !j.contains("format") || j["format"] != "training-studio-project")
        return Error::invalid("'" + source + "' is not a Training Studio project.",
                              "Open a .json file saved with File ▸ Save Project.");
    if (j.contains("version") && !j["version"].is_number())
        return Error::invalid("'" + source + "': 'version' must be a number, not " + j["version"].dump(-1).substr(0, 40) + ".",
                              "Open a .json file saved with File ▸ Save Project.");
    if (j.contains("version") && j["version"] > kProjectVersion)
        return Error::unsupported("'" + source + "' was saved by a newer Training Studio.",
                                  "Update Training Studio to open it.");
    Project p = defaultProject();
    if (j.contains("dataset") && j["dataset"].is_string()) p.dataset = toQString(j["dataset"].get<std::string>());
    if (j.contains("preset") && j["preset"].is_string()) p.preset = toQString(j["preset"].get<std::string>());
    if (j.contains("spec") && !j["spec"].is_null()) {  // null: written so before this was fixed
        auto spec = ModelSpec::fromJson(j["spec"], source + " (spec)");
        if (!spec) return spec.error();
        p.spec = spec->toJson();
    }
    if (j.contains("backbone") && j["backbone"].is_object()) {
        const nlohmann::json& b = j["backbone"];
        auto text = [&](const char* key) {
            return b.contains(key) && b[key].is_string() ? toQString(b[key].get<std::string>()) : QString();
        };
        p.backbone = {text("path"), text("feature_layer"), text("mean"), text("std")};
    }
    if (j.contains("lesson") && j["lesson"].is_object()) p.lesson = j["lesson"];
    if (j.contains("settings") && j["settings"].is_object()) {
        const QVariantMap stored = toVariant(j["settings"]).toMap();
        for (auto it = stored.begin(); it != stored.end(); ++it) {
            // Projects written before the option schema used other names (learning_rate, …).
            const OptionInfo* option = findOption(toStdString(it.key()));
            const QString key = option ? toQString(option->key) : it.key();
            if (p.settings.contains(key)) p.settings[key] = it.value();
        }
        // Before the option schema, "gamma" was also the exponential schedule's decay. Only such
        // files lack "decay_per_epoch": every save writes both, and taking "gamma" then turned
        // a saved 0.95 into the step factor's 0.1 on every reopen.
        if (stored.contains("gamma") && !stored.contains("decay_per_epoch") &&
            stored.value("schedule").toString() == QLatin1String("exponential"))
            p.settings["decay_per_epoch"] = stored.value("gamma");
        auto config = trainConfigFrom(p.settings);
        if (!config) return Error::invalid("'" + source + "': " + config.error().message(), config.error().hint());
    }
    return p;
}

Status Project::save(const QString& path) const {
    // The engine's atomic write, not QSaveFile: a save killed between Qt's link and rename left a
    // named temporary behind for good; this one removes dead saves' leftovers before it writes.
    const std::string text = toJson().dump(2) + "\n";
    return writeFileAtomically(toStdString(path), std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                               "the project");
}

Result<Project> Project::load(const QString& path) {
    QFile file(path);
    const std::string name = toStdString(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::notFound("Could not open the project '" + name + "': " + toStdString(file.errorString()) + ".",
                               "Check that the file exists and is readable.");
    if (file.size() > kMaxProjectBytes)
        return Error::invalid("The project '" + name + "' is larger than 16 MiB.", "Is this really a project file?");
    const QByteArray bytes = file.readAll();
    auto j = parseJsonLimited(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())),
                              "The project '" + name + "'", "Open a file saved with File ▸ Save Project.");
    if (!j) return j.error();
    return fromJson(*j, name);
}

Project defaultProject() {
    Project p;
    p.settings = withPresetSettings(defaultSettings(), p.preset);
    return p;
}

}  // namespace studio::app
