// Optimizers against reference values. Each row runs 3 steps on a 2×2 weight (decay allowed),
// a bias (no decay) and a statistic (not trainable) with fixed gradients. The expected numbers
// come from torch.optim (torch 1.13, float32) on the same tensors — weight in a param group with
// weight_decay=λ, bias in one with 0 — so they check our formulas against an independent
// implementation; the first step of each is also re-derived by hand below.

#include <QTest>

#include <cmath>

#include "engine/core/parallel.h"
#include "engine/optim/optimizer.h"

using namespace studio;

namespace {

struct Fixture {
    Param w{"weight", Tensor({2, 2}), true, true};
    Param b{"bias", Tensor({2}), true, false};
    Param stat{"running_mean", Tensor({2}), false, false};
    std::vector<Param*> params{&w, &b, &stat};
    Fixture() {
        const float w0[] = {0.5f, -1.0f, 2.0f, 0.25f};
        for (int i = 0; i < 4; ++i) w.value[i] = w0[i];
        b.value[0] = 0.1f;
        b.value[1] = -0.2f;
        stat.value[0] = 3.0f;
        stat.value[1] = 4.0f;
    }
    std::vector<Tensor> grads(int k) const {
        static const float gw[3][4] = {
            {0.1f, -0.2f, 0.3f, 0.4f}, {-0.3f, 0.1f, 0.2f, -0.1f}, {0.05f, 0.05f, -0.4f, 0.3f}};
        static const float gb[3][2] = {{0.5f, -0.5f}, {0.2f, 0.1f}, {-0.1f, 0.3f}};
        std::vector<Tensor> g{Tensor({2, 2}), Tensor({2}), Tensor({2}, 7.0f)};
        for (int i = 0; i < 4; ++i) g[0][i] = gw[k][i];
        for (int i = 0; i < 2; ++i) g[1][i] = gb[k][i];
        return g;
    }
};

std::unique_ptr<Optimizer> make(const std::string& kind, float decay, float clip = 0.0f) {
    OptimizerConfig c;
    c.kind = kind;
    c.momentum = 0.9f;
    c.weightDecay = decay;
    c.clipNorm = clip;
    auto opt = Optimizer::create(c);
    if (!opt.ok()) qFatal("%s", opt.error().what().c_str());
    return std::move(opt.value());
}

using Vec = std::vector<float>;

}  // namespace

class TestOptimizers : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void threeSteps_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<float>("decay");
        QTest::addColumn<Vec>("weight");
        QTest::addColumn<Vec>("bias");
        // torch.optim, lr 0.1, μ 0.9, β (0.9, 0.999), ε 1e-8, α 0.99.
        QTest::newRow("sgd") << "sgd" << 0.0f << Vec{0.515000045f, -0.995000005f, 1.99000001f, 0.189999998f}
                             << Vec{0.0399999991f, -0.190000013f};
        QTest::newRow("momentum") << "momentum" << 0.0f << Vec{0.524900019f, -0.969799995f, 1.92069995f, 0.130600005f}
                                  << Vec{-0.0634999946f, -0.113500014f};
        QTest::newRow("nesterov") << "nesterov" << 0.0f << Vec{0.537410021f, -0.967819989f, 1.91863f, 0.082539998f}
                                  << Vec{-0.107149996f, -0.112150006f};
        QTest::newRow("adam") << "adam" << 0.0f << Vec{0.477168798f, -0.867227435f, 1.80023539f, 0.0361103043f}
                              << Vec{-0.146474421f, -0.0472765453f};
        QTest::newRow("adamw") << "adamw" << 0.0f << Vec{0.477168798f, -0.867227435f, 1.80023539f, 0.0361103043f}
                               << Vec{-0.146474421f, -0.0472765453f};
        QTest::newRow("rmsprop") << "rmsprop" << 0.0f << Vec{0.292140901f, -0.66911751f, 1.18897319f, -1.0984143f}
                                 << Vec{-1.08876967f, 0.0921245813f};
        // With decay λ = 0.1 on the weight only: the bias rows must equal the undecayed ones.
        QTest::newRow("sgd-decay") << "sgd" << 0.1f << Vec{0.500048518f, -0.965596974f, 1.93139505f, 0.183270752f}
                                   << Vec{0.0399999991f, -0.190000013f};
        QTest::newRow("momentum-decay") << "momentum" << 0.1f
                                        << Vec{0.497168481f, -0.914836943f, 1.81079507f, 0.118110746f}
                                        << Vec{-0.0634999946f, -0.113500014f};
        QTest::newRow("nesterov-decay") << "nesterov" << 0.1f
                                        << Vec{0.497796923f, -0.8903988f, 1.76420867f, 0.0664942339f}
                                        << Vec{-0.107149996f, -0.112150006f};
        QTest::newRow("adam-decay") << "adam" << 0.1f << Vec{0.434938192f, -0.778868079f, 1.75032675f, 0.0295956209f}
                                    << Vec{-0.146474421f, -0.0472765453f};
        QTest::newRow("adamw-decay") << "adamw" << 0.1f << Vec{0.46381411f, -0.839782774f, 1.74379373f, 0.031144537f}
                                     << Vec{-0.146474421f, -0.0472765453f};
        QTest::newRow("rmsprop-decay") << "rmsprop" << 0.1f
                                       << Vec{0.183756232f, -0.375775993f, 1.0033251f, -0.868094683f}
                                       << Vec{-1.08876967f, 0.0921245813f};
    }
    void threeSteps() {
        QFETCH(QString, kind);
        QFETCH(float, decay);
        QFETCH(Vec, weight);
        QFETCH(Vec, bias);
        Fixture f;
        auto opt = make(kind.toStdString(), decay);
        for (int k = 0; k < 3; ++k) {
            auto g = f.grads(k);
            opt->step(f.params, g, 0.1f);
        }
        QCOMPARE(opt->steps(), 3);
        for (int i = 0; i < 4; ++i)
            QVERIFY2(std::abs(f.w.value[i] - weight[i]) <= 2e-6f * (1.0f + std::abs(weight[i])),
                     qPrintable(QString("weight[%1] = %2, expected %3")
                                    .arg(i)
                                    .arg(f.w.value[i], 0, 'g', 9)
                                    .arg(weight[i], 0, 'g', 9)));
        for (int i = 0; i < 2; ++i)
            QVERIFY2(
                std::abs(f.b.value[i] - bias[i]) <= 2e-6f * (1.0f + std::abs(bias[i])),
                qPrintable(
                    QString("bias[%1] = %2, expected %3").arg(i).arg(f.b.value[i], 0, 'g', 9).arg(bias[i], 0, 'g', 9)));
        // Never touched: the statistic, even though its gradient slot holds 7.
        QCOMPARE(f.stat.value[0], 3.0f);
        QCOMPARE(f.stat.value[1], 4.0f);
    }

    void firstStepByHand() {
        // Adam's first step is lr·sign(g) (m̂ = g, v̂ = g²) up to ε: θ = 0.5 − 0.1 = 0.4.
        {
            Fixture f;
            auto opt = make("adam", 0.0f);
            auto g = f.grads(0);
            opt->step(f.params, g, 0.1f);
            QVERIFY(std::abs(f.w.value[0] - 0.4f) < 1e-6f);
            QVERIFY(std::abs(f.w.value[1] - (-0.9f)) < 1e-6f);
        }
        // Nesterov, first step: b = g, θ ← θ − lr·(g + μ·g) = 0.5 − 0.1·1.9·0.1 = 0.481.
        {
            Fixture f;
            auto opt = make("nesterov", 0.0f);
            auto g = f.grads(0);
            opt->step(f.params, g, 0.1f);
            QVERIFY(std::abs(f.w.value[0] - 0.481f) < 1e-6f);
        }
        // RMSProp, first step: v = 0.01·g², θ ← θ − lr·g/(0.1·|g|) = θ − sign(g) (ε aside).
        {
            Fixture f;
            auto opt = make("rmsprop", 0.0f);
            auto g = f.grads(0);
            opt->step(f.params, g, 0.1f);
            QVERIFY(std::abs(f.w.value[0] - (-0.5f)) < 1e-5f);
        }
        // AdamW decay: θ ← θ(1 − lr·λ) then Adam: 0.5·(1 − 0.01) − 0.1 = 0.395.
        {
            Fixture f;
            auto opt = make("adamw", 0.1f);
            auto g = f.grads(0);
            opt->step(f.params, g, 0.1f);
            QVERIFY(std::abs(f.w.value[0] - 0.395f) < 1e-6f);
            QVERIFY(std::abs(f.b.value[0] - 0.0f) < 1e-6f);  // 0.1 − 0.1, no decay on the bias
        }
    }

    void decayOnlyWhereAllowed() {
        // Zero gradients: only decay can move anything.
        for (const std::string kind : {"sgd", "momentum", "adamw"}) {
            Fixture f;
            auto opt = make(kind, 0.5f);
            std::vector<Tensor> g{Tensor({2, 2}), Tensor({2}), Tensor({2}, 1.0f)};
            opt->step(f.params, g, 0.1f);
            QVERIFY2(f.w.value[0] < 0.5f, kind.c_str());  // shrunk towards 0
            QCOMPARE(f.b.value[0], 0.1f);                 // decay=false: unchanged
            QCOMPARE(f.b.value[1], -0.2f);
            QCOMPARE(f.stat.value[0], 3.0f);  // not trainable: unchanged
        }
        Fixture f;
        auto opt = make("sgd", 0.5f);
        std::vector<Tensor> g{Tensor({2, 2}), Tensor({2}), Tensor({2})};
        opt->step(f.params, g, 0.1f);
        QVERIFY(std::abs(f.w.value[0] - 0.5f * (1.0f - 0.05f)) < 1e-7f);  // θ − lr·λ·θ
    }

    void clippingScalesToTheNorm() {
        Fixture f;
        auto g = f.grads(0);
        // ‖g‖ over the trainable grads: √(0.01+0.04+0.09+0.16+0.25+0.25) = √0.8; the statistic's 7s
        // must not count.
        const double norm = gradientNorm(f.params, g);
        QVERIFY(std::abs(norm - std::sqrt(0.8)) < 1e-7);
        const double before = clipGradientNorm(f.params, g, 0.5);
        QCOMPARE(before, norm);
        QVERIFY(std::abs(gradientNorm(f.params, g) - 0.5) < 1e-6);
        // torch.nn.utils.clip_grad_norm_ gives these.
        QVERIFY(std::abs(g[0][0] - 0.0559016354f) < 1e-7f);
        QVERIFY(std::abs(g[1][1] - (-0.279508173f)) < 1e-7f);
        QCOMPARE(g[2][0], 7.0f);
        // Below the limit nothing changes.
        auto h = f.grads(1);
        const auto copy = h;
        clipGradientNorm(f.params, h, 10.0);
        for (std::size_t i = 0; i < h.size(); ++i)
            for (std::size_t e = 0; e < h[i].size(); ++e) QCOMPARE(h[i][e], copy[i][e]);
        // Through the optimizer: plain SGD with clipNorm 0.5 moves θ by lr·clipped g.
        Fixture f2;
        auto opt = make("sgd", 0.0f, 0.5f);
        auto g2 = f2.grads(0);
        opt->step(f2.params, g2, 1.0f);
        QVERIFY(std::abs(opt->lastGradientNorm() - std::sqrt(0.8)) < 1e-6);
        QVERIFY(std::abs(f2.w.value[0] - (0.5f - 0.0559016354f)) < 1e-6f);
    }

    void sameWithOneAndTwoThreads() {
        // Large enough for the parallel path; the result must not depend on the thread count.
        auto run = [](int threads) {
            ThreadPool pool(threads);
            std::vector<Param> ps;
            pool.execute([&] { ps = runSteps(); });
            return ps;
        };
        const auto a = run(1), b = run(2);
        for (std::size_t i = 0; i < a.size(); ++i)
            QVERIFY(std::equal(a[i].value.data(), a[i].value.data() + a[i].value.size(), b[i].value.data()));
    }

private:
    static std::vector<Param> runSteps() {
        std::vector<Param> ps;
        for (int i = 0; i < 6; ++i) ps.push_back({"p", Tensor({20000}), true, i % 2 == 0});
        std::vector<Param*> ptrs;
        for (auto& p : ps) {
            for (std::size_t e = 0; e < p.value.size(); ++e) p.value[e] = std::sin(0.1f * static_cast<float>(e));
            ptrs.push_back(&p);
        }
        auto opt = make("adamw", 0.01f, 1.0f);
        for (int k = 0; k < 3; ++k) {
            std::vector<Tensor> g;
            for (auto& p : ps) {
                Tensor t(p.value.shape());
                for (std::size_t e = 0; e < t.size(); ++e) t[e] = std::cos(0.37f * static_cast<float>(e + k));
                g.push_back(t);
            }
            opt->step(ptrs, g, 0.01f);
        }
        return ps;
    }

private Q_SLOTS:
    void configJson() {
        OptimizerConfig c;
        c.kind = "rmsprop";
        c.rmsAlpha = 0.9f;
        c.clipNorm = 2.0f;
        auto back = OptimizerConfig::fromJson(c.toJson());
        QVERIFY(back.ok());
        QCOMPARE(back->kind, std::string("rmsprop"));
        QCOMPARE(back->rmsAlpha, 0.9f);
        QCOMPARE(back->clipNorm, 2.0f);
        QVERIFY(OptimizerConfig::fromJson(nlohmann::json::object()).ok());

        auto bad = OptimizerConfig::fromJson({{"kind", "adam"}, {"beta1", 1.5}});
        QVERIFY(!bad.ok());
        QVERIFY2(bad.error().message().find("'beta1'") != std::string::npos, bad.error().message().c_str());
        auto kind = OptimizerConfig::fromJson({{"kind", "adagrad"}});
        QVERIFY(!kind.ok());
        QVERIFY(kind.error().message().find("'kind'") != std::string::npos);
        QVERIFY(kind.error().message().find("adamw") != std::string::npos);  // lists the choices
        auto unknown = OptimizerConfig::fromJson({{"lr", 0.1}});
        QVERIFY(!unknown.ok());
        QVERIFY(unknown.error().message().find("'lr'") != std::string::npos);
        QVERIFY(!OptimizerConfig::fromJson({{"kind", "nesterov"}, {"momentum", 0}}).ok());
        QVERIFY(!OptimizerConfig::fromJson({{"weightDecay", "a lot"}}).ok());
        QVERIFY(!OptimizerConfig::fromJson(nlohmann::json::array()).ok());
        OptimizerConfig negative;
        negative.epsilon = -1.0f;
        auto created = Optimizer::create(negative);
        QVERIFY(!created.ok());
        QVERIFY(created.error().message().find("'epsilon'") != std::string::npos);
        QCOMPARE(OptimizerConfig::kinds().size(), std::size_t(6));
    }
};

QTEST_APPLESS_MAIN(TestOptimizers)
#include "tst_optimizers.moc"
