#include "app/gui/backbone_controller.h"

#include "app/gui/engine_conversions.h"
#include "engine/deploy/backbone.h"
#include "widgets/backbone_picker.h"

namespace studio::app {

/// What reading the file for one image shape gave.
struct BackboneController::Reading {
    QString error;  // "" when the file works with the chosen layer
    std::vector<BackboneLayer> layers;
    std::string suggested;
    std::string chosen;  // the layer the head learns from
    int features = 0;
};

namespace {

// On a worker: validate the file for `shape` with the suggested layer (which lists the layers),
// then with the chosen one, so a wrong layer name still shows the list to choose from.
BackboneController::Reading readBackbone(const std::string& path, const std::string& layer, const Shape& shape) {
    BackboneController::Reading r;
    auto suggested = Backbone::fromFile(path, shape);
    if (!suggested) {
        r.error = errorText(suggested.error());
        return r;
    }
    auto layers = Backbone::listLayers((*suggested)->onnxBytes(), path, shape);
    if (!layers) {
        r.error = errorText(layers.error());
        return r;
    }
    r.layers = std::move(*layers);
    r.suggested = (*suggested)->featureLayer();
    r.chosen = r.suggested;
    r.features = (*suggested)->featureSize();
    if (!layer.empty() && layer != r.suggested) {
        auto chosen = Backbone::fromBytes((*suggested)->onnxBytes(), path, shape, layer);
        if (!chosen) {
            r.error = errorText(chosen.error());
            r.features = 0;
            return r;
        }
        r.chosen = (*chosen)->featureLayer();
        r.features = (*chosen)->featureSize();
    }
    return r;
}

}  // namespace

BackboneController::BackboneController(widgets::BackbonePicker* picker, QObject* parent)
    : QObject(parent), m_picker(picker) {
    m_pool.setMaxThreadCount(1);
    connect(picker, &widgets::BackbonePicker::featureLayerChosen, this, [this](const QString& name) {
        ProjectBackbone next = m_choice;
        next.featureLayer = name;
        Q_EMIT edited(next, tr("Use feature layer %1").arg(name));
    });
    connect(picker, &widgets::BackbonePicker::normalizationEdited, this,
            [this](const QString& mean, const QString& stddev) {
                for (const auto& [text, what] : {std::pair{mean, "The input mean"}, std::pair{stddev, "The input std"}})
                    if (auto values = parseChannelValues(toStdString(text), what); !values)
                        return Q_EMIT error(errorText(values.error()));
                ProjectBackbone next = m_choice;
                next.mean = mean;
                next.stddev = stddev;
                Q_EMIT edited(next, tr("Change the pretrained network's input normalization"));
            });
}

BackboneController::~BackboneController() {
    m_pool.waitForDone();
}

void BackboneController::show(const ProjectBackbone& choice, const std::shared_ptr<const DatasetBundle>& data) {
    m_picker->setChoice(choice.path, choice.featureLayer, choice.mean, choice.stddev);
    const Shape shape = data ? data->pool.sampleShape() : Shape{};
    const bool again = choice.path != m_choice.path || choice.featureLayer != m_choice.featureLayer || shape != m_shape;
    m_choice = choice;
    if (!choice.isSet()) {
        if (again) ++m_job;  // a reading still under way is of no use now
        m_shape = shape;
        m_reading.reset();
        return;
    }
    if (!again) return;
    m_shape = shape;
    const quint64 job = ++m_job;
    m_reading.reset();
    if (!data) {
        m_picker->setLayers({}, {});
        m_picker->setError(tr("Load a dataset of images first: the network is read for their size."));
        return;
    }
    if (data->pool.storage() != Dataset::Storage::Pixels8) {
        auto r = std::make_shared<Reading>();
        r->error = tr("The data holds feature vectors, not images; a pretrained network needs images.");
        publish(job, r);
        return;
    }
    m_picker->setLoading();
    Q_EMIT resolved();  // Start waits while the file is read
    m_pool.start(
        [this, job, path = toStdString(choice.path), layer = toStdString(choice.featureLayer), shape] {
            auto reading = std::make_shared<const Reading>(readBackbone(path, layer, shape));
            QMetaObject::invokeMethod(this, [this, job, reading] { publish(job, reading); }, Qt::QueuedConnection);
        });
}

void BackboneController::publish(quint64 job, const std::shared_ptr<const Reading>& reading) {
    if (job != m_job) return;  // a newer choice or dataset wins
    m_reading = reading;
    QList<widgets::BackboneLayerRow> rows;
    for (const BackboneLayer& layer : reading->layers)
        rows.append({toQString(layer.name), toQString(layer.type), shapeText(layer.outputShape), layer.features});
    m_picker->setLayers(rows, toQString(reading->suggested));
    if (!reading->error.isEmpty())
        m_picker->setError(reading->error);
    else
        m_picker->setSummary(tr("The head learns from layer “%1”: %2 features per %3 image, computed by the frozen "
                                "network on every training batch.")
                                 .arg(toQString(reading->chosen))
                                 .arg(reading->features)
                                 .arg(shapeText(m_shape)));
    Q_EMIT resolved();
}

std::optional<int> BackboneController::featureSize() const {
    if (!m_choice.isSet() || !m_reading || !m_reading->error.isEmpty()) return std::nullopt;
    return m_reading->features;
}

QString BackboneController::blockingReason() const {
    if (!m_choice.isSet()) return {};
    if (!m_reading) return tr("Reading the pretrained network…");
    if (!m_reading->error.isEmpty()) return tr("The pretrained network cannot be used: %1").arg(m_reading->error);
    return {};
}

BackboneChoice BackboneController::runChoice(const QString& resize) const {
    BackboneChoice choice;
    choice.path = toStdString(m_choice.path);
    choice.featureLayer = m_reading ? m_reading->chosen : toStdString(m_choice.featureLayer);
    choice.resize = toStdString(resize);
    // Checked when the user edited them (the window refuses lists that do not parse).
    if (auto mean = parseChannelValues(toStdString(m_choice.mean), "the input mean")) choice.mean = *mean;
    if (auto stddev = parseChannelValues(toStdString(m_choice.stddev), "the input std")) choice.stddev = *stddev;
    return choice;
}

}  // namespace studio::app
