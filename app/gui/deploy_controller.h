#pragma once
// DeployController: the Deploy tab's work. It keeps the current model (the float variant) and
// its variants — INT8 and pruned ones made by the tab's buttons, model files the user adds —
// and for each, on a worker thread: the file size, the evaluation on the float model's test set
// (the same images for every variant, so the per-class changes and the changed predictions
// compare like with like) and the inference benchmark (engine/deploy/inference_bench.h). Results
// come back queued and tagged with the model's generation: a result for a replaced model is
// dropped. The GUI thread never waits.

#include <QObject>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/gui/evaluation_controller.h"
#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/deploy/inference_bench.h"
#include "engine/infer/snapshot.h"
#include "engine/train/evaluator.h"

namespace studio::widgets {
class DeployView;
}

namespace studio::app {

struct DeployVariant {
    int id = 0;
    std::string name;  // "float (epoch 5)", "INT8", "pruned 50%", "student.tsmodel"
    std::string kind;  // "float" | "INT8" | "pruned" | "file"
    SnapshotPtr snapshot;
    std::int64_t fileBytes = 0;
    std::optional<EvaluationReport> report;
    std::optional<InferenceBenchReport> bench;
    std::string error;  // why evaluation or measuring failed ("" when it did not)
    bool measuring = false;
};

/// What a variant button makes on the worker thread: a new snapshot, or why not.
using VariantMaker = std::function<Result<SnapshotPtr>()>;

class DeployController : public QObject {
    Q_OBJECT
public:
    explicit DeployController(widgets::DeployView* view, QObject* parent = nullptr);
    ~DeployController() override;

    /// The float model and its data. A new model starts a new comparison: made variants are
    /// dropped, added files stay and are measured again. The same pair again changes nothing.
    void setModel(SnapshotPtr model, std::shared_ptr<const DatasetBundle> bundle);
    SnapshotPtr model() const { return m_model; }

    /// Adds a ready variant and measures it; returns its id. fileBytes 0: measured from its bytes.
    int addVariant(const std::string& name, const std::string& kind, SnapshotPtr snapshot,
                   std::int64_t fileBytes = 0);
    /// Loads a .tsmodel on the worker and adds it as a "file" variant (a student, an old variant).
    void addModelFile(const QString& path);
    /// Runs `make` on the worker (quantize, prune + fine-tune) and adds what it returns.
    void makeVariant(const std::string& name, const std::string& kind, const QString& busyText, VariantMaker make);
    /// Times every variant again.
    void measureAll();
    /// Saves a variant as .tsmodel (atomic, on the worker); the result shows in the status line.
    void saveVariant(int id, const QString& path);
    /// Exports a variant to ONNX with its parity check; a failed check writes nothing.
    void exportVariantOnnx(int id, const QString& path);

    void setBenchOptions(const InferenceBenchOptions& options) { m_benchOptions = options; }
    const std::vector<DeployVariant>& variants() const { return m_variants; }
    const DeployVariant* variant(int id) const;
    /// True while any job is queued or running.
    bool isBusy() const { return m_pending > 0; }

Q_SIGNALS:
    /// A variant was added, measured, or failed; the view already shows it.
    void variantsChanged();
    /// The last queued job finished.
    void idle();

private:
    struct Generation;
    void measure(int id);
    void run(const QString& text, std::function<void(const std::shared_ptr<Generation>&)> job);
    void jobDone();
    void publishRows();
    void showDetails(int id);
    void showProgress(int done, int total, const QString& text);
    /// The line under the buttons; it stays when the progress of a job is over.
    void setStatus(const QString& text, bool error = false);
    void onAddModelRequested();
    void onQuantizeRequested();
    void onPruneRequested(double sparsity, bool structured);
    void onSaveRequested(int id);
    void onExportOnnxRequested(int id);
    DeployVariant* find(int id);
    const DeployVariant* floatVariant() const;

    widgets::DeployView* m_view;
    QThreadPool m_pool;
    int m_pending = 0;
    int m_nextId = 1;
    SnapshotPtr m_model;
    std::shared_ptr<const DatasetBundle> m_bundle;
    std::optional<EvaluationTarget> m_target;  // the float model's test images, for every variant
    std::string m_targetError;
    std::shared_ptr<Generation> m_generation;
    std::vector<DeployVariant> m_variants;
    InferenceBenchOptions m_benchOptions;
    QString m_statusText;
    bool m_statusError = false;
};

}  // namespace studio::app
