#include "app/gui/engine_conversions.h"

#include <algorithm>
#include <cmath>

#include <QPainter>

#include "engine/nn/layer_registry.h"
#include "engine/optim/lr_schedule.h"
#include "engine/optim/optimizer.h"

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
        rows.append(row);
    }
    return rows;
}

namespace {

FieldSpec field(QString key, QString label, QString group, FieldSpec::Type type, QVariant def, QString tip) {
    FieldSpec f;
    f.key = std::move(key);
    f.label = std::move(label);
    f.group = std::move(group);
    f.type = type;
    f.defaultValue = std::move(def);
    f.tooltip = std::move(tip);
    return f;
}

FieldSpec integer(QString key, QString label, QString group, int min, int max, int def, QString tip, int step = 1) {
    FieldSpec f = field(std::move(key), std::move(label), std::move(group), FieldSpec::Integer, def, std::move(tip));
    f.min = min;
    f.max = max;
    f.step = step;
    return f;
}

FieldSpec number(QString key, QString label, QString group, double min, double max, double def, QString tip,
                 double step = 0.05, int decimals = 3, bool log = false) {
    FieldSpec f = field(std::move(key), std::move(label), std::move(group), FieldSpec::Number, def, std::move(tip));
    f.min = min;
    f.max = max;
    f.step = step;
    f.decimals = decimals;
    f.logScale = log;
    return f;
}

FieldSpec choice(QString key, QString label, QString group, QStringList choices, QString def, QString tip) {
    FieldSpec f = field(std::move(key), std::move(label), std::move(group), FieldSpec::Choice, def, std::move(tip));
    f.choices = std::move(choices);
    return f;
}

FieldSpec boolean(QString key, QString label, QString group, bool def, QString tip) {
    return field(std::move(key), std::move(label), std::move(group), FieldSpec::Boolean, def, std::move(tip));
}

QStringList qStrings(const std::vector<std::string>& v) {
    QStringList out;
    for (const auto& s : v) out.append(toQString(s));
    return out;
}

}  // namespace

QList<FieldSpec> trainingFields() {
    const QString run = QObject::tr("Run"), opt = QObject::tr("Optimizer"),
                  sched = QObject::tr("Learning-rate schedule"), reg = QObject::tr("Regularization"),
                  stop = QObject::tr("Early stopping");
    return {
        integer("epochs", QObject::tr("Epochs"), run, 1, 10000, 8,
                QObject::tr("How many times training walks through the whole training split.")),
        integer(
            "batch_size", QObject::tr("Batch size"), run, 1, 65536, 64,
            QObject::tr("Samples averaged into one gradient step; larger batches are smoother but take fewer steps.")),
        integer(
            "seed", QObject::tr("Seed"), run, 0, 2147483647, 1,
            QObject::tr("Drives initialization, the split, shuffling, dropout and augmentation: the same seed gives "
                        "the same weights on any thread count.")),
        integer("threads", QObject::tr("Threads"), run, 0, 256, 0,
                QObject::tr("Worker threads for training (0 uses every core); never changes the result.")),
        integer("fine_tune_epochs", QObject::tr("Fine-tune epochs"), run, 1, 1000, 2,
                QObject::tr("Epochs of extra training from the current weights after you correct a prediction.")),
        integer("shard_size", QObject::tr("Shard size"), run, 1, 4096, 32,
                QObject::tr("Samples per parallel work unit; also the group BatchNorm computes its statistics over.")),
        choice("optimizer", QObject::tr("Optimizer"), opt, qStrings(OptimizerConfig::kinds()), "adam",
               QObject::tr("The rule that turns gradients into weight updates; Adam is a robust default.")),
        number("learning_rate", QObject::tr("Learning rate"), opt, 1e-7, 10.0, 1e-3,
               QObject::tr("Size of each update step; too large diverges (NaN loss), too small learns slowly."), 0, 6,
               true),
        number("momentum", QObject::tr("Momentum"), opt, 0.0, 0.999999, 0.9,
               QObject::tr("For momentum and Nesterov SGD: how much of the previous update carries over."), 0.01),
        number("beta1", QObject::tr("Adam β₁"), opt, 0.0, 0.999999, 0.9,
               QObject::tr("Adam/AdamW: decay of the running mean of gradients."), 0.01),
        number("beta2", QObject::tr("Adam β₂"), opt, 0.0, 0.999999, 0.999,
               QObject::tr("Adam/AdamW: decay of the running mean of squared gradients."), 0.001),
        number("epsilon", QObject::tr("Epsilon"), opt, 1e-12, 1e-2, 1e-8,
               QObject::tr("Adam/AdamW/RMSProp: added to the denominator so tiny gradients cannot blow up a step."), 0,
               10, true),
        number("rms_alpha", QObject::tr("RMSProp α"), opt, 0.0, 0.999999, 0.99,
               QObject::tr("RMSProp: decay of the running mean of squared gradients."), 0.01),
        number("clip_norm", QObject::tr("Gradient clipping"), opt, 0.0, 1000.0, 0.0,
               QObject::tr("Scales the gradient down when its overall norm exceeds this (0 turns clipping off)."), 0.5,
               2),
        choice("schedule", QObject::tr("Schedule"), sched, qStrings(LrSchedule::kinds()), "constant",
               QObject::tr("How the learning rate changes over the run after the warm-up.")),
        integer(
            "warmup_epochs", QObject::tr("Warm-up epochs"), sched, 0, 1000, 0,
            QObject::tr("Epochs over which the rate rises linearly from almost zero, which steadies early training.")),
        integer("step_epochs", QObject::tr("Step every (epochs)"), sched, 1, 1000, 3,
                QObject::tr("Step schedule: the rate is multiplied by γ every this many epochs.")),
        number("gamma", QObject::tr("Decay γ"), sched, 0.0, 1.0, 0.1,
               QObject::tr("Step schedule: factor per step; exponential: factor per epoch (e.g. 0.95)."), 0.05),
        number("min_lr", QObject::tr("Minimum rate"), sched, 0.0, 1.0, 0.0,
               QObject::tr("Cosine schedule: the rate it decays to at the end of the run."), 1e-5, 6),
        number("weight_decay", QObject::tr("Weight decay"), reg, 0.0, 1.0, 0.0,
               QObject::tr("Pulls weights towards zero each step (L2; decoupled for AdamW) to reduce overfitting."),
               1e-4, 5),
        number("label_smoothing", QObject::tr("Label smoothing"), reg, 0.0, 0.99, 0.0,
               QObject::tr("Trains towards slightly softened targets so the model is less over-confident."), 0.05, 2),
        number("dropout", QObject::tr("Dropout rate"), reg, 0.0, 0.99, 0.5,
               QObject::tr("Fraction of values every dropout layer of the model zeroes while training."), 0.05, 2),
        integer("patience", QObject::tr("Patience (epochs)"), stop, 0, 1000, 0,
                QObject::tr("Stops after this many epochs without a better validation score (0 never stops early).")),
        choice("early_metric", QObject::tr("Watch"), stop, {"val_loss", "val_accuracy"}, "val_loss",
               QObject::tr("The validation score that decides improvement and which epoch's weights are kept.")),
        number("min_delta", QObject::tr("Minimum improvement"), stop, 0.0, 1.0, 0.0,
               QObject::tr("An epoch must beat the best score by more than this to count as better."), 0.001, 4),
    };
}

QList<FieldSpec> dataFields() {
    const QString split = QObject::tr("Split"), prep = QObject::tr("Preprocessing"), aug = QObject::tr("Augmentation");
    return {
        number("validation_fraction", QObject::tr("Validation"), split, 0.0, 0.9, 0.1,
               QObject::tr("Fraction of each class held out to measure generalization after every epoch."), 0.05, 2),
        number("test_fraction", QObject::tr("Test"), split, 0.0, 0.9, 0.1,
               QObject::tr("Fraction held out for the final score (only when the dataset has no official test set)."),
               0.05, 2),
        integer("samples", QObject::tr("Generated samples"), prep, 0, 1000000, 0,
                QObject::tr("Size of a built-in generated set (0 uses the set's default)."), 500),
        integer("image_size", QObject::tr("Image size"), prep, 8, 512, 32,
                QObject::tr("Image folders: the side, in pixels, every image is resized to."), 4),
        choice("channels", QObject::tr("Colour"), prep, {"auto", "gray", "colour"}, "auto",
               QObject::tr("Image folders: keep colour, convert to gray, or decide from the images.")),
        choice(
            "resize", QObject::tr("Resize new images"), prep, {"stretch", "pad"}, "stretch",
            QObject::tr("How images of another size are fitted for prediction: stretch, or pad keeping the aspect.")),
        choice("normalization", QObject::tr("Normalization"), prep, {"per-channel", "none"}, "per-channel",
               QObject::tr("Subtract each channel's mean and divide by its spread, measured on the training split.")),
        number("aug_shift", QObject::tr("Shift"), aug, 0.0, 0.5, 0.0,
               QObject::tr("Moves each training image by up to this fraction of its side."), 0.05, 2),
        boolean("aug_flip_h", QObject::tr("Flip horizontally"), aug, false,
                QObject::tr("Mirrors half of the training images left to right.")),
        boolean("aug_flip_v", QObject::tr("Flip vertically"), aug, false,
                QObject::tr("Mirrors half of the training images top to bottom.")),
        number("aug_rotate", QObject::tr("Rotate (±°)"), aug, 0.0, 180.0, 0.0,
               QObject::tr("Rotates each training image by a random angle up to this many degrees."), 5, 0),
        number("aug_brightness", QObject::tr("Brightness (±)"), aug, 0.0, 1.0, 0.0,
               QObject::tr("Adds a random brightness offset up to this much (images are 0…1)."), 0.05, 2),
        number("aug_contrast", QObject::tr("Contrast (±)"), aug, 0.0, 1.0, 0.0,
               QObject::tr("Scales contrast by a random factor within ±this fraction."), 0.05, 2),
        number("aug_noise", QObject::tr("Noise σ"), aug, 0.0, 0.5, 0.0,
               QObject::tr("Adds Gaussian noise with this standard deviation to each pixel."), 0.01, 2),
    };
}

QVariantMap defaultSettings() {
    QVariantMap m;
    for (const auto& f : trainingFields()) m.insert(f.key, f.defaultValue);
    for (const auto& f : dataFields()) m.insert(f.key, f.defaultValue);
    return m;
}

Result<TrainConfig> trainConfigFrom(const QVariantMap& s) {
    const QVariantMap d = defaultSettings();
    auto get = [&](const char* key) { return s.contains(key) ? s.value(key) : d.value(key); };
    TrainConfig c;
    c.epochs = get("epochs").toInt();
    c.batchSize = get("batch_size").toInt();
    c.seed = static_cast<std::uint64_t>(get("seed").toLongLong());
    c.threads = get("threads").toInt();
    c.shardSize = get("shard_size").toInt();
    c.optimizer.kind = toStdString(get("optimizer").toString());
    c.optimizer.momentum = get("momentum").toFloat();
    c.optimizer.beta1 = get("beta1").toFloat();
    c.optimizer.beta2 = get("beta2").toFloat();
    c.optimizer.epsilon = get("epsilon").toFloat();
    c.optimizer.rmsAlpha = get("rms_alpha").toFloat();
    c.optimizer.clipNorm = get("clip_norm").toFloat();
    c.optimizer.weightDecay = get("weight_decay").toFloat();
    c.schedule.kind = toStdString(get("schedule").toString());
    c.schedule.baseLr = get("learning_rate").toFloat();
    c.schedule.warmupEpochs = get("warmup_epochs").toInt();
    c.schedule.stepEpochs = get("step_epochs").toInt();
    c.schedule.gamma = get("gamma").toFloat();
    c.schedule.minLr = get("min_lr").toFloat();
    c.labelSmoothing = get("label_smoothing").toFloat();
    c.earlyStopping.patience = get("patience").toInt();
    c.earlyStopping.metric = toStdString(get("early_metric").toString());
    c.earlyStopping.minDelta = get("min_delta").toFloat();
    c.validationFraction = get("validation_fraction").toDouble();
    c.testFraction = get("test_fraction").toDouble();
    c.augment.shift = get("aug_shift").toFloat();
    c.augment.flipHorizontal = get("aug_flip_h").toBool();
    c.augment.flipVertical = get("aug_flip_v").toBool();
    c.augment.rotateDegrees = get("aug_rotate").toFloat();
    c.augment.brightness = get("aug_brightness").toFloat();
    c.augment.contrast = get("aug_contrast").toFloat();
    c.augment.noise = get("aug_noise").toFloat();
    if (c.schedule.warmupEpochs >= c.epochs)
        return Error::invalid("Warm-up epochs (" + std::to_string(c.schedule.warmupEpochs) +
                                  ") must be fewer than the epochs (" + std::to_string(c.epochs) + ").",
                              "Lower the warm-up or train for more epochs.");
    if (c.validationFraction + c.testFraction >= 0.95)
        return Error::invalid("The validation and test fractions together leave almost nothing to train on.",
                              "Keep their sum below 0.95 in the dataset panel's Split settings.");
    STUDIO_TRY(c.validate());
    return c;
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

QImage sampleImage(const Dataset& data, int index) {
    const Shape& s = data.sampleShape();
    if (data.storage() == Dataset::Storage::Pixels8 && s.size() == 3)
        return toQImage(data.pixels(index), s[0], s[1], s[2]);
    // A feature vector: its first two features as a dot in the unit square around the origin.
    QImage img(48, 48, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QColor(200, 200, 200));
    p.drawLine(24, 0, 24, 48);
    p.drawLine(0, 24, 48, 24);
    const float* f = data.featureRow(index);
    const double x = s.empty() || s[0] < 1 ? 0.0 : f[0];
    const double y = s.empty() || s[0] < 2 ? 0.0 : f[1];
    const QColor colors[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(44, 160, 44), QColor(214, 39, 40)};
    p.setBrush(colors[data.label(index) % 4]);
    p.setPen(Qt::NoPen);
    p.drawEllipse(QPointF(24 + std::clamp(x, -1.5, 1.5) * 14, 24 - std::clamp(y, -1.5, 1.5) * 14), 4, 4);
    return img;
}

}  // namespace studio::app
