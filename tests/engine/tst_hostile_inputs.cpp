// Files built to hurt, found by a fuzzer: each must become an Error that names the file and
// says what to do, before anything large is allocated; never an abort, a stack overflow or
// gigabytes of memory. Every input is made here, at test time, and is small on disk.

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <zlib.h>

#include "engine/data/cifar.h"
#include "engine/data/idx.h"
#include "engine/data/image_header.h"
#include "engine/data/image_io.h"
#include "engine/deploy/backbone.h"
#include "engine/io/json_limits.h"
#include "engine/io/model_file.h"
#include "engine/nn/model_spec.h"

using namespace studio;
using nlohmann::json;

namespace {

using Bytes = std::vector<std::uint8_t>;

void le16(Bytes& b, std::uint32_t v) {
    b.push_back(static_cast<std::uint8_t>(v));
    b.push_back(static_cast<std::uint8_t>(v >> 8));
}
void le32(Bytes& b, std::uint32_t v) {
    le16(b, v & 0xFFFF);
    le16(b, v >> 16);
}
void be16(Bytes& b, std::uint32_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}
void be32(Bytes& b, std::uint32_t v) {
    be16(b, v >> 16);
    be16(b, v & 0xFFFF);
}
void text(Bytes& b, const std::string& s) {
    b.insert(b.end(), s.begin(), s.end());
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

void writeFile(const std::string& path, const Bytes& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

// A one-page TIFF whose first directory declares width × height (LONG width, SHORT height).
Bytes tiff(bool little, std::uint32_t width, std::uint32_t height, bool withSize = true) {
    Bytes b;
    auto u16 = [&](std::uint32_t v) { little ? le16(b, v) : be16(b, v); };
    auto u32 = [&](std::uint32_t v) { little ? le32(b, v) : be32(b, v); };
    text(b, little ? "II" : "MM");
    u16(42);
    u32(8);
    u16(withSize ? 3 : 1);
    if (withSize) {
        u16(256), u16(4), u32(1), u32(width);
        u16(257), u16(3), u32(1), u16(height), u16(0);
    }
    u16(258), u16(3), u32(1), u16(8), u16(0);  // BitsPerSample
    u32(0);
    b.resize(b.size() + 200, 0);
    return b;
}

Bytes webp(const std::string& chunk) {
    Bytes b;
    text(b, "RIFF");
    le32(b, 100);
    text(b, "WEBP");
    text(b, chunk);
    le32(b, 80);
    if (chunk == "VP8 ") {
        b.insert(b.end(), {0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A});
        le16(b, 16383);
        le16(b, 16383);
    } else if (chunk == "VP8L") {
        b.push_back(0x2F);
        le32(b, 16383u | (16383u << 14));
    } else {  // VP8X: flags, then canvas width-1 and height-1 in 24 bits
        le32(b, 0);
        for (int i = 0; i < 2; ++i) {
            le16(b, 19999);
            b.push_back(0);
        }
    }
    b.resize(b.size() + 64, 0);
    return b;
}

Bytes bmp(std::int32_t width, std::int32_t height) {
    Bytes b;
    text(b, "BM");
    le32(b, 1000), le32(b, 0), le32(b, 54), le32(b, 40);
    le32(b, static_cast<std::uint32_t>(width)), le32(b, static_cast<std::uint32_t>(height));
    b.resize(b.size() + 64, 0);
    return b;
}

Bytes jpeg(std::uint32_t width, std::uint32_t height) {
    Bytes b{0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08};
    be16(b, height);
    be16(b, width);
    b.resize(b.size() + 12, 0);
    b.insert(b.end(), {0xFF, 0xD9});
    return b;
}

long peakRssKiB() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// A valid model file for `spec`, as header JSON + payload, to be altered and re-framed.
struct ModelParts {
    json header;
    std::vector<std::uint8_t> payload;
};

ModelParts modelParts(const ModelSpec& spec) {
    auto model = Model::build(spec);
    if (!model.ok()) qFatal("%s", model.error().what().c_str());
    model->initialize(1);
    ModelSnapshot snapshot{std::move(*model),
                           Preprocessing::identity(spec.input, spec.input.size() == 3),
                           {"a", "b"},
                           "test",
                           json::object(),
                           json::object(),
                           1};
    const auto bytes = serializeModel(snapshot);
    const std::size_t h = bytes[12] | (bytes[13] << 8) | (bytes[14] << 16) | (std::size_t(bytes[15]) << 24);
    ModelParts p;
    p.header = json::parse(bytes.begin() + 16, bytes.begin() + 16 + static_cast<long>(h));
    p.payload.assign(bytes.begin() + 16 + static_cast<long>(h), bytes.end() - 4);
    return p;
}

ModelSpec poolingSpec(Shape input) {
    ModelSpec s;
    s.input = std::move(input);
    s.classes = 2;
    s.layers = {{"globalavgpool", json::object()}, {"flatten", json::object()}, {"dense", {{"units", "classes"}}}};
    return s;
}

}  // namespace

class HostileInputsTest : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // 128 zero bytes + "DICM" went to OpenCV's DICOM reader, whose assertion aborted.
    void unsupportedFormatsAreRefusedBeforeDecoding_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("DICOM") << (QByteArray(128, '\0') + "DICM") << "DICOM";
        QTest::newRow("GIF") << QByteArray("GIF89a\x01\x00\x01\x00\x00\x00\x00;", 14) << "GIF";
        QTest::newRow("text") << QByteArray("hello, not an image at all\n") << "not a supported image";
        QTest::newRow("PAM") << QByteArray("P7\nWIDTH 4\nHEIGHT 4\nDEPTH 1\nMAXVAL 255\nENDHDR\n") << "PAM";
    }
    void unsupportedFormatsAreRefusedBeforeDecoding() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const std::string path = m_dir.filePath("d.png").toStdString();
        writeFile(path, Bytes(bytes.begin(), bytes.end()));
        auto decoded = readImageFile(path);
        QVERIFY(!decoded.ok());
        const std::string message = decoded.error().what();
        QCOMPARE(decoded.error().kind(), Error::Kind::Unsupported);
        QVERIFY2(contains(message, path), message.c_str());
        QVERIFY2(contains(message, expected.toStdString()), message.c_str());
        QVERIFY2(contains(message, "PNG, JPEG, BMP"), message.c_str());
    }

    // Every accepted format's size is read from its header: none reaches the decoder when it
    // declares more than 100 megapixels (a 240 KB TIFF of 30000×30000 took 2.7 GB).
    void hugeDeclaredSizesAreRefusedBeforeDecoding_data() {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("size");
        auto row = [](const char* name, const Bytes& b, const char* size) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char*>(b.data()), static_cast<int>(b.size()))
                                << size;
        };
        row("TIFF little-endian", tiff(true, 30000, 30000), "30000×30000");
        row("TIFF big-endian", tiff(false, 30000, 30000), "30000×30000");
        row("WebP lossy", webp("VP8 "), "16383×16383");
        row("WebP lossless", webp("VP8L"), "16384×16384");
        row("WebP extended", webp("VP8X"), "20000×20000");
        Bytes pnm;
        text(pnm, "P5\n# a comment\n20000 20000\n255\n");
        pnm.resize(pnm.size() + 64, 0);
        row("PGM", pnm, "20000×20000");
        row("BMP top-down", bmp(20000, -20000), "20000×20000");
        row("JPEG", jpeg(20000, 20000), "20000×20000");
    }
    void hugeDeclaredSizesAreRefusedBeforeDecoding() {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, size);
        const long before = peakRssKiB();
        auto decoded = decodeImageBytes(Bytes(bytes.begin(), bytes.end()), "huge.img");
        QVERIFY(!decoded.ok());
        const std::string message = decoded.error().what();
        QVERIFY2(contains(message, "huge.img") && contains(message, "too large"), message.c_str());
        QVERIFY2(contains(message, size.toStdString()), message.c_str());
        QVERIFY(peakRssKiB() - before < 64 * 1024);
    }

    void sizesAreReadFromHeaders() {
        const ImageHeader t = readImageHeader(tiff(false, 640, 480));
        QCOMPARE(t.format, std::string("TIFF"));
        QCOMPARE(t.width, std::uint64_t(640));
        QCOMPARE(t.height, std::uint64_t(480));
        const ImageHeader b = readImageHeader(bmp(7, -5));
        QCOMPARE(b.width, std::uint64_t(7));
        QCOMPARE(b.height, std::uint64_t(5));
        // A format whose header does not say its size is refused, not decoded to find out.
        auto unsized = decodeImageBytes(tiff(true, 0, 0, /*withSize=*/false), "nosize.tif");
        QVERIFY(!unsized.ok());
        QVERIFY2(contains(unsized.error().message(), "does not state its size"), unsized.error().message().c_str());
    }

    // 2 GiB of zeros behind a header promising 160 bytes: reading stops at the promise.
    void idxGzipBombIsRefused() {
        const std::string images = m_dir.filePath("bomb-images-idx3-ubyte.gz").toStdString();
        const std::string labels = m_dir.filePath("bomb-labels-idx1-ubyte.gz").toStdString();
        Bytes head;
        be32(head, 0x803), be32(head, 10), be32(head, 4), be32(head, 4);
        head.resize(head.size() + 160, 7);
        gzFile f = gzopen(images.c_str(), "wb1");
        QVERIFY(f);
        gzwrite(f, head.data(), static_cast<unsigned>(head.size()));
        const Bytes zeros(1 << 20, 0);
        for (int i = 0; i < 64; ++i) gzwrite(f, zeros.data(), static_cast<unsigned>(zeros.size()));
        gzclose(f);
        Bytes lb;
        be32(lb, 0x801), be32(lb, 10);
        for (int i = 0; i < 10; ++i) lb.push_back(static_cast<std::uint8_t>(i % 2));
        gzFile g = gzopen(labels.c_str(), "wb");
        gzwrite(g, lb.data(), static_cast<unsigned>(lb.size()));
        gzclose(g);

        const long before = peakRssKiB();
        auto loaded = loadIdx(images);
        QVERIFY(!loaded.ok());
        QVERIFY2(contains(loaded.error().message(), images), loaded.error().message().c_str());
        QVERIFY2(contains(loaded.error().message(), "more data than its header states"),
                 loaded.error().message().c_str());
        QVERIFY(peakRssKiB() - before < 32 * 1024);
    }

    void idxHeaderPromisingTooMuchIsRefused() {
        const std::string images = m_dir.filePath("huge-images-idx3-ubyte").toStdString();
        Bytes head;
        be32(head, 0x803), be32(head, 100000), be32(head, 4096), be32(head, 4096);
        writeFile(images, head);
        Bytes lb;
        be32(lb, 0x801), be32(lb, 100000);
        writeFile(m_dir.filePath("huge-labels-idx1-ubyte").toStdString(), lb);
        auto loaded = loadIdx(images);
        QVERIFY(!loaded.ok());
        QVERIFY2(contains(loaded.error().message(), "1 GiB"), loaded.error().message().c_str());
        QVERIFY(contains(loaded.error().message(), images));
    }

    // 16 bytes that promise 60000 images of 128×128 (983 MB, under the 1 GiB cap) were allocated
    // and zero-filled in full before the first pixel was read.
    void idxPromiseWithoutDataCostsNoMemory() {
        QTemporaryDir dir;
        const std::string images = dir.filePath("short-images-idx3-ubyte").toStdString();
        Bytes head;
        be32(head, 0x803), be32(head, 60000), be32(head, 128), be32(head, 128);
        head.resize(head.size() + 100, 3);
        writeFile(images, head);
        Bytes lb;
        be32(lb, 0x801), be32(lb, 60000);
        writeFile(dir.filePath("short-labels-idx1-ubyte").toStdString(), lb);
        const long before = peakRssKiB();
        auto loaded = loadIdx(images);
        QVERIFY(!loaded.ok());
        QVERIFY2(contains(loaded.error().message(), "truncated"), loaded.error().message().c_str());
        QVERIFY2(contains(loaded.error().message(), "only 100 bytes follow"), loaded.error().message().c_str());
        QVERIFY(peakRssKiB() - before < 32 * 1024);
    }

    // A 4.6 GB sparse file of 3073-byte records died in std::bad_alloc.
    void hugeSparseCifarBatchIsRefused() {
        QTemporaryDir dir;
        const std::string batch = dir.filePath("data_batch_1.bin").toStdString();
        writeFile(batch, {});
        std::filesystem::resize_file(batch, std::uintmax_t(3073) * 1'500'000);
        const long before = peakRssKiB();
        auto loaded = loadCifar10(dir.path().toStdString());
        QVERIFY(!loaded.ok());
        QVERIFY2(contains(loaded.error().message(), batch), loaded.error().message().c_str());
        QVERIFY2(contains(loaded.error().message(), "at most 120000"), loaded.error().message().c_str());
        QVERIFY(peakRssKiB() - before < 32 * 1024);
    }

    // 1×65536×65536 passed validation and took 8 GB at predict time.
    void hugeModelInputIsRefused() {
        const json j = poolingSpec({1, 65536, 65536}).toJson();
        auto spec = ModelSpec::fromJson(j, "big.json");
        QVERIFY(!spec.ok());
        QVERIFY2(contains(spec.error().message(), "big.json") && contains(spec.error().message(), "16 M"),
                 spec.error().message().c_str());
        QVERIFY(!analyzeSpec(poolingSpec({1, 65536, 65536})).ok());

        // A layer's output counts too: 4096 filters over 2048×2048 would be 64 GB per sample.
        ModelSpec wide = poolingSpec({1, 2048, 2048});
        wide.layers.insert(wide.layers.begin(), {"conv2d", {{"filters", 4096}, {"kernel", 1}}});
        const SpecReport report = analyzeSpec(wide);
        QVERIFY(!report.ok());
        QVERIFY2(contains(report.problemText(), "layer 1 conv2d") && contains(report.problemText(), "16 M"),
                 report.problemText().c_str());

        ModelParts parts = modelParts(poolingSpec({1, 8, 8}));
        parts.header["spec"]["input"] = {1, 65536, 65536};
        const auto bytes = frameModelFile(kModelFormatVersion, parts.header.dump(), parts.payload);
        auto loaded = deserializeModel(bytes, "big.tsmodel");
        QVERIFY(!loaded.ok());
        QVERIFY2(contains(loaded.error().message(), "big.tsmodel") && contains(loaded.error().message(), "16 M"),
                 loaded.error().message().c_str());
    }

    // A 1 KB file whose spec asks for 67 M weights: counted from the spec, refused unallocated.
    void modelFileClaimingMoreWeightsThanItHoldsIsRefused() {
        ModelSpec small;
        small.input = {1, 4, 4};
        small.classes = 2;
        small.layers = {{"flatten", json::object()}, {"dense", {{"units", "classes"}}}};
        ModelParts parts = modelParts(small);
        parts.header["spec"]["input"] = {1, 64, 64};
        parts.header["spec"]["layers"][1]["units"] = 16384;
        parts.header["spec"]["layers"].push_back({{"type", "dense"}, {"units", "classes"}});
        const auto bytes = frameModelFile(kModelFormatVersion, parts.header.dump(), parts.payload);
        QVERIFY(bytes.size() < 4096);
        const long before = peakRssKiB();
        auto loaded = deserializeModel(bytes, "liar.tsmodel");
        QVERIFY(!loaded.ok());
        const std::string message = loaded.error().message();
        QVERIFY2(contains(message, "liar.tsmodel") && contains(message, "its architecture needs 67158018"),
                 message.c_str());
        QVERIFY2(peakRssKiB() - before < 32 * 1024, "the weights were allocated before the check");
    }

    // 150 000 levels of nesting overflowed the stack in ModelSpec::fromJson.
    void deeplyNestedSpecIsRefused() {
        const std::string path = m_dir.filePath("deep.json").toStdString();
        std::ofstream(path) << "{\"input\": [2], \"classes\": 2, \"layers\": [{\"type\": \"dense\", \"units\": "
                            << std::string(150000, '[') << std::string(150000, ']') << "}]}";
        auto spec = ModelSpec::fromFile(path);
        QVERIFY(!spec.ok());
        QVERIFY2(contains(spec.error().message(), path) && contains(spec.error().message(), "64 levels"),
                 spec.error().message().c_str());
    }

    void nestingIsCountedOutsideStrings() {
        const std::string nested = "{\"a\": [1, {\"b\": []}]}";
        const std::string inString = "{\"a\": \"[[[[[[\\\"[[[[\"}";  // {"a": "[[[[[[\"[[[["}
        QCOMPARE(jsonNestingDepth(nested), 4);
        QCOMPARE(jsonNestingDepth(inString), 1);
        QVERIFY(jsonNestingDepth(std::string(100000, '[')) > kMaxJsonDepth);
        auto ok = parseJsonLimited("{\"a\": [1, 2]}", "Thing 'x'", "fix it");
        QVERIFY(ok.ok());
        QCOMPARE((*ok)["a"][1].get<int>(), 2);
        auto bad = parseJsonLimited("{nope", "Thing 'x'", "fix it");
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().what(), std::string("Thing 'x' is not valid JSON. fix it"));
    }

    // fuzz_image: a 200-byte TIFF of 65285×4 pixels whose strips claim 8973 rows: OpenCV 4.6
    // allocated a strip buffer of 65285×8973 RGBA pixels (2.3 GB) before reading a byte of it.
    void tiffStripsLargerThanTheLimitAreRefused() {
        const std::string path = STUDIO_SOURCE_DIR "/tests/fuzz/corpus/fuzz_image/tiff_strip_taller_than_image.tif";
        std::ifstream in(path, std::ios::binary);
        const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QCOMPARE(bytes.size(), std::size_t(200));
        const long before = peakRssKiB();
        auto image = decodeImageBytes(bytes, "strips.tif");
        QVERIFY(!image.ok());
        QVERIFY2(contains(image.error().message(), "'strips.tif' is a TIFF whose strips are 65285×8973 pixels"),
                 image.error().message().c_str());
        QVERIFY(peakRssKiB() - before < 32 * 1024);
        // An ordinary TIFF (the fuzzer's seed, written by OpenCV) states its strips too, and decodes.
        std::ifstream seed(STUDIO_SOURCE_DIR "/tests/fuzz/corpus/fuzz_image/gray.tif", std::ios::binary);
        const Bytes ordinary((std::istreambuf_iterator<char>(seed)), std::istreambuf_iterator<char>());
        auto decoded = decodeImageBytes(ordinary, "gray.tif");
        QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().what().c_str());
    }

    // fuzz_image: RIFF/WEBP bytes that WebP's reader refused went on to OpenCV's DICOM reader
    // ("DICM" at 128), whose assertion aborted: any file with that marker is DICOM to us.
    void dicomMarkerBehindAnotherMagicIsRefused() {
        const std::string path = STUDIO_SOURCE_DIR "/tests/fuzz/corpus/fuzz_image/webp_with_dicom_marker";
        std::ifstream in(path, std::ios::binary);
        const Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        QVERIFY(bytes.size() > 132);
        auto image = decodeImageBytes(bytes, "webp.webp");
        QVERIFY(!image.ok());
        QVERIFY2(contains(image.error().message(), "'webp.webp' is a DICOM file"), image.error().message().c_str());
    }

    // ONNX backbones from tests/fuzz/corpus/fuzz_onnx_backbone: the exports the corpus starts
    // from load; a reproducer is refused with the file's name and the reason, before OpenCV.
    void onnxBackboneSeedsLoad_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("conv") << "conv_bn_gelu_pools.onnx";
        QTest::newRow("dense") << "pool_dense_bn_sigmoid.onnx";
        QTest::newRow("global pool") << "conv_elu_global_pool.onnx";
    }
    void onnxBackboneSeedsLoad() {
        QFETCH(QString, name);
        auto backbone = Backbone::fromFile(onnxCorpus(name), {1, 28, 28});
        QVERIFY2(backbone.ok(), backbone.ok() ? "" : backbone.error().what().c_str());
        QVERIFY((*backbone)->featureSize() > 0);
    }

    void hostileOnnxBackbonesAreRefused_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("reason");
        // A Gemm weight whose dims promise 1200 bytes held 1177: OpenCV 4.6's importer copied
        // the promised 1200 (ASan: heap-buffer-overflow in cv::Mat::copyTo from readNetFromONNX).
        QTest::newRow("raw data shorter than its dims") << "raw_data_shorter_than_dims.onnx" << "but holds";
    }
    void hostileOnnxBackbonesAreRefused() {
        QFETCH(QString, name);
        QFETCH(QString, reason);
        const std::string path = onnxCorpus(name);
        auto backbone = Backbone::fromFile(path, {1, 28, 28});
        QVERIFY(!backbone.ok());
        const std::string message = backbone.error().message();
        QVERIFY2(contains(message, path) && contains(message, reason.toStdString()), message.c_str());
    }

private:
    static std::string onnxCorpus(const QString& name) {
        return STUDIO_SOURCE_DIR "/tests/fuzz/corpus/fuzz_onnx_backbone/" + name.toStdString();
    }

    QTemporaryDir m_dir;
};

QTEST_APPLESS_MAIN(HostileInputsTest)
#include "tst_hostile_inputs.moc"
