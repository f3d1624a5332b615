#pragma once
// DeployView: the Deploy tab — the current model and its variants (float, INT8, pruned,
// students added from files) side by side: a table, a chart of accuracy against latency (dot
// area = file size), and for the chosen variant its speed at batch 1/8/32/256 on 1 and all
// threads, the per-class accuracy change against the float model and the images whose
// prediction changed. It takes plain values and emits intents; the controller does the work.

#include <QImage>
#include <QList>
#include <QString>
#include <QWidget>
#include <optional>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableWidget;
class QTabWidget;

namespace studio::widgets {

class ImageGallery;
class VariantScatterChart;

struct DeployVariantRow {
    int id = 0;
    QString name;  // "float (epoch 5)", "INT8", "pruned 50%", "student.tsmodel"
    QString kind;  // "float" | "INT8" | "pruned" | "file"
    std::optional<double> accuracy;       // fraction, once evaluated
    std::optional<double> accuracyDelta;  // against the float model, fraction (0 for the float one)
    qint64 fileBytes = 0;
    std::optional<double> latencyUs;        // batch 1, 1 thread
    std::optional<double> samplesPerSecond; // batch 256 (the largest measured), all threads
    QString status;                         // "", "measuring…", or why it failed
};

struct BenchCell {
    int batch = 0;
    int threads = 0;
    double latencyUs = 0.0;
    double samplesPerSecond = 0.0;
};

struct ClassChangeRow {
    QString name;
    double floatAccuracy = 0.0;    // recall of the class under the float model
    double variantAccuracy = 0.0;  // under the chosen variant
    int support = 0;
};

struct ChangedImage {
    QImage image;
    QString caption;  // one short line: "✗ shirt → T-shirt" (float → variant)
};

class DeployView : public QWidget {
    Q_OBJECT
public:
    enum VariantColumn { Name, Accuracy, Delta, Size, Latency, Throughput, Status, VariantColumnCount };

    explicit DeployView(QWidget* parent = nullptr);

    /// Rows in order; keeps the chosen row when its id is still there, else chooses the first.
    void setVariants(const QList<DeployVariantRow>& rows);
    void setSelected(int id);
    /// The chosen variant's id, -1 with no rows.
    int selectedId() const { return m_selected; }
    /// The chosen variant's speed: one cell per (batch, threads), any order.
    void setBench(const QString& title, const QList<BenchCell>& cells);
    void setClassChanges(const QString& title, const QList<ClassChangeRow>& rows);
    void setChangedImages(const QString& title, const QList<ChangedImage>& images);
    /// Work under way: a bar of done/total and what is being done; total 0 hides the bar, a
    /// negative total shows it busy without a count.
    void setProgress(int done, int total, const QString& text);
    /// The line under the buttons: the last result or error.
    void setStatus(const QString& text, bool error = false);
    /// Which actions are possible now (a model exists, the engine part is there, no job blocks).
    void setActionsEnabled(bool haveModel, bool canQuantize, bool canPrune, bool canExportOnnx);

    // For tests and screenshots.
    QTableWidget* variantsTable() const { return m_variants; }
    VariantScatterChart* chart() const { return m_chart; }
    QTableWidget* benchTable() const { return m_bench; }
    QTableWidget* classTable() const { return m_classes; }
    ImageGallery* changedGallery() const { return m_gallery; }
    QTabWidget* detailTabs() const { return m_details; }
    QProgressBar* progressBar() const { return m_progress; }
    QString statusText() const;
    QPushButton* addModelButton() const { return m_addModel; }
    QPushButton* quantizeButton() const { return m_quantize; }
    QPushButton* pruneButton() const { return m_prune; }
    QPushButton* saveButton() const { return m_save; }
    QPushButton* exportOnnxButton() const { return m_exportOnnx; }
    QDoubleSpinBox* sparsityBox() const { return m_sparsity; }
    QCheckBox* structuredBox() const { return m_structured; }

Q_SIGNALS:
    void addModelRequested();
    void quantizeRequested();
    void pruneRequested(double sparsity, bool structured);
    void measureRequested();
    void saveRequested(int id);
    void exportOnnxRequested(int id);
    void variantSelected(int id);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fillChart(const QList<DeployVariantRow>& rows);
    /// The chart beside the variants table when both fit (every column but Status at its
    /// content width), else below it, so the table never scrolls sideways.
    void placeChart();

    int m_selected = -1;
    QList<int> m_rowIds;
    QTableWidget* m_variants = nullptr;
    QSplitter* m_top = nullptr;
    VariantScatterChart* m_chart = nullptr;
    QTabWidget* m_details = nullptr;
    QTableWidget* m_bench = nullptr;
    QLabel* m_benchTitle = nullptr;
    QTableWidget* m_classes = nullptr;
    QLabel* m_classTitle = nullptr;
    ImageGallery* m_gallery = nullptr;
    QLabel* m_galleryTitle = nullptr;
    QList<ChangedImage> m_images;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_addModel = nullptr;
    QPushButton* m_quantize = nullptr;
    QDoubleSpinBox* m_sparsity = nullptr;
    QCheckBox* m_structured = nullptr;
    QPushButton* m_prune = nullptr;
    QPushButton* m_measure = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_exportOnnx = nullptr;
};

}  // namespace studio::widgets
