#include "engine/deploy/backbone_training.h"

#include <cmath>
#include <sstream>

#include "engine/core/parallel.h"

namespace studio {

Result<std::vector<float>> parseChannelValues(const std::string& text, const std::string& what) {
    std::vector<float> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        try {
            std::size_t used = 0;
            out.push_back(std::stof(item, &used));
            if (used != item.size()) throw std::invalid_argument(item);
        } catch (const std::exception&) {
            return Error::invalid(what + " '" + text + "' is not a list of numbers.",
                                  "Give one number per channel, separated by commas, e.g. 0.485,0.456,0.406.");
        }
    }
    return out;
}

Result<Preprocessing> backboneInputPreprocessing(const Shape& inputShape, const BackboneChoice& choice) {
    Preprocessing prep = Preprocessing::identity(inputShape, true);
    prep.resize = choice.resize;
    const std::size_t channels = static_cast<std::size_t>(inputShape.empty() ? 0 : inputShape[0]);
    if (!choice.mean.empty()) {
        if (choice.mean.size() != channels)
            return Error::invalid("The backbone input mean lists " + std::to_string(choice.mean.size()) +
                                      " values but the images have " + std::to_string(channels) + " channels.",
                                  "Give one mean per channel, e.g. 0.485,0.456,0.406 for ImageNet networks.");
        prep.mean = choice.mean;
    }
    if (!choice.stddev.empty()) {
        if (choice.stddev.size() != channels)
            return Error::invalid("The backbone input std lists " + std::to_string(choice.stddev.size()) +
                                      " values but the images have " + std::to_string(channels) + " channels.",
                                  "Give one std per channel, e.g. 0.229,0.224,0.225 for ImageNet networks.");
        for (float s : choice.stddev)
            if (!(s > 0.0f) || !std::isfinite(s))
                return Error::invalid("A backbone input std must be a number > 0, not " + std::to_string(s) + ".",
                                      "Give the std the network was trained with, e.g. 0.229,0.224,0.225.");
        prep.stddev = choice.stddev;
    }
    for (float m : prep.mean)
        if (!std::isfinite(m))
            return Error::invalid("A backbone input mean must be a finite number.", "E.g. 0.485,0.456,0.406.");
    return prep;
}

BackboneTraining::BackboneTraining(BackboneChoice choice, DatasetLoader imageLoader, int threads)
    : m_choice(std::move(choice)), m_images(std::move(imageLoader)), m_threads(threads) {}

DatasetLoader BackboneTraining::featureLoader() {
    return [this](const std::string& nameOrPath,
                  const DatasetOptions& options) -> Result<std::shared_ptr<const DatasetBundle>> {
        auto images = m_images(nameOrPath, options);
        if (!images) return images.error();
        const Dataset& pool = (*images)->pool;
        if (pool.storage() != Dataset::Storage::Pixels8)
            return Error::invalid("Dataset '" + pool.name() + "' holds feature vectors; a backbone needs images.",
                                  "Choose an image dataset, or train without --backbone.");
        if (!m_cache || m_cache->backbone()->inputShape() != pool.sampleShape()) {
            auto backbone = Backbone::fromFile(m_choice.path, pool.sampleShape(), m_choice.featureLayer);
            if (!backbone) return backbone.error();
            auto prep = backboneInputPreprocessing(pool.sampleShape(), m_choice);
            if (!prep) return prep.error();
            m_cache = std::make_shared<FeatureCache>(std::move(*backbone), std::move(*prep));
        }
        ThreadPool threads(m_threads);
        return m_cache->bundle(**images, &threads);
    };
}

const BackbonePtr& BackboneTraining::backbone() const {
    STUDIO_ASSERT(m_cache, "BackboneTraining::backbone before a successful featureLoader call");
    return m_cache->backbone();
}

SnapshotPtr BackboneTraining::wholeModel(const ModelSnapshot& head) const {
    STUDIO_ASSERT(m_cache, "BackboneTraining::wholeModel before a successful featureLoader call");
    return composeBackboneModel(head, *m_cache->backbone(), m_cache->imagePreprocessing());
}

Result<BackboneForRun> backboneForRun(const BackboneChoice& choice, const DatasetBundle& images,
                                      const std::vector<int>& train, bool normalize, int threads) {
    const Dataset& pool = images.pool;
    if (pool.storage() != Dataset::Storage::Pixels8)
        return Error::invalid("Dataset '" + pool.name() + "' holds feature vectors; a backbone needs images.",
                              "Choose an image dataset, or train without a backbone.");
    auto backbone = Backbone::fromFile(choice.path, pool.sampleShape(), choice.featureLayer);
    if (!backbone) return backbone.error();
    auto prep = backboneInputPreprocessing(pool.sampleShape(), choice);
    if (!prep) return prep.error();
    BackboneForRun out;
    out.imagePreprocessing = *prep;
    Preprocessing normalization = Preprocessing::identity(Shape{(*backbone)->featureSize()}, false);
    if (normalize) {
        FeatureCache cache(*backbone, *prep);
        ThreadPool pool(threads);
        auto features = cache.features(images.pool.subset(train), &pool);
        if (!features) return features.error();
        std::vector<int> all(static_cast<std::size_t>(features->size()));
        for (int i = 0; i < features->size(); ++i) all[static_cast<std::size_t>(i)] = i;
        normalization = Preprocessing::fitted(*features, all);
        out.imagesComputed = cache.computed();
    }
    out.backbone = (*backbone)->withFeatureNormalization(normalization);
    return out;
}

SnapshotPtr composeBackboneModel(const ModelSnapshot& head, const Backbone& backbone,
                                 const Preprocessing& imagePreprocessing) {
    STUDIO_ASSERT(head.model.inputShape() == Shape{backbone.featureSize()} &&
                      head.preprocessing.inputShape == Shape{backbone.featureSize()},
                  "composeBackboneModel: the head does not read this backbone's features");
    auto whole = std::make_shared<ModelSnapshot>(head);
    whole->preprocessing = imagePreprocessing;
    whole->backbone = backbone.withFeatureNormalization(head.preprocessing);
    return whole;
}

}  // namespace studio
