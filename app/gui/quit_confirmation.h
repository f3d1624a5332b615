#pragma once
// QuitConfirmation: asks before closing the studio while something trains, and says what closing
// does to it. Every run the studio starts is kept in the run store, so closing stops it there as
// interrupted, with its last epoch's checkpoint, and Resume (Runs tab) goes on from that epoch:
// the question says so and its default answer quits, so a close is one more key (Enter) and
// stays fast. A fine-tuning from Correct… is not kept in the store: closing discards it, and
// the default answer is Cancel; so does closing with its finished model unsaved. "Do not ask again" (for kept runs) is remembered in QSettings
// under kAskSetting; tests and scripts answer with the dialog's default.

#include <QString>
#include <functional>
#include <QtGlobal>

class QWidget;

namespace studio::app {

/// What trains as the window closes (plain values, so the text can be tested alone).
struct TrainingAtClose {
    bool windowRun = false;  // the Training tab's run is training (or paused)
    qint64 windowRunId = 0;  // its id in the run store; 0 when it is not kept there
    int epochsKept = 0;      // its epochs that ended, each with a checkpoint
    int epochsPlanned = 0;
    int backgroundRuns = 0;  // resumed, forked or sweep runs training in the background
    bool unsavedModel = false;  // nothing trains, but the current model is a fine-tuning's, not saved
    bool anything() const { return windowRun || backgroundRuns > 0 || unsavedModel; }
    bool everythingKept() const { return (!windowRun || windowRunId != 0) && !unsavedModel; }
};

class QuitConfirmation {
public:
    static constexpr const char* kAskSetting = "confirm/quitWhileTraining";

    /// The question's first line, e.g. "Run 12 is training (epoch 3 of 10)."
    static QString headline(const TrainingAtClose& t);
    /// What quitting does to it, and how to go on later.
    static QString consequence(const TrainingAtClose& t);
    /// True to go on closing: nothing trains, the user said not to ask for kept runs, or the
    /// user answered the (modal) question with Stop and Quit.
    /// `now` is asked again twice a second while the question is open, so its epoch stays current
    /// and a run that ends meanwhile is no longer mentioned.
    static bool confirm(QWidget* parent, const std::function<TrainingAtClose()>& now);
};

}  // namespace studio::app
