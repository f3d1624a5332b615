#pragma once
// Every conversion between engine values and the widgets' plain Qt values lives here
// (ARCHITECTURE.md: "conversions live in one file"), so controllers stay about behaviour.

#include <QImage>
#include <QList>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVariant>
#include <QVariantMap>
#include <QWidget>

#include <nlohmann/json.hpp>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/image_io.h"
#include "engine/data/preprocessing.h"
#include "engine/nn/model_spec.h"
#include "engine/train/train_config.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/layer_description.h"

namespace studio::app {

QString toQString(const std::string& s);
std::string toStdString(const QString& s);
/// "message hint" as one line, the way the status line and the log show an engine error.
QString errorText(const Error& error);
/// 0.9683 → "96.8%"; NaN (no validation split) → "n/a".
QString percentText(double fraction);

QVariant toVariant(const nlohmann::json& j);
nlohmann::json toJson(const QVariant& v);

/// The layer kinds of the engine's registry, for the ArchitectureEditor's add menu and options.
QList<widgets::LayerKindDescription> layerKindDescriptions();
/// A new layer of `kind` with every option at its default (required ones at their minimum).
LayerSpec defaultLayer(const QString& kind);
/// One row per layer of `spec`, with the shapes, counts and problems of `report`; the layers
/// after an invalid one have their shapes and counts marked unknown.
QList<widgets::LayerRow> layerRows(const ModelSpec& spec, const SpecReport& report);
/// The 1-based index of the first layer with a problem, 0 when every layer fits.
int firstInvalidLayer(const SpecReport& report);

/// The training settings form (optimizer, schedule, regularization, early stopping, run).
QList<widgets::FieldSpec> trainingFields();
/// The dataset panel's form (split, preprocessing, augmentation).
QList<widgets::FieldSpec> dataFields();
/// Every field's default value, keyed as above.
QVariantMap defaultSettings();
/// settings with the preset's tuned training options (preset_options.h) written over them, and
/// the options only other presets tune back at their defaults: the CLI's training of that preset.
QVariantMap withPresetSettings(QVariantMap settings, const QString& preset);
/// The preset's settings with a built-in teaching set's recommendations over them (spirals'
/// 100 epochs at 3e-3, engine/train/preset_options.h), as the CLI trains that preset on that set.
QVariantMap withRecommendedSettings(QVariantMap settings, const QString& preset, const QString& dataset);

/// TrainConfig from the settings of both forms (missing keys keep the engine's defaults).
/// Errors name the setting as the form labels it.
Result<TrainConfig> trainConfigFrom(const QVariantMap& settings);
/// The settings as schema options (keys canonical, studio-only settings dropped).
nlohmann::json optionsFrom(const QVariantMap& settings);
/// Which schema fields apply to the chosen optimizer, schedule and early stopping (from the
/// schema's `concerns`), for greying out the rest.
QMap<QString, bool> fieldsThatApply(const TrainConfig& config);
/// Renders `widget` as it is on screen into a PNG at `path`, atomically; the error names the file.
Status exportPng(QWidget* widget, const QString& path);
/// Preprocessing choice: "per-channel" (fitted on the training split) or "none".
bool normalizationEnabled(const QVariantMap& settings);

/// (step, lr) for every planned step; at most ~2000 points (evenly sampled).
QList<QPointF> schedulePoints(const TrainConfig& config, int stepsPerEpoch);

/// An 8-bit CHW sample (1 or 3 channels) as a QImage that owns its pixels.
QImage toQImage(const std::uint8_t* chw, int channels, int height, int width);
QImage toQImage(const DecodedImage& image);
/// Raw float CHW in [0,1] (augmentation previews) as a QImage.
QImage floatToQImage(const float* chw, int channels, int height, int width);
/// Sample i of a dataset as an image: pixels as they are; 2-D feature samples get a tiny plot.
QImage sampleImage(const Dataset& data, int index);
/// The same, feature samples first standardized by `display` (a table's cm or mg/l would all
/// land in a corner of the plot otherwise); images as they are.
QImage sampleImage(const Dataset& data, int index, const Preprocessing& display);

/// "1×28×28" → "1×28×28"; {10} → "10".
QString shapeText(const Shape& shape);

}  // namespace studio::app
