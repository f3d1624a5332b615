#pragma once
// ClassCountChart: how many samples each class has, as horizontal bars — an unbalanced dataset
// is visible at a glance.

#include <QList>
#include <QStringList>
#include <QWidget>

namespace studio::widgets {

class ClassCountChart : public QWidget {
    Q_OBJECT
public:
    explicit ClassCountChart(QWidget* parent = nullptr);

    /// names and counts pair up by index; extra entries of the longer list are ignored.
    void setCounts(const QStringList& names, const QList<int>& counts);
    QStringList names() const { return m_names; }
    QList<int> counts() const { return m_counts; }
    /// Bar length in pixels for class `index` at the current width (for tests).
    int barLength(int index) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    struct Geometry {
        int labelWidth;
        int countWidth;
        int rowHeight;
        int barSpace;
    };
    Geometry geometry() const;

    QStringList m_names;
    QList<int> m_counts;
};

}  // namespace studio::widgets
