#pragma once
// The Feature maps view's work for one image and one model, as a free function the tests call:
// prepare the image with the model's own preprocessing, run it through every layer
// (engine/infer/layer_activations.h) and turn the tensors into the grid's images and ranges.
// Engine + QImage only (no widgets' state): it runs on the controller's worker thread.
//
// Colours: an activation map is gray from its own minimum (black) to its maximum (white); a
// one-channel filter or dense row is blue (negative) – white (0) – red (positive), symmetric in
// its largest |w|; a three-channel one is its RGB weights stretched from min to max (the classic
// picture of first-layer filters).

#include <QImage>
#include <QList>
#include <QString>

#include "engine/data/image_io.h"
#include "engine/infer/layer_activations.h"
#include "engine/infer/snapshot.h"
#include "widgets/feature_map_grid.h"

namespace studio::app {

struct FeatureMaps {
    QList<widgets::FeatureMapGroup> groups;  // conv layers' maps, then filters, then dense weights
    QImage modelView;                        // the image as the model takes it
    QString error;                           // empty on success
    double milliseconds = 0.0;               // preparing + the forward pass + the images
};

/// Most maps (or filters, or dense rows) one group shows; the title says when there are more.
constexpr int kMaxTilesPerGroup = 64;

FeatureMaps computeFeatureMaps(const ModelSnapshot& snapshot, const DecodedImage& image);

/// The pictures alone, for tests: one channel of an activation, a weight image.
QImage activationImage(const float* values, int height, int width, float lo, float hi);
QImage weightImage(const WeightImage& weights);

}  // namespace studio::app
