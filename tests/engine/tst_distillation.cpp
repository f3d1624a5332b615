// Knowledge distillation (engine/loss/distillation_loss.h, engine/train/distillation_teacher.h):
// the loss's gradient against central differences in double, the float loss against the double
// oracle, α = 0 bit for bit equal to plain training (the teacher is never run), a distilled run
// bit-identical on 1, 2 and 3 threads, and every unfit teacher refused with a message that names
// the file and the fix.

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>

#include <oneapi/tbb/global_control.h>

#include "engine/core/rng.h"
#include "engine/data/synthetic.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/io/model_file.h"
#include "engine/loss/distillation_loss.h"
#include "engine/train/distillation_teacher.h"
#include "engine/train/trainer.h"

using namespace studio;

namespace {

ModelSpec specFrom(const char* text, int classes) {
    auto spec = ModelSpec::fromJson(nlohmann::json::parse(text));
    if (!spec) qFatal("%s", spec.error().what().c_str());
    spec->classes = classes;
    return *spec;
}

// A small student with batchnorm and dropout (both must stay deterministic under distillation).
ModelSpec studentSpec(int classes) {
    return specFrom(R"({"input": [1, 28, 28], "layers": [
          {"type": "conv2d", "filters": 4, "kernel": 3, "padding": 1}, {"type": "batchnorm"}, {"type": "relu"},
          {"type": "maxpool2d", "size": 4}, {"type": "flatten"}, {"type": "dropout", "rate": 0.2},
          {"type": "dense", "units": 16}, {"type": "relu"}, {"type": "dense", "units": "classes"}]})",
                    classes);
}

ModelSpec teacherSpec(int classes) {
    return specFrom(R"({"input": [1, 28, 28], "layers": [
          {"type": "conv2d", "filters": 8, "kernel": 3, "padding": 1}, {"type": "relu"},
          {"type": "maxpool2d", "size": 2}, {"type": "flatten"},
          {"type": "dense", "units": 32}, {"type": "relu"}, {"type": "dense", "units": "classes"}]})",
                    classes);
}

TrainConfig smallConfig(int threads) {
    TrainConfig c;
    c.epochs = 2;
    c.batchSize = 48;
    c.shardSize = 16;  // 3 shards per batch
    c.threads = threads;
    c.seed = 5;
    c.schedule.baseLr = 3e-3f;
    c.augment = *AugmentConfig::parse("shift=0.1,noise=0.02");  // the teacher sees the augmented input too
    return c;
}

Result<TrainingOutcome> trainOn(const std::shared_ptr<const DatasetBundle>& data, const ModelSpec& spec,
                                const TrainConfig& config) {
    TrainingSetup setup;
    setup.data = data;
    setup.split = splitDataset(*data, config.validationFraction, config.testFraction, config.seed);
    setup.spec = spec;
    setup.config = config;
    return trainToEnd(setup);
}

std::string shaOf(const Result<TrainingOutcome>& outcome) {
    if (!outcome) qFatal("%s", outcome.error().what().c_str());
    return weightsSha256(outcome->snapshot->model);
}

// Random logits in double, spread like a trained network's (a few units).
std::vector<double> randomLogits(Rng& rng, int count, double spread) {
    std::vector<double> v(static_cast<std::size_t>(count));
    for (double& x : v) x = spread * (2.0 * rng.uniform() - 1.0);
    return v;
}

}  // namespace

class DistillationTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        m_parallelism = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, 3);
        QVERIFY(m_dir.isValid());
        auto bundle = generateDataset("shapes", 7, 900);
        QVERIFY(bundle.ok());
        m_data = std::make_shared<const DatasetBundle>(std::move(*bundle));
        // The teacher: a wider net trained briefly on the same data (no teacher of its own).
        TrainConfig c = smallConfig(0);
        c.epochs = 3;
        auto teacher = trainOn(m_data, teacherSpec(m_data->pool.classCount()), c);
        QVERIFY2(teacher.ok(), teacher ? "" : teacher.error().what().c_str());
        m_teacherSnapshot = teacher->snapshot;
        m_teacherPath = m_dir.filePath("teacher.tsmodel").toStdString();
        QVERIFY(saveModelFile(m_teacherPath, *m_teacherSnapshot).ok());
    }

    void gradientMatchesFiniteDifferences_data() {
        QTest::addColumn<double>("temperature");
        QTest::addColumn<double>("alpha");
        QTest::addColumn<double>("smoothing");
        QTest::newRow("T=4 α=0.5") << 4.0 << 0.5 << 0.0;
        QTest::newRow("T=1 α=1 (soft only)") << 1.0 << 1.0 << 0.0;
        QTest::newRow("T=2.5 α=0.3 ε=0.1") << 2.5 << 0.3 << 0.1;
        QTest::newRow("T=0.5 α=0.9") << 0.5 << 0.9 << 0.0;
        QTest::newRow("T=20 α=0.7") << 20.0 << 0.7 << 0.0;
    }
    void gradientMatchesFiniteDifferences() {
        QFETCH(double, temperature);
        QFETCH(double, alpha);
        QFETCH(double, smoothing);
        const DistillationParams params{temperature, alpha, smoothing};
        const int n = 3, k = 6;
        Rng rng(42);
        std::vector<double> z = randomLogits(rng, n * k, 4.0), t = randomLogits(rng, n * k, 6.0);
        const std::vector<std::int32_t> labels{2, 0, 5};
        const double gradScale = 1.0 / n;
        std::vector<double> dz(z.size());
        distillationLossRows(z.data(), t.data(), labels.data(), n, k, params, gradScale, dz.data());
        const double h = 1e-5;
        double worst = 0.0;
        for (std::size_t i = 0; i < z.size(); ++i) {
            const double keep = z[i];
            z[i] = keep + h;
            const double up = distillationLossRows(z.data(), t.data(), labels.data(), n, k, params, 1.0, nullptr);
            z[i] = keep - h;
            const double down = distillationLossRows(z.data(), t.data(), labels.data(), n, k, params, 1.0, nullptr);
            z[i] = keep;
            const double numeric = gradScale * (up - down) / (2 * h);
            worst = std::max(worst, std::abs(numeric - dz[i]) / std::max(1e-3, std::abs(numeric)));
        }
        QVERIFY2(worst < 1e-6, qPrintable(QString("worst relative error %1").arg(worst)));
    }

    void floatLossAgreesWithTheDoubleOracle() {
        const DistillationParams params{3.0, 0.6, 0.05};
        const int n = 5, k = 8;
        Rng rng(9);
        const std::vector<double> z = randomLogits(rng, n * k, 5.0), t = randomLogits(rng, n * k, 5.0);
        std::vector<std::int32_t> labels;
        for (int i = 0; i < n; ++i) labels.push_back(static_cast<std::int32_t>(rng.below(k)));
        Tensor zf({n, k}), tf({n, k}), dzf;
        for (std::size_t i = 0; i < z.size(); ++i) {
            zf[i] = static_cast<float>(z[i]);
            tf[i] = static_cast<float>(t[i]);
        }
        // The oracle on exactly the float inputs.
        std::vector<double> zr(zf.data(), zf.data() + zf.size()), tr(tf.data(), tf.data() + tf.size()), dz(z.size());
        const double expected = distillationLossRows(zr.data(), tr.data(), labels.data(), n, k, params, 0.25, dz.data());
        double objective = 0.0;
        const LossSum got = distillationLoss(zf, tf, labels, params, 0.25f, &dzf, &objective);
        QVERIFY(std::abs(objective - expected) <= 1e-9 * std::abs(expected));
        for (std::size_t i = 0; i < dz.size(); ++i) QVERIFY(std::abs(dzf[i] - dz[i]) <= 1e-6);
        // The reported loss is the label term alone, as softmaxCrossEntropy reports it.
        const LossSum plain = softmaxCrossEntropy(zf, labels, 0.05f, 0.25f, nullptr);
        QVERIFY(std::abs(got.loss - plain.loss) <= 1e-6 * plain.loss);
        QCOMPARE(got.correct, plain.correct);
        QVERIFY(objective != got.loss);
    }

    void aTeacherThatAgreesAddsNothing() {
        // α = 1 and teacher logits equal to the student's: KL = 0, so loss and gradient vanish.
        const int n = 2, k = 4;
        Tensor z({n, k});
        for (std::size_t i = 0; i < z.size(); ++i) z[i] = 0.3f * static_cast<float>(i) - 1.0f;
        Tensor dz;
        double objective = 1.0;
        const std::vector<std::int32_t> labels{1, 3};
        distillationLoss(z, z, labels, {4.0, 1.0, 0.0}, 1.0f, &dz, &objective);
        QVERIFY(std::abs(objective) < 1e-9);
        for (std::size_t i = 0; i < dz.size(); ++i) QVERIFY(std::abs(dz[i]) < 1e-7);
        // α = 0: the gradient is softmaxCrossEntropy's.
        Tensor plain;
        softmaxCrossEntropy(z, labels, 0.0f, 1.0f, &plain);
        distillationLoss(z, z, labels, {4.0, 0.0, 0.0}, 1.0f, &dz, nullptr);
        for (std::size_t i = 0; i < dz.size(); ++i) QVERIFY(std::abs(dz[i] - plain[i]) < 1e-7);
    }

    void alphaZeroEqualsPlainTrainingBitForBit() {
        const ModelSpec spec = studentSpec(m_data->pool.classCount());
        const std::string plain = shaOf(trainOn(m_data, spec, smallConfig(2)));
        TrainConfig off = smallConfig(2);
        off.distillation.teacher = m_teacherPath;
        off.distillation.alpha = 0.0f;
        off.distillation.temperature = 3.0f;
        QCOMPARE(shaOf(trainOn(m_data, spec, off)), plain);
        // Negative control: with α > 0 the same teacher changes the weights.
        TrainConfig on = off;
        on.distillation.alpha = 0.5f;
        QVERIFY(shaOf(trainOn(m_data, spec, on)) != plain);
    }

    void distilledRunIsTheSameOnOneTwoAndThreeThreads() {
        const ModelSpec spec = studentSpec(m_data->pool.classCount());
        std::string reference;
        std::vector<double> referenceLosses;
        for (int threads : {1, 2, 3}) {
            TrainConfig c = smallConfig(threads);
            c.distillation.teacher = m_teacherPath;
            c.distillation.alpha = 0.7f;
            c.distillation.temperature = 4.0f;
            std::vector<double> losses;
            TrainingSetup setup;
            setup.data = m_data;
            setup.split = splitDataset(*m_data, c.validationFraction, c.testFraction, c.seed);
            setup.spec = spec;
            setup.config = c;
            auto outcome = trainToEnd(setup, [&](const TrainingEvent& e) {
                if (const auto* b = std::get_if<BatchMetrics>(&e)) losses.push_back(b->loss);
            });
            const std::string sha = shaOf(outcome);
            // The run records its teacher like any other option.
            QCOMPARE(outcome->snapshot->trainConfig["distillation"]["teacher"].get<std::string>(), m_teacherPath);
            QCOMPARE(outcome->snapshot->trainConfig["distillation"]["alpha"].get<double>(), 0.7f);
            if (threads == 1) {
                reference = sha;
                referenceLosses = losses;
                continue;
            }
            QCOMPARE(sha, reference);
            QCOMPARE(losses.size(), referenceLosses.size());
            QVERIFY(std::memcmp(losses.data(), referenceLosses.data(), losses.size() * sizeof(double)) == 0);
        }
    }

    void theTeacherSeesTheInputInItsOwnNormalization() {
        // A teacher whose normalization differs from the student's gets the same raw pixels.
        ModelSnapshot teacher = *m_teacherSnapshot;
        teacher.preprocessing.mean = {0.5f};
        teacher.preprocessing.stddev = {0.25f};
        Preprocessing student = teacher.preprocessing;
        student.mean = {0.2f};
        student.stddev = {0.3f};
        const auto shared = std::make_shared<const ModelSnapshot>(teacher);
        const DistillationTeacher forward(shared, student);
        const int n = 3;
        Tensor raw({n, 1, 28, 28}), x, own, scratch, got, expected;
        Rng rng(3);
        for (std::size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<float>(rng.uniform());
        x = raw;
        own = raw;
        for (int i = 0; i < n; ++i) {
            student.normalize(x.sample(i));
            teacher.preprocessing.normalize(own.sample(i));
        }
        forward.logits(x, scratch, got);
        snapshotLogits(teacher, own, expected);
        QCOMPARE(got.shape(), expected.shape());
        for (std::size_t i = 0; i < got.size(); ++i) QVERIFY(std::abs(got[i] - expected[i]) < 1e-4f);
        // Negative control: the student's input fed as it is would differ.
        Tensor wrong;
        snapshotLogits(teacher, x, wrong);
        float differs = 0.0f;
        for (std::size_t i = 0; i < got.size(); ++i) differs = std::max(differs, std::abs(wrong[i] - got[i]));
        QVERIFY(differs > 1e-2f);
    }

    void unfitTeachersAreRefusedWithTheFileAndTheFix_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("renamed class") << "names" << "same classes";
        QTest::newRow("fewer classes") << "count" << "same classes";
        QTest::newRow("other input size") << "input" << "takes inputs of 1×16×16";
        QTest::newRow("not a model file") << "garbage" << "could not be loaded";
        QTest::newRow("missing") << "missing" << "could not be loaded";
    }
    void unfitTeachersAreRefusedWithTheFileAndTheFix() {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        const std::string path = m_dir.filePath(kind + ".tsmodel").toStdString();
        ModelSnapshot t = *m_teacherSnapshot;
        if (kind == "names") t.classNames[2] = "hexagon";
        if (kind == "count" || kind == "input") {
            const int classes = kind == "count" ? 5 : m_data->pool.classCount();
            ModelSpec spec = teacherSpec(classes);
            if (kind == "input") spec.input = {1, 16, 16};
            auto model = Model::build(spec);
            QVERIFY(model.ok());
            model->initialize(1);
            t.model = std::move(*model);
            t.preprocessing = Preprocessing::identity(spec.input, true);
            if (kind == "count") t.classNames.resize(5);
        }
        if (kind == "garbage") {
            std::ofstream(path, std::ios::binary) << "not a model";
        } else if (kind != "missing") {
            QVERIFY(saveModelFile(path, t).ok());
        }
        TrainConfig c = smallConfig(1);
        c.distillation.teacher = path;
        Trainer trainer;
        TrainingSetup setup;
        setup.data = m_data;
        setup.split = splitDataset(*m_data, c.validationFraction, c.testFraction, c.seed);
        setup.spec = studentSpec(m_data->pool.classCount());
        setup.config = c;
        const Status s = trainer.start(setup);
        QVERIFY(!s.ok());
        QVERIFY(!trainer.isRunning());
        const QString what = QString::fromStdString(s.error().what());
        QVERIFY2(what.contains(QString::fromStdString(path)), qPrintable(what));
        QVERIFY2(what.contains(expected), qPrintable(what));
        QVERIFY2(what.contains("hoose"), qPrintable(what));  // "Choose …" / "choose another …"
        // α = 0 never opens the file, so even an unfit teacher cannot stop a plain run.
        setup.config.distillation.alpha = 0.0f;
        setup.config.epochs = 1;
        QVERIFY(trainer.start(setup).ok());
        trainer.wait();
    }

private:
    std::unique_ptr<tbb::global_control> m_parallelism;
    QTemporaryDir m_dir;
    std::shared_ptr<const DatasetBundle> m_data;
    SnapshotPtr m_teacherSnapshot;
    std::string m_teacherPath;
};

QTEST_APPLESS_MAIN(DistillationTest)
#include "tst_distillation.moc"
