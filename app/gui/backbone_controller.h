#pragma once
// BackboneController: the Model dock's "Start from a pretrained network". When the project names
// an ONNX file, it reads the file on a worker for the data's image size — validates it, lists its
// layers with their output shapes and suggests the feature layer — and answers the picker. The
// window asks it how many features the head gets (the head's input) and what the run needs.

#include <QObject>
#include <QString>
#include <QThreadPool>
#include <memory>
#include <optional>

#include "app/gui/project.h"
#include "engine/data/dataset.h"
#include "engine/deploy/backbone_training.h"

namespace studio::widgets {
class BackbonePicker;
}

namespace studio::app {

class BackboneController : public QObject {
    Q_OBJECT
public:
    BackboneController(widgets::BackbonePicker* picker, QObject* parent);
    ~BackboneController() override;

    /// Shows `choice` and, when the file or the data's image size changed, reads the file again
    /// (on a worker; resolved() follows).
    void show(const ProjectBackbone& choice, const std::shared_ptr<const DatasetBundle>& data);

    /// The head's input size: the chosen layer's features, once the file was read for the data
    /// shown; nullopt while reading, on an error, or with no backbone.
    std::optional<int> featureSize() const;
    /// Why Start must wait ("" when it need not): reading the file, or what is wrong with it.
    QString blockingReason() const;
    /// What a run with the project's backbone needs (the layer resolved to the suggestion).
    /// Requires: featureSize() has a value.
    BackboneChoice runChoice(const QString& resize) const;

    struct Reading;  // what reading the file for one image shape gave

Q_SIGNALS:
    /// The file was read (or failed): the architecture and Start's state may change.
    void resolved();
    /// The user chose another feature layer or normalization: one undoable project edit.
    void edited(const studio::app::ProjectBackbone& next, const QString& description);
    /// A normalization that is not a list of numbers (the project keeps the last good one).
    void error(const QString& message);

private:
    void publish(quint64 job, const std::shared_ptr<const Reading>& reading);

    widgets::BackbonePicker* m_picker;
    ProjectBackbone m_choice;
    Shape m_shape;  // the data's image shape the file was (or is being) read for
    quint64 m_job = 0;
    std::shared_ptr<const Reading> m_reading;  // null while reading
    QThreadPool m_pool;                        // its own, so the destructor can wait for a reading
};

}  // namespace studio::app
