#pragma once
// DatasetPanel: choosing the data and how it is split, preprocessed and augmented. Shows what
// was loaded: class names with counts, a lazy gallery per class, the files that were skipped,
// and a live preview of augmented samples. Like the widgets, it never changes the project
// itself: every choice is an intent the MainWindow turns into an undoable edit.

#include <QLabel>
#include <QStringList>
#include <QWidget>
#include <memory>
#include <vector>

#include "engine/data/dataset.h"
#include "engine/data/dataset_catalog.h"

class QComboBox;
class QListWidget;
class QPushButton;

namespace studio::widgets {
class ClassCountChart;
class DropArea;
class HyperparameterForm;
class ImageGallery;
}  // namespace studio::widgets

namespace studio::app {

class DatasetPanel : public QWidget {
    Q_OBJECT
public:
    explicit DatasetPanel(QWidget* parent = nullptr);

    /// The built-in and installed sets offered in the list.
    void setCatalog(const std::vector<DatasetInfo>& sets);
    /// Shows `nameOrPath` as the current choice (adds a path to the list if needed), no signal.
    void showChoice(const QString& nameOrPath);
    void showLoading(const QString& nameOrPath);
    void showError(const QString& message);
    /// What was loaded; null clears the panel.
    void setBundle(std::shared_ptr<const DatasetBundle> bundle);
    /// The settings of the project (keys of dataFields()); no signal.
    void setSettings(const QVariantMap& settings);

    // For tests and the window.
    widgets::HyperparameterForm* form() const { return m_form; }
    widgets::DropArea* dropArea() const { return m_drop; }
    widgets::ClassCountChart* classCounts() const { return m_counts; }
    widgets::ImageGallery* gallery() const { return m_gallery; }
    QComboBox* datasetCombo() const { return m_choice; }
    QComboBox* classFilter() const { return m_classFilter; }
    QListWidget* skippedList() const { return m_skipped; }
    QString infoText() const { return m_info->text(); }
    int augmentPreviewCount() const;
    /// The preview images as drawn (for tests).
    QList<QImage> augmentPreview() const { return m_previewImages; }

Q_SIGNALS:
    void datasetRequested(const QString& nameOrPath);
    void settingEdited(const QString& key, const QVariant& oldValue, const QVariant& newValue);
    /// A gallery sample was double-clicked: its index in the dataset's pool.
    void sampleActivated(int datasetIndex);

private:
    void chooseFolder();
    void chooseFile();
    void refreshGallery();
    void refreshPreview();
    void updateFieldAvailability();

    QComboBox* m_choice = nullptr;
    QPushButton* m_openFolder = nullptr;
    QPushButton* m_openFile = nullptr;
    widgets::DropArea* m_drop = nullptr;
    QLabel* m_info = nullptr;
    widgets::ClassCountChart* m_counts = nullptr;
    QComboBox* m_classFilter = nullptr;
    widgets::ImageGallery* m_gallery = nullptr;
    QLabel* m_skippedTitle = nullptr;
    QListWidget* m_skipped = nullptr;
    widgets::HyperparameterForm* m_form = nullptr;
    QWidget* m_previewRow = nullptr;
    QList<QLabel*> m_previewLabels;
    QList<QImage> m_previewImages;

    std::shared_ptr<const DatasetBundle> m_bundle;
    std::vector<int> m_galleryIndices;
    int m_previewSample = 0;
    std::uint64_t m_seed = 1;
    bool m_updating = false;
};

}  // namespace studio::app
