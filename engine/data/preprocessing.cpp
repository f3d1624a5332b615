#include "engine/data/preprocessing.h"

#include <cmath>

#include "engine/data/dataset.h"

namespace studio {

namespace {

// A channel that never varies (a blank border channel, a constant feature) keeps std 1 so
// normalization cannot divide by ~0.
constexpr double kMinStd = 1e-6;

std::size_t groupCount(const Shape& shape, bool isImage) {
    if (shape.empty()) return 0;
    return isImage ? static_cast<std::size_t>(shape[0]) : shapeSize(shape);
}

}  // namespace

Preprocessing Preprocessing::fitted(const Dataset& data, const std::vector<int>& indices) {
    Preprocessing p;
    p.inputShape = data.sampleShape();
    p.isImage = data.storage() == Dataset::Storage::Pixels8;
    p.table = data.table();
    const std::size_t groups = groupCount(p.inputShape, p.isImage);
    p.mean.assign(groups, 0.0f);
    p.stddev.assign(groups, 1.0f);
    if (indices.empty()) return p;

    if (p.isImage) {
        // Exact integer sums: the result cannot depend on order or thread count.
        const std::size_t plane = static_cast<std::size_t>(p.inputShape[1]) * static_cast<std::size_t>(p.inputShape[2]);
        std::vector<std::uint64_t> sum(groups, 0), sumSq(groups, 0);
        for (int i : indices) {
            const std::uint8_t* px = data.pixels(i);
            for (std::size_t c = 0; c < groups; ++c) {
                std::uint64_t s = 0, s2 = 0;
                const std::uint8_t* q = px + c * plane;
                for (std::size_t k = 0; k < plane; ++k) {
                    const std::uint32_t v = q[k];
                    s += v;
                    s2 += v * v;
                }
                sum[c] += s;
                sumSq[c] += s2;
            }
        }
        const double count = static_cast<double>(indices.size()) * static_cast<double>(plane);
        for (std::size_t c = 0; c < groups; ++c) {
            const double m = static_cast<double>(sum[c]) / count;
            const double var = std::max(0.0, static_cast<double>(sumSq[c]) / count - m * m);
            const double sd = std::sqrt(var) / 255.0;
            p.mean[c] = static_cast<float>(m / 255.0);
            p.stddev[c] = static_cast<float>(sd > kMinStd ? sd : 1.0);
        }
    } else {
        // Two passes in double, in index order.
        std::vector<double> sum(groups, 0.0), sq(groups, 0.0);
        for (int i : indices) {
            const float* f = data.featureRow(i);
            for (std::size_t k = 0; k < groups; ++k) sum[k] += f[k];
        }
        const double n = static_cast<double>(indices.size());
        for (std::size_t k = 0; k < groups; ++k) sum[k] /= n;
        for (int i : indices) {
            const float* f = data.featureRow(i);
            for (std::size_t k = 0; k < groups; ++k) {
                const double d = f[k] - sum[k];
                sq[k] += d * d;
            }
        }
        for (std::size_t k = 0; k < groups; ++k) {
            const double sd = std::sqrt(sq[k] / n);
            p.mean[k] = static_cast<float>(sum[k]);
            p.stddev[k] = static_cast<float>(sd > kMinStd ? sd : 1.0);
        }
    }
    return p;
}

Preprocessing Preprocessing::identity(const Shape& inputShape, bool isImage) {
    Preprocessing p;
    p.inputShape = inputShape;
    p.isImage = isImage;
    const std::size_t groups = groupCount(inputShape, isImage);
    p.mean.assign(groups, 0.0f);
    p.stddev.assign(groups, 1.0f);
    return p;
}

void Preprocessing::normalize(float* sample) const {
    const std::size_t groups = mean.size();
    STUDIO_ASSERT(groups == stddev.size() && groups == groupCount(inputShape, isImage),
                  "Preprocessing: mean/std do not match the input shape");
    const std::size_t per = groups ? shapeSize(inputShape) / groups : 0;
    for (std::size_t g = 0; g < groups; ++g) {
        const float m = mean[g], inv = 1.0f / stddev[g];
        float* x = sample + g * per;
        for (std::size_t k = 0; k < per; ++k) x[k] = (x[k] - m) * inv;
    }
}

void Preprocessing::denormalize(float* sample) const {
    const std::size_t groups = mean.size();
    STUDIO_ASSERT(groups == stddev.size() && groups == groupCount(inputShape, isImage),
                  "Preprocessing: mean/std do not match the input shape");
    const std::size_t per = groups ? shapeSize(inputShape) / groups : 0;
    for (std::size_t g = 0; g < groups; ++g) {
        const float m = mean[g], s = stddev[g];
        float* x = sample + g * per;
        for (std::size_t k = 0; k < per; ++k) x[k] = x[k] * s + m;
    }
}

nlohmann::json Preprocessing::toJson() const {
    nlohmann::json j = {
        {"inputShape", inputShape}, {"isImage", isImage}, {"mean", mean}, {"stddev", stddev}, {"resize", resize}};
    if (table)
        j["table"] = {{"featureNames", table->featureNames}, {"labelName", table->labelName},
                      {"labelColumn", table->labelColumn}, {"columns", table->columns}, {"header", table->header}};
    return j;
}

Result<Preprocessing> Preprocessing::fromJson(const nlohmann::json& j) {
    const std::string hint = "The model file may be damaged or written by another version; retrain or re-export it.";
    auto bad = [&](const std::string& what) { return Error::corrupt("Preprocessing: " + what + ".", hint); };
    if (!j.is_object()) return bad("expected an object");

    Preprocessing p;
    const auto shape = j.find("inputShape");
    if (shape == j.end() || !shape->is_array() || shape->empty()) return bad("'inputShape' is missing or not a list");
    for (const auto& d : *shape) {
        if (!d.is_number_integer() || d.get<long long>() <= 0 || d.get<long long>() > 1 << 20)
            return bad("'inputShape' must hold positive integers, found " + shape->dump());
        p.inputShape.push_back(d.get<int>());
    }
    const auto image = j.find("isImage");
    if (image == j.end() || !image->is_boolean()) return bad("'isImage' is missing or not true/false");
    p.isImage = image->get<bool>();
    if (p.isImage && p.inputShape.size() != 3)
        return bad("an image input needs 'inputShape' [C, H, W], found " + shape->dump());
    if (!p.isImage && p.inputShape.size() != 1)
        return bad("a feature input needs 'inputShape' [F], found " + shape->dump());

    const std::size_t groups = groupCount(p.inputShape, p.isImage);
    const std::string unit = p.isImage ? "channel" : "feature";
    for (const char* key : {"mean", "stddev"}) {
        const auto values = j.find(key);
        if (values == j.end() || !values->is_array())
            return bad(std::string("'") + key + "' is missing or not a list");
        if (values->size() != groups)
            return bad(std::string("'") + key + "' has " + std::to_string(values->size()) + " values but the input has " +
                       std::to_string(groups) + " " + unit + (groups == 1 ? "" : "s"));
        std::vector<float>& out = std::string(key) == "mean" ? p.mean : p.stddev;
        for (const auto& v : *values) {
            if (!v.is_number() || !std::isfinite(v.get<double>()))
                return bad(std::string("'") + key + "' holds a value that is not a finite number: " + v.dump());
            out.push_back(v.get<float>());
        }
    }
    for (float s : p.stddev)
        if (!(s > 0.0f)) return bad("'stddev' must be > 0, found " + std::to_string(s));

    const auto resize = j.find("resize");
    if (resize != j.end()) {
        if (!resize->is_string() || (resize->get<std::string>() != "stretch" && resize->get<std::string>() != "pad"))
            return bad("'resize' must be \"stretch\" or \"pad\", found " + resize->dump());
        p.resize = resize->get<std::string>();
    }

    // Models of image or generated data (and every file written before tables) have none.
    const auto table = j.find("table");
    if (table != j.end()) {
        if (p.isImage || !table->is_object()) return bad("'table' must be an object, and only for feature inputs");
        const std::size_t features = static_cast<std::size_t>(p.inputShape[0]);
        TableLayout t;
        const auto names = table->find("featureNames");
        if (names == table->end() || !names->is_array() || names->size() != features)
            return bad("'table.featureNames' must list one name per feature (" + std::to_string(features) + ")");
        for (const auto& n : *names) {
            if (!n.is_string()) return bad("'table.featureNames' holds a value that is not text: " + n.dump());
            t.featureNames.push_back(n.get<std::string>());
        }
        const auto label = table->find("labelName");
        const auto column = table->find("labelColumn");
        const auto columns = table->find("columns");
        const auto header = table->find("header");
        if (label == table->end() || !label->is_string()) return bad("'table.labelName' is missing or not text");
        if (columns == table->end() || !columns->is_number_integer() ||
            columns->get<long long>() != static_cast<long long>(features) + 1)
            return bad("'table.columns' must be the feature count + 1 (" + std::to_string(features + 1) + ")");
        if (column == table->end() || !column->is_number_integer() || column->get<long long>() < 0 ||
            column->get<long long>() > static_cast<long long>(features))
            return bad("'table.labelColumn' must be a column index from 0 to " + std::to_string(features));
        if (header == table->end() || !header->is_boolean()) return bad("'table.header' is missing or not true/false");
        t.labelName = label->get<std::string>();
        t.labelColumn = column->get<int>();
        t.columns = columns->get<int>();
        t.header = header->get<bool>();
        p.table = std::move(t);
    }
    return p;
}

}  // namespace studio
