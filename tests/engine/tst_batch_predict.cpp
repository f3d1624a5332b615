// Batch prediction of files: the folder listing (extensions, order, hidden files, recursion,
// errors), predictions equal to predictFile bit for bit for any thread count, bad files as
// error outcomes that leave the others alone, and the CSV (columns, quoting, atomic write).

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <sstream>

#include "engine/infer/batch_predict.h"

using namespace studio;

namespace {

ModelSnapshot makeSnapshot(std::uint64_t seed) {
    auto spec = presetSpec("lenet", {1, 28, 28}, 5);
    if (!spec.ok()) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model.ok()) qFatal("%s", model.error().what().c_str());
    model->initialize(seed);
    Preprocessing pre = Preprocessing::identity({1, 28, 28}, true);
    pre.mean[0] = 0.3f;
    pre.stddev[0] = 0.25f;
    return ModelSnapshot{std::move(*model),
                         pre,
                         {"circle", "square", "tri,angle", "say \"hi\"", "star"},
                         "synthetic",
                         nlohmann::json::object(),
                         nlohmann::json::object(),
                         1};
}

DecodedImage randomImage(int c, int h, int w, std::uint64_t seed) {
    DecodedImage img{c, h, w, {}};
    Rng rng = Rng::forStream(seed, RngPurpose::Test, 8);
    for (int i = 0; i < c * h * w; ++i) img.chw.push_back(static_cast<std::uint8_t>(rng.below(256)));
    return img;
}

void writeBytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary);
    out << bytes;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

class BatchPredictTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY(m_dir.isValid());
        m_root = m_dir.path().toStdString();
        for (int i = 0; i < 6; ++i) {  // gray and RGB, other sizes than the model's
            const std::string name = m_root + "/img" + std::to_string(i) + (i == 3 ? ".PNG" : ".png");
            QVERIFY(writePng(name, i % 2 ? randomImage(3, 40, 30, i) : randomImage(1, 28, 28, i)).ok());
        }
        // A PNG cut short, and a text file that only claims to be one.
        const std::string good = readAll(m_root + "/img0.png");
        writeBytes(m_root + "/corrupt.png", good.substr(0, good.size() / 2));
        writeBytes(m_root + "/text.png", "this is not an image, just words\n");
        writeBytes(m_root + "/notes.txt", "not listed");
        QVERIFY(writePng(m_root + "/.hidden.png", randomImage(1, 8, 8, 9)).ok());
        QVERIFY(QDir(m_dir.path()).mkpath("sub/.secret"));
        QVERIFY(writePng(m_root + "/sub/inner.jpg.png", randomImage(1, 20, 20, 10)).ok());
        QVERIFY(writePng(m_root + "/sub/.secret/x.png", randomImage(1, 20, 20, 11)).ok());
    }

    void listsImagesSortedByExtension() {
        auto flat = listImageFiles(m_root, false);
        QVERIFY(flat.ok());
        const std::vector<std::string> expected = {m_root + "/corrupt.png", m_root + "/img0.png", m_root + "/img1.png",
                                                   m_root + "/img2.png",    m_root + "/img3.PNG", m_root + "/img4.png",
                                                   m_root + "/img5.png",    m_root + "/text.png"};
        QCOMPARE(*flat, expected);
        auto deep = listImageFiles(m_root, true);
        QVERIFY(deep.ok());
        std::vector<std::string> deeper = expected;  // sorted by the whole path; hidden folders are not entered
        deeper.insert(deeper.end() - 1, m_root + "/sub/inner.jpg.png");
        QCOMPARE(*deep, deeper);

        for (const char* name : {"a.jpg", "b.JPEG", "c.bmp", "d.tif", "e.tiff", "f.webp", "g.pgm", "h.ppm", "i.pbm"})
            QVERIFY2(hasImageExtension(name), name);
        for (const char* name : {"a.gif", "b.txt", "png", "c.png.bak", "d"}) QVERIFY2(!hasImageExtension(name), name);
    }

    void listingErrorsNameTheFolder() {
        const std::string missing = m_root + "/nope";
        auto r = listImageFiles(missing, false);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind(), Error::Kind::NotFound);
        QVERIFY(r.error().message().find(missing) != std::string::npos);
        auto file = listImageFiles(m_root + "/img0.png", true);
        QVERIFY(!file.ok());
        QVERIFY(file.error().message().find("img0.png") != std::string::npos);
        QVERIFY(QDir(m_dir.path()).mkpath("empty"));
        auto empty = listImageFiles(m_root + "/empty", true);
        QVERIFY(empty.ok());
        QVERIFY(empty->empty());
    }

    void equalsPredictFileForAnyThreadCount() {
        const ModelSnapshot s = makeSnapshot(3);
        auto paths = listImageFiles(m_root, true);
        QVERIFY(paths.ok());
        ThreadPool one(1), two(2);
        const auto serial = classifyFiles(s, *paths, 3, nullptr);
        const auto p1 = classifyFiles(s, *paths, 3, &one);
        const auto p2 = classifyFiles(s, *paths, 3, &two);
        QCOMPARE(serial.size(), paths->size());
        int failed = 0;
        for (std::size_t i = 0; i < paths->size(); ++i) {
            const std::string& path = (*paths)[i];
            QCOMPARE(serial[i].path, path);
            const auto single = predictFile(s, path, 3);
            for (const auto* o : {&serial[i], &p1[i], &p2[i]}) {
                QCOMPARE(o->ok(), single.ok());
                if (single.ok()) {
                    QVERIFY(o->prediction->probabilities == single->probabilities);  // bit for bit
                    QVERIFY(o->prediction->top == single->top);
                    QVERIFY(o->error.empty());
                } else {
                    QCOMPARE(o->error, single.error().what());
                }
            }
            if (!serial[i].ok()) {
                ++failed;
                QVERIFY2(path.ends_with("corrupt.png") || path.ends_with("text.png"), path.c_str());
                QVERIFY2(serial[i].error.find(path) != std::string::npos, serial[i].error.c_str());
            }
        }
        QCOMPARE(failed, 2);
        QVERIFY(classifyFiles(s, {}, 3, &two).empty());
    }

    void csvHasOneQuotedRowPerFile() {
        Prediction p;
        p.probabilities = {0.1f, 0.2f, 0.6f, 0.05f, 0.05f};
        p.top = {{2, 0.6f}};
        Prediction noTop;
        noTop.probabilities = {0.1f, 0.1f, 0.1f, 0.7f, 0.0f};
        std::vector<FileOutcome> outcomes(6);
        outcomes[0] = {"plain.png", p, ""};
        outcomes[1] = {"with, comma \"and quotes\".png", noTop, ""};
        outcomes[2] = {"bad.png", std::nullopt, "Image 'bad.png' is corrupt, cannot decode.\nTry another."};
        outcomes[3] = {" space.png", p, ""};
        outcomes[4] = {"=1+2.png", p, ""};  // a spreadsheet would run these as formulas
        outcomes[5] = {"-cmd|calc.png", p, ""};
        const std::vector<std::string> names = {"circle", "square", "tri,angle"};  // shorter than the classes
        const std::string csv = predictionsCsv(outcomes, names);
        const std::string expected =
            "file,predicted,confidence,error\n"
            "plain.png,\"tri,angle\",0.600000,\n"
            "\"with, comma \"\"and quotes\"\".png\",3,0.700000,\n"
            "bad.png,,,\"Image 'bad.png' is corrupt, cannot decode.\nTry another.\"\n"
            "\" space.png\",\"tri,angle\",0.600000,\n"
            "'=1+2.png,\"tri,angle\",0.600000,\n"
            "'-cmd|calc.png,\"tri,angle\",0.600000,\n";
        QCOMPARE(csv, expected);

        const std::string path = m_root + "/out.csv";
        QVERIFY(writePredictionsCsv(path, outcomes, names).ok());
        QCOMPARE(readAll(path), expected);
        QVERIFY(QDir(m_dir.path()).entryList(QStringList{"*tmp*"}, QDir::Hidden | QDir::Files).isEmpty());
        const std::string unwritable = m_root + "/no/such/folder/out.csv";
        auto s = writePredictionsCsv(unwritable, outcomes, names);
        QVERIFY(!s.ok());
        QVERIFY(s.error().message().find(unwritable) != std::string::npos);
    }

    void csvOfRealOutcomes() {
        const ModelSnapshot s = makeSnapshot(4);
        const auto outcomes = classifyFiles(s, {m_root + "/img0.png", m_root + "/text.png"}, 1, nullptr);
        const std::string csv = predictionsCsv(outcomes, s.classNames);
        std::istringstream lines(csv);
        std::string header, good, bad;
        std::getline(lines, header);
        std::getline(lines, good);
        std::getline(lines, bad);
        QCOMPARE(header, std::string("file,predicted,confidence,error"));
        QVERIFY2(good.rfind(m_root + "/img0.png,", 0) == 0 && good.ends_with(","), good.c_str());
        QVERIFY2(bad.rfind(m_root + "/text.png,,,", 0) == 0, bad.c_str());
    }

private:
    QTemporaryDir m_dir;
    std::string m_root;
};

QTEST_APPLESS_MAIN(BatchPredictTest)
#include "tst_batch_predict.moc"
