#pragma once
// LrFinderController: Training ▸ Find learning rate…. Opens the LrFinderDialog, runs the range
// test (engine/train/lr_finder.h) on the current data, architecture and settings on a worker
// thread — progress comes back queued, tagged with a job id, at most ~30 times a second — and
// turns Apply into learningRateChosen, which the window records as an undoable edit.

#include <QFutureWatcher>
#include <QObject>
#include <QPointer>
#include <QVariantMap>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "engine/data/dataset.h"
#include "engine/nn/model_spec.h"
#include "engine/train/lr_finder.h"

#include "widgets/hyperparameter_form.h"
#include "widgets/lr_finder_dialog.h"

class QMenu;
class QWidget;

namespace studio::app {

class LrFinderController : public QObject {
    Q_OBJECT
public:
    /// What the test trains: the project as it is when Find is pressed.
    struct Inputs {
        std::shared_ptr<const DatasetBundle> data;  // null: no dataset loaded yet
        std::optional<ModelSpec> spec;
        QVariantMap settings;
    };
    LrFinderController(QWidget* window, std::function<Inputs()> inputs, QObject* parent);
    /// Stops a running test and waits for its thread.
    ~LrFinderController() override;

    /// Shows the dialog (created on first use).
    void open();
    /// "Find Learning Rate…" in `menu` and a "Find…" button beside the learning rate in `form`,
    /// both opening the dialog.
    void addActions(QMenu* menu, widgets::HyperparameterForm* form);
    widgets::LrFinderDialog* dialog() const { return m_dialog; }
    bool isRunning() const { return m_watcher->isRunning(); }

Q_SIGNALS:
    void learningRateChosen(double lr);

private:
    void find();
    void stop();
    void onFinished();

    QWidget* m_window;
    std::function<Inputs()> m_inputs;
    QPointer<widgets::LrFinderDialog> m_dialog;
    QFutureWatcher<Result<LrFinding>>* m_watcher;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    quint64 m_job = 0;
};

}  // namespace studio::app
