#include "engine/teach/decision_boundary.h"

#include <algorithm>
#include <cmath>

#include "engine/infer/predictor.h"
#include "engine/infer/snapshot_forward.h"

namespace studio {

namespace {

constexpr int kMaxGridSide = 1024;
constexpr int kFieldChunk = 64;  // points per task in computeHiddenFields

Status checkPlane(const ModelSnapshot& snapshot, int width, int height) {
    if (!isPlaneModel(snapshot))
        return Error::invalid("The decision boundary needs a model of 2 input features; this model takes " +
                                  shapeToString(snapshot.preprocessing.inputShape) + ".",
                              "Train on a 2-D set (spirals, circles, xor, gauss) or a table with 2 feature columns.");
    if (width < 2 || height < 2 || width > kMaxGridSide || height > kMaxGridSide)
        return Error::invalid("A decision-boundary grid of " + std::to_string(width) + "×" + std::to_string(height) +
                                  " cells is outside 2…" + std::to_string(kMaxGridSide) + " per side.",
                              "Choose a resolution between 2 and " + std::to_string(kMaxGridSide) + ".");
    return Status::success();
}

// The cell centres, normalized as the model's training input: x:(W·H, 2), row-major cells.
Tensor gridInputs(const ModelSnapshot& snapshot, const PlaneExtent& extent, int width, int height) {
    Tensor x(Shape{width * height, 2});
    for (int row = 0; row < height; ++row)
        for (int col = 0; col < width; ++col) {
            float* p = x.sample(row * width + col);
            gridPoint(extent, width, height, row, col, p[0], p[1]);
            snapshot.preprocessing.normalize(p);
        }
    return x;
}

bool isElementwise(const std::string& kind) {
    return kind != "dense" && kind != "conv2d" && kind != "flatten" && kind.find("pool") == std::string::npos;
}

}  // namespace

bool isPlaneDataset(const Dataset& data) {
    return data.storage() == Dataset::Storage::Features && data.sampleShape() == Shape{2};
}

bool isPlaneModel(const ModelSnapshot& snapshot) {
    return !snapshot.backbone && !snapshot.preprocessing.isImage && snapshot.preprocessing.inputShape == Shape{2} &&
           snapshot.model.inputShape() == Shape{2};
}

PlaneExtent planeExtent(const Dataset& data, const Dataset* test) {
    STUDIO_ASSERT(isPlaneDataset(data), "planeExtent: not 2-D feature data");
    float lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (const Dataset* d : {&data, test}) {
        if (!d || !isPlaneDataset(*d)) continue;
        for (int i = 0; i < d->size(); ++i) {
            const float* p = d->featureRow(i);
            for (int k = 0; k < 2; ++k)
                if (std::isfinite(p[k])) {
                    lo[k] = std::min(lo[k], p[k]);
                    hi[k] = std::max(hi[k], p[k]);
                }
        }
    }
    if (!(lo[0] <= hi[0]) || !(lo[1] <= hi[1])) return {};
    // Square, so both axes share one scale; 10% margin so points on the edge are not cut.
    const float cx = 0.5f * (lo[0] + hi[0]), cy = 0.5f * (lo[1] + hi[1]);
    float half = 0.5f * std::max(hi[0] - lo[0], hi[1] - lo[1]) * 1.2f;
    if (!(half > 1e-6f)) half = 1.0f;
    return {cx - half, cx + half, cy - half, cy + half};
}

int BoundaryGrid::predicted(int row, int col) const {
    const float* p = probabilities.data() + (static_cast<std::size_t>(row) * width + col) * classes;
    return static_cast<int>(std::max_element(p, p + classes) - p);
}

void gridPoint(const PlaneExtent& e, int width, int height, int row, int col, float& x, float& y) {
    x = e.xMin + (static_cast<float>(col) + 0.5f) / static_cast<float>(width) * (e.xMax - e.xMin);
    y = e.yMax - (static_cast<float>(row) + 0.5f) / static_cast<float>(height) * (e.yMax - e.yMin);
}

Result<BoundaryGrid> computeBoundary(const ModelSnapshot& snapshot, const PlaneExtent& extent, int width, int height,
                                     ThreadPool* pool) {
    STUDIO_TRY(checkPlane(snapshot, width, height));
    BoundaryGrid grid;
    grid.extent = extent;
    grid.width = width;
    grid.height = height;
    grid.classes = snapshotClasses(snapshot);
    const std::vector<Prediction> predictions =
        predictBatch(snapshot, gridInputs(snapshot, extent, width, height), 1, pool);
    grid.probabilities.resize(predictions.size() * static_cast<std::size_t>(grid.classes));
    for (std::size_t i = 0; i < predictions.size(); ++i)
        std::copy(predictions[i].probabilities.begin(), predictions[i].probabilities.end(),
                  grid.probabilities.begin() + static_cast<std::ptrdiff_t>(i * grid.classes));
    return grid;
}

Result<std::vector<UnitFields>> computeHiddenFields(const ModelSnapshot& snapshot, const PlaneExtent& extent, int width,
                                                    int height, int maxLayers, ThreadPool* pool) {
    STUDIO_TRY(checkPlane(snapshot, width, height));
    if (snapshot.quantized)
        return Error::invalid("The hidden units of an INT8 model are not drawn.", "Use the float model.");
    const Model& model = snapshot.model;
    // Which layer outputs to keep: each hidden Dense layer's, after its element-wise followers.
    int lastDense = -1;
    for (int i = 0; i < model.layerCount(); ++i)
        if (model.layer(i).kind() == "dense") lastDense = i;
    std::vector<UnitFields> fields;
    for (int i = 0; i < model.layerCount() && static_cast<int>(fields.size()) < maxLayers; ++i) {
        if (model.layer(i).kind() != "dense" || i == lastDense) continue;
        int shown = i;
        std::string label = "dense " + std::to_string(fields.size() + 1);
        while (shown + 1 < model.layerCount() && isElementwise(model.layer(shown + 1).kind())) {
            ++shown;
            if (model.layer(shown).kind() != "dropout") label += " · " + model.layer(shown).kind();
        }
        UnitFields f;
        f.layerIndex = shown;
        f.label = label;
        f.width = width;
        f.height = height;
        fields.push_back(std::move(f));
    }
    if (fields.empty()) return fields;
    const int lastNeeded = fields.back().layerIndex;

    const Tensor inputs = gridInputs(snapshot, extent, width, height);
    const int n = width * height;
    const int chunks = (n + kFieldChunk - 1) / kFieldChunk;
    // Units are known after the first chunk's forward; fill values per chunk into (unit, cell).
    std::vector<std::vector<Tensor>> outputs(static_cast<std::size_t>(chunks));
    auto runChunk = [&](int c) {
        const int first = c * kFieldChunk, count = std::min(kFieldChunk, n - first);
        Tensor x(Shape{count, 2}), y;
        std::copy(inputs.sample(first), inputs.sample(first) + static_cast<std::ptrdiff_t>(count) * 2, x.data());
        RunContext ctx;
        ctx.training = false;
        auto& kept = outputs[static_cast<std::size_t>(c)];
        for (int i = 0; i <= lastNeeded; ++i) {
            LayerScratch scratch;
            ctx.layerIndex = i;
            model.layer(i).forward(x, y, scratch, ctx);
            std::swap(x, y);
            for (const UnitFields& f : fields)
                if (f.layerIndex == i) kept.push_back(x);
        }
    };
    if (pool)
        pool->forEach(chunks, runChunk);
    else
        for (int c = 0; c < chunks; ++c) runChunk(c);

    for (std::size_t k = 0; k < fields.size(); ++k) {
        UnitFields& f = fields[k];
        f.units = static_cast<int>(outputs[0][k].sampleSize());
        f.values.assign(static_cast<std::size_t>(f.units) * n, 0.0f);
        for (int c = 0; c < chunks; ++c) {
            const Tensor& out = outputs[static_cast<std::size_t>(c)][k];
            for (int s = 0; s < out.dim(0); ++s)
                for (int u = 0; u < f.units; ++u)
                    f.values[static_cast<std::size_t>(u) * n + c * kFieldChunk + s] = out.sample(s)[u];
        }
        f.low.assign(static_cast<std::size_t>(f.units), 0.0f);
        f.high.assign(static_cast<std::size_t>(f.units), 0.0f);
        for (int u = 0; u < f.units; ++u) {
            const auto [lo, hi] = std::minmax_element(f.unit(u), f.unit(u) + n);
            f.low[static_cast<std::size_t>(u)] = *lo;
            f.high[static_cast<std::size_t>(u)] = *hi;
        }
    }
    return fields;
}

}  // namespace studio
