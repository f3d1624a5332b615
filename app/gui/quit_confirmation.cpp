#include "app/gui/quit_confirmation.h"

#include <QCheckBox>
#include <QCoreApplication>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStringList>
#include <QTextDocument>
#include <QTimer>
#include <algorithm>

namespace studio::app {

namespace {
QString tr(const char* text) {
    return QCoreApplication::translate("QuitConfirmation", text);
}
}  // namespace

QString QuitConfirmation::headline(const TrainingAtClose& t) {
    if (!t.windowRun && t.backgroundRuns == 0 && t.unsavedModel) return tr("The corrected model is not saved.");
    if (!t.windowRun)
        return t.backgroundRuns == 1 ? tr("A run is training in the background.")
                                     : tr("%1 runs are training in the background.").arg(t.backgroundRuns);
    if (t.windowRunId == 0) return tr("The model is learning from your correction.");
    const int epoch = std::min(t.epochsKept + 1, std::max(t.epochsPlanned, 1));
    return t.epochsPlanned > 0
               ? tr("Run %1 is training (epoch %2 of %3).").arg(t.windowRunId).arg(epoch).arg(t.epochsPlanned)
               : tr("Run %1 is training.").arg(t.windowRunId);
}

QString QuitConfirmation::consequence(const TrainingAtClose& t) {
    QStringList lines;
    if (t.windowRun && t.windowRunId == 0) {
        lines << tr(
            "This fine-tuning is not kept in the run store: quitting now discards it and the model it "
            "is making.");
    } else if (t.windowRun) {
        lines << (t.epochsKept > 0
                      ? tr("Quitting stops it and keeps it in the run store as interrupted, with the checkpoint of "
                           "epoch %1. To go on from there, choose it in the Runs tab and Resume; the part of "
                           "epoch %2 trained so far is trained again.")
                            .arg(t.epochsKept)
                            .arg(t.epochsKept + 1)
                      : tr("Quitting stops it and keeps it in the run store as interrupted. It has not finished "
                           "its first epoch, so Resume (Runs tab) starts it again from the beginning."));
    }
    if (!t.windowRun && t.unsavedModel)
        lines << tr("Fine-tuning on your corrections made a model that is only in memory: quitting discards it. "
                    "To keep it, cancel, then save it (File ▸ Save Model…).");
    if (t.backgroundRuns > 0)
        lines << (t.windowRun ? (t.backgroundRuns == 1
                                     ? tr("A run training in the background is stopped and kept the same way.")
                                     : tr("%1 runs training in the background are stopped and kept the same way.")
                                           .arg(t.backgroundRuns))
                              : tr("Quitting stops them and keeps them in the run store as interrupted, each "
                                   "with its last epoch's checkpoint: Resume in the Runs tab goes on from there."));
    return lines.join(QStringLiteral("\n\n"));
}

bool QuitConfirmation::confirm(QWidget* parent, const std::function<TrainingAtClose()>& now) {
    TrainingAtClose t = now();
    if (!t.anything()) return true;
    const bool kept = t.everythingKept();
    QSettings settings;
    if (kept && !settings.value(kAskSetting, true).toBool()) return true;

    QMessageBox box(QMessageBox::Question, tr("Quit while training?"), headline(t), QMessageBox::NoButton, parent);
    if (!t.windowRun && t.backgroundRuns == 0) box.setWindowTitle(tr("Quit without saving?"));
    box.setTextFormat(Qt::PlainText);
    box.setInformativeText(Qt::convertFromPlainText(consequence(t), Qt::WhiteSpaceNormal));
    QPushButton* quit = box.addButton(kept ? tr("Stop and Quit") : tr("Discard and Quit"), QMessageBox::AcceptRole);
    QPushButton* cancel = box.addButton(QMessageBox::Cancel);
    // A kept run loses at most part of an epoch: quitting is the default. A correction would be lost.
    box.setDefaultButton(kept ? quit : cancel);
    box.setEscapeButton(cancel);
    QCheckBox* dontAsk = nullptr;
    if (kept) {
        dontAsk = new QCheckBox(tr("Do not ask again: quit and keep the runs"));
        box.setCheckBox(dontAsk);
    }
    // The runs go on while the question is open: keep its epoch current, and say so when what
    // it asked about has ended (the buttons stay: the answer still decides).
    QTimer refresh;
    QObject::connect(&refresh, &QTimer::timeout, &box, [&] {
        const TrainingAtClose latest = now();
        if (!latest.anything()) {
            box.setText(tr("The training has ended."));
            box.setInformativeText(QString());
            return;
        }
        if (latest.windowRun != t.windowRun || latest.backgroundRuns != t.backgroundRuns ||
            latest.epochsKept != t.epochsKept || latest.unsavedModel != t.unsavedModel) {
            t = latest;
            box.setText(headline(t));
            box.setInformativeText(Qt::convertFromPlainText(consequence(t), Qt::WhiteSpaceNormal));
        }
    });
    refresh.start(500);
    box.exec();
    if (box.clickedButton() != quit) return false;
    if (dontAsk && dontAsk->isChecked()) settings.setValue(kAskSetting, false);
    return true;
}

}  // namespace studio::app
