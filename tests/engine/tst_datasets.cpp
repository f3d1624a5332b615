// Dataset loading: generated sets, IDX (raw and gzipped), CIFAR-10, image folders, image
// decoding, the catalog, and Fashion-MNIST when Debian's package is installed.

#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <zlib.h>

#include "engine/data/cifar.h"
#include "engine/data/dataset_catalog.h"
#include "engine/data/idx.h"
#include "engine/data/image_io.h"
#include "engine/data/synthetic.h"

using namespace studio;

namespace {

void put32(std::vector<std::uint8_t>& b, std::uint32_t v) {
    for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<std::uint8_t>(v >> s));
}

void writeBytes(const std::string& path, const std::vector<std::uint8_t>& bytes, bool gz) {
    if (gz) {
        gzFile f = gzopen(path.c_str(), "wb");
        QVERIFY(f);
        gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
        gzclose(f);
    } else {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    }
}

std::uint8_t idxPixel(int i, int k) {
    return static_cast<std::uint8_t>((i * 31 + k * 7) % 256);
}

struct IdxFixture {
    int count = 12, rows = 4, cols = 3, labelCount = -1;
    std::uint32_t imagesMagic = 0x803;
    int dropImageBytes = 0;
    int badLabelAt = -1;  // that label becomes 42
};

// prefix-images-idx3-ubyte[.gz] and prefix-labels-idx1-ubyte[.gz]; labels i % 3.
void writeIdx(const QString& dir, const std::string& prefix, const IdxFixture& f, bool gz) {
    std::vector<std::uint8_t> im, lb;
    put32(im, f.imagesMagic);
    put32(im, static_cast<std::uint32_t>(f.count));
    put32(im, static_cast<std::uint32_t>(f.rows));
    put32(im, static_cast<std::uint32_t>(f.cols));
    for (int i = 0; i < f.count; ++i)
        for (int k = 0; k < f.rows * f.cols; ++k) im.push_back(idxPixel(i, k));
    im.resize(im.size() - static_cast<std::size_t>(f.dropImageBytes));
    const int labels = f.labelCount < 0 ? f.count : f.labelCount;
    put32(lb, 0x801);
    put32(lb, static_cast<std::uint32_t>(labels));
    for (int i = 0; i < labels; ++i) lb.push_back(static_cast<std::uint8_t>(i == f.badLabelAt ? 42 : i % 3));
    const std::string ext = gz ? ".gz" : "";
    writeBytes(dir.toStdString() + "/" + prefix + "-images-idx3-ubyte" + ext, im, gz);
    writeBytes(dir.toStdString() + "/" + prefix + "-labels-idx1-ubyte" + ext, lb, gz);
}

void writeCifar(const std::string& path, int records, int firstLabel, int dropBytes = 0) {
    std::vector<std::uint8_t> b;
    for (int i = 0; i < records; ++i) {
        b.push_back(static_cast<std::uint8_t>((firstLabel + i) % 10));
        for (int k = 0; k < 3072; ++k) b.push_back(static_cast<std::uint8_t>((i + k) % 251));
    }
    b.resize(b.size() - static_cast<std::size_t>(dropBytes));
    writeBytes(path, b, false);
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

QImage solid(int w, int h, QColor colour, QImage::Format format = QImage::Format_RGB32) {
    QImage img(w, h, format);
    img.fill(colour);
    return img;
}

}  // namespace

class TestDatasets : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // A correction adds a sample to a loaded image folder: old sources stay, the new one is set after.
    void appendAfterSourcesKeepsThem() {
        Dataset d = Dataset::images("folder", 1, 2, 2, {"a", "b"});
        const std::uint8_t px[4] = {1, 2, 3, 4};
        d.addImage(px, 0);
        d.addImage(px, 1);
        d.setSource(0, "a/0.png");
        d.setSource(1, "b/1.png");
        d.addImage(px, 1);
        QCOMPARE(d.size(), 3);
        QCOMPARE(d.source(1), std::string("b/1.png"));
        QCOMPARE(d.source(2), std::string());
        d.setSource(2, "b/new.png");
        QCOMPARE(d.source(2), std::string("b/new.png"));
        QCOMPARE(d.classCounts(), std::vector<int>({1, 2}));
    }
    void generatedSets_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("classes");
        QTest::addColumn<QString>("shape");
        QTest::newRow("shapes") << "shapes" << 6000 << 8 << "1×28×28";
        QTest::newRow("spirals") << "spirals" << 1500 << 3 << "2";
        QTest::newRow("circles") << "circles" << 1000 << 2 << "2";
        QTest::newRow("xor") << "xor" << 1000 << 2 << "2";
        QTest::newRow("gauss") << "gauss" << 1000 << 4 << "2";
    }
    void generatedSets() {
        QFETCH(QString, name);
        QFETCH(int, size);
        QFETCH(int, classes);
        QFETCH(QString, shape);
        auto b = loadDataset(name.toStdString());
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().what().c_str());
        QCOMPARE(b->pool.size(), size);
        QCOMPARE(b->pool.classCount(), classes);
        QCOMPARE(QString::fromStdString(shapeToString(b->pool.sampleShape())), shape);
        QVERIFY(!b->test.has_value());
        for (int count : b->pool.classCounts()) QCOMPARE(count, size / classes);
        QVERIFY(!b->description.empty());
    }

    void generatedDeterminism_data() {
        QTest::addColumn<QString>("name");
        QTest::newRow("shapes") << "shapes";
        QTest::newRow("spirals") << "spirals";
        QTest::newRow("gauss") << "gauss";
    }
    void generatedDeterminism() {
        QFETCH(QString, name);
        auto load = [&](std::uint64_t seed, int threads) {
            DatasetOptions o;
            o.seed = seed;
            o.samples = 600;
            o.threads = threads;
            auto b = loadDataset(name.toStdString(), o);
            STUDIO_ASSERT(b.ok(), "generated set failed");
            return std::move(b->pool);
        };
        auto bytes = [](const Dataset& d) {
            std::vector<float> all(d.sampleSize() * static_cast<std::size_t>(d.size()));
            for (int i = 0; i < d.size(); ++i)
                d.sampleAsFloat(i, all.data() + static_cast<std::size_t>(i) * d.sampleSize());
            return all;
        };
        const auto one = bytes(load(5, 1)), two = bytes(load(5, 2)), again = bytes(load(5, 2)),
                   other = bytes(load(6, 2));
        QCOMPARE(one.size(), std::size_t(600) * (name == "shapes" ? 784 : 2));
        QVERIFY(one == two);    // thread count does not matter
        QVERIFY(two == again);  // same seed, same data
        QVERIFY(one != other);  // another seed, other data
    }

    void shapesAreDrawings() {
        DatasetOptions o;
        o.samples = 80;
        auto b = loadDataset("shapes", o);
        QVERIFY(b.ok());
        QCOMPARE(b->pool.classNames(), shapeClassNames());
        for (int i = 0; i < b->pool.size(); ++i) {
            const std::uint8_t* p = b->pool.pixels(i);
            const auto [lo, hi] = std::minmax_element(p, p + 784);
            QVERIFY2(*hi - *lo > 80, "a shape must stand out from its background");
            // The shape stays inside the frame: the outer one-pixel frame is background.
            double frame = 0, inner = 0;
            for (int k = 0; k < 28; ++k) frame += p[k] + p[27 * 28 + k] + p[k * 28] + p[k * 28 + 27];
            for (int y = 2; y < 26; ++y)
                for (int x = 2; x < 26; ++x) inner = std::max<double>(inner, p[y * 28 + x]);
            QVERIFY(inner > frame / 112.0 + 60);
        }
    }

    void generatedErrors() {
        DatasetOptions o;
        o.samples = 5'000'000;
        auto big = loadDataset("spirals", o);
        QVERIFY(!big.ok());
        QVERIFY(contains(big.error().message(), "too many"));
        auto unknown = loadDataset("no-such-set");
        QVERIFY(!unknown.ok());
        QVERIFY(contains(unknown.error().message(), "'no-such-set'"));
        QVERIFY(contains(unknown.error().hint(), "shapes"));
        QVERIFY(contains(unknown.error().hint(), "CIFAR-10"));
    }

    void idxPairs_data() {
        QTest::addColumn<bool>("gz");
        QTest::newRow("raw") << false;
        QTest::newRow("gzip") << true;
    }
    void idxPairs() {
        QFETCH(bool, gz);
        QTemporaryDir dir;
        IdxFixture train;
        IdxFixture test;
        test.count = 5;
        writeIdx(dir.path(), "train", train, gz);
        writeIdx(dir.path(), "t10k", test, gz);
        auto b = loadDataset(dir.path().toStdString());
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().what().c_str());
        QCOMPARE(b->pool.size(), 12);
        QVERIFY(b->test.has_value());
        QCOMPARE(b->test->size(), 5);
        QCOMPARE(b->pool.sampleShape(), (Shape{1, 4, 3}));
        QCOMPARE(b->pool.classNames(), (std::vector<std::string>{"0", "1", "2"}));
        for (int i = 0; i < 12; ++i) {
            QCOMPARE(b->pool.label(i), i % 3);
            for (int k = 0; k < 12; ++k) QCOMPARE(b->pool.pixels(i)[k], idxPixel(i, k));
        }
        // The images file alone: its labels are found beside it.
        const std::string file = dir.path().toStdString() + "/train-images-idx3-ubyte" + (gz ? ".gz" : "");
        auto single = loadDataset(file);
        QVERIFY2(single.ok(), single.ok() ? "" : single.error().what().c_str());
        QCOMPARE(single->pool.size(), 12);
        QVERIFY(!single->test.has_value());
    }

    void idxErrors_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("expected");
        QTest::newRow("wrong magic") << 0 << "train-images"
                                     << "wrong magic number 0x00000804";
        QTest::newRow("truncated") << 1 << "train-images"
                                   << "is truncated";
        QTest::newRow("label count") << 2 << "train-labels"
                                     << "holds 11 labels but";
        QTest::newRow("label range") << 3 << "t10k-labels"
                                     << "label 42 of sample 2 is out of range";
        QTest::newRow("no labels") << 4 << "train-images"
                                   << "No labels file";
    }
    void idxErrors() {
        QFETCH(int, kind);
        QFETCH(QString, file);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        IdxFixture train, test;
        if (kind == 0) train.imagesMagic = 0x804;
        if (kind == 1) train.dropImageBytes = 5;
        if (kind == 2) train.labelCount = 11;
        if (kind == 3) test.badLabelAt = 2;
        writeIdx(dir.path(), "train", train, kind % 2 == 0);
        writeIdx(dir.path(), "t10k", test, false);
        if (kind == 4) QVERIFY(QFile::remove(dir.path() + "/train-labels-idx1-ubyte.gz"));
        auto b = loadDataset(dir.path().toStdString());
        QVERIFY(!b.ok());
        QVERIFY2(contains(b.error().message(), expected.toStdString()), b.error().message().c_str());
        QVERIFY2(contains(b.error().message(), file.toStdString()), b.error().message().c_str());
    }

    void truncatedGzip() {
        QTemporaryDir dir;
        writeIdx(dir.path(), "train", IdxFixture{}, true);
        const QString path = dir.path() + "/train-images-idx3-ubyte.gz";
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.resize(f.size() - 12));
        f.close();
        auto b = loadDataset(path.toStdString());
        QVERIFY(!b.ok());
        QVERIFY2(contains(b.error().message(), "train-images-idx3-ubyte.gz"), b.error().message().c_str());
    }

    void cifar() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        writeCifar(d + "/data_batch_1.bin", 20, 0);
        writeCifar(d + "/data_batch_2.bin", 15, 3);
        writeCifar(d + "/test_batch.bin", 10, 5);
        auto b = loadDataset(d);
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().what().c_str());
        QCOMPARE(b->pool.size(), 35);
        QCOMPARE(b->test->size(), 10);
        QCOMPARE(b->pool.sampleShape(), (Shape{3, 32, 32}));
        QCOMPARE(b->pool.classNames(), cifar10ClassNames());
        QCOMPARE(b->pool.label(20), 3);  // first record of batch 2
        QCOMPARE(static_cast<int>(b->pool.pixels(21)[5]), (1 + 5) % 251);

        std::ofstream(d + "/batches.meta.txt") << "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        auto named = loadDataset(d + "/data_batch_2.bin");
        QVERIFY(named.ok());
        QCOMPARE(named->pool.size(), 15);
        QCOMPARE(named->test->size(), 10);
        QCOMPARE(named->pool.classNames().front(), std::string("a"));

        writeCifar(d + "/data_batch_3.bin", 4, 0, 100);
        auto truncated = loadDataset(d);
        QVERIFY(!truncated.ok());
        QVERIFY(contains(truncated.error().message(), "data_batch_3.bin"));
        QVERIFY(contains(truncated.error().message(), "truncated"));
    }

    void imageFolder() {
        QTemporaryDir dir;
        const QString root = dir.path() + "/pets";
        QVERIFY(QDir().mkpath(root + "/cat") && QDir().mkpath(root + "/dog") && QDir().mkpath(root + "/dog/extra"));
        QVERIFY(solid(40, 30, QColor(200, 30, 30)).save(root + "/cat/a_red.png"));
        QVERIFY(solid(16, 16, QColor(90, 90, 90))
                    .convertToFormat(QImage::Format_Grayscale8)
                    .save(root + "/cat/b_gray.jpg", "JPG", 95));
        QVERIFY(solid(64, 64, QColor(20, 200, 40)).save(root + "/dog/a_green.jpg", "JPG", 95));
        QVERIFY(solid(8, 8, QColor(10, 10, 250)).save(root + "/dog/b_blue.bmp"));
        std::ofstream((root + "/dog/c_fake.png").toStdString()) << "this is not a picture\n";
        std::ofstream((root + "/cat/c_empty.png").toStdString());
        {
            QByteArray png;
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            QImage noise(64, 64, QImage::Format_RGB32);
            for (int y = 0; y < 64; ++y)
                for (int x = 0; x < 64; ++x)
                    noise.setPixel(x, y, qRgb((x * 37 + y * 11) % 256, (x * y) % 256, (x + y * 5) % 256));
            noise.save(&buffer, "PNG");
            QFile f(root + "/cat/d_truncated.png");
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(png.left(png.size() / 2));
        }
        std::ofstream((root + "/readme.txt").toStdString()) << "notes\n";

        DatasetOptions o;
        o.imageSize = 12;
        auto b = loadDataset(root.toStdString(), o);
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().what().c_str());
        QCOMPARE(b->pool.classNames(), (std::vector<std::string>{"cat", "dog"}));
        QCOMPARE(b->pool.size(), 4);
        QCOMPARE(b->pool.sampleShape(), (Shape{3, 12, 12}));  // colour decided from the images
        QCOMPARE(b->pool.label(0), 0);
        QCOMPARE(b->pool.label(3), 1);
        QVERIFY(contains(b->pool.source(0), "a_red.png"));
        QVERIFY(contains(b->pool.source(3), "b_blue.bmp"));
        const std::uint8_t* red = b->pool.pixels(0);
        QCOMPARE(static_cast<int>(red[0]), 200);       // R plane
        QCOMPARE(static_cast<int>(red[144]), 30);      // G plane
        const std::uint8_t* gray = b->pool.pixels(1);  // gray JPEG replicated into RGB
        QVERIFY(std::abs(gray[0] - 90) <= 2 && gray[0] == gray[144] && gray[144] == gray[288]);

        std::map<std::string, std::string> skipped;
        for (const SkippedFile& s : b->skipped) skipped[std::filesystem::path(s.path).filename().string()] = s.reason;
        QCOMPARE(static_cast<int>(skipped.size()), 5);
        QVERIFY2(contains(skipped["c_fake.png"], "not a supported image"), skipped["c_fake.png"].c_str());
        QVERIFY2(contains(skipped["c_empty.png"], "empty"), skipped["c_empty.png"].c_str());
        QVERIFY2(contains(skipped["d_truncated.png"], "truncated"), skipped["d_truncated.png"].c_str());
        QVERIFY2(contains(skipped["readme.txt"], "not inside a class folder"), skipped["readme.txt"].c_str());
        QVERIFY(contains(skipped["extra"], "folder inside a class folder"));

        // Forced gray, one thread: same order, 1 channel.
        o.channels = 1;
        o.threads = 1;
        auto g = loadDataset(root.toStdString(), o);
        QVERIFY(g.ok());
        QCOMPARE(g->pool.sampleShape(), (Shape{1, 12, 12}));
        QCOMPARE(g->pool.size(), 4);
    }

    void imageFolderThreadsAgree() {
        QTemporaryDir dir;
        for (int c = 0; c < 3; ++c) {
            const QString cls = dir.path() + "/class" + QString::number(c);
            QVERIFY(QDir().mkpath(cls));
            for (int i = 0; i < 300; ++i)
                QVERIFY(solid(10 + i % 7, 9, QColor((i * 13) % 256, c * 80, 255 - i % 256))
                            .save(cls + QString("/%1.png").arg(i, 3, 10, QChar('0'))));
        }
        auto load = [&](int threads) {
            DatasetOptions o;
            o.threads = threads;
            o.imageSize = 8;
            auto b = loadDataset(dir.path().toStdString(), o);
            STUDIO_ASSERT(b.ok(), "image folder failed");
            return std::move(b->pool);
        };
        const Dataset one = load(1), two = load(2);
        QCOMPARE(one.size(), 900);
        QCOMPARE(one.labels(), two.labels());
        for (int i = 0; i < one.size(); ++i) {
            QCOMPARE(one.source(i), two.source(i));
            QVERIFY(std::equal(one.pixels(i), one.pixels(i) + one.sampleSize(), two.pixels(i)));
        }
    }

    void imageFolderLayoutErrors() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        auto missing = loadDataset(d + "/nope");
        QVERIFY(!missing.ok());
        QVERIFY(contains(missing.error().message(), d + "/nope"));

        QVERIFY(solid(4, 4, Qt::red).save(dir.path() + "/loose.png"));
        auto flat = loadDataset(d);
        QVERIFY(!flat.ok());
        QVERIFY(contains(flat.error().message(), d));
        QVERIFY(contains(flat.error().hint(), "<root>/<class>/<image>"));

        QVERIFY(QDir().mkpath(dir.path() + "/only"));
        QVERIFY(solid(4, 4, Qt::red).save(dir.path() + "/only/a.png"));
        auto one = loadDataset(d);
        QVERIFY(!one.ok());
        QVERIFY(contains(one.error().message(), "only one class folder"));

        QVERIFY(QDir().mkpath(dir.path() + "/bad"));
        std::ofstream(d + "/bad/x.png") << "text";
        std::ofstream(d + "/only/y.png") << "text";
        QVERIFY(QFile::remove(dir.path() + "/only/a.png"));
        auto none = loadDataset(d);
        QVERIFY(!none.ok());
        QVERIFY(contains(none.error().message(), "no usable images"));

        std::ofstream(d + "/plain.dat") << "nothing";
        auto file = loadDataset(d + "/plain.dat");
        QVERIFY(!file.ok());
        QVERIFY(contains(file.error().message(), "plain.dat"));
        QVERIFY(contains(file.error().hint(), "IDX"));
    }

    void imageDecoding() {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        auto missing = readImageFile(d + "/missing.png");
        QVERIFY(!missing.ok());
        QCOMPARE(missing.error().kind(), Error::Kind::NotFound);

        // 16-bit gray is scaled to 8 bits.
        QImage deep(4, 4, QImage::Format_Grayscale16);
        deep.fill(QColor::fromRgba64(qRgba64(0x8080, 0x8080, 0x8080, 0xFFFF)));
        QVERIFY(deep.save(dir.path() + "/deep.png"));
        auto g16 = readImageFile(d + "/deep.png");
        QVERIFY2(g16.ok(), g16.ok() ? "" : g16.error().what().c_str());
        QCOMPARE(g16->channels, 1);
        QCOMPARE(static_cast<int>(g16->chw[0]), 128);

        // Alpha is composited on black.
        QVERIFY(solid(4, 4, QColor(200, 100, 0, 128), QImage::Format_ARGB32).save(dir.path() + "/alpha.png"));
        auto a = readImageFile(d + "/alpha.png");
        QVERIFY(a.ok());
        QCOMPARE(a->channels, 3);
        QVERIFY(std::abs(a->chw[0] - 100) <= 1 && std::abs(a->chw[16] - 50) <= 1 && a->chw[32] == 0);

        // A header claiming 20000×20000 is refused before decoding.
        std::vector<std::uint8_t> huge{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        put32(huge, 20000);
        put32(huge, 20000);
        huge.insert(huge.end(), {8, 0, 0, 0, 0, 0, 0, 0, 0});
        auto big = decodeImageBytes(huge, "huge.png");
        QVERIFY(!big.ok());
        QVERIFY(contains(big.error().message(), "too large"));
        QVERIFY(contains(big.error().message(), "huge.png"));

        // A truncated JPEG is reported, not padded with grey.
        QByteArray jpg;
        QBuffer buffer(&jpg);
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(solid(32, 32, Qt::blue).save(&buffer, "JPG"));
        const std::vector<std::uint8_t> cut(jpg.begin(), jpg.begin() + jpg.size() * 2 / 3);
        auto truncated = decodeImageBytes(cut, "cut.jpg");
        QVERIFY(!truncated.ok());
        QVERIFY(contains(truncated.error().message(), "truncated"));

        // A cut-off PNG is named before libpng sees it; bytes after the end chunk are tolerated.
        QByteArray png;
        QBuffer pngBuffer(&png);
        pngBuffer.open(QIODevice::WriteOnly);
        QVERIFY(solid(16, 16, Qt::green).save(&pngBuffer, "PNG"));
        const std::vector<std::uint8_t> cutPng(png.begin(), png.begin() + png.size() / 2);
        auto cutDecoded = decodeImageBytes(cutPng, "cut.png");
        QVERIFY(!cutDecoded.ok());
        QVERIFY2(contains(cutDecoded.error().message(), "truncated PNG"), cutDecoded.error().message().c_str());
        std::vector<std::uint8_t> withTrailer(png.begin(), png.end());
        withTrailer.insert(withTrailer.end(), {'x', 'y', 'z'});
        auto paddedDecoded = decodeImageBytes(withTrailer, "trailer.png");
        QVERIFY(paddedDecoded.ok());
        QCOMPARE(paddedDecoded->width, 16);

        // fitImage: pad letterboxes with black; stretch fills.
        DecodedImage wide;
        wide.channels = 1;
        wide.height = 2;
        wide.width = 8;
        wide.chw.assign(16, 255);
        const DecodedImage padded = fitImage(wide, 1, 8, 8, "pad");
        QCOMPARE(static_cast<int>(padded.chw[0]), 0);
        QCOMPARE(static_cast<int>(padded.chw[4 * 8 + 4]), 255);
        const DecodedImage stretched = fitImage(wide, 3, 8, 8, "stretch");
        QCOMPARE(stretched.channels, 3);
        QCOMPARE(static_cast<int>(stretched.chw[0]), 255);

        // writePng round trip, no temp file left behind.
        DecodedImage rgb;
        rgb.channels = 3;
        rgb.height = 3;
        rgb.width = 5;
        for (int k = 0; k < 45; ++k) rgb.chw.push_back(static_cast<std::uint8_t>(k * 5));
        QVERIFY(writePng(d + "/out.png", rgb).ok());
        auto back = readImageFile(d + "/out.png");
        QVERIFY(back.ok());
        QCOMPARE(back->chw, rgb.chw);
        QCOMPARE(QDir(dir.path()).entryList(QStringList{"*.tmp*"}, QDir::Files).size(), 0);
        QVERIFY(!writePng(d + "/no/such/dir/out.png", rgb).ok());
    }

    void catalogLists() {
        const auto list = listDatasets();
        std::vector<std::string> names;
        for (const DatasetInfo& i : list) names.push_back(i.name);
        for (const char* n : {"shapes", "spirals", "circles", "xor", "gauss"})
            QVERIFY(std::find(names.begin(), names.end(), n) != names.end());
        const bool fashion = std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz");
        QCOMPARE(std::find(names.begin(), names.end(), "fashion-mnist") != names.end(), fashion);
    }

    void fashionMnist() {
        if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
            QSKIP("dataset-fashion-mnist is not installed");
        const auto start = std::chrono::steady_clock::now();
        auto b = loadDataset("fashion-mnist");
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        QVERIFY2(b.ok(), b.ok() ? "" : b.error().what().c_str());
        qInfo("Fashion-MNIST loaded in %.3f s", seconds);
        QCOMPARE(b->pool.size(), 60000);
        QVERIFY(b->test.has_value());
        QCOMPARE(b->test->size(), 10000);
        QCOMPARE(b->pool.sampleShape(), (Shape{1, 28, 28}));
        QCOMPARE(b->pool.classNames(), fashionMnistClassNames());
        QCOMPARE(b->pool.classNames()[9], std::string("Ankle boot"));
        for (int count : b->pool.classCounts()) QCOMPARE(count, 6000);
        QVERIFY(seconds < 5.0);
    }
};

QTEST_GUILESS_MAIN(TestDatasets)
#include "tst_datasets.moc"
