// ProbabilityBars: rows sorted by probability, bars on an absolute 0–100 % scale, the top row
// highlighted, legible colours in light and dark palettes.
#include "widgets/probability_bars.h"

#include <QtTest>
#include <cmath>

using namespace studio::widgets;

namespace {

QPalette makePalette(bool dark) {
    QPalette pal;
    pal.setColor(QPalette::Window, dark ? QColor(45, 45, 48) : QColor(239, 239, 239));
    pal.setColor(QPalette::Base, dark ? QColor(30, 30, 32) : QColor(255, 255, 255));
    pal.setColor(QPalette::WindowText, dark ? QColor(230, 230, 230) : QColor(20, 20, 20));
    pal.setColor(QPalette::Highlight, dark ? QColor(42, 130, 218) : QColor(48, 140, 198));
    return pal;
}

}  // namespace

class ProbabilityBarsTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void percentText_data();
    void percentText();
    void rowsSortedHighestFirst();
    void barsShareAbsoluteScale();
    void outOfRangeValuesAreClamped();
    void topRowHighlightedAndLegible();
    void emptyShowsNothing();
};

void ProbabilityBarsTest::percentText_data() {
    QTest::addColumn<double>("p");
    QTest::addColumn<QString>("text");
    QTest::newRow("typical") << 0.9731 << "97.3%";
    QTest::newRow("rounds") << 0.12349 << "12.3%";
    QTest::newRow("whole") << 1.0 << "100%";
    QTest::newRow("half") << 0.5 << "50%";
    QTest::newRow("zero") << 0.0 << "0%";
    QTest::newRow("tiny") << 0.0004 << "<0.1%";
    QTest::newRow("just shown") << 0.0005 << "0.1%";
    QTest::newRow("above one") << 1.7 << "100%";
    QTest::newRow("nan") << std::nan("") << "0%";
}

void ProbabilityBarsTest::percentText() {
    QFETCH(double, p);
    QFETCH(QString, text);
    QCOMPARE(ProbabilityBars::percentText(p), text);
}

void ProbabilityBarsTest::rowsSortedHighestFirst() {
    ProbabilityBars bars;
    bars.setProbabilities({{"three", 0.05, 3}, {"seven", 0.90, 7}, {"one", 0.05, 1}, {"nine", 0.0, 9}});
    QCOMPARE(bars.rowCount(), 4);
    // Equal probabilities keep the order they were given in (three before one).
    QCOMPARE(bars.nameTexts(), (QStringList{"seven", "three", "one", "nine"}));
    QCOMPARE(bars.percentTexts(), (QStringList{"90%", "5%", "5%", "0%"}));
    QCOMPARE(bars.probabilities().at(0).classIndex, 7);
    QCOMPARE(bars.highlightedRow(), 0);
}

void ProbabilityBarsTest::barsShareAbsoluteScale() {
    ProbabilityBars bars;
    bars.resize(300, 100);
    bars.setProbabilities({{"cat", 0.5, 3}, {"dog", 0.25, 5}, {"frog", 0.0, 6}});
    const int space = bars.barSpace();
    QVERIFY2(space > 100 && space < 300, qPrintable(QString::number(space)));
    // 50 % is half the track, not the full width: the scale is absolute.
    QCOMPARE(bars.barLength(0), int(std::lround(space * 0.5)));
    QCOMPARE(bars.barLength(1), int(std::lround(space * 0.25)));
    QCOMPARE(bars.barLength(2), 0);
    QCOMPARE(bars.barLength(3), 0);
    QCOMPARE(bars.barLength(-1), 0);
    // Wider widget, longer bars.
    bars.resize(500, 100);
    QVERIFY(bars.barSpace() > space + 150);
    QCOMPARE(bars.barLength(0), int(std::lround(bars.barSpace() * 0.5)));
}

void ProbabilityBarsTest::outOfRangeValuesAreClamped() {
    ProbabilityBars bars;
    bars.resize(300, 100);
    bars.setProbabilities({{"low", -0.5, 0}, {"high", 1.5, 1}});
    QCOMPARE(bars.nameTexts(), (QStringList{"high", "low"}));
    QCOMPARE(bars.barLength(0), bars.barSpace());
    QCOMPARE(bars.barLength(1), 0);
}

void ProbabilityBarsTest::topRowHighlightedAndLegible() {
    for (bool dark : {false, true}) {
        ProbabilityBars bars;
        bars.setPalette(makePalette(dark));
        bars.setProbabilities({{"seven", 0.9, 7}, {"one", 0.1, 1}});
        const QColor base = bars.palette().color(QPalette::Base);
        QCOMPARE(bars.barColor(0), bars.palette().color(QPalette::Highlight));
        QVERIFY(bars.barColor(1) != bars.barColor(0));
        // The other bars are a neutral that stands apart from the page and from the text.
        QVERIFY2(std::abs(bars.barColor(1).lightness() - base.lightness()) >= 60, dark ? "dark" : "light");
        QVERIFY2(std::abs(bars.barColor(1).lightness() - bars.textColor().lightness()) >= 60, dark ? "dark" : "light");
        QVERIFY2(std::abs(bars.textColor().lightness() - base.lightness()) >= 120, dark ? "dark" : "light");
        // And it paints: the highlight colour appears in the top row's bar.
        bars.resize(300, bars.sizeHint().height());
        const QImage image = bars.grab().toImage();
        const int y = bars.sizeHint().height() / 4;
        const int x = bars.width() - bars.barSpace() / 2 - 40;  // inside the 90 % bar
        QCOMPARE(image.pixelColor(x * image.width() / bars.width(), y * image.height() / bars.height()),
                 bars.barColor(0));
    }
}

void ProbabilityBarsTest::emptyShowsNothing() {
    ProbabilityBars bars;
    bars.setProbabilities({{"a", 1.0, 0}});
    bars.clear();
    QCOMPARE(bars.rowCount(), 0);
    QCOMPARE(bars.highlightedRow(), -1);
    QVERIFY(bars.nameTexts().isEmpty());
    QCOMPARE(bars.minimumSizeHint().height(), 0);
}

QTEST_MAIN(ProbabilityBarsTest)
#include "tst_probability_bars.moc"
