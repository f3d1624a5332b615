#include "app/gui/dataset_panel.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "app/gui/engine_conversions.h"
#include "engine/core/rng.h"
#include "engine/data/augment.h"
#include "engine/data/csv_dataset.h"
#include "engine/data/synthetic.h"
#include "widgets/class_count_chart.h"
#include "widgets/drop_area.h"
#include "widgets/focused_wheel.h"
#include "widgets/human_units.h"
#include "widgets/hyperparameter_form.h"
#include "widgets/image_gallery.h"
#include "widgets/run_values.h"
#include "widgets/studio_icons.h"

namespace studio::app {

namespace {
constexpr int kPreviewCount = 8;
constexpr int kPreviewPixels = 56;

// A table's columns to pick the label from: the header's names, or numbers without one.
QStringList labelColumnChoices(const Dataset& pool) {
    QStringList choices;
    if (!pool.table()) return choices;
    const TableLayout& t = *pool.table();
    for (int c = 0, f = 0; c < t.columns; ++c) {
        const std::string& name = c == t.labelColumn ? t.labelName : t.featureNames[std::size_t(f++)];
        choices.append(t.header ? toQString(name) : QString::number(c + 1));
    }
    return choices;
}

QLabel* sectionTitle(const QString& text, QWidget* parent) {
    auto* label = new QLabel(text, parent);
    QFont f = label->font();
    f.setBold(true);
    label->setFont(f);
    return label;
}
}  // namespace

DatasetPanel::DatasetPanel(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);

    auto* source = new QHBoxLayout;
    m_choice = new QComboBox(this);
    m_choice->setObjectName("datasetChoice");
    m_choice->setToolTip(tr("A built-in generated set (no files needed), an installed dataset, or files you opened."));
    m_choice->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_choice->setMinimumContentsLength(12);
    widgets::acceptWheelOnlyWhenFocused(m_choice);  // a passing wheel would load another dataset
    m_openFolder = new QPushButton(widgets::studioIcon("open"), tr("Folder…"), this);
    m_openFolder->setToolTip(
        tr("Open an image folder laid out as <root>/<class>/<image>, or a folder of IDX/CIFAR-10 files."));
    m_openFile = new QPushButton(tr("File…"), this);
    m_openFile->setToolTip(tr("Open a CSV table (numeric columns and a label column), an IDX images file (its labels "
                              "file beside it) or a CIFAR-10 .bin batch."));
    source->addWidget(m_choice, 1);
    source->addWidget(m_openFolder);
    source->addWidget(m_openFile);
    layout->addLayout(source);

    m_drop = new widgets::DropArea(tr("Drop a dataset folder or a .csv table here"), this);
    m_drop->setMaximumHeight(48);
    layout->addWidget(m_drop);

    m_info = new QLabel(this);
    m_info->setTextFormat(Qt::PlainText);  // names the dataset folder
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_info);

    m_counts = new widgets::ClassCountChart(this);
    layout->addWidget(m_counts);

    auto* galleryHeader = new QHBoxLayout;
    galleryHeader->addWidget(sectionTitle(tr("Samples"), this));
    m_classFilter = new QComboBox(this);
    m_classFilter->setToolTip(tr("Show the samples of one class."));
    widgets::acceptWheelOnlyWhenFocused(m_classFilter);
    galleryHeader->addWidget(m_classFilter, 1);
    layout->addLayout(galleryHeader);
    m_gallery = new widgets::ImageGallery(this);
    m_gallery->setThumbnailSize(48);
    m_gallery->setMinimumHeight(150);
    m_gallery->setToolTip(tr("Double-click a sample to preview its augmentations."));
    layout->addWidget(m_gallery, 1);

    m_skippedTitle = new QLabel(this);
    m_skippedTitle->setWordWrap(true);
    m_skipped = new QListWidget(this);
    m_skipped->setMaximumHeight(90);
    layout->addWidget(m_skippedTitle);
    layout->addWidget(m_skipped);
    m_skippedTitle->hide();
    m_skipped->hide();

    m_form = new widgets::HyperparameterForm(this);
    m_form->setFields(dataFields());
    layout->addWidget(m_form);

    layout->addWidget(sectionTitle(tr("Augmentation preview"), this));
    m_previewRow = new QWidget(this);
    auto* grid = new QGridLayout(m_previewRow);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    for (int i = 0; i < kPreviewCount; ++i) {
        auto* label = new QLabel(m_previewRow);
        label->setFixedSize(kPreviewPixels, kPreviewPixels);
        label->setFrameShape(QFrame::StyledPanel);
        label->setAlignment(Qt::AlignCenter);
        label->setToolTip(i == 0 ? tr("The sample as stored")
                                 : tr("A random augmentation of it, as training would see it"));
        grid->addWidget(label, i / 4, i % 4);
        m_previewLabels.append(label);
    }
    layout->addWidget(m_previewRow);

    connect(m_choice, &QComboBox::activated, this, [this](int index) {
        if (!m_updating) Q_EMIT datasetRequested(m_choice->itemData(index).toString());
    });
    connect(m_openFolder, &QPushButton::clicked, this, &DatasetPanel::chooseFolder);
    connect(m_openFile, &QPushButton::clicked, this, &DatasetPanel::chooseFile);
    connect(m_drop, &widgets::DropArea::folderDropped, this, &DatasetPanel::datasetRequested);
    connect(m_drop, &widgets::DropArea::filesDropped, this, [this](const QStringList& paths) {
        if (!paths.isEmpty()) Q_EMIT datasetRequested(paths.first());
    });
    connect(m_classFilter, &QComboBox::currentIndexChanged, this, &DatasetPanel::refreshGallery);
    connect(m_gallery, &widgets::ImageGallery::itemActivated, this, [this](int i) {
        if (i < 0 || i >= int(m_galleryIndices.size())) return;
        m_previewSample = m_galleryIndices[std::size_t(i)];
        refreshPreview();
        Q_EMIT sampleActivated(m_previewSample);
    });
    connect(m_form, &widgets::HyperparameterForm::valueEdited, this,
            [this](const QString& key, const QVariant& oldValue, const QVariant& newValue) {
                if (key.startsWith(QLatin1String("aug_"))) refreshPreview();
                Q_EMIT settingEdited(key, oldValue, newValue);
            });
}

void DatasetPanel::setCatalog(const std::vector<DatasetInfo>& sets) {
    m_updating = true;
    const QString current = m_choice->currentData().toString();
    m_choice->clear();
    for (const DatasetInfo& s : sets) {
        if (!s.available) continue;
        m_choice->addItem(toQString(s.name), toQString(s.name));
        m_choice->setItemData(m_choice->count() - 1, toQString(s.description), Qt::ToolTipRole);
    }
    m_updating = false;
    if (!current.isEmpty()) showChoice(current);
}

void DatasetPanel::showChoice(const QString& nameOrPath) {
    m_updating = true;
    int index = m_choice->findData(nameOrPath);
    if (index < 0) {
        const QFileInfo info(nameOrPath);
        m_choice->addItem(info.fileName().isEmpty() ? nameOrPath : info.fileName(), nameOrPath);
        index = m_choice->count() - 1;
        m_choice->setItemData(index, nameOrPath, Qt::ToolTipRole);
    }
    m_choice->setCurrentIndex(index);
    m_updating = false;
    updateFieldAvailability();
}

void DatasetPanel::showLoading(const QString& nameOrPath) {
    showChoice(nameOrPath);
    m_info->setText(tr("Loading %1…").arg(nameOrPath));
    m_info->setStyleSheet({});
}

void DatasetPanel::showError(const QString& message) {
    m_info->setText(message);
    m_info->setStyleSheet(QStringLiteral("color: #d0312d;"));
}

void DatasetPanel::setBundle(std::shared_ptr<const DatasetBundle> bundle) {
    m_bundle = std::move(bundle);
    m_previewSample = 0;
    m_info->setStyleSheet({});
    m_updating = true;
    m_classFilter->clear();
    m_skipped->clear();
    if (!m_bundle) {
        m_info->clear();
        m_counts->setCounts({}, {});
        m_updating = false;
        refreshGallery();
        refreshPreview();
        return;
    }
    const Dataset& pool = m_bundle->pool;
    QStringList names;
    for (const auto& n : pool.classNames()) names.append(toQString(n));
    QList<int> counts;
    for (int c : pool.classCounts()) counts.append(c);
    m_counts->setCounts(names, counts);
    const Shape& shape = pool.sampleShape();
    QString kind =
        pool.storage() == Dataset::Storage::Features
            ? tr("%1 features per sample").arg(shape.empty() ? 0 : shape[0])
            : tr("%1×%2 pixels, %3").arg(shape[2]).arg(shape[1]).arg(shape[0] == 1 ? tr("gray") : tr("colour"));
    QString text = tr("%1 · %2 samples in %3 classes · %4")
                       .arg(toQString(pool.name()), widgets::groupedInteger(pool.size()))
                       .arg(pool.classCount())
                       .arg(kind);
    if (m_bundle->test)
        text += tr(" · official test set: %1 samples").arg(widgets::groupedInteger(m_bundle->test->size()));
    m_info->setText(text);
    m_info->setToolTip(widgets::plainToolTip(toQString(m_bundle->description)));
    m_classFilter->addItem(tr("All classes (%1)").arg(widgets::groupedInteger(pool.size())), -1);
    for (int c = 0; c < pool.classCount(); ++c)
        m_classFilter->addItem(QStringLiteral("%1 (%2)").arg(names.value(c)).arg(counts.value(c)), c);
    const bool skipped = !m_bundle->skipped.empty();
    m_skippedTitle->setVisible(skipped);
    m_skipped->setVisible(skipped);
    if (skipped) {
        m_skippedTitle->setText(tr("%n file(s) skipped:", nullptr, int(m_bundle->skipped.size())));
        m_skippedTitle->setStyleSheet(QStringLiteral("color: #d0312d;"));
        for (const SkippedFile& f : m_bundle->skipped)
            m_skipped->addItem(QStringLiteral("%1 — %2").arg(toQString(f.path), toQString(f.reason)));
    }
    m_form->setSuggestions("label_column", labelColumnChoices(pool));
    m_updating = false;
    updateFieldAvailability();
    refreshGallery();
    refreshPreview();
}

void DatasetPanel::setSettings(const QVariantMap& settings) {
    m_seed = static_cast<std::uint64_t>(settings.value("seed", 1).toLongLong());
    m_form->setValues(settings);
    refreshPreview();
}

int DatasetPanel::augmentPreviewCount() const {
    return int(m_previewImages.size());
}

void DatasetPanel::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a dataset folder"));
    if (!dir.isEmpty()) Q_EMIT datasetRequested(dir);
}

void DatasetPanel::chooseFile() {
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open a dataset file"), {},
        tr("Datasets (*.csv *-idx3-ubyte *-idx3-ubyte.gz *.idx *.bin);;CSV tables (*.csv);;IDX or CIFAR-10 files "
           "(*-idx3-ubyte *-idx3-ubyte.gz *.idx *.bin);;All files (*)"));
    if (!file.isEmpty()) Q_EMIT datasetRequested(file);
}

void DatasetPanel::refreshGallery() {
    m_galleryIndices.clear();
    if (!m_bundle) {
        m_gallery->setSource(0, {}, {});
        return;
    }
    const int cls = m_classFilter->currentData().isValid() ? m_classFilter->currentData().toInt() : -1;
    const Dataset& pool = m_bundle->pool;
    m_galleryIndices.reserve(std::size_t(pool.size()));
    for (int i = 0; i < pool.size(); ++i)
        if (cls < 0 || pool.label(i) == cls) m_galleryIndices.push_back(i);
    auto bundle = m_bundle;
    auto indices = std::make_shared<std::vector<int>>(m_galleryIndices);
    // Feature samples are plotted standardized, so a table's columns spread over the plot.
    std::vector<int> all(std::size_t(pool.size()));
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = int(i);
    auto display = std::make_shared<const Preprocessing>(
        pool.storage() == Dataset::Storage::Features ? Preprocessing::fitted(pool, all) : Preprocessing{});
    m_gallery->setSource(
        int(indices->size()),
        [bundle, indices, display](int i) { return sampleImage(bundle->pool, (*indices)[std::size_t(i)], *display); },
        [bundle, indices](int i) {
            const int index = (*indices)[std::size_t(i)];
            return toQString(bundle->pool.classNames()[std::size_t(bundle->pool.label(index))]);
        });
}

void DatasetPanel::refreshPreview() {
    m_previewImages.clear();
    const bool images = m_bundle && m_bundle->pool.storage() == Dataset::Storage::Pixels8 && m_bundle->pool.size() > 0;
    m_previewRow->setEnabled(images);
    if (!images) {
        for (QLabel* l : m_previewLabels) l->clear();
        return;
    }
    auto config = trainConfigFrom(m_form->values());
    AugmentConfig augment = config ? config->augment : AugmentConfig{};
    const Dataset& pool = m_bundle->pool;
    const Shape& shape = pool.sampleShape();
    const int sample = std::clamp(m_previewSample, 0, pool.size() - 1);
    std::vector<float> raw(pool.sampleSize()), work(raw.size());
    pool.sampleAsFloat(sample, raw.data());
    for (int k = 0; k < kPreviewCount; ++k) {
        work = raw;
        if (k > 0) {
            Rng rng = Rng::forStream(m_seed, RngPurpose::Augment, 0x5EED, std::uint64_t(k));  // the run's seed
            augmentSample(work.data(), shape, augment, rng);
        }
        QImage img = floatToQImage(work.data(), shape[0], shape[1], shape[2]);
        m_previewImages.append(img);
        m_previewLabels[k]->setPixmap(
            QPixmap::fromImage(img.scaled(kPreviewPixels - 4, kPreviewPixels - 4, Qt::KeepAspectRatio,
                                          shape[1] <= 32 ? Qt::FastTransformation : Qt::SmoothTransformation)));
    }
}

void DatasetPanel::updateFieldAvailability() {
    const QString choice = m_choice->currentData().toString();
    const bool generated = isGeneratedSet(toStdString(choice));
    const bool folder = QFileInfo(choice).isDir();
    m_form->setFieldEnabled("samples", generated);
    m_form->setFieldEnabled("noise", generated && choice != QLatin1String("shapes"));
    m_form->setFieldEnabled("image_size", folder);
    const bool table = isCsvPath(toStdString(choice));
    m_form->setFieldEnabled("label_column", table);
    m_form->setFieldEnabled("csv_header", table);
    m_form->setFieldEnabled("channels", folder);
    m_form->setFieldEnabled("test_split", !(m_bundle && m_bundle->test));
    const bool images = !m_bundle || m_bundle->pool.storage() == Dataset::Storage::Pixels8;
    for (const char* key :
         {"resize", "aug_shift", "aug_flip_h", "aug_flip_v", "aug_rotate", "aug_brightness", "aug_contrast"})
        m_form->setFieldEnabled(key, images);
}

}  // namespace studio::app
