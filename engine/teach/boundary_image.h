#pragma once
// The decision boundary as a picture, without Qt (the CLI's `train --boundary OUT.png`): the
// class-probability field (colour = the most likely class, shade = how sure the model is) with
// the data points on top — training points as discs, held-out points (validation and test) as
// squares. The studio draws the same field in widgets/decision_boundary_view from the same
// palette and the same shading rule (boundaryShade), so the PNG and the view agree.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/dataset.h"
#include "engine/data/image_io.h"
#include "engine/teach/decision_boundary.h"

namespace studio {

/// One data point of the plane and its class; `heldOut` for validation and test samples.
struct PlanePoint {
    float x = 0, y = 0;
    int label = 0;
    bool heldOut = false;
};

/// The split's points of a 2-D bundle: split.train as training points, split.validation and
/// split.test (from the pool or the official test set) as held-out points. Requires
/// isPlaneDataset(data.pool).
std::vector<PlanePoint> planePoints(const DatasetBundle& data, const DataSplit& split);

/// The colour of class `cls` as 0xRRGGBB (8 colours, then repeating).
std::uint32_t classColour(int cls);

/// How strongly a cell shows its class colour over the background, in [0, 1]:
///   continuous: 0.12 + 0.68·c, c = (p_max − 1/C)/(1 − 1/C) (0 when every class is as likely);
///   discrete:   0.55 (only the most likely class shows, not the confidence).
float boundaryShade(float pMax, int classes, bool discrete);

struct BoundaryPictureStyle {
    int size = 512;          // the picture's side in pixels
    bool showHeldOut = true; // draw validation/test points
    bool discrete = false;   // boundaryShade's discrete mode
    bool dark = false;       // dark background (#1e1f22) instead of white
};

/// The field (each cell a class colour over the background, bilinearly smoothed, or hard cells
/// when discrete) with the points drawn on top, as an RGB image of style.size².
DecodedImage renderBoundary(const BoundaryGrid& grid, const std::vector<PlanePoint>& points,
                            const BoundaryPictureStyle& style);

/// renderBoundary written as a PNG, atomically. Errors name `path`.
Status writeBoundaryPng(const std::string& path, const BoundaryGrid& grid, const std::vector<PlanePoint>& points,
                        const BoundaryPictureStyle& style);

/// A trained model's boundary over its data (planeExtent of the pool and test set, a
/// `resolution`² grid, planePoints of the split) written as a PNG. Errors: the model or the data
/// are not 2-D (named), or the file cannot be written.
Status writeModelBoundaryPng(const std::string& path, const ModelSnapshot& snapshot, const DatasetBundle& data,
                             const DataSplit& split, int resolution, const BoundaryPictureStyle& style,
                             ThreadPool* pool);

}  // namespace studio
