#pragma once
// Training a head on a frozen backbone with the engine's own Trainer, unchanged: the run's data
// is the images' cached backbone features (FeatureCache), so the Trainer sees a feature dataset
// and the head spec is resolved for {F} inputs; at the end the head's snapshot becomes the whole
// model (the image preprocessing, the backbone with the head's feature normalization, the head).
//
//   BackboneTraining bt({"mobilenetv2.onnx", "", imagenetMean, imagenetStd}, reportingLoader(), threads);
//   auto run = prepareNewRun(store, {.dataset = "photos/", .model = "mlp"}, bt.featureLoader());
//   … train … → saveModelFile(path, *bt.wholeModel(*outcome.snapshot));
//
// Augmentation changes pixels, so an augmented run cannot use cached features: then the backbone
// goes into the run itself (TrainingSetup::backbone, see backboneForRun) and every augmented batch
// goes through it on the shards' threads; only the feature normalization is fitted on cached
// features.

#include <memory>
#include <string>
#include <vector>

#include "engine/core/result.h"
#include "engine/data/preprocessing.h"
#include "engine/deploy/backbone.h"
#include "engine/deploy/feature_cache.h"
#include "engine/infer/snapshot.h"
#include "engine/store/experiment.h"

namespace studio {

struct BackboneChoice {
    std::string path;             // the .onnx file
    std::string featureLayer;     // "" = Backbone::suggestedFeatureLayer
    std::vector<float> mean;      // the backbone's input normalization on [0, 1] pixels, per
    std::vector<float> stddev;    // channel; empty = none (a Training Studio export normalizes inside)
    std::string resize = "stretch";  // how new images are fitted to the backbone's input size
};

/// "0.485,0.456,0.406" → {0.485, 0.456, 0.406}; "" → {}. `what` names the field in the error
/// (e.g. "--backbone-mean").
Result<std::vector<float>> parseChannelValues(const std::string& text, const std::string& what);

/// The image preprocessing a backbone's input needs: {C, H, W} with mean/std per channel.
/// Errors: mean/std with another count than the channels, or a std ≤ 0.
Result<Preprocessing> backboneInputPreprocessing(const Shape& inputShape, const BackboneChoice& choice);

class BackboneTraining {
public:
    /// threads: for computing the features (0 = every core).
    BackboneTraining(BackboneChoice choice, DatasetLoader imageLoader, int threads);

    /// Loads the images with the image loader, then the backbone for their shape (its errors name
    /// the file), and returns their features, computed once per image (the cache outlives calls).
    DatasetLoader featureLoader();

    /// The head's snapshot (trained on featureLoader's data) → the whole model. Requires a
    /// featureLoader call that succeeded.
    SnapshotPtr wholeModel(const ModelSnapshot& head) const;

    /// After a successful featureLoader call.
    const BackbonePtr& backbone() const;
    const FeatureCache* cache() const { return m_cache.get(); }

private:
    BackboneChoice m_choice;
    DatasetLoader m_images;
    int m_threads;
    std::shared_ptr<FeatureCache> m_cache;
};

/// What an augmented run needs (TrainingSetup::backbone and ::preprocessing): the backbone for
/// the images' shape with its feature normalization fitted on the cached features of the
/// training split (identity when `normalize` is false), and the images' preprocessing.
struct BackboneForRun {
    BackbonePtr backbone;
    Preprocessing imagePreprocessing;
    std::int64_t imagesComputed = 0;  // images run through the backbone to fit the normalization
};
Result<BackboneForRun> backboneForRun(const BackboneChoice& choice, const DatasetBundle& images,
                                      const std::vector<int>& train, bool normalize, int threads);

/// The whole model from a head snapshot whose input is `backbone`'s features: the head's fitted
/// preprocessing becomes the backbone's feature normalization, `imagePreprocessing` the
/// snapshot's. Requires head.model's input {backbone.featureSize()}.
SnapshotPtr composeBackboneModel(const ModelSnapshot& head, const Backbone& backbone,
                                 const Preprocessing& imagePreprocessing);

}  // namespace studio
