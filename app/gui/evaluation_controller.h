#pragma once
// EvaluationController: evaluates the current model on the test set (the dataset's official
// one, or the test split the model was trained with; the validation split when there is no
// test part) on a worker thread, after each epoch and whenever the model or data change, and
// fills the EvaluationView. The numbers are the engine's evaluate() on the same indices as
// `training-studio-cli evaluate`, so both show the same matrix.

#include <QImage>
#include <QObject>
#include <QThreadPool>
#include <memory>
#include <optional>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/infer/snapshot.h"
#include "engine/train/evaluator.h"

namespace studio::widgets {
class EvaluationView;
}

namespace studio::app {

/// Which samples a model is evaluated on, and how the view names them.
struct EvaluationTarget {
    std::shared_ptr<const DatasetBundle> bundle;
    const Dataset* data = nullptr;  // bundle->test or bundle->pool
    std::vector<int> indices;
    std::string description;  // "official test set", "test split (seed 1)", …
};

/// The CLI's rule: the official test set when there is one, else the test split rebuilt from the
/// model's own training config, else its validation split. Errors when the model does not fit.
Result<EvaluationTarget> evaluationTarget(const ModelSnapshot& model, std::shared_ptr<const DatasetBundle> bundle);

class EvaluationController : public QObject {
    Q_OBJECT
public:
    EvaluationController(widgets::EvaluationView* view, QObject* parent = nullptr);
    ~EvaluationController() override;

    /// Evaluates `model` on `bundle` (latest request wins); null model or data clears the view.
    void evaluate(SnapshotPtr model, std::shared_ptr<const DatasetBundle> bundle);
    const std::optional<EvaluationReport>& report() const { return m_report; }
    bool isBusy() const { return m_pending > 0; }
    void waitForIdle() { m_pool.waitForDone(); }
    /// Writes what is shown: the confusion matrix as PNG (a .png path) or the whole report as
    /// JSON (anything else). Atomic; errors name the path.
    Status exportTo(const QString& path);

Q_SIGNALS:
    void evaluated();

private:
    void publish(EvaluationReport report, EvaluationTarget target, int epoch);
    void showCell(int trueClass, int predicted);
    QImage galleryImage(const Dataset& data, int index) const;

    widgets::EvaluationView* m_view;
    QThreadPool m_pool;
    quint64 m_latestJob = 0;
    int m_pending = 0;
    std::optional<EvaluationReport> m_report;
    std::optional<EvaluationTarget> m_target;
    SnapshotPtr m_model;  // the newest request
    std::shared_ptr<const DatasetBundle> m_bundle;
};

}  // namespace studio::app
