#pragma once
// EvaluationView: how a trained model did on a set of samples. A header names the set
// ("Test set · 1,000 samples · epoch 5"); the confusion matrix (left) and the per-class table
// (right) sit above a gallery of samples (bottom): the most confident mistakes, or the samples
// of the matrix cell the user clicked. The app computes everything; this view only shows values
// and reports intents (a clicked cell, a double-clicked class, Export…).
//
// States: empty (clear(), the initial state), busy (setBusy()), results (any setter of results).

#include <QImage>
#include <QList>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "widgets/class_metrics_table.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QToolButton;

namespace studio::widgets {

class ConfusionMatrixView;
class ImageGallery;

/// One evaluated sample as the gallery shows it.
struct EvaluationItem {
    QImage image;
    QString trueName;
    QString predictedName;
    double confidence = 0.0;  // probability the model gave predictedName, in [0, 1]
    double loss = 0.0;        // −log p(true class): the galleries show the highest first
    bool isMistake() const { return trueName != predictedName; }
};

class EvaluationView : public QWidget {
    Q_OBJECT
public:
    enum class State { Empty, Busy, Results };
    Q_ENUM(State)
    enum class GalleryMode { Mistakes, Cell };
    Q_ENUM(GalleryMode)

    explicit EvaluationView(QWidget* parent = nullptr);

    /// Which set was evaluated, e.g. "Test set · 1,000 samples · epoch 5". Does not change the state.
    void setTitle(const QString& title);
    QString title() const;

    /// Each of these shows the results (leaving the empty or busy state).
    void setMatrix(const QStringList& classNames, const QList<QList<int>>& counts);
    void setMetrics(const QList<ClassMetricsRow>& rows, double accuracy, double macroF1, int samples);
    /// The "Most confident mistakes" gallery; shown now unless a cell's samples are on screen.
    void setMistakes(const QList<EvaluationItem>& items);
    /// The answer to cellActivated(): `title` like "True: Shirt → predicted: T-shirt/top (37)".
    /// The matrix keeps the clicked cell selected until showMistakes().
    void showCellItems(const QString& title, const QList<EvaluationItem>& items);
    /// Back to the most confident mistakes (what the "Back to…" button does).
    void showMistakes();

    /// "Evaluating 10,000 samples…": replaces the view until results arrive.
    void setBusy(const QString& message);
    /// Forgets every result and shows how to get one, or `reason` when there is a reason no result
    /// can be had (the loaded model does not fit the dataset shown).
    void clear(const QString& reason = {});


    State state() const { return m_state; }
    /// The text the current empty or busy page shows.
    QString statusText() const;
    GalleryMode galleryMode() const { return m_mode; }
    QString galleryTitle() const;
    /// Items of the current gallery in display order: highest loss first.
    int galleryCount() const { return static_cast<int>(m_shown.size()); }
    EvaluationItem galleryItem(int index) const { return m_shown.value(index); }
    /// "Shirt → T-shirt/top" for a mistake, "✓ Shirt" otherwise; the confidence is drawn on the image.
    QString captionAt(int index) const;
    /// The thumbnail the gallery shows: mistakes framed in red, the confidence in a corner badge.
    QImage thumbnailAt(int index) const;

    ConfusionMatrixView* matrixView() const { return m_matrix; }
    ClassMetricsTable* metricsTable() const { return m_table; }
    ImageGallery* gallery() const { return m_gallery; }

Q_SIGNALS:
    /// The user clicked a matrix cell; answer with showCellItems().
    void cellActivated(int trueClass, int predictedClass);
    /// The user double-clicked a class in the table.
    void classActivated(int classIndex);
    /// The user asked to export the report (Export… in the header).
    void exportRequested();

protected:
    void changeEvent(QEvent* event) override;

private:
    QWidget* buildResultsPage();
    QWidget* buildGalleryPanel();
    void setState(State state);
    void showItems(GalleryMode mode, const QString& title, QList<EvaluationItem> items);

    State m_state = State::Empty;
    GalleryMode m_mode = GalleryMode::Mistakes;
    QList<EvaluationItem> m_mistakes;
    QList<EvaluationItem> m_shown;

    QLabel* m_title = nullptr;
    QToolButton* m_export = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLabel* m_emptyText = nullptr;
    QLabel* m_busyText = nullptr;
    QProgressBar* m_busyBar = nullptr;
    ConfusionMatrixView* m_matrix = nullptr;
    ClassMetricsTable* m_table = nullptr;
    QLabel* m_galleryTitle = nullptr;
    QPushButton* m_back = nullptr;
    QStackedWidget* m_galleryPages = nullptr;
    ImageGallery* m_gallery = nullptr;
    QLabel* m_galleryEmpty = nullptr;
};

}  // namespace studio::widgets
