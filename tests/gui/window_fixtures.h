#pragma once
// Driving the studio's settings form as a user does, for the window tests.

#include <QApplication>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QMessageBox>
#include <QSpinBox>
#include <QTimer>
#include <QtTest>

#include "widgets/hyperparameter_form.h"

/// Sets a form field the way a user does: types into its editor and finishes the edit.
inline void setField(studio::widgets::HyperparameterForm* form, const QString& key, const QVariant& value) {
    QWidget* editor = form->editor(key);
    QVERIFY2(editor, qPrintable(key));
    if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
        spin->setValue(value.toInt());
        Q_EMIT spin->editingFinished();
    } else if (auto* number = qobject_cast<QDoubleSpinBox*>(editor)) {
        number->setValue(value.toDouble());
        Q_EMIT number->editingFinished();
    } else if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        combo->setCurrentText(value.toString());
        Q_EMIT combo->activated(combo->currentIndex());
    }
    form->commitPendingEdit();
}

/// Answers the next modal question (closing mid-run asks first) with its default button, as a
/// user pressing Enter does; gives up after `waitMs` when none comes.
inline void answerNextQuestionWithDefault(int waitMs = 10000) {
    auto* poll = new QTimer;
    auto* clock = new QElapsedTimer;
    clock->start();
    QObject::connect(poll, &QTimer::timeout, [poll, clock, waitMs] {
        auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
        if (!box && clock->elapsed() < waitMs) return;
        poll->stop();
        poll->deleteLater();
        delete clock;
        if (box) QTest::keyClick(box, Qt::Key_Return);
    });
    poll->start(10);
}
