// Frozen ONNX backbones: a model the studio trained and exported is loaded back as a backbone
// (OpenCV DNN), its features match the engine's own forward pass, are computed once per image,
// a head trains on them with the unchanged Trainer, and the whole model predicts, explains
// (occlusion), saves into one file with the backbone inside, loads and exports again as one ONNX
// graph that passes the parity check. Every bad input is an Error naming the file and the fix.

#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "engine/data/data_loader.h"
#include "engine/data/dataset_catalog.h"
#include "engine/data/image_io.h"
#include "engine/data/synthetic.h"
#include "engine/deploy/backbone.h"
#include "engine/deploy/backbone_training.h"
#include "engine/deploy/feature_cache.h"
#include "engine/deploy/onnx_export.h"
#include "engine/deploy/onnx_parity.h"
#include "engine/infer/predictor.h"
#include "engine/infer/saliency.h"
#include "engine/infer/snapshot_forward.h"
#include "engine/io/model_file.h"
#include "engine/train/evaluator.h"
#include "engine/train/trainer.h"

using namespace studio;
using nlohmann::json;

namespace {

const Shape kInput{1, 28, 28};

ModelSpec smallCnn(int classes) {
    auto spec = ModelSpec::fromJson(
        json{{"name", "small-cnn"},
             {"input", {1, 28, 28}},
             {"classes", classes},
             {"layers",
              {{{"type", "conv2d"}, {"filters", 8}, {"kernel", 3}, {"padding", 1}},
               {{"type", "relu"}},
               {{"type", "maxpool2d"}, {"size", 2}},
               {{"type", "conv2d"}, {"filters", 16}, {"kernel", 3}, {"padding", 1}},
               {{"type", "relu"}},
               {{"type", "maxpool2d"}, {"size", 2}},
               {{"type", "flatten"}},
               {{"type", "dense"}, {"units", 32}},
               {{"type", "relu"}},
               {{"type", "dense"}, {"units", classes}}}}},
        "test");
    if (!spec) qFatal("%s", spec.error().what().c_str());
    return *spec;
}

TrainConfig quickConfig(int epochs) {
    TrainConfig c;
    c.epochs = epochs;
    c.batchSize = 32;
    c.threads = 2;
    c.seed = 3;
    c.validationFraction = 0.1;
    c.testFraction = 0.2;
    c.optimizer.kind = "adam";
    c.schedule.baseLr = 0.003f;
    return c;
}

SnapshotPtr train(std::shared_ptr<const DatasetBundle> data, const ModelSpec& spec, const TrainConfig& config) {
    TrainingSetup setup;
    setup.split = splitDataset(*data, config.validationFraction, config.testFraction, config.seed);
    setup.data = std::move(data);
    setup.spec = spec;
    setup.config = config;
    auto outcome = trainToEnd(std::move(setup));
    if (!outcome) qFatal("%s", outcome.error().what().c_str());
    return outcome->snapshot;
}

// A snapshot of an untrained model (nothing but its shapes matters where it is used).
ModelSnapshot snapshotOf(Model model, Preprocessing preprocessing, std::vector<std::string> classNames) {
    ModelSnapshot s{std::move(model), std::move(preprocessing), std::move(classNames), "none", json::object(),
                    json::object(), 0, {}, {}};
    return s;
}

// The header and payload of a serialized model file, to build damaged copies with valid CRCs.
void splitModelFile(const std::vector<std::uint8_t>& bytes, std::string& header, std::vector<std::uint8_t>& payload) {
    std::uint32_t h = 0;
    std::memcpy(&h, bytes.data() + 12, 4);
    header.assign(reinterpret_cast<const char*>(bytes.data() + 16), h);
    payload.assign(bytes.begin() + 16 + h, bytes.end() - 4);
}

double maxAbsDiff(const Tensor& a, const Tensor& b) {
    double d = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::abs(static_cast<double>(a[i]) - b[i]));
    return d;
}

}  // namespace

class TestBackbone : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    SnapshotPtr m_source;                 // the model trained on `shapes` and exported
    std::vector<std::uint8_t> m_onnx;     // its ONNX export: the backbone
    std::string m_onnxPath;
    std::string m_folder;                 // 20 images per class, written as PNGs
    std::shared_ptr<const DatasetBundle> m_images;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        // The backbone: a small CNN trained on the built-in shapes, exported by the studio.
        auto shapes = generateDataset("shapes", 11, 1600, 2);
        QVERIFY2(shapes.ok(), shapes.ok() ? "" : shapes.error().what().c_str());
        auto data = std::make_shared<const DatasetBundle>(std::move(*shapes));
        m_source = train(data, smallCnn(data->pool.classCount()), quickConfig(2));
        auto onnx = exportOnnx(*m_source);
        QVERIFY2(onnx.ok(), onnx.ok() ? "" : onnx.error().what().c_str());
        m_onnx = *onnx;
        m_onnxPath = (m_dir.path() + "/small-cnn.onnx").toStdString();
        std::ofstream(m_onnxPath, std::ios::binary).write(reinterpret_cast<const char*>(m_onnx.data()),
                                                          static_cast<std::streamsize>(m_onnx.size()));

        // The new task: 20 images per class of other shapes (another seed), as an image folder.
        auto fresh = generateDataset("shapes", 97, 400, 2);
        QVERIFY(fresh.ok());
        std::vector<int> perClass(static_cast<std::size_t>(fresh->pool.classCount()), 0);
        m_folder = (m_dir.path() + "/folder").toStdString();
        for (int i = 0; i < fresh->pool.size(); ++i) {
            const int label = fresh->pool.label(i);
            if (perClass[static_cast<std::size_t>(label)] == 20) continue;
            const std::string classDir = m_folder + "/" + fresh->pool.classNames()[static_cast<std::size_t>(label)];
            std::filesystem::create_directories(classDir);
            DecodedImage img;
            img.channels = 1;
            img.height = img.width = 28;
            img.chw.assign(fresh->pool.pixels(i), fresh->pool.pixels(i) + 28 * 28);
            const std::string path = classDir + "/" + std::to_string(perClass[static_cast<std::size_t>(label)]++) + ".png";
            QVERIFY(writePng(path, img).ok());
        }
        DatasetOptions options;
        options.imageSize = 28;
        options.channels = 1;
        auto images = loadDataset(m_folder, options);
        QVERIFY2(images.ok(), images.ok() ? "" : images.error().what().c_str());
        QCOMPARE(images->pool.size(), 20 * fresh->pool.classCount());
        m_images = std::make_shared<const DatasetBundle>(std::move(*images));
    }

    void layersAndSuggestedFeatureLayer() {
        auto layers = Backbone::listLayers(m_onnx, m_onnxPath, kInput);
        QVERIFY2(layers.ok(), layers.ok() ? "" : layers.error().what().c_str());
        QVERIFY(layers->size() >= 8);
        const std::string suggested = Backbone::suggestedFeatureLayer(*layers);
        const auto it = std::find_if(layers->begin(), layers->end(), [&](const auto& l) { return l.name == suggested; });
        QVERIFY(it != layers->end());
        QCOMPARE(QString::fromStdString(it->type), QString("Pooling"));
        QCOMPARE(it->features, 16 * 7 * 7);  // the second max-pool's output
        auto backbone = Backbone::fromBytes(m_onnx, m_onnxPath, kInput);
        QVERIFY(backbone.ok());
        QCOMPARE(QString::fromStdString((*backbone)->featureLayer()), QString::fromStdString(suggested));
        QCOMPARE((*backbone)->featureSize(), 16 * 7 * 7);
    }

    // The backbone up to its last layer is the exported model: OpenCV's probabilities must be
    // the engine's (the export normalizes inside, so both get the same [0, 1] pixels).
    void openCvFeaturesMatchTheEngine() {
        auto layers = Backbone::listLayers(m_onnx, m_onnxPath, kInput);
        QVERIFY(layers.ok());
        auto softmax = std::find_if(layers->begin(), layers->end(), [](const auto& l) { return l.type == "Softmax"; });
        QVERIFY(softmax != layers->end());
        auto backbone = Backbone::fromBytes(m_onnx, m_onnxPath, kInput, softmax->name);
        QVERIFY2(backbone.ok(), backbone.ok() ? "" : backbone.error().what().c_str());
        std::vector<int> first(40);
        for (int i = 0; i < 40; ++i) first[static_cast<std::size_t>(i)] = i;
        Tensor pixels, engineInput, opencv, logits;
        std::vector<std::int32_t> labels;
        assembleBatch(m_images->pool, first, Preprocessing::identity(kInput, true), nullptr, 0, 0, pixels, labels);
        QVERIFY((*backbone)->features(pixels, opencv).ok());
        assembleBatch(m_images->pool, first, m_source->preprocessing, nullptr, 0, 0, engineInput, labels);
        snapshotLogits(*m_source, engineInput, logits);
        Tensor probabilities(logits.shape());
        for (int n = 0; n < logits.dim(0); ++n) {
            Prediction p;
            fillPrediction(logits.sample(n), logits.dim(1), 1, p);
            std::copy(p.probabilities.begin(), p.probabilities.end(), probabilities.sample(n));
        }
        const double diff = maxAbsDiff(opencv, probabilities);
        qInfo("OpenCV DNN vs engine on 40 images: max |Δp| = %.3g", diff);
        QVERIFY(diff <= 1e-4);
    }

    void featuresAreComputedOncePerImage() {
        auto backbone = Backbone::fromBytes(m_onnx, m_onnxPath, kInput);
        QVERIFY(backbone.ok());
        FeatureCache cache(*backbone, Preprocessing::identity(kInput, true));
        ThreadPool two(2), one(1);
        auto first = cache.features(m_images->pool, &two);
        QVERIFY(first.ok());
        const int n = m_images->pool.size();
        QCOMPARE(cache.computed(), static_cast<std::int64_t>(n));
        QCOMPARE(cache.size(), static_cast<std::size_t>(n));
        // The same images again (another order, a subset): nothing new runs through OpenCV.
        std::vector<int> reversed;
        for (int i = n - 1; i >= 0; i -= 3) reversed.push_back(i);
        auto again = cache.features(m_images->pool.subset(reversed), &one);
        QVERIFY(again.ok());
        QCOMPARE(cache.computed(), static_cast<std::int64_t>(n));
        for (std::size_t k = 0; k < reversed.size(); ++k)
            QVERIFY(std::memcmp(again->featureRow(static_cast<int>(k)), first->featureRow(reversed[k]),
                                sizeof(float) * static_cast<std::size_t>(first->sampleSize())) == 0);
        QCOMPARE(first->labels(), m_images->pool.labels());
        QCOMPARE(first->source(5), m_images->pool.source(5));
        // A cached row is the backbone's own output for that image, alone in its batch.
        Tensor x, alone;
        std::vector<std::int32_t> labels;
        const std::vector<int> seven = {7};
        assembleBatch(m_images->pool, seven, cache.imagePreprocessing(), nullptr, 0, 0, x, labels);
        QVERIFY((*backbone)->features(x, alone).ok());
        double diff = 0.0;
        for (int j = 0; j < alone.dim(1); ++j) diff = std::max(diff, std::abs(double(alone[j]) - first->featureRow(7)[j]));
        QVERIFY2(diff <= 1e-5, qPrintable(QString::number(diff)));
        // The thread count does not change the features: fixed chunks.
        FeatureCache serial(*backbone, Preprocessing::identity(kInput, true));
        auto single = serial.features(m_images->pool, &one);
        QVERIFY(single.ok());
        QVERIFY(std::memcmp(single->featureRow(0), first->featureRow(0),
                            sizeof(float) * first->sampleSize() * static_cast<std::size_t>(n)) == 0);
    }

    // export → import as backbone → train head → predict → save/load → export again → parity.
    void endToEnd() {
        BackboneChoice choice;
        choice.path = m_onnxPath;
        BackboneTraining training(choice, plainDatasetLoader(), 2);
        DatasetOptions options;
        options.imageSize = 28;
        options.channels = 1;
        auto features = training.featureLoader()(m_folder, options);
        QVERIFY2(features.ok(), features.ok() ? "" : features.error().what().c_str());
        QCOMPARE((*features)->pool.sampleShape(), Shape{16 * 7 * 7});
        QCOMPARE(training.cache()->computed(), static_cast<std::int64_t>(m_images->pool.size()));

        auto headSpec = presetSpec("mlp", (*features)->pool.sampleShape(), (*features)->pool.classCount());
        QVERIFY(headSpec.ok());
        TrainConfig config = quickConfig(15);
        config.testFraction = 0.25;
        TrainingSetup setup;
        setup.split = splitDataset(**features, config.validationFraction, config.testFraction, config.seed);
        const DataSplit split = setup.split;
        setup.preprocessing = Preprocessing::fitted((*features)->pool, split.train);
        setup.data = *features;
        setup.spec = *headSpec;
        setup.config = config;
        auto outcome = trainToEnd(std::move(setup));
        QVERIFY2(outcome.ok(), outcome.ok() ? "" : outcome.error().what().c_str());
        const SnapshotPtr whole = training.wholeModel(*outcome->snapshot);
        QVERIFY(whole->backbone);
        QCOMPARE(whole->preprocessing.inputShape, kInput);
        const double headAccuracy = outcome->finished.testAccuracy;
        qInfo("head on backbone features: test accuracy %.3f on %zu images", headAccuracy, split.test.size());
        QVERIFY(headAccuracy > 1.5 / m_images->pool.classCount());  // well above chance

        // The whole model on the test images' pixels scores what the head scored on their features.
        ThreadPool pool(2);
        const EvaluationReport report = evaluate(*whole, m_images->pool, split.test, pool, 1);
        QCOMPARE(report.accuracy, headAccuracy);

        // A file on disk predicts through the backbone.
        const std::string image = m_images->pool.source(split.test.front());
        auto predicted = predictFile(*whole, image, 3);
        QVERIFY2(predicted.ok(), predicted.ok() ? "" : predicted.error().what().c_str());
        Tensor headIn(Shape{1, 16 * 7 * 7}), logits;
        std::memcpy(headIn.data(), (*features)->pool.featureRow(split.test.front()), headIn.size() * sizeof(float));
        outcome->snapshot->preprocessing.normalize(headIn.data());
        snapshotLogits(*outcome->snapshot, headIn, logits);
        Prediction byHand;
        fillPrediction(logits.data(), logits.dim(1), 3, byHand);
        QCOMPARE(predicted->top.front().first, byHand.top.front().first);
        QVERIFY(std::abs(predicted->probabilities[0] - byHand.probabilities[0]) <= 1e-5f);

        // One file with the backbone inside; it loads and predicts the same, bit for bit.
        const std::string modelPath = (m_dir.path() + "/head.tsmodel").toStdString();
        QVERIFY(saveModelFile(modelPath, *whole).ok());
        QVERIFY(std::filesystem::file_size(modelPath) > m_onnx.size());
        auto loaded = loadModelFile(modelPath);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().what().c_str());
        QVERIFY(loaded->backbone);
        QCOMPARE(loaded->backbone->sha256(), whole->backbone->sha256());
        QCOMPARE(loaded->backbone->featureLayer(), whole->backbone->featureLayer());
        QCOMPARE(loaded->backbone->featureNormalization().mean, whole->backbone->featureNormalization().mean);
        QCOMPARE(serializeModel(*loaded), serializeModel(*whole));
        auto reloaded = predictFile(*loaded, image, 3);
        QVERIFY(reloaded.ok());
        QCOMPARE(reloaded->probabilities, predicted->probabilities);

        // Exported again as one graph (backbone cut at the feature layer + the head), it passes
        // the same parity check as any export.
        auto onnx = exportOnnx(*loaded);
        QVERIFY2(onnx.ok(), onnx.ok() ? "" : onnx.error().what().c_str());
        auto summary = readOnnxSummary(*onnx, "spliced.onnx");
        QVERIFY(summary.ok());
        QCOMPARE(QString::fromStdString(summary->metadata["backbone_sha256"]),
                 QString::fromStdString(whole->backbone->sha256()));
        auto parity = checkOnnxParity(*loaded, *onnx, m_images->pool, split.test, "spliced.onnx");
        QVERIFY2(parity.ok(), parity.ok() ? "" : parity.error().what().c_str());
        qInfo("spliced export: %d images, top-1 agreement %.4f, max |Δp| %.3g", parity->images,
              parity->top1Agreement, parity->maxAbsDiff);
        QVERIFY2(parity->passed, parity->verdict.c_str());
        QCOMPARE(parity->images, static_cast<int>(split.test.size()));

        // Why?: gradients cannot pass through OpenCV, so a gradient request is answered by occlusion.
        auto decoded = readImageFile(image);
        QVERIFY(decoded.ok());
        SaliencyOptions why;
        why.method = SaliencyMethod::Gradient;
        auto map = imageSaliency(*loaded, *decoded, why);
        QVERIFY2(map.ok(), map.ok() ? "" : map.error().what().c_str());
        QCOMPARE(map->method, SaliencyMethod::Occlusion);
        QCOMPARE(map->height, 28);
        QCOMPARE(map->values.size(), std::size_t{28 * 28});
        QCOMPARE(map->predictedClass, reloaded->top.front().first);
        QVERIFY(std::abs(map->probability - reloaded->probabilities[static_cast<std::size_t>(map->targetClass)]) <= 1e-6f);
        const auto [lo, hi] = std::minmax_element(map->values.begin(), map->values.end());
        QVERIFY(*lo >= 0.0f && *hi <= 1.0f);
    }

    // Augmented epochs: the backbone runs inside the training run on every augmented batch.
    // Without augmentation that run equals training on cached features bit for bit; with it the
    // weights change, do not depend on the thread count, and every snapshot is a whole model.
    void augmentedRunsPutBatchesThroughTheBackbone() {
        BackboneChoice choice;
        choice.path = m_onnxPath;
        TrainConfig config = quickConfig(3);
        const DataSplit split = splitDataset(*m_images, config.validationFraction, config.testFraction, config.seed);
        auto prepared = backboneForRun(choice, *m_images, split.train, true, 2);
        QVERIFY2(prepared.ok(), prepared.ok() ? "" : prepared.error().what().c_str());
        QCOMPARE(prepared->imagesComputed, static_cast<std::int64_t>(split.train.size()));
        const int features = prepared->backbone->featureSize();
        auto headSpec = presetSpec("mlp", Shape{features}, m_images->pool.classCount());
        QVERIFY(headSpec.ok());
        auto run = [&](int threads, float shift) {
            TrainingSetup setup;
            setup.data = m_images;
            setup.split = split;
            setup.spec = *headSpec;
            setup.config = config;
            setup.config.threads = threads;
            setup.config.augment.shift = shift;
            setup.preprocessing = prepared->imagePreprocessing;
            setup.backbone = prepared->backbone;
            auto outcome = trainToEnd(std::move(setup));
            if (!outcome) qFatal("%s", outcome.error().what().c_str());
            return outcome->snapshot;
        };
        const SnapshotPtr one = run(1, 0.15f), two = run(2, 0.15f), plain = run(2, 0.0f);
        QVERIFY(one->backbone && two->backbone);
        QCOMPARE(one->preprocessing.inputShape, kInput);
        QCOMPARE(weightsSha256(one->model), weightsSha256(two->model));
        QVERIFY(weightsSha256(one->model) != weightsSha256(plain->model));

        FeatureCache cache(prepared->backbone, prepared->imagePreprocessing);
        auto cached = cache.bundle(*m_images, nullptr);
        QVERIFY(cached.ok());
        TrainingSetup setup;
        setup.data = *cached;
        setup.split = split;
        setup.spec = *headSpec;
        setup.config = config;
        setup.config.threads = 2;
        setup.preprocessing = prepared->backbone->featureNormalization();
        auto onFeatures = trainToEnd(std::move(setup));
        QVERIFY(onFeatures.ok());
        QCOMPARE(weightsSha256(onFeatures->snapshot->model), weightsSha256(plain->model));

        // A head that does not read the backbone's features is refused before anything runs.
        auto wrongHead = presetSpec("mlp", Shape{features + 1}, m_images->pool.classCount());
        QVERIFY(wrongHead.ok());
        TrainingSetup bad;
        bad.data = m_images;
        bad.split = split;
        bad.spec = *wrongHead;
        bad.config = config;
        bad.preprocessing = prepared->imagePreprocessing;
        bad.backbone = prepared->backbone;
        auto refused = trainToEnd(std::move(bad));
        QVERIFY(!refused.ok());
        QVERIFY(refused.error().message().find("gives " + std::to_string(features) + " features") != std::string::npos);
    }

    void badInputsAreNamedErrors() {
        // Not ONNX at all, and a cut-off file.
        const std::vector<std::uint8_t> junk(300, 0x5a);
        auto notOnnx = Backbone::fromBytes(junk, "junk.onnx", kInput);
        QVERIFY(!notOnnx.ok());
        QVERIFY(notOnnx.error().message().find("OpenCV DNN cannot load the backbone 'junk.onnx'") != std::string::npos);
        QVERIFY(!notOnnx.error().hint().empty());
        const std::vector<std::uint8_t> half(m_onnx.begin(), m_onnx.begin() + static_cast<std::ptrdiff_t>(m_onnx.size() / 2));
        auto cut = Backbone::fromBytes(half, "half.onnx", kInput);
        QVERIFY(!cut.ok());
        QVERIFY(cut.error().what().find("half.onnx") != std::string::npos);
        auto missing = Backbone::fromFile(m_onnxPath + ".missing", kInput);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind(), Error::Kind::NotFound);

        // The data's images are not the backbone's input size or colour.
        auto bigger = Backbone::fromBytes(m_onnx, "small-cnn.onnx", {1, 32, 32});
        QVERIFY(!bigger.ok());
        QVERIFY(bigger.error().message().find("takes 1×28×28 images") != std::string::npos);
        QVERIFY(bigger.error().message().find("1×32×32") != std::string::npos);
        QVERIFY(bigger.error().hint().find("--image-size 28") != std::string::npos);
        auto colour = Backbone::fromBytes(m_onnx, "small-cnn.onnx", {3, 28, 28});
        QVERIFY(!colour.ok());
        QVERIFY(colour.error().hint().find("--channels 1") != std::string::npos);

        // A layer the network does not have.
        auto noLayer = Backbone::fromBytes(m_onnx, "small-cnn.onnx", kInput, "no_such_layer");
        QVERIFY(!noLayer.ok());
        QVERIFY(noLayer.error().message().find("no layer 'no_such_layer'") != std::string::npos);
        QVERIFY(noLayer.error().hint().find("backbone-layers") != std::string::npos);

        // An output that does not fit a feature vector: a 64-filter conv map of a 72×72 image.
        auto bigSpec = ModelSpec::fromJson(json{{"name", "wide"},
                                                {"input", {1, 72, 72}},
                                                {"classes", 2},
                                                {"layers",
                                                 {{{"type", "conv2d"}, {"filters", 64}, {"kernel", 3}, {"padding", 1}},
                                                  {{"type", "relu"}},
                                                  {{"type", "globalavgpool"}},
                                                  {{"type", "dense"}, {"units", 2}}}}},
                                           "test");
        QVERIFY2(bigSpec.ok(), bigSpec.ok() ? "" : bigSpec.error().what().c_str());
        auto wide = Model::build(*bigSpec);
        QVERIFY(wide.ok());
        wide->initialize(1);
        const ModelSnapshot wideSnapshot = snapshotOf(std::move(*wide), Preprocessing::identity({1, 72, 72}, true), {"a", "b"});
        auto wideOnnx = exportOnnx(wideSnapshot);
        QVERIFY2(wideOnnx.ok(), wideOnnx.ok() ? "" : wideOnnx.error().what().c_str());
        auto wideLayers = Backbone::listLayers(*wideOnnx, "wide.onnx", {1, 72, 72});
        QVERIFY(wideLayers.ok());
        auto conv = std::find_if(wideLayers->begin(), wideLayers->end(), [](const auto& l) { return l.type == "Convolution"; });
        QVERIFY(conv != wideLayers->end());
        auto tooWide = Backbone::fromBytes(*wideOnnx, "wide.onnx", {1, 72, 72}, conv->name);
        QVERIFY(!tooWide.ok());
        QVERIFY(tooWide.error().message().find("331776 values per image") != std::string::npos);
        QVERIFY(tooWide.error().hint().find("pooling") != std::string::npos);

        // Features of data that is not the backbone's input.
        auto backbone = Backbone::fromBytes(m_onnx, m_onnxPath, kInput);
        QVERIFY(backbone.ok());
        FeatureCache cache(*backbone, Preprocessing::identity(kInput, true));
        Dataset colourImages = Dataset::images("photos", 3, 28, 28, {"a"});
        std::vector<std::uint8_t> pixels(3 * 28 * 28, 9);
        colourImages.addImage(pixels.data(), 0);
        auto wrong = cache.features(colourImages, nullptr);
        QVERIFY(!wrong.ok());
        QVERIFY(wrong.error().message().find("dataset 'photos'") != std::string::npos);
        QCOMPARE(cache.computed(), std::int64_t{0});
    }

    // The embedded backbone is bounded and checked like everything else in the model file.
    void damagedEmbeddedBackboneIsRefused() {
        auto backbone = Backbone::fromBytes(m_onnx, m_onnxPath, kInput);
        QVERIFY(backbone.ok());
        auto headSpec = presetSpec("mlp", Shape{(*backbone)->featureSize()}, 8);
        QVERIFY(headSpec.ok());
        auto head = Model::build(*headSpec);
        QVERIFY(head.ok());
        head->initialize(2);
        std::vector<std::string> names(8, "c");
        const ModelSnapshot headSnapshot =
            snapshotOf(std::move(*head), Preprocessing::identity(Shape{(*backbone)->featureSize()}, false), names);
        const SnapshotPtr whole = composeBackboneModel(headSnapshot, **backbone, Preprocessing::identity(kInput, true));
        const std::vector<std::uint8_t> good = serializeModel(*whole);
        QVERIFY(deserializeModel(good, "good.tsmodel").ok());

        std::string header;
        std::vector<std::uint8_t> payload;
        splitModelFile(good, header, payload);
        const std::uint32_t version = good[8];
        // One ONNX byte changed (its CRC made valid again): the backbone's SHA-256 catches it.
        std::vector<std::uint8_t> flipped = payload;
        flipped[payload.size() - 20] ^= 0x40;
        auto tampered = deserializeModel(frameModelFile(version, header, flipped), "tampered.tsmodel");
        QVERIFY(!tampered.ok());
        QVERIFY(tampered.error().message().find("tampered.tsmodel") != std::string::npos);
        QVERIFY(tampered.error().message().find("backbone") != std::string::npos);
        // A byte count larger than the file.
        json h = json::parse(header);
        h["backbone"]["bytes"] = payload.size() + 100;
        auto huge = deserializeModel(frameModelFile(version, h.dump(), payload), "huge.tsmodel");
        QVERIFY(!huge.ok());
        QVERIFY(huge.error().message().find("'backbone' holds more bytes than the file") != std::string::npos);
        // A backbone whose features the head does not read.
        h = json::parse(header);
        h["backbone"]["featureSize"] = 99;
        auto mismatch = deserializeModel(frameModelFile(version, h.dump(), payload), "mismatch.tsmodel");
        QVERIFY(!mismatch.ok());
        QVERIFY(mismatch.error().message().find("mismatch.tsmodel") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestBackbone)
#include "tst_backbone.moc"
