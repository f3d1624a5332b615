#pragma once
// Dataset: labelled samples stored compactly. Images are 8-bit CHW (tens of thousands fit in
// memory); feature sets (the 2-D teaching sets) are float. A DatasetBundle is what a loader
// returns: the pool to split, the official test set when the format has one, skipped files.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/core/tensor.h"
#include "engine/data/table_layout.h"

namespace studio {

class Dataset {
public:
    enum class Storage { Pixels8, Features };

    Dataset() = default;
    /// Images: sampleShape = {C, H, W}, pixels appended with addImage.
    static Dataset images(std::string name, int channels, int height, int width, std::vector<std::string> classNames);
    /// Feature vectors: sampleShape = {F}.
    static Dataset features(std::string name, int featureCount, std::vector<std::string> classNames);

    const std::string& name() const { return m_name; }
    void setName(std::string name) { m_name = std::move(name); }
    Storage storage() const { return m_storage; }
    const Shape& sampleShape() const { return m_sampleShape; }
    std::size_t sampleSize() const { return shapeSize(m_sampleShape); }
    const std::vector<std::string>& classNames() const { return m_classNames; }
    int classCount() const { return static_cast<int>(m_classNames.size()); }
    int size() const { return static_cast<int>(m_labels.size()); }
    const std::vector<std::int32_t>& labels() const { return m_labels; }
    std::int32_t label(int i) const { return m_labels[static_cast<std::size_t>(i)]; }
    std::vector<int> classCounts() const;

    void reserve(int n);
    /// CHW 8-bit pixels, sampleSize() bytes.
    void addImage(const std::uint8_t* chw, std::int32_t label);
    void addFeatures(const float* values, std::int32_t label);
    /// Bulk appends: n samples (n × sampleSize() values) with their n labels.
    void appendImages(const std::uint8_t* chw, const std::int32_t* labels, int n);
    void appendFeatures(const float* values, const std::int32_t* labels, int n);
    const std::uint8_t* pixels(int i) const { return m_pixels.data() + static_cast<std::size_t>(i) * sampleSize(); }
    const float* featureRow(int i) const { return m_features.data() + static_cast<std::size_t>(i) * sampleSize(); }
    /// Raw sample as floats: pixels / 255 (in [0,1]) or the features as they are.
    void sampleAsFloat(int i, float* out) const;
    /// Sample i's source (file path for image folders; "" otherwise), for galleries and reports.
    const std::string& source(int i) const;
    void setSource(int i, std::string path);

    /// Feature sets read from a CSV table: which columns the features and the label came from.
    const std::optional<TableLayout>& table() const { return m_table; }
    void setTable(TableLayout layout) { m_table = std::move(layout); }

    /// A new dataset with the samples at `indices` (in that order).
    Dataset subset(const std::vector<int>& indices) const;

private:
    std::string m_name;
    Storage m_storage = Storage::Pixels8;
    Shape m_sampleShape;
    std::vector<std::string> m_classNames;
    std::vector<std::int32_t> m_labels;
    std::vector<std::uint8_t> m_pixels;
    std::vector<float> m_features;
    std::vector<std::string> m_sources;  // empty, or one per sample
    std::optional<TableLayout> m_table;
};

struct SkippedFile {
    std::string path;
    std::string reason;
};

struct DatasetBundle {
    Dataset pool;                  // what train/validation (and test, when no official one) come from
    std::optional<Dataset> test;   // the format's official test set, when it has one
    std::vector<SkippedFile> skipped;
    std::string description;       // one line: "Fashion-MNIST, 60000 train + 10000 test, 28×28 gray"
};

/// Indices into DatasetBundle::pool (and, for test, into bundle.test when it exists).
struct DataSplit {
    std::vector<int> train;
    std::vector<int> validation;
    std::vector<int> test;         // into pool when testFromPool, else into bundle.test
    bool testFromPool = true;
};

/// Seeded, stratified split: per class, a permutation from (seed, Split, class) takes the
/// first ⌈f·n⌉ for validation, the next for test (only when the bundle has no official test).
/// Fractions are clamped to [0, 1]; a class keeps at least one training sample while it has
/// any. Each index list is sorted ascending (epochOrder shuffles the training list).
DataSplit splitDataset(const DatasetBundle& bundle, double validationFraction, double testFraction, std::uint64_t seed);

}  // namespace studio
