#pragma once
// VariantScatterChart: what each model variant costs and buys — batch-1 latency across, test
// accuracy up, the dot's area in proportion to the file size, the variant's name beside its dot.
// The chosen variant is ringed; a click on a dot asks to choose it.

#include <QColor>
#include <QList>
#include <QString>
#include <QWidget>
#include <optional>

namespace studio::widgets {

struct VariantPoint {
    int id = 0;
    QString name;
    double latencyUs = 0.0;  // batch 1, microseconds (> 0)
    double accuracy = 0.0;   // fraction in [0, 1]
    qint64 fileBytes = 0;
    QColor color;
};

class VariantScatterChart : public QWidget {
    Q_OBJECT
public:
    explicit VariantScatterChart(QWidget* parent = nullptr);

    void setPoints(const QList<VariantPoint>& points);
    QList<VariantPoint> points() const { return m_points; }
    void setSelected(int id);
    int selected() const { return m_selected; }

    /// The area the dots are drawn in, at the current size.
    QRectF plotRect() const;
    /// Where a variant's dot is drawn, and its radius; nullopt for an unknown id.
    std::optional<QPointF> pointPosition(int id) const;
    double pointRadius(int id) const;
    /// The dot under `pos` (the nearest when several are).
    std::optional<int> pointAt(const QPointF& pos) const;
    /// The axis titles as drawn.
    QString xTitle() const;
    QString yTitle() const;

    QSize sizeHint() const override { return {440, 300}; }
    QSize minimumSizeHint() const override { return {280, 200}; }

Q_SIGNALS:
    void variantClicked(int id);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    struct Range {
        double lo = 0.0, hi = 1.0;
    };
    Range m_x, m_y;  // latency µs, accuracy %
    QList<VariantPoint> m_points;
    int m_selected = -1;
    void refit();
};

}  // namespace studio::widgets
