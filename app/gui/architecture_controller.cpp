#include "app/gui/architecture_controller.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QSaveFile>
#include <algorithm>

#include "app/gui/engine_conversions.h"
#include "widgets/architecture_editor.h"

namespace studio::app {

using widgets::ArchitectureEditor;

ArchitectureController::ArchitectureController(ArchitectureEditor* editor, std::function<ModelSpec()> currentSpec,
                                               QObject* parent)
    : QObject(parent), m_editor(editor), m_currentSpec(std::move(currentSpec)) {
    m_editor->setLayerKinds(layerKindDescriptions());
    QStringList presets;
    for (const auto& p : presetNames()) presets.append(toQString(p));
    m_editor->setPresets(presets);

    connect(editor, &ArchitectureEditor::presetRequested, this, &ArchitectureController::presetRequested);
    connect(editor, &ArchitectureEditor::layerInsertRequested, this, [this](int index, const QString& kind) {
        edit(
            [&](ModelSpec& spec) {
                index = std::clamp(index, 0, int(spec.layers.size()));
                spec.layers.insert(spec.layers.begin() + index, defaultLayer(kind));
            },
            tr("Add %1 layer").arg(kind));
    });
    connect(editor, &ArchitectureEditor::layerRemoveRequested, this, [this](int index) {
        edit(
            [&](ModelSpec& spec) {
                if (index >= 0 && index < int(spec.layers.size())) spec.layers.erase(spec.layers.begin() + index);
            },
            tr("Remove layer %1").arg(index + 1));
    });
    connect(editor, &ArchitectureEditor::layerMoveRequested, this, [this](int from, int to) {
        edit(
            [&](ModelSpec& spec) {
                const int n = int(spec.layers.size());
                if (from < 0 || from >= n || to < 0 || to >= n || from == to) return;
                LayerSpec moved = spec.layers[std::size_t(from)];
                spec.layers.erase(spec.layers.begin() + from);
                spec.layers.insert(spec.layers.begin() + to, moved);
            },
            tr("Move layer %1").arg(from + 1));
    });
    connect(editor, &ArchitectureEditor::layerOptionEdited, this,
            [this](int index, const QString& key, const QVariant& value) {
                edit(
                    [&](ModelSpec& spec) {
                        if (index >= 0 && index < int(spec.layers.size()))
                            spec.layers[std::size_t(index)].options[toStdString(key)] = toJson(value);
                    },
                    tr("Change layer %1 %2").arg(index + 1).arg(key));
            });
    connect(editor, &ArchitectureEditor::loadSpecRequested, this, &ArchitectureController::loadSpec);
    connect(editor, &ArchitectureEditor::saveSpecRequested, this, &ArchitectureController::saveSpec);
}

void ArchitectureController::show(const ModelSpec& spec, bool hasData) {
    const SpecReport report = analyzeSpec(spec);
    m_editor->setLayers(layerRows(spec, report));
    QString overall;
    if (!hasData) {
        overall = tr("Load a dataset to see the shapes.");
    } else if (!report.ok() && report.layers.size() == spec.layers.size()) {
        for (const auto& p : report.problems)  // a problem of the whole model, not of one layer
            if (p.rfind("layer ", 0) != 0) overall = toQString(p);
    }
    if (spec.layers.empty()) overall = tr("Add layers or pick a preset.");
    if (const int invalid = firstInvalidLayer(report); invalid > 0)  // the sums would leave it out
        m_editor->setTotalsUnknown(tr("unknown until layer %1 is fixed").arg(invalid), overall);
    else
        m_editor->setTotals(report.totalParams, report.totalFlops, overall);
}

void ArchitectureController::edit(const std::function<void(ModelSpec&)>& change, const QString& description) {
    ModelSpec spec = m_currentSpec();
    change(spec);
    spec.name.clear();  // edited: no longer the preset it came from
    Q_EMIT specEdited(spec, description);
}

void ArchitectureController::loadSpec() {
    const QString path =
        QFileDialog::getOpenFileName(m_editor, tr("Load a model spec"), {}, tr("Model specs (*.json)"));
    if (path.isEmpty()) return;
    auto spec = ModelSpec::fromFile(toStdString(path));
    if (!spec) return Q_EMIT error(errorText(spec.error()));
    Q_EMIT specEdited(*spec, tr("Load model spec %1").arg(QFileInfo(path).fileName()));
}

void ArchitectureController::saveSpec() {
    const QString path =
        QFileDialog::getSaveFileName(m_editor, tr("Save the model spec"), "model.json", tr("Model specs (*.json)"));
    if (path.isEmpty()) return;
    QSaveFile out(path);
    const std::string text = m_currentSpec().toJson().dump(2) + "\n";
    if (!out.open(QIODevice::WriteOnly) || out.write(text.data(), qint64(text.size())) < 0 || !out.commit())
        return Q_EMIT error(tr("Could not save the model spec to '%1': %2. Choose a folder you can write to.")
                                .arg(path, out.errorString()));
    Q_EMIT info(tr("Saved the model spec to %1").arg(path));
}

}  // namespace studio::app
