// CSV tables as datasets: the reader (quotes, CRLF, budgets), the dataset made from a table
// (header or not, label by name or number, cells reported by line and column), standardization
// from the training split only and its trip through the model file, and predictions on rows of
// a CSV equal to the evaluator's on the same rows.

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

#include "engine/data/csv_dataset.h"
#include "engine/data/dataset_catalog.h"
#include "engine/data/preprocessing.h"
#include "engine/infer/table_predict.h"
#include "engine/io/csv_table.h"
#include "engine/io/model_file.h"
#include "engine/nn/model.h"
#include "engine/nn/model_spec.h"
#include "engine/train/evaluator.h"
#include "engine/train/preset_options.h"

using namespace studio;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

Result<DatasetBundle> tableOf(const std::string& text, const std::string& label = "",
                              CsvHeader header = CsvHeader::Automatic) {
    auto table = parseCsv(text, "t.csv");
    if (!table) return table.error();
    CsvDatasetOptions o;
    o.labelColumn = label;
    o.header = header;
    return csvDatasetFromTable(*table, "t.csv", o);
}

std::string errorOf(const Result<DatasetBundle>& r) {
    return r ? std::string("(loaded)") : r.error().what();
}

std::vector<float> row(const Dataset& d, int i) {
    return std::vector<float>(d.featureRow(i), d.featureRow(i) + d.sampleSize());
}

std::string writeFile(const QTemporaryDir& dir, const std::string& name, const std::string& text) {
    const std::string path = dir.path().toStdString() + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

ModelSnapshot snapshotFor(const DatasetBundle& data, const std::vector<int>& train, std::uint64_t seed) {
    auto spec = presetSpec("mlp", data.pool.sampleShape(), data.pool.classCount());
    if (!spec) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model) qFatal("%s", model.error().what().c_str());
    model->initialize(seed);
    return ModelSnapshot{std::move(*model), Preprocessing::fitted(data.pool, train), data.pool.classNames(),
                         data.pool.name()};
}

const char* kSmall = "a,b,kind\n1,2,x\n3,4,y\n5,6,x\n";

}  // namespace

class TestCsvTables : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void readsQuotedCellsAndLineEndings_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("LF") << QByteArray("a,b\n1,2\n3,4\n");
        QTest::newRow("CRLF") << QByteArray("a,b\r\n1,2\r\n3,4\r\n");
        QTest::newRow("CR") << QByteArray("a,b\r1,2\r3,4");
        QTest::newRow("BOM, no final break") << QByteArray(
            "\xEF\xBB\xBF"
            "a,b\n1,2\n3,4");
        QTest::newRow("quoted") << QByteArray("\"a\",\"b\"\n\"1\",2\n3,\"4\"\n");
        QTest::newRow("blank lines") << QByteArray("a,b\n\n1,2\n\r\n3,4\n\n");
    }
    void readsQuotedCellsAndLineEndings() {
        QFETCH(QByteArray, text);
        auto t = parseCsv(std::string_view(text.constData(), static_cast<std::size_t>(text.size())), "t.csv");
        QVERIFY2(t.ok(), t ? "" : t.error().what().c_str());
        QCOMPARE(t->rowCount(), 3);
        QCOMPARE(t->columnCount(), 2);
        QCOMPARE(std::string(t->cell(0, 0)), std::string("a"));
        QCOMPARE(std::string(t->cell(1, 0)), std::string("1"));
        QCOMPARE(std::string(t->cell(2, 1)), std::string("4"));
    }

    void quotedCellsKeepCommasQuotesAndLineBreaks() {
        auto t = parseCsv("name,x\n\"Smith, \"\"J\"\"\",1\n\"two\r\nlines\",2\n,3\nlast,\n", "t.csv");
        QVERIFY2(t.ok(), t ? "" : t.error().what().c_str());
        QCOMPARE(t->rowCount(), 5);
        QCOMPARE(std::string(t->cell(1, 0)), std::string("Smith, \"J\""));
        QCOMPARE(std::string(t->cell(2, 0)), std::string("two\r\nlines"));
        QCOMPARE(std::string(t->cell(3, 0)), std::string(""));
        QCOMPARE(std::string(t->cell(4, 1)), std::string(""));
        // Lines count the break inside the quoted cell: the row after it starts on line 5.
        QCOMPARE(t->line(2), 3);
        QCOMPARE(t->line(3), 5);
    }

    void badFilesAreErrorsWithTheLine_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray("") << "holds no rows";
        QTest::newRow("only blank lines") << QByteArray("\n\r\n\n") << "holds no rows";
        QTest::newRow("ragged short") << QByteArray("a,b,c\n1,2,3\n4,5\n")
                                      << "line 3, has 2 cells but the first row has 3";
        QTest::newRow("ragged long") << QByteArray("a,b\n1,2\n3,4,5\n") << "line 3, has more cells than the 2";
        QTest::newRow("unterminated quote")
            << QByteArray("a,b\n1,\"2\n3,4\n") << "line 2, column 2: a quoted cell has no closing quote";
        QTest::newRow("text after quote")
            << QByteArray("a,b\n\"1\"x,2\n") << "line 2, column 1: text follows a closing quote";
    }
    void badFilesAreErrorsWithTheLine() {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto t = parseCsv(std::string_view(text.constData(), static_cast<std::size_t>(text.size())), "t.csv");
        QVERIFY(!t.ok());
        QVERIFY2(contains(t.error().what(), expected.toStdString()), t.error().what().c_str());
        QVERIFY(contains(t.error().what(), "'t.csv'"));
    }

    void budgetsStopHostileTables() {
        CsvLimits l;
        l.maxColumns = 3;
        auto wide = parseCsv("1,2,3,4\n", "t.csv", l);
        QVERIFY(!wide.ok() && contains(wide.error().what(), "more than 3 columns"));
        l = {};
        l.maxRows = 2;
        auto tall = parseCsv("1\n2\n3\n", "t.csv", l);
        QVERIFY(!tall.ok() && contains(tall.error().what(), "line 3, goes past the limit of 2 rows"));
        l = {};
        l.maxCellBytes = 4;
        QVERIFY(parseCsv("1234,\"abcd\"\n", "t.csv", l).ok());
        auto longCell = parseCsv("1234,\"abcde\"\n", "t.csv", l);
        QVERIFY(!longCell.ok() && contains(longCell.error().what(), "column 2: a cell is longer than 4 bytes"));
        l = {};
        l.maxBytes = 10;
        auto big = parseCsv("1,2\n3,4\n5,6\n", "t.csv", l);
        QVERIFY(!big.ok() && contains(big.error().what(), "is 12 bytes, more than the 10 bytes"));
        l = {};
        l.maxCells = 5;
        auto many = parseCsv("1,2\n3,4\n5,6\n", "t.csv", l);
        QVERIFY(!many.ok() && contains(many.error().what(), "limit of 5 cells"));
        // A file too large is refused before it is read.
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "big.csv", std::string(100, '1') + "\n");
        l = {};
        l.maxBytes = 50;
        auto file = readCsvFile(path, l);
        QVERIFY(!file.ok() && contains(file.error().what(), "101 bytes"));
    }

    void headerAndLabelColumn() {
        // Default: the last column; a first row of words is the header.
        auto d = tableOf(kSmall);
        QVERIFY2(d.ok(), errorOf(d).c_str());
        const Dataset& p = d->pool;
        QCOMPARE(p.size(), 3);
        QCOMPARE(p.storage(), Dataset::Storage::Features);
        QCOMPARE(p.sampleShape(), (Shape{2}));  // the layout of the built-in 2-D sets
        QCOMPARE(p.classNames(), (std::vector<std::string>{"x", "y"}));
        QCOMPARE(p.labels(), (std::vector<std::int32_t>{0, 1, 0}));
        QCOMPARE(row(p, 1), (std::vector<float>{3, 4}));
        QCOMPARE(p.name(), std::string("t"));
        QVERIFY(p.table().has_value());
        QCOMPARE(p.table()->featureNames, (std::vector<std::string>{"a", "b"}));
        QCOMPARE(p.table()->labelName, std::string("kind"));
        QCOMPARE(p.table()->labelColumn, 2);
        QVERIFY(p.table()->header);

        // By name and by 1-based number: the first column as the label.
        for (const char* label : {"a", "1"}) {
            auto byA = tableOf("a,b,c\n1,2,3\n3,4,5\n1,6,7\n", label);
            QVERIFY2(byA.ok(), errorOf(byA).c_str());
            QCOMPARE(byA->pool.classNames(), (std::vector<std::string>{"1", "3"}));
            QCOMPARE(byA->pool.labels(), (std::vector<std::int32_t>{0, 1, 0}));
            QCOMPARE(row(byA->pool, 2), (std::vector<float>{6, 7}));
            QCOMPARE(byA->pool.table()->featureNames, (std::vector<std::string>{"b", "c"}));
            QCOMPARE(byA->pool.table()->labelColumn, 0);
        }
        // The label moved to column 1 makes "kind" a feature: its words are reported.
        auto wordsAsFeatures = tableOf(kSmall, "a");
        QVERIFY(!wordsAsFeatures.ok());
        QVERIFY2(contains(errorOf(wordsAsFeatures), "line 2, column 3 (kind): 'x' is not a number"),
                 errorOf(wordsAsFeatures).c_str());

        // No header: numbers only; names are "column N".
        auto plain = tableOf("1,2,0\n3,4,1\n5,6,10\n7,8,2\n");
        QVERIFY2(plain.ok(), errorOf(plain).c_str());
        QCOMPARE(plain->pool.size(), 4);
        QVERIFY(!plain->pool.table()->header);
        QCOMPARE(plain->pool.table()->featureNames, (std::vector<std::string>{"column 1", "column 2"}));
        // Numeric labels in numeric order: 10 after 2.
        QCOMPARE(plain->pool.classNames(), (std::vector<std::string>{"0", "1", "2", "10"}));
        QCOMPARE(plain->pool.labels(), (std::vector<std::int32_t>{0, 1, 3, 2}));

        // Forced: "yes" takes a numeric first row as names, "no" reads a word row as data (and fails on it).
        auto forced = tableOf("1,2,0\n3,4,1\n5,6,1\n", "", CsvHeader::Present);
        QVERIFY2(forced.ok(), errorOf(forced).c_str());
        QCOMPARE(forced->pool.size(), 2);
        QCOMPARE(forced->pool.table()->featureNames, (std::vector<std::string>{"1", "2"}));
        auto noHeader = tableOf(kSmall, "", CsvHeader::Absent);
        QVERIFY(!noHeader.ok());
        QVERIFY2(contains(errorOf(noHeader), "line 1, column 1: 'a' is not a number"), errorOf(noHeader).c_str());
        auto nameWithoutHeader = tableOf("1,2,0\n", "kind", CsvHeader::Absent);
        QVERIFY(!nameWithoutHeader.ok() && contains(errorOf(nameWithoutHeader), "by number (1 to 3)"));
    }

    void labelColumnMistakes() {
        auto unknown = tableOf(kSmall, "species");
        QVERIFY(!unknown.ok());
        QVERIFY2(contains(errorOf(unknown), "no column named 'species'") && contains(errorOf(unknown), "a, b, kind"),
                 errorOf(unknown).c_str());
        auto outOfRange = tableOf(kSmall, "4");
        QVERIFY(!outOfRange.ok() && contains(errorOf(outOfRange), "the table has 3 columns"));
        auto zero = tableOf(kSmall, "0");
        QVERIFY(!zero.ok());
        auto oneColumn = tableOf("x\n1\n");
        QVERIFY(!oneColumn.ok() && contains(errorOf(oneColumn), "one column"));
        auto headerOnly = tableOf("a,b,kind\n");
        QVERIFY(!headerOnly.ok() && contains(errorOf(headerOnly), "no data rows"));
        // A regression target picked by mistake: every row its own class.
        std::string many = "x,y\n";
        for (int i = 0; i < 1001; ++i) many += std::to_string(i) + "," + std::to_string(i) + ".5\n";
        auto tooMany = tableOf(many);
        QVERIFY(!tooMany.ok() && contains(errorOf(tooMany), "1001 different values"));
    }

    void badCellsNamedByLineAndColumn_data() {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing") << QByteArray("a,b,kind\n1,2,x\n3,,y\n") << "line 3, column 2 (b): missing";
        QTest::newRow("NA is missing") << QByteArray("a,b,kind\n1,2,x\n3,NA,y\n") << "line 3, column 2 (b): missing";
        QTest::newRow("non-numeric") << QByteArray("a,b,kind\n1,2,x\n3,abc,y\n")
                                     << "line 3, column 2 (b): 'abc' is not a number";
        QTest::newRow("missing label") << QByteArray("a,b,kind\n1,2,x\n3,4, \n") << "line 3, column 3 (kind): missing";
        QTest::newRow("infinite") << QByteArray("a,b,kind\n1,inf,x\n") << "line 2, column 2 (b): 'inf' is not a number";
        QTest::newRow("too large for float") << QByteArray("a,b,kind\n1,1e39,x\n") << "'1e39' is not a number";
        QTest::newRow("CRLF, no header") << QByteArray("1,2,x\r\n3,?,y\r\n") << "line 2, column 2: missing";
        QTest::newRow("after a quoted break")
            << QByteArray("a,b,kind\n1,2,\"x\ny\"\n3,z,y\n") << "line 4, column 2 (b)";
        QTest::newRow("counted") << QByteArray("a,b,kind\n,,x\n,,x\n,,x\n") << "6 missing or non-numeric cells";
    }
    void badCellsNamedByLineAndColumn() {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        auto d = tableOf(text.toStdString());
        QVERIFY(!d.ok());
        QVERIFY2(contains(errorOf(d), expected.toStdString()), errorOf(d).c_str());
    }

    void numbersAsSpreadsheetsWriteThem() {
        auto d = tableOf("a,b,c,kind\n 1.5 ,+2,-3e-1,x\n.5,7.,1E2,y\n");
        QVERIFY2(d.ok(), errorOf(d).c_str());
        QCOMPARE(row(d->pool, 0), (std::vector<float>{1.5f, 2.0f, -0.3f}));
        QCOMPARE(row(d->pool, 1), (std::vector<float>{0.5f, 7.0f, 100.0f}));
        QVERIFY(!tableOf("a,kind\n+-1,x\n").ok());
        QVERIFY(!tableOf("a,kind\n0x10,x\n").ok());
    }

    void catalogLoadsCsvWithOptions() {
        QTemporaryDir dir;
        const std::string path = writeFile(dir, "Plants.CSV", "kind,a,b\r\nx,1,2\r\ny,3,4\r\n");
        DatasetOptions o;
        o.labelColumn = "kind";
        auto d = loadDataset(path, o);
        QVERIFY2(d.ok(), errorOf(d).c_str());
        QCOMPARE(d->pool.name(), std::string("Plants"));
        QCOMPARE(d->pool.classNames(), (std::vector<std::string>{"x", "y"}));
        QVERIFY(contains(d->description, "2 rows, 2 features, 2 classes from column 'kind'"));
        o.csvHeader = "maybe";
        QVERIFY(!loadDataset(path, o).ok());
        auto columns = csvColumns(path);
        QVERIFY(columns.ok());
        QVERIFY(columns->header);
        QCOMPARE(columns->names, (std::vector<std::string>{"kind", "a", "b"}));
    }

    void tablesTrainWithSmallBatches() {
        const nlohmann::json o = datasetTrainingOptions("data/iris.CSV");
        QCOMPARE(o.value("batch_size", 0), 16);
        QCOMPARE(o.value("epochs", 0), 100);
        QVERIFY(datasetTrainingOptions("data/iris.tsv").empty());
        // A given flag still wins.
        QCOMPARE(withRecommendedOptions("mlp", "iris.csv", {{"epochs", 7}})["epochs"].get<int>(), 7);
    }

    void shippedTablesLoad() {
        for (const auto& [file, rows, features] :
             std::vector<std::tuple<std::string, int, int>>{{"iris.csv", 150, 4}, {"wine.csv", 178, 13}}) {
            auto d = loadDataset(std::string(STUDIO_SOURCE_DIR) + "/datasets/tables/" + file);
            QVERIFY2(d.ok(), errorOf(d).c_str());
            QCOMPARE(d->pool.size(), rows);
            QCOMPARE(static_cast<int>(d->pool.sampleSize()), features);
            QCOMPARE(d->pool.classCount(), 3);
            QCOMPARE(d->pool.table()->labelName, std::string("class"));
        }
    }

    void standardizationUsesTheTrainingSplitOnly() {
        // Rows 0-5 train; row 6 (in no training index) is far away and must not move the statistics.
        std::string text = "a,b,kind\n";
        const double a[] = {1, 2, 3, 4, 5, 9, 1000};
        const double b[] = {-2, 0, 2, 2, 0, -2, -1000};
        for (int i = 0; i < 7; ++i)
            text += std::to_string(a[i]) + "," + std::to_string(b[i]) + "," + (i % 2 ? "x" : "y") + "\n";
        auto d = tableOf(text);
        QVERIFY2(d.ok(), errorOf(d).c_str());
        const std::vector<int> train = {0, 1, 2, 3, 4, 5};
        const Preprocessing p = Preprocessing::fitted(d->pool, train);
        // Oracle: mean and population standard deviation in double, by hand.
        for (int f = 0; f < 2; ++f) {
            const double* v = f == 0 ? a : b;
            double m = 0, s = 0;
            for (int i : train) m += v[i];
            m /= 6;
            for (int i : train) s += (v[i] - m) * (v[i] - m);
            s = std::sqrt(s / 6);
            QVERIFY(std::fabs(p.mean[static_cast<std::size_t>(f)] - m) < 1e-5);
            QVERIFY(std::fabs(p.stddev[static_cast<std::size_t>(f)] - s) < 1e-5);
        }
        QVERIFY(p.table.has_value());
        QCOMPARE(*p.table, *d->pool.table());
        // Standardized training features have mean 0 and spread 1.
        double sum = 0, sq = 0;
        for (int i : train) {
            std::vector<float> x = row(d->pool, i);
            p.normalize(x.data());
            sum += x[0];
            sq += x[0] * x[0];
        }
        QVERIFY(std::fabs(sum / 6) < 1e-5);
        QVERIFY(std::fabs(sq / 6 - 1) < 1e-4);
    }

    void tableLayoutRoundTripsThroughTheModelFile() {
        auto d = tableOf(kSmall);
        QVERIFY(d.ok());
        const ModelSnapshot s = snapshotFor(*d, {0, 1, 2}, 3);
        auto back = deserializeModel(serializeModel(s), "memory");
        QVERIFY2(back.ok(), back ? "" : back.error().what().c_str());
        QVERIFY(back->preprocessing.table.has_value());
        QCOMPARE(*back->preprocessing.table, *s.preprocessing.table);
        QCOMPARE(back->preprocessing.mean, s.preprocessing.mean);
        QCOMPARE(back->preprocessing.stddev, s.preprocessing.stddev);
        QCOMPARE(serializeModel(*back), serializeModel(s));

        // A feature model without a table (the 2-D sets, and every file from before tables) writes
        // no "table" key and loads without one.
        ModelSnapshot plain = s;
        plain.preprocessing.table.reset();
        const auto bytes = serializeModel(plain);
        QVERIFY(!contains(std::string(bytes.begin(), bytes.end()), "\"table\""));
        auto plainBack = deserializeModel(bytes, "memory");
        QVERIFY(plainBack.ok() && !plainBack->preprocessing.table);

        // A model file written before tables existed still loads.
        auto old = loadModelFile(std::string(STUDIO_SOURCE_DIR) + "/tests/fuzz/corpus/fuzz_model_file/dense.tsmodel");
        QVERIFY2(old.ok(), old ? "" : old.error().what().c_str());
        QVERIFY(!old->preprocessing.table);

        // A damaged table entry is refused with its reason.
        nlohmann::json j = s.preprocessing.toJson();
        j["table"]["featureNames"] = {"a"};
        auto bad = Preprocessing::fromJson(j);
        QVERIFY(!bad.ok() && contains(bad.error().what(), "one name per feature (2)"));
        j = s.preprocessing.toJson();
        j["table"]["labelColumn"] = 7;
        QVERIFY(!Preprocessing::fromJson(j).ok());
    }

    void predictionsOnRowsEqualTheEvaluator() {
        auto d = loadDataset(std::string(STUDIO_SOURCE_DIR) + "/datasets/tables/iris.csv");
        QVERIFY2(d.ok(), errorOf(d).c_str());
        std::vector<int> train, all;
        for (int i = 0; i < d->pool.size(); ++i) {
            all.push_back(i);
            if (i % 3) train.push_back(i);
        }
        const ModelSnapshot s = snapshotFor(*d, train, 11);
        ThreadPool pool(2);
        const EvaluationReport report = evaluate(s, d->pool, all, pool);

        // The same rows three ways: the file itself (by name), its columns shuffled with a
        // header, and bare features without a header (by position).
        QTemporaryDir dir;
        std::string shuffled = "class,petal_width_cm,extra,sepal_length_cm,petal_length_cm,sepal_width_cm\n";
        std::string bare;
        auto text = [](float v) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%.9g", v);
            return std::string(buf);
        };
        for (int i = 0; i < d->pool.size(); ++i) {
            const auto x = row(d->pool, i);
            shuffled += "?," + text(x[3]) + ",zz," + text(x[0]) + "," + text(x[2]) + "," + text(x[1]) + "\n";
            bare += text(x[0]) + "," + text(x[1]) + "," + text(x[2]) + "," + text(x[3]) + "\r\n";
        }
        const std::vector<std::string> files = {std::string(STUDIO_SOURCE_DIR) + "/datasets/tables/iris.csv",
                                                writeFile(dir, "shuffled.csv", shuffled),
                                                writeFile(dir, "bare.csv", bare)};
        for (const std::string& file : files) {
            auto rows = predictTableFile(s, file, 3, &pool);
            QVERIFY2(rows.ok(), rows ? "" : rows.error().what().c_str());
            QCOMPARE(static_cast<int>(rows->size()), d->pool.size());
            for (std::size_t i = 0; i < rows->size(); ++i) {
                QCOMPARE((*rows)[i].prediction.top[0].first, report.records[i].predicted);
                QVERIFY(std::fabs((*rows)[i].prediction.top[0].second - report.records[i].confidence) < 1e-6f);
            }
            QCOMPARE((*rows)[0].line, file == files[2] ? 1 : 2);
        }
        // The model sees different inputs when a column is missing: an error naming the columns.
        const std::string three = writeFile(dir, "three.csv", "1,2,3\n");
        auto wrong = predictTableFile(s, three, 1, nullptr);
        QVERIFY(!wrong.ok());
        QVERIFY2(contains(wrong.error().what(), "have 3 cells but the model takes 4 features (sepal_length_cm"),
                 wrong.error().what().c_str());
        const std::string bad = writeFile(dir, "bad.csv", "1,2,3,4\n1,x,3,4\n");
        auto badCell = predictTableFile(s, bad, 1, nullptr);
        QVERIFY(!badCell.ok() && contains(badCell.error().what(), "line 2, column 2: 'x' is not a number"));
    }
};

QTEST_GUILESS_MAIN(TestCsvTables)
#include "tst_csv_tables.moc"
