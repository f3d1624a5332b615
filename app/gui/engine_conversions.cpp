#include "app/gui/engine_conversions.h"

#include <algorithm>
#include <cmath>

#include <QPainter>
#include <QSaveFile>

#include "engine/nn/layer_registry.h"
#include "engine/nn/model_spec.h"
#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"
#include "engine/train/option_schema.h"
#include "engine/train/preset_options.h"

namespace studio::app {

using widgets::FieldSpec;

QString toQString(const std::string& s) {
    return QString::fromStdString(s);
}
std::string toStdString(const QString& s) {
    return s.toStdString();
}
QString errorText(const Error& error) {
    return toQString(error.what());
}
QString percentText(double fraction) {
    return std::isfinite(fraction) ? QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%')
                                   : QStringLiteral("n/a");
}

QVariant toVariant(const nlohmann::json& j) {
    switch (j.type()) {
        case nlohmann::json::value_t::boolean:
            return j.get<bool>();
        case nlohmann::json::value_t::number_integer:
            return QVariant::fromValue<qlonglong>(j.get<std::int64_t>());
        case nlohmann::json::value_t::number_unsigned:
            return QVariant::fromValue<qlonglong>(j.get<std::int64_t>());
        case nlohmann::json::value_t::number_float:
            return j.get<double>();
        case nlohmann::json::value_t::string:
            return toQString(j.get<std::string>());
        case nlohmann::json::value_t::array: {
            QVariantList list;
            for (const auto& e : j) list.append(toVariant(e));
            return list;
        }
        case nlohmann::json::value_t::object: {
            QVariantMap map;
            for (auto it = j.begin(); it != j.end(); ++it) map.insert(toQString(it.key()), toVariant(it.value()));
            return map;
        }
        default:
            return {};
    }
}

nlohmann::json toJson(const QVariant& v) {
    switch (v.typeId()) {
        case QMetaType::Bool:
            return v.toBool();
        case QMetaType::Int:
        case QMetaType::LongLong:
        case QMetaType::UInt:
        case QMetaType::ULongLong:
            return v.toLongLong();
        case QMetaType::Double:
        case QMetaType::Float:
            return v.toDouble();
        case QMetaType::QString:
            return toStdString(v.toString());
        case QMetaType::QVariantList:
        case QMetaType::QStringList: {
            auto a = nlohmann::json::array();
            for (const QVariant& e : v.toList()) a.push_back(toJson(e));
            return a;
        }
        case QMetaType::QVariantMap: {
            auto o = nlohmann::json::object();
            const QVariantMap map = v.toMap();
            for (auto it = map.begin(); it != map.end(); ++it) o[toStdString(it.key())] = toJson(it.value());
            return o;
        }
        default:
            return nullptr;
    }
}

QList<widgets::LayerKindDescription> layerKindDescriptions() {
    QList<widgets::LayerKindDescription> kinds;
    for (const LayerKindInfo& k : layerKinds()) {
        widgets::LayerKindDescription d{toQString(k.kind), toQString(k.label), toQString(k.help), {}};
        for (const LayerOptionInfo& o : k.options) {
            widgets::OptionDescription od;
            od.key = toQString(o.key);
            od.type = static_cast<widgets::OptionDescription::Type>(static_cast<int>(o.type));
            od.defaultValue = toVariant(o.fallback);
            od.min = o.min;
            od.max = o.max;
            for (const auto& c : o.choices) od.choices.append(toQString(c));
            od.help = toQString(o.help);
            d.options.append(od);
        }
        kinds.append(d);
    }
    return kinds;
}

LayerSpec defaultLayer(const QString& kind) {
    LayerSpec layer{toStdString(kind), nlohmann::json::object()};
    if (const LayerKindInfo* info = findLayerKind(layer.type)) {
        for (const auto& o : info->options) {
            if (!o.fallback.is_null())
                layer.options[o.key] = o.fallback;
            else if (o.type == LayerOptionInfo::Type::Integer)
                layer.options[o.key] = static_cast<std::int64_t>(std::max(1.0, o.min));
            else if (o.type == LayerOptionInfo::Type::Number)
                layer.options[o.key] = o.min;
        }
    }
    return layer;
}

QString shapeText(const Shape& shape) {
    return toQString(shapeToString(shape));
}

QList<widgets::LayerRow> layerRows(const ModelSpec& spec, const SpecReport& report) {
    QList<widgets::LayerRow> rows;
    const int invalid = firstInvalidLayer(report);
    for (std::size_t i = 0; i < spec.layers.size(); ++i) {
        widgets::LayerRow row;
        row.kind = toQString(spec.layers[i].type);
        row.options = toVariant(spec.layers[i].options).toMap();
        if (i < report.layers.size()) {
            const LayerReport& r = report.layers[i];
            row.outputShape = r.output.empty() ? QStringLiteral("?") : shapeText(r.output);
            row.params = r.params;
            row.flops = r.flops;
            row.problem = toQString(r.problem);
        }
        // The analysis carries on past an invalid layer as if it were absent, to check the rest;
        // the shapes it finds that way are not this model's.
        if (invalid > 0 && int(i) + 1 > invalid)
            row.unknownBecause =
                QObject::tr(
                    "Unknown until layer %1 is fixed: this layer's input comes through layer %1, which is "
                    "invalid.")
                    .arg(invalid);
        // A layer that could not be built has no numbers of its own (not 0 parameters).
        else if (!row.problem.isEmpty() && report.layers[i].output.empty())
            row.unknownBecause = QObject::tr("Unknown until this layer is fixed: it cannot be built as it is.");
        rows.append(row);
    }
    return rows;
}

int firstInvalidLayer(const SpecReport& report) {
    for (const LayerReport& r : report.layers)
        if (!r.problem.empty()) return r.index;
    return 0;
}

namespace {

// Options that belong to the Data panel's form; the rest are training settings.
bool isDataOption(const OptionInfo& o) {
    return o.scope == OptionInfo::Scope::Data;
}

FieldSpec fieldFor(const OptionInfo& o) {
    FieldSpec f;
    f.key = toQString(o.key);
    f.label = QObject::tr(o.label.c_str());
    f.group = QObject::tr(o.group.c_str());
    f.tooltip = QObject::tr(o.help.c_str());
    f.type = o.type == OptionInfo::Type::Integer  ? FieldSpec::Integer
             : o.type == OptionInfo::Type::Number ? FieldSpec::Number
             : o.type == OptionInfo::Type::Choice ? FieldSpec::Choice
             : o.type == OptionInfo::Type::Path   ? FieldSpec::Path
             : o.type == OptionInfo::Type::Text   ? FieldSpec::Text
                                                  : FieldSpec::Boolean;
    f.fileFilter = QObject::tr(o.fileFilter.c_str());
    f.min = o.min;
    f.max = o.type == OptionInfo::Type::Integer ? std::min(o.max, 2147483647.0) : o.max;
    f.step = o.step;
    f.decimals = o.decimals;
    f.logScale = o.logScale;
    // "The model's own" dropout rate shows as the common 0.5 until a model says otherwise.
    f.defaultValue = o.fallback.is_null() ? QVariant(0.5) : toVariant(o.fallback);
    for (const auto& c : o.choices) f.choices.append(toQString(c));
    return f;
}

}  // namespace

QList<FieldSpec> trainingFields() {
    QList<FieldSpec> fields;
    for (const OptionInfo& o : optionSchema())
        if (!isDataOption(o)) fields.append(fieldFor(o));
    // A setting of the studio's correction loop, not of a run: it has no CLI flag.
    FieldSpec fineTune;
    fineTune.key = "fine_tune_epochs";
    fineTune.label = QObject::tr("Fine-tune epochs");
    fineTune.group = fields.front().group;
    fineTune.type = FieldSpec::Integer;
    fineTune.min = 1;
    fineTune.max = 1000;
    fineTune.step = 1;
    fineTune.defaultValue = 2;
    fineTune.tooltip = QObject::tr("Epochs of extra training from the current weights after you correct a prediction.");
    fields.insert(4, fineTune);
    return fields;
}

QList<FieldSpec> dataFields() {
    QList<FieldSpec> fields;
    for (const OptionInfo& o : optionSchema())
        if (isDataOption(o)) fields.append(fieldFor(o));
    return fields;
}

QVariantMap defaultSettings() {
    QVariantMap m;
    for (const auto& f : trainingFields()) m.insert(f.key, f.defaultValue);
    for (const auto& f : dataFields()) m.insert(f.key, f.defaultValue);
    return m;
}

QVariantMap withPresetSettings(QVariantMap settings, const QString& preset) {
    // What another preset tuned goes back to the default first (lenet's batch 32 must not stay
    // when mlp is chosen), so the form trains a preset exactly as the CLI does.
    const nlohmann::json defaults = defaultOptions();
    for (const auto& name : presetNames()) {
        const nlohmann::json other = presetTrainingOptions(name);
        for (auto it = other.begin(); it != other.end(); ++it)
            settings.insert(toQString(it.key()), toVariant(defaults.at(it.key())));
    }
    const nlohmann::json tuned = presetTrainingOptions(toStdString(preset));
    for (auto it = tuned.begin(); it != tuned.end(); ++it) settings.insert(toQString(it.key()), toVariant(it.value()));
    return settings;
}

QVariantMap withRecommendedSettings(QVariantMap settings, const QString& preset, const QString& dataset) {
    settings = withPresetSettings(std::move(settings), preset);
    const nlohmann::json tuned = datasetTrainingOptions(toStdString(dataset));
    for (auto it = tuned.begin(); it != tuned.end(); ++it) settings.insert(toQString(it.key()), toVariant(it.value()));
    return settings;
}

nlohmann::json optionsFrom(const QVariantMap& settings) {
    nlohmann::json options = nlohmann::json::object();
    for (auto it = settings.begin(); it != settings.end(); ++it)
        if (const OptionInfo* o = findOption(toStdString(it.key()))) {
            nlohmann::json v = toJson(it.value());
            if (o->type == OptionInfo::Type::Number && v.is_number()) v = v.get<double>();
            options[o->key] = v;
        }
    return options;
}

Result<TrainConfig> trainConfigFrom(const QVariantMap& settings) {
    return trainConfigFromOptions(optionsFrom(settings));
}

QMap<QString, bool> fieldsThatApply(const TrainConfig& config) {
    QMap<QString, bool> applies;
    const auto optimizers = OptimizerConfig::kinds();
    const auto schedules = LrSchedule::kinds();
    for (const OptionInfo& o : optionSchema()) {
        bool on = true;
        for (const auto& c : o.concerns) {
            const bool isOptimizer = std::find(optimizers.begin(), optimizers.end(), c) != optimizers.end();
            const bool isSchedule = std::find(schedules.begin(), schedules.end(), c) != schedules.end();
            if (isOptimizer)
                on = std::find(o.concerns.begin(), o.concerns.end(), config.optimizer.kind) != o.concerns.end();
            if (isSchedule)
                on = std::find(o.concerns.begin(), o.concerns.end(), config.schedule.kind) != o.concerns.end();
        }
        applies.insert(toQString(o.key), on);
    }
    applies["early_metric"] = applies["min_delta"] = config.earlyStopping.patience > 0;
    applies["distill_temperature"] = applies["distill_alpha"] = !config.distillation.teacher.empty();
    return applies;
}

Status exportPng(QWidget* widget, const QString& path) {
    QSaveFile out(path);
    if (!widget || !out.open(QIODevice::WriteOnly) || !widget->grab().save(&out, "PNG") || !out.commit())
        return Error::io("Could not write '" + toStdString(path) + "': " + toStdString(out.errorString()) + ".",
                         "Choose a folder you can write to.");
    return Status::success();
}

bool normalizationEnabled(const QVariantMap& settings) {
    return settings.value("normalization", "per-channel").toString() != QLatin1String("none");
}

QList<QPointF> schedulePoints(const TrainConfig& config, int stepsPerEpoch) {
    stepsPerEpoch = std::max(1, stepsPerEpoch);
    const std::int64_t total = std::int64_t(stepsPerEpoch) * std::max(1, config.epochs);
    const std::int64_t stride = std::max<std::int64_t>(1, total / 2000);
    QList<QPointF> points;
    for (std::int64_t s = 0; s < total; s += stride)
        points.append({double(s + 1), double(config.schedule.at(s, stepsPerEpoch, config.epochs))});
    if (points.isEmpty() || points.last().x() != double(total))
        points.append({double(total), double(config.schedule.at(total - 1, stepsPerEpoch, config.epochs))});
    return points;
}

QImage toQImage(const std::uint8_t* chw, int channels, int height, int width) {
    if (channels == 1) {
        QImage img(width, height, QImage::Format_Grayscale8);
        for (int y = 0; y < height; ++y) std::copy_n(chw + std::size_t(y) * width, width, img.scanLine(y));
        return img;
    }
    QImage img(width, height, QImage::Format_RGB888);
    const std::size_t plane = std::size_t(height) * width;
    for (int y = 0; y < height; ++y) {
        uchar* line = img.scanLine(y);
        for (int x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                line[3 * x + c] = chw[std::size_t(std::min(c, channels - 1)) * plane + std::size_t(y) * width + x];
    }
    return img;
}

QImage toQImage(const DecodedImage& image) {
    if (image.chw.empty()) return {};
    return toQImage(image.chw.data(), image.channels, image.height, image.width);
}

QImage floatToQImage(const float* chw, int channels, int height, int width) {
    std::vector<std::uint8_t> bytes(std::size_t(channels) * height * width);
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<std::uint8_t>(std::lround(std::clamp(chw[i], 0.0f, 1.0f) * 255.0f));
    return toQImage(bytes.data(), channels, height, width);
}

namespace {

// A feature vector: its first two features as a dot in the square [-1.5, 1.5]² around the origin.
QImage featureDot(const Dataset& data, int index, const float* f) {
    const Shape& s = data.sampleShape();
    QImage img(48, 48, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QColor(200, 200, 200));
    p.drawLine(24, 0, 24, 48);
    p.drawLine(0, 24, 48, 24);
    const double x = s.empty() || s[0] < 1 ? 0.0 : f[0];
    const double y = s.empty() || s[0] < 2 ? 0.0 : f[1];
    const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40)};
    p.setBrush(colors[data.label(index) % 4]);
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPointF(24 + std::clamp(x, -1.5, 1.5) * 14, 24 - std::clamp(y, -1.5, 1.5) * 14), 4, 4);
    return img;
}

}  // namespace

QImage sampleImage(const Dataset& data, int index) {
    const Shape& s = data.sampleShape();
    if (data.storage() == Dataset::Storage::Pixels8 && s.size() == 3)
        return toQImage(data.pixels(index), s[0], s[1], s[2]);
    return featureDot(data, index, data.featureRow(index));
}

QImage sampleImage(const Dataset& data, int index, const Preprocessing& display) {
    if (data.storage() == Dataset::Storage::Pixels8 || display.isImage || display.inputShape != data.sampleShape())
        return sampleImage(data, index);
    std::vector<float> f(data.featureRow(index), data.featureRow(index) + data.sampleSize());
    display.normalize(f.data());
    for (float& v : f) v *= 0.6f;  // ±2.5 standard deviations fill the plot
    return featureDot(data, index, f.data());
}

}  // namespace studio::app
