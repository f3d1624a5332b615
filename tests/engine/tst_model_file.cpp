// The model file: round trips that keep every logit bit for bit, byte-identical output, and a
// loader that refuses hostile files (every prefix, every flipped byte, lying headers) with a
// message naming the file — and never crashes (this suite also runs under ASan/UBSan).

#include <QTemporaryDir>
#include <QTest>

#include <bit>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include <unistd.h>

#include "engine/io/atomic_file.h"
#include "engine/io/model_file.h"

using namespace studio;
using nlohmann::json;

namespace {

ModelSpec tinySpec() {
    ModelSpec s;
    s.name = "tiny";
    s.input = {1, 6, 6};
    s.classes = 3;
    s.layers = {{"conv2d", {{"filters", 2}, {"kernel", 3}}},
                {"batchnorm", json::object()},
                {"relu", json::object()},
                {"maxpool2d", {{"size", 2}}},
                {"flatten", json::object()},
                {"dense", {{"units", "classes"}}}};
    return s;
}

ModelSnapshot makeSnapshot(const ModelSpec& spec, std::uint64_t seed) {
    auto model = Model::build(spec);
    if (!model.ok()) qFatal("%s", model.error().what().c_str());
    model->initialize(seed);
    // Give every param (BatchNorm's running statistics too) distinct values.
    Rng rng = Rng::forStream(seed, RngPurpose::Test, 1);
    for (Param* p : model->params())
        for (std::size_t e = 0; e < p->value.size(); ++e)
            p->value[e] = p->trainable ? p->value[e] + 0.01f * rng.normal() : 0.5f + rng.uniform();
    Preprocessing pre = Preprocessing::identity(spec.input, spec.input.size() == 3);
    for (std::size_t c = 0; c < pre.mean.size(); ++c) {
        pre.mean[c] = 0.1307f + 0.01f * static_cast<float>(c);
        pre.stddev[c] = 0.3081f;
    }
    std::vector<std::string> names;
    for (int k = 0; k < spec.classes; ++k) names.push_back("class " + std::to_string(k) + " — ünïcode");
    return ModelSnapshot{std::move(*model),
                         pre,
                         names,
                         "test set",
                         json{{"optimizer", {{"kind", "adam"}}}, {"seed", seed}},
                         json{{"accuracy", 0.875}, {"loss", 0.3}},
                         7};
}

struct Parts {
    std::uint32_t version;
    json header;
    std::vector<std::uint8_t> payload;
};

Parts split(const std::vector<std::uint8_t>& bytes) {
    auto u32 = [&](std::size_t at) {
        return std::uint32_t(bytes[at]) | std::uint32_t(bytes[at + 1]) << 8 | std::uint32_t(bytes[at + 2]) << 16 |
               std::uint32_t(bytes[at + 3]) << 24;
    };
    const std::size_t h = u32(12);
    Parts p;
    p.version = u32(8);
    p.header = json::parse(bytes.begin() + 16, bytes.begin() + 16 + static_cast<long>(h));
    p.payload.assign(bytes.begin() + 16 + static_cast<long>(h), bytes.end() - 4);
    return p;
}

std::vector<std::uint8_t> join(const Parts& p) {
    return frameModelFile(p.version, p.header.dump(), p.payload);
}

void expectRejected(const std::vector<std::uint8_t>& bytes, const std::string& needle, const char* what) {
    auto r = deserializeModel(bytes, "hostile.tsmodel");
    QVERIFY2(!r.ok(), what);
    const std::string text = r.error().what();
    QVERIFY2(text.find("hostile.tsmodel") != std::string::npos, text.c_str());
    QVERIFY2(text.find(needle) != std::string::npos, (std::string(what) + ": " + text).c_str());
    QVERIFY2(!r.error().hint().empty(), text.c_str());
}

Tensor randomInputs(const Shape& sample, int n, std::uint64_t seed) {
    Shape shape{n};
    shape.insert(shape.end(), sample.begin(), sample.end());
    Tensor x(shape);
    Rng rng = Rng::forStream(seed, RngPurpose::Test, 2);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = rng.normal();
    return x;
}

std::vector<std::uint8_t> readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

class TestModelFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void savesRemoveTemporariesThatKilledSavesLeft() {
        QTemporaryDir dir;
        const std::string folder = dir.path().toStdString();
        // A dead writer's temporary (pid 2^22 + 1 is above the largest pid Linux allows), a
        // live one (ours: a save in progress), and an old one of the earlier unnamed form.
        const std::string dead = folder + "/.other.tsmodel.tmp-4194305-abcdef";
        const std::string live = folder + "/.other.tsmodel.tmp-" + std::to_string(::getpid()) + "-ghijkl";
        const std::string oldUnnamed = folder + "/.other.tsmodel.tmp-mnopqr";
        const std::string recentUnnamed = folder + "/.other.tsmodel.tmp-stuvwx";
        for (const auto& p : {dead, live, oldUnnamed, recentUnnamed}) std::ofstream(p) << "partial";
        std::filesystem::last_write_time(oldUnnamed,
                                         std::filesystem::file_time_type::clock::now() - std::chrono::hours(1));
        const std::vector<std::uint8_t> bytes{1, 2, 3};
        QVERIFY(writeFileAtomically(folder + "/model.bin", bytes, "the test file").ok());
        QVERIFY(!std::filesystem::exists(dead));
        QVERIFY(!std::filesystem::exists(oldUnnamed));
        QVERIFY(std::filesystem::exists(live));
        QVERIFY(std::filesystem::exists(recentUnnamed));
        QCOMPARE(readAll(folder + "/model.bin"), bytes);
    }

    void roundTripKeepsLogitsBitForBit_data() {
        QTest::addColumn<QString>("preset");
        QTest::newRow("tiny conv+bn") << "";
        QTest::newRow("mlp") << "mlp";
        QTest::newRow("lenet") << "lenet";
        QTest::newRow("cnn-bn") << "cnn-bn";
    }
    void roundTripKeepsLogitsBitForBit() {
        QFETCH(QString, preset);
        ModelSpec spec = tinySpec();
        if (!preset.isEmpty()) {
            auto p = presetSpec(preset.toStdString(), {1, 28, 28}, 10);
            QVERIFY2(p.ok(), p.ok() ? "" : p.error().what().c_str());
            spec = *p;
        }
        const ModelSnapshot original = makeSnapshot(spec, 42);
        QTemporaryDir dir;
        const std::string path = dir.filePath("model.tsmodel").toStdString();
        const Status saved = saveModelFile(path, original);
        QVERIFY2(saved.ok(), saved.ok() ? "" : saved.error().what().c_str());
        auto loaded = loadModelFile(path);
        QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().what().c_str());

        QVERIFY(loaded->model.spec().toJson() == original.model.spec().toJson());
        QVERIFY(loaded->preprocessing.toJson() == original.preprocessing.toJson());
        QCOMPARE(loaded->classNames, original.classNames);
        QCOMPARE(loaded->datasetName, original.datasetName);
        QVERIFY(loaded->trainConfig == original.trainConfig);
        QVERIFY(loaded->metrics == original.metrics);
        QCOMPARE(loaded->epoch, 7);
        QCOMPARE(weightsSha256(loaded->model), weightsSha256(original.model));

        const Tensor x = randomInputs(spec.input, 5, 9);
        Tensor a, b;
        original.model.predictLogits(x, a);
        loaded->model.predictLogits(x, b);
        QCOMPARE(a.shape(), b.shape());
        QVERIFY(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
        // Saving the loaded snapshot gives the same bytes again.
        QVERIFY(serializeModel(*loaded) == readAll(path));
    }

    void identicalSnapshotsGiveIdenticalBytes() {
        const auto a = serializeModel(makeSnapshot(tinySpec(), 5));
        const auto b = serializeModel(makeSnapshot(tinySpec(), 5));
        QVERIFY(a == b);
        QVERIFY(serializeModel(makeSnapshot(tinySpec(), 6)) != a);
        QCOMPARE(std::string(a.begin(), a.begin() + 8), std::string("TSMODEL\0", 8));
        const Parts p = split(a);
        QCOMPARE(p.version, kModelFormatVersion);
        QCOMPARE(p.header["tensors"][0]["name"].get<std::string>(), std::string("layer1.conv2d.weight"));
        QVERIFY(p.header["tensors"][0]["shape"] == json({2, 1, 3, 3}));
        QCOMPARE(p.header["weightsSha256"].get<std::string>().size(), std::size_t(64));
        // Little-endian float32 data right after the header.
        const ModelSnapshot s = makeSnapshot(tinySpec(), 5);
        const float first = s.model.params()[0]->value[0];
        std::uint32_t bits = 0;
        for (int i = 0; i < 4; ++i) bits |= std::uint32_t(p.payload[static_cast<std::size_t>(i)]) << (8 * i);
        QCOMPARE(std::bit_cast<float>(bits), first);
    }

    void weightsShaChangesWithAnyWeight() {
        ModelSnapshot s = makeSnapshot(tinySpec(), 3);
        const std::string before = weightsSha256(s.model);
        s.model.params().back()->value[0] = std::nextafter(s.model.params().back()->value[0], 10.0f);
        QVERIFY(weightsSha256(s.model) != before);
    }

    void rejectsWrongMagic() {
        std::vector<std::uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0,
                                         0,    13,  'I', 'H', 'D',  'R',  0,    0,    0, 0};
        expectRejected(png, "not a Training Studio model file", "PNG");
        expectRejected({}, "not a Training Studio model file", "empty");
        auto bytes = serializeModel(makeSnapshot(tinySpec(), 1));
        bytes[3] = 'X';
        expectRejected(bytes, "not a Training Studio model file", "one magic byte");
    }

    void rejectsHugeHeaderLength() {
        const auto good = serializeModel(makeSnapshot(tinySpec(), 1));
        for (std::uint32_t length : {0xFFFFFFFFu, (16u << 20) + 1u}) {
            auto bytes = good;
            for (int i = 0; i < 4; ++i)
                bytes[12 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(length >> (8 * i));
            expectRejected(bytes, "16 MiB", "huge header length");
        }
        auto bytes = good;
        bytes[12] = 0xF0;  // plausible but past the end
        bytes[13] = 0xFF;
        bytes[14] = 0x0F;
        bytes[15] = 0;
        expectRejected(bytes, "truncated", "header past the end");
    }

    void rejectsHugeCountsInTheTable() {
        const Parts good = split(serializeModel(makeSnapshot(tinySpec(), 1)));
        Parts p = good;
        p.header["tensors"][0]["shape"] = {1000000000, 1000000000, 1000000000};
        p.header["tensors"][0]["count"] = 1000000000000000000ll;
        expectRejected(join(p), "larger than the weights the file holds", "huge shape");
        p = good;
        p.header["tensors"][0]["count"] = std::numeric_limits<std::uint64_t>::max();
        expectRejected(join(p), "'count' does not match", "huge count");
        p = good;
        p.header["tensors"][0]["shape"] = {-2, -9};
        expectRejected(join(p), "whole numbers", "negative shape");
        p = good;
        json many = json::array();
        for (int i = 0; i < 100001; ++i) many.push_back(0);
        p.header["tensors"] = many;
        expectRejected(join(p), "tensors", "too many tensors");
    }

    void rejectsEveryTruncation() {
        const auto bytes = serializeModel(makeSnapshot(tinySpec(), 1));
        QVERIFY(bytes.size() > 200);
        for (std::size_t n = 0; n < bytes.size(); ++n) {
            const std::vector<std::uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<long>(n));
            auto r = deserializeModel(prefix, "cut.tsmodel");
            QVERIFY2(!r.ok(), qPrintable(QString("prefix of %1 bytes accepted").arg(n)));
            QVERIFY(r.error().what().find("cut.tsmodel") != std::string::npos);
        }
        QVERIFY(deserializeModel(bytes, "whole").ok());
    }

    void rejectsEveryFlippedByte() {
        const auto bytes = serializeModel(makeSnapshot(tinySpec(), 1));
        for (std::size_t at = 0; at < bytes.size(); ++at) {
            auto damaged = bytes;
            damaged[at] ^= static_cast<std::uint8_t>(1u << (at % 8));
            auto r = deserializeModel(damaged, "flip.tsmodel");
            QVERIFY2(!r.ok(), qPrintable(QString("flip at byte %1 accepted").arg(at)));
        }
        auto damaged = bytes;
        damaged[bytes.size() - 40] ^= 0x10;  // inside the weights
        expectRejected(damaged, "checksum", "flipped weight bit");
    }

    void rejectsNonFiniteWeights() {
        Parts p = split(serializeModel(makeSnapshot(tinySpec(), 1)));
        for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
            Parts q = p;
            const std::uint32_t bits = std::bit_cast<std::uint32_t>(bad);
            for (int i = 0; i < 4; ++i)
                q.payload[20 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(bits >> (8 * i));
            expectRejected(join(q), "not a finite number", "non-finite weight with a valid CRC");
        }
        // A finite change with a valid CRC is caught by the SHA-256 in the header.
        Parts q = p;
        q.payload[21] ^= 0x01;
        expectRejected(join(q), "SHA-256", "changed weight with a valid CRC");
    }

    void rejectsNewerVersion() {
        Parts p = split(serializeModel(makeSnapshot(tinySpec(), 1)));
        p.version = 3;
        auto r = deserializeModel(join(p), "future.tsmodel");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message(), std::string("Model file 'future.tsmodel' was written by a newer Training Studio "
                                                  "(format 3); this version reads format 2."));
        QCOMPARE(r.error().hint(), std::string("Update Training Studio."));
        p.version = 0;
        expectRejected(join(p), "version 0", "version 0");
    }

    void rejectsValidJsonThatLies_data() {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("needle");
        QTest::newRow("transposed shape") << "transpose"
                                          << "architecture needs";
        QTest::newRow("other architecture") << "units"
                                            << "holds 55 weights but its architecture needs 64";
        QTest::newRow("renamed tensor") << "rename"
                                        << "architecture expects";
        QTest::newRow("missing field") << "missing"
                                       << "'metrics' is missing";
        QTest::newRow("unknown field") << "unknown"
                                       << "unknown field 'extra'";
        QTest::newRow("class names") << "classes"
                                     << "'classNames'";
        QTest::newRow("preprocessing") << "preprocessing"
                                       << "preprocessing is for";
        QTest::newRow("spec not valid") << "badspec"
                                        << "architecture is not valid";
        QTest::newRow("wrong types") << "types"
                                     << "'epoch'";
        QTest::newRow("not an object") << "array"
                                       << "not a JSON object";
        QTest::newRow("extra weights") << "extra"
                                       << "holds 224 bytes of weights but its header lists 220";
    }
    void rejectsValidJsonThatLies() {
        QFETCH(QString, change);
        QFETCH(QString, needle);
        Parts p = split(serializeModel(makeSnapshot(tinySpec(), 1)));
        QCOMPARE(p.payload.size(), std::size_t(55 * 4));  // conv 2·9+2, batchnorm 4×2, dense 3·8+3
        json& h = p.header;
        const std::string c = change.toStdString();
        if (c == "transpose")
            h["tensors"][6]["shape"] = {8, 3};
        else if (c == "units")
            h["spec"]["layers"][5]["units"] = 4, h["spec"]["classes"] = 4;
        else if (c == "rename")
            h["tensors"][1]["name"] = "layer1.conv2d.gamma";
        else if (c == "missing")
            h.erase("metrics");
        else if (c == "unknown")
            h["extra"] = 1;
        else if (c == "classes")
            h["classNames"].push_back("one too many");
        else if (c == "preprocessing")
            h["preprocessing"]["inputShape"] = {1, 7, 7};
        else if (c == "badspec")
            h["spec"]["layers"][0]["kernel"] = 99;
        else if (c == "types")
            h["epoch"] = "seven";
        else if (c == "array")
            h = json::array({1, 2});
        else if (c == "extra")
            p.payload.insert(p.payload.end(), 4, 0);
        expectRejected(join(p), needle.toStdString(), c.c_str());
    }

    void rejectsHeaderThatIsNotJson() {
        Parts p = split(serializeModel(makeSnapshot(tinySpec(), 1)));
        for (const std::string& text :
             {std::string("{{{"), std::string("\xff\xfe"), std::string(100000, '['), std::string()}) {
            auto bytes = frameModelFile(1, text, p.payload);
            auto r = deserializeModel(bytes, "hostile.tsmodel");
            QVERIFY(!r.ok());
            QVERIFY(r.error().what().find("hostile.tsmodel") != std::string::npos);
        }
        // Bombs that are valid JSON: limited before any node is built.
        expectRejected(frameModelFile(1, std::string(100000, '[') + std::string(100000, ']'), p.payload),
                       "deeper than 64", "deep nesting");
        std::string many = "[0";
        for (int i = 0; i < (4 << 20); ++i) many += ",0";
        many += "]";
        expectRejected(frameModelFile(1, many, p.payload), "more than 4 million", "many values");
    }

    void loadErrorsNameThePath() {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("nothing.tsmodel").toStdString();
        auto r = loadModelFile(missing);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind(), Error::Kind::NotFound);
        QVERIFY(r.error().message().find(missing) != std::string::npos);
        auto d = loadModelFile(dir.path().toStdString());
        QVERIFY(!d.ok());
        const std::string text = dir.filePath("notes.txt").toStdString();
        std::ofstream(text) << "hello, this is not a model";
        auto t = loadModelFile(text);
        QVERIFY(!t.ok());
        QVERIFY(t.error().message().find("not a Training Studio model file") != std::string::npos);
    }

    void failedSaveLeavesTheOldFile() {
        QTemporaryDir dir;
        const ModelSnapshot s = makeSnapshot(tinySpec(), 1);
        // A folder that does not exist.
        const std::string nowhere = dir.filePath("no/such/folder/m.tsmodel").toStdString();
        Status st = saveModelFile(nowhere, s);
        QVERIFY(!st.ok());
        QVERIFY(st.error().message().find(nowhere) != std::string::npos);
        QCOMPARE(st.error().kind(), Error::Kind::Io);
        // A target that cannot be replaced (a non-empty folder): it stays, and no temp file is left.
        const std::string blocked = dir.filePath("blocked.tsmodel").toStdString();
        std::filesystem::create_directory(blocked);
        std::ofstream(blocked + "/keep") << "x";
        st = saveModelFile(blocked, s);
        QVERIFY(!st.ok());
        QVERIFY(st.error().message().find(blocked) != std::string::npos);
        QVERIFY(std::filesystem::exists(blocked + "/keep"));
        int entries = 0;
        for (const auto& e : std::filesystem::directory_iterator(dir.path().toStdString())) (void)e, ++entries;
        QCOMPARE(entries, 1);
        // Overwriting a good file with a good file works and replaces it whole.
        const std::string path = dir.filePath("m.tsmodel").toStdString();
        QVERIFY(saveModelFile(path, makeSnapshot(tinySpec(), 2)).ok());
        QVERIFY(saveModelFile(path, s).ok());
        QVERIFY(readAll(path) == serializeModel(s));
        // Read-only folder (only meaningful when not running as root).
        if (::geteuid() != 0) {
            const std::string ro = dir.filePath("ro").toStdString();
            std::filesystem::create_directory(ro);
            QVERIFY(saveModelFile(ro + "/m.tsmodel", s).ok());
            std::filesystem::permissions(ro, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
            st = saveModelFile(ro + "/m.tsmodel", makeSnapshot(tinySpec(), 9));
            std::filesystem::permissions(ro, std::filesystem::perms::owner_all);
            QVERIFY(!st.ok());
            QVERIFY(readAll(ro + "/m.tsmodel") == serializeModel(s));
        }
    }
};

QTEST_APPLESS_MAIN(TestModelFile)
#include "tst_model_file.moc"
