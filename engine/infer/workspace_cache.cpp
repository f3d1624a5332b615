#include "engine/infer/workspace_cache.h"

#include <memory>
#include <vector>

namespace studio {

namespace {

// What a Workspace depends on: the layer objects and their shapes.
struct Key {
    const Model* model = nullptr;
    std::vector<const Layer*> layers;
    std::vector<Shape> shapes;

    bool matches(const Model& m) const {
        if (model != &m || static_cast<int>(layers.size()) != m.layerCount()) return false;
        for (int i = 0; i < m.layerCount(); ++i) {
            const Layer& l = m.layer(i);
            const auto k = static_cast<std::size_t>(i);
            if (layers[k] != &l || shapes[2 * k] != l.inputShape() || shapes[2 * k + 1] != l.outputShape())
                return false;
        }
        return true;
    }
    void set(const Model& m) {
        model = &m;
        layers.clear();
        shapes.clear();
        for (int i = 0; i < m.layerCount(); ++i) {
            layers.push_back(&m.layer(i));
            shapes.push_back(m.layer(i).inputShape());
            shapes.push_back(m.layer(i).outputShape());
        }
    }
};

struct Cache {
    Key key;
    std::unique_ptr<Workspace> workspace;
};

}  // namespace

Workspace& threadWorkspace(const Model& model) {
    thread_local Cache cache;
    if (!cache.workspace || !cache.key.matches(model)) {
        cache.workspace = std::make_unique<Workspace>(model);
        cache.key.set(model);
    }
    return *cache.workspace;
}

}  // namespace studio
