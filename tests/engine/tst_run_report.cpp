// The run report (engine/report): every section is there with its pictures, every picture's
// data URI decodes as a PNG of the size drawn, base64 matches RFC 4648's vectors, a hostile class
// name and alert text are escaped everywhere, the doctor's alerts are shown when recorded and
// "None recorded." otherwise, and the report's evaluation equals evaluate() on the same samples.

#include <QtTest>


#include "engine/data/dataset_catalog.h"
#include "engine/data/report_images.h"
#include "engine/report/report_html.h"
#include "engine/train/train_config.h"

using namespace studio;

namespace {

const std::string kHostile = "<script>alert(\"pwned\")</script> & 'co'";

// shapes (8 classes, 28×28) with the first class renamed to a hostile name.
DatasetBundle hostileShapes() {
    DatasetOptions o;
    o.samples = 400;
    auto shapes = loadDataset("shapes", o);
    if (!shapes.ok()) qFatal("%s", shapes.error().what().c_str());
    std::vector<std::string> names = shapes->pool.classNames();
    names[0] = kHostile;
    const Shape& s = shapes->pool.sampleShape();
    Dataset renamed = Dataset::images("shapes <copy>", s[0], s[1], s[2], names);
    for (int i = 0; i < shapes->pool.size(); ++i) renamed.addImage(shapes->pool.pixels(i), shapes->pool.label(i));
    DatasetBundle b;
    b.pool = std::move(renamed);
    return b;
}

ModelSnapshot lenetFor(const Dataset& data) {
    auto spec = presetSpec("lenet", data.sampleShape(), data.classCount());
    if (!spec.ok()) qFatal("%s", spec.error().what().c_str());
    auto model = Model::build(*spec);
    if (!model.ok()) qFatal("%s", model.error().what().c_str());
    model->initialize(3);
    TrainConfig config;
    config.testFraction = 0.25;
    return ModelSnapshot{std::move(*model), Preprocessing::identity(data.sampleShape(), true), data.classNames(),
                         data.name(), config.toJson(), nlohmann::json::object(), 0};
}

RunHistory recordedRun(bool withAlerts) {
    RunHistory h;
    RunRecord run;
    run.id = 7;
    run.name = "lesson run";
    run.options = {{"epochs", 3}, {"optimizer", "adam"}, {"lr", 0.001}};
    run.wallSeconds = 12.5;
    run.cpuSeconds = 20.0;
    run.samplesPerSecond = 1234;
    run.threads = 2;
    if (withAlerts)
        run.final["alerts"] = nlohmann::json::array(
            {{{"kind", "overfitting"}, {"epoch", 2}, {"step", 40}, {"layer", ""},
              {"message", "validation loss rose <b>12%</b>"}, {"suggestion", "stop earlier & add dropout"}},
             // As engine/store/run_recorder.cpp records them: no layer is null.
             {{"kind", "stalled"}, {"epoch", 1}, {"step", 100}, {"layer", nullptr}, {"message", "loss flat"},
              {"suggestion", "raise the rate"}},
             {{"kind", "dead_units"}, {"epoch", 3}, {"step", 120}, {"layer", "conv1"}, {"message", "60% dead"},
              {"suggestion", "lower the rate"}}});
    h.run = run;
    for (int e = 1; e <= 3; ++e) h.epochs.push_back({e, 1.0 / e, 0.5 + 0.1 * e, 1.1 / e, 0.45 + 0.1 * e, 0.001, 1.5, 3000});
    h.edits.push_back({20, "lr", 0.0005});
    return h;
}

std::vector<std::string> dataUris(const std::string& html) {
    // (std::regex recurses per character and overflows the stack on 100 kB URIs.)
    std::vector<std::string> out;
    const std::string head = "src=\"data:image/png;base64,";
    for (auto p = html.find(head); p != std::string::npos; p = html.find(head, p + 1)) {
        const auto start = p + head.size();
        const auto end = html.find('"', start);
        const std::string b64 = html.substr(start, end - start);
        if (b64.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != std::string::npos)
            qFatal("a data URI with a character outside base64");
        out.push_back(b64);
    }
    return out;
}

int count(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
    return n;
}

}  // namespace

class TestRunReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void base64MatchesRfc4648() {
        auto enc = [](const std::string& s) { return base64Encode(std::vector<std::uint8_t>(s.begin(), s.end())); };
        QCOMPARE(enc(""), std::string(""));
        QCOMPARE(enc("f"), std::string("Zg=="));
        QCOMPARE(enc("fo"), std::string("Zm8="));
        QCOMPARE(enc("foo"), std::string("Zm9v"));
        QCOMPARE(enc("foob"), std::string("Zm9vYg=="));
        QCOMPARE(enc("fooba"), std::string("Zm9vYmE="));
        QCOMPARE(enc("foobar"), std::string("Zm9vYmFy"));
        const std::vector<std::uint8_t> high = {0xff, 0xfe, 0x00, 0x80};
        QCOMPARE(base64Encode(high), QByteArray::fromRawData("\xff\xfe\x00\x80", 4).toBase64().toStdString());
    }

    void escapesEveryHtmlSpecial() {
        QCOMPARE(htmlEscape(kHostile),
                 std::string("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; &amp; &#39;co&#39;"));
    }

    void reportHasEverySectionAndItsPictures() {
        const DatasetBundle data = hostileShapes();
        const ModelSnapshot snapshot = lenetFor(data.pool);
        ThreadPool pool(2);
        auto contents = gatherRunReport(snapshot, data, recordedRun(true), "lesson <run>", "Run 7 in test", pool);
        QVERIFY2(contents.ok(), contents.ok() ? "" : contents.error().what().c_str());
        const std::string html = renderRunReportHtml(*contents);

        for (const auto& id : reportSectionIds()) QVERIFY2(count(html, "<h2 id=\"" + id + "\">") == 1, id.c_str());
        // Self-contained: no script, no external reference.
        QVERIFY(html.find("<script") == std::string::npos);
        QVERIFY(html.find("http://") == std::string::npos && html.find("https://") == std::string::npos);

        // Pictures: 3 charts, one example per class, every mistake (an untrained model makes 12+).
        QVERIFY(contents->mistakes.size() == 12);
        const auto uris = dataUris(html);
        QCOMPARE(static_cast<int>(uris.size()), 3 + 8 + 12);
        int charts = 0, thumbs = 0;
        for (const auto& b64 : uris) {
            const QByteArray raw = QByteArray::fromBase64(QByteArray::fromStdString(b64));
            auto decoded = decodeImageBytes(std::vector<std::uint8_t>(raw.begin(), raw.end()), "data URI");
            QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().what().c_str());
            if (decoded->width == 640) ++charts;
            if (decoded->width == 84 && decoded->height == 84) ++thumbs;  // 28×28 mistakes ×3
        }
        QCOMPARE(charts, 3);
        QCOMPARE(thumbs, 12);

        // The mistakes are the most confident wrong answers, in order.
        float last = 2.0f;
        for (const auto& m : contents->mistakes) {
            QVERIFY(m.record.predicted != m.record.trueClass);
            QVERIFY(m.record.confidence <= last);
            last = m.record.confidence;
        }
        for (const auto& r : contents->evaluation.records)
            if (r.predicted != r.trueClass) QVERIFY(r.confidence <= contents->mistakes.front().record.confidence);

        // Escaping: the hostile class name and the alert's text appear only escaped.
        QVERIFY(html.find(kHostile) == std::string::npos);
        QVERIFY(count(html, htmlEscape(kHostile)) >= 3);  // dataset, confusion (twice), per-class
        QVERIFY(html.find("lesson &lt;run&gt;") != std::string::npos);
        QVERIFY(html.find("<b>12%</b>") == std::string::npos);
        QVERIFY(html.find("validation loss rose &lt;b&gt;12%&lt;/b&gt;") != std::string::npos);
        QVERIFY(html.find("stop earlier &amp; add dropout") != std::string::npos);
        QVERIFY(html.find("None recorded.") == std::string::npos);
        QVERIFY(html.find("<b>[stalled]</b> epoch 1, step 100: loss flat") != std::string::npos);
        QVERIFY(html.find("layer null") == std::string::npos);
        QVERIFY(html.find("epoch 3, step 120, layer conv1: 60% dead") != std::string::npos);
        QVERIFY(html.find("<i>raise the rate</i>") != std::string::npos);

        // Options, live edits and timings come from the run.
        QVERIFY(html.find("<td>optimizer</td><td><code>adam</code>") != std::string::npos);
        QVERIFY(html.find("<td class=\"n\">20</td><td>lr</td>") != std::string::npos);
        QVERIFY(html.find("12.50 s") != std::string::npos);
        QVERIFY(html.find("1234 samples/s") != std::string::npos);
    }

    void evaluationEqualsEvaluate() {
        const DatasetBundle data = hostileShapes();
        const ModelSnapshot snapshot = lenetFor(data.pool);
        ThreadPool pool(1);
        auto contents = gatherRunReport(snapshot, data, RunHistory{}, "m", "Model file m", pool);
        QVERIFY(contents.ok());
        const auto split = splitDataset(data, 0.1, 0.25, 1);
        QCOMPARE(contents->testSize, static_cast<int>(split.test.size()));
        ThreadPool two(2);
        const EvaluationReport oracle = evaluate(snapshot, data.pool, split.test, two, 5);
        QCOMPARE(contents->evaluation.accuracy, oracle.accuracy);
        QCOMPARE(contents->evaluation.confusion, oracle.confusion);
        int perClassTotal = 0;
        for (int c : contents->testCounts) perClassTotal += c;
        QCOMPARE(perClassTotal, contents->testSize);
    }

    void withoutHistoryOrAlertsSaysSo() {
        const DatasetBundle data = hostileShapes();
        const ModelSnapshot snapshot = lenetFor(data.pool);
        ThreadPool pool(2);
        auto contents = gatherRunReport(snapshot, data, RunHistory{}, "m", "Model file m", pool);
        QVERIFY(contents.ok());
        QVERIFY(contents->alerts.is_null());
        const std::string html = renderRunReportHtml(*contents);
        QVERIFY(html.find("<p class=\"none\">None recorded.</p>") != std::string::npos);
        QVERIFY(html.find("No per-epoch history is recorded") != std::string::npos);
        QCOMPARE(static_cast<int>(dataUris(html).size()), 8 + 12);  // no charts
        // A model file's options are its training config, whose floats read as written: 0.9 and
        // 0.001, not 0.8999999761581421 and 0.0010000000474974513 (seen in a report's PDF).
        QVERIFY(snapshot.trainConfig.contains("optimizer"));
        QVERIFY(html.find("&quot;beta1&quot;:0.9,") != std::string::npos);
        QVERIFY(html.find("0.8999999") == std::string::npos);
        QVERIFY(html.find("00000004") == std::string::npos);
        // The model's own metrics carry alerts: they are shown.
        ModelSnapshot withAlerts = lenetFor(data.pool);
        withAlerts.metrics["alerts"] = nlohmann::json::array({{{"kind", "stalled"}, {"message", "loss flat"}}});
        auto c2 = gatherRunReport(withAlerts, data, RunHistory{}, "m", "Model file m", pool);
        QVERIFY(c2.ok());
        const std::string html2 = renderRunReportHtml(*c2);
        QVERIFY(html2.find("<b>[stalled]</b>") != std::string::npos);
        QVERIFY(html2.find("loss flat") != std::string::npos);
    }

    void dataThatDoNotFitAreAnError() {
        const DatasetBundle data = hostileShapes();
        ModelSnapshot snapshot = lenetFor(data.pool);
        DatasetOptions o;
        o.samples = 200;
        auto spirals = loadDataset("spirals", o);
        QVERIFY(spirals.ok());
        ThreadPool pool(1);
        auto contents = gatherRunReport(snapshot, *spirals, RunHistory{}, "m", "m", pool);
        QVERIFY(!contents.ok());
        QVERIFY(contents.error().what().find("1×28×28") != std::string::npos);
    }

    void chartDrawsItsSeries() {
        LineChart chart{"t", "epoch", 400, 200, true, true, {}};
        chart.series.push_back({"s", 255, 0, 0, false, {1, 2, 3}, {0.1, 0.5, 0.9}});
        const DecodedImage img = drawLineChart(chart);
        QCOMPARE(img.width, 400);
        QCOMPARE(img.height, 200);
        QCOMPARE(img.channels, 3);
        const std::size_t plane = 400 * 200;
        int red = 0;
        for (std::size_t i = 0; i < plane; ++i)
            if (img.chw[i] > 200 && img.chw[plane + i] < 60 && img.chw[2 * plane + i] < 60) ++red;
        QVERIFY(red > 100);  // the line and its points
        chart.series.clear();
        const DecodedImage empty = drawLineChart(chart);
        int redEmpty = 0;
        for (std::size_t i = 0; i < plane; ++i)
            if (empty.chw[i] > 200 && empty.chw[plane + i] < 60 && empty.chw[2 * plane + i] < 60) ++redEmpty;
        QCOMPARE(redEmpty, 0);
    }
};

QTEST_GUILESS_MAIN(TestRunReport)
#include "tst_run_report.moc"
