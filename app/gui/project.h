#pragma once
// Project: what a user sets up in the studio — which dataset, the architecture, and every
// setting of both forms (split, preprocessing, augmentation, optimizer, schedule …). It is the
// unit of undo (every edit swaps one Project for another) and of File ▸ Save Project (JSON).

#include <QString>
#include <QVariantMap>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/nn/model_spec.h"

namespace studio::app {

/// A frozen pretrained network the model starts from (transfer learning); path "" = none.
struct ProjectBackbone {
    QString path;          // the .onnx file
    QString featureLayer;  // "" = the layer the studio suggests
    QString mean;          // the network's input normalization, "0.485,0.456,0.406"; "" = none
    QString stddev;
    bool isSet() const { return !path.isEmpty(); }
    bool operator==(const ProjectBackbone&) const = default;
};

struct Project {
    QString dataset = QStringLiteral("shapes");  // a built-in name or a path
    QString preset = QStringLiteral("lenet");    // the preset the layers came from ("" once edited)
    nlohmann::json spec;                         // ModelSpec::toJson() (input/classes may be empty)
    QVariantMap settings;                        // keys of trainingFields() and dataFields()
    ProjectBackbone backbone;                    // none unless chosen in the Model dock
    nlohmann::json lesson;                       // a guided lesson's title and steps (null: none)

    bool operator==(const Project& other) const;
    bool operator!=(const Project& other) const { return !(*this == other); }

    /// Dataset loading depends on these (a change means loading again).
    bool sameDataSource(const Project& other) const;

    nlohmann::json toJson() const;
    /// Missing keys keep the defaults; unknown settings are dropped; errors name `source`.
    static Result<Project> fromJson(const nlohmann::json& j, const std::string& source);
    /// Atomic write (temp file + rename through QSaveFile). Errors name the path and the fix.
    Status save(const QString& path) const;
    static Result<Project> load(const QString& path);
};

/// The default project: `shapes`, the lenet preset, default settings with lenet's tuned options.
Project defaultProject();

}  // namespace studio::app
