// The Training tab's charts at the size they get in a 1024×700 window beside the Data dock
// (about 570×560): the Accuracy and Learning rate charts share their column equally, so neither is
// too short for its axis labels.

#include <QtTest>

#include "widgets/live_chart.h"
#include "widgets/training_view.h"

using namespace studio::widgets;

class TrainingViewTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void smallChartsShareTheirColumn() {
        TrainingView view;
        view.resize(570, 560);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const int accuracy = view.accuracyChart()->height();
        const int rate = view.learningRateChart()->height();
        QVERIFY2(accuracy >= rate * 9 / 10 && rate >= accuracy * 9 / 10,
                 qPrintable(QString("accuracy %1 px, learning rate %2 px").arg(accuracy).arg(rate)));
        QVERIFY2(accuracy >= view.accuracyChart()->minimumSizeHint().height(), qPrintable(QString::number(accuracy)));
    }
};

QTEST_MAIN(TrainingViewTest)
#include "tst_training_view.moc"
