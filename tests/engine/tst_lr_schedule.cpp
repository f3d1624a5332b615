// Learning-rate schedules against hand-computed values, continuity at the end of warm-up and
// monotonic decay.

#include <QTest>

#include <cmath>

#include "engine/optim/lr_schedule.h"

using namespace studio;

namespace {

LrSchedule make(const std::string& kind, float base, int warmup = 0, float gamma = 0.1f, int stepEpochs = 10,
                float minLr = 0.0f) {
    LrSchedule s;
    s.kind = kind;
    s.baseLr = base;
    s.warmupEpochs = warmup;
    s.gamma = gamma;
    s.stepEpochs = stepEpochs;
    s.minLr = minLr;
    return s;
}

}  // namespace

class TestLrSchedule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void handValues_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("warmup");
        QTest::addColumn<float>("gamma");
        QTest::addColumn<int>("stepEpochs");
        QTest::addColumn<float>("minLr");
        QTest::addColumn<int>("step");
        QTest::addColumn<double>("expected");
        // 10 steps per epoch, 10 epochs, baseLr 1 unless said otherwise.
        QTest::newRow("constant") << "constant" << 0 << 0.1f << 10 << 0.0f << 57 << 1.0;
        QTest::newRow("step, first block") << "step" << 0 << 0.5f << 2 << 0.0f << 19 << 1.0;
        QTest::newRow("step, second block") << "step" << 0 << 0.5f << 2 << 0.0f << 20 << 0.5;
        QTest::newRow("step, third block") << "step" << 0 << 0.5f << 2 << 0.0f << 45 << 0.25;
        QTest::newRow("exponential, one epoch") << "exponential" << 0 << 0.5f << 10 << 0.0f << 10 << 0.5;
        QTest::newRow("exponential, half epoch") << "exponential" << 0 << 0.5f << 10 << 0.0f << 5 << 0.70710678118;
        QTest::newRow("exponential, three epochs") << "exponential" << 0 << 0.5f << 10 << 0.0f << 30 << 0.125;
        // cosine over T = 100 steps: ½(1 + cos(π·s/100))
        QTest::newRow("cosine start") << "cosine" << 0 << 0.1f << 10 << 0.0f << 0 << 1.0;
        QTest::newRow("cosine quarter") << "cosine" << 0 << 0.1f << 10 << 0.0f << 25 << 0.85355339059;
        QTest::newRow("cosine half") << "cosine" << 0 << 0.1f << 10 << 0.0f << 50 << 0.5;
        QTest::newRow("cosine half, floor 0.2") << "cosine" << 0 << 0.1f << 10 << 0.2f << 50 << 0.6;
        QTest::newRow("cosine past the end") << "cosine" << 0 << 0.1f << 10 << 0.2f << 1000 << 0.2;
        // warm-up of 2 epochs = 20 steps: (step+1)/20
        QTest::newRow("warm-up first") << "cosine" << 2 << 0.1f << 10 << 0.0f << 0 << 0.05;
        QTest::newRow("warm-up middle") << "step" << 2 << 0.5f << 1 << 0.0f << 9 << 0.5;
        QTest::newRow("warm-up last") << "constant" << 2 << 0.1f << 10 << 0.0f << 19 << 1.0;
        // after warm-up, the decay counts from its end: cosine over T = 80, s = 40 → ½
        QTest::newRow("cosine after warm-up") << "cosine" << 2 << 0.1f << 10 << 0.0f << 60 << 0.5;
        QTest::newRow("step after warm-up") << "step" << 2 << 0.5f << 1 << 0.0f << 30 << 0.5;
    }
    void handValues() {
        QFETCH(QString, kind);
        QFETCH(int, warmup);
        QFETCH(float, gamma);
        QFETCH(int, stepEpochs);
        QFETCH(float, minLr);
        QFETCH(int, step);
        QFETCH(double, expected);
        const auto s = make(kind.toStdString(), 1.0f, warmup, gamma, stepEpochs, minLr);
        const float lr = s.at(step, 10, 10);
        QVERIFY2(std::abs(lr - expected) < 1e-6,
                 qPrintable(QString("lr %1, expected %2").arg(lr, 0, 'g', 9).arg(expected)));
    }

    void continuousAtWarmupEnd() {
        for (const std::string kind : {"constant", "step", "exponential", "cosine"}) {
            const auto s = make(kind, 0.01f, 3, kind == "step" ? 0.5f : 0.9f, 1, 0.001f);
            const float last = s.at(29, 10, 20), first = s.at(30, 10, 20);
            QCOMPARE(last, 0.01f);
            QCOMPARE(first, 0.01f);
            // The next step moves by at most one step's worth of decay.
            const float next = s.at(31, 10, 20);
            QVERIFY2(next <= first && next > 0.0f, kind.c_str());
        }
    }

    void monotonic() {
        for (const std::string kind : {"step", "exponential", "cosine"}) {
            const auto s = make(kind, 0.1f, 2, 0.7f, 3, 0.0f);
            float previous = 0.0f;
            for (int step = 0; step < 20 * 7; ++step) {
                const float lr = s.at(step, 7, 20);
                QVERIFY(std::isfinite(lr) && lr >= 0.0f);
                if (step < 14)
                    QVERIFY2(lr > previous, kind.c_str());  // warm-up rises
                else if (step > 14)
                    QVERIFY2(lr <= previous, kind.c_str());  // decay falls
                previous = lr;
            }
        }
        // Exponential is smooth: strictly falling each step.
        const auto e = make("exponential", 1.0f, 0, 0.9f);
        for (int step = 1; step < 50; ++step) QVERIFY(e.at(step, 10, 5) < e.at(step - 1, 10, 5));
    }

    void degenerateCounts() {
        const auto s = make("cosine", 0.5f, 5);
        QVERIFY(std::isfinite(s.at(0, 0, 0)));
        QVERIFY(std::isfinite(s.at(-3, 1, 1)));
        QCOMPARE(make("constant", 0.5f).at(3, 0, 0), 0.5f);
        // Warm-up longer than the run: stays a warm-up, ends at baseLr.
        QCOMPARE(s.at(1, 1, 2), 0.5f);
    }

    void json() {
        auto s = make("cosine", 0.02f, 1, 0.1f, 10, 0.001f);
        auto back = LrSchedule::fromJson(s.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->kind, std::string("cosine"));
        QCOMPARE(back->baseLr, 0.02f);
        QCOMPARE(back->warmupEpochs, 1);
        QCOMPARE(back->minLr, 0.001f);
        auto exp = LrSchedule::fromJson({{"kind", "exponential"}});
        QVERIFY(exp.ok());
        QCOMPARE(exp->gamma, 0.95f);
        QCOMPARE(LrSchedule::fromJson({{"kind", "step"}})->gamma, 0.1f);

        auto bad = LrSchedule::fromJson({{"kind", "cosine"}, {"gamma", 2}});
        QVERIFY(!bad.ok());
        QVERIFY(bad.error().message().find("'gamma'") != std::string::npos);
        auto kind = LrSchedule::fromJson({{"kind", "cyclic"}});
        QVERIFY(!kind.ok());
        QVERIFY(kind.error().message().find("'kind'") != std::string::npos);
        QVERIFY(!LrSchedule::fromJson({{"warmupEpochs", -1}}).ok());
        QVERIFY(!LrSchedule::fromJson({{"baseLr", 0}}).ok());
        QVERIFY(!LrSchedule::fromJson({{"baseLr", 0.01}, {"minLr", 0.1}}).ok());
        QVERIFY(!LrSchedule::fromJson({{"speed", 1}}).ok());
        QCOMPARE(LrSchedule::kinds().size(), std::size_t(4));
    }
};

QTEST_APPLESS_MAIN(TestLrSchedule)
#include "tst_lr_schedule.moc"
