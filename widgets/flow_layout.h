#pragma once
// FlowLayout: items left to right, wrapping to a new row when the width runs out (like words
// in a paragraph). Rows are as tall as their tallest item; items keep their size hints.

#include <QLayout>
#include <QList>

namespace studio::widgets {

class FlowLayout : public QLayout {
public:
    explicit FlowLayout(QWidget* parent = nullptr, int spacing = 12);
    ~FlowLayout() override;

    /// Items are laid out in the order they were added.
    void addItem(QLayoutItem* item) override;
    /// Puts `widget` at position `index` (clamped); the layout takes it into its parent widget.
    void insertWidget(int index, QWidget* widget);
    int count() const override { return int(m_items.size()); }
    QLayoutItem* itemAt(int index) const override;
    QLayoutItem* takeAt(int index) override;

    /// The same gap between items in a row and between rows.
    void setSpacing(int spacing) override;
    int spacing() const override { return m_spacing; }

    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect& rect) override;

private:
    /// Places the items in `rect` (or only measures, when `apply` is false); returns the height used.
    int layoutItems(const QRect& rect, bool apply) const;

    QList<QLayoutItem*> m_items;
    int m_spacing;
};

}  // namespace studio::widgets
