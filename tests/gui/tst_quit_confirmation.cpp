// Closing the studio while a run trains asks first and says what happens to the run: it is kept
// in the run store as interrupted, with its last epoch's checkpoint, and resumes from the Runs
// tab. Cancel keeps it training; the default answer (Enter) closes within the fast-close limit;
// "Do not ask again" is remembered. A fine-tuning, which is not kept, defaults to Cancel. With
// STUDIO_SCREENSHOT_DIR set, each question is saved there as it was answered.

#include <QCheckBox>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTextDocument>
#include <QtTest>

#include "tests/timing_limits.h"
#include "window_fixtures.h"

#include "app/gui/main_window.h"
#include "app/gui/quit_confirmation.h"
#include "app/gui/training_controller.h"
#include "widgets/live_chart.h"

using namespace studio;
using namespace studio::app;

namespace {

struct Question {
    bool asked = false;
    QString headline;
    QString consequence;
    QString defaultButton;
    bool offersDoNotAsk = false;
};

/// Reads the next modal question and answers it with `key` (Enter: the default; Escape: Cancel),
/// optionally ticking "Do not ask again" first, and reading it no sooner than readAfterMs.
void answerNextQuestion(Question* seen, Qt::Key key, bool tickDoNotAsk = false, int readAfterMs = 0) {
    auto* poll = new QTimer;
    auto* clock = new QElapsedTimer;
    clock->start();
    QObject::connect(poll, &QTimer::timeout, [=] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box && clock->elapsed() < 3000 + readAfterMs) return;
        if (box && clock->elapsed() < readAfterMs) return;
        poll->stop();
        poll->deleteLater();
        delete clock;
        if (!box) return;
        seen->asked = true;
        seen->headline = box->text();
        QTextDocument doc;
        doc.setHtml(box->informativeText());
        seen->consequence = doc.toPlainText();
        seen->defaultButton = box->defaultButton() ? box->defaultButton()->text() : QString();
        seen->offersDoNotAsk = box->checkBox() != nullptr;
        if (tickDoNotAsk && box->checkBox()) box->checkBox()->setChecked(true);
        if (const QString shots = qEnvironmentVariable("STUDIO_SCREENSHOT_DIR"); !shots.isEmpty())
            box->grab().save(shots + "/quit-" + QString::number(box->text().size()) + ".png");  // to look at
        QTest::keyClick(box, key);
    });
    poll->start(10);
}

void startLongRun(MainWindow& w) {
    QTRY_VERIFY_WITH_TIMEOUT(w.dataset() && !w.isDatasetLoading(), 20000);
    setField(w.hyperparameterForm(), "epochs", 50);
    setField(w.hyperparameterForm(), "threads", 1);
    w.startTraining();
    QTRY_VERIFY_WITH_TIMEOUT(w.trainingController()->isRunning() && w.lossChart()->pointCount("batch") > 3, 20000);
}

}  // namespace

class QuitConfirmationTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void sentencesSayWhatHappensToTheRun();
    void theQuestionFollowsTheRun();
    void closingMidRunAsksAndCancelKeepsTraining();
    void doNotAskAgainIsRemembered();
};

void QuitConfirmationTest::initTestCase() {
    QCoreApplication::setOrganizationName("TrainingStudioTests");
    QCoreApplication::setApplicationName("tst_quit_confirmation");
    QSettings().clear();
}

void QuitConfirmationTest::sentencesSayWhatHappensToTheRun() {
    TrainingAtClose kept{true, 12, 2, 10, 0};
    QCOMPARE(QuitConfirmation::headline(kept), QString("Run 12 is training (epoch 3 of 10)."));
    QVERIFY(QuitConfirmation::consequence(kept).contains("keeps it in the run store as interrupted"));
    QVERIFY(QuitConfirmation::consequence(kept).contains("checkpoint of epoch 2"));
    QVERIFY(QuitConfirmation::consequence(kept).contains("Resume"));
    TrainingAtClose firstEpoch{true, 3, 0, 10, 0};
    QVERIFY(QuitConfirmation::consequence(firstEpoch).contains("starts it again from the beginning"));
    TrainingAtClose fineTuning{true, 0, 1, 6, 0};
    QVERIFY(!fineTuning.everythingKept());
    QVERIFY(QuitConfirmation::consequence(fineTuning).contains("not kept"));
    TrainingAtClose background{false, 0, 0, 0, 2};
    QCOMPARE(QuitConfirmation::headline(background), QString("2 runs are training in the background."));
    QVERIFY(QuitConfirmation::consequence(background).contains("Resume"));
    QVERIFY(!TrainingAtClose{}.anything());
    QVERIFY(QuitConfirmation::confirm(nullptr, [] { return TrainingAtClose{}; }));  // idle: no question at all

    TrainingAtClose unsaved;  // idle, with the model from a fine-tuning only in memory
    unsaved.unsavedModel = true;
    QVERIFY(unsaved.anything());
    QVERIFY(!unsaved.everythingKept());
    QCOMPARE(QuitConfirmation::headline(unsaved), QString("The corrected model is not saved."));
    QVERIFY(QuitConfirmation::consequence(unsaved).contains("File ▸ Save Model"));
}

void QuitConfirmationTest::theQuestionFollowsTheRun() {
    // The run goes on while the question is open: an epoch ends every call here.
    int calls = 0;
    const auto now = [&] { return TrainingAtClose{true, 12, 2 + calls++, 10, 0}; };
    Question seen;
    answerNextQuestion(&seen, Qt::Key_Escape, false, 1300);
    QVERIFY(!QuitConfirmation::confirm(nullptr, now));
    QVERIFY(seen.asked);
    QVERIFY2(seen.headline.startsWith("Run 12 is training (epoch ") &&
                 seen.headline != "Run 12 is training (epoch 3 of 10).",
             qPrintable(seen.headline));

    Question unsaved;  // nothing left to ask about a kept run, but the fine-tuned model is unsaved
    TrainingAtClose t;
    t.unsavedModel = true;
    answerNextQuestion(&unsaved, Qt::Key_Return);
    QVERIFY2(!QuitConfirmation::confirm(nullptr, [t] { return t; }), "Enter must cancel: the model would be lost");
    QCOMPARE(unsaved.defaultButton, QString("Cancel"));
    QVERIFY(!unsaved.offersDoNotAsk);
}

void QuitConfirmationTest::closingMidRunAsksAndCancelKeepsTraining() {
    auto* w = new MainWindow;
    w->show();
    startLongRun(*w);
    const qint64 id = w->trainingController()->recordedRunId();
    QVERIFY(id > 0);

    Question cancelled;
    answerNextQuestion(&cancelled, Qt::Key_Escape);
    QVERIFY2(!w->close(), "Cancel must keep the window open");
    QVERIFY(cancelled.asked);
    QVERIFY2(cancelled.headline.startsWith(QString("Run %1 is training (epoch ").arg(id)),
             qPrintable(cancelled.headline));
    QVERIFY2(cancelled.consequence.contains("keeps it in the run store") && cancelled.consequence.contains("Resume"),
             qPrintable(cancelled.consequence));
    QCOMPARE(cancelled.defaultButton, QString("Stop and Quit"));
    QVERIFY(cancelled.offersDoNotAsk);
    QVERIFY(w->isVisible());
    QVERIFY(w->trainingController()->isRunning());
    const int before = w->lossChart()->pointCount("batch");
    QTRY_VERIFY_WITH_TIMEOUT(w->lossChart()->pointCount("batch") > before, 10000);  // still training

    // Enter takes the default: the window closes and the process could end within the limit.
    Question accepted;
    QElapsedTimer t;
    t.start();
    answerNextQuestion(&accepted, Qt::Key_Return);
    QVERIFY(w->close());
    delete w;
    const qint64 ms = t.elapsed();
    qInfo("Closing mid-run took %lld ms after the question", ms);
    QVERIFY(accepted.asked);
    QVERIFY(ms < timeLimitMs(2000));
    QVERIFY(QSettings().value(QuitConfirmation::kAskSetting, true).toBool());  // not ticked: asks again
}

void QuitConfirmationTest::doNotAskAgainIsRemembered() {
    {
        MainWindow w;
        w.show();
        startLongRun(w);
        Question first;
        answerNextQuestion(&first, Qt::Key_Return, true);
        QVERIFY(w.close());
        QVERIFY(first.asked);
    }
    QCOMPARE(QSettings().value(QuitConfirmation::kAskSetting).toBool(), false);
    MainWindow w;
    w.show();
    startLongRun(w);
    Question second;
    answerNextQuestion(&second, Qt::Key_Escape);  // would cancel, if anything asked
    QVERIFY(w.close());
    QVERIFY2(!second.asked, "asked although told not to");
    QTest::qWait(3100);  // the poller gives up; nothing is left to answer
    QSettings().remove(QuitConfirmation::kAskSetting);
}

QTEST_MAIN(QuitConfirmationTest)
#include "tst_quit_confirmation.moc"
