#pragma once
// The decision boundary of a 2-feature model (issue "Teaching", "See inside"): the class
// probabilities over a grid of the input plane, and the field of every hidden unit of the first
// two Dense layers (as TensorFlow Playground draws them). Qt-free; the studio computes them on a
// worker thread from the newest weights, the CLI renders them to a PNG (boundary_image.h).
//
//   extent = planeExtent(pool)            the data's bounding box with a margin
//   grid   = computeBoundary(snapshot, extent, W, H, pool)   one predictBatch over W·H points
//   cell (row, col) ↦ (x, y) = gridPoint(grid, row, col): row 0 is the top (y = yMax)

#include <string>
#include <vector>

#include "engine/core/parallel.h"
#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/infer/snapshot.h"

namespace studio {

/// A rectangle of the input plane, in raw feature units (before normalization).
struct PlaneExtent {
    float xMin = -1, xMax = 1, yMin = -1, yMax = 1;
};

/// True for feature data with exactly two features (the built-in 2-D sets, 2-column tables).
bool isPlaneDataset(const Dataset& data);
/// A model that takes 2 raw features (no backbone, feature preprocessing of shape {2}).
bool isPlaneModel(const ModelSnapshot& snapshot);

/// The bounding box of every sample of `data` (and `test` when given), grown by 10% on each side
/// and made square (the same scale on both axes, so circles stay round). Requires
/// isPlaneDataset; an empty set gives [-1, 1]².
PlaneExtent planeExtent(const Dataset& data, const Dataset* test = nullptr);

struct BoundaryGrid {
    PlaneExtent extent;
    int width = 0, height = 0, classes = 0;
    std::vector<float> probabilities;  // (height, width, classes), row 0 at the top (y = yMax)

    float probability(int row, int col, int cls) const {
        return probabilities[(static_cast<std::size_t>(row) * width + col) * classes + cls];
    }
    /// The most likely class of a cell (ties: the lower class).
    int predicted(int row, int col) const;
};

/// The plane point at the centre of cell (row, col):
///   x = xMin + (col + ½)/width·(xMax − xMin),  y = yMax − (row + ½)/height·(yMax − yMin).
void gridPoint(const PlaneExtent& extent, int width, int height, int row, int col, float& x, float& y);

/// The softmax probabilities of the snapshot at every cell centre: the W·H points are normalized
/// with the snapshot's own preprocessing and predicted by predictBatch (fixed chunks over `pool`,
/// which may be null), so each cell is what predictPrepared gives for its point (to float
/// rounding of the batched product) and the grid does not depend on the thread count. Errors: the model does not take 2 raw features; W or H outside [2, 1024].
Result<BoundaryGrid> computeBoundary(const ModelSnapshot& snapshot, const PlaneExtent& extent, int width, int height,
                                     ThreadPool* pool);

/// What one hidden unit computes over the plane.
struct UnitFields {
    int layerIndex = 0;   // the model's layer whose output is shown (the Dense layer's activation, if any)
    std::string label;    // "dense 1 · relu" : what the thumbnails' row is called
    int units = 0;
    int width = 0, height = 0;
    std::vector<float> values;  // (units, height, width): unit u's output at every cell
    std::vector<float> low, high;  // per unit: the smallest and largest value over the grid
    const float* unit(int u) const { return values.data() + static_cast<std::size_t>(u) * width * height; }
};

/// The fields of the hidden Dense layers among the first `maxLayers` Dense layers (the output
/// layer is not hidden): each Dense layer's output after the element-wise layers that follow it
/// (activation, batchnorm, dropout — in inference mode), over the same cell centres as
/// computeBoundary. Rows of points are split over `pool` in fixed chunks (each point alone, so
/// no result depends on the thread count). Errors as computeBoundary; an INT8 model is refused
/// (its hidden values are integers). A model without hidden Dense layers gives an empty list.
Result<std::vector<UnitFields>> computeHiddenFields(const ModelSnapshot& snapshot, const PlaneExtent& extent, int width,
                                                    int height, int maxLayers, ThreadPool* pool);

}  // namespace studio
