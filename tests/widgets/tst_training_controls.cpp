// TrainingControls: buttons follow the state the app sets and emit what the user asked for.
#include "widgets/training_controls.h"

#include <QSignalSpy>
#include <QToolButton>
#include <QtTest>

using namespace studio::widgets;
using State = TrainingControls::State;

class TrainingControlsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buttonsFollowState_data();
    void buttonsFollowState();
    void clicksEmitIntentsWithoutChangingState();
    void pauseButtonTogglesToResume();
    void startDisabledExplainsWhy();
    void progressText_data();
    void progressText();
    void ratesAreHumanReadable();
    void statusErrorStyle();
    void iconsAreLoaded();
};

void TrainingControlsTest::buttonsFollowState_data() {
    QTest::addColumn<State>("state");
    QTest::addColumn<bool>("start");
    QTest::addColumn<bool>("pause");
    QTest::addColumn<bool>("stop");
    QTest::addColumn<QString>("pauseText");
    QTest::newRow("idle") << State::Idle << true << false << false << "Pause";
    QTest::newRow("running") << State::Running << false << true << true << "Pause";
    QTest::newRow("paused") << State::Paused << false << true << true << "Resume";
    QTest::newRow("stopping") << State::Stopping << false << false << false << "Pause";
}

void TrainingControlsTest::buttonsFollowState() {
    QFETCH(State, state);
    QFETCH(bool, start);
    QFETCH(bool, pause);
    QFETCH(bool, stop);
    QFETCH(QString, pauseText);
    TrainingControls controls;
    controls.setState(state);
    QCOMPARE(controls.state(), state);
    QCOMPARE(controls.startButton()->isEnabled(), start);
    QCOMPARE(controls.pauseButton()->isEnabled(), pause);
    QCOMPARE(controls.stopButton()->isEnabled(), stop);
    QCOMPARE(controls.pauseButton()->text(), pauseText);
}

void TrainingControlsTest::clicksEmitIntentsWithoutChangingState() {
    TrainingControls controls;
    QSignalSpy start(&controls, &TrainingControls::startRequested);
    QSignalSpy pause(&controls, &TrainingControls::pauseRequested);
    QSignalSpy resume(&controls, &TrainingControls::resumeRequested);
    QSignalSpy stop(&controls, &TrainingControls::stopRequested);
    QTest::mouseClick(controls.startButton(), Qt::LeftButton);
    QCOMPARE(start.count(), 1);
    QCOMPARE(controls.state(), State::Idle);  // the app decides
    controls.setState(State::Running);
    QTest::mouseClick(controls.startButton(), Qt::LeftButton);  // disabled now
    QCOMPARE(start.count(), 1);
    QTest::mouseClick(controls.pauseButton(), Qt::LeftButton);
    QCOMPARE(pause.count(), 1);
    QCOMPARE(resume.count(), 0);
    QTest::mouseClick(controls.stopButton(), Qt::LeftButton);
    QCOMPARE(stop.count(), 1);
}

void TrainingControlsTest::pauseButtonTogglesToResume() {
    TrainingControls controls;
    QSignalSpy pause(&controls, &TrainingControls::pauseRequested);
    QSignalSpy resume(&controls, &TrainingControls::resumeRequested);
    controls.setState(State::Paused);
    QTest::mouseClick(controls.pauseButton(), Qt::LeftButton);
    QCOMPARE(resume.count(), 1);
    QCOMPARE(pause.count(), 0);
    controls.setState(State::Running);
    QCOMPARE(controls.pauseButton()->text(), QString("Pause"));
    QTest::mouseClick(controls.pauseButton(), Qt::LeftButton);
    QCOMPARE(pause.count(), 1);
}

void TrainingControlsTest::startDisabledExplainsWhy() {
    TrainingControls controls;
    controls.setStartEnabled(false, "Choose a dataset first");
    QVERIFY(!controls.startButton()->isEnabled());
    QCOMPARE(controls.startButton()->toolTip(), QString("Choose a dataset first"));
    controls.setStartEnabled(true);
    QVERIFY(controls.startButton()->isEnabled());
    QVERIFY(controls.startButton()->toolTip() != QString("Choose a dataset first"));
}

void TrainingControlsTest::progressText_data() {
    QTest::addColumn<int>("epoch");
    QTest::addColumn<int>("epochs");
    QTest::addColumn<int>("batch");
    QTest::addColumn<int>("batches");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("permille");
    QTest::newRow("mid run") << 3 << 10 << 120 << 844 << "epoch 3/10 · batch 120/844" << 214;
    QTest::newRow("first batch") << 1 << 5 << 0 << 100 << "epoch 1/5 · batch 0/100" << 0;
    QTest::newRow("done") << 5 << 5 << 100 << 100 << "epoch 5/5 · batch 100/100" << 1000;
    QTest::newRow("not started") << 0 << 0 << 0 << 0 << "not started" << 0;
}

void TrainingControlsTest::progressText() {
    QFETCH(int, epoch);
    QFETCH(int, epochs);
    QFETCH(int, batch);
    QFETCH(int, batches);
    QFETCH(QString, text);
    QFETCH(int, permille);
    TrainingControls controls;
    controls.setProgress(epoch, epochs, batch, batches);
    QCOMPARE(controls.progressText(), text);
    QCOMPARE(controls.progressPermille(), permille);
}

void TrainingControlsTest::ratesAreHumanReadable() {
    TrainingControls controls;
    controls.setRates(83.4, 3725.0, 12345.6);
    QCOMPARE(controls.elapsedText(), QString("Elapsed 1:23"));
    QCOMPARE(controls.etaText(), QString("Remaining 1:02:05"));
    QCOMPARE(controls.speedText(), QString("12,346 samples/s"));
    controls.setRates(5.0, -1.0, 0.0);
    QCOMPARE(controls.etaText(), QString("Remaining —"));
}

void TrainingControlsTest::statusErrorStyle() {
    TrainingControls controls;
    controls.setStatus("Epoch 2 finished", false);
    QCOMPARE(controls.statusText(), QString("Epoch 2 finished"));
    QVERIFY(!controls.statusIsError());
    controls.setStatus("Loss became NaN in layer 3 (dense)", true);
    QVERIFY(controls.statusIsError());
    QCOMPARE(controls.statusText(), QString("Loss became NaN in layer 3 (dense)"));
}

void TrainingControlsTest::iconsAreLoaded() {
    TrainingControls controls;
    for (QToolButton* b : {controls.startButton(), controls.pauseButton(), controls.stopButton()}) {
        QVERIFY(!b->icon().isNull());
        QVERIFY(!b->icon().pixmap(20, 20).isNull());
    }
}

QTEST_MAIN(TrainingControlsTest)
#include "tst_training_controls.moc"
