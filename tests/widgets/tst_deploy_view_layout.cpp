// The Deploy tab beside the docks at 1024×700 is about 580 pixels wide: its buttons keep the width
// their text needs and wrap onto a second row, instead of being squeezed to "antize to IN",
// "easure aga" and "xport ONNX" (seen on an Xvfb screenshot).
#include "widgets/deploy_view.h"

#include <QAbstractButton>
#include <QAbstractSpinBox>
#include <QtTest>

using namespace studio::widgets;

class DeployViewLayoutTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void buttonsWrapInsteadOfClipping() {
        QWidget tab;  // the window gives the tab its width, whatever the view's minimum
        tab.resize(580, 640);
        auto* view = new DeployView(&tab);
        view->setGeometry(0, 0, 580, 640);
        tab.show();
        QVERIFY(QTest::qWaitForWindowExposed(&tab));
        int buttons = 0;
        for (QAbstractButton* b : view->findChildren<QAbstractButton*>(Qt::FindDirectChildrenOnly)) {
            if (!b->isVisible()) continue;
            ++buttons;
            QVERIFY2(b->width() >= b->sizeHint().width(),
                     qPrintable(QString("%1: %2 px of %3").arg(b->text()).arg(b->width()).arg(b->sizeHint().width())));
            QVERIFY2(view->rect().contains(b->geometry()), qPrintable(b->text() + " is outside the view"));
        }
        QVERIFY(buttons >= 7);  // Add model, Quantize, Structured, Prune, Measure again, Save, Export ONNX
        for (QAbstractSpinBox* s : view->findChildren<QAbstractSpinBox*>(Qt::FindDirectChildrenOnly))
            QVERIFY2(s->width() >= s->sizeHint().width(), "the sparsity box is squeezed");
    }
};

QTEST_MAIN(DeployViewLayoutTest)
#include "tst_deploy_view_layout.moc"
