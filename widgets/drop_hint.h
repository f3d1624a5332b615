#pragma once
// DropHint: the large dashed target an empty drop surface shows, with the one thing to do
// ("Drop images or a folder here, …") and a smaller line under it. It does not take drops
// itself: they fall through to the widget that owns it.

#include <QFrame>
#include <QString>

class QLabel;

namespace studio::widgets {

class DropHint : public QFrame {
    Q_OBJECT
public:
    explicit DropHint(QWidget* parent = nullptr);

    void setTitle(const QString& text);
    void setDetail(const QString& text);
    QString title() const;
    QString detail() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QLabel* m_title = nullptr;
    QLabel* m_detail = nullptr;
};

}  // namespace studio::widgets
